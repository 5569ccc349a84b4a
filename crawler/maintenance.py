"""Redoing stages on stored items without fetching: after a watch-list edit or an extractor upgrade."""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass

from config.watchlist import Watchlist
from crawler.items import ArticleItem
from pipelines import trafilatura_selectors
from pipelines.classify import classify
from pipelines.dedup import content_hash, text_signature
from pipelines.extract import ExtractOptions, apply_extraction, extract_article
from storage.repository import ItemFilter, Store, StoredArticle

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Relabel:
    item_id: int
    before: str | None
    after: str


def reclassify(store: Store, watchlist: Watchlist, flt: ItemFilter) -> list[Relabel]:
    """Classify the matching stored items again; the analysts' own labels are left alone."""
    changes = []
    for item in list(store.iter_items(flt)):
        result = classify(item.title or "", item.text, item.published, item.language, watchlist)
        store.update_classification(item.id, result.as_dict())
        if result.relevance != item.relevance:
            changes.append(Relabel(item.id, item.relevance, result.relevance))
    return changes


def _reextracted(item: StoredArticle, html: str, options: ExtractOptions, min_chars: int) -> ArticleItem | None:
    fresh = ArticleItem(url=item.url, source=item.source, html=html, urls=[item.url])
    result = apply_extraction(fresh, extract_article(html, item.url, options), min_chars)
    return result if isinstance(result, ArticleItem) else None


def reextract(
    store: Store, watchlist: Watchlist, flt: ItemFilter, options: ExtractOptions, min_chars: int, num_perm: int
) -> Counter[str]:
    """Extract the matching items again from their stored HTML, then classify them again."""
    with trafilatura_selectors.installed():  # as the crawl's workers extract, and as fast
        return _reextract_all(store, watchlist, flt, options, min_chars, num_perm)


def _reextract_all(
    store: Store, watchlist: Watchlist, flt: ItemFilter, options: ExtractOptions, min_chars: int, num_perm: int
) -> Counter[str]:
    outcome: Counter[str] = Counter()
    for item in list(store.iter_items(flt)):
        html = store.raw_html(item.id)
        if html is None:
            outcome["no stored HTML"] += 1
            continue
        fresh = _reextracted(item, html, options, min_chars)
        if fresh is None:
            logger.warning("Item %(id)s: no article text in its stored HTML; left as it was", {"id": item.id})
            outcome["no text found"] += 1
            continue
        fresh_hash = content_hash(fresh.text)
        store.update_extraction(
            item.id,
            {
                "title": fresh.title or item.title,
                "author": fresh.author or item.author,
                "published": fresh.published or item.published,
                "language": fresh.language or item.language,
                "text": fresh.text,
                "content_hash": fresh_hash,
                "signature": text_signature(fresh.text, num_perm),
            },
        )
        result = classify(fresh.title or item.title or "", fresh.text, fresh.published, fresh.language, watchlist)
        store.update_classification(item.id, result.as_dict())
        outcome["changed" if fresh_hash != item.content_hash else "unchanged"] += 1
    return outcome
