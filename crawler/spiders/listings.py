"""`scrapy crawl listings`: only the listings of the chosen sources."""

from __future__ import annotations

from typing import ClassVar

from crawler.spiders.sources import SourceSpider


class ListingSpider(SourceSpider):
    """Fetches only the listings of the chosen sources, and the articles they link to."""

    name = "listings"
    kinds: ClassVar[tuple[str, ...]] = ("listings",)
