"""The store on real databases: a new SQLite file, and a new PostgreSQL database when configured."""

from __future__ import annotations

import multiprocessing
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import inspect

from crawler.items import ArticleItem, FetchFailure
from storage import migrate
from storage.errors import StorageError
from storage.models import Base
from storage.repository import URL_BATCH, ItemFilter, Store

T0 = datetime(2026, 10, 20, 8, 0, tzinfo=UTC)


def article(url: str, text: str = "Body text of the article.", **kw: object) -> ArticleItem:
    item = ArticleItem(url=url, source=str(kw.pop("source", "wire")), html="<html><p>x</p></html>", urls=[url])
    item.canonical_url = url
    item.text = text
    item.title = str(kw.pop("title", "A title"))
    item.content_hash = str(kw.pop("content_hash", f"h-{hash(text)}"))
    item.published = kw.pop("published", T0)  # type: ignore[assignment]
    item.classification = kw.pop("classification", None)  # type: ignore[assignment]
    for key, value in kw.items():
        setattr(item, key, value)
    return item


def test_migrations_build_exactly_the_models_schema(db_url: str) -> None:
    with Store.open(db_url) as store:
        assert migrate.current_revision(store.engine) == migrate.head_revision()
        tables = set(inspect(store.engine).get_table_names())
    assert set(Base.metadata.tables) <= tables


def test_the_head_revision_constant_is_alembics_head() -> None:
    # Store.open skips Alembic when the database is at HEAD_REVISION: a new migration must move it.
    assert migrate.head_revision() == migrate.HEAD_REVISION


def test_opening_an_up_to_date_store_does_not_load_alembic(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    Store.open(url).close()  # creates the schema (loads Alembic) in this process
    probe = f"import sys; from storage.repository import Store; Store.open({url!r}).close(); print('alembic' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", probe], check=True, capture_output=True, text=True)
    assert result.stdout.strip() == "False"


def test_migrations_keep_data_across_reopen(db_url: str) -> None:
    with Store.open(db_url) as store:
        store.save_article(article("https://a.example/1"))
    with Store.open(db_url) as store:  # a second open runs the (no-op) upgrade again
        assert store.count_items(ItemFilter(include_all=True)) == 1


def test_save_new_then_unchanged_then_updated(db_url: str) -> None:
    with Store.open(db_url) as store:
        first = store.save_article(article("https://a.example/1", "v1", content_hash="h1"))
        again = store.save_article(article("https://a.example/1", "v1", content_hash="h1"))
        changed = store.save_article(article("https://a.example/1", "v2", content_hash="h2"))
        assert (first.outcome, again.outcome, changed.outcome) == ("new", "unchanged", "updated")
        assert first.article_id == again.article_id == changed.article_id
        item = store.get_item(first.article_id)
        assert item is not None and item.text == "v2"
        assert [r[:2] for r in store.revisions(first.article_id)] == [("h1", "h2")]


def test_a_url_variant_updates_the_same_item(db_url: str) -> None:
    with Store.open(db_url) as store:
        first = store.save_article(article("https://a.example/1"))
        variant = article("https://a.example/1")
        variant.urls = ["https://a.example/1?print=1", "https://a.example/amp/1"]
        second = store.save_article(variant)
        assert second.article_id == first.article_id and second.outcome == "unchanged"
        known = store.known_url("https://a.example/amp/1")
        assert known is not None and known.article_id == first.article_id and known.kind == "variant"
        assert store.count_items(ItemFilter(include_all=True)) == 1


def test_copies_join_the_first_item_with_their_source(db_url: str) -> None:
    with Store.open(db_url) as store:
        original = store.save_article(article("https://wire.example/story"))
        copy = article("https://paper.example/reprint", source="paper")
        result = store.add_copy(original.article_id, copy)
        assert result.outcome == "copy"
        item = store.get_item(original.article_id)
        assert item is not None
        assert [(u.url, u.source) for u in item.copies] == [("https://paper.example/reprint", "paper")]
        assert store.count_items(ItemFilter(include_all=True)) == 1
        # the copy's source finds the item too
        assert [i.id for i in store.list_items(ItemFilter(source="paper", include_all=True))] == [original.article_id]


def test_first_known_url_follows_the_order_asked_in(db_url: str) -> None:
    with Store.open(db_url) as store:
        original = store.save_article(article("https://wire.example/story"))
        store.add_copy(original.article_id, article("https://paper.example/reprint", source="paper"))
        unknown = "https://nowhere.example/x"
        copy_first = store.first_known_url([unknown, "https://paper.example/reprint", "https://wire.example/story"])
        assert copy_first is not None and copy_first.kind == "copy" and copy_first.article_id == original.article_id
        article_first = store.first_known_url(["https://wire.example/story", "https://paper.example/reprint"])
        assert article_first is not None and article_first.kind == "article"
        assert article_first == store.known_url("https://wire.example/story")
        assert store.first_known_url([unknown]) is None
        assert store.first_known_url([]) is None


def test_many_urls_are_looked_up_in_batches_with_the_same_answers(db_url: str) -> None:
    urls = [f"https://a.example/{n}" for n in range(URL_BATCH * 2 + 7)]
    now = datetime.now(UTC)
    with Store.open(db_url) as store:
        for url in urls[::97]:
            store.save_article(article(url))
        for url in urls[5::101]:
            store.record_failure(FetchFailure(url, "wire", "http-404", "gone", 404))
        store.record_failure(FetchFailure(urls[6], "wire", "timeout", "slow"))
        store.record_failure(
            FetchFailure(urls[8], "wire", "http-404", "gone long ago", 404), now=now - timedelta(days=3)
        )

        known = store.known_urls([*urls, urls[0]])
        assert set(known) == set(urls[::97])
        assert all(known[url] == store.known_url(url) for url in known)
        since, reasons = now - timedelta(days=1), ["http-404"]
        failed = store.failed_urls_since(urls, since, reasons)
        assert failed == set(urls[5::101])
        assert failed == {url for url in urls if store.failed_since(url, since, reasons)}
        assert store.known_urls([]) == {} and store.failed_urls_since([], since, reasons) == set()


def test_failures_and_feed_state(db_url: str) -> None:
    with Store.open(db_url) as store:
        run = store.start_run(["wire"])
        store.record_failure(FetchFailure("https://a.example/x", "wire", "http-404", "gone", 404), run)
        rows = store.failures(run_id=run)
        assert [(f.reason, f.status, f.url) for f in rows] == [("http-404", 404, "https://a.example/x")]
        store.save_feed_state(
            "https://a.example/rss", "wire", status=200, etag='"abc"', last_modified="Tue, 20 Oct 2026 08:00:00 GMT"
        )
        validators = store.feed_validators("https://a.example/rss")
        assert validators is not None and validators.etag == '"abc"'
        store.save_feed_state("https://a.example/rss", "wire", status=304)
        validators = store.feed_validators("https://a.example/rss")
        assert validators is not None and validators.etag == '"abc"', "a 304 keeps the validators"
        store.save_feed_state("https://a.example/rss", "wire", status=None, error="parse-error")
        validators = store.feed_validators("https://a.example/rss")
        assert validators is not None and validators.etag is None, "a broken feed is fetched in full next time"


def test_list_orders_relevant_first_and_filters(db_url: str) -> None:
    relevant = {
        "relevance": "relevant",
        "score": 3.0,
        "evidence": [],
        "trip": {"officials": [{"name": "To Lam"}], "destinations": ["LA"]},
    }
    with Store.open(db_url) as store:
        old_rel = store.save_article(
            article("https://a.example/1", "trip to Vientiane", classification=relevant, published=T0)
        )
        new_irr = store.save_article(
            article(
                "https://a.example/2",
                "budget speech",
                classification={"relevance": "irrelevant"},
                published=T0 + timedelta(days=1),
            )
        )
        assert [i.id for i in store.list_items()] == [old_rel.article_id]
        assert [i.id for i in store.list_items(ItemFilter(include_all=True))] == [
            old_rel.article_id,
            new_irr.article_id,
        ]
        assert [i.id for i in store.list_items(ItemFilter(search="vientiane", include_all=True))] == [
            old_rel.article_id
        ]
        assert [i.id for i in store.list_items(ItemFilter(country="la"))] == [old_rel.article_id]
        assert store.list_items(ItemFilter(search="100%_ sure", include_all=True)) == []
        assert [i.id for i in store.list_items(ItemFilter(since=T0 + timedelta(hours=1), include_all=True))] == [
            new_irr.article_id
        ]


def test_analyst_marks_survive_reclassification(db_url: str) -> None:
    with Store.open(db_url) as store:
        saved = store.save_article(article("https://a.example/1", classification={"relevance": "irrelevant"}))
        assert store.mark_item(saved.article_id, label="relevant", starred=True, note="check this")
        store.update_classification(saved.article_id, {"relevance": "irrelevant", "score": 0.1})
        item = store.get_item(saved.article_id)
        assert item is not None and item.label == "relevant" and item.relevance == "irrelevant" and item.starred
        assert not store.mark_item(999_999, reviewed=True)
        with pytest.raises(ValueError, match="not one of"):
            store.mark_item(saved.article_id, label="maybe")


def test_naive_datetimes_are_refused(sqlite_url: str) -> None:
    with Store.open(sqlite_url) as store, pytest.raises(Exception, match="naive datetime"):
        store.save_article(article("https://a.example/1", published=datetime(2026, 1, 1)))


def test_raw_html_round_trips_compressed(db_url: str) -> None:
    with Store.open(db_url) as store:
        item = article("https://a.example/1")
        item.html = "<html><body><p>Hà Nội 東京</p></body></html>"
        saved = store.save_article(item)
        assert store.raw_html(saved.article_id) == item.html


def test_a_bad_url_is_a_clear_error() -> None:
    with pytest.raises(StorageError, match="not a database URL"):
        Store.open("not a url")


def _writer(url: str, start: int) -> None:
    with Store.open(url, migrate_schema=False) as store:
        for i in range(start, start + 60):
            store.save_article(article(f"https://a.example/{i % 80}", f"text {i % 80}", content_hash=f"h{i % 80}"))


def test_two_processes_writing_the_same_urls_never_duplicate_or_lock(db_url: str) -> None:
    Store.open(db_url).close()
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_writer, args=(db_url, start)) for start in (0, 20)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
    assert [p.exitcode for p in procs] == [0, 0]
    with Store.open(db_url) as store:
        assert store.count_items(ItemFilter(include_all=True)) == 80
        assert store.integrity_problems() == []
