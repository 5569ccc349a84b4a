"""Exports of stored items: JSONL and CSV for tools, plain text like a clipped article."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any, TextIO

from storage.repository import StoredArticle

FORMATS = ("jsonl", "csv", "txt")


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def item_record(item: StoredArticle) -> dict[str, Any]:
    """The public export record: these field names are a contract."""
    trip = item.trip or {}
    return {
        "id": item.id,
        "url": item.url,
        "urls": [u.url for u in item.urls if u.kind != "copy"],
        "source": item.source,
        "title": item.title,
        "author": item.author,
        "published": _iso(item.published),
        "language": item.language,
        "summary": item.summary,
        "text": item.text,
        "relevance": item.label,
        "classifier_relevance": item.relevance,
        "score": item.score,
        "evidence": item.evidence,
        "trip": item.trip,
        "officials": [o.get("name") for o in trip.get("officials", [])],
        "destinations": list(trip.get("destinations", [])),
        "also_published_at": [{"url": u.url, "source": u.source} for u in item.copies],
        "starred": item.starred,
        "reviewed": item.reviewed,
        "note": item.note,
        "first_seen": _iso(item.first_seen),
        "fetched_at": _iso(item.fetched_at),
    }


def write_jsonl(items: Iterable[StoredArticle], out: TextIO) -> int:
    count = 0
    for item in items:
        out.write(json.dumps(item_record(item), ensure_ascii=False) + "\n")
        count += 1
    return count


CSV_FIELDS = (
    "id",
    "url",
    "source",
    "title",
    "author",
    "published",
    "language",
    "relevance",
    "score",
    "officials",
    "destinations",
    "also_published_at",
    "starred",
    "reviewed",
    "note",
    "summary",
    "text",
)


def write_csv(items: Iterable[StoredArticle], out: TextIO) -> int:
    writer = csv.DictWriter(out, fieldnames=CSV_FIELDS, extrasaction="ignore")
    writer.writeheader()
    count = 0
    for item in items:
        record = item_record(item)
        record["officials"] = "; ".join(n for n in record["officials"] if n)
        record["destinations"] = " ".join(record["destinations"])
        record["also_published_at"] = " ".join(c["url"] for c in record["also_published_at"])
        writer.writerow(record)
        count += 1
    return count


def write_txt(items: Iterable[StoredArticle], out: TextIO) -> int:
    """Each item as its title, a blank line, then the text; items separated by a rule."""
    count = 0
    for item in items:
        if count:
            out.write("\n" + "-" * 72 + "\n\n")
        out.write(f"{item.title or item.url}\n\n{item.text.rstrip()}\n")
        count += 1
    return count


def write_atom_export(items: Iterable[StoredArticle], out: TextIO) -> int:
    """An Atom feed file whose entries link to the original articles (the UI's feed links to its pages)."""
    from datetime import UTC

    from review.atom import FeedInfo, write_atom

    entries = list(items)
    newest = max((item.updated_at for item in entries), default=datetime.now(UTC))
    info = FeedInfo(
        title="tripwatch export",
        feed_id="urn:tripwatch:export",
        self_url="urn:tripwatch:export",
        html_url="urn:tripwatch:export",
        updated=newest,
    )
    return write_atom(entries, out, info, lambda item: item.url)


WRITERS = {"jsonl": write_jsonl, "csv": write_csv, "txt": write_txt, "atom": write_atom_export}
