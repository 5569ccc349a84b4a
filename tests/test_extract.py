"""extract_article on small pages written for these tests: body kept, clutter dropped, metadata read."""

from __future__ import annotations

import json
import multiprocessing
import os
import pickle
import time
import unicodedata
from pathlib import Path

import pytest
import trafilatura
from trafilatura.utils import load_html

from pipelines.dedup import content_hash, similarity, text_signature
from pipelines.extract import (
    ExtractOptions,
    ExtractPipeline,
    PageJob,
    article_text,
    extract_article,
    normalise_language,
    page_metadata,
    process_page,
)
from storage.compression import decompress_html

URL = "https://gazette.example/world/2024/05/14/minister-lisbon?utm_source=feed"

BODY = [
    "The interior minister arrived in Lisbon on Tuesday for two days of talks with her "
    "Portuguese counterpart on coastal patrols and the exchange of passenger records.",
    "Officials travelling with the minister said a joint statement on maritime surveillance "
    "could be signed before she flies back on Thursday evening.",
    "The visit is the first by a member of the cabinet to Portugal since the spring elections, "
    "and opposition deputies have asked for the agenda to be published in full.",
    "A spokesperson for the ministry declined to say whether the minister would also meet the "
    "head of the Portuguese police intelligence service during her stay.",
]

CLUTTER = [
    "We use cookies to improve your reading experience",
    "Accept all cookies",
    "Front page",
    "Sport pages",
    "Related coverage",
    "Ports brace for the summer season rush",
    "Coast guard buys three new patrol boats",
    "Ferries wait at the quay near the old customs house",
    "Leave a comment",
    "Your message to the editors",
    "Post comment",
    "All rights reserved worldwide",
]

ARTICLE_PAGE = f"""<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<title>Interior minister lands in Lisbon for border talks | The Harbour Gazette</title>
<meta name="author" content="Mara Quillfeather">
<meta name="description" content="The interior minister began a two-day visit to Portugal.">
<meta property="og:site_name" content="The Harbour Gazette">
<meta property="og:image" content="https://gazette.example/img/lisbon.jpg">
<meta property="article:published_time" content="2024-05-14T07:45:00+02:00">
<link rel="canonical" href="/world/2024/05/14/minister-lisbon">
</head>
<body>
<div class="cookie-banner" id="cookie-consent">
  <p>We use cookies to improve your reading experience. Accept all cookies or choose.</p>
  <button>Accept all</button>
</div>
<header><nav><ul>
  <li><a href="/">Front page</a></li><li><a href="/world">World desk</a></li>
  <li><a href="/sport">Sport pages</a></li>
</ul></nav></header>
<main>
<article>
<h1>Interior minister lands in Lisbon for border talks</h1>
<p>{BODY[0]}</p>
<figure><img src="/img/lisbon.jpg" alt="">
  <figcaption>Ferries wait at the quay near the old customs house.</figcaption></figure>
<p>{BODY[1]}</p>
<aside class="related"><h3>Related coverage</h3><ul>
  <li><a href="/a">Ports brace for the summer season rush</a></li>
  <li><a href="/b">Coast guard buys three new patrol boats</a></li>
</ul></aside>
<p>{BODY[2]}</p>
<p>{BODY[3]}</p>
</article>
<section id="comments"><h2>Leave a comment</h2>
<form action="/comment" method="post">
  <label>Your name</label><input name="n">
  <label>Your message to the editors</label><textarea name="m"></textarea>
  <button>Post comment</button>
</form></section>
</main>
<footer><p>Copyright The Harbour Gazette. All rights reserved worldwide.</p></footer>
</body>
</html>"""


def page(head: str, body: str, html_attributes: str = "") -> bytes:
    """A minimal UTF-8 article page around the given head markup and article body."""
    return (
        f"<!DOCTYPE html><html{html_attributes}><head><meta charset='utf-8'>{head}</head>"
        f"<body><article>{body}</article></body></html>"
    ).encode()


PARAGRAPHS = "".join(f"<p>{paragraph}</p>" for paragraph in BODY[:2])


@pytest.fixture(scope="module")
def article() -> dict[str, object]:
    result = extract_article(ARTICLE_PAGE.encode(), URL, ExtractOptions())
    assert result is not None
    return result


def test_body_paragraphs_are_kept_one_per_line(article: dict[str, object]) -> None:
    lines = str(article["text"]).split("\n")
    for paragraph in BODY:
        assert paragraph in lines
    assert "" not in lines


@pytest.mark.parametrize("clutter", CLUTTER)
def test_clutter_around_and_inside_the_article_is_dropped(article: dict[str, object], clutter: str) -> None:
    assert clutter not in str(article["text"])


def test_metadata(article: dict[str, object]) -> None:
    assert {key: value for key, value in article.items() if key != "text"} == {
        "title": "Interior minister lands in Lisbon for border talks",
        "author": "Mara Quillfeather",
        "published": "2024-05-14T07:45:00+02:00",
        "language": "en",
        "sitename": "The Harbour Gazette",
        "description": "The interior minister began a two-day visit to Portugal.",
        "canonical": "https://gazette.example/world/2024/05/14/minister-lisbon",
        "amphtml": None,
        "image": "https://gazette.example/img/lisbon.jpg",
    }


def test_result_is_plain_data_for_a_process_pool(article: dict[str, object]) -> None:
    assert pickle.loads(pickle.dumps(article)) == article
    assert json.loads(json.dumps(article)) == article
    assert pickle.loads(pickle.dumps(ExtractOptions(fast=False))) == ExtractOptions(fast=False)


@pytest.mark.parametrize(
    "html",
    [b"", b"  \n ", b"<html><head><title>Nothing</title></head><body></body></html>"],
    ids=["no bytes", "whitespace", "empty body"],
)
def test_a_page_without_text_gives_none(html: bytes) -> None:
    assert extract_article(html, URL, ExtractOptions()) is None


# Body lines as bare <span>s in a <div>: trafilatura's fast mode finds nothing here, while its
# fallback extractors (full mode) find the story.
SPAN_LINES_PAGE = (
    "<html><head><title>Minister lands in Lisbon</title></head><body>"
    '<div class="menu"><ul>' + "".join(f'<li><a href="/s/{n}">Section {n}</a></li>' for n in range(10)) + "</ul></div>"
    '<div class="txt">' + "".join(f"<span>{line}</span><br/>" for line in BODY * 3) + "</div>"
    '<div class="footer">All rights reserved worldwide</div></body></html>'
).encode()


def test_fast_mode_retries_a_short_result_in_full_mode() -> None:
    fast_only = extract_article(SPAN_LINES_PAGE, URL, ExtractOptions(fast=True, full_retry_below=0))
    full = extract_article(SPAN_LINES_PAGE, URL, ExtractOptions(fast=False))
    retried = extract_article(SPAN_LINES_PAGE, URL, ExtractOptions(fast=True, full_retry_below=1000))
    assert fast_only is None
    assert full is not None
    assert retried == full
    assert BODY[0] in str(full["text"])


def test_a_long_enough_fast_result_is_kept() -> None:
    options = ExtractOptions(fast=True, full_retry_below=1000)
    assert options.retries_in_full("x" * 999)
    assert not options.retries_in_full("x" * 1000)
    assert not ExtractOptions(fast=False, full_retry_below=1000).retries_in_full("")
    assert not ExtractOptions(fast=True, full_retry_below=0).retries_in_full("")


def test_reader_comments_only_when_asked() -> None:
    comment = "Reader Otto wrote that the statement should have named every official at the talks."
    html = (
        f"<html><body><article>{PARAGRAPHS}</article>"
        f'<div class="comments" id="comments"><div class="comment"><p>{comment}</p></div></div>'
        "</body></html>"
    ).encode()
    without = extract_article(html, URL, ExtractOptions(include_comments=False))
    with_comments = extract_article(html, URL, ExtractOptions(include_comments=True))
    assert without is not None
    assert with_comments is not None
    assert without["text"] == "\n".join(BODY[:2])
    assert with_comments["text"] == "\n".join([*BODY[:2], comment])


@pytest.mark.parametrize(
    ("head", "body", "expected"),
    [
        pytest.param(
            '<script type="application/ld+json">{"@context": "https://schema.org", "@graph": ['
            '{"@type": "WebPage", "name": "Lisbon"},'
            '{"@type": "NewsArticle", "datePublished": "2024-05-14T05:45:00Z"}]}</script>',
            PARAGRAPHS,
            "2024-05-14T05:45:00+00:00",
            id="json-ld graph",
        ),
        pytest.param(
            "",
            f'<p>Published <time datetime="2024-05-14T07:45:00+0200">14 May</time></p>{PARAGRAPHS}',
            "2024-05-14T07:45:00+02:00",
            id="time inside the article",
        ),
        pytest.param(
            '<script type="application/ld+json">{"datePublished": </script>'
            '<meta property="article:published_time" content="2024-05-14">',
            PARAGRAPHS,
            "2024-05-14",
            id="date only, broken json-ld",
        ),
        pytest.param(
            '<meta property="article:published_time" content="2024-05-14T07:45:00">',
            PARAGRAPHS,
            "2024-05-14",
            id="time without zone",
        ),
    ],
)
def test_published_prefers_a_full_timestamp_with_its_zone(head: str, body: str, expected: str) -> None:
    result = extract_article(page(head, body), URL, ExtractOptions())
    assert result is not None
    assert result["published"] == expected


def test_canonical_falls_back_to_og_url_and_may_name_another_site() -> None:
    head = '<meta property="og:url" content="https://wire.example/stories/8812">'
    result = extract_article(page(head, PARAGRAPHS), URL, ExtractOptions())
    assert result is not None
    assert result["canonical"] == "https://wire.example/stories/8812"


def test_no_canonical_is_none_not_the_fetched_url() -> None:
    result = extract_article(page("", PARAGRAPHS), URL, ExtractOptions())
    assert result is not None
    assert result["canonical"] is None


@pytest.mark.parametrize(
    ("html_attributes", "head", "expected"),
    [
        (' lang="pt-BR"', "", "pt"),
        (' xml:lang="de"', "", "de"),
        ("", '<meta property="og:locale" content="fr_FR">', "fr"),
        ("", "", None),
    ],
)
def test_language_comes_from_the_markup(html_attributes: str, head: str, expected: str | None) -> None:
    result = extract_article(page(head, PARAGRAPHS, html_attributes), URL, ExtractOptions())
    assert result is not None
    assert result["language"] == expected


@pytest.mark.parametrize(
    ("tag", "expected"),
    [
        ("en-GB", "en"),
        ("EN_us", "en"),
        ("zh-Hans-CN", "zh"),
        ("eng", "en"),
        ("fre", "fr"),
        ("iw", "he"),
        ("fil", None),
        ("xx", None),
        ("", None),
        ("*", None),
        (None, None),
    ],
)
def test_normalise_language(tag: str | None, expected: str | None) -> None:
    assert normalise_language(tag) == expected


JAPANESE = [
    "① 国家公安委員長は火曜日、二日間の日程でソウルを訪れ、"
    "韓国の警察庁長官と国境を越える犯罪への対策について協議した。",
    "② 同行した当局者によると、両国は情報の共有を強化する覚書に署名する見通しだという。髙橋審議官も同行した。",
]
CHINESE = [
    "公安部部长星期二抵达万象，与老挝同行就边境联合巡逻和打击跨国犯罪问题举行会谈。",
    "随行官员表示，双方预计将在代表团回国前签署一份交换信息的备忘录，发言人王祎说明了日程。",
]
VIETNAMESE = [
    "Bộ trưởng Bộ Công an đã đến Viêng Chăn vào sáng thứ Ba để hội đàm với người đồng cấp Lào "
    "về việc tuần tra biên giới chung.",
    "Các quan chức cho biết hai bên dự kiến sẽ ký một thỏa thuận trao đổi thông tin trước khi đoàn trở về nước.",
]

# Windows-1258 has no code for most accented Vietnamese letters: it writes the tone as a
# separate combining mark after a base letter it does have.
_VIETNAMESE_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def encode_windows_1258(text: str) -> bytes:
    encoded = []
    for character in unicodedata.normalize("NFC", text):
        parts = unicodedata.normalize("NFD", character)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in _VIETNAMESE_TONES))
        tones = "".join(c for c in parts if c in _VIETNAMESE_TONES)
        encoded.append((base + tones).encode("cp1258"))
    return b"".join(encoded)


def legacy_page(charset_meta: str, lang: str, paragraphs: list[str]) -> str:
    body = "".join(f"<p>{paragraph}</p>" for paragraph in paragraphs)
    head = f"<head>{charset_meta}<title>-</title></head>"
    return f'<html lang="{lang}">{head}<body><article>{body}</article></body></html>'


@pytest.mark.parametrize(
    ("html", "paragraphs", "language"),
    [
        pytest.param(
            # Declared Shift_JIS, written with the Windows extensions (① 髙) real pages use.
            legacy_page(
                '<meta http-equiv="Content-Type" content="text/html; charset=Shift_JIS">', "ja", JAPANESE
            ).encode("cp932"),
            JAPANESE,
            "ja",
            id="shift_jis",
        ),
        pytest.param(
            # Declared GB2312; browsers read it as GBK, which the name 王祎 needs.
            legacy_page('<meta charset="gb2312">', "zh-CN", CHINESE).encode("gbk"),
            CHINESE,
            "zh",
            id="gb2312",
        ),
        pytest.param(
            encode_windows_1258(legacy_page('<meta charset="windows-1258">', "vi", VIETNAMESE)),
            VIETNAMESE,
            "vi",
            id="windows-1258",
        ),
    ],
)
def test_legacy_encodings_declared_in_a_meta_tag(html: bytes, paragraphs: list[str], language: str) -> None:
    with pytest.raises(UnicodeDecodeError):
        html.decode("utf-8")
    result = extract_article(html, URL, ExtractOptions())
    assert result is not None
    # Composed (NFC) text, whatever the page's bytes did with accents.
    assert result["text"] == "\n".join(paragraphs)
    assert result["language"] == language


def test_the_worker_returns_the_fingerprints_of_the_text_to_store_and_the_compressed_page() -> None:
    job = PageJob(ExtractOptions(), num_perm=64, compress_html=True)
    data = process_page(ARTICLE_PAGE, URL, job)
    assert data is not None
    text = article_text(data)
    assert not text.startswith("Interior minister lands in Lisbon")  # the <h1> line is the title, not the text
    assert data["content_hash"] == content_hash(text)
    assert data["signature"] == text_signature(text, 64)
    assert similarity(bytes(data["signature"]), text_signature(text, 64)) == 1.0  # type: ignore[arg-type]
    assert decompress_html(bytes(data["html_z"])) == ARTICLE_PAGE  # type: ignore[arg-type]
    without_html = process_page(ARTICLE_PAGE, URL, PageJob(ExtractOptions(), compress_html=False))
    assert without_html is not None
    assert without_html["html_z"] == b""
    assert process_page("<html><body></body></html>", URL, job) is None


DEMO_PAGES = sorted((Path(__file__).resolve().parent.parent / "demo" / "sites").glob("*/**/*.html"))


@pytest.mark.parametrize("path", DEMO_PAGES, ids=lambda path: path.name)
def test_page_metadata_reads_what_trafilatura_extract_metadata_reads(path: Path) -> None:
    # page_metadata skips the categories, tags and licence; the fields it keeps must not change.
    html = path.read_bytes()
    url = "https://outlet.example/" + path.name
    ours = page_metadata(load_html(html), url)
    theirs = trafilatura.extract_metadata(load_html(html), url)
    for field in ("title", "author", "date", "description", "image"):
        assert getattr(ours, field) == getattr(theirs, field), field


def test_fields_read_before_the_author_search_see_the_unpruned_page() -> None:
    # The author search prunes <time> and <figure>: the date and the AMP link are read before it.
    head = "<link rel='amphtml' href='/amp/minister-lisbon'><title>Minister in Lisbon</title>"
    body = (
        "<p class='byline'>By Ines Carvalho-Web</p>"
        "<time datetime='2024-05-14'>14 May 2024</time>"
        "<figure><img src='/a.jpg'><figcaption>The minister</figcaption></figure>" + PARAGRAPHS
    )
    result = extract_article(page(head, body), "https://gazette.example/world/minister-lisbon", ExtractOptions())
    assert result is not None
    assert result["amphtml"] == "https://gazette.example/amp/minister-lisbon"
    assert result["published"] == "2024-05-14"
    assert result["author"] == "Ines Carvalho-Web"


class _NoStats:
    def inc_value(self, key: str) -> None:
        pass


def _niceness() -> int:
    return os.nice(0)


@pytest.mark.parametrize("nice", [0, 10])
def test_pool_workers_run_at_the_configured_niceness(nice: int) -> None:
    pipeline = ExtractPipeline(PageJob(ExtractOptions()), 200, workers=1, stats=_NoStats(), worker_nice=nice)  # type: ignore[arg-type]
    pipeline.open_spider()
    try:
        assert pipeline.pool is not None
        worker = pipeline.pool.submit(_niceness).result(timeout=60)
    finally:
        pipeline.close_spider()
    assert worker == min(os.nice(0) + nice, 19)


def test_pool_workers_start_when_the_spider_opens_not_at_the_first_page() -> None:
    before = set(multiprocessing.active_children())
    pipeline = ExtractPipeline(PageJob(ExtractOptions()), 200, workers=2, stats=_NoStats())  # type: ignore[arg-type]
    pipeline.open_spider()
    try:
        deadline = time.monotonic() + 60
        started: set[object] = set()
        while len(started) < 2 and time.monotonic() < deadline:
            started = set(multiprocessing.active_children()) - before
            time.sleep(0.05)
        assert len(started) == 2  # no page was submitted
    finally:
        pipeline.close_spider()
    assert not set(multiprocessing.active_children()) - before
