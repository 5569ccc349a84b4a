"""The last stage: articles and failures into the store, and the crawl's run record."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, Self

from scrapy import signals

from crawler.items import ArticleItem, FetchFailure
from pipelines.dedup import DedupPipeline, dedup_stage
from storage.repository import SaveResult, Store

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

logger = logging.getLogger(__name__)

RUN_ID_STAT = "tripwatch/run_id"


def per_source_stats(stats: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """`source/<name>/<counter>` and `source/<name>/failures/<reason>` keys as nested dicts."""
    table: dict[str, dict[str, Any]] = {}
    for key, value in stats.items():
        if not key.startswith("source/"):
            continue
        _, name, *rest = key.split("/")
        row = table.setdefault(name, {})
        if rest[0] == "failures" and len(rest) == 2:
            row.setdefault("failures", {})[rest[1]] = value
        else:
            row["/".join(rest)] = value
    return table


class StorePipeline:
    """Saves each article (new, updated, unchanged or a copy) and each failure, one transaction each."""

    def __init__(self, database_url: str, keep_html: bool, stats: StatsCollector, crawler: Crawler) -> None:
        self.crawler = crawler
        self.database_url = database_url
        self.keep_html = keep_html
        self.stats = stats
        self.store: Store | None = None
        self.run_id: int | None = None
        self.dedup: DedupPipeline | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        pipeline = cls(
            crawler.settings["DATABASE_URL"], crawler.settings.getbool("STORE_RAW_HTML"), crawler.stats, crawler
        )
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        return pipeline

    def open_spider(self) -> None:
        # Every component opens with a migration check (one query when up to date, under a lock),
        # so `scrapy crawl` works on a new database whatever opens first.
        self.store = Store.open(self.database_url)
        self.dedup = dedup_stage(self.crawler)
        # The run record names the sources the spider was asked for.
        sources = list(getattr(self.crawler.spider, "source_names", []))
        self.run_id = self.store.start_run(sources)
        self.stats.set_value(RUN_ID_STAT, self.run_id)
        for name in sources:
            self.stats.set_value(f"source/{name}/new", 0)

    def spider_closed(self, reason: str) -> None:
        if self.store is None or self.run_id is None:
            return
        stats = self.stats.get_stats()
        summary = {
            "sources": per_source_stats(stats),
            "pages": stats.get("response_received_count", 0),
            "requests": stats.get("downloader/request_count", 0),
            "errors": stats.get("log_count/ERROR", 0),
        }
        status = "finished" if reason == "finished" else "stopped"
        self.store.finish_run(self.run_id, status, reason, summary)
        self.store.close()

    def process_item(self, item: Any) -> Any:
        assert self.store is not None, "open_spider was not called"
        if isinstance(item, FetchFailure):
            self._record_failure(item)
        elif isinstance(item, ArticleItem):
            self._save(item)
        return item

    def _save(self, item: ArticleItem) -> None:
        assert self.store is not None
        if not self.keep_html:
            item.html, item.html_z = "", b""
        if item.duplicate_of is None and self.dedup is not None:
            # Another process may have stored this story since the dedup stage looked: check
            # again where no other process can store in between.
            with self.store.new_article_lock():
                self.dedup.recheck(item)
                result = self._write(item)
                if result.outcome == "new" and item.signature:
                    self.dedup.note_stored(result.article_id, item.signature)
        else:
            result = self._write(item)
        item.article_id = result.article_id
        self.stats.inc_value(f"store/{result.outcome}")
        self.stats.inc_value(f"source/{item.source}/{result.outcome}")
        logger.debug(
            "Stored %(url)s: %(outcome)s (item %(id)s)",
            {"url": item.url, "outcome": result.outcome, "id": result.article_id},
        )

    def _write(self, item: ArticleItem) -> SaveResult:
        assert self.store is not None
        if item.duplicate_of is not None:
            return self.store.add_copy(item.duplicate_of, item)
        return self.store.save_article(item)

    def _record_failure(self, failure: FetchFailure) -> None:
        assert self.store is not None
        self.store.record_failure(failure, self.run_id)
        if failure.entry_point:
            self.store.save_feed_state(
                failure.url, failure.source, status=failure.status, error=f"{failure.reason}: {failure.detail}"
            )
            self.stats.inc_value(f"source/{failure.source}/entry_failures")
        self.stats.inc_value(f"store/failures/{failure.reason}")
        self.stats.inc_value(f"source/{failure.source}/failures/{failure.reason}")
        log = logger.warning if failure.entry_point else logger.info
        log(
            "Skipped %(url)s: %(reason)s (%(detail)s)",
            {"url": failure.url, "reason": failure.reason, "detail": failure.detail},
        )
