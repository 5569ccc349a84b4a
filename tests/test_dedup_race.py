"""Two crawls writing to one database cannot both store one story as new.

A scale-out worker or a scheduled crawl may store the original of a page between this crawl's
dedup decision and its insert. The store stage checks again under `Store.new_article_lock`.
"""

from __future__ import annotations

import struct
import threading

from scrapy.utils.test import get_crawler

from crawler.items import ArticleItem
from pipelines.dedup import SIGNATURE_VERSION, DedupPipeline, DedupSettings, text_fingerprints, text_signature
from storage.repository import Store

ORIGINAL = "\n".join(
    [
        "The interior minister landed in Manila on Monday for three days of talks on maritime "
        "patrols, the exchange of passenger records and the training of coast guard crews.",
        "Her counterpart met the delegation at the airport; a joint statement on data sharing is "
        "expected before the minister flies on to Jakarta at the end of the week.",
        "Officials said the visit had been planned since the spring but was kept quiet until the "
        "last moment for security reasons, as is usual for the ministry's trips abroad.",
    ]
)
COPY = ORIGINAL + "\nThis report first appeared in a partner newspaper and is republished with permission."


def item(url: str, text: str) -> ArticleItem:
    article = ArticleItem(url=url, source="test", html="", urls=[url])
    article.canonical_url = url
    article.text = text
    article.title = "Minister in Manila"
    return article


def dedup_stage(db_url: str) -> DedupPipeline:
    stage = DedupPipeline(db_url, DedupSettings(), get_crawler().stats)
    stage.open_spider()
    return stage


def store_new(stage: DedupPipeline, store: Store, page: ArticleItem) -> int:
    """What the store stage does with an item decided new: recheck, save and index it under the lock."""
    with store.new_article_lock():
        stage.recheck(page)
        article_id = store.save_article(page).article_id
        assert article_id is not None
        stage.note_stored(article_id, page.signature)
    return article_id


def test_a_copy_stored_as_new_by_one_process_is_caught_when_the_other_stored_the_original(db_url: str) -> None:
    Store.open(db_url).close()
    ours, theirs = dedup_stage(db_url), dedup_stage(db_url)
    try:
        copy = item("https://partner.example/manila", COPY)
        ours.process_item(copy)
        assert copy.duplicate_of is None  # nothing stored yet: it looks new

        original = item("https://gazette.example/manila", ORIGINAL)
        theirs.process_item(original)
        with Store.open(db_url) as store:
            stored_id = store.save_article(original).article_id  # the other process stores first
            with store.new_article_lock():
                ours.recheck(copy)
        assert copy.duplicate_of == stored_id
    finally:
        ours.close_spider()
        theirs.close_spider()


def test_nothing_stored_meanwhile_leaves_the_decision(db_url: str) -> None:
    Store.open(db_url).close()
    stage = dedup_stage(db_url)
    try:
        page = item("https://gazette.example/manila", ORIGINAL)
        stage.process_item(page)
        stage.recheck(page)
        assert page.duplicate_of is None
    finally:
        stage.close_spider()


def test_the_new_article_lock_is_held_by_one_store_at_a_time(db_url: str) -> None:
    Store.open(db_url).close()
    trying, acquired = threading.Event(), threading.Event()

    def take_the_lock(store: Store) -> None:
        trying.set()
        with store.new_article_lock():
            acquired.set()

    with Store.open(db_url) as first, Store.open(db_url) as second:
        with first.new_article_lock():
            other = threading.Thread(target=take_the_lock, args=(second,))
            other.start()
            assert trying.wait(10)
            assert not acquired.wait(0.3), "a second store took the lock while the first held it"
        other.join(10)
        assert acquired.is_set()


def test_signatures_of_an_older_version_are_recomputed_and_still_find_copies(db_url: str) -> None:
    original = item("https://gazette.example/manila", ORIGINAL)
    original.content_hash, original.signature = text_fingerprints(ORIGINAL)
    with Store.open(db_url) as store:
        stored_id = store.save_article(original).article_id
        # As a database written before SIGNATURE_VERSION 2 holds it: same layout, older version.
        old = struct.pack("<H", SIGNATURE_VERSION - 1) + original.signature[2:]
        store.update_extraction(stored_id, {"signature": old})
    stage = dedup_stage(db_url)
    try:
        with Store.open(db_url) as store:
            recomputed = store.article_signature(stored_id)
        assert recomputed == text_signature(ORIGINAL)
        copy = item("https://partner.example/manila", COPY)
        stage.process_item(copy)
        assert copy.duplicate_of == stored_id
    finally:
        stage.close_spider()


def test_an_original_stored_by_this_crawl_after_its_copy_was_decided_is_found_at_recheck(db_url: str) -> None:
    stage = dedup_stage(db_url)
    try:
        original = item("https://gazette.example/manila", ORIGINAL)
        copy = item("https://partner.example/manila", COPY)
        stage.process_item(original)
        stage.process_item(copy)  # decided before the original is stored: it looks new
        assert original.duplicate_of is None and copy.duplicate_of is None
        with Store.open(db_url) as store:
            stored_id = store_new(stage, store, original)
            with store.new_article_lock():
                stage.recheck(copy)
        assert original.duplicate_of is None
        assert copy.duplicate_of == stored_id
    finally:
        stage.close_spider()


def test_the_next_look_at_the_store_skips_what_this_crawl_stored_but_not_what_others_did(db_url: str) -> None:
    stage = dedup_stage(db_url)
    try:
        first = item("https://gazette.example/manila", ORIGINAL)
        stage.process_item(first)
        with Store.open(db_url) as store:
            first_id = store_new(stage, store, first)
            assert stage.last_indexed_id == first_id
            # Another process stores an article; this crawl's next one gets the id after it.
            theirs = item("https://other.example/jakarta", "A different story about the harbour. " * 20)
            theirs.content_hash, theirs.signature = text_fingerprints(theirs.text)
            their_id = store.save_article(theirs).article_id
            ours = item("https://gazette.example/bangkok", "Yet another story, about a railway line. " * 20)
            ours.content_hash, ours.signature = text_fingerprints(ours.text)
            our_id = store.save_article(ours).article_id
            stage.note_stored(our_id, ours.signature)
        assert stage.last_indexed_id == first_id, "the other process's article was not looked at yet"
        stage.recheck(item("https://gazette.example/hanoi", "A third story about a river port. " * 20))
        assert their_id in stage.index and stage.last_indexed_id == our_id
    finally:
        stage.close_spider()
