"""SourceSpider: every entry point (feeds, sitemaps, listings) of the chosen sources, then their articles.

Run it as `scrapy crawl sources [-a sources=a,b]` or `tripwatch crawl [SOURCE ...]`.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, ClassVar, Self

import scrapy
from scrapy.http import HtmlResponse, Request, Response, TextResponse

from config.sources import Listing, Source, config_dir, load_sources, select_sources
from crawler.failures import failure_from_twisted
from crawler.feedparse import FeedParseError, parse_feed, parse_sitemap
from crawler.items import ArticleItem, FeedEntry, FetchFailure
from crawler.listing import article_links
from crawler.urls import canonical_url

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from twisted.python.failure import Failure


# Articles go ahead of the next feed, sitemap or listing page: the scheduler then holds one
# entry point's links at a time instead of every source's (10,000 queued requests, ~10 MB, on a
# 100-feed site), and items reach the store while the crawl runs rather than after every feed.
ARTICLE_PRIORITY = 10
logger = logging.getLogger(__name__)

HTML_TYPES = (b"text/html", b"application/xhtml+xml")


class SourceSpider(scrapy.Spider):
    """Fetches the declared entry points of each source and every article they link to."""

    name = "sources"
    #: Which entry-point kinds this spider follows; subclasses narrow it.
    kinds: ClassVar[tuple[str, ...]] = ("feeds", "sitemaps", "listings")

    def __init__(
        self, sources: tuple[Source, ...] = (), listing_min_chars: int = 20, distributed: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.selected = sources
        self.listing_min_chars = listing_min_chars
        # Alone, our seen-set dedupes (and redirect loops stay visible); shared, Redis's filter does.
        self.dont_filter = not distributed
        self._requested: set[str] = set()  # canonical article URLs already requested in this run

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        names = [n for n in str(kwargs.pop("sources", "") or "").split(",") if n]
        folder = config_dir(crawler.settings.get("CONFIG_DIR") or None)
        sources = select_sources(load_sources(folder / "sources.yaml"), names)
        spider = super().from_crawler(
            crawler,
            *args,
            sources=sources,
            listing_min_chars=crawler.settings.getint("LISTING_MIN_LINK_CHARS"),
            distributed=crawler.settings.getbool("DISTRIBUTED"),
            **kwargs,
        )
        return spider

    @property
    def source_names(self) -> list[str]:
        return [source.name for source in self.selected]

    async def start(self) -> AsyncIterator[Request]:
        for request in self.entry_requests():
            yield request

    def entry_requests(self) -> Iterator[Request]:
        for source in self.selected:
            if "feeds" in self.kinds:
                for url in source.feeds:
                    yield self._entry_request(url, source, self.parse_feed)
            if "sitemaps" in self.kinds:
                for url in source.sitemaps:
                    yield self._entry_request(url, source, self.parse_sitemap)
            if "listings" in self.kinds:
                for listing in source.listings:
                    yield self._entry_request(listing.url, source, self.parse_listing, listing=listing, page=1)

    def _entry_request(self, url: str, source: Source, callback: Any, **meta: Any) -> Request:
        self.crawler.stats.inc_value(f"source/{source.name}/entry_points")
        return Request(
            url,
            callback=callback,
            errback=self.on_error,
            dont_filter=self.dont_filter,
            meta={
                "asked_url": url,
                "source": source.name,
                "entry_point": True,
                "handle_httpstatus_list": [304],
                **meta,
            },
        )

    # ---- entry points -----------------------------------------------------------------------

    def parse_feed(self, response: Response) -> Iterator[Request | FetchFailure]:
        source = response.meta["source"]
        if response.status == 304:
            self.crawler.stats.inc_value(f"source/{source}/not_modified")
            return
        content_type = (response.headers.get(b"Content-Type") or b"").decode("latin-1") or None
        try:
            feed = parse_feed(response.body, response.url, content_type)
        except FeedParseError as exc:
            yield FetchFailure(response.url, source, "parse-error", str(exc), response.status, entry_point=True)
            return
        if feed.warning:
            logger.warning(
                "Feed %(url)s is ill-formed but parsed (%(reason)s)", {"url": response.url, "reason": feed.warning}
            )
            self.crawler.stats.inc_value(f"source/{source}/feed_warnings")
        yield from self._article_requests(source, feed.entries)

    def parse_sitemap(self, response: Response) -> Iterator[Request | FetchFailure]:
        source = response.meta["source"]
        if response.status == 304:
            self.crawler.stats.inc_value(f"source/{source}/not_modified")
            return
        try:
            sitemap = parse_sitemap(response.body, response.url)
        except FeedParseError as exc:
            yield FetchFailure(response.url, source, "parse-error", str(exc), response.status, entry_point=True)
            return
        for child in sitemap.sitemaps:
            by_name = {s.name: s for s in self.selected}
            yield self._entry_request(child, by_name[source], self.parse_sitemap)
        yield from self._article_requests(source, sitemap.entries)

    def parse_listing(self, response: Response) -> Iterator[Request | FetchFailure]:
        source = response.meta["source"]
        listing: Listing = response.meta["listing"]
        if response.status == 304:
            self.crawler.stats.inc_value(f"source/{source}/not_modified")
            return
        if not isinstance(response, TextResponse):
            yield FetchFailure(
                response.url, source, "not-html", "the listing page is not HTML", response.status, entry_point=True
            )
            return
        links = article_links(response, listing.links, self.listing_min_chars)
        yield from self._article_requests(source, [FeedEntry(url=link) for link in links])
        page = response.meta["page"]
        if listing.next and page < listing.max_pages:
            next_href = response.css(listing.next).attrib.get("href") if response.css(listing.next) else None
            if next_href:
                by_name = {s.name: s for s in self.selected}
                yield self._entry_request(
                    response.urljoin(next_href), by_name[source], self.parse_listing, listing=listing, page=page + 1
                )

    def _article_requests(self, source: str, entries: list[FeedEntry]) -> Iterator[Request]:
        refresh = next((s.refresh for s in self.selected if s.name == source), None)
        for entry in entries:
            url = canonical_url(entry.url)
            if url in self._requested:
                continue
            self._requested.add(url)
            yield Request(
                url,
                callback=self.parse_article,
                errback=self.on_error,
                priority=ARTICLE_PRIORITY,
                # Our own seen-set and SeenUrlMiddleware dedupe; the dupefilter would hide redirect loops.
                dont_filter=self.dont_filter,
                meta={
                    "asked_url": url,
                    "source": source,
                    "entry": entry,
                    "article": True,
                    "refresh_seconds": refresh.total_seconds() if refresh else None,
                },
            )

    # ---- articles ---------------------------------------------------------------------------

    def parse_article(self, response: Response) -> Iterator[ArticleItem | FetchFailure]:
        source = response.meta["source"]
        self.crawler.stats.inc_value(f"source/{source}/pages")
        content_type = (response.headers.get(b"Content-Type") or b"").split(b";")[0].strip().lower()
        if not isinstance(response, HtmlResponse) or (content_type and content_type not in HTML_TYPES):
            kind = content_type.decode("latin-1") or "unknown type"
            yield FetchFailure(response.url, source, "not-html", f"the page is {kind}, not HTML", response.status)
            return
        requested = [response.request.url] if response.request else []
        redirects = [str(u) for u in response.meta.get("redirect_urls", [])]
        yield ArticleItem(
            url=response.url,
            source=source,
            html=response.text,
            urls=list(dict.fromkeys(canonical_url(u) for u in [*requested, *redirects, response.url])),
            entry=response.meta.get("entry"),
            fetched_at=datetime.now(UTC),
        )

    def on_error(self, failure: Failure) -> Iterator[FetchFailure]:
        request = failure.request  # type: ignore[attr-defined]
        # After redirects, report the URL the crawl asked for, not the last hop.
        url = request.meta.get("asked_url") or request.url
        source, entry_point = request.meta.get("source", ""), bool(request.meta.get("entry_point"))
        yield failure_from_twisted(failure, url, source, entry_point)
