"""Middlewares that keep a crawl incremental: conditional feed requests and no refetch of stored articles."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterable, Iterator
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, Self

from scrapy import Request, signals
from scrapy.http import Response

from crawler.urls import canonical_url
from storage.repository import KnownUrl, Store

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

logger = logging.getLogger(__name__)


class FeedStateMiddleware:
    """Sends each entry point's stored ETag / Last-Modified back, and stores the new ones.

    An unchanged feed then costs one request answered by 304, and nothing else.
    """

    def __init__(self, database_url: str) -> None:
        self.database_url = database_url
        self.store: Store | None = None
        self._answered: dict[str, tuple[str, int, str | None, str | None]] = {}
        self.opened_at = datetime.now(UTC)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        middleware = cls(crawler.settings["DATABASE_URL"])
        crawler.signals.connect(middleware.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        return middleware

    def spider_opened(self) -> None:
        self.store = Store.open(self.database_url)
        self.opened_at = datetime.now(UTC)

    def spider_closed(self, reason: str) -> None:
        """Validators are kept only when the crawl finished: only then were all entries processed.

        Saved earlier, a crawl killed after a feed was read but before its articles were
        fetched would get a 304 next time and never fetch them.
        """
        if self.store is None:
            return
        if reason == "finished":
            for url, (source, status, etag, last_modified) in self._answered.items():
                # A feed that answered 200 but could not be parsed was recorded as failed by the pipeline.
                if not self.store.feed_failed_since(url, self.opened_at):
                    self.store.save_feed_state(url, source, status=status, etag=etag, last_modified=last_modified)
        self.store.close()

    def process_request(self, request: Request) -> None:
        if not request.meta.get("entry_point") or self.store is None:
            return
        validators = self.store.feed_validators(request.url)
        if validators and validators.etag:
            request.headers.setdefault(b"If-None-Match", validators.etag.encode("latin-1"))
        if validators and validators.last_modified:
            request.headers.setdefault(b"If-Modified-Since", validators.last_modified.encode("latin-1"))

    def process_response(self, request: Request, response: Response) -> Response:
        # Failures are stored by the pipeline (with their reason); here only good answers count.
        if request.meta.get("entry_point") and response.status in (200, 203, 304):
            header = response.headers.get
            self._answered[request.url] = (
                request.meta.get("source", ""),
                response.status,
                (header(b"ETag") or b"").decode("latin-1") or None,
                (header(b"Last-Modified") or b"").decode("latin-1") or None,
            )
        return response


class SeenUrlMiddleware:
    """Drops article requests for URLs already stored, unless the entry says it changed.

    Two exceptions refetch a stored article: the feed or sitemap dates the entry after the
    stored copy (atom:updated, lastmod), or the article is inside its source's refresh window.
    A URL that failed for good (404, not HTML, ...) is not asked for again for a while either.
    """

    #: Failures that a new request would only repeat; timeouts and 5xx are worth another try.
    LASTING_FAILURES = ("http-404", "http-410", "not-html", "too-large", "empty-extraction", "robots")

    def __init__(
        self, database_url: str, refresh_hours: float, stats: StatsCollector, failed_retry_hours: float = 24
    ) -> None:
        self.database_url = database_url
        self.refresh_hours = refresh_hours
        self.failed_retry = timedelta(hours=failed_retry_hours)
        self.stats = stats
        self.store: Store | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        middleware = cls(
            settings["DATABASE_URL"],
            settings.getfloat("SEEN_REFRESH_HOURS"),
            crawler.stats,
            settings.getfloat("SEEN_FAILED_RETRY_HOURS"),
        )
        crawler.signals.connect(middleware.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        return middleware

    def spider_opened(self) -> None:
        self.store = Store.open(self.database_url)

    def spider_closed(self) -> None:
        if self.store:
            self.store.close()

    def _kept(self, results: list[Any]) -> Iterator[Any]:
        """`results` without the article requests not worth making: two queries for all of them."""
        articles = {
            id(request): canonical_url(request.url)
            for request in results
            if isinstance(request, Request) and request.meta.get("article")
        }
        if not articles or self.store is None:
            yield from results
            return
        known = self.store.known_urls(list(articles.values()))
        unknown = [url for url in articles.values() if url not in known]
        failed: set[str] = set()
        if self.failed_retry and unknown:
            since = datetime.now(UTC) - self.failed_retry
            failed = self.store.failed_urls_since(unknown, since, self.LASTING_FAILURES)
        for result in results:
            url = articles.get(id(result))
            if url is None or self._keep(result, known.get(url), url in failed):
                yield result

    def _keep(self, request: Request, known: KnownUrl | None, failed_before: bool) -> bool:
        if known is None:
            if failed_before:
                self.stats.inc_value("seen/failed_before")
                self.stats.inc_value(f"source/{request.meta.get('source')}/failed_before")
                return False
            return True
        reason = self._refetch_reason(known, request)
        if reason:
            logger.debug("Refetching %(url)s: %(reason)s", {"url": request.url, "reason": reason})
            self.stats.inc_value(f"seen/refetch_{reason}")
            return True
        self.stats.inc_value("seen/skipped")
        self.stats.inc_value(f"source/{request.meta.get('source')}/already_stored")
        return False

    def _refetch_reason(self, known: KnownUrl, request: Request) -> str | None:
        if known.kind == "copy":
            return None  # a copy's text lives in the original's item
        entry = request.meta.get("entry")
        updated = entry.updated if entry else None
        # Updated after we fetched our copy: a correction we have not seen.
        if updated and updated > known.fetched_at:
            return "updated"
        seconds = request.meta.get("refresh_seconds")
        window = timedelta(seconds=seconds) if seconds else timedelta(hours=self.refresh_hours)
        published = known.published or (entry.published if entry else None)
        if window and published and datetime.now(UTC) - published < window:
            return "refresh"
        return None

    # A callback's whole output is looked up at once: a feed's hundred links cost two queries.
    def process_spider_output(self, response: Response, result: Iterable[Any]) -> Iterator[Any]:
        return self._kept(list(result))

    async def process_spider_output_async(self, response: Response, result: AsyncIterator[Any]) -> AsyncIterator[Any]:
        for kept in self._kept([r async for r in result]):
            yield kept
