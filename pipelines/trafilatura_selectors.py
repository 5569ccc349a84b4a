"""trafilatura's hottest XPath expressions, with their element tests in Python.

To find and clean a page's article, trafilatura evaluates XPath expressions that libxml2 tests
against every element of the page, calling back into Python for each `re:test`. On the
synthetic site's pages they took 7.2 of the 16 ms a worker spent on a page. The selectors here
pick the same elements in the same order but visit only the tags an expression names, testing
attributes with compiled regular expressions:

- `trafilatura.core`: the first prunes of the page, infinite-scroll containers, share-button
  bars and comment sections (`RAW_TREE_PRUNE_XPATH`, `REMOVE_COMMENTS_AND_LISTS_XPATH`,
  `REMOVE_COMMENTS_XPATH`: 2.8 ms a page);
- `trafilatura.main_extractor`: the first body search (`BODY_XPATH[0]`) and the boilerplate
  prune of the body found (`OVERALL_DISCARD_XPATH`).

`install()` also gives trafilatura's HTML parser an element class lookup in C.

`install()` puts them in trafilatura's modules in place of the expressions, and only where
those expressions are the ones translated here: their text is checked against a digest, so an
upgrade that changes one leaves trafilatura as it is (with a warning to re-check this module).
Extraction results do not change: tests/test_xpath_selectors.py checks each selector against its
expression and the extracted text and metadata with and without them.
"""

from __future__ import annotations

import hashlib
import importlib
import logging
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from lxml.etree import Element, _Element
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


# ---- trafilatura.main_extractor --------------------------------------------------------------

_BODY_TAGS = ("article", "div", "main", "section")
_BODY_CLASS_EXACT = frozenset({"post", "entry"})
_BODY_ID = re.compile("(?:entry|article|art)-content|article__content|article(?:-|__)?body|articleBody|body-text")
_BODY_CLASS = re.compile(
    "post[-_]text|post-body|post-?entry|post[-_]?content|postContent|post_inner_wrapper|article-?text|articleText"
    "|(?:entry|page|text|article|art)-content|article__content|article(?:-|__)?body|articleBody|ArticleContent"
    "|body-text|article__container"
)


def article_bodies(tree: HtmlElement) -> list[_Element]:
    """BODY_XPATH[0]: article-body containers; `[1]` keeps the first such child of each parent."""
    found = []
    parents: set[_Element | None] = set()
    for element in tree.iterdescendants(*_BODY_TAGS):
        get = element.get
        id_, class_ = get("id", ""), get("class", "")
        if (
            class_ in _BODY_CLASS_EXACT
            or get("itemprop") == "articleBody"
            or id_ == "articleContent"
            or _BODY_ID.search(id_)
            or _BODY_CLASS.search(class_)
        ):
            parent = element.getparent()
            if parent not in parents:
                parents.add(parent)
                found.append(element)
    return found


def _union_value(element: _Element, first: str, second: str) -> str:
    """The string value of `@first|@second`: the one written first in the tag when both are there.

    XPath converts a node set to the string of its first node in document order, and an
    element's attributes come in the order the page wrote them.
    """
    one: str | None = element.get(first)
    other: str | None = element.get(second)
    if one is None:
        return other or ""
    if other is None:
        return one
    keys = element.keys()
    return one if keys.index(first) < keys.index(second) else other


_BOILERPLATE_TAGS = ("div", "item", "list", "p", "section", "span")
_BOILERPLATE_ID = re.compile(
    "^shar|social|viral|newsletter|syndication|tags|sidebar|banner|bread-?crumb|button|author|^(?:jp-|dpsp-content)"
    "|bmdh|footer|Footer|share|Share|nav|Nav|menu|related|message-container|premium|^ad-"
)
_BOILERPLATE_CLASS = re.compile(
    "^shar|social|viral|newsletter|syndication|tags|sidebar|banner|bread-?crumb|button|author"
    "|^(?:nav|post-nav|ZendeskForm)|subnav|avigation|navbar|navbox|menu|bar| ad |-ad-|(?:^| )ad-|dfp[Aa]d|outbrain"
    "|taboola|criteo|paid-?content|widget|footer|Footer|byline|Byline|share-|sociable|embedded|embed|tag-list"
    "|consent|modal-content|permission|elated|next-|-stories|most-popular|more-on|meta|rating|attachment|timestamp"
    "|user-info|user-profile|-icon|article-infos|message-container|slide|viewport|overlay|options|expand"
    "|obfuscated|blurred|mol-factbox|yin|zlylin|nfoline"
)


def boilerplate_sections(tree: HtmlElement) -> list[_Element]:
    """OVERALL_DISCARD_XPATH[0]: navigation, share bars, ads, related links, consent banners."""
    found = []
    for element in tree.iterdescendants(*_BOILERPLATE_TAGS):
        get = element.get
        if (
            get("data-lp-replacement-content") is not None
            or "nav" in get("role", "").replace("N", "n")
            or "MostPopularStories" in get("data-component", "")
            or "cookie" in _union_value(element, "id", "class")
            or _BOILERPLATE_ID.search(get("id", ""))
            or _BOILERPLATE_CLASS.search(get("class", ""))
        ):
            found.append(element)
    return found


_HIDDEN_ID = re.compile("reader-comments|akismet")
_HIDDEN_CLASS = re.compile(
    "^hide-|comments-title|nocomments|-reply-|message|akismet|suggest-links|-hide-|hide-print| hidden| hide"
    "|noprint|notloaded"
)


def hidden_and_reply_elements(tree: HtmlElement) -> list[_Element]:
    """OVERALL_DISCARD_XPATH[1]: hidden elements, reply forms, comment titles, on any tag."""
    found = []
    for element in tree.iterdescendants(Element):  # elements only: no comments or PIs
        get = element.get
        style = get("style", "")
        if (
            get("class") == "comments-title"
            or _union_value(element, "id", "class").startswith("reply-")
            or "hidden" in _union_value(element, "id", "style")
            or "display:none" in style
            or "display: none" in style
            or _HIDDEN_ID.search(get("id", ""))
            or _HIDDEN_CLASS.search(get("class", ""))
            or get("aria-hidden") == "true"
        ):
            found.append(element)
    return found


@dataclass(frozen=True)
class Replacement:
    """Where the selectors go: a list of XPath expressions in one of trafilatura's modules.

    The selectors stand for the list's first expressions; the rest stay trafilatura's own.
    """

    module: str
    name: str
    digest: str  # of the whole list's text, as translated here
    selectors: tuple[Selector, ...]

    @property
    def key(self) -> str:
        return f"{self.module}.{self.name}"


REPLACEMENTS: tuple[Replacement, ...] = (
    Replacement(
        "trafilatura.core",
        "RAW_TREE_PRUNE_XPATH",
        "25d5ab67770cfefa5a7d1d55925a495662925a37ce9a82519a44e9245d61993b",
        (appended_articles, share_button_bars),
    ),
    Replacement(
        "trafilatura.core",
        "REMOVE_COMMENTS_AND_LISTS_XPATH",
        "ec1083e558ae70c0be79fe7ff3f11f7fcac683c3bd7c6ba692c8feadb2c26a04",
        (comment_sections_and_lists,),
    ),
    Replacement(
        "trafilatura.core",
        "REMOVE_COMMENTS_XPATH",
        "853775ab53d61b2678b70a2f542bbb75e08be014c4164ef8e9ad66bb5487e52e",
        (comment_sections,),
    ),
    Replacement(
        "trafilatura.main_extractor",
        "BODY_XPATH",
        "775e2256647ff46dbf78421354b799fb26e0e3ff4576d448cf946df88fff7598",
        (article_bodies,),
    ),
    Replacement(
        "trafilatura.main_extractor",
        "OVERALL_DISCARD_XPATH",
        "dc760978391c1f23944be69cd4cb5b501d254eb7668031b72eafaa84eef8cb73",
        (boilerplate_sections, hidden_and_reply_elements),
    ),
)

#: What install() put in place, by Replacement.key: how a later call knows it is done.
_INSTALLED: dict[str, list[object]] = {}


def expressions_digest(expressions: Sequence[object]) -> str:
    """A digest of XPath expressions' text, to tell whether trafilatura changed them."""
    text = "\n".join(" ".join(str(getattr(expression, "path", expression)).split()) for expression in expressions)
    return hashlib.sha256(text.encode()).hexdigest()


def _plain_element_lookup() -> object:
    """A class lookup in C: every element an HtmlElement, comments and the like their lxml.html classes.

    `lxml.html`'s parser picks each element's class with a Python method (so that a form is a
    FormElement, an input an InputElement): a Python call for every element proxy lxml makes,
    about 6% of a worker's instructions (callgrind: 73.4 against 69.0 million a page).
    trafilatura uses no form methods: the extraction is the same on the 435 pages of the tests
    and benchmarks, in fast and in full mode.
    """
    from lxml import etree
    from lxml.html import HtmlComment, HtmlElement, HtmlEntity, HtmlProcessingInstruction

    return etree.ElementDefaultClassLookup(
        element=HtmlElement, comment=HtmlComment, pi=HtmlProcessingInstruction, entity=HtmlEntity
    )


def install() -> list[str]:
    """Swap the selectors into trafilatura where its expressions are the translated ones.

    Also gives trafilatura's HTML parser a class lookup in C (`_plain_element_lookup`).
    Returns the keys ("module.NAME") swapped. Idempotent: a list already swapped is left alone.
    """
    from trafilatura.utils import HTML_PARSER

    HTML_PARSER.set_element_class_lookup(_plain_element_lookup())
    swapped = []
    for replacement in REPLACEMENTS:
        module = importlib.import_module(replacement.module)
        current = getattr(module, replacement.name, None)
        if current is not None and current is _INSTALLED.get(replacement.key):
            swapped.append(replacement.key)
        elif isinstance(current, list) and expressions_digest(current) == replacement.digest:
            selectors: list[object] = [*replacement.selectors, *current[len(replacement.selectors) :]]
            setattr(module, replacement.name, selectors)
            _INSTALLED[replacement.key] = selectors
            swapped.append(replacement.key)
        else:
            logger.warning(
                "%(key)s is not the expression list pipelines/trafilatura_selectors.py translates "
                "(a trafilatura upgrade?): extraction uses trafilatura's own, a little slower",
                {"key": replacement.key},
            )
    return swapped


@contextmanager
def installed() -> Iterator[list[str]]:
    """`install()` for the duration of a `with` block, then trafilatura's own expressions again.

    For a process that also runs stock trafilatura, as the throughput benchmark does.
    """
    from lxml.html import HtmlElementClassLookup
    from trafilatura.utils import HTML_PARSER

    originals = [
        (module, replacement.name, getattr(module, replacement.name))
        for replacement in REPLACEMENTS
        for module in [importlib.import_module(replacement.module)]
    ]
    try:
        yield install()
    finally:
        for module, name, value in originals:
            setattr(module, name, value)
        HTML_PARSER.set_element_class_lookup(HtmlElementClassLookup())  # what lxml.html's parser starts with
