"""trafilatura's first prunes of a page, with their element tests in Python.

Before it looks for the article, `trafilatura.core.trafilatura_sequence` deletes infinite-scroll
containers, share-button bars and comment sections, selected by four XPath expressions
(`RAW_TREE_PRUNE_XPATH`, `REMOVE_COMMENTS_AND_LISTS_XPATH`, `REMOVE_COMMENTS_XPATH`). libxml2
tests every element of the page against each, and on the synthetic site's pages the four took
2.8 ms of the 13 ms a page costs in a worker. The selectors here pick the same elements in the
same order but visit only the tags an expression names, testing attributes with compiled
regular expressions (0.2-0.3 ms each).

`install()` puts them in trafilatura's module in place of the expressions, and only when those
expressions are the ones translated here: their text is checked against a digest, so an upgrade
that changes one leaves trafilatura as it is (with a warning to re-check this module). Extraction
results do not change: tests/test_xpath_selectors.py checks each selector against its
expression and the extracted text and metadata with and without them.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

from lxml.etree import _Element
from lxml.html import HtmlElement

logger = logging.getLogger(__name__)

Selector = Callable[[HtmlElement], list[_Element]]

# Attributes are read with "" for a missing one, as XPath does: lxml's `re:test(@id, ...)` runs
# `re.search` on "", and `contains(@class, ...)` is false on "".

_INFINITE_SCROLL = re.compile("mvp-post-add-(?:box|wrap)|infinite-?scroll")
_APPENDED_POST = re.compile("mvp-post-add-(?:box|wrap)")
_CONTAINER_TAGS = ("div", "section", "aside")

_COMMENTS_ID = re.compile("^(?:[Cc]omment(?!ary)|comol|disqus_thread|dsq-comments)")
_COMMENTS_LIST_ID = re.compile("^(?:[Cc]omment(?!ary)|comol)")
_COMMENTS_CLASS = re.compile("^[Cc]omment(?!ary)|(?:article|post)-comments")
_COMMENT_SECTION_TAGS = ("div", "list", "section", "details")
_LIST_TAGS = frozenset({"ol", "ul"})


def appended_articles(tree: HtmlElement) -> list[_Element]:
    """RAW_TREE_PRUNE_XPATH[0]: infinite-scroll containers, unless one holds the page's <h1>."""
    found = []
    for element in tree.iterdescendants(*_CONTAINER_TAGS):
        id_, class_ = element.get("id", ""), element.get("class", "")
        if not (_INFINITE_SCROLL.search(id_) or _INFINITE_SCROLL.search(class_)):
            continue
        if (
            next(element.iterdescendants("h1"), None) is None
            or _APPENDED_POST.search(id_)
            or _APPENDED_POST.search(class_)
        ):
            found.append(element)
    return found


def share_button_bars(tree: HtmlElement) -> list[_Element]:
    """RAW_TREE_PRUNE_XPATH[1]: Elementor's share buttons."""
    return [
        element
        for element in tree.iterdescendants(*_CONTAINER_TAGS)
        if "elementor-share-buttons" in element.get("class", "")
    ]


def _is_comment_section(element: _Element) -> bool:
    return _COMMENTS_ID.search(element.get("id", "")) is not None or (
        _COMMENTS_CLASS.search(element.get("class", "")) is not None
    )


def comment_sections(tree: HtmlElement) -> list[_Element]:
    """REMOVE_COMMENTS_XPATH[0]: comment threads by id or class."""
    return [element for element in tree.iterdescendants(*_COMMENT_SECTION_TAGS) if _is_comment_section(element)]


def comment_sections_and_lists(tree: HtmlElement) -> list[_Element]:
    """REMOVE_COMMENTS_AND_LISTS_XPATH[0]: the same, and <ol>/<ul> comment lists (without disqus ids)."""
    found = []
    for element in tree.iterdescendants(*_COMMENT_SECTION_TAGS, *_LIST_TAGS):
        if not _is_comment_section(element):
            continue
        if (
            element.tag not in _LIST_TAGS
            or _COMMENTS_LIST_ID.search(element.get("id", ""))
            or _COMMENTS_CLASS.search(element.get("class", ""))
        ):
            found.append(element)
    return found


#: trafilatura.core's name -> (digest of the expressions' text this module translates, selectors).
REPLACEMENTS: dict[str, tuple[str, list[Selector]]] = {
    "RAW_TREE_PRUNE_XPATH": (
        "25d5ab67770cfefa5a7d1d55925a495662925a37ce9a82519a44e9245d61993b",
        [appended_articles, share_button_bars],
    ),
    "REMOVE_COMMENTS_AND_LISTS_XPATH": (
        "ec1083e558ae70c0be79fe7ff3f11f7fcac683c3bd7c6ba692c8feadb2c26a04",
        [comment_sections_and_lists],
    ),
    "REMOVE_COMMENTS_XPATH": (
        "853775ab53d61b2678b70a2f542bbb75e08be014c4164ef8e9ad66bb5487e52e",
        [comment_sections],
    ),
}


def expressions_digest(expressions: Sequence[object]) -> str:
    """A digest of XPath expressions' text, to tell whether trafilatura changed them."""
    text = "\n".join(" ".join(str(getattr(expression, "path", expression)).split()) for expression in expressions)
    return hashlib.sha256(text.encode()).hexdigest()


def install() -> list[str]:
    """Swap the selectors into trafilatura.core where its expressions are the translated ones.

    Returns the names swapped. Idempotent: a name already holding the selectors is left alone.
    """
    import trafilatura.core

    installed = []
    for name, (digest, selectors) in REPLACEMENTS.items():
        current = getattr(trafilatura.core, name, None)
        if current is selectors:
            installed.append(name)
        elif isinstance(current, list) and expressions_digest(current) == digest:
            setattr(trafilatura.core, name, selectors)
            installed.append(name)
        else:
            logger.warning(
                "trafilatura.core.%(name)s is not the expression pipelines/trafilatura_prunes.py translates "
                "(a trafilatura upgrade?): extraction uses trafilatura's own, a little slower",
                {"name": name},
            )
    return installed


@contextmanager
def installed() -> Iterator[list[str]]:
    """`install()` for the duration of a `with` block, then trafilatura's own expressions again.

    For a process that also runs stock trafilatura, as the throughput benchmark does.
    """
    import trafilatura.core

    originals = {name: getattr(trafilatura.core, name) for name in REPLACEMENTS}
    try:
        yield install()
    finally:
        for name, value in originals.items():
            setattr(trafilatura.core, name, value)
