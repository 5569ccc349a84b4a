"""The two things that flow from the spiders through the pipelines to the store."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class FeedEntry:
    """What a feed or sitemap said about an article before it was fetched."""

    url: str
    title: str | None = None
    summary: str | None = None
    author: str | None = None
    published: datetime | None = None
    updated: datetime | None = None
    language: str | None = None


@dataclass
class ArticleItem:
    """A fetched page on its way to the store; each stage fills its own fields."""

    url: str  # final URL, after redirects
    source: str
    html: str  # decoded by Scrapy (header, BOM or <meta> charset)
    urls: list[str] = field(default_factory=list)  # every URL that led here
    entry: FeedEntry | None = None
    fetched_at: datetime | None = None
    # extract
    canonical_url: str = ""
    title: str | None = None
    author: str | None = None
    published: datetime | None = None
    language: str | None = None
    sitename: str | None = None
    description: str | None = None
    text: str = ""
    html_z: bytes = b""  # the page compressed for the store (by the extraction worker); html is then dropped
    # classify
    classification: dict[str, Any] | None = None
    # dedup
    content_hash: str = ""
    signature: bytes = b""
    duplicate_of: int | None = None
    # The dedup index's version when it decided: if articles joined the index before the insert,
    # the store stage has it decide again.
    decided_at_index_version: int = 0
    # store
    article_id: int | None = None


@dataclass(frozen=True)
class FetchFailure:
    """A URL that did not become an item, and why (a short slug plus one sentence)."""

    url: str
    source: str
    reason: str
    detail: str = ""
    status: int | None = None
    entry_point: bool = False  # a feed, sitemap or listing, not an article
