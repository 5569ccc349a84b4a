"""The sample news web: the server's behaviours, and the web's consistency with its gold files."""

from __future__ import annotations

import http.client
import json
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import feedparser
import pycountry
import pytest
import yaml
from lxml import etree, html
from parsel import Selector

from demo import build_sites
from demo.server import FixtureWeb, FixtureWebError

REPO = Path(__file__).resolve().parent.parent
GOLD_DIR = REPO / "tests" / "fixtures" / "gold"
SOURCES = REPO / "demo" / "sources.yaml"
SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}
#: Where the article links of a listing without a `links` selector are (what a reader sees as the stream).
HEURISTIC_LISTING_AREA = "#stream a[href]"


@dataclass(frozen=True)
class Fetched:
    status: int
    headers: dict[str, str]
    body: bytes


def fetch(url: str, headers: dict[str, str] | None = None, method: str = "GET") -> Fetched:
    """One request without following redirects; error statuses are returned, not raised."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=10)
    try:
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        connection.request(method, target or "/", headers=headers or {})
        response = connection.getresponse()
        return Fetched(response.status, dict(response.getheaders()), response.read())
    finally:
        connection.close()


def load_gold() -> list[dict[str, Any]]:
    return [json.loads(path.read_text(encoding="utf-8")) for path in sorted(GOLD_DIR.glob("*/*.json"))]


GOLD = load_gold()
EXPECTATIONS: list[dict[str, Any]] = json.loads((GOLD_DIR / "expectations.json").read_text(encoding="utf-8"))
BOILERPLATE: dict[str, list[str]] = json.loads((GOLD_DIR / "boilerplate.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def web() -> Iterator[FixtureWeb]:
    """A web shared by the tests that only read."""
    with FixtureWeb() as running:
        yield running


@pytest.fixture
def fresh_web() -> Iterator[FixtureWeb]:
    """A web of its own for a test that changes overrides, counters or failure modes."""
    with FixtureWeb() as running:
        yield running


# -- server behaviour ------------------------------------------------------------------


def test_each_outlet_is_its_own_origin(web: FixtureWeb) -> None:
    assert set(web.bases) == {"harbour-times", "mekong-wire", "east-asia-monitor", "lantern-daily", "reposter"}
    ports = {urlsplit(base).port for base in web.bases.values()}
    assert len(ports) == len(web.bases)
    robots = {outlet: fetch(web.url(outlet, "/robots.txt")).body for outlet in web.outlets}
    assert b"Disallow: /private/" in robots["harbour-times"]
    assert b"Disallow: /private/" not in robots["reposter"]


def test_placeholders_are_replaced_with_this_and_other_outlets_bases(web: FixtureWeb) -> None:
    repost = fetch(web.url("reposter", "/2026/10/14/vietnam-public-security-minister-vientiane")).body.decode()
    assert "{BASE" not in repost
    assert f'<link rel="canonical" href="{web.base_url("reposter")}/2026/10/14/' in repost
    assert f'href="{web.base_url("mekong-wire")}/en/2026/10/vietnam-public-security' in repost
    assert web.render("{BASE:lantern-daily}/rss/news.xml") == web.base_url("lantern-daily") + "/rss/news.xml"
    assert web.render("see {BASE}/x", outlet="reposter") == f"see {web.base_url('reposter')}/x"
    with pytest.raises(FixtureWebError):
        web.render("{BASE}/x")


def test_rendered_config_loads_and_points_at_the_running_web(web: FixtureWeb, tmp_path: Path) -> None:
    from config.sources import load_sources

    path = tmp_path / "sources.yaml"
    path.write_text(web.render_config(SOURCES), encoding="utf-8")
    sources = load_sources(path)
    assert {source.name for source in sources} == set(web.outlets)
    for source in sources:
        for url in source.entry_points:
            assert url.startswith(web.base_url(source.name) + "/")
            assert fetch(url).status == 200, url


def test_conditional_get_answers_304_to_a_matching_etag_or_date(web: FixtureWeb) -> None:
    url = web.url("harbour-times", "/rss.xml")
    first = fetch(url)
    assert first.status == 200
    etag, last_modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert fetch(url, {"If-None-Match": etag}).status == 304
    assert fetch(url, {"If-None-Match": '"stale"'}).status == 200
    assert fetch(url, {"If-Modified-Since": last_modified}).status == 304
    assert fetch(url, {"If-Modified-Since": "Mon, 05 Oct 2026 00:00:00 GMT"}).status == 200
    # The validators do not depend on the file's mtime, only on what is served.
    assert fetch(url).headers["ETag"] == etag


def test_override_replaces_a_page_and_moves_its_validators(fresh_web: FixtureWeb) -> None:
    path = "/world/2026/10/home-secretary-rome-smuggling-talks.html"
    url = fresh_web.url("harbour-times", path)
    original = fetch(url)
    fresh_web.set_override("harbour-times", path, b"<html><body><p>Corrected at {BASE}</p></body></html>")
    changed = fetch(url, {"If-None-Match": original.headers["ETag"]})
    assert changed.status == 200
    assert (
        changed.body.decode() == f"<html><body><p>Corrected at {fresh_web.base_url('harbour-times')}</p></body></html>"
    )
    assert fetch(url, {"If-Modified-Since": original.headers["Last-Modified"]}).status == 200
    second = b"<html><body><p>Corrected twice</p></body></html>"
    fresh_web.set_override("harbour-times", path, second)
    assert fetch(url, {"If-Modified-Since": changed.headers["Last-Modified"]}).body == second
    fresh_web.clear_overrides()
    assert fetch(url).body == original.body


def test_flaky_page_fails_twice_then_succeeds(fresh_web: FixtureWeb) -> None:
    url = fresh_web.url("harbour-times", "/world/2026/10/australian-home-affairs-minister-jakarta.html")
    assert [fetch(url).status for _ in range(4)] == [500, 500, 200, 200]
    fresh_web.reset_counters()
    assert fetch(url).status == 500


def test_redirect_chain_ends_at_a_real_article(fresh_web: FixtureWeb) -> None:
    with urllib.request.urlopen(fresh_web.url("mekong-wire", "/go/88412"), timeout=10) as response:
        final_url = response.geturl()
        body = response.read().decode()
    assert final_url == fresh_web.url("mekong-wire", "/en/2026/10/cambodia-interior-minister-bangkok-border.html")
    assert "Chea Rithy" in body
    log = [(r.path, r.status) for r in fresh_web.request_log()]
    assert log == [("/go/88412", 301), ("/news/88412", 302), (urlsplit(final_url).path, 200)]


def test_redirect_loop_never_reaches_a_page(web: FixtureWeb) -> None:
    first = fetch(web.url("reposter", "/2026/10/15/press-conference-video"))
    second = fetch(first.headers["Location"])
    assert (first.status, second.status) == (302, 302)
    assert second.headers["Location"] == web.url("reposter", "/2026/10/15/press-conference-video")


def test_failing_outlet_answers_503_until_switched_back(fresh_web: FixtureWeb) -> None:
    url = fresh_web.url("lantern-daily", "/rss/news.xml")
    fresh_web.set_failing("lantern-daily", True)
    assert fetch(url).status == 503
    assert fetch(fresh_web.url("reposter", "/feed.xml")).status == 200
    fresh_web.set_failing("lantern-daily", False)
    assert fetch(url).status == 200


def test_slow_page_waits_slow_seconds(fresh_web: FixtureWeb) -> None:
    fresh_web.slow_seconds = 0.4
    started = time.monotonic()
    response = fetch(fresh_web.url("harbour-times", "/world/2026/10/live-interior-ministers-meeting.html"))
    assert response.status == 200
    assert time.monotonic() - started >= 0.4


def test_oversized_page_is_generated_at_the_declared_size(web: FixtureWeb) -> None:
    response = fetch(web.url("reposter", "/2026/10/15/committee-hearing-full-transcript"))
    assert response.status == 200
    assert len(response.body) == int(response.headers["Content-Length"]) == build_sites.OVERSIZED_BYTES
    assert response.body.startswith(b"<!DOCTYPE html>") and response.body.endswith(b"</html>")


@pytest.mark.parametrize(
    ("outlet", "path", "status", "content_type"),
    [
        ("harbour-times", "/world/2026/10/police-reform-explainer.html", 404, "text/html; charset=utf-8"),
        ("harbour-times", "/documents/2026/uk-italy-joint-statement.pdf", 200, "application/pdf"),
        ("harbour-times", "/robots.txt", 200, "text/plain; charset=utf-8"),
        ("harbour-times", "/rss.xml", 200, "application/rss+xml; charset=utf-8"),
        ("mekong-wire", "/atom.xml", 200, "application/atom+xml; charset=utf-8"),
        ("mekong-wire", "/news-sitemap.xml", 200, "application/xml"),
        ("east-asia-monitor", "/feed.rss", 200, "application/rss+xml"),
        ("reposter", "/feeds/world.xml", 200, "text/html; charset=utf-8"),
        ("reposter", "/_behaviours.yaml", 404, "text/html; charset=utf-8"),
        ("reposter", "/../harbour-times/robots.txt", 404, "text/html; charset=utf-8"),
    ],
)
def test_status_and_content_type(web: FixtureWeb, outlet: str, path: str, status: int, content_type: str) -> None:
    response = fetch(web.url(outlet, path))
    assert (response.status, response.headers["Content-Type"]) == (status, content_type)


def test_pdf_is_a_small_valid_looking_pdf(web: FixtureWeb) -> None:
    body = fetch(web.url("harbour-times", "/documents/2026/uk-italy-joint-statement.pdf")).body
    assert body.startswith(b"%PDF-1.4") and body.rstrip().endswith(b"%%EOF")
    startxref = int(body.rsplit(b"startxref", 1)[1].split()[0])
    assert body[startxref:].startswith(b"xref")


def test_legacy_page_declares_its_encoding_only_in_a_meta_tag(web: FixtureWeb) -> None:
    gold = next(g for g in GOLD if g["encoding"] != "utf-8")
    response = fetch(web.url(gold["outlet"], gold["path"]))
    assert response.headers["Content-Type"] == "text/html"
    assert b'<meta http-equiv="Content-Type" content="text/html; charset=Shift_JIS">' in response.body
    with pytest.raises(UnicodeDecodeError):
        response.body.decode("utf-8")
    text = response.body.decode("shift_jis")
    assert all(paragraph in text for paragraph in gold["text"].split("\n\n"))


def test_request_log_records_path_headers_and_status(fresh_web: FixtureWeb) -> None:
    fresh_web.clear_log()
    fetch(fresh_web.url("reposter", "/feed.xml?x=1"), {"User-Agent": "tripwatch-test"})
    fetch(fresh_web.url("reposter", "/nothing-here"))
    fetch(fresh_web.url("mekong-wire", "/atom.xml"), method="HEAD")
    assert fresh_web.paths_requested("reposter") == ["/feed.xml?x=1", "/nothing-here"]
    assert fresh_web.paths_requested() == ["/feed.xml?x=1", "/nothing-here", "/atom.xml"]
    first, second, third = fresh_web.request_log()
    assert (first.outlet, first.method, first.status, first.headers["User-Agent"]) == (
        "reposter",
        "GET",
        200,
        "tripwatch-test",
    )
    assert second.status == 404
    assert (third.method, third.status) == ("HEAD", 200)


def test_print_variant_is_served_from_its_own_file(web: FixtureWeb) -> None:
    main = fetch(web.url("reposter", build_sites.RP_SINGAPORE)).body
    printed = fetch(web.url("reposter", build_sites.RP_SINGAPORE + "?print=1")).body
    tracked = fetch(web.url("reposter", build_sites.RP_SINGAPORE + build_sites.TRACKING)).body
    assert b"printer-friendly version" in printed and b"printer-friendly version" not in main
    assert tracked == main


def test_module_entry_point_prints_every_base() -> None:
    with subprocess.Popen(
        [sys.executable, "-m", "demo.server"], cwd=REPO, stdout=subprocess.PIPE, text=True
    ) as process:
        try:
            assert process.stdout is not None
            lines = [process.stdout.readline() for _ in range(5)]
        finally:
            process.terminate()
            process.wait(timeout=10)
    assert sorted(line.split()[0] for line in lines) == sorted(build_sites.OUTLETS)
    assert all(re.search(r"http://127\.0\.0\.1:\d+$", line.strip()) for line in lines)


def test_behaviours_file_with_an_unknown_key_is_rejected(tmp_path: Path) -> None:
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "_behaviours.yaml").write_text("flakey: {/a: 2}\n", encoding="utf-8")
    with pytest.raises(FixtureWebError, match="unknown behaviour 'flakey'"):
        FixtureWeb(tmp_path)


# -- the web and its gold files ----------------------------------------------------------


def test_generated_files_match_a_fresh_build() -> None:
    assert build_sites.differences() == [], "run: python -m demo.build_sites"


def test_gold_files_are_complete_and_well_formed() -> None:
    required = {
        "outlet",
        "path",
        "canonical",
        "story",
        "variant",
        "copy_of",
        "event",
        "title",
        "published",
        "author",
        "language",
        "encoding",
        "relevant",
        "kind",
        "destinations",
        "text",
    }
    for gold in GOLD:
        assert set(gold) == required, gold["path"]
        assert pycountry.languages.get(alpha_2=gold["language"]) is not None
        assert all(pycountry.countries.get(alpha_2=code) for code in gold["destinations"])
        assert bool(gold["destinations"]) == gold["relevant"]
        assert gold["relevant"] or gold["kind"], f"{gold['path']}: a negative names its kind"
        published = gold["published"]
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d", published), published
        paragraphs = gold["text"].split("\n\n")
        assert all(p.strip() == p and p for p in paragraphs), gold["path"]
        assert gold["title"] not in gold["text"]


def test_the_web_has_the_promised_mix() -> None:
    originals = [g for g in GOLD if g["variant"] == "original"]
    copies = [g for g in GOLD if g["variant"] != "original"]
    assert len(originals) >= 30
    assert len({g["story"] for g in GOLD}) == len(originals)
    assert len(copies) >= 10
    assert {g["language"] for g in copies} >= {"en", "vi", "ja", "zh"}
    languages = [g["language"] for g in originals]
    assert all(languages.count(language) >= 2 for language in ("zh", "ja", "vi"))
    relevant = sum(g["relevant"] for g in originals)
    assert 0.4 <= relevant / len(originals) <= 0.6
    for language in ("en", "zh"):
        same_trip = {g["story"] for g in originals if g["event"] and g["language"] == language}
        assert len(same_trip) >= 1
    events: dict[str, set[str]] = {}
    for g in originals:
        if g["event"]:
            events.setdefault(g["event"], set()).add(g["story"])
    assert all(len(stories) >= 2 for stories in events.values())
    for gold in GOLD:
        # Chinese and Japanese words average about one and a half characters.
        words = len(gold["text"].split()) if gold["language"] in ("en", "vi") else int(len(gold["text"]) / 1.5)
        assert 150 <= words <= 600, (gold["path"], words)


def page_text(body: bytes) -> str:
    """All visible text of a page (lxml honours a <meta> charset), whitespace collapsed."""
    tree = html.fromstring(body)
    for node in tree.xpath("//script|//style"):
        node.drop_tree()
    return " ".join(tree.text_content().split())


def fetch_ok(url: str, attempts: int = 4) -> Fetched:
    """GET, retrying 5xx answers as a crawler would (the flaky page needs it)."""
    response = fetch(url)
    for _ in range(attempts - 1):
        if response.status < 500:
            break
        response = fetch(url)
    return response


@pytest.mark.parametrize("gold", GOLD, ids=[f"{g['outlet']}{g['path']}" for g in GOLD])
def test_gold_page_is_served_and_shows_every_gold_paragraph(web: FixtureWeb, gold: dict[str, Any]) -> None:
    response = fetch_ok(web.url(gold["outlet"], gold["path"]))
    assert response.status == 200
    text = page_text(response.body)
    for paragraph in gold["text"].split("\n\n"):
        assert " ".join(paragraph.split()) in text
    assert " ".join(gold["title"].split()) in text
    canonical = html.fromstring(response.body).xpath("//link[@rel='canonical']/@href")
    assert canonical == [web.url(gold["outlet"], gold["canonical"])]


def test_boilerplate_is_on_the_pages_but_never_in_gold_texts(web: FixtureWeb) -> None:
    for outlet, strings in BOILERPLATE.items():
        texts = [g["text"] for g in GOLD if g["outlet"] == outlet]
        pages = " ".join(page_text(fetch_ok(web.url(outlet, g["path"])).body) for g in GOLD if g["outlet"] == outlet)
        for string in strings:
            assert not any(string in text for text in texts), f"{outlet}: {string!r} is in a gold text"
            assert " ".join(string.split()) in pages, f"{outlet}: {string!r} is on none of its pages"


def feed_links(web: FixtureWeb, outlet: str, url: str) -> list[str]:
    parsed = feedparser.parse(fetch(url).body)
    links = []
    for entry in parsed.entries:
        links.append(entry.link)
        if entry.get("comments"):
            links.append(entry.comments)
    return links


def sitemap_links(url: str) -> list[str]:
    root = etree.fromstring(fetch(url).body)
    if root.tag.endswith("sitemapindex"):
        return [
            link
            for loc in root.xpath("//sm:sitemap/sm:loc/text()", namespaces=SITEMAP_NS)
            for link in sitemap_links(loc)
        ]
    return list(root.xpath("//sm:url/sm:loc/text()", namespaces=SITEMAP_NS))


def listing_links(listing: dict[str, Any]) -> list[str]:
    links: list[str] = []
    url: str | None = listing["url"]
    for _ in range(listing.get("max_pages", 1)):
        if url is None:
            break
        selector = Selector(text=fetch(url).body.decode("utf-8"))
        hrefs = selector.css(
            f"{listing['links']}::attr(href)"
            if listing.get("links")
            else HEURISTIC_LISTING_AREA.replace("a[href]", "a::attr(href)")
        ).getall()
        links += [urljoin(url, href) for href in hrefs]
        following = selector.css(f"{listing['next']}::attr(href)").get() if listing.get("next") else None
        url = urljoin(url, following) if following else None
    return links


def all_linked_urls(web: FixtureWeb, tmp_path: Path) -> dict[str, list[str]]:
    config = yaml.safe_load(web.render_config(SOURCES))
    linked: dict[str, list[str]] = {}
    for source in config["sources"]:
        urls = []
        for feed in source.get("feeds", []):
            urls += feed_links(web, source["name"], feed)
        for sitemap in source.get("sitemaps", []):
            urls += sitemap_links(sitemap)
        for listing in source.get("listings", []):
            urls += listing_links(listing)
        linked[source["name"]] = urls
    return linked


def test_every_linked_url_has_a_gold_file_or_an_expectation(web: FixtureWeb, tmp_path: Path) -> None:
    gold_paths = {(g["outlet"], g["path"]) for g in GOLD}
    expected = {(e["outlet"], e["path"]) for e in EXPECTATIONS}
    origins = {base: outlet for outlet, base in web.bases.items()}
    reached: set[tuple[str, str]] = set()
    for source, urls in all_linked_urls(web, tmp_path).items():
        assert urls, f"{source} links to nothing"
        for url in urls:
            parts = urlsplit(url)
            outlet = origins[f"{parts.scheme}://{parts.netloc}"]
            assert outlet == source, f"{source} links to another outlet: {url}"
            path = (
                parts.path
                + (f"?{parts.query}" if parts.query else "")
                + (f"#{parts.fragment}" if parts.fragment else "")
            )
            assert (outlet, path) in gold_paths | expected, f"{url} has neither a gold file nor an expectation"
            reached.add((outlet, path))
    # Every expectation that names a linked URL is really linked (feeds are entry points).
    for entry in EXPECTATIONS:
        if entry["kind"] != "feed":
            assert (entry["outlet"], entry["path"]) in reached, entry
    # Every article page is reachable from some entry point, directly or through a URL variant.
    via_variant = {e["gold"] for e in EXPECTATIONS if e["kind"] == "url-variant"}
    unreached = {
        f"{g['outlet']}/{g['path']}"
        for g in GOLD
        if (g["outlet"], g["path"]) not in reached and not any(GOLD_DIR / name == gold_file(g) for name in via_variant)
    }
    assert unreached == set()


def gold_file(gold: dict[str, Any]) -> Path:
    return next(
        path
        for path in GOLD_DIR.glob(f"{gold['outlet']}/*.json")
        if json.loads(path.read_text(encoding="utf-8"))["path"] == gold["path"]
    )


def test_expectations_point_at_gold_files_and_real_behaviours(web: FixtureWeb) -> None:
    reasons = {e["reason"] for e in EXPECTATIONS if e["kind"] == "failure"}
    assert reasons == {"http-404", "robots", "not-html", "timeout", "redirect-loop", "too-large"}
    for entry in EXPECTATIONS:
        if "gold" in entry:
            assert (GOLD_DIR / entry["gold"]).is_file(), entry
    robots = next(e for e in EXPECTATIONS if e["reason"] == "robots")
    disallowed = fetch(web.url(robots["outlet"], "/robots.txt")).body.decode()
    assert f"Disallow: /{robots['path'].strip('/').split('/')[0]}/" in disallowed
    assert robots["never_requested"] is True
    bozo = next(e for e in EXPECTATIONS if e["reason"] == "bozo")
    parsed = feedparser.parse(fetch(web.url(bozo["outlet"], bozo["path"])).body)
    assert parsed.bozo and len(parsed.entries) == bozo["entries"] > 0
    broken = next(e for e in EXPECTATIONS if e["reason"] == "no-entries")
    parsed = feedparser.parse(fetch(web.url(broken["outlet"], broken["path"])).body)
    assert parsed.bozo and parsed.entries == []


def test_copies_share_their_story_and_different_stories_of_one_trip_do_not() -> None:
    by_story: dict[str, list[dict[str, Any]]] = {}
    for gold in GOLD:
        by_story.setdefault(gold["story"], []).append(gold)
    for story, pages in by_story.items():
        originals = [p for p in pages if p["variant"] == "original"]
        assert len(originals) == 1, story
        for page in pages:
            if page["variant"] in ("exact-copy", "amp", "print"):
                assert page["text"] == originals[0]["text"], page["path"]
            elif page["variant"] == "repost":
                assert page["text"].endswith("\n\nSource link: " + page["text"].rsplit("Source link: ", 1)[1])
    repost = next(g for g in GOLD if g["variant"] == "repost")
    assert repost["copy_of"] is not None


def test_xss_page_carries_script_handlers_and_javascript_links(web: FixtureWeb) -> None:
    gold = next(g for g in GOLD if "<script>" in g["title"])
    body = fetch(web.url(gold["outlet"], gold["path"])).body.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert 'onerror="alert(2)"' in body
    assert 'href="javascript:alert(3)"' in body
    # The crafted title is text, not markup: only the page's own scripts are <script> elements.
    assert html.fromstring(body).xpath("//script[contains(., 'alert')]") == []


def test_non_article_pages_are_not_linked_from_entry_points(web: FixtureWeb, tmp_path: Path) -> None:
    linked = {urlsplit(url).path for urls in all_linked_urls(web, tmp_path).values() for url in urls}
    for outlet, path in [("harbour-times", "/sport/"), ("harbour-times", "/about.html"), ("reposter", "/about/")]:
        assert fetch(web.url(outlet, path)).status == 200
        assert path not in linked


def test_behaviours_of_a_small_site(tmp_path: Path) -> None:
    site = tmp_path / "tiny"
    (site / "docs").mkdir(parents=True)
    (site / "index.html").write_text("<a href='{BASE}/docs/a.txt'>{BASE:other}</a>", encoding="utf-8")
    (site / "docs" / "a.txt").write_text("plain {BASE}", encoding="utf-8")
    (site / "docs" / "a-print.html").write_text("printable", encoding="utf-8")
    (site / "_behaviours.yaml").write_text(
        "status: {/gone: 410}\n"
        "content_type: {/docs/a.txt: text/csv}\n"
        "files: {'/docs/a?print=1': docs/a-print.html}\n"
        "oversized: {/big: 1000}\n"
        "last_modified: '2026-01-02T03:04:05+00:00'\n",
        encoding="utf-8",
    )
    with FixtureWeb(tmp_path) as tiny:
        base = tiny.base_url("tiny")
        assert fetch(base + "/gone").status == 410
        text = fetch(base + "/docs/a.txt")
        assert (text.headers["Content-Type"], text.body) == ("text/csv", f"plain {base}".encode())
        assert text.headers["Last-Modified"] == "Fri, 02 Jan 2026 03:04:05 GMT"
        assert fetch(base + "/docs/a?print=1").body == b"printable"
        assert len(fetch(base + "/big").body) == 1000
        # The index names an outlet this web does not serve: a 500, not a dropped connection.
        assert fetch(base + "/").status == 500
    with pytest.raises(FixtureWebError, match="no folder"):
        FixtureWeb(tmp_path, outlets=["absent"])
