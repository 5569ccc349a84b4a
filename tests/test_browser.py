"""End to end in Debian's chromium (Playwright, sync API): the review UI over a real crawl of the fixture web.

The database comes from `tripwatch demo` (the `crawled_db` fixture); the UI runs in a thread on
127.0.0.1. The run saves docs/screenshots/inbox.png and docs/screenshots/item.png for the README.
"""

from __future__ import annotations

import csv
import io
import json
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import feedparser
import pytest
from playwright.sync_api import expect

from review.app import close_app, make_ui_server
from storage.repository import ItemFilter, Store, StoredArticle
from tests.conftest_review import (
    REPO,
    chromium_path,
    crawled_db_fixture,  # noqa: F401  (the fixture `crawled_db`)
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SCREENSHOTS = REPO / "docs" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    executable = chromium_path()
    if executable is None:
        pytest.skip("chromium is not installed (scripts/install-browser.sh installs Debian's); browser tests skipped")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="session")
def base_url(crawled_db: str) -> Iterator[str]:
    """The review UI over the crawled database, served by the same server `tripwatch serve` uses."""
    server = make_ui_server(crawled_db, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.port}"
    server.shutdown()
    server.server_close()
    close_app(server.app)  # type: ignore[arg-type]


@pytest.fixture
def store(crawled_db: str) -> Iterator[Store]:
    with Store.open(crawled_db, migrate_schema=False) as opened:
        yield opened


@pytest.fixture
def page(browser: Any, base_url: str) -> Iterator[Any]:
    """A new browser page; any script error, console error or dialog fails the test."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=base_url, accept_downloads=True)
    opened = context.new_page()
    problems: list[str] = []
    opened.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    opened.on("pageerror", lambda error: problems.append(str(error)))

    def on_dialog(dialog: Any) -> None:
        problems.append(f"a dialog opened: {dialog.message}")
        dialog.dismiss()

    opened.on("dialog", on_dialog)
    yield opened
    context.close()
    assert problems == []


def row_ids(page: Any) -> list[int]:
    return [int(i) for i in page.locator("[data-item]").evaluate_all("rows => rows.map(r => r.dataset.item)")]


def fresh(store: Store, item_id: int) -> StoredArticle:
    item = store.get_item(item_id)
    assert item is not None
    return item


def test_inbox_lists_filters_and_searches(page: Any, store: Store) -> None:
    page.goto("/")
    default = ItemFilter()
    assert row_ids(page) == [i.id for i in store.list_items(default, limit=50)]
    assert page.locator("#total").inner_text() == str(store.count_items(default))
    assert "j" in page.locator("#keys").inner_text() and "not relevant" in page.locator("#keys").inner_text()
    page.keyboard.press("j")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "inbox.png"))

    # filter: the most frequent destination, chosen in the sidebar
    country = next(iter(store.facets(default).countries))
    page.select_option("select[name=country]", country)
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url(re.compile(rf"country={country}"))
    assert row_ids(page) == [i.id for i in store.list_items(ItemFilter(country=country))]

    # search: a word of the first relevant item's title, typed in the search box
    target = store.list_items(ItemFilter(label="relevant"), limit=1)[0]
    word = max(re.findall(r"\w+", target.title or ""), key=len)
    page.goto("/")
    page.keyboard.press("/")
    page.keyboard.type(word)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"[?&]q="))
    assert target.id in row_ids(page)
    assert row_ids(page) == [i.id for i in store.list_items(ItemFilter(search=word))]


def test_open_an_item_and_mark_it_with_the_mouse(page: Any, store: Store) -> None:
    target = next(i for i in store.list_items(ItemFilter(label="relevant"), limit=50) if i.evidence and i.trip)
    page.goto("/?per_page=200")
    page.locator(f"#item-{target.id} a.item-title").click()
    page.wait_for_url(re.compile(rf"/items/{target.id}\b"))
    assert page.locator("h1").inner_text().strip() == (target.title or "").strip()
    assert page.locator("mark.ev").count() > 0, "the evidence is highlighted"
    assert page.locator("a.original").get_attribute("href") == target.url
    page.set_viewport_size({"width": 1280, "height": 1400})
    page.screenshot(path=str(SCREENSHOTS / "item.png"))
    page.set_viewport_size({"width": 1280, "height": 900})

    page.locator("form.triage button[value=irrelevant]").click()
    expect(page.locator("#status")).to_have_text("Marked not relevant")
    assert page.locator("[data-role=label]").first.text_content().strip() == "irrelevant ✓"
    assert fresh(store, target.id).analyst_label == "irrelevant"

    page.locator("form.triage button.btn-star").click()
    expect(page.locator("#status")).to_have_text("Starred")
    page.fill("textarea[name=note]", "Check the dates with the ministry's release.")
    page.get_by_role("button", name="Save note").click()
    expect(page.locator("#status")).to_have_text("Note saved")
    item = fresh(store, target.id)
    assert item.starred and item.reviewed and item.note == "Check the dates with the ministry's release."

    page.reload()
    assert page.locator("[data-role=label]").first.text_content().strip() == "irrelevant ✓"
    assert page.locator("form.triage button.btn-star").get_attribute("aria-pressed") == "true"


def test_triage_with_the_keyboard(page: Any, store: Store) -> None:
    page.goto("/?label=all&status=unreviewed")
    first, second, third = row_ids(page)[:3]
    page.keyboard.press("j")
    page.keyboard.press("j")
    assert page.locator(".item-row.selected").get_attribute("data-item") == str(second)
    page.keyboard.press("r")
    expect(page.locator("#status")).to_have_text("Marked relevant")
    page.keyboard.press("s")
    expect(page.locator("#status")).to_have_text("Starred")
    page.keyboard.press("k")
    page.keyboard.press("x")
    expect(page.locator("#status")).to_have_text("Marked not relevant")
    marked, starred = fresh(store, first), fresh(store, second)
    assert (marked.analyst_label, marked.reviewed) == ("irrelevant", True)
    assert (starred.analyst_label, starred.starred, starred.reviewed) == ("relevant", True, True)

    # o opens the selected item; on its page j goes on to the next unreviewed item, e marks it, u goes back
    page.keyboard.press("j")
    page.keyboard.press("j")
    page.keyboard.press("o")
    page.wait_for_url(re.compile(rf"/items/{third}\?label=all&status=unreviewed"))
    following = store.neighbours(ItemFilter(reviewed=False, include_all=True), third)[1]
    assert following is not None
    page.keyboard.press("j")
    page.wait_for_url(re.compile(rf"/items/{following}\?label=all&status=unreviewed"))
    page.keyboard.press("e")
    expect(page.locator("#status")).to_have_text("Marked reviewed")
    assert fresh(store, following).reviewed
    page.keyboard.press("u")
    page.wait_for_url(re.compile(rf"/\?label=all&status=unreviewed#item-{following}"))


def test_exports_of_the_current_filter(page: Any, store: Store, tmp_path: Path) -> None:
    page.goto("/?label=all")
    with page.expect_download() as csv_download:
        page.get_by_role("link", name="CSV").click()
    rows = list(csv.DictReader(io.StringIO(Path(csv_download.value.path()).read_text(encoding="utf-8"))))
    everything = list(store.iter_items(ItemFilter(include_all=True)))
    assert [int(r["id"]) for r in rows] == [i.id for i in everything]

    with page.expect_download() as jsonl_download:
        page.get_by_role("link", name="JSONL").click()
    lines = Path(jsonl_download.value.path()).read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["id"] for line in lines] == [i.id for i in everything]

    page.goto("/")
    feed_url = page.locator("a.feed").get_attribute("href")
    answer = page.request.get(feed_url)
    assert answer.ok and answer.headers["content-type"].startswith("application/atom+xml")
    feed = feedparser.parse(answer.body())
    assert not feed.bozo, feed.get("bozo_exception")
    relevant = [i.url for i in store.list_items(ItemFilter(label="relevant"), limit=None)]
    assert relevant and set(relevant) <= {e.link for e in feed.entries}


def test_scraped_scripts_never_run(page: Any, store: Store) -> None:
    hostile = [i for i in store.list_items(ItemFilter(include_all=True), limit=None) if "<script" in (i.title or "")]
    assert hostile, "the fixture web has an article with a <script> in its title"
    item = hostile[0]
    page.goto("/?label=all&per_page=200")
    assert item.id in row_ids(page)
    page.goto(f"/items/{item.id}")
    assert "<script>" in page.locator("h1").inner_text()
    assert page.locator("main script").count() == 0
    assert page.locator('a[href^="javascript:" i]').count() == 0
    assert page.evaluate("window.__pwned === undefined")
