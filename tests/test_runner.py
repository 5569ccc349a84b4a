"""crawler.runner: one crawl in a child process, with a timeout, a graceful stop and its outcome.

`NewsSite` (also used by test_schedule.py) is a tiny outlet on 127.0.0.1: an RSS feed and a
few article pages whose text is generated here, with switches to fail (503) or hang.
"""

from __future__ import annotations

import logging
import random
import shutil
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from crawler.runner import ChildCrawl, ChildOutcome, _setting_text, run_child_crawl
from storage.repository import Store

REPO = Path(__file__).resolve().parent.parent

# Local pages answer at once: no politeness delays, no retries, short download timeouts.
FAST_SETTINGS: dict[str, Any] = {
    "DOWNLOAD_DELAY": 0,
    "AUTOTHROTTLE_ENABLED": False,
    "RETRY_ENABLED": False,
    "DOWNLOAD_TIMEOUT": 5,
    "ROBOTSTXT_OBEY": False,
    "LOG_LEVEL": "WARNING",
    "MEMUSAGE_ENABLED": False,
    # A few small pages per crawl: a pool of extraction processes would only add start-up time.
    "EXTRACT_WORKERS": 0,
}

_TOWNS = ("Harlow Bay", "Marrowgate", "Tesk", "Ulmfield", "Quarry Point", "Oswin Vale", "Brackenford", "Lintel")
_SUBJECTS = (
    "The harbour authority",
    "A spokesperson for the district council",
    "The regional water board",
    "Volunteers from the rowing club",
    "The head teacher of the primary school",
    "Shopkeepers along the market street",
    "The county surveyor",
    "Members of the allotment society",
    "The ferry operator",
    "Residents of the old mill quarter",
)
_VERBS = (
    "said on Tuesday that",
    "confirmed in a short statement that",
    "told a public meeting that",
    "wrote to local families explaining that",
    "announced after a lengthy consultation that",
    "warned in its quarterly report that",
)
_CLAIMS = (
    "the footbridge would stay closed until the spring inspection",
    "repairs to the sea wall were running three weeks behind schedule",
    "the bus timetable would change at the start of next month",
    "the library would open late on Thursdays during the winter",
    "a new cycle lane was planned between the station and the quay",
    "parking charges near the beach would not rise this year",
    "the autumn fair had raised more money than in any previous year",
    "the leaking roof of the sports hall had finally been replaced",
    "the reservoir was fuller than usual for the season",
    "street lighting on the coast road would be upgraded in stages",
    "a second pharmacy was expected to open by the end of the year",
    "the annual regatta would move to a later weekend",
)
_ASIDES = (
    "Several people at the meeting asked for the plans to be published in full.",
    "The decision follows months of complaints about delays.",
    "Local businesses said they had not been consulted early enough.",
    "A further update is promised once the contractors report back.",
    "Some residents welcomed the news, while others remained sceptical.",
    "The council said the cost would be met from existing budgets.",
    "Similar schemes in neighbouring towns have had mixed results.",
    "Officials declined to give a firm date for the next stage.",
)


def article_text(site: str, number: int) -> tuple[str, list[str]]:
    """A made-up local news story, different for every site and number (so none is a copy of another)."""
    rng = random.Random(f"{site}/{number}")
    town = rng.choice(_TOWNS)
    title = f"{town}: {rng.choice(_CLAIMS).capitalize()} (report {number})"
    paragraphs = []
    for _ in range(4):
        sentences = [f"{rng.choice(_SUBJECTS)} in {town} {rng.choice(_VERBS)} {rng.choice(_CLAIMS)}." for _ in range(2)]
        sentences.append(rng.choice(_ASIDES))
        paragraphs.append(" ".join(sentences))
    return title, paragraphs


class NewsSite:
    """One outlet: /feed.xml lists /news/<n>.html; `failing` answers 503, `hang` never answers the feed."""

    def __init__(self, name: str, articles: int = 3) -> None:
        self.name = name
        self.articles = articles
        self.failing = False
        self.hang = False
        self.page_delay = 0.0
        self.requests: list[tuple[float, str]] = []
        self._release = threading.Event()
        self._lock = threading.Lock()
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                site._answer(self)

            def log_message(self, format: str, *args: Any) -> None:
                return

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> NewsSite:
        self._thread.start()
        return self

    def close(self) -> None:
        self._release.set()
        self._server.shutdown()
        self._server.server_close()

    def paths(self) -> list[str]:
        with self._lock:
            return [path for _, path in self.requests]

    def _answer(self, handler: BaseHTTPRequestHandler) -> None:
        with self._lock:
            self.requests.append((time.monotonic(), handler.path))
        if self.failing:
            self._send(handler, 503, "text/plain", b"down for maintenance")
        elif handler.path == "/feed.xml":
            if self.hang:
                self._release.wait(60)
                return
            self._send(handler, 200, "application/rss+xml", self.feed().encode("utf-8"))
        elif handler.path.startswith("/news/") and handler.path.endswith(".html"):
            number = int(handler.path.removeprefix("/news/").removesuffix(".html"))
            time.sleep(self.page_delay)
            self._send(handler, 200, "text/html; charset=utf-8", self.page(number).encode("utf-8"))
        else:
            self._send(handler, 404, "text/plain", b"not found")

    @staticmethod
    def _send(handler: BaseHTTPRequestHandler, status: int, content_type: str, body: bytes) -> None:
        try:
            handler.send_response(status)
            handler.send_header("Content-Type", content_type)
            handler.send_header("Content-Length", str(len(body)))
            handler.end_headers()
            handler.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the crawl was stopped mid-answer

    def published(self, number: int) -> datetime:
        return datetime(2026, 10, 1, 8, 0, tzinfo=UTC) + timedelta(hours=number)

    def feed(self) -> str:
        items = []
        for number in range(1, self.articles + 1):
            title, _ = article_text(self.name, number)
            items.append(
                f"<item><title>{title}</title><link>{self.base}/news/{number}.html</link>"
                f"<guid>{self.base}/news/{number}.html</guid>"
                f"<pubDate>{format_datetime(self.published(number), usegmt=True)}</pubDate></item>"
            )
        return (
            '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>{self.name}</title><link>{self.base}/</link><description>Local news</description>"
            + "".join(items)
            + "</channel></rss>"
        )

    def page(self, number: int) -> str:
        title, paragraphs = article_text(self.name, number)
        body = "".join(f"<p>{paragraph}</p>" for paragraph in paragraphs)
        return (
            f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
            f'<meta property="article:published_time" content="{self.published(number).isoformat()}"></head>'
            f'<body><nav><a href="/">Home</a></nav><article><h1>{title}</h1>'
            f'<p class="byline">By the {self.name} newsroom</p>{body}</article>'
            "<footer>Published by a made-up local paper.</footer></body></html>"
        )


def write_sources(folder: Path, sites: dict[str, tuple[NewsSite, str | None]]) -> Path:
    """sources.yaml with one feed per site and the given schedule text (YAML flow mapping) or none."""
    lines = ["sources:"]
    for name, (site, schedule) in sites.items():
        lines.append(f"  - name: {name}")
        lines.append(f'    feeds: ["{site.base}/feed.xml"]')
        if schedule:
            lines.append(f"    schedule: {schedule}")
    path = folder / "sources.yaml"
    # Write-then-rename: a watcher never reads half a file.
    tmp = path.with_suffix(".tmp")
    tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
    tmp.replace(path)
    return path


def make_config(folder: Path) -> Path:
    """A config folder with the repo's YAML files (the watch list), ready for a sources.yaml."""
    folder.mkdir(parents=True, exist_ok=True)
    for path in (REPO / "config").glob("*.yaml"):
        if path.name != "sources.yaml":
            shutil.copy(path, folder / path.name)
    return folder


@pytest.fixture
def site() -> Iterator[NewsSite]:
    news = NewsSite("alpha").start()
    yield news
    news.close()


@pytest.fixture
def crawl_env(tmp_path: Path, site: NewsSite) -> tuple[dict[str, Any], dict[str, str], str]:
    """(overrides, environment, database URL) for a child crawl of `site` as source "alpha"."""
    config = make_config(tmp_path / "config")
    write_sources(config, {"alpha": (site, None)})
    db_url = f"sqlite:///{tmp_path / 'runner.db'}"
    with Store.open(db_url):
        pass
    overrides = {**FAST_SETTINGS, "CONFIG_DIR": str(config)}
    return overrides, {"TRIPWATCH_DATABASE_URL": db_url}, db_url


def _process_group_gone(pgid: int) -> bool:
    """No live process left in the group (a killed helper may linger as a zombie until init reaps it)."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        state, group = fields[0], int(fields[2])
        if group == pgid and state != "Z":
            return False
    return True


def test_child_crawl_stores_the_items_and_reports_its_run(
    crawl_env: tuple[dict[str, Any], dict[str, str], str],
) -> None:
    overrides, env, db_url = crawl_env
    outcome = run_child_crawl(["alpha"], overrides, timeout=60, grace=5, env=env)

    assert outcome.completed, outcome
    assert outcome.describe_failure(60) is None
    assert outcome.run_id is not None
    with Store.open(db_url) as store:
        run = store.run(outcome.run_id)
        assert run is not None and run.status == "finished"
        assert run.stats["sources"]["alpha"]["new"] == 3
        assert store.integrity_problems() == []


def test_a_hanging_crawl_is_stopped_at_its_timeout_and_killed_after_the_grace_period(
    crawl_env: tuple[dict[str, Any], dict[str, str], str], site: NewsSite
) -> None:
    overrides, env, db_url = crawl_env
    site.hang = True
    # The download itself would wait far longer than the run's timeout.
    overrides = {**overrides, "DOWNLOAD_TIMEOUT": 120}

    outcome = run_child_crawl(["alpha"], overrides, timeout=4, grace=1, env=env)

    assert outcome.timed_out and not outcome.completed
    # Scrapy's graceful stop waits for the hung download, so only SIGKILL ends it.
    assert outcome.killed
    assert outcome.returncode == -9
    assert "timed out after 4s" in (outcome.describe_failure(4) or "")
    assert outcome.run_id is not None, "the run id is announced before the first request"
    assert _process_group_gone(outcome.pid)
    with Store.open(db_url) as store:
        run = store.run(outcome.run_id)
        assert run is not None and run.status == "running"  # the caller closes it (crawler.schedule does)


def test_stop_lets_the_child_finish_its_items_in_flight(
    crawl_env: tuple[dict[str, Any], dict[str, str], str], site: NewsSite
) -> None:
    overrides, env, db_url = crawl_env
    site.articles = 8
    site.page_delay = 0.5
    overrides = {**overrides, "CONCURRENT_REQUESTS": 1}
    child = ChildCrawl(["alpha"], overrides, timeout=60, grace=20, env=env)
    child.start()
    deadline = time.monotonic() + 30
    while not any(path.startswith("/news/") for path in site.paths()) and time.monotonic() < deadline:
        time.sleep(0.05)
    child.stop()
    outcome = child.wait()

    assert outcome.stopped and not outcome.killed and not outcome.timed_out
    assert outcome.returncode == 0
    assert outcome.describe_failure(60) == "stopped by shutdown"
    assert outcome.run_id is not None
    with Store.open(db_url) as store:
        run = store.run(outcome.run_id)
        assert run is not None and run.status == "stopped" and run.finish_reason == "shutdown"
        assert run.stats["sources"]["alpha"]["new"] < 8
        assert store.integrity_problems() == []


def test_a_config_error_in_the_child_is_its_exit_code_and_logged_at_error_level(
    crawl_env: tuple[dict[str, Any], dict[str, str], str], caplog: pytest.LogCaptureFixture
) -> None:
    overrides, env, _ = crawl_env
    with caplog.at_level(logging.INFO, logger="crawler.runner"):
        outcome = run_child_crawl(["no-such-source"], overrides, timeout=60, grace=5, env=env)

    assert outcome.returncode == 2 and not outcome.completed
    assert outcome.run_id is None
    failure = outcome.describe_failure(60) or ""
    assert failure.startswith("the crawl process exited with code 2")
    assert "unknown source 'no-such-source'" in failure
    errors = [r for r in caplog.records if r.levelno == logging.ERROR and "no-such-source" in r.getMessage()]
    assert errors, [r.getMessage() for r in caplog.records]


def test_child_log_lines_are_logged_again_with_their_level(caplog: pytest.LogCaptureFixture) -> None:
    child = ChildCrawl(["alpha"], {}, timeout=1, grace=1)
    handle = child._stderr_line()
    with caplog.at_level(logging.DEBUG, logger="crawler.runner"):
        handle("INFO scrapy.core.engine: Spider opened")
        handle("WARNING crawler.spiders.sources: Feed is ill-formed but parsed")
        handle("Traceback (most recent call last):")
        handle('  File "x.py", line 1, in <module>')
        handle("ValueError: something broke")
    levels = [(r.levelno, r.args["crawl_logger"]) for r in caplog.records]  # type: ignore[index,call-overload]
    assert levels == [
        (logging.INFO, "scrapy.core.engine"),
        (logging.WARNING, "crawler.spiders.sources"),
        (logging.ERROR, "stderr"),
        (logging.ERROR, "stderr"),
        (logging.ERROR, "stderr"),
    ]
    assert child._error == "ValueError: something broke"


def test_settings_are_passed_as_text_scrapy_reads_back() -> None:
    assert _setting_text({"pipelines.store.StorePipeline": 900}) == '{"pipelines.store.StorePipeline": 900}'
    assert _setting_text(["a", "b"]) == '["a", "b"]'
    assert _setting_text(2.5) == "2.5"
    command = ChildCrawl(["a", "b"], {"DOWNLOAD_DELAY": 0}, timeout=1, grace=1).command()
    assert command[-3:] == ["--", "a", "b"]
    assert "DOWNLOAD_DELAY=0" in command


def test_outcome_describes_a_crash_by_its_signal() -> None:
    outcome = ChildOutcome(("a",), 1, -11, None, False, False, False, None, 1.0)
    assert outcome.describe_failure(60) == "the crawl process died of SIGSEGV"
