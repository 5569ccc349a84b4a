"""Element tests in Python that stand in for trafilatura's XPath expressions pick the same elements.

pipelines/markup_author.py (the author search) and pipelines/trafilatura_prunes.py (the first
prunes of a page) each translate some of trafilatura's expressions; every selector is checked
against the expression it replaces on hand-made edge pages, synthetic pages and the demo web,
and the results they feed (the author, the extraction) against trafilatura's own.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
import trafilatura.core
from lxml.etree import XPath
from lxml.html import HtmlElement
from trafilatura.metadata import extract_author
from trafilatura.utils import load_html
from trafilatura.xpaths import AUTHOR_DISCARD_XPATHS, AUTHOR_XPATHS

from benchmarks.sitegen import render_page, story
from pipelines import trafilatura_prunes
from pipelines.extract import ExtractOptions, ExtractPipeline, PageJob, extract_article
from pipelines.markup_author import AUTHOR_SELECTORS, DISCARD_SELECTORS, markup_author
from pipelines.trafilatura_prunes import REPLACEMENTS, Selector, install, installed

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


def pages() -> list[tuple[str, str | bytes]]:
    synthetic = [(f"synthetic-{index}", render_page(story(index))) for index in range(0, 40, 3)]
    edges = [("author-edges", AUTHOR_EDGE_PAGE), ("prune-edges", PRUNE_EDGE_PAGE)]
    return [*edges, *synthetic, *((path.name, path.read_bytes()) for path in DEMO_PAGES)]


PAGES = pages()
PAGE_IDS = [name for name, _ in PAGES]
PAIRS = [
    *zip(DISCARD_SELECTORS, AUTHOR_DISCARD_XPATHS, strict=True),
    *zip(AUTHOR_SELECTORS, AUTHOR_XPATHS, strict=True),
    *(
        (selector, expression)
        for name, (_, selectors) in REPLACEMENTS.items()
        for selector, expression in zip(selectors, getattr(trafilatura.core, name), strict=True)
    ),
]


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


@pytest.mark.parametrize(("selector", "expression"), PAIRS, ids=selector_name)
def test_the_edge_pages_give_every_selector_something_to_find(selector: Selector, expression: Selector) -> None:
    found = [*selector(tree_of(AUTHOR_EDGE_PAGE)), *selector(tree_of(PRUNE_EDGE_PAGE))]
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


# ---- the prunes swapped into trafilatura ----------------------------------------------------


@pytest.mark.parametrize(("name", "html"), PAGES, ids=PAGE_IDS)
def test_extraction_is_the_same_with_the_selectors(name: str, html: str | bytes) -> None:
    options = ExtractOptions()
    stock = extract_article(html, "https://outlet.example/story", options)
    with installed() as names:
        assert names == list(REPLACEMENTS)
        fast = extract_article(html, "https://outlet.example/story", options)
    assert fast == stock


def test_installed_puts_trafilaturas_expressions_back() -> None:
    before = {name: getattr(trafilatura.core, name) for name in REPLACEMENTS}
    with installed():
        assert all(getattr(trafilatura.core, name) is REPLACEMENTS[name][1] for name in REPLACEMENTS)
    assert {name: getattr(trafilatura.core, name) for name in REPLACEMENTS} == before


def test_a_changed_expression_is_left_to_trafilatura(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    for name in REPLACEMENTS:  # restored after the test, whatever install() does
        monkeypatch.setattr(trafilatura.core, name, getattr(trafilatura.core, name))
    changed = [XPath(".//div[@id='comments']")]
    monkeypatch.setattr(trafilatura.core, "REMOVE_COMMENTS_XPATH", changed)
    with caplog.at_level(logging.WARNING, logger=trafilatura_prunes.__name__):
        names = install()
    assert "REMOVE_COMMENTS_XPATH" not in names
    assert trafilatura.core.REMOVE_COMMENTS_XPATH is changed
    assert "RAW_TREE_PRUNE_XPATH" in names
    assert "REMOVE_COMMENTS_XPATH" in caplog.text


class _Stats:
    def inc_value(self, key: str) -> None:
        pass


def _names_swapped_in_this_process() -> list[str]:
    return [name for name, (_, selectors) in REPLACEMENTS.items() if getattr(trafilatura.core, name) is selectors]


@pytest.mark.parametrize("workers", [0, 1])
def test_the_extract_pipeline_extracts_with_the_selectors(monkeypatch: pytest.MonkeyPatch, workers: int) -> None:
    for name in REPLACEMENTS:
        monkeypatch.setattr(trafilatura.core, name, getattr(trafilatura.core, name))
    pipeline = ExtractPipeline(PageJob(ExtractOptions()), min_chars=200, workers=workers, stats=_Stats())  # type: ignore[arg-type]
    pipeline.open_spider()
    try:
        if pipeline.pool is None:
            swapped = _names_swapped_in_this_process()
        else:
            swapped = pipeline.pool.submit(_names_swapped_in_this_process).result(timeout=60)
    finally:
        pipeline.close_spider()
    assert swapped == list(REPLACEMENTS)
