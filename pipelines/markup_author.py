"""The author named in a page's markup: trafilatura's search, with its element tests in Python.

`trafilatura.metadata.extract_author` deep-copies the page, prunes it with
`AUTHOR_DISCARD_XPATHS` and takes the first short text matched by `AUTHOR_XPATHS`. Those XPath
expressions test every element of the page, calling back into Python for each `re:test`; on
the synthetic site's pages they cost 3.1 ms a page, two thirds of the author search. The
selectors below pick the same elements in the same order, walking only the tags an expression
names and testing the attributes with compiled regular expressions: tests/test_xpath_selectors.py
checks each against trafilatura's expression, so an upgrade that changes one fails there.

`markup_author` prunes the tree it is given (it skips the copy): call it last.
"""

from __future__ import annotations

import re

from lxml.etree import Element, _Element
from lxml.html import HtmlElement

from pipelines.trafilatura_selectors import Selector

# Attributes are read with "" for a missing one, as XPath does: `re:test(@id, ...)` runs lxml's
# `re.search` on "", `contains(@class, ...)` and `@class='...'` compare with "".

# AUTHOR_DISCARD_XPATHS[0]: comment threads, sidebars, figures and date lines near a byline.
_DISCARD_TAGS = ("a", "div", "section", "span")
_DISCARD_ID = re.compile("^comments|comment-?list|ProductReviews")
_DISCARD_CLASS = re.compile(
    "^[Cc]omments|commentlist|comments-list|sidebar|is-hidden|quote|embedly-instagram|article-(?:share|support)"
    "|print|category|meta-date|meta-reviewer"
)
_DISCARD_CLASS_EXACT = frozenset({"comments", "title", "date"})

# AUTHOR_XPATHS[0]: specific.
_SPECIFIC_TAGS = ("a", "address", "div", "link", "p", "span", "strong")
_SPECIFIC_CLASS = re.compile("author-?name|AuthorName|authorName")
_SPECIFIC_TESTIDS = frozenset({"AuthorCard", "AuthorURL"})
# AUTHOR_XPATHS[1]: almost generic.
_GENERIC_TAGS = ("a", "div", "h3", "h4", "p", "span")
_GENERIC_CLASS_EXACT = frozenset({"byline", "username", "byl", "BBL"})
_GENERIC_ID = re.compile("author|zuozhe|bianji|xiaobian")
_GENERIC_CLASS = re.compile("author|channel-name|zuozhe|bianji|xiaobian|submitted-by|posted-by|journalist-name")
# AUTHOR_XPATHS[2]: last resort, any element.
_ANY_ID = re.compile("[Aa]uthor")
_ANY_CLASS = re.compile("[Aa]uthor|screenname|writer|[Bb]yline")


def _document_root(tree: HtmlElement) -> _Element:
    # An expression starting with // searches the whole document, whichever element it is given.
    return tree.getroottree().getroot()


def _is_discarded(element: _Element) -> bool:
    get = element.get
    id_, class_ = get("id", ""), get("class", "")
    return (
        id_ == "comments"
        or class_ in _DISCARD_CLASS_EXACT
        or _DISCARD_ID.search(id_) is not None
        or _DISCARD_CLASS.search(class_) is not None
        or "Figure" in get("data-component", "")
    )


def discarded_sections(tree: HtmlElement) -> list[_Element]:
    """AUTHOR_DISCARD_XPATHS[0]: `.//*[...]`, the descendants of `tree` (not `tree` itself)."""
    return [element for element in tree.iterdescendants(*_DISCARD_TAGS) if _is_discarded(element)]


def times_and_figures(tree: HtmlElement) -> list[_Element]:
    """AUTHOR_DISCARD_XPATHS[1]: `//time|//figure`."""
    return list(_document_root(tree).iter("time", "figure"))


def _rel_me_parents(root: _Element) -> set[_Element]:
    # `rel='me'` without the @ compares the string value of child elements named <rel>: an odd
    # test in trafilatura's expression, kept so that the same elements match. Pages almost never
    # have <rel> elements, so this looks for them once instead of at every candidate.
    return {rel.getparent() for rel in root.iter("rel") if rel.xpath("string()") == "me"}


def specific_bylines(tree: HtmlElement) -> list[_Element]:
    """AUTHOR_XPATHS[0]: author links, ids, classes and item properties, and <author> elements."""
    root = _document_root(tree)
    rel_me = _rel_me_parents(root)
    found = []
    for element in root.iter(*_SPECIFIC_TAGS, "author"):
        get = element.get
        class_ = get("class", "")
        if (
            element.tag == "author"
            or get("rel") == "author"
            or get("id") == "author"
            or class_ == "author"
            or get("itemprop") == "author name"
            or get("data-testid") in _SPECIFIC_TESTIDS
            or _SPECIFIC_CLASS.search(class_) is not None
            or element in rel_me
        ):
            found.append(element)
    return found


def generic_bylines(tree: HtmlElement) -> list[_Element]:
    """AUTHOR_XPATHS[1]: byline and author classes and ids on the tags that usually carry them."""
    found = []
    for element in _document_root(tree).iter(*_GENERIC_TAGS):
        get = element.get
        class_ = get("class", "")
        if (
            class_ in _GENERIC_CLASS_EXACT
            or "author" in get("itemprop", "")
            or _GENERIC_ID.search(get("id", "")) is not None
            or _GENERIC_CLASS.search(class_) is not None
        ):
            found.append(element)
    return found


def any_bylines(tree: HtmlElement) -> list[_Element]:
    """AUTHOR_XPATHS[2]: the same hints on any element."""
    found = []
    for element in _document_root(tree).iter(Element):  # elements only: no comments or PIs
        get = element.get
        if (
            "Byline" in get("data-component", "")
            or "author" in get("itemprop", "")
            or _ANY_ID.search(get("id", "")) is not None
            or _ANY_CLASS.search(get("class", "")) is not None
        ):
            found.append(element)
    return found


DISCARD_SELECTORS: list[Selector] = [discarded_sections, times_and_figures]
AUTHOR_SELECTORS: list[Selector] = [specific_bylines, generic_bylines, any_bylines]


def markup_author(tree: HtmlElement) -> str | None:
    """What `trafilatura.metadata.extract_author` finds, without its copy: this prunes `tree`.

    Two pages in three declare no author in their meta tags or JSON-LD and come here.
    """
    from trafilatura.htmlprocessing import prune_unwanted_nodes
    from trafilatura.json_metadata import normalize_authors
    from trafilatura.metadata import extract_metainfo

    # trafilatura's own loops take any callable that returns elements in document order.
    pruned = prune_unwanted_nodes(tree, DISCARD_SELECTORS)
    author = extract_metainfo(pruned, AUTHOR_SELECTORS, len_limit=120)
    return normalize_authors(None, author) if author else None
