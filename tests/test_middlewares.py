"""SeenUrlMiddleware and FeedStateMiddleware, built from settings, on a real SQLite store."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from scrapy import Request
from scrapy.http import Response
from scrapy.utils.misc import build_from_crawler
from scrapy.utils.test import get_crawler
from sqlalchemy import event

from crawler.items import ArticleItem, FeedEntry, FetchFailure
from crawler.middlewares import FeedStateMiddleware, SeenUrlMiddleware
from storage.repository import Store

NOW = datetime.now(UTC)


def stored(store: Store, url: str, published: datetime) -> None:
    item = ArticleItem(url=url, source="wire", html="<p>x</p>", urls=[url])
    item.canonical_url, item.text, item.content_hash, item.published = url, "text", f"h{url}", published
    store.save_article(item)


def article_request(url: str, entry: FeedEntry | None = None, refresh: float | None = None) -> Request:
    return Request(url, meta={"article": True, "source": "wire", "entry": entry, "refresh_seconds": refresh})


@pytest.fixture
def seen(sqlite_url: str) -> SeenUrlMiddleware:
    crawler = get_crawler(
        settings_dict={"DATABASE_URL": sqlite_url, "SEEN_REFRESH_HOURS": 0, "SEEN_FAILED_RETRY_HOURS": 24}
    )
    middleware = build_from_crawler(SeenUrlMiddleware, crawler)
    with Store.open(sqlite_url) as store:
        stored(store, "https://a.example/old", NOW - timedelta(days=10))
        stored(store, "https://a.example/fresh", NOW - timedelta(hours=2))
        copy = ArticleItem(url="https://b.example/copy", source="b", html="", urls=["https://b.example/copy"])
        copy.canonical_url = copy.url
        store.add_copy(1, copy)
        store.record_failure(FetchFailure("https://a.example/gone", "wire", "http-404", "gone", 404))
        store.record_failure(FetchFailure("https://a.example/slow", "wire", "timeout", "slow"))
    middleware.spider_opened()
    yield middleware
    middleware.spider_closed()


def kept(middleware: SeenUrlMiddleware, request: Request) -> bool:
    response = Response("https://a.example/rss")
    return list(middleware.process_spider_output(response, [request])) == [request]


def test_new_urls_pass_and_stored_ones_do_not(seen: SeenUrlMiddleware) -> None:
    assert kept(seen, article_request("https://a.example/new"))
    assert not kept(seen, article_request("https://a.example/old"))
    assert not kept(seen, article_request("https://a.example/old?utm_source=rss#top")), (
        "a tracking variant is the same URL"
    )
    assert not kept(seen, article_request("https://b.example/copy")), "a known copy is never fetched again"
    assert seen.stats.get_value("seen/skipped") == 3


def test_an_entry_updated_after_our_copy_is_fetched_again(seen: SeenUrlMiddleware) -> None:
    later = FeedEntry(url="https://a.example/old", updated=NOW + timedelta(minutes=5))
    earlier = FeedEntry(url="https://a.example/old", updated=NOW - timedelta(days=9))
    assert kept(seen, article_request("https://a.example/old", later))
    assert not kept(seen, article_request("https://a.example/old", earlier))


def test_the_refresh_window_fetches_recent_articles_again(seen: SeenUrlMiddleware) -> None:
    assert kept(seen, article_request("https://a.example/fresh", refresh=48 * 3600))
    assert not kept(seen, article_request("https://a.example/old", refresh=48 * 3600))
    assert not kept(seen, article_request("https://a.example/fresh"))


def test_lasting_failures_are_not_asked_for_again_but_timeouts_are(seen: SeenUrlMiddleware) -> None:
    assert not kept(seen, article_request("https://a.example/gone"))
    assert kept(seen, article_request("https://a.example/slow"))


def test_a_feeds_links_are_looked_up_together_with_the_same_decisions(seen: SeenUrlMiddleware) -> None:
    urls = [f"https://a.example/story-{n}" for n in range(120)]
    urls[10:14] = [
        "https://a.example/old",
        "https://a.example/gone",
        "https://a.example/slow",
        "https://b.example/copy",
    ]
    requests = [article_request(url) for url in urls]
    alone = [kept(seen, request) for request in requests]
    assert alone.count(False) == 3

    statements: list[str] = []
    assert seen.store is not None
    event.listen(seen.store.engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    output = [Request("https://a.example/next-feed", meta={"entry_point": True}), *requests]
    together = list(seen.process_spider_output(Response("https://a.example/rss"), output))
    assert together == [output[0], *(request for request, keep in zip(requests, alone, strict=True) if keep)]
    assert len(statements) == 2, "one look-up of known URLs, one of past failures"


def test_entry_points_and_other_requests_pass_untouched(seen: SeenUrlMiddleware) -> None:
    assert kept(seen, Request("https://a.example/old", meta={"entry_point": True}))


def test_feed_validators_go_out_and_are_saved_only_when_the_crawl_finished(sqlite_url: str) -> None:
    crawler = get_crawler(settings_dict={"DATABASE_URL": sqlite_url})
    with Store.open(sqlite_url) as store:
        store.save_feed_state(
            "https://a.example/rss", "wire", status=200, etag='"v1"', last_modified="Mon, 12 Oct 2026 00:00:00 GMT"
        )
    middleware = build_from_crawler(FeedStateMiddleware, crawler)
    middleware.spider_opened()
    request = Request("https://a.example/rss", meta={"entry_point": True, "source": "wire"})
    middleware.process_request(request)
    assert request.headers[b"If-None-Match"] == b'"v1"'
    assert request.headers[b"If-Modified-Since"] == b"Mon, 12 Oct 2026 00:00:00 GMT"
    middleware.process_response(request, Response(request.url, status=200, headers={"ETag": '"v2"'}))
    middleware.spider_closed("shutdown")
    with Store.open(sqlite_url) as store:
        validators = store.feed_validators("https://a.example/rss")
        assert validators is not None and validators.etag == '"v1"', "a crawl that did not finish keeps the old ones"

    middleware = build_from_crawler(FeedStateMiddleware, crawler)
    middleware.spider_opened()
    middleware.process_response(request, Response(request.url, status=200, headers={"ETag": '"v2"'}))
    middleware.spider_closed("finished")
    with Store.open(sqlite_url) as store:
        validators = store.feed_validators("https://a.example/rss")
        assert validators is not None and validators.etag == '"v2"'
