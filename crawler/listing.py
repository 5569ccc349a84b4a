"""Article links on a listing page: by the source's CSS selector, or by a heuristic."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from scrapy.http import Response

from crawler.urls import canonical_url, same_site

# Links inside these are site furniture, not stories.
_FURNITURE = "ancestor::*[self::nav or self::header or self::footer or self::aside]"
_NOT_ARTICLE_PATH = re.compile(
    r"/(tag|tags|category|categories|author|authors|page|search|login|about|contact)(/|$)", re.I
)
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")


def _looks_like_headline(text: str, min_chars: int) -> bool:
    # CJK headlines carry more per character.
    needed = min_chars // 3 if _CJK.search(text) else min_chars
    return len(text) >= needed


def article_links(response: Response, selector: str | None, min_chars: int) -> list[str]:
    """Absolute, same-site article URLs in page order, each once."""
    if selector:
        hrefs = [a.attrib.get("href", "") for a in response.css(selector)]
    else:
        hrefs = []
        for anchor in response.xpath(f"//a[@href][not({_FURNITURE})]"):
            text = " ".join(anchor.xpath(".//text()").getall()).strip()
            if _looks_like_headline(text, min_chars):
                hrefs.append(anchor.attrib["href"])
    links: list[str] = []
    seen: set[str] = set()
    for href in hrefs:
        if not href or href.startswith(("#", "mailto:", "javascript:")):
            continue
        url = response.urljoin(href)
        path = urlsplit(url).path
        if not same_site(url, response.url) and selector is None:
            continue
        if selector is None and (path in ("", "/") or _NOT_ARTICLE_PATH.search(path)):
            continue
        key = canonical_url(url)
        if key not in seen:
            seen.add(key)
            links.append(url)
    return links
