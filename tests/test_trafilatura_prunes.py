"""trafilatura's first prunes, tested in Python: the same elements, the same extraction, a guarded swap."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
import trafilatura.core
from lxml.etree import XPath
from lxml.html import HtmlElement
from trafilatura.utils import load_html

from benchmarks.sitegen import render_page, story
from pipelines import trafilatura_prunes
from pipelines.extract import ExtractOptions, ExtractPipeline, PageJob, extract_article
from pipelines.trafilatura_prunes import REPLACEMENTS, Selector, install, installed

DEMO_PAGES = sorted((Path(__file__).resolve().parent.parent / "demo" / "sites").glob("*/**/*.html"))

# Every branch of the four expressions and the near misses around them. <list> is what trafilatura
# turns <ul> and <ol> into before its second comment prune; the HTML parser keeps it as a tag.
EDGE_PAGE = """<!DOCTYPE html>
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
    return [("edge", EDGE_PAGE), *synthetic, *((path.name, path.read_bytes()) for path in DEMO_PAGES)]


PAGES = pages()
PAIRS = [
    (selector, expression)
    for name, (_, selectors) in REPLACEMENTS.items()
    for selector, expression in zip(selectors, getattr(trafilatura.core, name), strict=True)
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
    assert selector(tree) == expression(tree)


@pytest.mark.parametrize(("selector", "expression"), PAIRS, ids=lambda value: getattr(value, "__name__", ""))
def test_the_edge_page_gives_every_selector_something_to_find(selector: Selector, expression: Selector) -> None:
    assert len(selector(tree_of(EDGE_PAGE))) >= 2, "an equivalence checked on nothing would prove nothing"


@pytest.mark.parametrize(("name", "html"), PAGES, ids=[name for name, _ in PAGES])
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
