"""Crawl throughput on a synthetic local news site, measured side by side in one run.

Generates N article pages with RSS feeds (benchmarks/sitegen.py), serves them on 127.0.0.1
from a separate process (demo/server.py's FixtureWeb) and measures, one after the other:

  (a) the naive floor: `trafilatura.extract(html, with_metadata=True)` over the same pages,
      one after the other in this process;
  (p) the same in one process per CPU at once, each over its share of the pages: what this
      machine's CPUs give together on that work right now (p/a is 2 only on 2 idle, unshared cores);
  (s) the same with the pipeline's own `extract_article` and the options in crawler/settings.py;
  (b) the fetch ceiling: a do-nothing Scrapy spider that reads the feeds and fetches every
      page (a child process, project settings, no pipelines, no project middlewares);
  (c) `tripwatch crawl` end to end into a new SQLite file (a child process), with the peak
      memory of its process tree (the crawl process and its extraction workers);
  (d) `tripwatch crawl` again on the unchanged site: its time and the requests it made;
  (v) `tripwatch crawl` with EXTRACT_WORKERS=0 (every stage in one process) into another
      SQLite file: the serial reference, and its store compared with (c)'s article by article.

Pages/s count the article pages the server answered with 200 during each phase. Times are
wall-clock from the start of the child to its exit ("process"), and the crawl phase alone
("crawl": spider opened to closed, from the run record for (c)). The site server and other
work on the machine share its CPUs: the report gives the CPU seconds each took per phase,
and the CPU milliseconds per page of each process, which vary less with the machine's load.

Run: python -m benchmarks.throughput [--pages 2000] [--phases apsbcdv] [--set NAME=VALUE] [--keep DIR]
     python -m benchmarks.throughput --pages 10000 --phases bcd    # the memory target
"""

from __future__ import annotations

import argparse
import json
import logging
import multiprocessing
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from benchmarks.sitegen import GeneratedSite, generate_site
from pipelines import trafilatura_selectors

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Callable, Iterator, Sequence
    from multiprocessing.connection import Connection

    from scrapy.http import Response

logger = logging.getLogger(__name__)

REPO = Path(__file__).resolve().parent.parent
WATCHLIST = REPO / "config" / "watchlist.yaml"

# Polite to real sites, pointless against 127.0.0.1: no delay, no AutoThrottle, many connections.
LOCAL_CRAWL_SETTINGS = {
    "DOWNLOAD_DELAY": "0",
    "AUTOTHROTTLE_ENABLED": "False",
    "CONCURRENT_REQUESTS": "32",
    "CONCURRENT_REQUESTS_PER_DOMAIN": "32",
}

# ---- CPU and memory of a process tree, from /proc ---------------------------------------------

PROC = Path("/proc")
_TICKS = os.sysconf("SC_CLK_TCK")
_PAGE_BYTES = os.sysconf("SC_PAGE_SIZE")
MB = 1024 * 1024

ROLE_ROOT = "crawl process"
ROLE_FORKSERVER = "forkserver"
ROLE_WORKER = "pool worker"
ROLE_HELPER = "helper"


@dataclass
class ProcessRecord:
    """What was seen of one process of a monitored tree."""

    pid: int
    role: str
    peak_rss: int = 0  # bytes: the kernel's high-water mark (VmHWM), so no short peak is missed
    cpu: float = 0.0  # seconds of user + system time, as last seen


@dataclass
class TreeUsage:
    """A monitored tree's figures once its root has ended."""

    peak_tree_rss: int  # bytes: the largest sum of the tree's RSS seen at one poll
    # bytes: the largest sum of the tree's PSS (shared pages split between the processes sharing
    # them, so a library loaded by three processes counts once), polled less often than RSS
    peak_tree_pss: int
    processes: list[ProcessRecord] = field(default_factory=list)
    # (seconds since start, RSS of the root, summed RSS of the rest) every few seconds
    timeline: list[tuple[float, int, int]] = field(default_factory=list)

    def cpu(self, role: str | None = None) -> float:
        return sum(record.cpu for record in self.processes if role is None or record.role == role)

    def peak_rss(self, role: str) -> int:
        """The largest single process of that role."""
        return max((record.peak_rss for record in self.processes if record.role == role), default=0)

    def count(self, role: str) -> int:
        return sum(1 for record in self.processes if record.role == role)


def _stat_fields(pid: int) -> list[str] | None:
    """The fields of /proc/<pid>/stat after the command name; None once the process has gone."""
    try:
        raw = (PROC / str(pid) / "stat").read_text()
    except OSError:
        return None
    # The command name is in parentheses and may hold spaces: split after the last ")".
    return raw[raw.rindex(")") + 2 :].split()


def cpu_seconds(pid: int) -> float:
    """User plus system CPU seconds of a running process (0 once it has gone)."""
    fields = _stat_fields(pid)
    return (int(fields[11]) + int(fields[12])) / _TICKS if fields else 0.0


def machine_busy_seconds() -> float:
    """CPU seconds all CPUs of the machine have been busy since boot (everything but idle and iowait)."""
    values = [int(value) for value in (PROC / "stat").read_text().splitlines()[0].split()[1:9]]
    return (sum(values) - values[3] - values[4]) / _TICKS


def _children(pid: int) -> list[int]:
    # A child may have been started from any thread, so read every thread's list.
    found: list[int] = []
    try:
        threads = list((PROC / str(pid) / "task").iterdir())
    except OSError:
        return found
    for thread in threads:
        try:
            found.extend(int(child) for child in (thread / "children").read_text().split())
        except OSError:
            continue
    return found


def _high_water_rss(pid: int) -> int:
    return _proc_kilobytes(pid, "status", "VmHWM:")


def _pss(pid: int) -> int:
    return _proc_kilobytes(pid, "smaps_rollup", "Pss:")


def _proc_kilobytes(pid: int, file: str, field: str) -> int:
    """A `field: N kB` line of /proc/PID/FILE, in bytes; 0 once the process has gone."""
    try:
        lines = (PROC / str(pid) / file).read_text().splitlines()
    except OSError:
        return 0
    return next((int(line.split()[1]) * 1024 for line in lines if line.startswith(field)), 0)


def _cmdline(pid: int) -> str:
    try:
        return (PROC / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


class TreeMonitor:
    """Polls the process tree under `root_pid` from a thread until `stop()`.

    RSS every `interval` seconds; PSS (the kernel walks every mapping to count it, which costs
    more) every `pss_every` polls; a timeline point every `timeline_every` seconds.
    """

    def __init__(self, root_pid: int, interval: float = 0.1, pss_every: int = 5, timeline_every: float = 5.0) -> None:
        self.root_pid = root_pid
        self.interval = interval
        self.pss_every = pss_every
        self.timeline_every = timeline_every
        self.records: dict[int, ProcessRecord] = {}
        self.peak_tree_rss = 0
        self.peak_tree_pss = 0
        self.timeline: list[tuple[float, int, int]] = []
        self._polls = 0
        self._started = time.perf_counter()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="tree-monitor", daemon=True)

    def start(self) -> TreeMonitor:
        self._started = time.perf_counter()
        self._thread.start()
        return self

    def stop(self) -> TreeUsage:
        self._stop.set()
        self._thread.join()
        return TreeUsage(
            self.peak_tree_rss,
            self.peak_tree_pss,
            sorted(self.records.values(), key=lambda record: record.pid),
            self.timeline,
        )

    def _run(self) -> None:
        while not self._stop.is_set():
            self.poll()
            self._stop.wait(self.interval)

    def poll(self) -> None:
        with_pss = self._polls % self.pss_every == 0
        self._polls += 1
        total = total_pss = root_rss = 0
        pending: list[tuple[int, str | None]] = [(self.root_pid, None)]
        while pending:
            pid, parent_role = pending.pop()
            fields = _stat_fields(pid)
            if fields is None:
                continue
            record = self.records.get(pid)
            if record is None:
                record = self.records[pid] = ProcessRecord(pid, self._role(pid, parent_role))
            rss = int(fields[21]) * _PAGE_BYTES
            total += rss
            if pid == self.root_pid:
                root_rss = rss
            if with_pss:
                total_pss += _pss(pid)
            record.cpu = (int(fields[11]) + int(fields[12])) / _TICKS
            record.peak_rss = max(record.peak_rss, _high_water_rss(pid))
            pending.extend((child, record.role) for child in _children(pid))
        self.peak_tree_rss = max(self.peak_tree_rss, total)
        self.peak_tree_pss = max(self.peak_tree_pss, total_pss)
        elapsed = time.perf_counter() - self._started
        if total and (not self.timeline or elapsed - self.timeline[-1][0] >= self.timeline_every):
            self.timeline.append((elapsed, root_rss, total - root_rss))

    def _role(self, pid: int, parent_role: str | None) -> str:
        if parent_role is None:
            return ROLE_ROOT
        if parent_role == ROLE_FORKSERVER:
            return ROLE_WORKER  # forked by the forkserver: a pool worker
        if "forkserver" in _cmdline(pid):
            return ROLE_FORKSERVER
        return ROLE_HELPER


@dataclass(frozen=True)
class Machine:
    """A reading of the machine's and the site server's CPU counters, to subtract later."""

    wall: float
    busy: float
    server: float
    own: float

    @classmethod
    def read(cls, server_pid: int) -> Machine:
        return cls(time.perf_counter(), machine_busy_seconds(), cpu_seconds(server_pid), time.process_time())


# ---- the site server, in a process of its own ---------------------------------------------------


def _serve(sites_dir: Path, outlet: str, conn: Connection) -> None:
    """Child process: serve the site until told to stop; hand over the request log on demand."""
    from demo.server import FixtureWeb

    with FixtureWeb(sites_dir, [outlet]) as web:
        conn.send(web.base_url(outlet))
        while True:
            command = conn.recv()
            if command == "stop":
                break
            log = web.request_log()
            web.clear_log()
            conn.send([(record.path, record.status) for record in log])
    conn.send("stopped")


class SiteServer:
    """The generated site served by FixtureWeb in a child process (its CPU is not the crawl's)."""

    def __init__(self, site: GeneratedSite) -> None:
        context = multiprocessing.get_context("spawn")
        self._conn, child_conn = context.Pipe()
        self._process = context.Process(
            target=_serve, args=(site.sites_dir, site.outlet, child_conn), name="site-server", daemon=True
        )
        self._process.start()
        self.base: str = self._conn.recv()

    @property
    def pid(self) -> int:
        assert self._process.pid is not None
        return self._process.pid

    def take_requests(self) -> list[tuple[str, int]]:
        """(path, status) of every request since the last call."""
        self._conn.send("log")
        requests: list[tuple[str, int]] = self._conn.recv()
        return requests

    def stop(self) -> None:
        self._conn.send("stop")
        self._conn.recv()
        self._process.join(timeout=10)


def request_kinds(requests: Sequence[tuple[str, int]]) -> Counter[str]:
    """Requests counted by what they asked for: robots.txt, feeds, articles, anything else."""
    kinds: Counter[str] = Counter()
    for path, _status in requests:
        if path == "/robots.txt":
            kinds["robots.txt"] += 1
        elif path.startswith("/feeds/"):
            kinds["feeds"] += 1
        elif path.startswith("/news/"):
            kinds["articles"] += 1
        else:
            kinds["other"] += 1
    return kinds


def articles_served(requests: Sequence[tuple[str, int]]) -> int:
    return sum(1 for path, status in requests if path.startswith("/news/") and status == 200)


# ---- (a) the naive floor ----------------------------------------------------------------------


@dataclass(frozen=True)
class Floor:
    """Extraction of every page in turn in this process: no Scrapy, no pool, no store."""

    label: str
    pages: int
    seconds: float
    cpu: float
    machine_busy: float  # every process's CPU seconds during the phase

    @property
    def rate(self) -> float:
        return self.pages / self.seconds

    @property
    def other_cpu(self) -> float:
        return max(0.0, self.machine_busy - self.cpu)


def measure_floor(
    label: str, extract: Callable[[str, str], object], site: GeneratedSite, server: SiteServer, limit: int | None
) -> Floor:
    """`extract(html, url)` on each page in turn, as a spider callback would call it."""
    pages = site.pages[:limit] if limit else site.pages
    # The first call loads trafilatura's lazily built tables: a start-up cost, not a per-page one.
    extract(site.file(pages[0]).read_text(encoding="utf-8"), server.base)
    before = Machine.read(server.pid)
    for page in pages:
        html = site.file(page).read_text(encoding="utf-8")  # from the page cache: microseconds
        extract(html, server.base + page.path)
    after = Machine.read(server.pid)
    return Floor(label, len(pages), after.wall - before.wall, after.own - before.own, after.busy - before.busy)


def measure_parallel_floor(label: str, site: GeneratedSite, server: SiteServer, limit: int | None) -> Floor:
    """(p): `naive_extract` in one process per CPU at once, each over its share of the pages.

    What this machine's CPUs give together on the naive floor's own work, measured in this run:
    p/a near the CPU count means they scale; on a VM whose virtual CPUs share physical cores it
    stays well below. No pipeline can gain more over (a) than p/a, except by costing less per page.
    """
    pages = site.pages[:limit] if limit else site.pages
    cpus = os.cpu_count() or 1
    files = [str(site.file(page)) for page in pages]
    urls = [server.base + page.path for page in pages]
    shares = [(files[index::cpus], urls[index::cpus]) for index in range(cpus)]
    context = multiprocessing.get_context("fork")
    ready = context.Barrier(cpus + 1)
    workers = [context.Process(target=_extract_share, args=(*share, ready)) for share in shares]
    for worker in workers:
        worker.start()
    ready.wait()  # every worker has imported trafilatura and extracted one page: start the clock
    before = Machine.read(server.pid)
    children_before = os.times()
    for worker in workers:
        worker.join()
    after = Machine.read(server.pid)
    children_after = os.times()
    cpu = (children_after.children_user + children_after.children_system) - (
        children_before.children_user + children_before.children_system
    )
    return Floor(label, len(pages), after.wall - before.wall, cpu, after.busy - before.busy)


def _extract_share(files: Sequence[str], urls: Sequence[str], ready: Any) -> None:
    naive_extract(Path(files[0]).read_text(encoding="utf-8"), urls[0])  # trafilatura's start-up, as in (a)
    ready.wait()
    for file, url in zip(files, urls, strict=True):
        naive_extract(Path(file).read_text(encoding="utf-8"), url)


def naive_extract(html: str, url: str) -> object:
    """(a): what a spider callback would do without tripwatch's pipeline."""
    import trafilatura

    return trafilatura.extract(html, url=url, with_metadata=True)


def settings_extract() -> Callable[[str, str], object]:
    """(s): the pipeline's own extraction (`extract_article`, options from crawler/settings.py), serially."""
    from crawler.runner import crawl_settings
    from pipelines.extract import ExtractOptions, extract_article

    settings = crawl_settings()
    options = ExtractOptions.from_settings(settings)

    def extract(html: str, url: str) -> object:
        return extract_article(html, url, options)

    return extract


# ---- (b) the fetch ceiling: a do-nothing spider -----------------------------------------------


def _fetch_only_spider() -> type[Any]:
    """The spider class, built on first use so that importing this module needs no Scrapy."""
    import scrapy

    class FetchOnlySpider(scrapy.Spider):
        """Reads each feed's links and fetches every page; the page callback does nothing."""

        name = "fetch-only"

        def __init__(self, feeds: Sequence[str], **kwargs: Any) -> None:
            super().__init__(**kwargs)
            self.feeds = list(feeds)

        async def start(self) -> AsyncIterator[scrapy.Request]:
            for url in self.feeds:
                yield scrapy.Request(url, callback=self.parse_feed, dont_filter=True)

        def parse_feed(self, response: Response) -> Iterator[scrapy.Request]:
            for link in response.xpath("//item/link/text()").getall():
                yield scrapy.Request(link.strip(), callback=self.parse_page, dont_filter=True)

        def parse_page(self, response: Response) -> None:
            return None

    return FetchOnlySpider


def fetch_only_child(config_dir: Path) -> int:
    """Child process of (b): crawl the feeds of config_dir/sources.yaml; print the crawl phase's seconds."""
    from scrapy import signals
    from scrapy.crawler import CrawlerProcess
    from scrapy.settings import Settings

    from config.sources import load_sources

    feeds = [url for source in load_sources(config_dir / "sources.yaml") for url in source.feeds]
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    # Scrapy's own components only: no tripwatch middleware, extension or pipeline.
    for name, value in {
        "ITEM_PIPELINES": {},
        "SPIDER_MIDDLEWARES": {},
        "DOWNLOADER_MIDDLEWARES": {},
        "EXTENSIONS": {},
        "LOG_LEVEL": "WARNING",
        **LOCAL_CRAWL_SETTINGS,
    }.items():
        settings.set(name, value, priority="cmdline")
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(_fetch_only_spider())
    moments: dict[str, float] = {}

    def opened() -> None:
        moments["opened"] = time.perf_counter()

    def closed() -> None:
        moments["closed"] = time.perf_counter()

    crawler.signals.connect(opened, signal=signals.spider_opened)
    crawler.signals.connect(closed, signal=signals.spider_closed)
    process.crawl(crawler, feeds=feeds)
    process.start()
    print(json.dumps({"seconds": moments["closed"] - moments["opened"]}), flush=True)
    return 0


# ---- (b), (c), (d): a crawl in a child process ------------------------------------------------


@dataclass(frozen=True)
class CrawlMeasure:
    """One crawl child: its times, what the server saw, and what the crawl used."""

    label: str
    exit_code: int
    process_seconds: float
    crawl_seconds: float  # spider opened to closed
    requests: Counter[str]
    articles: int  # article pages the server answered with 200
    usage: TreeUsage
    server_cpu: float
    machine_busy: float
    own_cpu: float  # this benchmark process (the monitor thread)
    stats: dict[str, Any] = field(default_factory=dict)  # the run record's, for tripwatch crawls

    @property
    def process_rate(self) -> float:
        return self.articles / self.process_seconds

    @property
    def crawl_rate(self) -> float:
        return self.articles / self.crawl_seconds if self.crawl_seconds else 0.0

    @property
    def other_cpu(self) -> float:
        """CPU seconds the machine spent on anything but this crawl, the server and the benchmark."""
        return max(0.0, self.machine_busy - self.usage.cpu() - self.server_cpu - self.own_cpu)


def run_child(label: str, argv: list[str], server: SiteServer, log_file: Path) -> tuple[CrawlMeasure, str]:
    """Run one crawl child with its tree monitored; returns the measure and the child's stdout."""
    server.take_requests()  # start this phase's request log empty
    before = Machine.read(server.pid)
    with log_file.open("w", encoding="utf-8") as log:
        process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=log, text=True, cwd=REPO)
        monitor = TreeMonitor(process.pid).start()
        stdout, _ = process.communicate()
        usage = monitor.stop()
    after = Machine.read(server.pid)
    requests = server.take_requests()
    measure = CrawlMeasure(
        label=label,
        exit_code=process.returncode,
        process_seconds=after.wall - before.wall,
        crawl_seconds=0.0,
        requests=request_kinds(requests),
        articles=articles_served(requests),
        usage=usage,
        server_cpu=after.server - before.server,
        machine_busy=after.busy - before.busy,
        own_cpu=after.own - before.own,
    )
    return measure, stdout


def measure_fetch_ceiling(config_dir: Path, server: SiteServer, workdir: Path) -> CrawlMeasure:
    argv = [sys.executable, "-m", "benchmarks.throughput", "--fetch-only-child", str(config_dir)]
    measure, stdout = run_child("(b) do-nothing Scrapy spider", argv, server, workdir / "fetch-only.log")
    if measure.exit_code != 0:
        raise SystemExit(f"the do-nothing spider failed (exit {measure.exit_code}); see {workdir / 'fetch-only.log'}")
    seconds = json.loads(stdout.strip().splitlines()[-1])["seconds"]
    return _with(measure, crawl_seconds=seconds)


def measure_tripwatch_crawl(
    label: str, config_dir: Path, db_url: str, server: SiteServer, log: Path, extra: Sequence[str] = ()
) -> CrawlMeasure:
    """`tripwatch crawl` with the local settings (and `extra` NAME=VALUE overrides) in a child process."""
    from storage.repository import Store

    argv = [sys.executable, "-m", "crawler.cli", "crawl", "--config", str(config_dir), "--db", db_url]
    for setting in [*(f"{name}={value}" for name, value in LOCAL_CRAWL_SETTINGS.items()), *extra]:
        argv += ["--set", setting]
    measure, _ = run_child(label, argv, server, log)
    with Store.open(db_url) as store:
        run = store.latest_run()
    if run is None or run.finished_at is None:
        raise SystemExit(f"{label}: the crawl left no finished run record (exit {measure.exit_code}); see {log}")
    seconds = (run.finished_at - run.started_at).total_seconds()
    return _with(measure, crawl_seconds=seconds, stats=run.stats)


def _with(measure: CrawlMeasure, **changes: Any) -> CrawlMeasure:
    from dataclasses import replace

    return replace(measure, **changes)


def source_totals(stats: dict[str, Any]) -> Counter[str]:
    """The run record's per-source counters summed over sources (failures by reason apart)."""
    totals: Counter[str] = Counter()
    for counters in stats.get("sources", {}).values():
        for key, value in counters.items():
            if key == "failures":
                totals.update({f"failure {reason}": count for reason, count in value.items()})
            elif isinstance(value, int):
                totals[key] += value
    return totals


@dataclass(frozen=True)
class Comparison:
    """How two crawls' stores compare, article by article."""

    articles: tuple[int, int]
    same: int  # articles with the same URLs (and copies), text hash, metadata and label in both
    differing: list[str]  # a few examples


def stored_articles(db_url: str) -> dict[frozenset[str], tuple[object, ...] | None]:
    """Each stored article keyed by all of its URLs (copies included), with what it holds.

    An article with copies keeps the text of whichever page was stored first, which depends on
    download order, not on how extraction ran: for those only the grouping is compared.
    """
    from storage.repository import ItemFilter, Store

    articles: dict[frozenset[str], tuple[object, ...] | None] = {}
    with Store.open(db_url) as store:
        for item in store.iter_items(ItemFilter(include_all=True), batch=500):
            urls = frozenset({item.url, *(stored.url for stored in item.urls)})
            fields = (item.content_hash, item.title, item.published, item.language, item.relevance, item.score)
            articles[urls] = None if item.copies else fields
    return articles


def compare_stores(first_url: str, second_url: str) -> Comparison:
    first, second = stored_articles(first_url), stored_articles(second_url)
    same = sum(1 for key, fields in first.items() if key in second and second[key] == fields)
    differing = [
        f"{min(key)}: {'missing' if key not in second else 'different'}"
        for key in first
        if key not in second or second[key] != first[key]
    ]
    differing += [f"{min(key)}: only in the second" for key in second if key not in first]
    return Comparison((len(first), len(second)), same, differing[:5])


# ---- the report -------------------------------------------------------------------------------


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A Markdown table, right-aligned numbers."""
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(["---"] + ["---:"] * (len(header) - 1)) + "|"]
    lines.extend("| " + " | ".join(row) + " |" for row in rows)
    return "\n".join(lines)


def _mb(value: int) -> str:
    return f"{value / MB:.0f}"


def _per_page(seconds: float, pages: int) -> str:
    return f"{seconds / pages * 1000:.1f}" if pages else "-"


def throughput_table(floors: Sequence[Floor], crawls: Sequence[CrawlMeasure]) -> str:
    header = ["", "pages", "process s", "crawl s", "pages/s (process)", "pages/s (crawl)", "CPU s", "server CPU s"]
    header.append("other CPU s")
    rows = [
        [
            floor.label,
            str(floor.pages),
            f"{floor.seconds:.1f}",
            "",
            f"{floor.rate:.1f}",
            "",
            f"{floor.cpu:.1f}",
            "-",
            f"{floor.other_cpu:.1f}",
        ]
        for floor in floors
    ]
    rows.extend(
        [
            measure.label,
            str(measure.articles),
            f"{measure.process_seconds:.1f}",
            f"{measure.crawl_seconds:.1f}",
            f"{measure.process_rate:.1f}",
            f"{measure.crawl_rate:.1f}",
            f"{measure.usage.cpu():.1f}",
            f"{measure.server_cpu:.1f}",
            f"{measure.other_cpu:.1f}",
        ]
        for measure in crawls
    )
    return _table(header, rows)


def cpu_table(floors: Sequence[Floor], crawls: Sequence[CrawlMeasure]) -> str:
    """CPU milliseconds per page by process, and the rate they allow on this machine's CPUs when idle."""
    cpus = os.cpu_count() or 1
    rows = []
    for floor in floors:
        per_page = floor.cpu / floor.pages
        if floor.label.startswith("(p)"):  # its CPU is its processes', on every CPU
            rows.append([floor.label, "-", _per_page(floor.cpu, floor.pages), "-", f"{cpus / per_page:.0f}"])
        else:
            rows.append([floor.label, _per_page(floor.cpu, floor.pages), "-", "-", f"{1 / per_page:.0f}"])
    for measure in crawls:
        pages = measure.articles
        usage = measure.usage
        total = (usage.cpu() + measure.server_cpu) / pages
        # One process can use one CPU; the whole tree (and the server) share all of them.
        bound = min(cpus / total, pages / usage.cpu(ROLE_ROOT))
        rows.append(
            [
                measure.label,
                _per_page(usage.cpu(ROLE_ROOT), pages),
                _per_page(usage.cpu() - usage.cpu(ROLE_ROOT), pages),
                _per_page(measure.server_cpu, pages),
                f"{bound:.0f}",
            ]
        )
    return _table(
        [
            "",
            "CPU ms/page: main process",
            "pool and helpers",
            "site server",
            f"pages/s these allow on {cpus} idle CPUs",
        ],
        rows,
    )


def memory_lines(crawl: CrawlMeasure) -> list[str]:
    usage = crawl.usage
    rows = [
        [role, str(usage.count(role)), f"{usage.cpu(role):.1f}", _mb(usage.peak_rss(role))]
        for role in (ROLE_ROOT, ROLE_WORKER, ROLE_FORKSERVER, ROLE_HELPER)
        if usage.count(role)
    ]
    return [
        _table(["(c) process", "count", "CPU s", "peak RSS MB (largest)"], rows),
        "",
        f"Peak memory of the crawl's process tree, summed over its processes at one moment: "
        f"RSS {_mb(usage.peak_tree_rss)} MB, PSS {_mb(usage.peak_tree_pss)} MB (shared pages counted once).",
        "RSS over time (s: crawl process + the rest, MB): " + timeline_text(usage.timeline),
    ]


def report(
    site: GeneratedSite, floors: Sequence[Floor], crawls: Sequence[CrawlMeasure], comparison: Comparison | None
) -> str:
    sizes = [page.size for page in site.pages]
    lines = [
        f"Site: {len(site.pages)} article pages ({min(sizes) / 1024:.0f}-{max(sizes) / 1024:.0f} KB, median "
        f"{statistics.median(sizes) / 1024:.0f} KB; {sum(page.trip for page in site.pages)} about a trip), "
        f"{sum(len(paths) for paths in site.feeds.values())} RSS feeds in {len(site.feeds)} sources; "
        f"{os.cpu_count()} CPUs; load average at the end {os.getloadavg()[0]:.2f}.",
        "",
    ]
    crawl = next((measure for measure in crawls if measure.label.startswith("(c)")), None)
    repeat = next((measure for measure in reversed(crawls) if measure.label.startswith("(d)")), None)
    timed = [measure for measure in crawls if not measure.label.startswith("(d)")]
    lines += [throughput_table(floors, timed), ""]
    rates = phase_rates(floors, crawls)
    ratios = [
        ratio_text(f"{top}/{bottom}", rates[top], rates[bottom], note)
        for top, bottom, note in (
            ("p", "a", f"what {os.cpu_count()} CPUs give this work"),
            ("c", "a", ""),
            ("c", "p", ""),
            ("c", "b", ""),
            ("c", "v", ""),
        )
        if rates.get(top) and rates.get(bottom)
    ]
    if rates.get("c") and rates.get("a"):
        crawl_phase = [measure.crawl_rate for measure in crawls if measure.label.startswith("(c)")]
        ratios.insert(2 if rates.get("p") else 1, ratio_text("c/a on crawl time", crawl_phase, rates["a"]))
    if ratios:
        lines += ["   ".join(ratios), ""]
    lines += [cpu_table(floors, timed), ""]
    if crawl:
        lines += memory_lines(crawl)
        totals = source_totals(crawl.stats)
        failures = sum(v for k, v in totals.items() if k.startswith("failure "))
        copies = sum(1 for page in site.pages if page.copy_of is not None)
        lines.append(
            f"Stored: {totals['new']} new, {totals['copy']} copies (the site has {copies}), {totals['updated']} "
            f"updated; failures: {failures or 'none'}; exit code {crawl.exit_code}."
        )
    if repeat:
        repeat_totals = source_totals(repeat.stats)
        requested = ", ".join(f"{kind} {count}" for kind, count in sorted(repeat.requests.items())) or "none"
        lines += [
            "",
            f"(d) repeat crawl of the unchanged site: {repeat.process_seconds:.1f} s (crawl "
            f"{repeat.crawl_seconds:.1f} s), {sum(repeat.requests.values())} requests ({requested}); "
            f"feeds not modified: {repeat_totals['not_modified']}, new items: {repeat_totals['new']}; "
            f"exit code {repeat.exit_code}.",
        ]
    if comparison:
        first, second = comparison.articles
        lines += [
            "",
            f"(v) against (c): {first} and {second} articles; {comparison.same} identical (URLs and copies, "
            f"text hash, title, date, language, label, score)"
            + (f"; differing, e.g.: {'; '.join(comparison.differing)}" if comparison.differing else "; none differ."),
        ]
    return "\n".join(lines)


def phase_rates(floors: Sequence[Floor], crawls: Sequence[CrawlMeasure]) -> dict[str, list[float]]:
    """Each phase's pages/s (whole process), one per round, in the order they ran."""
    rates: dict[str, list[float]] = {}
    for floor in floors:
        rates.setdefault(floor.label[1], []).append(floor.rate)
    for measure in crawls:
        rates.setdefault(measure.label[1], []).append(measure.process_rate)
    return rates


def ratio_text(name: str, tops: Sequence[float], bottoms: Sequence[float], note: str = "") -> str:
    """`name = ratio`, from the rounds in turn (round k of one phase against round k of the other).

    Rounds that ran one after the other share the machine's speed of the moment; over several
    rounds the median is given, with each round's ratio.
    """
    pairs = [top / bottom for top, bottom in zip(tops, bottoms, strict=False)]
    if len(pairs) == 1:
        return f"{name} = {pairs[0]:.2f}" + (f" ({note})" if note else "")
    each = ", ".join(f"{value:.2f}" for value in pairs)
    return f"{name} = {statistics.median(pairs):.2f} (median of {len(pairs)} rounds: {each}" + (
        f"; {note})" if note else ")"
    )


def timeline_text(timeline: Sequence[tuple[float, int, int]], points: int = 8) -> str:
    """A few evenly spaced points of the memory timeline, the last one included."""
    if not timeline:
        return "-"
    step = max(1, len(timeline) // points)
    chosen = [*timeline[::step][: points - 1], timeline[-1]]
    return ", ".join(f"{seconds:.0f}: {_mb(root)} + {_mb(rest)}" for seconds, root, rest in chosen)


def write_config(site: GeneratedSite, base: str, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "sources.yaml").write_text(site.sources_yaml(base), encoding="utf-8")
    shutil.copy(WATCHLIST, folder / "watchlist.yaml")
    return folder


PHASES = "apsbcdv"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--pages", type=int, default=2000, help="article pages to generate and crawl")
    parser.add_argument(
        "--phases",
        default=PHASES,
        help=f"measurements to run, in order (default {PHASES}; d needs c): a, b, c, d as above; "
        "p = (a) in one process per CPU at once; s = extract_article serially; "
        "v = tripwatch crawl without the pool, compared with c",
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="run the phases a, p and c this many times, taking turns, then the others once; the ratios are "
        "medians over the rounds (this VM's CPU speed drifts by tens of percent from minute to minute)",
    )
    parser.add_argument("--floor-pages", type=int, default=None, help="time (a) and (s) on the first N pages only")
    parser.add_argument("--keep", type=Path, default=None, help="work in this folder and keep it (site, db, logs)")
    parser.add_argument(
        "--set",
        dest="settings",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a setting for the tripwatch crawls (c, d), e.g. --set EXTRACT_WORKERS=1; repeatable",
    )
    parser.add_argument("--fetch-only-child", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.rounds < 1:
        parser.error(f"--rounds {args.rounds}: give 1 or more")
    if args.fetch_only_child is not None:
        return fetch_only_child(args.fetch_only_child)
    if set(args.phases) - set(PHASES) or ("d" in args.phases and "c" not in args.phases):
        parser.error(f"--phases {args.phases!r}: use letters of {PHASES!r}; d needs c")
    # Progress lines of this script only; the store's migration tool logs at INFO too.
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    logger.setLevel(logging.INFO)

    workdir = args.keep or Path(tempfile.mkdtemp(prefix="tripwatch-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        started = time.perf_counter()
        site = generate_site(workdir / "sites", args.pages)
        logger.info(
            "Generated %(n)d pages in %(s).1fs under %(dir)s",
            {"n": args.pages, "s": time.perf_counter() - started, "dir": workdir},
        )
        server = SiteServer(site)
        try:
            phases = rounds_of(args.phases, args.rounds)
            floors, crawls = run_phases(phases, site, server, workdir, args.floor_pages, args.settings)
        finally:
            server.stop()
        labels = {measure.label[:3] for measure in crawls}
        comparison = None
        if {"(c)", "(v)"} <= labels:
            comparison = compare_stores(f"sqlite:///{workdir / 'bench.db'}", f"sqlite:///{workdir / 'serial.db'}")
        print(report(site, floors, crawls, comparison))
    finally:
        if args.keep is None:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0


def rounds_of(phases: str, rounds: int) -> str:
    """The order to run `phases` in: a, p and c `rounds` times, taking turns, then the rest once.

    "apsbcdv" with 3 rounds: "apcapcapc" + "sbdv" (d after the last c, whose store it repeats on).
    """
    repeated = "".join(phase for phase in phases if phase in "apc")
    return repeated * rounds + "".join(phase for phase in phases if phase not in "apc") if rounds > 1 else phases


def run_phases(
    phases: str,
    site: GeneratedSite,
    server: SiteServer,
    workdir: Path,
    floor_pages: int | None,
    settings: Sequence[str] = (),
) -> tuple[list[Floor], list[CrawlMeasure]]:
    config_dir = write_config(site, server.base, workdir / "config")
    db_url = f"sqlite:///{workdir / 'bench.db'}"
    floors: list[Floor] = []
    crawls: list[CrawlMeasure] = []
    seen: Counter[str] = Counter()
    for phase in phases:
        seen[phase] += 1
        # A repeated phase is another round: its label says which, its crawl gets a new store.
        nth = f", round {seen[phase]}" if seen[phase] > 1 else ""
        if phase == "a":
            label = "(a) trafilatura.extract(with_metadata=True), one process" + nth
            floors.append(measure_floor(label, naive_extract, site, server, floor_pages))
        elif phase == "p":
            label = f"(p) the same in {os.cpu_count()} processes at once" + nth
            floors.append(measure_parallel_floor(label, site, server, floor_pages))
        elif phase == "s":
            label = "(s) extract_article (settings' options), one process"
            # As in the crawl's workers; (a) and (p), in this process or forked from it, stay stock.
            with trafilatura_selectors.installed():
                floors.append(measure_floor(label, settings_extract(), site, server, floor_pages))
        elif phase == "b":
            crawls.append(measure_fetch_ceiling(config_dir, server, workdir))
        elif phase == "c":
            if seen[phase] > 1:
                db_url = f"sqlite:///{workdir / f'bench-{seen[phase]}.db'}"
            log = workdir / f"c{seen[phase]}.log"
            label = "(c) tripwatch crawl" + nth
            crawls.append(measure_tripwatch_crawl(label, config_dir, db_url, server, log, settings))
        elif phase == "d":  # on the store of the latest (c)
            label = "(d) repeat crawl" + nth
            log = workdir / f"d{seen[phase]}.log"
            crawls.append(measure_tripwatch_crawl(label, config_dir, db_url, server, log, settings))
        elif phase == "v":
            # Every stage in the crawl process, one item after the other: the serial reference.
            label = "(v) tripwatch crawl, EXTRACT_WORKERS=0"
            serial_url = f"sqlite:///{workdir / 'serial.db'}"
            extra = [*settings, "EXTRACT_WORKERS=0"]
            crawls.append(measure_tripwatch_crawl(label, config_dir, serial_url, server, workdir / "v.log", extra))
        latest = floors[-1] if phase in "aps" else crawls[-1]
        rate = latest.rate if isinstance(latest, Floor) else latest.process_rate
        logger.info("(%(phase)s) %(rate).1f pages/s", {"phase": phase, "rate": rate})
    return floors, crawls


if __name__ == "__main__":
    raise SystemExit(main())
