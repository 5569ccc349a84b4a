"""Data and fixtures the review-side tests share (imported by test_review_app, test_review_cli, test_browser).

A test module imports the `*_fixture` functions it uses; pytest knows them by their `name`.

The sample items are written here for these tests: invented outlets, invented wording.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from crawler.items import ArticleItem, FetchFailure
from review.app import close_app, create_app
from storage.repository import ItemFilter, Store

REPO = Path(__file__).resolve().parent.parent
T0 = datetime(2026, 10, 20, 8, 0, tzinfo=UTC)

XSS_TITLE = "<script>alert(1)</script> Interior minister lands in Manila"
XSS_TEXT = (
    "The interior minister arrived in Manila on Monday for two days of talks on police training.\n"
    'A caption read <img src=x onerror=alert(1)> and a link said <a href="javascript:alert(2)">details</a>.\n'
    "Officials called it javascript:alert(3) by mistake."
)


def evidence(value: str, kind: str, matched: str, meaning: str, field: str = "text") -> dict[str, Any]:
    """One evidence record as the classifier stores it: offsets into `value` (the title or text)."""
    start = value.index(matched)
    return {
        "kind": kind,
        "field": field,
        "matched": matched,
        "value": meaning,
        "sentence": matched,
        "start": start,
        "end": start + len(matched),
    }


def make_article(
    url: str,
    *,
    title: str,
    text: str,
    source: str = "harbour-times",
    published: datetime | None = T0,
    classification: dict[str, Any] | None = None,
    language: str = "en",
    author: str | None = "Desk reporter",
) -> ArticleItem:
    item = ArticleItem(url=url, source=source, html=f"<html><body><p>{title}</p></body></html>", urls=[url])
    item.canonical_url = url
    item.title = title
    item.text = text
    item.author = author
    item.language = language
    item.published = published
    item.content_hash = f"hash-{abs(hash((url, text)))}"
    item.classification = classification
    return item


def trip_classification(
    relevance: str,
    title: str,
    text: str,
    official: tuple[str, str, str] | None,
    destinations: list[str],
    marks: list[tuple[str, str, str]],
) -> dict[str, Any]:
    """`marks`: (kind, matched words in the text, meaning); `official`: (name, country, office)."""
    found = [evidence(text, kind, words, meaning) for kind, words, meaning in marks if words in text]
    found += [evidence(title, kind, words, meaning, "title") for kind, words, meaning in marks if words in title]
    officials = [{"name": official[0], "country": official[1], "office": official[2]}] if official else []
    return {
        "relevance": relevance,
        "score": {"relevant": 4.5, "uncertain": 1.5, "irrelevant": 0.2}[relevance],
        "evidence": found,
        "trip": {"officials": officials, "destinations": destinations, "counterparts": [], "dates": []}
        if officials or destinations
        else None,
    }


@dataclass(frozen=True)
class Sample:
    """Ids of the sample items, by what each one is for."""

    vientiane: int
    xss: int
    chinese: int
    japanese: int
    uncertain: int
    irrelevant: int
    starred: int
    copied: int


def _save(store: Store, url: str, title: str, text: str, **kw: Any) -> int:
    official, destinations, marks = kw.pop("official", None), kw.pop("destinations", []), kw.pop("marks", [])
    relevance = kw.pop("relevance")
    classification = trip_classification(relevance, title, text, official, destinations, marks)
    return store.save_article(make_article(url, title=title, text=text, classification=classification, **kw)).article_id


def fill_sample(store: Store) -> Sample:
    """Eight items in four languages, one failing source and one source the scheduler knows."""
    vientiane_text = (
        "Vietnam's Minister of Public Security arrived in Vientiane on Tuesday for talks with his Lao counterpart.\n"
        "The two ministers agreed to share records on cross-border fraud rings and to train border police together.\n"
        "The delegation flies on to Phnom Penh on Thursday."
    )
    ids: dict[str, int] = {}
    ids["vientiane"] = _save(
        store,
        "http://harbour.example/news/vientiane-talks",
        "Public security minister holds talks in Vientiane",
        vientiane_text,
        relevance="relevant",
        official=("Tran Quoc Minh", "VN", "Minister of Public Security"),
        destinations=["LA"],
        marks=[
            ("office", "Minister of Public Security", "VN public security"),
            ("cue", "arrived in", "visit"),
            ("destination", "Vientiane", "LA"),
            ("cue", "talks", "talks"),
        ],
        published=T0 - timedelta(days=1),
    )
    ids["xss"] = _save(
        store,
        "http://harbour.example/news/manila",
        XSS_TITLE,
        XSS_TEXT,
        relevance="relevant",
        official=("Ramon Example", "PH", "Secretary of the Interior"),
        destinations=["PH"],
        marks=[
            ("office", "interior minister", "interior"),
            ("cue", "arrived in", "visit"),
            ("destination", "Manila", "PH"),
        ],
        published=T0 - timedelta(days=2),
    )
    chinese_text = "公安部部长周海涛于周二抵达曼谷，与泰国警方举行会谈。\n双方同意加强打击电信诈骗的合作，并交换情报。"
    ids["chinese"] = _save(
        store,
        "http://lotus.example/zh/bangkok",
        "公安部部长访问曼谷 商讨打击电信诈骗",
        chinese_text,
        source="lotus-daily",
        language="zh",
        relevance="relevant",
        official=("周海涛", "CN", "公安部部长"),
        destinations=["TH"],
        marks=[("office", "公安部部长", "CN public security"), ("cue", "抵达", "visit"), ("destination", "曼谷", "TH")],
        published=T0 - timedelta(days=3),
    )
    japanese_text = (
        "国家公安委員長は水曜日にハノイを訪問し、ベトナム公安省の幹部と会談した。\n"
        "サイバー犯罪の捜査協力について話し合った。"
    )
    ids["japanese"] = _save(
        store,
        "http://lotus.example/ja/hanoi",
        "国家公安委員長、ハノイを訪問",
        japanese_text,
        source="lotus-daily",
        language="ja",
        relevance="relevant",
        official=("山田一郎", "JP", "国家公安委員長"),
        destinations=["VN"],
        marks=[
            ("office", "国家公安委員長", "JP public safety"),
            ("destination", "ハノイ", "VN"),
            ("cue", "訪問", "visit"),
        ],
        published=T0 - timedelta(days=4),
    )
    ids["uncertain"] = _save(
        store,
        "http://harbour.example/news/conference",
        "Home affairs officials gather for a regional meeting",
        "Officials from several home affairs ministries are expected at a regional meeting next month.\n"
        "No minister was named.",
        relevance="uncertain",
        destinations=["SG"],
        published=T0 - timedelta(days=5),
    )
    ids["irrelevant"] = _save(
        store,
        "http://harbour.example/news/rice",
        "Trade minister opens a rice fair at home",
        "The trade minister opened the annual rice fair in the capital on Saturday. 100% of stalls were sold_out.",
        relevance="irrelevant",
        published=T0,
    )
    ids["starred"] = _save(
        store,
        "http://harbour.example/news/seoul",
        "Intelligence chief makes an unannounced stop in Seoul",
        "The national intelligence director made an unannounced stop in Seoul on Friday, officials said.",
        relevance="relevant",
        official=("Kim Example", "KR", "Director of National Intelligence"),
        destinations=["KR"],
        marks=[("office", "intelligence director", "intelligence"), ("destination", "Seoul", "KR")],
        published=T0 - timedelta(days=6),
    )
    store.mark_item(ids["starred"], starred=True, reviewed=True, note="Follow up with the desk")
    ids["copied"] = _save(
        store,
        "http://wire.example/story/jakarta",
        "Home affairs minister visits Jakarta",
        "The home affairs minister visited Jakarta on Monday to discuss people smuggling with Indonesian police.",
        source="wire-service",
        relevance="relevant",
        official=("Alex Example", "AU", "Minister for Home Affairs"),
        destinations=["ID"],
        marks=[("office", "home affairs minister", "home affairs"), ("destination", "Jakarta", "ID")],
        published=T0 - timedelta(days=7),
    )
    copy = make_article(
        "http://lotus.example/en/jakarta-reprint",
        title="Home affairs minister visits Jakarta",
        text="x",
        source="lotus-daily",
    )
    store.add_copy(ids["copied"], copy)

    run = store.start_run(["harbour-times", "lotus-daily", "broken-gazette"])
    store.record_failure(
        FetchFailure(
            "http://broken.example/feed.xml", "broken-gazette", "http-404", "The feed answered 404 Not Found.", 404
        ),
        run,
    )
    store.record_failure(
        FetchFailure("http://broken.example/loop", "broken-gazette", "redirect-loop", "Redirected in a loop.", None),
        run,
    )
    store.save_feed_state("http://broken.example/feed.xml", "broken-gazette", status=404, error="http-404")
    store.save_feed_state("http://harbour.example/rss.xml", "harbour-times", status=200)
    store.finish_run(run, "finished", "finished", {})
    store.record_source_run("harbour-times", ok=True, items=5, error=None, backoff_until=None)
    store.record_source_run("broken-gazette", ok=False, items=0, error="feed answered 404", backoff_until=None)
    return Sample(**ids)


@pytest.fixture(name="sample_db")
def sample_db_fixture(db_url: str) -> tuple[str, Sample]:
    """A new database (SQLite, and PostgreSQL when configured) holding the sample items."""
    with Store.open(db_url) as store:
        return db_url, fill_sample(store)


@pytest.fixture(name="sqlite_sample")
def sqlite_sample_fixture(sqlite_url: str) -> tuple[str, Sample]:
    """The sample items in a new SQLite file only."""
    with Store.open(sqlite_url) as store:
        return sqlite_url, fill_sample(store)


@pytest.fixture(name="app")
def app_fixture(sample_db: tuple[str, Sample]) -> Iterator[Flask]:
    application = create_app(sample_db[0], testing=True)
    yield application
    close_app(application)


@pytest.fixture(name="client")
def client_fixture(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture(name="ids")
def ids_fixture(sample_db: tuple[str, Sample]) -> Sample:
    return sample_db[1]


# ---- a database filled by a real crawl of the fixture web -------------------------------------


@pytest.fixture(scope="session", name="crawled_db")
def crawled_db_fixture(tmp_path_factory: pytest.TempPathFactory) -> str:
    """`tripwatch demo` run once per session: the fixture web crawled into a new SQLite file."""
    folder = tmp_path_factory.mktemp("crawled")
    url = f"sqlite:///{folder / 'demo.db'}"
    result = subprocess.run(
        [sys.executable, "-m", "crawler.cli", "demo", "--db", url, "--config-out", str(folder / "cfg")],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
    )
    # Exit code 1 is expected: the sample web has broken feeds on purpose.
    if result.returncode not in (0, 1):
        pytest.fail(f"the demo crawl failed (exit {result.returncode}):\n{result.stderr[-3000:]}")
    with Store.open(url) as store:
        found = store.count_items(ItemFilter(label="relevant"))
    if not found:
        pytest.fail(f"the demo crawl stored no relevant item:\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}")
    return url


def chromium_path() -> str | None:
    return shutil.which("chromium")
