"""The review UI through Flask's test client, on a new SQLite file (and PostgreSQL when configured)."""

from __future__ import annotations

import csv
import io
import json
import re
import threading
from collections.abc import Iterator
from datetime import timedelta

import feedparser
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, inspect, text

from review.app import UnsafeBinding, close_app, create_app, evidence_spans, highlight, is_loopback, make_ui_server
from storage import migrate
from storage.db import make_engine
from storage.repository import ItemFilter, Store
from tests.conftest_review import (  # noqa: F401  (fixtures, known to pytest by name)
    T0,
    XSS_TITLE,
    Sample,
    app_fixture,
    client_fixture,
    evidence,
    ids_fixture,
    make_article,
    sample_db_fixture,
    sqlite_sample_fixture,
    trip_classification,
)


def listed(client: FlaskClient, query: str = "") -> list[int]:
    """Item ids of the inbox page for `query`, in order."""
    response = client.get("/" + query)
    assert response.status_code == 200, response.get_data(as_text=True)
    return [int(i) for i in re.findall(r'data-item="(\d+)"', response.get_data(as_text=True))]


def csrf_token(client: FlaskClient, path: str = "/") -> str:
    html = client.get(path).get_data(as_text=True)
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "the page has a triage form with a CSRF token"
    return found.group(1)


def store_of(app: Flask) -> Store:
    store: Store = app.extensions["tripwatch_store"]
    return store


# ---- inbox ------------------------------------------------------------------------------------


def test_inbox_lists_relevant_first_then_newest_with_the_trip_at_a_glance(client: FlaskClient, ids: Sample) -> None:
    relevant_newest_first = [ids.vientiane, ids.xss, ids.chinese, ids.japanese, ids.starred, ids.copied]
    assert listed(client) == [*relevant_newest_first, ids.uncertain]
    html = client.get("/").get_data(as_text=True)
    assert ">7</strong> items" in html
    assert "Tran Quoc Minh" in html and ">LA<" in html and "harbour-times" in html
    assert "2026-10-19" in html  # the published date
    assert "+1 copy" in html
    assert "<kbd>j</kbd>" in html and "<kbd>x</kbd>" in html and "<kbd>s</kbd>" in html, "the shortcuts are on the page"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?source=lotus-daily", ["chinese", "japanese", "copied"]),  # the copy's source finds the item too
        ("?official=tran+quoc", ["vientiane"]),
        ("?official=周海涛", ["chinese"]),
        ("?country=la", ["vientiane"]),
        ("?country=VN&label=all", ["japanese"]),
        ("?label=irrelevant", ["irrelevant"]),
        ("?label=uncertain", ["uncertain"]),
        ("?status=reviewed", ["starred"]),
        ("?starred=1", ["starred"]),
        ("?since=2026-10-17&until=2026-10-19", ["vientiane", "xss", "chinese"]),
        ("?until=2026-10-14", ["starred", "copied"]),
        ("?label=relevant&source=harbour-times&status=unreviewed", ["vientiane", "xss"]),
    ],
)
def test_inbox_filters(client: FlaskClient, ids: Sample, query: str, expected: list[str]) -> None:
    assert listed(client, query) == [getattr(ids, name) for name in expected]


def test_label_all_includes_irrelevant_items_last(client: FlaskClient, ids: Sample) -> None:
    found = listed(client, "?label=all")
    assert len(found) == 8 and found[-1] == ids.irrelevant


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?since=yesterday", "since='yesterday': expected a date like 2026-10-01"),
        ("?until=9999-12-31", "until='9999-12-31': expected a date"),
        ("?label=maybe", "label='maybe'"),
        ("?page=0", "page='0': expected a whole number"),
        ("?per_page=5000", "per_page='5000'"),
        ("?country=Japan", "country='Japan': expected an ISO 3166 two-letter code"),
        ("?status=done", "status='done'"),
    ],
)
def test_a_bad_query_parameter_is_a_400_naming_it(sqlite_sample: tuple[str, Sample], query: str, message: str) -> None:
    application = create_app(sqlite_sample[0], testing=True)
    response = application.test_client().get("/" + query)
    close_app(application)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True).replace("&#39;", "'")


def test_pagination_keeps_the_filter_and_counts(client: FlaskClient, ids: Sample) -> None:
    first, second, third = (listed(client, f"?label=all&per_page=3&page={n}") for n in (1, 2, 3))
    assert first + second + third == listed(client, "?label=all")
    assert len(third) == 2
    html = client.get("/?label=all&per_page=3&page=2").get_data(as_text=True)
    assert "page 2 of 3" in html
    assert 'rel="next" href="/?label=all&amp;page=3&amp;per_page=3"' in html
    assert 'rel="prev" href="/?label=all&amp;per_page=3"' in html
    assert listed(client, "?label=all&per_page=3&page=99") == third, "past the end shows the last page"


def test_facet_counts_ignore_their_own_filter(app: Flask, ids: Sample) -> None:
    facets = store_of(app).facets(ItemFilter(label="relevant"))
    assert facets.labels == {"relevant": 6, "uncertain": 1, "irrelevant": 1}
    assert facets.countries["LA"] == 1 and "SG" not in facets.countries  # SG is only on the uncertain item
    assert facets.sources == {"harbour-times": 3, "lotus-daily": 2, "wire-service": 1}
    assert (facets.reviewed, facets.unreviewed) == (1, 5)
    assert facets.officials["周海涛"] == 1


# ---- search -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("vientiane", ["vientiane"]),
        ("VIENTIANE border police", ["vientiane"]),
        ("Jakarta smuggling", ["copied"]),
        ("曼谷", ["chinese"]),  # two CJK characters: shorter than a trigram
        ("电信诈骗", ["chinese"]),
        ("ハノイを訪問", ["japanese"]),
        ("公安", ["chinese", "japanese"]),
        ("minister 曼谷", []),
        ("100%", ["irrelevant"]),
        ("nonexistentword", []),
    ],
)
def test_search_words_in_titles_and_texts(client: FlaskClient, ids: Sample, words: str, expected: list[str]) -> None:
    found = listed(client, "?label=all&q=" + words.replace(" ", "+").replace("%", "%25"))
    assert sorted(found) == sorted(getattr(ids, name) for name in expected)


NASTY_SEARCHES = [
    "%",
    "_",
    "'",
    '"',
    '"unbalanced',
    "AND (",
    "NEAR(a b",
    "title:*",
    "-",
    "a OR b NOT c",
    "\\",
    "100%_ sure",
    "'; DROP TABLE articles; --",
    "^ * : + { }",
]


@pytest.mark.parametrize("words", NASTY_SEARCHES)
def test_search_syntax_in_the_input_is_plain_text(client: FlaskClient, ids: Sample, words: str) -> None:
    response = client.get("/", query_string={"q": words, "label": "all"})
    assert response.status_code == 200
    assert listed(client, "?label=all") != [], "the table is still there"


def test_search_words_reach_sql_only_as_parameters(app: Flask, client: FlaskClient) -> None:
    statements: list[str] = []
    engine = store_of(app).engine

    def remember(conn, cursor, statement, parameters, context, executemany) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", remember)
    try:
        assert client.get("/", query_string={"q": 'zebra\'marker "quoted" 東京'}).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", remember)
    assert statements, "the search ran queries"
    assert not [s for s in statements if "zebra" in s or "quoted" in s or "東京" in s]


def test_the_index_follows_new_and_changed_texts(sample_db: tuple[str, Sample]) -> None:
    url, ids = sample_db
    with Store.open(url) as store:
        assert store.list_items(ItemFilter(search="Vientiane")) != []
        store.update_extraction(ids.vientiane, {"text": "The minister stayed in Luang Prabang for talks."})
        assert [i.id for i in store.list_items(ItemFilter(search="Prabang"))] == [ids.vientiane]
        assert store.list_items(ItemFilter(search="border police")) == []
        # marks leave the index alone but must not break it
        store.mark_item(ids.vientiane, label="relevant", note="note text")
        assert [i.id for i in store.list_items(ItemFilter(search="Prabang"))] == [ids.vientiane]


def test_the_migration_indexes_rows_stored_before_it(db_url: str) -> None:
    engine = make_engine(db_url)
    migrate.upgrade(engine, "0001")
    engine.dispose()
    with Store.open(db_url, migrate_schema=False) as store:
        saved = store.save_article(
            make_article("http://old.example/1", title="Older item", text="Stored before the index.")
        )
    with Store.open(db_url) as store:  # applies 0002
        assert [i.id for i in store.list_items(ItemFilter(search="before index", include_all=True))] == [
            saved.article_id
        ]
        if store.dialect == "sqlite":
            sql = store.engine.connect().execute(text("SELECT sql FROM sqlite_master WHERE name='articles_fts'"))
            assert "trigram" in sql.scalar_one()
        else:
            indexes = {ix["name"] for ix in inspect(store.engine).get_indexes("articles")}
            assert "ix_articles_fts" in indexes


def test_the_migration_downgrades_cleanly(db_url: str) -> None:
    with Store.open(db_url) as store:
        store.save_article(make_article("http://old.example/1", title="Item", text="Some words here."))
        with store.engine.begin() as connection:
            from alembic import command

            config = migrate._config()
            config.attributes["connection"] = connection
            command.downgrade(config, "0001")
        assert migrate.current_revision(store.engine) == "0001"
        assert store.list_items(ItemFilter(search="words", include_all=True)) != []  # LIKE without an index
        migrate.upgrade(store.engine)
        assert store.list_items(ItemFilter(search="words", include_all=True)) != []


# ---- item page --------------------------------------------------------------------------------


def test_item_page_shows_the_article_its_trip_evidence_copies_and_fetch(client: FlaskClient, ids: Sample) -> None:
    response = client.get(f"/items/{ids.vientiane}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<h1" in html and "talks in" in html
    assert 'href="http://harbour.example/news/vientiane-talks"' in html
    assert "Desk reporter" in html and "harbour-times" in html and "2026-10-19 08:00 UTC" in html
    assert "Minister of Public Security" in html and "VN · Viet Nam" in html
    assert "Lao People" in html
    assert '<mark class="ev ev-destination" title="destination: LA">Vientiane</mark>' in html
    assert '<mark class="ev ev-office" title="office: VN public security">Minister of Public Security</mark>' in html
    assert '<mark class="ev ev-cue" title="cue: visit">arrived in</mark>' in html
    assert "First seen" in html and "Fetched" in html

    copied = client.get(f"/items/{ids.copied}").get_data(as_text=True)
    assert "Also published at" in copied and 'href="http://lotus.example/en/jakarta-reprint"' in copied


def test_item_page_links_to_its_neighbours_in_the_same_filter(client: FlaskClient, ids: Sample) -> None:
    html = client.get(f"/items/{ids.xss}?label=relevant").get_data(as_text=True)
    assert f'href="/items/{ids.vientiane}?label=relevant" data-nav="previous"' in html
    assert f'href="/items/{ids.chinese}?label=relevant" data-nav="next"' in html
    assert 'href="/?label=relevant#item-' in html


def test_unknown_item_is_a_404_page(client: FlaskClient) -> None:
    response = client.get("/items/987654")
    assert response.status_code == 404 and "no item 987654" in response.get_data(as_text=True)


def test_scraped_markup_is_shown_never_run(client: FlaskClient, app: Flask, ids: Sample) -> None:
    response = client.get(f"/items/{ids.xss}")
    html = response.get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert" not in html
    assert "<img" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "said &lt;a href=&#34;javascript:alert(2)&#34;&gt;details&lt;/a&gt;." in html, "shown as text"
    assert not re.search(r"(href|src|action)\s*=\s*[\"']?\s*javascript:", html, re.IGNORECASE)
    assert not re.search(r"<[^>]+\son[a-z]+\s*=", html), "no event-handler attribute in any tag"
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    inbox = client.get("/").get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Interior minister" in inbox and "<script>alert" not in inbox


def test_a_non_http_address_is_never_a_link(app: Flask, client: FlaskClient) -> None:
    title = "Link test"
    item = make_article("javascript:alert(4)", title=title, text="A text.")
    item.classification = {"relevance": "relevant", "evidence": [], "trip": None}
    saved = store_of(app).save_article(item)
    html = client.get(f"/items/{saved.article_id}").get_data(as_text=True)
    assert 'href="javascript' not in html and "javascript:alert(4)" in html


def test_hostile_evidence_records_cannot_break_out(app: Flask, client: FlaskClient) -> None:
    body = "The minister went to Rome."
    hostile = evidence(body, '"><script>alert(5)</script>', "Rome", '" onmouseover="alert(6)')
    item = make_article("http://hostile.example/1", title="Hostile", text=body)
    item.classification = {"relevance": "relevant", "evidence": [hostile, {"kind": "cue", "start": "x"}, "junk"]}
    saved = store_of(app).save_article(item)
    html = client.get(f"/items/{saved.article_id}").get_data(as_text=True)
    assert "<script>alert(5)" not in html and 'onmouseover="alert' not in html
    assert 'class="ev ev-script-alert-5-script"' in html


def test_highlight_escapes_each_segment_and_drops_overlaps() -> None:
    value = "<b>Minister</b> arrived in Hanoi"
    records = [
        evidence(value, "official", "Minister", "x"),
        evidence(value, "cue", "arrived in", "visit"),
        {**evidence(value, "cue", "arrived", "visit")},  # inside the longer span: dropped
        {
            "kind": "destination",
            "field": "text",
            "matched": "Hanoi",
            "start": 0,
            "end": 3,
        },  # stale offsets: found again
        evidence(value, "destination", "Hanoi", "VN", field="title"),  # another field
    ]
    spans = evidence_spans(value, records, "text")
    assert [(s.kind, value[s.start : s.end]) for s in spans] == [
        ("official", "Minister"),
        ("cue", "arrived in"),
        ("destination", "Hanoi"),
    ]
    html = str(highlight(value, spans))
    assert html.startswith('&lt;b&gt;<mark class="ev ev-official"')
    assert html.endswith('<mark class="ev ev-destination" title="destination: Hanoi">Hanoi</mark>')


# ---- marks ------------------------------------------------------------------------------------


def test_a_post_without_the_csrf_token_is_refused(client: FlaskClient, sample_db: tuple[str, Sample]) -> None:
    ids = sample_db[1]
    assert client.post(f"/items/{ids.vientiane}/mark", data={"label": "irrelevant"}).status_code == 403
    client.get("/")  # a session now exists, with its own token
    refused = client.post(f"/items/{ids.vientiane}/mark", data={"label": "irrelevant", "csrf_token": "guess"})
    assert refused.status_code == 403
    assert client.get(f"/items/{ids.vientiane}").get_data(as_text=True).count("Not relevant") >= 1
    other = create_app(sample_db[0], testing=True)
    try:
        stolen = csrf_token(client)  # a token from another session does not work here
        fresh = other.test_client()
        assert (
            fresh.post(f"/items/{ids.vientiane}/mark", data={"label": "irrelevant", "csrf_token": stolen}).status_code
            == 403
        )
    finally:
        close_app(other)


def test_marks_persist_and_survive_reclassification(app: Flask, client: FlaskClient, ids: Sample) -> None:
    token = csrf_token(client)
    response = client.post(
        f"/items/{ids.vientiane}/mark", data={"label": "irrelevant", "csrf_token": token, "next": "/?label=all"}
    )
    assert response.status_code == 303 and response.headers["Location"] == "/?label=all"
    store = store_of(app)
    item = store.get_item(ids.vientiane)
    assert item is not None and item.label == "irrelevant" and item.reviewed, "a label marks the item reviewed"
    store.update_classification(ids.vientiane, {"relevance": "relevant", "score": 9.0, "evidence": [], "trip": None})
    item = store.get_item(ids.vientiane)
    assert item is not None and item.label == "irrelevant" and item.relevance == "relevant"
    assert ids.vientiane not in listed(client)

    client.post(f"/items/{ids.vientiane}/mark", data={"label": "clear", "csrf_token": token})
    assert ids.vientiane in listed(client), "clearing the analyst's label brings the classifier's back"


def test_star_note_and_reviewed_as_json_for_the_page_script(app: Flask, client: FlaskClient, ids: Sample) -> None:
    token = csrf_token(client)
    response = client.post(
        f"/items/{ids.xss}/mark",
        data={"starred": "1", "note": "  <b>call the desk</b>  ", "csrf_token": token},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 200
    assert response.get_json() == {
        "id": ids.xss,
        "label": "relevant",
        "analyst_label": None,
        "classifier_label": "relevant",
        "starred": True,
        "reviewed": False,
        "note": "<b>call the desk</b>",
    }
    assert listed(client, "?starred=1") == [ids.xss, ids.starred]
    html = client.get(f"/items/{ids.xss}").get_data(as_text=True)
    assert "&lt;b&gt;call the desk&lt;/b&gt;" in html
    client.post(f"/items/{ids.xss}/mark", data={"reviewed": "1", "starred": "0", "csrf_token": token})
    item = store_of(app).get_item(ids.xss)
    assert item is not None and item.reviewed and not item.starred


@pytest.mark.parametrize(
    ("data", "status"),
    [({"label": "maybe"}, 400), ({"starred": "yes"}, 400), ({"note": "x" * 10_001}, 400)],
)
def test_bad_marks_are_refused(client: FlaskClient, ids: Sample, data: dict[str, str], status: int) -> None:
    data = {**data, "csrf_token": csrf_token(client)}
    assert client.post(f"/items/{ids.xss}/mark", data=data).status_code == status


def test_marking_an_unknown_item_is_a_404_and_get_is_405(client: FlaskClient) -> None:
    token = csrf_token(client)
    assert client.post("/items/987654/mark", data={"label": "relevant", "csrf_token": token}).status_code == 404
    assert client.post("/items/987654/mark", data={"label": "clear", "csrf_token": token}).status_code == 404
    response = client.get("/items/1/mark")
    assert response.status_code == 405 and "POST" in response.headers["Allow"]


@pytest.mark.parametrize(
    "target", ["//evil.example/x", "https://evil.example/", "/\\evil.example", "javascript:alert(1)"]
)
def test_after_a_mark_only_local_addresses_are_followed(client: FlaskClient, ids: Sample, target: str) -> None:
    data = {"starred": "1", "csrf_token": csrf_token(client), "next": target}
    response = client.post(f"/items/{ids.xss}/mark", data=data)
    assert response.status_code == 303 and response.headers["Location"] == f"/items/{ids.xss}"


# ---- token when not on loopback ---------------------------------------------------------------


@pytest.fixture
def guarded(sqlite_sample: tuple[str, Sample]) -> Iterator[FlaskClient]:
    application = create_app(sqlite_sample[0], token="correct-horse", testing=True)
    yield application.test_client()
    close_app(application)


def test_without_the_token_every_page_is_a_401(guarded: FlaskClient) -> None:
    for path in ("/", "/items/1", "/sources", "/feed.atom", "/export.csv", "/export.jsonl"):
        response = guarded.get(path)
        assert response.status_code == 401, path
        assert "needs its token" in response.get_data(as_text=True)
    assert guarded.get("/?token=wrong").status_code == 401
    assert guarded.get("/", headers={"Authorization": "Bearer wrong"}).status_code == 401
    with guarded.get("/static/style.css") as style:
        assert style.status_code == 200, "the login page may be styled"


def test_a_token_login_sets_a_cookie_and_cleans_the_address(guarded: FlaskClient) -> None:
    response = guarded.get("/?token=correct-horse&label=all")
    assert response.status_code == 303 and response.headers["Location"] == "/?label=all"
    cookie = guarded.get_cookie("tripwatch_token")
    assert cookie is not None and cookie.http_only
    assert guarded.get("/?label=all").status_code == 200


def test_scripts_and_feed_readers_send_the_token_without_cookies(sqlite_sample: tuple[str, Sample]) -> None:
    application = create_app(sqlite_sample[0], token="correct-horse", testing=True)
    try:
        client = application.test_client(use_cookies=False)
        assert client.get("/export.jsonl", headers={"Authorization": "Bearer correct-horse"}).status_code == 200
        feed = client.get("/feed.atom?token=correct-horse&label=relevant")
        assert feed.status_code == 200
        parsed = feedparser.parse(feed.data)
        assert "token=correct-horse" in parsed.feed.links[0].href, "the self link works in a reader"
        # A browser never sends an Authorization header by itself, so a script's POST needs no CSRF token.
        post = client.post(
            f"/items/{sqlite_sample[1].xss}/mark",
            data={"starred": "1"},
            headers={"Authorization": "Bearer correct-horse", "Accept": "application/json"},
        )
        assert post.status_code == 200 and post.get_json()["starred"] is True
        wrong = client.post(
            f"/items/{sqlite_sample[1].xss}/mark", data={"starred": "1"}, headers={"Authorization": "Bearer x"}
        )
        assert wrong.status_code == 401
        cookie_only = application.test_client()
        cookie_only.get("/?token=correct-horse")
        assert cookie_only.post(f"/items/{sqlite_sample[1].xss}/mark", data={"starred": "0"}).status_code == 403
    finally:
        close_app(application)


@pytest.mark.parametrize(
    ("host", "loopback"),
    [("127.0.0.1", True), ("127.8.0.1", True), ("::1", True), ("[::1]", True), ("localhost", True),
     ("0.0.0.0", False), ("::", False), ("192.168.1.5", False), ("example.org", False)],
)  # fmt: skip
def test_loopback_addresses(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_the_server_refuses_other_addresses_without_a_token(sqlite_url: str) -> None:
    with pytest.raises(UnsafeBinding, match="without a token; pass --token or set TRIPWATCH_UI_TOKEN"):
        make_ui_server(sqlite_url, "0.0.0.0", 0)
    server = make_ui_server(sqlite_url, "127.0.0.1", 0)
    try:
        assert server.port > 0
    finally:
        server.server_close()
        close_app(server.app)


# ---- exports and the feed ---------------------------------------------------------------------


def test_csv_export_of_the_current_filter(client: FlaskClient, ids: Sample) -> None:
    response = client.get("/export.csv?country=LA")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="tripwatch-')
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [(int(r["id"]), r["destinations"], r["officials"]) for r in rows] == [
        (ids.vientiane, "LA", "Tran Quoc Minh")
    ]
    everything = list(csv.DictReader(io.StringIO(client.get("/export.csv?label=all").get_data(as_text=True))))
    assert len(everything) == 8


def test_jsonl_export_of_the_current_filter(client: FlaskClient, ids: Sample) -> None:
    response = client.get("/export.jsonl?q=公安")
    records = [json.loads(line) for line in response.get_data(as_text=True).splitlines()]
    assert sorted(r["id"] for r in records) == sorted([ids.chinese, ids.japanese])
    assert {r["language"] for r in records} == {"zh", "ja"} and all(r["trip"]["destinations"] for r in records)


def test_atom_feed_parses_and_lists_the_relevant_items(client: FlaskClient, app: Flask, ids: Sample) -> None:
    response = client.get("/feed.atom?label=relevant")
    assert response.status_code == 200 and response.mimetype == "application/atom+xml"
    feed = feedparser.parse(response.data)
    assert not feed.bozo, feed.get("bozo_exception")
    relevant = store_of(app).list_items(ItemFilter(label="relevant"))
    assert [e.link for e in feed.entries] == [i.url for i in relevant]
    assert [e.id for e in feed.entries] == [i.url for i in relevant]
    by_id = {e.id: e for e in feed.entries}
    chinese = by_id["http://lotus.example/zh/bangkok"]
    assert chinese.title == "公安部部长访问曼谷 商讨打击电信诈骗"
    assert "周海涛 → TH." in chinese.summary
    assert any(link.rel == "related" and link.href.endswith(f"/items/{ids.chinese}") for link in chinese.links)
    assert {t.term for t in chinese.tags} == {"relevant", "destination:TH"}
    assert "tripwatch: relevant" in feed.feed.title
    assert XSS_TITLE.split("</script>")[1].strip() in by_id["http://harbour.example/news/manila"].title


def test_the_feed_survives_characters_xml_cannot_carry(app: Flask, client: FlaskClient) -> None:
    body = "Control \x01 characters \x0b in \x1f a scraped text."
    item = make_article("http://odd.example/1", title="Odd\x08 title", text=body)
    item.classification = trip_classification("relevant", "Odd title", body, None, [], [])
    store_of(app).save_article(item)
    feed = feedparser.parse(client.get("/feed.atom").data)
    assert not feed.bozo
    assert "Odd title" in [e.title for e in feed.entries]


# ---- sources ----------------------------------------------------------------------------------


def test_sources_page_shows_health_and_recent_failures(client: FlaskClient) -> None:
    html = client.get("/sources").get_data(as_text=True)
    broken = html[html.index('id="source-1"') :]
    assert "broken-gazette" in broken and "failing" in broken
    assert "feed answered 404" in broken  # the scheduler's last error
    assert "http://broken.example/feed.xml" in broken and "The feed answered 404 Not Found." in broken
    assert "redirect-loop" in broken and "http-404" in broken
    assert re.search(r"harbour-times</a></td>\s*<td><span class=\"badge status-ok\">ok</span>", html)
    assert "never (scheduler)" in html  # lotus-daily has items but no scheduler run


def test_sources_summary_counts(app: Flask) -> None:
    summary = {s.name: s for s in store_of(app).sources_summary()}
    assert set(summary) == {"broken-gazette", "harbour-times", "lotus-daily", "wire-service"}
    assert summary["broken-gazette"].status == "failing"
    assert summary["broken-gazette"].failure_reasons == {"http-404": 1, "redirect-loop": 1}
    assert (summary["harbour-times"].items, summary["harbour-times"].relevant) == (5, 3)
    assert summary["lotus-daily"].status == "unknown" and summary["lotus-daily"].health is None


# ---- a crawl writing while the UI serves ------------------------------------------------------


def test_the_ui_answers_while_a_crawl_writes(sqlite_sample: tuple[str, Sample]) -> None:
    url, ids = sqlite_sample
    application = create_app(url, testing=True)
    client = application.test_client()
    stop = threading.Event()
    written: list[int] = []
    errors: list[BaseException] = []

    def crawl() -> None:
        try:
            with Store.open(url, migrate_schema=False) as writer:
                for n in range(400):
                    text_ = f"The interior minister visited Hanoi, report {n}, with police officials."
                    cls = trip_classification("relevant", f"Report {n}", text_, ("X", "PH", "Interior"), ["VN"], [])
                    item = make_article(f"http://busy.example/{n}", title=f"Report {n}", text=text_, classification=cls)
                    item.published = T0 + timedelta(minutes=n)
                    written.append(writer.save_article(item).article_id)
                    if n % 20 == 0:
                        writer.update_extraction(written[0], {"text": f"Revised {n} times, minister visited Hanoi."})
        except BaseException as exc:  # the assertion below reports it
            errors.append(exc)
        finally:
            stop.set()

    thread = threading.Thread(target=crawl)
    thread.start()
    statuses: list[int] = []
    try:
        token = csrf_token(client)
        while not stop.is_set() or len(statuses) < 20:
            statuses.append(client.get("/?q=minister+Hanoi").status_code)
            statuses.append(client.get(f"/items/{ids.vientiane}").status_code)
            statuses.append(client.get("/export.jsonl?per_page=10&country=VN").status_code)
            data = {"starred": str(len(statuses) % 2), "csrf_token": token}
            statuses.append(client.post(f"/items/{ids.xss}/mark", data=data).status_code)
    finally:
        thread.join(120)
        close_app(application)
    assert not errors, errors
    assert len(written) == 400
    assert set(statuses) == {200, 303}, statuses
    assert len(statuses) >= 20
