"""Trips found in an article's sentences, scored, with the evidence and the trip record.

Scoring in short: a trip found in the title or the first sentence counts fully, later
sentences less; a trip told as background ("when the minister visited Hanoi last year")
or next to travel-advice or spy-trial words counts half or less; more sentences about the
same trip add a little. `TripReader.result()` gives the best trip's score, which
`pipelines.classify` cuts into labels.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

from pipelines.relevance.dates import DateReader
from pipelines.relevance.matching import CJK_RE, Hit, Matcher, Place
from pipelines.relevance.model import Evidence, TripOfficial, TripRecord
from pipelines.relevance.officials import Mention
from pipelines.relevance.sentences import Article, FieldHits, Unit, within

# Weight of a trip by where it is told: the title and the lead carry the story.
_POSITION_WEIGHT = {-1: 1.0, 0: 1.0, 1: 0.9}
_LATER_WEIGHT = 0.75
_ADJACENT_PLACE_WEIGHT = 0.8  # the place is in the sentence before or after the official's
_BACKGROUND_FACTOR = 0.5
_NEGATIVE_FACTOR = 0.6
_UNKNOWN_HOME_FACTOR = 0.85  # we could not tell whose official it is
_SUPPORT_BONUS = 0.1  # per further sentence about the same trip
_MAX_SUPPORT = 2
_BACKGROUND_DAYS = 30  # a trip dated this long before publication is told as background
_PARTIAL_CUE_SCORE = 0.2  # an official and a trip cue, but no place abroad
_PARTIAL_OFFICE_SCORE = 0.1


_WORD = re.compile(r"[^\s,]+")


@dataclass
class _UnitFacts:
    unit: Unit
    mentions: list[Mention]
    cues: list[Hit[bool]]
    destinations: list[Hit[str]]  # marked places: payload is the country code
    background: bool
    negative: bool
    future: bool
    reader: DateReader | None = None  # dates are read only for the sentences that need them
    _dates: list[tuple[Hit[str], date, date]] | None = None

    @property
    def dates(self) -> list[tuple[Hit[str], date, date]]:
        if self._dates is None:
            self._dates = self.reader.dates() if self.reader is not None else []
        return self._dates


@dataclass(frozen=True)
class _Sighting:
    """One sentence that puts an official abroad."""

    score: float
    destinations: list[Hit[str]]
    place_unit: int  # the sentence that named the place: this one or a neighbour


@dataclass
class _Trip:
    """One official's trip: the best sentence and the others that support it."""

    mention: Mention
    score: float
    units: list[int] = field(default_factory=list)  # sentences that name the official
    destinations: list[Hit[str]] = field(default_factory=list)
    place_units: list[int] = field(default_factory=list)  # neighbouring sentences that gave a place


class TripReader:
    """Finds trips in the sentences of one article and scores them."""

    def __init__(self, article: Article, matcher: Matcher, mentions: list[Mention], day: date | None) -> None:
        self.article = article
        self.matcher = matcher
        self.day = day
        self.facts: list[_UnitFacts] = []
        for position, unit in enumerate(article.units):
            if position not in article.wanted:
                self.facts.append(_UnitFacts(unit, [], [], [], False, False, False))
                continue
            # A plan told over several sentences: "will visit Fiji... The tour ends in Honiara on Friday."
            previous = self.facts[-1] if self.facts and self.facts[-1].unit.field == unit.field else None
            planned = previous is not None and previous.future
            self.facts.append(self._facts(unit, [m for m in mentions if m.unit is unit], planned))

    def _facts(self, unit: Unit, mentions: list[Mention], planned: bool) -> _UnitFacts:
        hits = self.article.fields[unit.field]
        future = planned or bool(within(hits.future, unit))
        cues = within(hits.cues, unit) + [Hit(h.start, h.end, h.text, True) for h in within(hits.visit_words, unit)]
        facts = _UnitFacts(
            unit=unit,
            mentions=mentions,
            cues=cues,
            destinations=self._destinations(hits, unit),
            background=bool(within(hits.background, unit)),
            negative=bool(within(hits.negative, unit)),
            future=future,
            reader=DateReader(self.matcher, hits, unit, self.day, future),
        )
        if self.day is not None and unit.index > 0 and mentions and cues and not facts.background:
            # A trip dated weeks before publication is context, not the news.
            dates = facts.dates
            facts.background = bool(dates) and all((self.day - last).days > _BACKGROUND_DAYS for _, _, last in dates)
        return facts

    def _destinations(self, hits: FieldHits, unit: Unit) -> list[Hit[str]]:
        """Places written where a destination goes: after "in"/"tại"/"在", before "を訪問"."""
        value = hits.value
        places = within(hits.places, unit)
        befores = within(hits.before, unit)
        afters = within(hits.after, unit)
        marked: list[Hit[str]] = [Hit(h.start, h.end, h.text, h.payload) for h in within(hits.visit_words, unit)]
        for group in self._groups(value, places):
            first, last = group[0], group[-1]
            prior = [hit for hit in befores if hit.end <= first.start]
            led = bool(prior) and self._lead_gap(value[prior[-1].end : first.start])
            later = [hit for hit in afters if hit.start >= last.end]
            followed = bool(later) and self.matcher.fillers.fullmatch_gap(value[last.end : later[0].start])
            if led or followed:
                marked.extend(Hit(hit.start, hit.end, hit.text, hit.payload.country) for hit in group)
        return sorted(marked, key=lambda hit: hit.start)

    def _groups(self, value: str, places: list[Hit[Place]]) -> list[list[Hit[Place]]]:
        groups: list[list[Hit[Place]]] = []
        for hit in places:
            if groups and self.matcher.joiners.fullmatch_gap(value[groups[-1][-1].end : hit.start], ",，、・·"):
                groups[-1].append(hit)
            else:
                groups.append([hit])
        return groups

    def _lead_gap(self, gap: str) -> bool:
        if not gap.strip():
            return True
        rest = self.matcher.fillers.blank(gap)
        if CJK_RE.search(rest):
            return False
        # Unknown capitalised words may be a city we do not list: "tại thành phố Marrakech, Vương quốc Maroc".
        words = _WORD.findall(rest)
        return all(word[0].isupper() for word in words) and len(words) <= 2

    def result(self) -> tuple[float, tuple[Evidence, ...], TripRecord | None]:
        """The score in [0, 1] (the caller cuts it into a label), the evidence and the trip."""
        trips = self._trips()
        score = max((trip.score for trip in trips), default=self._partial_score())
        score = round(min(1.0, score), 3)
        evidence, record = self._record(trips)
        return score, tuple(evidence), record

    def _partial_score(self) -> float:
        if any(facts.mentions and facts.cues for facts in self.facts):
            return _PARTIAL_CUE_SCORE
        if any(facts.mentions for facts in self.facts):
            return _PARTIAL_OFFICE_SCORE
        return 0.0

    def _trips(self) -> list[_Trip]:
        trips: dict[tuple[str | None, str], _Trip] = {}
        for position, facts in enumerate(self.facts):
            if not facts.cues:
                continue
            for mention, sighting in self._travellers(position, facts):
                key = (mention.home, mention.office.id)
                trip = trips.get(key)
                if trip is None:
                    trips[key] = _Trip(
                        mention, sighting.score, [position], sighting.destinations, [sighting.place_unit]
                    )
                    continue
                trip.place_units.append(sighting.place_unit)
                if mention.name and (trip.mention.name is None or sighting.score > trip.score):
                    trip.mention = mention
                trip.score = max(trip.score, sighting.score)
                trip.units.append(position)
                trip.destinations.extend(sighting.destinations)
        self._merge_generic(trips)
        known = [trip for trip in trips.values() if trip.mention.home is not None]
        visited = {hit.payload for trip in known for hit in trip.destinations}
        result = []
        for trip in trips.values():
            # An unqualified foreign title in a sentence about someone else's visit is the host.
            if trip.mention.home is None and known and {hit.payload for hit in trip.destinations} <= visited:
                continue
            if self._hosts_a_stronger_trip(trip, known):
                continue
            support = min(_MAX_SUPPORT, len(set(trip.units)) - 1)
            trip.score += _SUPPORT_BONUS * support
            self._continue(trip)
            result.append(trip)
        return result

    def _hosts_a_stronger_trip(self, trip: _Trip, known: list[_Trip]) -> bool:
        """'...arrived in Tokyo. He will also meet the chairman of the NPSC': the chairman is at
        home receiving a visitor, however near a place abroad his name falls."""
        return any(
            other is not trip
            and other.score > trip.score
            and any(self.matcher.same_country(trip.mention.home, hit.payload) for hit in other.destinations)
            for other in known
        )

    def _travellers(self, position: int, facts: _UnitFacts) -> list[tuple[Mention, _Sighting]]:
        """Who travels in this sentence. Whoever is at home in a country that someone named
        earlier in the sentence is visiting is that visitor's host, not a traveller."""
        kept: list[tuple[Mention, _Sighting]] = []
        visited: set[str] = set()
        for mention in sorted(facts.mentions, key=lambda item: item.start):
            sighting = self._sighting(position, facts, mention)
            if sighting is None:
                continue
            if any(self.matcher.same_country(mention.home, country) for country in visited):
                continue
            kept.append((mention, sighting))
            visited.update(hit.payload for hit in sighting.destinations)
        return kept

    @staticmethod
    def _merge_generic(trips: dict[tuple[str | None, str], _Trip]) -> None:
        """'South Korean spy chief' in the title and 'NIS director' in the text are one person."""
        for key, trip in list(trips.items()):
            if trip.mention.office.countries or trip.mention.home is None:
                continue
            same = [
                other
                for other in trips.values()
                if other is not trip
                and other.mention.home == trip.mention.home
                and other.mention.office.body == trip.mention.office.body
                and other.mention.office.countries
            ]
            if same:
                target = same[0]
                target.score = max(target.score, trip.score)
                target.units.extend(trip.units)
                target.destinations.extend(trip.destinations)
                target.place_units.extend(trip.place_units)
                del trips[key]

    def _sighting(self, position: int, facts: _UnitFacts, mention: Mention) -> _Sighting | None:
        link = 1.0
        place_unit = position
        abroad = self._abroad(facts.destinations, mention)
        if not facts.destinations:
            # The place is often in the sentence before: "The meeting opened in Vienna. The minister attended."
            for other in self._neighbours(position):
                abroad = self._abroad(self.facts[other].destinations, mention)
                if abroad:
                    link = _ADJACENT_PLACE_WEIGHT
                    place_unit = other
                    break
        if not abroad:
            return None
        weight = _POSITION_WEIGHT.get(facts.unit.index, _LATER_WEIGHT)
        score = weight * link
        if facts.background:
            score *= _BACKGROUND_FACTOR
        if facts.negative:
            score *= _NEGATIVE_FACTOR
        if mention.home is None:
            score *= _UNKNOWN_HOME_FACTOR
        return _Sighting(score, abroad, place_unit)

    def _neighbours(self, position: int) -> Iterator[int]:
        unit = self.facts[position].unit
        for other in (position - 1, position + 1):
            if 0 <= other < len(self.facts):
                neighbour = self.facts[other]
                # The title and the lead tell the same story; otherwise stay in the same field.
                if neighbour.unit.field == unit.field or {neighbour.unit.index, unit.index} == {-1, 0}:
                    yield other

    def _abroad(self, destinations: list[Hit[str]], mention: Mention) -> list[Hit[str]]:
        return [hit for hit in destinations if not self.matcher.same_country(hit.payload, mention.home)]

    def _continue(self, trip: _Trip) -> None:
        """Later sentences that go on about the trip ("In Suva he will...") add its stops."""
        last = max(trip.units)
        for position in range(last + 1, min(last + 3, len(self.facts))):
            facts = self.facts[position]
            if facts.unit.field != self.facts[last].unit.field or facts.background or not facts.cues:
                continue
            if any(
                m.home is not None
                and not self.matcher.same_country(m.home, trip.mention.home)
                and self._abroad(facts.destinations, m)
                for m in facts.mentions
            ):
                continue  # someone else's trip
            added = self._abroad(facts.destinations, trip.mention)
            if added:
                trip.units.append(position)
                trip.destinations.extend(added)

    def _record(self, trips: list[_Trip]) -> tuple[list[Evidence], TripRecord | None]:
        evidence: list[Evidence] = []
        for facts in self.facts:
            for mention in facts.mentions:
                kind = "official" if mention.official is not None else "office"
                value = f"{mention.office.id}:{mention.home or '?'}"
                if mention.name:
                    value = f"{mention.name} ({value})"
                evidence.append(self._evidence(kind, facts.unit, mention.start, mention.end, value))
        if not trips:
            return evidence, None
        trips.sort(key=lambda trip: -trip.score)
        units = sorted({position for trip in trips for position in (*trip.units, *trip.place_units)})
        homes = {trip.mention.home for trip in trips}
        destinations: list[str] = []
        for trip in trips:
            for hit in trip.destinations:
                if hit.payload not in destinations:
                    destinations.append(hit.payload)
        counterparts: dict[tuple[str, str | None], str] = {}
        dates: list[str] = []
        for position in units:
            facts = self.facts[position]
            for cue in facts.cues:
                evidence.append(self._evidence("cue", facts.unit, cue.start, cue.end, cue.text))
            for hit in facts.destinations:
                if hit.payload in destinations:
                    evidence.append(self._evidence("destination", facts.unit, hit.start, hit.end, hit.payload))
            for mention in facts.mentions:
                # Travellers' own compatriots are their delegation, not their counterparts.
                if mention.home in homes:
                    continue
                value = _counterpart(mention)
                key = (mention.office.id, mention.home)
                if mention.name or key not in counterparts:
                    counterparts[key] = value
                evidence.append(self._evidence("counterpart", facts.unit, mention.start, mention.end, value))
            for hit, first, last in facts.dates:
                value = first.isoformat() if first == last else f"{first.isoformat()}/{last.isoformat()}"
                if value not in dates:
                    dates.append(value)
                evidence.append(self._evidence("date", facts.unit, hit.start, hit.end, value))
        officials = tuple(TripOfficial(trip.mention.name, trip.mention.home, trip.mention.office.id) for trip in trips)
        record = TripRecord(officials, tuple(destinations), tuple(counterparts.values()), tuple(dates))
        return evidence, record

    def _evidence(self, kind: str, unit: Unit, start: int, end: int, value: str) -> Evidence:
        matched = self.article.fields[unit.field].value[start:end]
        return Evidence(kind, unit.field, matched, value, unit.sentence, start, end)


def _counterpart(mention: Mention) -> str:
    """'Zhou Minghua, Minister of Public Security (CN)'."""
    label = re.sub(r"\s*\([^)]*\)$", "", mention.office.label)
    who = f"{mention.name}, {label}" if mention.name else label
    return f"{who} ({mention.home})" if mention.home else who
