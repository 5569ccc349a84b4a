"""An article cut into sentence units, with the lexicons' hits in its title and text.

`Article.read()` finds offices and officials over both fields, keeps the sentences near them
and runs the other lexicons only there. `within()` picks the hits inside one sentence.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from pipelines.relevance.matching import DateWord, Hit, Matcher, Place

P = TypeVar("P")


_ABBREVIATIONS = frozenset(
    (
        *("mr", "mrs", "ms", "dr", "gen", "lt", "col", "maj", "sgt", "st", "no", "vs", "inc", "co", "corp", "tp"),
        *("jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec"),
        *("u.s", "u.k", "d.c", "e.g", "i.e"),
    )
)
_SENTENCE_END = re.compile(r"[。！？]+[」』）\"”]?|[.!?]+[\"”’)]?(?=\s)|\n+")


@dataclass(frozen=True)
class Unit:
    """A sentence of the title (index -1) or of the text (0, 1, ...)."""

    field: str
    index: int
    start: int
    end: int
    sentence: str


def _split_sentences(field_name: str, value: str, first_index: int) -> list[Unit]:
    units: list[Unit] = []
    start = 0
    for match in _SENTENCE_END.finditer(value):
        end = match.end()
        if match.group()[0] == "." and _is_abbreviation(value, match.start()):
            continue
        units.extend(_unit(field_name, value, start, end, first_index + len(units)))
        start = end
    units.extend(_unit(field_name, value, start, len(value), first_index + len(units)))
    return units


_LAST_WORD = re.compile(r"([\w.]+)$")


def _is_abbreviation(value: str, dot: int) -> bool:
    word = _LAST_WORD.search(value, max(0, dot - 16), dot)
    if word is None:
        return False
    token = word.group(1).lower()
    return token in _ABBREVIATIONS or len(token) == 1


def _unit(field_name: str, value: str, start: int, end: int, index: int) -> list[Unit]:
    piece = value[start:end]
    stripped = piece.strip()
    if not stripped:
        return []
    offset = start + piece.index(stripped)
    return [Unit(field_name, index, offset, offset + len(stripped), stripped)]


@dataclass
class FieldHits:
    """The lexicons' hits in one field: offices everywhere, the rest near an office."""

    value: str
    titles: list[Hit[str]]
    bodies: list[Hit[str]]
    officials: list[Hit[int]]
    heads: list[Hit[bool]] = field(default_factory=list)
    cues: list[Hit[bool]] = field(default_factory=list)
    before: list[Hit[bool]] = field(default_factory=list)
    after: list[Hit[bool]] = field(default_factory=list)
    background: list[Hit[bool]] = field(default_factory=list)
    negative: list[Hit[bool]] = field(default_factory=list)
    anaphora: list[Hit[bool]] = field(default_factory=list)
    future: list[Hit[bool]] = field(default_factory=list)
    ranks: list[Hit[bool]] = field(default_factory=list)
    places: list[Hit[Place]] = field(default_factory=list)
    abbreviations: list[Hit[str]] = field(default_factory=list)
    visit_words: list[Hit[str]] = field(default_factory=list)
    date_words: list[Hit[DateWord]] = field(default_factory=list)

    @classmethod
    def offices(cls, value: str, matcher: Matcher) -> FieldHits:
        found = matcher.offices.find(value, value.lower(), [(0, len(value))])
        return cls(value, found["titles"], found["bodies"], found["officials"])

    def scan_near(self, spans: list[tuple[int, int]], matcher: Matcher) -> None:
        """Run the other lexicons only over these spans: most of a long article is never read twice."""
        lowered = self.value.lower()
        for combined in (matcher.words, matcher.names):
            for name, hits in combined.find(self.value, lowered, spans).items():
                setattr(self, name, hits)
        # "上将于" is a general's rank followed by "on", not "将于" (will, on).
        self.future = [
            hit for hit in self.future if not any(r.start < hit.end and hit.start < r.end for r in self.ranks)
        ]


@dataclass
class Article:
    fields: dict[str, FieldHits]
    units: list[Unit]
    wanted: set[int] = field(default_factory=set)  # positions of the sentences worth reading

    @classmethod
    def read(cls, title: str, text: str, matcher: Matcher) -> Article | None:
        """The article's sentences and hits, or None when no watched office or official appears."""
        fields = {"title": FieldHits.offices(title, matcher), "text": FieldHits.offices(text, matcher)}
        if not any(hits.titles or hits.bodies or hits.officials for hits in fields.values()):
            return None
        units = _split_sentences("title", title, -1)[:1]  # a title is one unit, however punctuated
        if units:
            units = [Unit("title", -1, units[0].start, len(title.rstrip()), title.strip())]
        units += _split_sentences("text", text, 0)
        article = cls(fields, units)
        article.wanted = article.near_mentions()
        for name, hits in fields.items():
            hits.scan_near(article.spans(name), matcher)
        return article

    def near_mentions(self) -> set[int]:
        """Sentences with an office, the one before and two after; the title and lead together."""
        wanted: set[int] = set()
        for position, unit in enumerate(self.units):
            hits = self.fields[unit.field]
            if any((within(hits.titles, unit), within(hits.bodies, unit), within(hits.officials, unit))):
                wanted.update(range(position - 1, position + 3))
                if unit.index <= 1:
                    wanted.update((0, 1, 2))
        return {position for position in wanted if 0 <= position < len(self.units)}

    def spans(self, field_name: str) -> list[tuple[int, int]]:
        wanted = self.wanted
        spans: list[tuple[int, int]] = []
        for position in sorted(wanted):
            if self.units[position].field != field_name:
                continue
            unit = self.units[position]
            if spans and position - 1 in wanted:
                spans[-1] = (spans[-1][0], unit.end)
            else:
                spans.append((unit.start, unit.end))
        return spans


def within(hits: Sequence[Hit[P]], unit: Unit) -> list[Hit[P]]:
    if not hits:
        return []
    low = bisect.bisect_left(hits, unit.start, key=_start)
    high = bisect.bisect_left(hits, unit.end, key=_start)
    return [hit for hit in hits[low:high] if hit.end <= unit.end]


def _start(hit: Hit[P]) -> int:
    return hit.start
