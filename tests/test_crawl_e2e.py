"""End to end: `tripwatch crawl` over the fixture web into a real database, then again.

The first crawl's results are shared by the tests of this module (one crawl per backend);
the incremental tests run after them, in file order, on the same database.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from statistics import mean
from subprocess import CompletedProcess

import pytest

from benchmarks.scoring import token_f1
from crawler.urls import canonical_url
from demo.server import FixtureWeb
from storage.repository import ItemFilter, Store, StoredArticle
from tests.crawl_helpers import PG_ENV, GoldPage, boilerplate, database, expectations, gold_pages, run_crawl, write_config

pytestmark = pytest.mark.slow


@dataclass
class Crawled:
    web: FixtureWeb
    config: Path
    db_url: str
    first: CompletedProcess[str]
    items: list[StoredArticle]

    def item_for_url(self, url: str) -> StoredArticle | None:
        for item in self.items:
            if url == item.url or any(u.url == url for u in item.urls):
                return item
        return None


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def crawled(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Crawled]:
    if request.param == "postgresql" and not os.environ.get(PG_ENV):
        pytest.skip(f"PostgreSQL crawl tests need {PG_ENV}; it is not set")
    folder = tmp_path_factory.mktemp(f"crawl-{request.param}")
    with FixtureWeb() as web, database(request.param, folder) as db_url:
        config = write_config(web, folder / "config")
        first = run_crawl(config, db_url)
        with Store.open(db_url) as store:
            items = store.list_items(ItemFilter(include_all=True), limit=None)
        yield Crawled(web, config, db_url, first, items)


def originals() -> list[GoldPage]:
    return [page for page in gold_pages() if page.variant == "original"]


def test_first_crawl_reports_each_source_and_fails_only_for_the_broken_feed(crawled: Crawled) -> None:
    assert crawled.first.returncode == 1, crawled.first.stderr[-2000:]
    for name in ("harbour-times", "mekong-wire", "east-asia-monitor", "lantern-daily", "reposter"):
        assert name in crawled.first.stdout
    assert "Some sources failed: reposter" in crawled.first.stderr
    assert "Traceback" not in crawled.first.stderr


def test_every_story_is_stored_exactly_once(crawled: Crawled) -> None:
    by_story: dict[str, set[int]] = defaultdict(set)
    missing = []
    for page in gold_pages():
        item = crawled.item_for_url(page.url(crawled.web))
        # A print version linked only as "Print" is not worth a request; when fetched, it must join its item.
        requested = page.path in crawled.web.paths_requested(page.outlet)
        if item is None and page.variant == "print" and not requested:
            continue
        if item is None:
            missing.append(page.path)
        else:
            by_story[page.story].add(item.id)
    assert not missing, f"gold pages with no item: {missing}"
    merged_twice = {story: ids for story, ids in by_story.items() if len(ids) != 1}
    assert not merged_twice, f"stories split over several items: {merged_twice}"
    owners: dict[int, str] = {}
    for story, ids in by_story.items():
        (item_id,) = ids
        assert owners.setdefault(item_id, story) == story, f"stories {owners[item_id]} and {story} merged into item {item_id}"
    assert len(crawled.items) == len(by_story), "items that match no gold story"


def test_clean_text_matches_the_gold_and_carries_no_boilerplate(crawled: Crawled) -> None:
    gold_by_url = {page.url(crawled.web): page for page in gold_pages()}
    scores = {}
    for item in crawled.items:
        page = gold_by_url.get(item.url)
        assert page is not None, f"item {item.id} at {item.url} has no gold page"
        scores[page.path] = token_f1(page.text, item.text)
    worst = sorted(scores.items(), key=lambda kv: kv[1])[:5]
    print(f"\nmean token F1 {mean(scores.values()):.3f} over {len(scores)} items; worst: {worst}")
    assert mean(scores.values()) >= 0.95, worst
    leaks = [
        (item.url, phrase)
        for item in crawled.items
        for phrases in boilerplate().values()
        for phrase in phrases
        if phrase in item.text
    ]
    assert not leaks, leaks[:10]


def test_titles_dates_and_languages_match_the_gold(crawled: Crawled) -> None:
    gold_by_url = {page.url(crawled.web): page for page in gold_pages()}
    wrong = []
    for item in crawled.items:
        page = gold_by_url[item.url]
        expected = datetime.fromisoformat(page.published)
        # Compared modulo white space: trafilatura folds ideographic spaces (U+3000) in titles.
        if " ".join((item.title or "").split()) != " ".join(page.title.split()):
            wrong.append((page.path, "title", item.title, page.title))
        if item.published != expected:
            wrong.append((page.path, "published", item.published, expected))
        if item.language != page.language:
            wrong.append((page.path, "language", item.language, page.language))
    assert not wrong, wrong


def test_disallowed_urls_are_never_requested(crawled: Crawled) -> None:
    forbidden = [e for e in expectations() if e.get("never_requested")]
    assert forbidden
    for entry in forbidden:
        assert entry["path"] not in crawled.web.paths_requested(entry["outlet"])


def test_every_failure_is_stored_with_its_reason(crawled: Crawled) -> None:
    with Store.open(crawled.db_url) as store:
        stored = {(f.url, f.reason) for f in store.failures(limit=None)}
    expected = [e for e in expectations() if e.get("reason")]
    assert expected
    for entry in expected:
        url = canonical_url(crawled.web.base_url(entry["outlet"]) + entry["path"])
        reasons = {reason for stored_url, reason in stored if stored_url == url}
        assert entry["reason"] in reasons, f"{entry['path']}: expected {entry['reason']}, stored {reasons or 'nothing'}"


def test_flaky_and_redirected_pages_end_as_items(crawled: Crawled) -> None:
    for entry in expectations():
        if entry.get("kind") not in ("flaky", "redirect"):
            continue
        final = entry.get("final_path", entry["path"])
        item = crawled.item_for_url(canonical_url(crawled.web.base_url(entry["outlet"]) + final))
        assert item is not None, entry
        if entry["kind"] == "redirect":
            first_hop = canonical_url(crawled.web.base_url(entry["outlet"]) + entry["path"])
            assert first_hop in {u.url for u in item.urls}


def test_store_passes_its_integrity_check(crawled: Crawled) -> None:
    with Store.open(crawled.db_url) as store:
        assert store.integrity_problems() == []
