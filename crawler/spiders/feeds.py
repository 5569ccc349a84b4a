"""`scrapy crawl feeds`: only the feeds of the chosen sources."""

from __future__ import annotations

from typing import ClassVar

from crawler.spiders.sources import SourceSpider


class FeedSpider(SourceSpider):
    """Fetches only the feeds of the chosen sources, and the articles they link to."""

    name = "feeds"
    kinds: ClassVar[tuple[str, ...]] = ("feeds",)
