"""CrawlReport: a progress line while a crawl runs; the summary table is printed from the run record."""

from __future__ import annotations

import sys
import time
from typing import TYPE_CHECKING, Any, Self, TextIO

from scrapy import signals
from scrapy.exceptions import NotConfigured
from twisted.internet import task

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector


def progress_line(stats: dict[str, Any], elapsed: float) -> str:
    """One line: what the crawl has done so far."""
    failures = sum(v for k, v in stats.items() if k.startswith("store/failures/"))
    return (
        f"[{elapsed:5.0f}s] {stats.get('response_received_count', 0)} responses, "
        f"{stats.get('store/new', 0)} new, {stats.get('store/updated', 0)} updated, "
        f"{stats.get('store/copy', 0)} copies, {stats.get('seen/skipped', 0)} already stored, {failures} failures"
    )


class CrawlReport:
    """Prints a progress line to stderr every REPORT_PROGRESS_INTERVAL seconds (0 = off)."""

    def __init__(self, interval: float, stats: StatsCollector, out: TextIO = sys.stderr) -> None:
        self.interval = interval
        self.stats = stats
        self.out = out
        self.started = time.monotonic()
        self.loop: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        interval = crawler.settings.getfloat("REPORT_PROGRESS_INTERVAL")
        if interval <= 0:
            raise NotConfigured  # progress reports are off (a message would be logged as a warning)
        report = cls(interval, crawler.stats)
        crawler.signals.connect(report.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(report.spider_closed, signal=signals.spider_closed)
        return report

    def spider_opened(self) -> None:
        self.started = time.monotonic()
        self.loop = task.LoopingCall(self.print_progress)
        self.loop.start(self.interval, now=False)

    def print_progress(self) -> None:
        print(progress_line(self.stats.get_stats(), time.monotonic() - self.started), file=self.out, flush=True)

    def spider_closed(self) -> None:
        if self.loop and self.loop.running:
            self.loop.stop()
