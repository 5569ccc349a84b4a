"""Feeds and sitemaps, from the bytes Scrapy downloaded to FeedEntry records. No Scrapy here."""

from __future__ import annotations

import calendar
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin

import feedparser
from lxml import etree

from crawler.items import FeedEntry

logger = logging.getLogger(__name__)


class FeedParseError(ValueError):
    """The bytes are not a feed or sitemap that yields any entry."""


@dataclass(frozen=True)
class ParsedFeed:
    entries: list[FeedEntry]
    warning: str | None  # feedparser's "bozo" reason when the feed was ill-formed but parsed
    sitemaps: list[str]  # child sitemaps of a sitemap index


def _struct_to_datetime(value: Any) -> datetime | None:
    if not value:
        return None
    return datetime.fromtimestamp(calendar.timegm(value), UTC)


def parse_feed(body: bytes, url: str, content_type: str | None = None) -> ParsedFeed:
    """RSS 0.9x/1.0/2.0 or Atom; relative links resolved against the feed's URL."""
    headers = {"content-location": url}
    if content_type:
        headers["content-type"] = content_type
    parsed = feedparser.parse(body, response_headers=headers, resolve_relative_uris=True, sanitize_html=True)
    warning = None
    # A feed served as text/html (or with no type) is common and harmless: not ill-formed.
    if parsed.get("bozo") and not isinstance(parsed.bozo_exception, feedparser.NonXMLContentType):
        warning = f"{type(parsed.bozo_exception).__name__}: {parsed.bozo_exception}"
    entries = []
    feed_language = (parsed.feed.get("language") or "").split("-")[0].lower() or None
    for raw in parsed.entries:
        link = raw.get("link") or raw.get("id")
        if not link or not str(link).startswith(("http://", "https://", "/")):
            continue
        summary = raw.get("summary")
        entries.append(
            FeedEntry(
                url=urljoin(url, link),
                title=raw.get("title"),
                summary=summary,
                author=raw.get("author"),
                published=_struct_to_datetime(raw.get("published_parsed")),
                # dict.get: feedparser maps a missing updated_parsed to published_parsed (and warns).
                updated=_struct_to_datetime(dict.get(raw, "updated_parsed")),
                language=feed_language,
            )
        )
    if not entries and warning:
        raise FeedParseError(f"not a readable feed ({warning})")
    if not entries and not parsed.get("version"):
        raise FeedParseError("not a feed: no RSS or Atom root element")
    return ParsedFeed(entries=entries, warning=warning, sitemaps=[])


_NS = {
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "news": "http://www.google.com/schemas/sitemap-news/0.9",
}


def _parse_w3c_date(value: str | None) -> datetime | None:
    if not value:
        return None
    text = value.strip().replace("Z", "+00:00")
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def _text(element: Any, path: str) -> str | None:
    found = element.find(path, _NS)
    return found.text.strip() if found is not None and found.text else None


def parse_sitemap(body: bytes, url: str) -> ParsedFeed:
    """A sitemap (news sitemaps' publication date and title read) or a sitemap index."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, recover=True, huge_tree=False)
    try:
        root = etree.fromstring(body, parser=parser)
    except etree.XMLSyntaxError as exc:
        raise FeedParseError(f"not a sitemap: {exc}") from exc
    if root is None:
        raise FeedParseError("not a sitemap: empty document")
    tag = etree.QName(root).localname
    if tag == "sitemapindex":
        children = [urljoin(url, loc) for loc in (_text(s, "sm:loc") for s in root.iterfind("sm:sitemap", _NS)) if loc]
        return ParsedFeed(entries=[], warning=None, sitemaps=children)
    if tag != "urlset":
        raise FeedParseError(f"not a sitemap: root element is <{tag}>, expected <urlset> or <sitemapindex>")
    entries = []
    for node in root.iterfind("sm:url", _NS):
        loc = _text(node, "sm:loc")
        if not loc:
            continue
        news = node.find("news:news", _NS)
        published = _parse_w3c_date(_text(news, "news:publication_date")) if news is not None else None
        title = _text(news, "news:title") if news is not None else None
        language = _text(news, "news:publication/news:language") if news is not None else None
        lastmod = _parse_w3c_date(_text(node, "sm:lastmod"))
        entries.append(
            FeedEntry(
                url=urljoin(url, loc), title=title, published=published, updated=lastmod or published, language=language
            )
        )
    return ParsedFeed(entries=entries, warning=None, sitemaps=[])
