"""`tripwatch sources check`: one request per entry point, outside a crawl, with a verdict each."""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass

from config.sources import Source
from crawler.feedparse import FeedParseError, parse_feed, parse_sitemap
from crawler.settings import USER_AGENT

MAX_CHECK_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True)
class CheckResult:
    source: str
    kind: str
    url: str
    ok: bool
    status: str  # what a person reads: "200, 25 entries", "HTTP 404", "timed out"


def _fetch(url: str, timeout: float) -> tuple[int, bytes, str]:
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})  # noqa: S310
    # Only http(s) URLs get here: sources.yaml is validated on load.
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
        return response.status, response.read(MAX_CHECK_BYTES), response.headers.get("Content-Type", "")


def check_one(source: str, kind: str, url: str, timeout: float) -> CheckResult:
    try:
        status, body, content_type = _fetch(url, timeout)
    except urllib.error.HTTPError as exc:
        return CheckResult(source, kind, url, False, f"HTTP {exc.code}")
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        return CheckResult(source, kind, url, False, f"unreachable: {reason}")
    try:
        if kind == "feed":
            feed = parse_feed(body, url, content_type)
            note = ", ill-formed" if feed.warning else ""
            return CheckResult(source, kind, url, True, f"{status}, {len(feed.entries)} entries{note}")
        if kind == "sitemap":
            sitemap = parse_sitemap(body, url)
            count = len(sitemap.entries) or len(sitemap.sitemaps)
            what = "entries" if sitemap.entries else "child sitemaps"
            return CheckResult(source, kind, url, True, f"{status}, {count} {what}")
    except FeedParseError as exc:
        return CheckResult(source, kind, url, False, str(exc)[:60])
    html = "html" in content_type.lower()
    return CheckResult(
        source, kind, url, html, f"{status}, {len(body) // 1024} KB" + ("" if html else f", not HTML ({content_type})")
    )


def check_entry_points(sources: Iterable[Source], timeout: float) -> list[CheckResult]:
    results = []
    for source in sources:
        for url in source.feeds:
            results.append(check_one(source.name, "feed", url, timeout))
        for url in source.sitemaps:
            results.append(check_one(source.name, "sitemap", url, timeout))
        for listing in source.listings:
            results.append(check_one(source.name, "listing", listing.url, timeout))
    return results
