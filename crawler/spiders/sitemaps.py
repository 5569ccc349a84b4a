"""`scrapy crawl sitemaps`: only the sitemaps of the chosen sources."""

from __future__ import annotations

from typing import ClassVar

from crawler.spiders.sources import SourceSpider


class SitemapSpider(SourceSpider):
    """Fetches only the sitemaps of the chosen sources, and the articles they link to."""

    name = "sitemaps"
    kinds: ClassVar[tuple[str, ...]] = ("sitemaps",)
