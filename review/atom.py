"""An Atom feed (RFC 4287) of stored items, so a feed reader can follow a filter of the inbox."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TextIO
from xml.sax.saxutils import XMLGenerator
from xml.sax.xmlreader import AttributesImpl

from storage.repository import StoredArticle

ATOM_NS = "http://www.w3.org/2005/Atom"
SUMMARY_CHARS = 600

# Characters XML 1.0 cannot carry at all, even escaped; scraped text sometimes has them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True)
class FeedInfo:
    """What the feed says about itself."""

    title: str
    feed_id: str  # a stable IRI: the feed's address without credentials
    self_url: str  # where readers fetch it
    html_url: str  # the inbox showing the same filter
    updated: datetime  # when nothing newer is in the feed


def _clean(value: str) -> str:
    return _NOT_XML.sub("", value)


def _rfc3339(value: datetime) -> str:
    return value.isoformat(timespec="seconds").replace("+00:00", "Z")


def entry_summary(item: StoredArticle) -> str:
    """Who went where, then the start of the text: enough to decide from the reader."""
    trip = item.trip or {}
    officials = ", ".join(
        str(o.get("name")) for o in trip.get("officials") or [] if isinstance(o, dict) and o.get("name")
    )
    destinations = ", ".join(str(code) for code in trip.get("destinations") or [])
    lead = " ".join(item.text.split())
    if len(lead) > SUMMARY_CHARS:
        lead = lead[:SUMMARY_CHARS].rsplit(" ", 1)[0] + " …"
    who = f"{officials or 'Unknown official'} → {destinations}. " if destinations or officials else ""
    return who + lead


class _Writer:
    """XMLGenerator with the few Atom shapes this feed needs; it escapes every text and attribute."""

    def __init__(self, out: TextIO) -> None:
        # typeshed asks for TextIOBase; any text stream with write(str) works.
        self.xml = XMLGenerator(out, encoding="utf-8", short_empty_elements=True)  # type: ignore[arg-type]

    def start(self, name: str, attrs: dict[str, str] | None = None) -> None:
        self.xml.startElement(name, AttributesImpl({k: _clean(v) for k, v in (attrs or {}).items()}))

    def end(self, name: str) -> None:
        self.xml.endElement(name)

    def element(self, name: str, value: str, attrs: dict[str, str] | None = None) -> None:
        self.start(name, attrs)
        self.xml.characters(_clean(value))
        self.end(name)

    def link(self, href: str, rel: str, kind: str | None = None) -> None:
        attrs = {"rel": rel, "href": href}
        if kind:
            attrs["type"] = kind
        self.start("link", attrs)
        self.end("link")


def write_atom(
    items: Iterable[StoredArticle],
    out: TextIO,
    info: FeedInfo,
    item_url: Callable[[StoredArticle], str],
) -> int:
    """Write the feed; `item_url` gives an item's page in the review UI. Returns the entry count."""
    entries = list(items)
    writer = _Writer(out)
    writer.xml.startDocument()
    writer.start("feed", {"xmlns": ATOM_NS})
    writer.element("title", info.title)
    writer.element("id", info.feed_id)
    writer.link(info.self_url, "self", "application/atom+xml")
    writer.link(info.html_url, "alternate", "text/html")
    newest = max((item.updated_at for item in entries), default=info.updated)
    writer.element("updated", _rfc3339(newest))
    writer.element("generator", "tripwatch")
    for item in entries:
        _write_entry(writer, item, item_url(item))
    writer.end("feed")
    writer.xml.endDocument()
    return len(entries)


def _write_entry(writer: _Writer, item: StoredArticle, review_url: str) -> None:
    writer.start("entry")
    writer.element("title", item.title or item.url, {"type": "text"})
    # The article's own address: stable whatever host or port serves this feed.
    writer.element("id", item.url)
    writer.link(item.url, "alternate", "text/html")
    writer.link(review_url, "related", "text/html")
    writer.element("updated", _rfc3339(item.updated_at))
    writer.element("published", _rfc3339(item.published or item.first_seen))
    writer.start("author")
    writer.element("name", item.author or item.sitename or item.source)
    writer.end("author")
    if item.label:
        writer.start("category", {"term": item.label, "label": f"tripwatch: {item.label}"})
        writer.end("category")
    for code in (item.trip or {}).get("destinations") or []:
        writer.start("category", {"term": f"destination:{code}", "label": str(code)})
        writer.end("category")
    writer.element("summary", entry_summary(item), {"type": "text"})
    writer.end("entry")
