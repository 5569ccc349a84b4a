"""The author search's element tests in Python pick what trafilatura's XPath expressions pick."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml.html import HtmlElement
from trafilatura.metadata import extract_author
from trafilatura.utils import load_html
from trafilatura.xpaths import AUTHOR_DISCARD_XPATHS, AUTHOR_XPATHS

from benchmarks.sitegen import render_page, story
from pipelines.markup_author import AUTHOR_SELECTORS, DISCARD_SELECTORS, Selector, markup_author

DEMO_PAGES = sorted((Path(__file__).resolve().parent.parent / "demo" / "sites").glob("*/**/*.html"))

# Every branch of the expressions, and the near misses around them.
EDGE_PAGE = """<!DOCTYPE html>
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


def pages() -> list[tuple[str, str | bytes]]:
    synthetic = [(f"synthetic-{index}", render_page(story(index))) for index in range(0, 40, 3)]
    return [("edge", EDGE_PAGE), *synthetic, *((path.name, path.read_bytes()) for path in DEMO_PAGES)]


PAGES = pages()
PAIRS = [
    *zip(DISCARD_SELECTORS, AUTHOR_DISCARD_XPATHS, strict=True),
    *zip(AUTHOR_SELECTORS, AUTHOR_XPATHS, strict=True),
]


def tree_of(html: str | bytes) -> HtmlElement:
    tree = load_html(html)
    assert tree is not None
    return tree


@pytest.mark.parametrize(("selector", "expression"), PAIRS, ids=lambda value: getattr(value, "__name__", ""))
@pytest.mark.parametrize(("name", "html"), PAGES, ids=[name for name, _ in PAGES])
def test_each_selector_picks_the_elements_of_trafilaturas_expression(
    name: str, html: str | bytes, selector: Selector, expression: Selector
) -> None:
    tree = tree_of(html)
    # Same elements (the same proxies: lxml reuses one per node while it is referenced), same order.
    assert selector(tree) == expression(tree)


@pytest.mark.parametrize(("selector", "expression"), PAIRS, ids=lambda value: getattr(value, "__name__", ""))
def test_the_edge_page_gives_every_selector_something_to_find(selector: Selector, expression: Selector) -> None:
    found = selector(tree_of(EDGE_PAGE))
    assert len(found) >= 2, "an equivalence checked on nothing would prove nothing"


def test_the_odd_rel_child_test_is_kept() -> None:
    tree = tree_of(EDGE_PAGE)
    texts = [element.text_content() for element in AUTHOR_SELECTORS[0](tree)]
    assert "meAino Lehto" in texts
    assert "not meSomeone else" not in texts


@pytest.mark.parametrize(("name", "html"), PAGES, ids=[name for name, _ in PAGES])
def test_the_author_is_trafilaturas(name: str, html: str | bytes) -> None:
    assert markup_author(tree_of(html)) == extract_author(tree_of(html))


def test_the_discarded_sections_are_pruned_before_the_search() -> None:
    html = (
        "<html><body><div class='comments'><span class='author'>A reader</span></div>"
        "<figure><figcaption class='byline'>A photographer</figcaption></figure>"
        "<p class='byline'>By Aino Lehto</p><p>Body text of the article.</p></body></html>"
    )
    assert markup_author(tree_of(html)) == "Aino Lehto"
