"""Element tests in Python that stand in for trafilatura's XPath expressions pick the same elements.

pipelines/markup_author.py (the author search) and pipelines/trafilatura_selectors.py (the first
prunes of a page, the body search, the boilerplate prune) each translate some of trafilatura's
expressions; every selector is checked
against the expression it replaces on hand-made edge pages, synthetic pages and the demo web,
and the results they feed (the author, the extraction) against trafilatura's own.
"""

from __future__ import annotations

import importlib
import logging
from pathlib import Path

import pytest
import trafilatura.core
from lxml.etree import XPath
from lxml.html import FormElement, HtmlElement
from trafilatura.metadata import extract_author
from trafilatura.utils import load_html
from trafilatura.xpaths import AUTHOR_DISCARD_XPATHS, AUTHOR_XPATHS

from benchmarks.sitegen import render_page, story
from pipelines import trafilatura_selectors
from pipelines.extract import ExtractOptions, ExtractPipeline, PageJob, extract_article
from pipelines.markup_author import AUTHOR_SELECTORS, DISCARD_SELECTORS, markup_author
from pipelines.trafilatura_selectors import REPLACEMENTS, Replacement, Selector, install, installed

DEMO_PAGES = sorted((Path(__file__).resolve().parent.parent / "demo" / "sites").glob("*/**/*.html"))

# Every branch of the author expressions, and the near misses around them.
AUTHOR_EDGE_PAGE = """<!DOCTYPE html>
<html class="author-theme"><head><title>Edge cases</title>
<link rel="author" href="/people/aino-lehto"></head>
<body>
<!-- a comment node: // expressions never select it -->
<div id="comments"><p class="byline">Not here: inside the comment thread</p></div>
<section id="commentlist"><span class="author">A reader</span></section>
<div class="comments"><a class="authorName">A commenter</a></div>
<span class="title">A section title</span><a class="date">2 May</a>
<div class="sidebar-right"><p class="AuthorName">Sidebar author</p></div>
<div class="commentary"><p>Commentary is not a comment thread.</p></div>
<div class="article-share article-support print-only category-list meta-date meta-reviewer"></div>
<div data-component="FigureCaption"><span>Photo: agency</span></div>
<figure><figcaption class="byline">A photographer</figcaption></figure>
<time class="author">Tuesday</time>
<div id="ProductReviews"><p class="byl">Reviewer</p></div>
<span class="is-hidden quote embedly-instagram">hidden</span>
<address class="author-name">Aino Lehto</address>
<strong itemprop="author name">Aino Lehto</strong>
<a rel="author" href="/a">Aino Lehto</a>
<p id="author">Aino Lehto</p>
<p><rel>me</rel>Aino Lehto</p>
<p><rel>not me</rel>Someone else</p>
<div data-testid="AuthorCard">Aino Lehto</div><span data-testid="AuthorURL">/aino</span>
<author>Aino Lehto</author>
<h3 class="username">alehto</h3><h4 class="BBL">By Aino Lehto</h4>
<p itemprop="creator author">Aino Lehto</p>
<span id="xiaobian">编辑 李华</span><div class="posted-by">Posted by Aino Lehto</div>
<div class="channel-name journalist-name submitted-by">Aino Lehto</div>
<em id="Author-box">Aino Lehto</em><b class="screenname">alehto</b><i class="writer">Aino Lehto</i>
<blockquote class="Byline">By Aino Lehto</blockquote><cite data-component="Byline">Aino Lehto</cite>
<ul><li itemprop="author">Aino Lehto</li></ul>
<p>An article paragraph about a minister's visit, long enough to be the body text of the page.</p>
</body></html>"""

# Every branch of the four prune expressions and the near misses around them. <list> is what
# trafilatura turns <ul> and <ol> into before its second comment prune; the HTML parser keeps it.
PRUNE_EDGE_PAGE = """<!DOCTYPE html>
<html><head><title>Edge cases</title></head>
<body>
<!-- a comment node is never an element -->
<h1>The minister's visit</h1>
<div class="infinite-scroll"><h2>Next story</h2><p>An appended article.</p></div>
<section id="infinitescroll-wrap"><h1>The real article holds the h1</h1><p>Kept.</p></section>
<aside class="mvp-post-add-box"><h1>An appended post with its own h1</h1></aside>
<div id="mvp-post-add-wrap"><p>Appended by id.</p></div>
<span class="infinite-scroll">Not a container tag.</span>
<div class="elementor-widget elementor-share-buttons--view-icon"><a href="#">Share</a></div>
<aside class="elementor-share-buttons">Share</aside>
<p class="elementor-share-buttons">A paragraph is not pruned.</p>
<div id="comments"><p>Comment one.</p></div>
<div id="Comment-7"><p>Comment seven.</p></div>
<div id="commentary"><p>Commentary is content.</p></div>
<div class="comment-list"><p>A listed comment.</p></div>
<div class="Commentary-box"><p>Also content.</p></div>
<section class="post-comments"><p>Post comments.</p></section>
<details class="article-comments"><summary>Comments</summary></details>
<div id="comol-3">Comment.</div>
<div id="disqus_thread"></div><div id="dsq-comments"></div>
<list class="comments"><item>A converted comment list.</item></list>
<ul id="comments-list"><li>A comment list by id.</li></ul>
<ol class="commentlist"><li>A comment list by class.</li></ol>
<ul id="disqus_thread"><li>A disqus id is not enough for a list.</li></ul>
<ul class="sidebar-comments"><li>No match: the class does not start with comment.</li></ul>
<p>An article paragraph about a minister's visit abroad, long enough to be the body of the page.</p>
</body></html>"""


# The body search and the boilerplate prune: the first article container of each parent, and
# the attribute unions (@id|@class, @id|@style) that test whichever attribute the tag writes first.
BODY_EDGE_PAGE = """<!DOCTYPE html>
<html><head><title>Edge cases</title></head>
<body>
<main id="page">
  <div class="wrapper"><section class="post">First body container of this parent.</section>
    <div class="entry">Second: not taken, its parent already gave one.</div></div>
  <article itemprop="articleBody"><p>By item property.</p>
    <div id="articleContent"><div class="article__body">Nested, first child of its parent.</div></div></article>
  <div id="story-article-body" class="x">By id.</div>
  <section class="post_inner_wrapper">By class.</section>
  <span class="post-body">A span is not a body container.</span>
  <div class="posting">No match.</div>
</main>
<div role="Navigation">Role with a capital N.</div>
<span data-lp-replacement-content="">Replacement content.</span>
<p data-component="MostPopularStories">Most popular.</p>
<div id="cookie-notice" class="content">Cookie by id, written first.</div>
<div class="content" id="cookie-notice">Id written second: class decides, no match.</div>
<div class="cookie-box" id="main">Class written first.</div>
<list class="tag-list"><item class="meta-date">Tags.</item></list>
<section class="article ad-slot">An ad by class.</section>
<div class="layout"><p class=" ad ">Spaced ad.</p></div>
<div id="ad-top">Ad by id.</div>
<h2 class="comments-title">Comments</h2>
<form id="reply-form" class="x">Reply form, id first.</form>
<form class="x" id="reply-form">Id second: no match.</form>
<div class="reply-box">Reply by class.</div>
<div id="hidden-block" style="color:red">Hidden by id, first.</div>
<div style="color:red" id="hidden-block">Style first: no match.</div>
<div style="display:none">Not displayed.</div>
<p style="margin:0; display: none">Not displayed either.</p>
<b aria-hidden="true">Hidden from readers.</b>
<div id="reader-comments">Comments.</div>
<div class="hide-print noprint">Print only.</div>
<p>An article paragraph about a minister's visit abroad, long enough to be the body of the page.</p>
</body></html>"""


def pages() -> list[tuple[str, str | bytes]]:
    synthetic = [(f"synthetic-{index}", render_page(story(index))) for index in range(0, 40, 3)]
    edges = [("author-edges", AUTHOR_EDGE_PAGE), ("prune-edges", PRUNE_EDGE_PAGE), ("body-edges", BODY_EDGE_PAGE)]
    return [*edges, *synthetic, *((path.name, path.read_bytes()) for path in DEMO_PAGES)]


PAGES = pages()
PAGE_IDS = [name for name, _ in PAGES]
PAIRS = [
    *zip(DISCARD_SELECTORS, AUTHOR_DISCARD_XPATHS, strict=True),
    *zip(AUTHOR_SELECTORS, AUTHOR_XPATHS, strict=True),
    *(
        (selector, expression)
        for replacement in REPLACEMENTS
        for selector, expression in zip(
            replacement.selectors, getattr(importlib.import_module(replacement.module), replacement.name), strict=False
        )
    ),
]
KEYS = [replacement.key for replacement in REPLACEMENTS]


def current(replacement: Replacement) -> object:
    return getattr(importlib.import_module(replacement.module), replacement.name)


def keep_trafilaturas_lists(monkeypatch: pytest.MonkeyPatch) -> None:
    """Have monkeypatch put every list back after the test, whatever install() does to it."""
    for replacement in REPLACEMENTS:
        monkeypatch.setattr(importlib.import_module(replacement.module), replacement.name, current(replacement))


def tree_of(html: str | bytes) -> HtmlElement:
    tree = load_html(html)
    assert tree is not None
    return tree


def selector_name(value: object) -> str:
    return getattr(value, "__name__", "")


@pytest.mark.parametrize(("selector", "expression"), PAIRS, ids=selector_name)
@pytest.mark.parametrize(("name", "html"), PAGES, ids=PAGE_IDS)
def test_each_selector_picks_the_elements_of_trafilaturas_expression(
    name: str, html: str | bytes, selector: Selector, expression: Selector
) -> None:
    tree = tree_of(html)
    # Same elements (the same proxies: lxml reuses one per node while it is referenced), same order.
    assert selector(tree) == expression(tree)


EDGE_PAGES = (AUTHOR_EDGE_PAGE, PRUNE_EDGE_PAGE, BODY_EDGE_PAGE)


@pytest.mark.parametrize(("selector", "expression"), PAIRS, ids=selector_name)
def test_the_edge_pages_give_every_selector_something_to_find(selector: Selector, expression: Selector) -> None:
    found = [*(element for page in EDGE_PAGES for element in selector(tree_of(page)))]
    assert len(found) >= 2, "an equivalence checked on nothing would prove nothing"


# ---- the author search ----------------------------------------------------------------------


def test_the_odd_rel_child_test_is_kept() -> None:
    tree = tree_of(AUTHOR_EDGE_PAGE)
    texts = [element.text_content() for element in AUTHOR_SELECTORS[0](tree)]
    assert "meAino Lehto" in texts
    assert "not meSomeone else" not in texts


@pytest.mark.parametrize(("name", "html"), PAGES, ids=PAGE_IDS)
def test_the_author_is_trafilaturas(name: str, html: str | bytes) -> None:
    assert markup_author(tree_of(html)) == extract_author(tree_of(html))


def test_the_discarded_sections_are_pruned_before_the_search() -> None:
    html = (
        "<html><body><div class='comments'><span class='author'>A reader</span></div>"
        "<figure><figcaption class='byline'>A photographer</figcaption></figure>"
        "<p class='byline'>By Aino Lehto</p><p>Body text of the article.</p></body></html>"
    )
    assert markup_author(tree_of(html)) == "Aino Lehto"


# ---- the selectors swapped into trafilatura ----------------------------------------------------


@pytest.mark.parametrize(("name", "html"), PAGES, ids=PAGE_IDS)
def test_extraction_is_the_same_with_the_selectors(name: str, html: str | bytes) -> None:
    options = ExtractOptions()
    stock = extract_article(html, "https://outlet.example/story", options)
    with installed() as keys:
        assert keys == KEYS
        fast = extract_article(html, "https://outlet.example/story", options)
    assert fast == stock


def test_installed_puts_trafilaturas_expressions_back() -> None:
    before = [current(replacement) for replacement in REPLACEMENTS]
    with installed():
        for replacement, original in zip(REPLACEMENTS, before, strict=True):
            swapped = current(replacement)
            assert isinstance(swapped, list) and isinstance(original, list)
            count = len(replacement.selectors)
            assert swapped[:count] == list(replacement.selectors)
            assert swapped[count:] == original[count:]  # the untranslated rest stays trafilatura's
    assert [current(replacement) for replacement in REPLACEMENTS] == before


def test_a_changed_expression_is_left_to_trafilatura(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    keep_trafilaturas_lists(monkeypatch)
    changed = [XPath(".//div[@id='comments']")]
    monkeypatch.setattr(trafilatura.core, "REMOVE_COMMENTS_XPATH", changed)
    with caplog.at_level(logging.WARNING, logger=trafilatura_selectors.__name__):
        keys = install()
    assert "trafilatura.core.REMOVE_COMMENTS_XPATH" not in keys
    assert trafilatura.core.REMOVE_COMMENTS_XPATH is changed
    assert "trafilatura.core.RAW_TREE_PRUNE_XPATH" in keys
    assert "REMOVE_COMMENTS_XPATH" in caplog.text


class _Stats:
    def inc_value(self, key: str) -> None:
        pass


def _keys_swapped_in_this_process() -> list[str]:
    swapped = []
    for replacement in REPLACEMENTS:
        value = current(replacement)
        if isinstance(value, list) and value[: len(replacement.selectors)] == list(replacement.selectors):
            swapped.append(replacement.key)
    return swapped


@pytest.mark.parametrize("workers", [0, 1])
def test_the_extract_pipeline_extracts_with_the_selectors(monkeypatch: pytest.MonkeyPatch, workers: int) -> None:
    keep_trafilaturas_lists(monkeypatch)
    pipeline = ExtractPipeline(PageJob(ExtractOptions()), min_chars=200, workers=workers, stats=_Stats())  # type: ignore[arg-type]
    pipeline.open_spider()
    try:
        if pipeline.pool is None:
            swapped = _keys_swapped_in_this_process()
        else:
            swapped = pipeline.pool.submit(_keys_swapped_in_this_process).result(timeout=60)
    finally:
        pipeline.close_spider()
    assert swapped == KEYS
    assert _keys_swapped_in_this_process() == []  # the spider closed: trafilatura's own again


def _texts(selector: Selector, html: str) -> list[str]:
    return [element.text_content().strip() for element in selector(tree_of(html))]


def test_the_body_search_keeps_the_first_container_of_each_parent() -> None:
    texts = _texts(trafilatura_selectors.article_bodies, BODY_EDGE_PAGE)
    assert "First body container of this parent." in texts
    assert not any(text.startswith("Second: not taken") for text in texts)
    assert "Nested, first child of its parent." in texts


def test_an_attribute_union_tests_the_attribute_written_first() -> None:
    boilerplate = _texts(trafilatura_selectors.boilerplate_sections, BODY_EDGE_PAGE)
    assert "Cookie by id, written first." in boilerplate
    assert "Id written second: class decides, no match." not in boilerplate
    hidden = _texts(trafilatura_selectors.hidden_and_reply_elements, BODY_EDGE_PAGE)
    assert "Hidden by id, first." in hidden
    assert "Style first: no match." not in hidden
    assert "Reply form, id first." in hidden
    assert "Id second: no match." not in hidden


def test_installed_parses_plain_html_elements_and_puts_the_form_classes_back() -> None:
    page = "<html><body><form action='/s'><input name='q'></form><p>Text.</p></body></html>"
    with installed():
        assert {type(element) for element in tree_of(page).iter()} == {HtmlElement}
    assert type(tree_of(page).find(".//form")) is FormElement
