"""crawler.schedule: sources crawled on their schedules, unattended, against local news sites.

Schedules here are a few seconds long; each crawl is a real child process with the real
pipeline, writing to a real SQLite file. The scenario tests observe runs through the store.
"""

from __future__ import annotations

import itertools
import json
import logging
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from click.testing import CliRunner

from config.errors import ConfigError
from config.sources import Schedule, Source
from crawler.cli import cli
from crawler.runner import ChildOutcome, crawl_settings
from crawler.schedule import (
    JOBS_TABLE,
    JsonLogFormatter,
    SchedulerService,
    ScheduleSettings,
    ServiceControl,
    backoff_delay,
    crawl_problem,
    format_duration,
    job_id,
    plan_for,
    trigger_for,
)
from storage.errors import StorageError
from storage.repository import Health, ItemFilter, RunRecord, Store
from tests.test_runner import FAST_SETTINGS, NewsSite, make_config, write_sources

REPO = Path(__file__).resolve().parent.parent
SECOND = timedelta(seconds=1)


# ---- helpers ------------------------------------------------------------------------------------


def wait_for(condition: Callable[[], Any], timeout: float, what: str, step: float = 0.2) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(step)
    raise AssertionError(f"gave up after {timeout:.0f}s waiting for {what}")


def runs(db_url: str, source: str) -> list[RunRecord]:
    """The source's runs, oldest first."""
    with Store.open(db_url, migrate_schema=False) as store:
        return list(reversed(store.source_runs(source, limit=1000)))


def health(db_url: str, source: str) -> Health | None:
    with Store.open(db_url, migrate_schema=False) as store:
        return store.source_health().get(source)


def ended(db_url: str, source: str) -> list[RunRecord]:
    return [run for run in runs(db_url, source) if run.finished_at is not None]


@contextmanager
def serving(service: SchedulerService) -> Iterator[ServiceControl]:
    """The service started, its config loop in a thread; stopped and shut down on exit."""
    service.start()
    control = ServiceControl()
    loop = threading.Thread(target=service.serve, args=(control,), daemon=True)
    loop.start()
    try:
        yield control
    finally:
        control.request_stop()
        loop.join(timeout=10)
        service.shutdown()


@pytest.fixture
def open_site() -> Iterator[Callable[..., NewsSite]]:
    """Start news sites for one test; all are closed after it."""
    started: list[NewsSite] = []

    def start(name: str, articles: int = 3) -> NewsSite:
        started.append(NewsSite(name, articles).start())
        return started[-1]

    yield start
    for site in started:
        site.close()


def quick_settings(**changes: Any) -> ScheduleSettings:
    values: dict[str, Any] = {
        "run_timeout": 60,
        "grace": 5,
        "backoff_max": timedelta(seconds=30),
        "max_parallel": 3,
        "reload_poll": 0.3,
        "memory_limit_mb": 0,
        "timezone": "UTC",
    }
    values.update(changes)
    return ScheduleSettings(**values)


def source(name: str, **schedule: Any) -> Source:
    return Source(
        name=name, feeds=("http://127.0.0.1:9/feed.xml",), schedule=Schedule(**schedule) if schedule else None
    )


# ---- plans, back-off and settings ---------------------------------------------------------------


def test_a_source_without_a_schedule_gets_the_default_interval_and_jitter() -> None:
    settings = quick_settings(default_every=timedelta(hours=1), default_jitter=timedelta(minutes=5))
    plan = plan_for(source("a"), settings)
    assert (plan.every, plan.jitter, plan.default) == (timedelta(hours=1), timedelta(minutes=5), True)
    assert plan.describe() == "every 1h, jitter 5m (default)"


@pytest.mark.parametrize(
    ("schedule", "described", "jitter"),
    [
        ({"every": "30s"}, "every 30s", 0),
        ({"every": "2h", "jitter": "10m"}, "every 2h, jitter 10m", 600),
        ({"every": "1m", "jitter": "5m"}, "every 1m, jitter 30s", 30),  # jitter capped at half the interval
        ({"cron": "*/30 * * * *"}, "cron */30 * * * *", 0),
        ({"every": "1d"}, "every 1d", 0),
    ],
)
def test_a_source_schedule_becomes_a_plan(schedule: dict[str, str], described: str, jitter: int) -> None:
    plan = plan_for(source("a", **schedule), quick_settings())
    assert plan.describe() == described
    assert plan.jitter == timedelta(seconds=jitter)


def test_triggers_follow_the_plan() -> None:
    settings = quick_settings()
    interval = trigger_for(plan_for(source("a", every="15m", jitter="1m"), settings), settings)
    assert interval.interval == timedelta(minutes=15)
    assert interval.jitter == 60
    cron = trigger_for(plan_for(source("b", cron="0 6 * * 1-5"), settings), settings)
    monday = datetime(2026, 10, 5, 7, 0, tzinfo=UTC)
    assert cron.get_next_fire_time(None, monday) == datetime(2026, 10, 6, 6, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("failures", "expected"),
    [
        (1, timedelta(minutes=20)),
        (2, timedelta(minutes=40)),
        (4, timedelta(minutes=160)),
        (5, timedelta(hours=3)),
        (10**6, timedelta(hours=3)),
    ],
)
def test_backoff_doubles_per_failure_up_to_the_cap(failures: int, expected: timedelta) -> None:
    assert backoff_delay(timedelta(minutes=10), failures, timedelta(hours=3)) == expected


def test_backoff_is_never_shorter_than_the_interval() -> None:
    assert backoff_delay(timedelta(days=1), 1, timedelta(hours=6)) == timedelta(days=1)


def test_schedule_settings_come_from_crawl_settings_and_their_overrides() -> None:
    settings = ScheduleSettings.from_settings(
        crawl_settings({"SCHEDULE_BACKOFF_MAX": "2h", "SCHEDULE_RUN_TIMEOUT": "90"})
    )
    assert settings.backoff_max == timedelta(hours=2)
    assert settings.run_timeout == 90
    assert settings.default_every == timedelta(hours=1)  # the default in crawler/settings.py


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("SCHEDULE_BACKOFF_MAX", "6x", "setting SCHEDULE_BACKOFF_MAX='6x'"),
        ("SCHEDULE_RUN_TIMEOUT", "soon", "setting SCHEDULE_RUN_TIMEOUT='soon' is not a number"),
        ("SCHEDULE_MAX_PARALLEL", "0", "must be more than zero"),
        ("SCHEDULE_TIMEZONE", "Mars/Olympus", "is not a time zone"),
    ],
)
def test_a_bad_schedule_setting_is_a_config_error_naming_it(name: str, value: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message.replace("(", r"\(")):
        ScheduleSettings.from_settings(crawl_settings({name: value}))


def test_format_duration_uses_the_largest_exact_unit() -> None:
    assert [format_duration(timedelta(seconds=s)) for s in (45, 90, 120, 7200, 86400, 5400)] == [
        "45s",
        "90s",
        "2m",
        "2h",
        "1d",
        "90m",
    ]


def _run(status: str = "finished", **counters: Any) -> RunRecord:
    now = datetime.now(UTC)
    return RunRecord(7, ["a"], now, now, status, status, {"sources": {"a": counters}})


@pytest.mark.parametrize(
    ("outcome", "run", "problem"),
    [
        (ChildOutcome(("a",), 1, 0, 7, False, False, False, None, 1.0), _run(new=2), None),
        (ChildOutcome(("a",), 1, 0, 7, False, False, False, None, 1.0), _run(new=1, failures={"http-404": 3}), None),
        (
            ChildOutcome(("a",), 1, 0, 7, False, False, False, None, 1.0),
            _run(entry_points=2, entry_failures=1, failures={"http-503": 1}),
            "1 of 2 entry point(s) failed (http-503 1)",
        ),
        (
            ChildOutcome(("a",), 1, 0, 7, False, False, False, None, 1.0),
            _run("stopped"),
            "the crawl ended early (stopped)",
        ),
        (ChildOutcome(("a",), 1, -9, 7, True, False, True, None, 9.0), None, "timed out after 60s and was killed"),
        (
            ChildOutcome(("a",), 1, 1, None, False, False, False, "boom", 1.0),
            None,
            "the crawl process exited with code 1: boom",
        ),
        (ChildOutcome(("a",), 1, 0, None, False, False, False, None, 1.0), None, "the crawl wrote no run record"),
    ],
)
def test_a_run_fails_on_a_process_problem_or_a_broken_entry_point_only(
    outcome: ChildOutcome, run: RunRecord | None, problem: str | None
) -> None:
    assert crawl_problem(outcome, run, "a", 60) == problem


def test_json_log_lines_carry_the_named_arguments() -> None:
    record = logging.LogRecord(
        "crawler.schedule",
        logging.INFO,
        __file__,
        1,
        "Crawl of %(source)s finished: %(new)d new",
        ({"source": "a", "new": 3},),
        None,
    )
    data = json.loads(JsonLogFormatter().format(record))
    assert data["message"] == "Crawl of a finished: 3 new"
    assert (data["level"], data["logger"], data["source"], data["new"]) == ("INFO", "crawler.schedule", "a", 3)
    assert datetime.fromisoformat(data["time"]).tzinfo is not None


# ---- one scheduler per database -----------------------------------------------------------------


def _second_scheduler_is_refused(url: str) -> None:
    with Store.open(url) as first, Store.open(url) as second:
        first.acquire_scheduler_lock()
        with pytest.raises(
            StorageError,
            match=rf"another tripwatch scheduler is already running on this database \(pid {os.getpid()}\)",
        ):
            second.acquire_scheduler_lock()
        first.release_scheduler_lock()
        second.acquire_scheduler_lock()  # free again once the first lets go
        second.release_scheduler_lock()


def test_one_scheduler_per_sqlite_database(sqlite_url: str) -> None:
    _second_scheduler_is_refused(sqlite_url)


@pytest.mark.postgres
def test_one_scheduler_per_postgresql_database(pg_url: str) -> None:
    _second_scheduler_is_refused(pg_url)


# ---- jobs follow the config (cron schedules: nothing is crawled here) ---------------------------


def _cron_config(folder: Path, entries: dict[str, str | None]) -> Path:
    """sources.yaml with one source per entry: a cron expression, or None for a disabled source."""
    lines = ["sources:"]
    for name, cron in entries.items():
        lines += [f"  - name: {name}", '    feeds: ["http://127.0.0.1:9/feed.xml"]']
        lines += (
            [f'    schedule: {{cron: "{cron}"}}']
            if cron
            else ['    schedule: {cron: "0 6 * * *"}', "    enabled: false"]
        )
    (folder / "sources.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def test_jobs_follow_the_config_and_a_restart_keeps_their_saved_plan(tmp_path: Path, db_url: str) -> None:
    config = _cron_config(make_config(tmp_path / "config"), {"a": "0 6 * * *", "b": "0 7 * * *"})

    def jobs() -> dict[str, datetime | None]:
        with Store.open(db_url) as store:
            return store.scheduled_jobs()

    service = SchedulerService(db_url, config, quick_settings(), FAST_SETTINGS)
    service.start()
    service.shutdown()
    first = jobs()
    assert set(first) == {job_id("a"), job_id("b")}
    assert all(when is not None and when.minute == 0 for when in first.values())

    # A restart must not re-create the jobs: their saved next run times (and back-offs) stay.
    service = SchedulerService(db_url, config, quick_settings(), FAST_SETTINGS)
    with serving(service):
        assert jobs() == first
        _cron_config(config, {"a": "30 6 * * *", "c": "0 8 * * *", "d": None})
        assert service.reload("test") is True
        after = jobs()
    assert set(after) == {job_id("a"), job_id("c")}  # b removed, d disabled
    moved = after[job_id("a")]
    assert moved is not None and moved.minute == 30
    assert sorted(service.sources) == ["a", "c"]


def test_a_broken_edit_is_reported_and_the_last_good_config_keeps_running(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    config = _cron_config(make_config(tmp_path / "config"), {"a": "0 6 * * *"})
    good = (config / "sources.yaml").read_text(encoding="utf-8")
    db_url = f"sqlite:///{tmp_path / 'reload.db'}"
    service = SchedulerService(db_url, config, quick_settings(), FAST_SETTINGS)
    with caplog.at_level(logging.INFO, logger="crawler.schedule"), serving(service) as control:
        assert service.snapshot is not None
        (config / "sources.yaml").write_text(good.replace('{cron: "0 6 * * *"}', "{every: 5x}"), encoding="utf-8")
        error = wait_for(
            lambda: [r for r in caplog.records if r.levelno == logging.ERROR], 10, "the broken edit to be reported"
        )[0].getMessage()
        assert "not reloaded (a file in the config folder changed)" in error
        assert 'sources.yaml: source "a" field "schedule.every"' in error
        assert "'5x' is not a duration" in error
        # What the crawls read is still the last good file.
        assert (service.snapshot / "sources.yaml").read_text(encoding="utf-8") == good
        assert list(service.sources) == ["a"]

        caplog.clear()
        control.request_reload()  # SIGHUP with the file still broken: reported again
        wait_for(lambda: [r for r in caplog.records if "not reloaded (SIGHUP)" in r.getMessage()], 10, "SIGHUP")

        _cron_config(config, {"a": "0 6 * * *", "b": "0 9 * * *"})
        wait_for(lambda: "b" in service.sources, 10, "the fixed edit to be applied")
        assert "b" in (service.snapshot / "sources.yaml").read_text(encoding="utf-8")


# ---- crawling on schedule -----------------------------------------------------------------------


@dataclass
class BusyDay:
    """What a scheduler did with three sources: one fine, one failing for a while, one that hangs."""

    db_url: str
    beta_interval: timedelta
    beta_health: list[Health] = field(default_factory=list)
    runs: dict[str, list[RunRecord]] = field(default_factory=dict)
    final_health: dict[str, Health] = field(default_factory=dict)


@pytest.fixture(scope="module")
def busy_day(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BusyDay]:
    tmp_path = tmp_path_factory.mktemp("busy-day")
    alpha, beta, stuck = NewsSite("alpha").start(), NewsSite("beta").start(), NewsSite("stuck").start()
    beta.failing = True
    stuck.hang = True
    config = make_config(tmp_path / "config")
    # stuck's first run starts at once and hangs until the timeout; its back-off then keeps it away.
    write_sources(
        config, {"alpha": (alpha, "{every: 2s}"), "beta": (beta, "{every: 1s}"), "stuck": (stuck, "{every: 1m}")}
    )
    day = BusyDay(f"sqlite:///{tmp_path / 'busy.db'}", beta_interval=timedelta(seconds=1))
    # The hung feed would keep its download open far longer than the run's timeout.
    overrides = {**FAST_SETTINGS, "DOWNLOAD_TIMEOUT": 120}
    # The timeout leaves a loaded machine room for a normal crawl (about 5s here, mostly start-up).
    service = SchedulerService(day.db_url, config, quick_settings(run_timeout=15, grace=1), overrides)
    try:
        with serving(service):
            deadline = time.monotonic() + 90
            while time.monotonic() < deadline:
                state = health(day.db_url, "beta")
                if state is not None and (not day.beta_health or state != day.beta_health[-1]):
                    day.beta_health.append(state)
                    if state.consecutive_failures >= 2:
                        beta.failing = False  # the outlet is back
                alpha_done = len(ended(day.db_url, "alpha")) >= 4
                beta_back = state is not None and state.consecutive_failures == 0 and len(day.beta_health) >= 3
                stuck_stopped = any(run.status == "killed" for run in runs(day.db_url, "stuck"))
                if alpha_done and beta_back and stuck_stopped:
                    break
                time.sleep(0.2)
        day.runs = {name: runs(day.db_url, name) for name in ("alpha", "beta", "stuck")}
        with Store.open(day.db_url) as store:
            day.final_health = store.source_health()
        yield day
    finally:
        for site in (alpha, beta, stuck):
            site.close()


def test_each_source_is_crawled_again_and_again(busy_day: BusyDay) -> None:
    finished = [run for run in busy_day.runs["alpha"] if run.status == "finished"]
    assert len(finished) >= 4
    assert finished[0].stats["sources"]["alpha"]["new"] == 3  # the first run stores the articles
    alpha = busy_day.final_health["alpha"]
    assert alpha.consecutive_failures == 0 and alpha.last_success is not None
    assert alpha.items_7d == 3


def test_a_source_never_runs_twice_at_once(busy_day: BusyDay) -> None:
    for name, history in busy_day.runs.items():
        closed = [run for run in history if run.finished_at is not None]
        for earlier, later in itertools.pairwise(closed):
            assert earlier.finished_at is not None
            assert later.started_at >= earlier.finished_at, (
                f"{name}: run {later.id} started before run {earlier.id} ended"
            )


def test_a_failing_source_backs_off_then_recovers(busy_day: BusyDay) -> None:
    seen = busy_day.beta_health
    failures = [state for state in seen if state.consecutive_failures]
    assert [state.consecutive_failures for state in failures[:2]] == [1, 2]
    assert all(state.backoff_until is not None and "http-503" in (state.last_error or "") for state in failures)
    # Each failure doubles the wait (2 x the interval, then 4 x), and the next run keeps to it.
    history = busy_day.runs["beta"]
    assert len(history) >= 3
    for state, following, factor in ((failures[0], history[1], 2), (failures[1], history[2], 4)):
        assert state.backoff_until is not None and state.last_run is not None
        waited = state.backoff_until - state.last_run
        assert abs(waited - factor * busy_day.beta_interval) < SECOND / 2, waited
        assert following.started_at >= state.backoff_until
    # Back to normal: no failure, no back-off, runs on its own schedule again.
    final = busy_day.final_health["beta"]
    assert (final.consecutive_failures, final.backoff_until, final.last_error) == (0, None, None)
    assert history[2].status == "finished" and history[2].stats["sources"]["beta"]["new"] == 3


def test_a_hanging_crawl_is_stopped_at_its_timeout_while_the_others_go_on(busy_day: BusyDay) -> None:
    hung = next(run for run in busy_day.runs["stuck"] if run.status == "killed")
    assert hung.finish_reason == "timeout" and hung.finished_at is not None
    stuck = busy_day.final_health["stuck"]
    assert stuck.consecutive_failures >= 1
    assert (stuck.last_error or "").startswith("timed out after 15s")
    during = [
        run
        for run in busy_day.runs["alpha"]
        if run.started_at > hung.started_at and run.finished_at is not None and run.finished_at < hung.finished_at
    ]
    assert during, "alpha should have been crawled while stuck hung"


def _move_next_runs(db_url: str, when: datetime) -> None:
    """Set every job's next run time in the job store, as if the scheduler had been off since `when`."""
    with Store.open(db_url) as store:
        jobs = SQLAlchemyJobStore(engine=store.engine, tablename=JOBS_TABLE)
        jobs.start(BackgroundScheduler(), "default")  # a scheduler object to rebuild jobs with; never started
        for job in jobs.get_all_jobs():
            job._modify(next_run_time=when)
            jobs.update_job(job)


def _last_runs(db_url: str, names: tuple[str, ...]) -> dict[str, datetime] | None:
    """Each source's last recorded run, once every one of them has one."""
    with Store.open(db_url, migrate_schema=False) as store:
        known = store.source_health()
    last = {name: known[name].last_run for name in names if name in known}
    return last if len(last) == len(names) else None  # type: ignore[return-value]


def test_a_restart_after_missed_runs_runs_each_source_once(tmp_path: Path, open_site: Callable[..., NewsSite]) -> None:
    alpha, beta = open_site("alpha"), open_site("beta")
    config = make_config(tmp_path / "config")
    write_sources(config, {"alpha": (alpha, "{every: 1h}"), "beta": (beta, "{every: 1h}")})
    db_url = f"sqlite:///{tmp_path / 'restart.db'}"
    with serving(SchedulerService(db_url, config, quick_settings(), FAST_SETTINGS)):
        # New sources are crawled at once, then every hour.
        first = wait_for(lambda: _last_runs(db_url, ("alpha", "beta")), 40, "the first runs")
    _move_next_runs(db_url, datetime.now(UTC) - timedelta(days=1))  # a day off: 24 missed runs each

    with serving(SchedulerService(db_url, config, quick_settings(), FAST_SETTINGS)):
        wait_for(
            lambda: (last := _last_runs(db_url, ("alpha", "beta"))) and all(last[n] > first[n] for n in last),
            40,
            "the catch-up runs",
        )
        time.sleep(3)  # room for any further (wrong) catch-up run to start
    assert [len(runs(db_url, n)) for n in ("alpha", "beta")] == [2, 2]
    with Store.open(db_url) as store:
        next_runs = store.scheduled_jobs()
    soon = datetime.now(UTC) + timedelta(minutes=50)
    assert all(when is not None and when > soon for when in next_runs.values())


# ---- the service as a process -------------------------------------------------------------------


def _service_args(command: str, config: Path, db_url: str, log: Path, *extra: str) -> list[str]:
    args = [
        sys.executable,
        "-m",
        "crawler.cli",
        command,
        "--config",
        str(config),
        "--db",
        db_url,
        "--log-file",
        str(log),
    ]
    for name, value in {**FAST_SETTINGS, "SCHEDULE_RELOAD_POLL": 1, "SCHEDULE_MEMORY_LIMIT_MB": 0}.items():
        args += ["--set", f"{name}={json.dumps(value) if isinstance(value, dict) else value}"]
    return [*args, *extra]


def _log_lines(log: Path) -> list[dict[str, Any]]:
    if not log.exists():
        return []
    return [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines() if line.strip()]


def _logged(log: Path, predicate: Callable[[dict[str, Any]], bool]) -> list[dict[str, Any]]:
    return [line for line in _log_lines(log) if predicate(line)]


def test_the_service_reloads_refuses_a_twin_and_stops_cleanly_on_sigterm(
    tmp_path: Path, open_site: Callable[..., NewsSite]
) -> None:
    site = open_site("alpha", articles=2)
    site.page_delay = 0.4
    config = make_config(tmp_path / "config")
    write_sources(config, {"alpha": (site, "{every: 2s}")})
    good = (config / "sources.yaml").read_text(encoding="utf-8")
    db_url = f"sqlite:///{tmp_path / 'service.db'}"
    log = tmp_path / "service.log"
    grace = 10
    args = _service_args(
        "schedule",
        config,
        db_url,
        log,
        "--log-format",
        "json",
        "--set",
        f"SCHEDULE_GRACE_SECONDS={grace}",
        "--set",
        "CONCURRENT_REQUESTS=1",
    )
    with _service_process(args, tmp_path / "service.err") as service:
        wait_for(
            lambda: _logged(log, lambda x: x["message"].startswith("Crawl of alpha finished")), 40, "a first crawl"
        )
        start_line = _logged(log, lambda x: x["message"].startswith("Crawl of alpha started"))[0]
        assert (start_line["level"], start_line["source"]) == ("INFO", "alpha")

        # A second scheduler on the same database says so and exits.
        twin = subprocess.run(
            _service_args("schedule", config, db_url, tmp_path / "twin.log"),
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert twin.returncode == 1
        assert f"another tripwatch scheduler is already running on this database (pid {service.pid})" in twin.stderr

        # A broken edit is reported; crawls go on with the last good config.
        (config / "sources.yaml").write_text(good.replace("{every: 2s}", "{every: 2x}"), encoding="utf-8")
        error = wait_for(lambda: _logged(log, lambda x: x["level"] == "ERROR"), 20, "the broken edit to be logged")[0]
        assert 'sources.yaml: source "alpha" field "schedule.every"' in error["message"]
        # The next crawl, started after the broken edit, still runs with the last good config:
        # new articles make it slow, and SIGTERM arrives while it is storing them.
        site.articles = 22
        wait_for(lambda: _count_items(db_url) > 3, 40, "a crawl after the broken edit to store new articles")
        service.send_signal(signal.SIGHUP)
        wait_for(lambda: _logged(log, lambda x: "not reloaded (SIGHUP)" in x["message"]), 20, "SIGHUP to reload")
        stopping = time.monotonic()
        service.send_signal(signal.SIGTERM)
        returncode = service.wait(timeout=grace + 20)
        took = time.monotonic() - stopping
    assert returncode == 0, (tmp_path / "service.err").read_text()
    assert took < grace + 5
    assert _logged(log, lambda x: x["message"] == "Scheduler stopped")
    history = runs(db_url, "alpha")
    assert history and all(run.status in ("finished", "stopped") for run in history)
    assert history[-1].status == "stopped"  # Scrapy's graceful stop closed the run record itself
    with Store.open(db_url) as store:
        assert store.integrity_problems() == []
        assert 3 < store.count_items(ItemFilter(include_all=True)) < 22


@contextmanager
def _service_process(args: list[str], stderr: Path) -> Iterator[subprocess.Popen[bytes]]:
    """The service as a child process (its standard error in a file); killed if a test leaves it running."""
    with (
        stderr.open("wb") as errors,
        subprocess.Popen(args, cwd=REPO, stdout=subprocess.DEVNULL, stderr=errors) as process,
    ):
        try:
            yield process
        finally:
            if process.poll() is None:
                process.kill()


def _count_items(db_url: str) -> int:
    with Store.open(db_url, migrate_schema=False) as store:
        return store.count_items(ItemFilter(include_all=True))


def test_run_serves_the_review_ui_beside_the_scheduler_and_stops_both_on_ctrl_c(tmp_path: Path) -> None:
    config = _cron_config(make_config(tmp_path / "config"), {"a": "0 6 * * *"})
    db_url = f"sqlite:///{tmp_path / 'run.db'}"
    log = tmp_path / "run.log"
    with _service_process(_service_args("run", config, db_url, log, "--port", "0"), tmp_path / "run.err") as process:
        line = wait_for(
            lambda: [x for x in log.read_text().splitlines() if "Review UI on http" in x] if log.exists() else [],
            30,
            "the UI",
        )
        address = line[0].split("Review UI on ")[1].strip()
        with urllib.request.urlopen(address, timeout=10) as response:
            assert response.status == 200
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=20) == 0, (tmp_path / "run.err").read_text()
    assert "Scheduler stopped" in log.read_text()


# ---- sources status -----------------------------------------------------------------------------


def test_sources_status_shows_each_source_and_fails_while_one_is_failing(tmp_path: Path) -> None:
    config = _cron_config(make_config(tmp_path / "config"), {"a": "0 6 * * *", "b": "0 7 * * *"})
    db_url = f"sqlite:///{tmp_path / 'status.db'}"
    until = datetime.now(UTC) + timedelta(hours=2)
    with Store.open(db_url) as store:
        store.record_source_run("a", ok=True, items=4, error=None, backoff_until=None)
        store.record_source_run(
            "b", ok=False, items=0, error="1 of 1 entry point(s) failed (http-503 1)", backoff_until=until
        )
    runner = CliRunner()
    result = runner.invoke(cli, ["sources", "status", "--config", str(config), "--db", db_url])
    assert result.exit_code == 1, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split()[:4] == ["source", "schedule", "next", "run"]
    row_a = next(line for line in lines if line.startswith("a "))
    row_b = next(line for line in lines if line.startswith("b "))
    assert "cron 0 6 * * *" in row_a and " 4 " in row_a
    assert f"{until:%Y-%m-%d %H:%M}" in row_b and "http-503" in row_b
    assert "Failing: b." in result.stderr

    with Store.open(db_url) as store:
        store.record_source_run("b", ok=True, items=1, error=None, backoff_until=None)
    assert runner.invoke(cli, ["sources", "status", "--config", str(config), "--db", db_url]).exit_code == 0


def test_schedule_stops_at_a_bad_config_with_one_line_and_exit_code_2(tmp_path: Path) -> None:
    config = make_config(tmp_path / "config")
    (config / "sources.yaml").write_text(
        "sources:\n  - name: x\n    feeds: [https://a.example/rss]\n    schedule: {every: 5x}\n", encoding="utf-8"
    )
    db_file = tmp_path / "never.db"
    args = [sys.executable, "-m", "crawler.cli", "schedule", "--config", str(config), "--db", f"sqlite:///{db_file}"]
    result = subprocess.run(args, cwd=REPO, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert 'sources.yaml: source "x" field "schedule.every"' in result.stderr
    assert "Traceback" not in result.stderr
    assert not db_file.exists(), "nothing is done on a config error"


def test_schedule_and_run_have_help_with_an_example() -> None:
    for command in (["schedule"], ["run"], ["sources", "status"]):
        result = CliRunner().invoke(cli, [*command, "--help"])
        assert result.exit_code == 0 and "Example:" in result.output
