"""Feeds and sitemaps from bytes: every RSS flavour and Atom, relative links, ill-formed input."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from crawler.feedparse import FeedParseError, parse_feed, parse_sitemap

BASE = "https://news.example/feeds/world.xml"

RSS_091 = b"""<?xml version="1.0"?><rss version="0.91"><channel><title>T</title><link>https://news.example/</link>
<item><title>Minister visits Laos</title><link>https://news.example/a/1</link><description>Talks in Vientiane.</description></item>
</channel></rss>"""

RSS_10 = b"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
 xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel rdf:about="https://news.example/"><title>T</title><link>https://news.example/</link><description>d</description></channel>
<item rdf:about="https://news.example/a/1"><title>Minister visits Laos</title><link>https://news.example/a/1</link>
<dc:date>2026-10-14T09:30:00+07:00</dc:date><dc:creator>Le Van An</dc:creator></item>
</rdf:RDF>"""

RSS_20 = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><link>https://news.example/</link>
<language>vi-VN</language>
<item><title>Minister visits Laos</title><link>/a/1?utm_source=rss</link>
<pubDate>Tue, 14 Oct 2026 02:30:00 GMT</pubDate><author>desk@news.example (Le Van An)</author>
<description>Talks in Vientiane.</description></item>
<item><title>No link at all</title></item>
</channel></rss>"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://news.example/">
<title>T</title><id>tag:news.example,2026:feed</id><updated>2026-10-15T00:00:00Z</updated>
<entry><title>Minister visits Laos</title><id>tag:news.example,2026:1</id><link rel="alternate" href="a/1"/>
<published>2026-10-14T09:30:00+07:00</published><updated>2026-10-15T08:00:00+07:00</updated>
<author><name>Le Van An</name></author><summary>Talks.</summary></entry></feed>"""


@pytest.mark.parametrize("body", [RSS_091, RSS_10, RSS_20, ATOM], ids=["rss-0.91", "rss-1.0", "rss-2.0", "atom"])
def test_every_flavour_gives_the_entry_with_an_absolute_link(body: bytes) -> None:
    feed = parse_feed(body, BASE)
    assert [e.title for e in feed.entries] == ["Minister visits Laos"]
    assert feed.entries[0].url.startswith("https://news.example/a/1")
    assert feed.warning is None


def test_dates_authors_and_language() -> None:
    rss = parse_feed(RSS_20, BASE).entries[0]
    assert rss.published == datetime(2026, 10, 14, 2, 30, tzinfo=UTC)
    assert rss.updated is None, "an entry with no update date is not 'updated'"
    assert rss.language == "vi"
    atom = parse_feed(ATOM, BASE).entries[0]
    assert atom.published == datetime(2026, 10, 14, 2, 30, tzinfo=UTC)
    assert atom.updated == datetime(2026, 10, 15, 1, 0, tzinfo=UTC)
    assert atom.author == "Le Van An"


def test_an_ill_formed_feed_that_still_parses_is_used_with_a_warning() -> None:
    broken = RSS_20.replace(b"<title>T</title>", b"<title>T & Co</title>")
    feed = parse_feed(broken, BASE)
    assert feed.warning is not None and [e.title for e in feed.entries] == ["Minister visits Laos"]


@pytest.mark.parametrize(
    "body",
    [
        b"<html><body><h1>502 Bad Gateway</h1></body></html>",
        b"\x00\x01\x02binary",
        b"",
        b"<rss><channel><item><title>cut",
    ],
)
def test_what_is_not_a_feed_is_a_parse_error(body: bytes) -> None:
    with pytest.raises(FeedParseError):
        parse_feed(body, BASE)


NEWS_SITEMAP = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
<url><loc>https://news.example/a/1</loc><lastmod>2026-10-15T08:00:00+07:00</lastmod>
<news:news><news:publication><news:name>News</news:name><news:language>vi</news:language></news:publication>
<news:publication_date>2026-10-14T09:30:00+07:00</news:publication_date><news:title>Minister visits Laos</news:title></news:news></url>
<url><loc>https://news.example/a/2</loc></url>
</urlset>"""

INDEX = b"""<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>/sitemaps/news-1.xml</loc></sitemap><sitemap><loc>https://news.example/sitemaps/news-2.xml</loc></sitemap>
</sitemapindex>"""


def test_news_sitemap_reads_publication_date_title_and_lastmod() -> None:
    first, second = parse_sitemap(NEWS_SITEMAP, "https://news.example/news-sitemap.xml").entries
    assert first.url == "https://news.example/a/1" and first.title == "Minister visits Laos"
    assert first.published == datetime(2026, 10, 14, 2, 30, tzinfo=UTC)
    assert first.updated == datetime(2026, 10, 15, 1, 0, tzinfo=UTC)
    assert first.language == "vi"
    assert second.url == "https://news.example/a/2" and second.published is None


def test_sitemap_index_lists_child_sitemaps_absolute() -> None:
    parsed = parse_sitemap(INDEX, "https://news.example/sitemap_index.xml")
    assert parsed.sitemaps == ["https://news.example/sitemaps/news-1.xml", "https://news.example/sitemaps/news-2.xml"]
    assert parsed.entries == []


@pytest.mark.parametrize("body", [b"<html><body>not found</body></html>", b"", b"<?xml version='1.0'?><feed/>"])
def test_what_is_not_a_sitemap_is_a_parse_error(body: bytes) -> None:
    with pytest.raises(FeedParseError):
        parse_sitemap(body, "https://news.example/sitemap.xml")


def test_entity_expansion_is_not_followed() -> None:
    bomb = b"""<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>https://news.example/&b;</loc></url></urlset>"""
    entries = parse_sitemap(bomb, "https://news.example/sitemap.xml").entries
    assert all("aaaaaaaaaa" not in e.url for e in entries)
