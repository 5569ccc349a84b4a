"""What the trip reader reports: evidence with offsets, and the trip as the text tells it.

`pipelines.classify` re-exports these with `Classification`, which holds them.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Evidence:
    """One thing found in the title or the text, with offsets into that field."""

    kind: str  # "official" | "office" | "cue" | "destination" | "counterpart" | "date"
    field: str  # "title" | "text"
    matched: str
    value: str
    sentence: str
    start: int
    end: int


@dataclass(frozen=True)
class TripOfficial:
    """Who travels: a name when the text or the watch list gives one."""

    name: str | None
    country: str | None
    office: str  # Office.id


@dataclass(frozen=True)
class TripRecord:
    """The trip as far as the text tells it."""

    officials: tuple[TripOfficial, ...]
    destinations: tuple[str, ...]  # ISO 3166 alpha-2
    counterparts: tuple[str, ...]
    dates: tuple[str, ...]  # ISO dates or ranges "2026-10-20/2026-10-31"
