"""Scheduled crawling: every enabled source on its own schedule, each crawl in a child process.

APScheduler 3 keeps one job per source in the tripwatch database (table `apscheduler_jobs`),
so a restart resumes the plan; missed runs coalesce into one. Each run is one `ChildCrawl`
(crawler/runner.py): a crash, a hang or a memory blow-up ends in that child, and the
scheduler only reads the outcome and the run record. A failing source backs off
exponentially and returns to its schedule after its next good run.

The children read a snapshot of the config folder taken when it last validated, so a broken
edit of sources.yaml is reported while the last good config keeps running.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
import signal
import tempfile
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.base import JobLookupError
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import STATE_STOPPED
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from config.errors import ConfigError
from config.sources import Source, load_sources, parse_duration
from crawler.runner import ChildCrawl, ChildOutcome
from storage.repository import Health, RunRecord, Store

if TYPE_CHECKING:
    from scrapy.settings import Settings

logger = logging.getLogger(__name__)

#: Job ids are "crawl:<source name>"; other jobs in the table are left alone.
JOB_PREFIX = "crawl:"
#: APScheduler's table in the tripwatch database (Store.scheduled_jobs reads it).
JOBS_TABLE = "apscheduler_jobs"


# ---- settings -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScheduleSettings:
    """The SCHEDULE_* settings of crawler/settings.py, parsed and checked."""

    default_every: timedelta = timedelta(hours=1)
    default_jitter: timedelta = timedelta(minutes=5)
    run_timeout: float = 1800.0
    grace: float = 30.0
    backoff_max: timedelta = timedelta(hours=6)
    max_parallel: int = 2
    reload_poll: float = 5.0
    memory_limit_mb: int = 2048
    timezone: str = ""

    @classmethod
    def from_settings(cls, settings: Settings) -> ScheduleSettings:
        parsed = cls(
            default_every=_duration_setting(settings, "SCHEDULE_DEFAULT_EVERY"),
            default_jitter=_duration_setting(settings, "SCHEDULE_DEFAULT_JITTER", zero_ok=True),
            run_timeout=_number_setting(settings, "SCHEDULE_RUN_TIMEOUT"),
            grace=_number_setting(settings, "SCHEDULE_GRACE_SECONDS", zero_ok=True),
            backoff_max=_duration_setting(settings, "SCHEDULE_BACKOFF_MAX"),
            max_parallel=int(_number_setting(settings, "SCHEDULE_MAX_PARALLEL")),
            reload_poll=_number_setting(settings, "SCHEDULE_RELOAD_POLL"),
            memory_limit_mb=int(_number_setting(settings, "SCHEDULE_MEMORY_LIMIT_MB", zero_ok=True)),
            timezone=str(settings.get("SCHEDULE_TIMEZONE") or ""),
        )
        parsed.zone()  # fails now, naming the setting, rather than at the first cron job
        return parsed

    def zone(self) -> Any:
        """The zone of cron schedules (a ZoneInfo); None = the machine's local zone."""
        if not self.timezone:
            return None
        try:
            return ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ConfigError(
                f"setting SCHEDULE_TIMEZONE={self.timezone!r} is not a time zone; expected e.g. Europe/Berlin or UTC"
            ) from exc


def _duration_setting(settings: Settings, name: str, zero_ok: bool = False) -> timedelta:
    value = settings.get(name)
    if zero_ok and str(value).strip() in ("0", "", "0s", "0m"):
        return timedelta(0)
    try:
        return parse_duration(value)
    except ValueError as exc:
        raise ConfigError(f"setting {name}={value!r}: {exc}") from exc


def _number_setting(settings: Settings, name: str, zero_ok: bool = False) -> float:
    value = settings.get(name)
    try:
        number = float(value)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"setting {name}={value!r} is not a number; expected e.g. 30") from exc
    if number < 0 or (number == 0 and not zero_ok):
        raise ConfigError(f"setting {name}={value!r} must be {'zero or more' if zero_ok else 'more than zero'}")
    return number


# ---- schedules ----------------------------------------------------------------------------------


def format_duration(value: timedelta) -> str:
    """The largest unit that divides it exactly: 2h, 90m, 45s, 1d."""
    seconds = int(value.total_seconds())
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds and seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


@dataclass(frozen=True)
class SourcePlan:
    """When one source runs: a fixed interval or a cron expression, with jitter (seconds)."""

    every: timedelta | None
    cron: str | None
    jitter: timedelta
    default: bool  # the source gave no schedule

    def describe(self) -> str:
        when = f"every {format_duration(self.every)}" if self.every else f"cron {self.cron}"
        jitter = f", jitter {format_duration(self.jitter)}" if self.jitter else ""
        return when + jitter + (" (default)" if self.default else "")


def plan_for(source: Source, settings: ScheduleSettings) -> SourcePlan:
    """The source's own schedule, or the default interval and jitter when it gives none.

    Jitter is capped at half the interval so a run never lands on the next one.
    """
    schedule = source.schedule
    if schedule is None:
        plan = SourcePlan(settings.default_every, None, settings.default_jitter, default=True)
    else:
        plan = SourcePlan(schedule.every, schedule.cron, schedule.jitter or timedelta(0), default=False)
    cap = nominal_interval(plan, settings) / 2
    return plan if plan.jitter <= cap else replace(plan, jitter=cap)


def nominal_interval(plan: SourcePlan, settings: ScheduleSettings, now: datetime | None = None) -> timedelta:
    """How far apart runs are: the interval, or for cron the gap between its next two times."""
    if plan.every is not None:
        return plan.every
    assert plan.cron is not None
    trigger = CronTrigger.from_crontab(plan.cron, timezone=settings.zone())
    first = trigger.get_next_fire_time(None, now or datetime.now(UTC))
    second = trigger.get_next_fire_time(first, first + timedelta(seconds=1))
    return timedelta(seconds=max((second - first).total_seconds(), 60.0))


def trigger_for(plan: SourcePlan, settings: ScheduleSettings) -> IntervalTrigger | CronTrigger:
    jitter = int(plan.jitter.total_seconds()) or None
    if plan.every is not None:
        return IntervalTrigger(seconds=int(plan.every.total_seconds()), jitter=jitter)
    assert plan.cron is not None
    minute, hour, day, month, day_of_week = plan.cron.split()
    return CronTrigger(
        minute=minute, hour=hour, day=day, month=month, day_of_week=day_of_week, timezone=settings.zone(), jitter=jitter
    )


def backoff_delay(interval: timedelta, failures: int, cap: timedelta) -> timedelta:
    """min(interval * 2**failures, cap), but never shorter than the interval itself."""
    factor = 2 ** min(failures, 40)  # beyond that the cap has long won; keeps timedelta in range
    seconds = min(interval.total_seconds() * factor, cap.total_seconds())
    return max(interval, timedelta(seconds=seconds))


def job_id(source_name: str) -> str:
    return f"{JOB_PREFIX}{source_name}"


def job_label(source: Source, plan: SourcePlan) -> str:
    # The job's name carries its schedule: a changed name is how a changed schedule is noticed.
    return f"{source.name}: {plan.describe()}"


# ---- one run ------------------------------------------------------------------------------------


def crawl_problem(outcome: ChildOutcome, run: RunRecord | None, source: str, timeout: float) -> str | None:
    """Why a source's run failed, in one sentence; None when it worked."""
    process = outcome.describe_failure(timeout)
    if process is not None:
        return process
    if run is None:
        return "the crawl wrote no run record"
    if run.status != "finished":
        return f"the crawl ended early ({run.finish_reason or run.status})"
    counters = run.stats.get("sources", {}).get(source, {})
    broken = int(counters.get("entry_failures", 0))
    if broken:
        reasons = ", ".join(f"{reason} {count}" for reason, count in sorted(counters.get("failures", {}).items()))
        total = int(counters.get("entry_points", broken))
        return f"{broken} of {total} entry point(s) failed ({reasons})"
    return None


def run_counts(run: RunRecord | None, source: str) -> dict[str, int]:
    counters = run.stats.get("sources", {}).get(source, {}) if run else {}
    return {
        "new": int(counters.get("new", 0)),
        "updated": int(counters.get("updated", 0)),
        "pages": int(counters.get("pages", 0)),
        "failures": sum(int(n) for n in counters.get("failures", {}).values()),
    }


# APScheduler stores a job's callable as an import path ("crawler.schedule:run_scheduled_crawl"),
# never as an object, so the job finds the service running in this process here. There is at
# most one: a service holds its database's scheduler lock and a process serves one database.
_active_service: list[SchedulerService] = []


def run_scheduled_crawl(source_name: str) -> None:
    """The job APScheduler runs for each source (in one of its pool threads)."""
    if not _active_service:
        logger.warning(
            "No scheduler is running in this process; the run of %(source)s is skipped", {"source": source_name}
        )
        return
    _active_service[0].run_source(source_name)


# ---- the service --------------------------------------------------------------------------------


class _JobStore(SQLAlchemyJobStore):  # type: ignore[misc]
    """APScheduler's table, on the Store's engine; the Store disposes of the engine, not the job store."""

    def shutdown(self) -> None:
        return  # disposing here would orphan connections still checked out (the scheduler lock's)


class _Scheduler(BackgroundScheduler):  # type: ignore[misc]
    """APScheduler 3 looks for due jobs once more after shutdown, fails to submit them to the
    stopped pool (a logged traceback) and moves them on, losing that run. Not here."""

    def _process_jobs(self) -> float | None:
        if self.state == STATE_STOPPED:
            return None
        wait: float | None = super()._process_jobs()
        return wait


@dataclass
class ServiceControl:
    """What signals ask of the service; the serving loop acts on it (signal handlers only set events)."""

    stop: threading.Event = field(default_factory=threading.Event)
    reload: threading.Event = field(default_factory=threading.Event)
    wake: threading.Event = field(default_factory=threading.Event)

    def request_stop(self) -> None:
        self.stop.set()
        self.wake.set()

    def request_reload(self) -> None:
        self.reload.set()
        self.wake.set()


class SchedulerService:
    """The background scheduler of one database: jobs, the config it runs, the crawls in flight.

    `start()` takes the database's scheduler lock, checks the config and resumes the saved
    plan; `serve(control)` reloads the config on request or when its files change until a
    stop is requested; `shutdown()` lets running crawls wind down within the grace period.
    """

    def __init__(
        self,
        db_url: str,
        config_folder: Path,
        settings: ScheduleSettings,
        child_overrides: Mapping[str, Any] | None = None,
    ) -> None:
        self.db_url = db_url
        self.config_folder = config_folder
        self.settings = settings
        self.child_overrides = dict(child_overrides or {})
        self.sources: dict[str, Source] = {}  # the enabled sources of the last good config
        self.store: Store | None = None
        self.scheduler: _Scheduler | None = None
        self.snapshot: Path | None = None
        self._config_stamp: tuple[tuple[str, int, int], ...] = ()
        self._running: dict[str, ChildCrawl | None] = {}
        self._lock = threading.Lock()
        self._stopping = threading.Event()

    @property
    def sources_file(self) -> Path:
        return self.config_folder / "sources.yaml"

    # -- start and stop ----------------------------------------------------------------------

    def start(self) -> None:
        """Lock the database, load the config (a bad one stops here), resume the saved plan."""
        self.snapshot = Path(tempfile.mkdtemp(prefix="tripwatch-config-"))
        try:
            sources = self._load_config()  # a bad config stops here, before the database is touched
            self.store = store = Store.open(self.db_url)
            store.acquire_scheduler_lock()
            if _active_service:
                raise RuntimeError("a scheduler is already running in this process; one process serves one database")
            self.scheduler = _Scheduler(
                jobstores={"default": _JobStore(engine=store.engine, tablename=JOBS_TABLE)},
                executors={"default": ThreadPoolExecutor(self.settings.max_parallel)},
                # misfire_grace_time None: a run is never dropped for being late; coalesce: only once.
                job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
                timezone=self.settings.zone(),
            )
            _active_service.append(self)
            self.scheduler.start(paused=True)
            changes = self._apply(sources)
            self.scheduler.resume()
        except BaseException:
            if self.scheduler is not None and self.scheduler.running:
                self.scheduler.shutdown(wait=False)
            self._release()
            raise
        logger.info(
            "Scheduler started (pid %(pid)d): %(count)d source(s) from %(config)s; %(changes)s",
            {"pid": os.getpid(), "count": len(self.sources), "config": self.config_folder, "changes": changes},
        )

    def shutdown(self) -> None:
        """No new crawls; running ones get SIGTERM and the grace period, then SIGKILL."""
        if self.scheduler is not None and self.scheduler.running:
            self.scheduler.pause()  # due jobs stay due: a restart runs them
        with self._lock:
            self._stopping.set()
            children = [child for child in self._running.values() if child is not None]
        logger.info(
            "Stopping: no new crawls; %(count)d running crawl(s) get %(grace).0fs to finish",
            {"count": len(children), "grace": self.settings.grace},
        )
        for child in children:
            child.stop()
        if self.scheduler is not None and self.scheduler.running:
            # Waits for the pool threads, each waiting (at most the grace period) for its child.
            self.scheduler.shutdown(wait=True)
        self._release()
        logger.info("Scheduler stopped")

    def hurry(self) -> None:
        """Kill the running crawls now (a second Ctrl-C); safe to call from a signal handler."""
        for child in list(self._running.values()):
            if child is not None:
                child.kill()

    def _release(self) -> None:
        if self in _active_service:
            _active_service.remove(self)
        if self.store is not None:
            self.store.release_scheduler_lock()
            self.store.close()
            self.store = None
        if self.snapshot is not None:
            shutil.rmtree(self.snapshot, ignore_errors=True)
            self.snapshot = None

    # -- config ------------------------------------------------------------------------------

    def serve(self, control: ServiceControl) -> None:
        """Until a stop is requested: reload the config on SIGHUP or when one of its files changes."""
        while not control.stop.is_set():
            control.wake.wait(self.settings.reload_poll)
            control.wake.clear()
            if control.stop.is_set():
                break
            if control.reload.is_set():
                control.reload.clear()
                self.reload("SIGHUP")
            elif self._stamp() != self._config_stamp:
                self.reload("a file in the config folder changed")

    def reload(self, reason: str) -> bool:
        """Apply the config folder as it is now; a broken one is logged and the last good one kept."""
        try:
            sources = self._load_config()
        except ConfigError as exc:
            logger.error(
                "Config in %(folder)s not reloaded (%(reason)s); the last good config keeps running: %(problem)s",
                {"folder": self.config_folder, "reason": reason, "problem": str(exc)},
            )
            return False
        changes = self._apply(sources)
        logger.info("Config reloaded (%(reason)s): %(changes)s", {"reason": reason, "changes": changes})
        return True

    def _config_files(self) -> list[Path]:
        """The files a crawl may read; an editor's hidden and backup files are not among them."""
        try:
            paths = sorted(self.config_folder.iterdir())
        except OSError:
            return []  # the folder is gone: _load_config says so
        return [p for p in paths if p.is_file() and not p.name.startswith(".") and not p.name.endswith("~")]

    def _stamp(self) -> tuple[tuple[str, int, int], ...]:
        stamps = []
        for path in self._config_files():
            try:
                stat = path.stat()
            except FileNotFoundError:
                continue  # removed while we looked
            stamps.append((path.name, stat.st_mtime_ns, stat.st_size))
        return tuple(stamps)

    def _load_config(self) -> tuple[Source, ...]:
        """Copy the config folder, validate the copy, and only then make it what the crawls read."""
        assert self.snapshot is not None
        if not self.sources_file.is_file():
            raise ConfigError(f"{self.sources_file}: file not found; create it or pass --config DIR")
        self._config_stamp = self._stamp()
        staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=self.snapshot))
        try:
            files = self._config_files()
            for path in files:
                try:
                    shutil.copy2(path, staging / path.name)
                except OSError as exc:
                    raise ConfigError(f"{path}: cannot be read ({exc.strerror}); check its permissions") from exc
            sources = load_sources(staging / "sources.yaml")
            if (staging / "watchlist.yaml").is_file():
                from config.watchlist import load_watchlist

                load_watchlist(staging / "watchlist.yaml")
            for path in files:
                # One rename per file: a crawl starting now reads the old file or the new one, never half.
                os.replace(staging / path.name, self.snapshot / path.name)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        return sources

    def _apply(self, sources: tuple[Source, ...]) -> str:
        """Make the jobs match the enabled sources: add new ones, reschedule changed ones, drop the rest.

        A job that exists keeps its saved next run time unless its schedule changed: re-adding
        it would throw away the plan (and a back-off) that a restart is meant to resume.
        """
        assert self.scheduler is not None and self.store is not None
        self.sources = {source.name: source for source in sources if source.enabled}
        existing = {job.id: job for job in self.scheduler.get_jobs() if job.id.startswith(JOB_PREFIX)}
        health = self.store.source_health()
        added, changed = [], []
        for name, source in self.sources.items():
            plan = plan_for(source, self.settings)
            label = job_label(source, plan)
            job = existing.pop(job_id(name), None)
            if job is None:
                # A new source with an interval is crawled at once; a cron schedule waits for its time.
                first = {"next_run_time": datetime.now(UTC)} if plan.every is not None else {}
                self.scheduler.add_job(
                    run_scheduled_crawl,
                    trigger_for(plan, self.settings),
                    args=[name],
                    id=job_id(name),
                    name=label,
                    **first,
                )
                added.append(name)
            elif job.name != label:
                self.scheduler.reschedule_job(job.id, trigger=trigger_for(plan, self.settings))
                self.scheduler.modify_job(job.id, name=label)
                changed.append(name)
            else:
                continue
            backoff = health.get(name)
            if backoff is not None and backoff.backoff_until is not None:
                self._postpone(name, backoff.backoff_until)
        for stale in existing:
            self.scheduler.remove_job(stale)
        removed = [stale.removeprefix(JOB_PREFIX) for stale in existing]
        return (
            "; ".join(
                f"{what}: {', '.join(names)}"
                for what, names in (("added", added), ("rescheduled", changed), ("removed", removed))
                if names
            )
            or "no schedule changed"
        )

    # -- runs --------------------------------------------------------------------------------

    def run_source(self, name: str) -> None:
        """One scheduled run of a source: crawl it in a child, then record its health."""
        source = self.sources.get(name)
        if source is None:
            logger.info("%(source)s is no longer in the config; run skipped", {"source": name})
            return
        if not self._claim(name):
            return
        try:
            outcome = self._crawl(source)
            if outcome is not None:
                self._record(source, outcome)
        finally:
            with self._lock:
                self._running.pop(name, None)

    def _claim(self, name: str) -> bool:
        # APScheduler's max_instances=1 already prevents overlap; this also covers a job that was
        # removed and re-added (config reload) while its previous run was still going.
        with self._lock:
            if self._stopping.is_set():
                return False
            if name in self._running:
                logger.warning("%(source)s is still being crawled; this run is skipped", {"source": name})
                return False
            self._running[name] = None
            return True

    def _child_overrides(self) -> dict[str, Any]:
        overrides = dict(self.child_overrides)
        overrides["CONFIG_DIR"] = str(self.snapshot)
        overrides["REPORT_PROGRESS_INTERVAL"] = 0
        # Bounds a crawl whose scheduler died (kill -9): Scrapy then closes it by itself.
        overrides.setdefault("CLOSESPIDER_TIMEOUT", self.settings.run_timeout + self.settings.grace)
        if self.settings.memory_limit_mb:
            overrides.setdefault("MEMUSAGE_ENABLED", True)
            overrides.setdefault("MEMUSAGE_LIMIT_MB", self.settings.memory_limit_mb)
        return overrides

    def _crawl(self, source: Source) -> ChildOutcome | None:
        child = ChildCrawl(
            [source.name],
            self._child_overrides(),
            timeout=self.settings.run_timeout,
            grace=self.settings.grace,
            # By environment, not argv: a database password stays out of `ps`.
            env={"TRIPWATCH_DATABASE_URL": self.db_url, "TRIPWATCH_CONFIG": str(self.snapshot)},
        )
        with self._lock:
            if self._stopping.is_set():
                return None
            pid = child.start()
            self._running[source.name] = child
        logger.info("Crawl of %(source)s started (pid %(pid)d)", {"source": source.name, "pid": pid})
        return child.wait()

    def _record(self, source: Source, outcome: ChildOutcome) -> None:
        assert self.store is not None
        name = source.name
        run = self.store.run(outcome.run_id) if outcome.run_id is not None else None
        if run is not None and run.status == "running":
            # Killed before Scrapy could close its run record.
            reason = "timeout" if outcome.timed_out else "shutdown" if outcome.stopped else "crashed"
            self.store.finish_run(run.id, "killed", reason, {})
        counts = run_counts(run, name)
        details = {"source": name, "seconds": outcome.seconds, "run_id": outcome.run_id, **counts}
        if outcome.stopped:
            # Interrupted by our own shutdown: says nothing about the source's health.
            logger.info(
                "Crawl of %(source)s stopped by shutdown after %(seconds).1fs: %(new)d new (run %(run_id)s)", details
            )
            return
        problem = crawl_problem(outcome, run, name, self.settings.run_timeout)
        if problem is None:
            self.store.record_source_run(name, ok=True, items=counts["new"], error=None, backoff_until=None)
            logger.info(
                "Crawl of %(source)s finished in %(seconds).1fs: %(new)d new, %(updated)d updated, "
                "%(pages)d pages, %(failures)d failures (run %(run_id)s)",
                details,
            )
            return
        previous = self.store.source_health().get(name)
        failures = (previous.consecutive_failures if previous else 0) + 1
        interval = nominal_interval(plan_for(source, self.settings), self.settings)
        until = datetime.now(UTC) + backoff_delay(interval, failures, self.settings.backoff_max)
        self.store.record_source_run(name, ok=False, items=counts["new"], error=problem, backoff_until=until)
        self._postpone(name, until)
        logger.warning(
            "Crawl of %(source)s failed after %(seconds).1fs (%(failures_in_a_row)d in a row): %(error)s; "
            "%(new)d new (run %(run_id)s); next run not before %(until)s",
            {**details, "failures_in_a_row": failures, "error": problem, "until": until.isoformat(timespec="seconds")},
        )

    def _postpone(self, name: str, until: datetime) -> None:
        """Move the job's next run to `until` unless it is already later (or the job is gone)."""
        if self.scheduler is None or self._stopping.is_set():
            return
        job = self.scheduler.get_job(job_id(name))
        if job is None or (job.next_run_time is not None and job.next_run_time >= until):
            return
        with contextlib.suppress(JobLookupError):  # removed by a reload a moment ago
            self.scheduler.modify_job(job.id, next_run_time=until)


# ---- running it ---------------------------------------------------------------------------------


def install_signal_handlers(control: ServiceControl, service: SchedulerService) -> None:
    """SIGTERM/SIGINT stop (a second one kills the crawls at once), SIGHUP reloads the config."""

    def on_stop(signum: int, frame: object) -> None:
        if control.stop.is_set():
            service.hurry()
        control.request_stop()

    def on_reload(signum: int, frame: object) -> None:
        control.request_reload()

    signal.signal(signal.SIGTERM, on_stop)
    signal.signal(signal.SIGINT, on_stop)
    signal.signal(signal.SIGHUP, on_reload)


def run_service(
    service: SchedulerService, control: ServiceControl | None = None, on_started: Callable[[], None] | None = None
) -> None:
    """Start, serve until SIGTERM/SIGINT (or `control.request_stop()`), shut down. Call from the main thread."""
    control = control or ServiceControl()
    service.start()
    try:
        install_signal_handlers(control, service)
        if on_started is not None:
            on_started()
        service.serve(control)
    finally:
        service.shutdown()


# ---- logging ------------------------------------------------------------------------------------


class JsonLogFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, plus the record's named arguments."""

    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if isinstance(record.args, Mapping):
            for key, value in record.args.items():
                plain = value if isinstance(value, str | int | float | bool) or value is None else str(value)
                data.setdefault(str(key), plain)
        if record.exc_info:
            data["exception"] = self.formatException(record.exc_info)
        return json.dumps(data, ensure_ascii=False)


# ---- status -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SourceStatus:
    """One row of `tripwatch sources status`."""

    name: str
    schedule: str
    enabled: bool
    next_run: datetime | None
    health: Health | None


def source_statuses(sources: tuple[Source, ...], store: Store, settings: ScheduleSettings) -> list[SourceStatus]:
    """Every declared source, plus any that has health records but is no longer declared."""
    health = store.source_health()
    jobs = store.scheduled_jobs()
    rows = [
        SourceStatus(
            source.name,
            plan_for(source, settings).describe(),
            source.enabled,
            jobs.get(job_id(source.name)),
            health.pop(source.name, None),
        )
        for source in sources
    ]
    rows += [SourceStatus(name, "-", False, jobs.get(job_id(name)), row) for name, row in sorted(health.items())]
    return rows
