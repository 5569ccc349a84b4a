"""`tripwatch reextract` and `reclassify`'s engine: stored items redone from their stored HTML."""

from __future__ import annotations

import importlib
from pathlib import Path

from config.watchlist import WATCHLIST_FILE, load_watchlist
from crawler.items import ArticleItem
from crawler.maintenance import reextract
from pipelines.dedup import content_hash
from pipelines.extract import ExtractOptions, PageJob, apply_extraction, process_page
from pipelines.trafilatura_selectors import REPLACEMENTS
from storage.repository import ItemFilter, Store

SITES = Path(__file__).resolve().parent.parent / "demo" / "sites"
URL = "https://harbour-times.example/news/minister-visit"


def trafilaturas_lists() -> dict[str, object]:
    return {r.key: getattr(importlib.import_module(r.module), r.name) for r in REPLACEMENTS}


def stored_page(store: Store) -> tuple[int, str]:
    """Save the first demo article page as the crawl would; its id and extracted text."""
    for path in sorted(SITES.glob("*/**/*.html")):
        html = path.read_text(encoding="utf-8")
        data = process_page(html, URL, PageJob(ExtractOptions()))
        item = apply_extraction(ArticleItem(url=URL, source="harbour-times", html=html, urls=[URL]), data, 800)
        if isinstance(item, ArticleItem):
            result = store.save_article(item)
            assert result.article_id is not None
            return result.article_id, item.text
    raise AssertionError("no demo page with an article")


def test_reextract_restores_the_text_from_the_stored_page(sqlite_url: str) -> None:
    before = trafilaturas_lists()
    with Store.open(sqlite_url) as store:
        article_id, text = stored_page(store)
        # As if an older extractor had kept boilerplate: the stored text differs from today's.
        store.update_extraction(article_id, {"text": "Cookie banner. " + text, "content_hash": "stale"})
        outcome = reextract(
            store, load_watchlist(WATCHLIST_FILE), ItemFilter(include_all=True), ExtractOptions(), 200, 128
        )
        stored = store.get_item(article_id)
    assert outcome == {"changed": 1}
    assert stored is not None
    assert stored.text == text
    assert stored.content_hash == content_hash(text)
    # The selectors were swapped in for the run only: this process's trafilatura is its own again.
    assert trafilaturas_lists() == before
