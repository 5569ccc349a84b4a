"""Running one crawl: in this process (the CLI), or as a child process the scheduler can kill.

The Twisted reactor cannot be restarted inside one process, so every crawl after the first
needs a process of its own; a child also keeps a hung, crashing or memory-hungry crawl away
from its caller. `ChildCrawl` starts `python -m crawler.runner` in its own process group,
forwards its log lines, enforces a timeout (SIGTERM, then SIGKILL after a grace period) and
reports how it ended. What the crawl did is in its run record in the store.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any

from config.errors import ConfigError
from storage.errors import StorageError

# Scrapy, the config loader and the pipelines are imported where a crawl starts, not here: a
# scheduled crawl's child runs `python -m crawler.runner`, and every extraction worker re-imports
# that main module (as multiprocessing does), so what this module loads, each worker loads too.
if TYPE_CHECKING:
    from scrapy.settings import Settings

logger = logging.getLogger(__name__)

#: The child logs in this format so the parent can read each line's level back.
CHILD_LOG_FORMAT = "%(levelname)s %(name)s: %(message)s"
_CHILD_LINE = re.compile(r"^(DEBUG|INFO|WARNING|ERROR|CRITICAL) (\S+): (.*)$")
_LEVELS = {
    "DEBUG": logging.DEBUG,
    "INFO": logging.INFO,
    "WARNING": logging.WARNING,
    "ERROR": logging.ERROR,
    "CRITICAL": logging.CRITICAL,
}
_RUN_ID_LINE = re.compile(r"^run_id=(\d+)$")

#: Exit codes of `python -m crawler.runner`.
EXIT_OK = 0
EXIT_NOT_STARTED = 1
EXIT_CONFIG = 2

# How often the waiting thread checks whether the child has exited.
_POLL_SECONDS = 0.2


def crawl_settings(overrides: Mapping[str, Any] | None = None) -> Settings:
    """The project settings (crawler/settings.py) with the caller's overrides on top."""
    from scrapy.settings import Settings

    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    for name, value in (overrides or {}).items():
        settings.set(name, value, priority="cmdline")
    return settings


def crawl_in_process(
    source_names: Sequence[str],
    overrides: Mapping[str, Any] | None = None,
    spider: str = "sources",
    on_run_id: Callable[[int], None] | None = None,
) -> int | None:
    """Crawl the named sources (all when empty) here and now; returns the run's id in the store.

    `on_run_id` is called as soon as the run record exists, before any page is fetched.
    """
    from scrapy import signals
    from scrapy.crawler import CrawlerProcess

    from pipelines.store import RUN_ID_STAT

    process = CrawlerProcess(crawl_settings(overrides))
    crawler = process.create_crawler(spider)

    def announce() -> None:
        run_id = crawler.stats.get_value(RUN_ID_STAT) if crawler.stats else None
        if on_run_id is not None and run_id is not None:
            on_run_id(int(run_id))

    # Scrapy keeps weak references to receivers; `announce` lives as long as this frame.
    crawler.signals.connect(announce, signal=signals.spider_opened)
    process.crawl(crawler, sources=",".join(source_names))
    process.start()
    run_id = crawler.stats.get_value(RUN_ID_STAT) if crawler.stats else None
    return int(run_id) if run_id is not None else None


def _print_run_id(run_id: int) -> None:
    print(f"run_id={run_id}", flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m crawler.runner [--set NAME=VALUE ...] [SOURCE ...]`: the child side of a scheduled crawl.

    Prints `run_id=N` as soon as the run record exists and again at the end. Exit code 0 when
    the crawl ran (its sources may still have failed: see the run record), 1 when it did not
    start, 2 on a config or storage error.
    """
    import argparse

    from config.sources import config_dir, load_sources, select_sources

    parser = argparse.ArgumentParser(prog="python -m crawler.runner", description=main.__doc__)
    parser.add_argument("sources", nargs="*")
    parser.add_argument("--set", dest="overrides", action="append", default=[], metavar="NAME=VALUE")
    args = parser.parse_args(argv)
    overrides = dict(item.split("=", 1) for item in args.overrides)
    try:
        # Checked here so a bad name or file is one line and exit code 2, not a traceback from Scrapy.
        folder = config_dir(crawl_settings(overrides).get("CONFIG_DIR") or None)
        select_sources(load_sources(folder / "sources.yaml"), args.sources)
        run_id = crawl_in_process(args.sources, overrides, on_run_id=_print_run_id)
    except (ConfigError, StorageError) as exc:
        print(f"ERROR crawler.runner: {exc}", file=sys.stderr, flush=True)
        return EXIT_CONFIG
    if run_id is None:
        print("ERROR crawler.runner: the crawl did not start; no run record was written", file=sys.stderr, flush=True)
        return EXIT_NOT_STARTED
    _print_run_id(run_id)
    return EXIT_OK


# ---- the parent side: one crawl in a child process ------------------------------------------


@dataclass(frozen=True)
class ChildOutcome:
    """How a crawl child ended; what it crawled is in its run record (`Store.run(run_id)`)."""

    sources: tuple[str, ...]
    pid: int
    returncode: int  # negative: ended by that signal
    run_id: int | None
    timed_out: bool  # still running at the timeout, so it was stopped
    stopped: bool  # asked to stop (shutdown) before it finished
    killed: bool  # did not exit within the grace period after SIGTERM
    error: str | None  # the child's last ERROR line (or unparsed stderr line), if any
    seconds: float

    @property
    def completed(self) -> bool:
        """The child ran to its end by itself and exited 0."""
        return self.returncode == EXIT_OK and not (self.timed_out or self.stopped)

    def describe_failure(self, timeout: float) -> str | None:
        """One sentence when the process itself went wrong; None when it exited cleanly."""
        if self.timed_out:
            return f"timed out after {timeout:.0f}s" + (" and was killed" if self.killed else "")
        if self.stopped:
            return "stopped by shutdown" + (" (killed)" if self.killed else "")
        if self.returncode < 0:
            name = signal.Signals(-self.returncode).name
            return f"the crawl process died of {name}" + (f": {self.error}" if self.error else "")
        if self.returncode != EXIT_OK:
            return f"the crawl process exited with code {self.returncode}" + (f": {self.error}" if self.error else "")
        return None


def _setting_text(value: Any) -> str:
    """A setting as `--set` text: dicts and lists as JSON (Scrapy's getdict/getlist read it back)."""
    if isinstance(value, dict | list | tuple):
        return json.dumps(value)
    return str(value)


class ChildCrawl:
    """One crawl of `source_names` in a child process; `wait()` enforces the timeout.

    `stop()` may be called from any thread: the child gets SIGTERM (Scrapy then finishes the
    items in flight, each stored in one transaction) and SIGKILL if it is still there after
    `grace` seconds. Signals go to the child's process group, so its helpers end with it.
    """

    def __init__(
        self,
        source_names: Sequence[str],
        overrides: Mapping[str, Any],
        *,
        timeout: float,
        grace: float,
        env: Mapping[str, str] | None = None,
    ) -> None:
        self.sources = tuple(source_names)
        self.overrides = {**overrides, "LOG_FORMAT": CHILD_LOG_FORMAT, "LOG_STDOUT": False}
        self.timeout = timeout
        self.grace = grace
        self.env = {**os.environ, **(env or {})}
        self._proc: subprocess.Popen[str] | None = None
        self._pumps: list[threading.Thread] = []
        self._stop_requested = threading.Event()
        self._lock = threading.Lock()
        self._signalled: set[int] = set()
        self._started = 0.0
        self._run_id: int | None = None
        self._error: str | None = None

    def command(self) -> list[str]:
        argv = [sys.executable, "-m", "crawler.runner"]
        for name, value in self.overrides.items():
            argv += ["--set", f"{name}={_setting_text(value)}"]
        return [*argv, "--", *self.sources]

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc else None

    @property
    def run_id(self) -> int | None:
        """The run record's id, known once the child has opened its spider."""
        return self._run_id

    def start(self) -> int:
        """Start the child (in a new session, so a terminal's Ctrl-C reaches only us); returns its pid."""
        self._started = time.monotonic()
        self._proc = subprocess.Popen(
            self.command(),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            errors="replace",
            env=self.env,
            start_new_session=True,
        )
        assert self._proc.stdout is not None and self._proc.stderr is not None
        self._pumps = [
            threading.Thread(target=self._pump, args=(self._proc.stdout, self._stdout_line), daemon=True),
            threading.Thread(target=self._pump, args=(self._proc.stderr, self._stderr_line()), daemon=True),
        ]
        for pump in self._pumps:
            pump.start()
        return self._proc.pid

    def stop(self) -> None:
        """Ask the child to stop (thread-safe); the thread in `wait()` signals it at once."""
        self._stop_requested.set()

    def kill(self) -> None:
        """SIGKILL the child's process group now (a second Ctrl-C)."""
        self._stop_requested.set()
        self._signal(signal.SIGKILL)

    def wait(self) -> ChildOutcome:
        """Block until the child has ended: by itself, at its timeout, or after `stop()`."""
        proc = self._proc
        if proc is None:
            raise RuntimeError("ChildCrawl.wait() called before start()")
        deadline = self._started + self.timeout
        timed_out = False
        while proc.poll() is None:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                timed_out = True
                logger.warning(
                    "Crawl of %(sources)s still running after %(timeout).0fs; stopping it (pid %(pid)d)",
                    {"sources": ", ".join(self.sources), "timeout": self.timeout, "pid": proc.pid},
                )
                break
            if self._stop_requested.wait(min(remaining, _POLL_SECONDS)):
                break
        stopped = self._stop_requested.is_set() and not timed_out and proc.poll() is None
        killed = self._terminate(proc) if proc.poll() is None else False
        for pump in self._pumps:
            pump.join(timeout=5)
        return ChildOutcome(
            sources=self.sources,
            pid=proc.pid,
            returncode=proc.returncode,
            run_id=self._run_id,
            timed_out=timed_out,
            stopped=stopped,
            killed=killed,
            error=self._error,
            seconds=time.monotonic() - self._started,
        )

    def _terminate(self, proc: subprocess.Popen[str]) -> bool:
        """SIGTERM, then SIGKILL after the grace period; True when SIGKILL was needed."""
        self._signal(signal.SIGTERM)
        try:
            proc.wait(timeout=self.grace)
            return False
        except subprocess.TimeoutExpired:
            logger.warning(
                "Crawl of %(sources)s did not stop within %(grace).0fs of SIGTERM; killing it (pid %(pid)d)",
                {"sources": ", ".join(self.sources), "grace": self.grace, "pid": proc.pid},
            )
            self._signal(signal.SIGKILL)
            proc.wait()
            return True

    def _signal(self, signum: int) -> None:
        """Signal the child's process group once per signal: a second SIGTERM would make Scrapy quit uncleanly."""
        with self._lock:
            if self._proc is None or signum in self._signalled:
                return
            self._signalled.add(signum)
            with contextlib.suppress(ProcessLookupError):  # already gone, with all of its group
                os.killpg(self._proc.pid, signum)

    @staticmethod
    def _pump(stream: IO[str], handle: Callable[[str], None]) -> None:
        with stream:
            for line in stream:
                handle(line.rstrip("\n"))

    def _stdout_line(self, line: str) -> None:
        match = _RUN_ID_LINE.match(line.strip())
        if match:
            self._run_id = int(match.group(1))
        elif line.strip():
            logger.info("[%(sources)s] %(line)s", {"sources": ",".join(self.sources), "line": line})

    def _stderr_line(self) -> Callable[[str], None]:
        # Lines without a level (tracebacks) continue the record above them.
        level = logging.WARNING

        def handle(line: str) -> None:
            nonlocal level
            if not line.strip():
                return
            match = _CHILD_LINE.match(line)
            if match:
                level = _LEVELS[match.group(1)]
                name, message = match.group(2), match.group(3)
            else:
                name, message = "stderr", line
                if line.startswith("Traceback (most recent call last)"):
                    level = logging.ERROR  # an uncaught exception, printed by Python itself
            if level >= logging.ERROR:
                self._error = message.strip()[:500]
            logger.log(
                level,
                "[%(sources)s] %(crawl_logger)s: %(line)s",
                {"sources": ",".join(self.sources), "crawl_logger": name, "line": message},
            )

        return handle


def run_child_crawl(
    source_names: Sequence[str],
    overrides: Mapping[str, Any],
    *,
    timeout: float,
    grace: float,
    env: Mapping[str, str] | None = None,
) -> ChildOutcome:
    """Start a crawl child and wait for it to end (see `ChildCrawl`)."""
    child = ChildCrawl(source_names, overrides, timeout=timeout, grace=grace, env=env)
    child.start()
    return child.wait()


if __name__ == "__main__":
    from crawler.process_exit import skip_collection_at_exit

    exit_code = main()
    skip_collection_at_exit()
    raise SystemExit(exit_code)
