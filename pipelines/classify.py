"""Relevance classification: does an article report a watched official's trip abroad?

`classify()` is pure and cheap. It splits the title and the text into sentences, finds
watched offices and officials, trip cues, places and dates with regexes compiled once per
watch list, and scores each official that a sentence puts in a country other than their own
next to a trip cue. The result keeps the evidence (with offsets into the title or text) so
the review UI can highlight why an item was labelled as it was.

Scoring in short: a trip found in the title or the first sentence counts fully, later
sentences less; a trip told as background ("when the minister visited Hanoi last year")
or next to travel-advice or spy-trial words counts half or less; more sentences about the
same trip add a little. `RELEVANT_SCORE` and `UNCERTAIN_SCORE` cut the labels.
"""

from __future__ import annotations

import bisect
import calendar
import functools
import logging
import re
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, Self, TypeVar

from config.sources import config_dir
from config.watchlist import LanguageRules, Office, Official, Watchlist, load_watchlist
from crawler.items import ArticleItem

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

logger = logging.getLogger(__name__)

RELEVANT_SCORE = 0.6
UNCERTAIN_SCORE = 0.35

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
_MATCHER_CACHE_SIZE = 8
_SPLIT_CACHE_SIZE = 50_000  # distinct matched phrases remembered per watch list


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


@dataclass(frozen=True)
class Classification:
    """The label, the score in [0, 1] and why."""

    relevance: str  # "relevant" | "uncertain" | "irrelevant"
    score: float
    evidence: tuple[Evidence, ...]
    trip: TripRecord | None

    def as_dict(self) -> dict[str, object]:
        """JSON-ready form stored with the item."""
        trip = self.trip
        return {
            "relevance": self.relevance,
            "score": self.score,
            "evidence": [asdict(item) for item in self.evidence],
            "trip": None
            if trip is None
            else {
                "officials": [asdict(official) for official in trip.officials],
                "destinations": list(trip.destinations),
                "counterparts": list(trip.counterparts),
                "dates": list(trip.dates),
            },
        }


def classify(
    title: str,
    text: str,
    published: datetime | None,
    language: str | None,
    watchlist: Watchlist,
) -> Classification:
    """Label an article relevant, uncertain or irrelevant, with the score and the evidence."""
    matcher = _matcher_for(watchlist)
    day = published.date() if published is not None else None
    article = _Article.read(title or "", text or "", matcher)
    if article is None:
        return Classification("irrelevant", 0.0, (), None)
    home = watchlist.home_for_language(language)
    mentions = _find_officials(article, matcher, home, day)
    reader = _TripReader(article, matcher, mentions, day)
    return reader.classification()


# --- Matching ------------------------------------------------------------------------------

_LATIN = "A-Za-z0-9\u00c0-\u024f\u1e00-\u1eff"
_KATAKANA = "\u30a1-\u30fa\u30fc-\u30ff"  # without the middle dot, which separates names
_HANGUL = "\uac00-\ud7a3"
_CJK_RE = re.compile(f"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff{_HANGUL}]")
_ACRONYM_RE = re.compile(r"^(?:[A-Z0-9&]{2,6}|(?:[A-Z]\.){2,4})$")

P = TypeVar("P")


@dataclass(frozen=True)
class _Hit(Generic[P]):
    start: int
    end: int
    text: str
    payload: P


@functools.lru_cache(maxsize=8192)
def _char_class(char: str) -> str:
    if re.match(f"[{_LATIN}]", char):
        return "latin"
    if re.match(f"[{_KATAKANA}]", char):
        return "katakana"
    if re.match(f"[{_HANGUL}]", char):
        return "hangul"
    return "other"


# A phrase may not run on into a letter of its own script; CJK scripts have no spaces to check.
_RIGHT = {"latin": f"(?![{_LATIN}])", "katakana": f"(?![{_KATAKANA}])"}
_WILDCARD = "*"
_Trie = dict[str, "_Trie"]  # a character -> the rest; "" marks a phrase end, "*" a wildcard end


def _trie_pattern(phrases: Iterable[str]) -> str:
    """One regex for many phrases that tries the longest first.

    The pattern starts with the trie itself (boundaries are checked at the leaves and in
    Python), so the regex engine can skip every position whose character starts no phrase.
    """
    trie: _Trie = {}
    for phrase in phrases:
        wildcard = phrase.endswith(_WILDCARD)
        core = phrase[:-1] if wildcard else phrase
        node = trie
        for char in core:
            node = node.setdefault(char, {})
        node[_WILDCARD if wildcard else ""] = {}
    return _node_pattern(trie, "")


def _node_pattern(node: _Trie, last: str) -> str:
    branches = [
        re.escape(char) + _node_pattern(child, char)
        for char, child in sorted(node.items())
        if char not in ("", _WILDCARD)
    ]
    right = _RIGHT.get(_char_class(last), "") if last else ""
    if _WILDCARD in node:
        branches.append(f"[{_LATIN}]*{_RIGHT['latin']}")
    if "" in node:
        branches.append(right)  # the phrase ends here: tried after every longer one
    if len(branches) == 1:
        return branches[0]
    return "(?:" + "|".join(branches) + ")"


class _Lexicon(Generic[P]):
    """Phrases compiled into one regex; each hit carries the payload of its phrase."""

    def __init__(self, entries: Iterable[tuple[str, P]], *, ignore_case: bool = True) -> None:
        self.ignore_case = ignore_case
        self._payloads: dict[str, P] = {}
        self._exact: dict[str, str] = {}  # acronyms keep their case: "US" is not "us"
        self._prefixes: list[tuple[str, P]] = []
        keys: list[str] = []
        for phrase, payload in entries:
            core = phrase.removesuffix(_WILDCARD)
            if not core:
                continue
            key = core.lower() if ignore_case else core
            if phrase.endswith(_WILDCARD):
                self._prefixes.append((key, payload))
                keys.append(key + _WILDCARD)
                continue
            if ignore_case and _ACRONYM_RE.match(core):
                self._exact[key] = core
            self._payloads.setdefault(key, payload)
            keys.append(key)
        self.keys = tuple(dict.fromkeys(keys))
        self._short: dict[str, list[_Hit[P]]] = {}
        # One trie per script of the first character: a trie mixing Latin and CJK first
        # characters defeats the regex engine's fast skip and runs ten times slower.
        by_script: dict[bool, list[str]] = {}
        for key in keys:
            by_script.setdefault(_char_class(key[0]) == "latin", []).append(key)
        self.patterns = [
            # Lower-case Latin phrases would be tried at every letter: try them at word starts only.
            re.compile((f"(?<![{_LATIN}])" if latin and ignore_case else "") + f"(?:{_trie_pattern(group)})")
            for latin, group in by_script.items()
        ]
        self._folded: list[re.Pattern[str]] | None = None  # compiled when first needed

    def find(self, text: str, lowered: str | None = None, start: int = 0, end: int | None = None) -> list[_Hit[P]]:
        """Non-overlapping hits in text[start:end], longest first; `lowered` is text.lower() if made."""
        if not self.patterns or not text:
            return []
        stop = len(text) if end is None else end
        haystack, patterns = text, self.patterns
        if self.ignore_case:
            haystack = lowered if lowered is not None else text.lower()
            if len(haystack) != len(text):  # rare letters whose lower case is longer
                if self._folded is None:
                    self._folded = [re.compile(pattern.pattern, re.IGNORECASE) for pattern in self.patterns]
                haystack, patterns = text, self._folded
        found = [hits for pattern in patterns if (hits := self._scan(pattern, text, haystack, start, stop))]
        if len(found) <= 1:
            return found[0] if found else []
        # Both scripts matched: merge, keeping the longest of any overlapping hits.
        hits = sorted((hit for group in found for hit in group), key=lambda hit: (hit.start, hit.start - hit.end))
        kept: list[_Hit[P]] = []
        for hit in hits:
            if not kept or hit.start >= kept[-1].end:
                kept.append(hit)
        return kept

    def _scan(self, pattern: re.Pattern[str], text: str, haystack: str, start: int, stop: int) -> list[_Hit[P]]:
        hits: list[_Hit[P]] = []
        position = start
        while True:
            match = pattern.search(haystack, position, stop)
            if match is None:
                return hits
            first, last = match.span()
            payload = self._accept(text, first, last, match.group().lower() if self.ignore_case else match.group())
            if payload is None:
                position = first + 1
                continue
            hits.append(_Hit(first, last, text[first:last], payload))
            position = last

    def _accept(self, text: str, start: int, end: int, key: str) -> P | None:
        if start > 0:
            kind = _char_class(text[start])
            if kind != "other" and kind == _char_class(text[start - 1]):
                return None  # starts inside a word
        exact = self._exact.get(key)
        if exact is not None and text[start:end] != exact:
            return None
        if key in self._payloads:
            return self._payloads[key]
        for prefix, payload in self._prefixes:
            if key.startswith(prefix):
                return payload
        return None

    def find_short(self, text: str) -> list[_Hit[P]]:
        """Hits in a short string (a gap, a name); the same strings recur, so they are remembered."""
        hits = self._short.get(text)
        if hits is None:
            hits = self.find(text)
            if len(self._short) < _SPLIT_CACHE_SIZE:
                self._short[text] = hits
        return hits

    def fullmatch_gap(self, gap: str, extra: str = "") -> bool:
        """True when the gap is only these phrases, spaces and the extra characters."""
        if not gap:
            return True
        rest = gap
        for hit in reversed(self.find_short(gap)):
            rest = rest[: hit.start] + " " + rest[hit.end :]
        return not rest.strip(" \t\n\u3000" + extra)

    def blank(self, text: str) -> str:
        """The text with every hit replaced by a space."""
        for hit in reversed(self.find_short(text)):
            text = text[: hit.start] + " " + text[hit.end :]
        return text


class _Combined:
    """Several lexicons scanned in one pass.

    One regex holds every phrase of every lexicon; each hit is then split into the hits that
    each lexicon finds inside it ("を訪問" is an after-marker holding the cue "訪問"; "arrived in"
    a marker holding the cue "arrived"). The split of each distinct hit is computed once.
    """

    def __init__(self, lexicons: dict[str, _Lexicon[Any]], *, ignore_case: bool) -> None:
        self.lexicons = lexicons
        keys = dict.fromkeys(key for lexicon in lexicons.values() for key in lexicon.keys)
        self.any = _Lexicon[bool](((key, True) for key in keys), ignore_case=ignore_case)
        self._splits: dict[str, tuple[tuple[str, _Hit[Any]], ...]] = {}

    def find(self, text: str, lowered: str, spans: Sequence[tuple[int, int]]) -> dict[str, list[_Hit[Any]]]:
        found: dict[str, list[_Hit[Any]]] = {name: [] for name in self.lexicons}
        for start, end in spans:
            for hit in self.any.find(text, lowered, start, end):
                for name, inner in self._split(hit.text):
                    found[name].append(_Hit(hit.start + inner.start, hit.start + inner.end, inner.text, inner.payload))
        return found

    def _split(self, matched: str) -> tuple[tuple[str, _Hit[Any]], ...]:
        split = self._splits.get(matched)
        if split is None:
            split = tuple((name, inner) for name, lexicon in self.lexicons.items() for inner in lexicon.find(matched))
            if len(self._splits) < _SPLIT_CACHE_SIZE:
                self._splits[matched] = split
        return split


@dataclass(frozen=True)
class _Place:
    country: str
    kind: str  # "name" | "capital" | "demonym"


@dataclass(frozen=True)
class _DateWord:
    kind: str  # "weekday" | "month" | "part" | "week"
    value: str


class _Matcher:
    """Everything compiled from one watch list, built once and reused for every article."""

    def __init__(self, watchlist: Watchlist) -> None:
        self.watchlist = watchlist
        rules = list(watchlist.languages.values())

        def words(attribute: str) -> list[str]:
            return [phrase for rule in rules for phrase in getattr(rule, attribute)]

        self.titles = _Lexicon(
            (phrase, office.id)
            for office in watchlist.offices
            for phrases in office.titles.values()
            for phrase in phrases
        )
        self.bodies = _Lexicon(
            (phrase, office.id)
            for office in watchlist.offices
            for phrases in office.bodies.values()
            for phrase in phrases
        )
        self.heads = _Lexicon((phrase, True) for phrase in words("heads"))
        self.deputies = _Lexicon((phrase, True) for phrase in words("deputies"))
        self.ranks = _Lexicon((phrase, True) for phrase in words("ranks"))
        self.officials = _Lexicon(
            (alias, index)
            for index, official in enumerate(watchlist.officials)
            for alias in (official.name, *official.aliases)
        )
        self.cues = _Lexicon((phrase, True) for phrase in words("cues"))
        self.before = _Lexicon((phrase, True) for phrase in words("place_before"))
        self.after = _Lexicon((phrase, True) for phrase in words("place_after"))
        self.fillers = _Lexicon((phrase, True) for phrase in words("fillers"))
        self.joiners = _Lexicon((phrase, True) for phrase in (*words("joiners"), *words("fillers")))
        self.background = _Lexicon((phrase, True) for phrase in words("background"))
        self.negative = _Lexicon((phrase, True) for phrase in words("negative"))
        self.anaphora = _Lexicon((phrase, True) for phrase in words("anaphora"))
        self.future = _Lexicon((phrase, True) for phrase in words("future"))
        self.places = _Lexicon(self._place_entries(), ignore_case=False)
        self.abbreviations = _Lexicon(
            (
                (abbreviation, country.code)
                for country in watchlist.countries.values()
                for abbreviation in country.abbreviations
            ),
            ignore_case=False,
        )
        self.visit_words = _Lexicon(
            (word, country.code) for country in watchlist.countries.values() for word in country.visit_words
        )
        self.part_of = {code: country.part_of for code, country in watchlist.countries.items() if country.part_of}
        self.date_words = _Lexicon(self._date_entries(rules))
        self.dates = _DatePatterns()
        self.offices = _Combined({name: getattr(self, name) for name in _WHOLE_FIELD}, ignore_case=True)
        self.words = _Combined({name: getattr(self, name) for name in _WORD_LEXICONS}, ignore_case=True)
        self.names = _Combined({name: getattr(self, name) for name in _NAME_LEXICONS}, ignore_case=False)

    def _place_entries(self) -> Iterator[tuple[str, _Place]]:
        for country in self.watchlist.countries.values():
            for name in country.names:
                yield name, _Place(country.code, "name")
            for capital in country.capitals:
                yield capital, _Place(country.code, "capital")
            for demonym in country.demonyms:
                yield demonym, _Place(country.code, "demonym")

    @staticmethod
    def _date_entries(rules: Sequence[LanguageRules]) -> Iterator[tuple[str, _DateWord]]:
        for rule in rules:
            for index, names in enumerate(rule.weekdays):
                for name in names:
                    yield name, _DateWord("weekday", str(index))
            for index, names in enumerate(rule.months):
                for name in names:
                    yield name, _DateWord("month", str(index + 1))
            for part, names in rule.month_parts.items():
                for name in names:
                    yield name, _DateWord("part", part)
            for week, names in rule.weeks.items():
                for name in names:
                    yield name, _DateWord("week", week)

    def same_country(self, first: str | None, second: str | None) -> bool:
        if first is None or second is None:
            return False
        return self.part_of.get(first, first) == self.part_of.get(second, second)


_MATCHERS: OrderedDict[int, tuple[Watchlist, _Matcher]] = OrderedDict()


def _matcher_for(watchlist: Watchlist) -> _Matcher:
    """The compiled matcher of this watch list object; a reloaded watch list gets a new one."""
    key = id(watchlist)
    cached = _MATCHERS.get(key)
    # The cache keeps the watch list alive, so its id cannot be reused while the entry exists.
    if cached is not None and cached[0] is watchlist:
        _MATCHERS.move_to_end(key)
        return cached[1]
    matcher = _Matcher(watchlist)
    _MATCHERS[key] = (watchlist, matcher)
    while len(_MATCHERS) > _MATCHER_CACHE_SIZE:
        _MATCHERS.popitem(last=False)
    logger.debug("Compiled the classifier for %(file)s", {"file": watchlist.source})
    return matcher


# --- Sentences -----------------------------------------------------------------------------

_ABBREVIATIONS = frozenset(
    (
        *("mr", "mrs", "ms", "dr", "gen", "lt", "col", "maj", "sgt", "st", "no", "vs", "inc", "co", "corp", "tp"),
        *("jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec"),
        *("u.s", "u.k", "d.c", "e.g", "i.e"),
    )
)
_SENTENCE_END = re.compile(r"[。！？]+[」』）\"”]?|[.!?]+[\"”’)]?(?=\s)|\n+")


@dataclass(frozen=True)
class _Unit:
    """A sentence of the title (index -1) or of the text (0, 1, ...)."""

    field: str
    index: int
    start: int
    end: int
    sentence: str


def _split_sentences(field_name: str, value: str, first_index: int) -> list[_Unit]:
    units: list[_Unit] = []
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


def _unit(field_name: str, value: str, start: int, end: int, index: int) -> list[_Unit]:
    piece = value[start:end]
    stripped = piece.strip()
    if not stripped:
        return []
    offset = start + piece.index(stripped)
    return [_Unit(field_name, index, offset, offset + len(stripped), stripped)]


_WHOLE_FIELD = ("titles", "bodies", "officials")
_WORD_LEXICONS = (
    "heads",
    "cues",
    "before",
    "after",
    "background",
    "negative",
    "anaphora",
    "future",
    "ranks",
    "date_words",
)
_NAME_LEXICONS = ("places", "abbreviations", "visit_words")


@dataclass
class _FieldHits:
    """The lexicons' hits in one field: offices everywhere, the rest near an office."""

    value: str
    titles: list[_Hit[str]]
    bodies: list[_Hit[str]]
    officials: list[_Hit[int]]
    heads: list[_Hit[bool]] = field(default_factory=list)
    cues: list[_Hit[bool]] = field(default_factory=list)
    before: list[_Hit[bool]] = field(default_factory=list)
    after: list[_Hit[bool]] = field(default_factory=list)
    background: list[_Hit[bool]] = field(default_factory=list)
    negative: list[_Hit[bool]] = field(default_factory=list)
    anaphora: list[_Hit[bool]] = field(default_factory=list)
    future: list[_Hit[bool]] = field(default_factory=list)
    ranks: list[_Hit[bool]] = field(default_factory=list)
    places: list[_Hit[_Place]] = field(default_factory=list)
    abbreviations: list[_Hit[str]] = field(default_factory=list)
    visit_words: list[_Hit[str]] = field(default_factory=list)
    date_words: list[_Hit[_DateWord]] = field(default_factory=list)

    @classmethod
    def offices(cls, value: str, matcher: _Matcher) -> _FieldHits:
        found = matcher.offices.find(value, value.lower(), [(0, len(value))])
        return cls(value, found["titles"], found["bodies"], found["officials"])

    def scan_near(self, spans: list[tuple[int, int]], matcher: _Matcher) -> None:
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
class _Article:
    fields: dict[str, _FieldHits]
    units: list[_Unit]
    wanted: set[int] = field(default_factory=set)  # positions of the sentences worth reading

    @classmethod
    def read(cls, title: str, text: str, matcher: _Matcher) -> _Article | None:
        """The article's sentences and hits, or None when no watched office or official appears."""
        fields = {"title": _FieldHits.offices(title, matcher), "text": _FieldHits.offices(text, matcher)}
        if not any(hits.titles or hits.bodies or hits.officials for hits in fields.values()):
            return None
        units = _split_sentences("title", title, -1)[:1]  # a title is one unit, however punctuated
        if units:
            units = [_Unit("title", -1, units[0].start, len(title.rstrip()), title.strip())]
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
            if any((_within(hits.titles, unit), _within(hits.bodies, unit), _within(hits.officials, unit))):
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


def _within(hits: Sequence[_Hit[P]], unit: _Unit) -> list[_Hit[P]]:
    if not hits:
        return []
    low = bisect.bisect_left(hits, unit.start, key=_start)
    high = bisect.bisect_left(hits, unit.end, key=_start)
    return [hit for hit in hits[low:high] if hit.end <= unit.end]


def _start(hit: _Hit[P]) -> int:
    return hit.start


# --- Officials -----------------------------------------------------------------------------

_PUNCTUATION = set('，。、；：！？,.;:!?「」『』"“”()（）[]【】\n')
_CLAUSE_PUNCTUATION = set("，。、；：！？,.;:!?\n")
_HEAD_OF_BODY_GAP = re.compile(r"\s+(?:of\s+(?:the\s+)?(?:[\w’']+\s+){0,2})?")  # "director of South Korea's"
_BODY_THEN_HEAD_GAP = re.compile(r"(?:['’]s)?\s+")  # "FBI Director", "ASIO's chief"
_FOLLOWING_MODIFIER_GAP = re.compile(r"\s*(?:of\s+(?:the\s+)?|của\s+)?")  # "Minister of Public Security of Laos"
_POSSESSIVE_GAP = re.compile(r"(?:['’]s)?\s*")  # "Vietnam's Minister", "Chinese Minister"
_WORD = re.compile(r"[^\s,]+")


@dataclass
class _Mention:
    """A watched official in one sentence, with the country whose official they are."""

    unit: _Unit
    start: int
    end: int
    office: Office
    home: str | None
    name: str | None
    official: Official | None = None

    @property
    def matched(self) -> str:
        return self.unit.sentence[self.start - self.unit.start : self.end - self.unit.start]


def _find_officials(
    article: _Article, matcher: _Matcher, language_home: str | None, day: date | None
) -> list[_Mention]:
    mentions: list[_Mention] = []
    for position, unit in enumerate(article.units):
        if position not in article.wanted:
            continue
        hits = article.fields[unit.field]
        spans = _office_spans(hits, unit, matcher)
        named = _official_hits(hits, unit, matcher, day)
        for start, end, office_id in spans:
            office = matcher.watchlist.office(office_id)
            home = _home_country(hits, unit, start, end, office, matcher, language_home)
            if home is not None and home in office.not_security_in:
                continue
            person = next((item for item in named if _adjacent(hits.value, item, start, end)), None)
            if person is not None:
                named.remove(person)
                official = matcher.watchlist.officials[person.payload]
                mentions.append(_Mention(unit, start, end, office, official.country, official.name, official))
                continue
            name = _name_near(hits.value, unit, start, end, matcher)
            mentions.append(_Mention(unit, start, end, office, home, name))
        for person in named:
            official = matcher.watchlist.officials[person.payload]
            office = matcher.watchlist.office(official.office)
            mentions.append(_Mention(unit, person.start, person.end, office, official.country, official.name, official))
    return mentions


def _office_spans(hits: _FieldHits, unit: _Unit, matcher: _Matcher) -> list[tuple[int, int, str]]:
    """Whole titles, and body names with a head word next to them, minus deputies."""
    value = hits.value
    spans = [(hit.start, hit.end, hit.payload) for hit in _within(hits.titles, unit)]
    heads = _within(hits.heads, unit)
    for body in _within(hits.bodies, unit):
        for head in heads:
            span = _body_with_head(value, body, head)
            if span is not None:
                # "公安部副部长": the deputy word sits between the body and the head.
                if not _is_deputy(value, head.start, matcher):
                    spans.append((*span, body.payload))
                break
    spans = [span for span in spans if not _is_deputy(value, span[0], matcher)]
    return _longest_first(spans)


def _body_with_head(value: str, body: _Hit[str], head: _Hit[bool]) -> tuple[int, int] | None:
    if _CJK_RE.search(head.text):
        # 警察庁の田辺長官, 国家情報院（国情院）の朴俊浩院長: head within a few characters after.
        gap = value[body.end : head.start]
        if head.start >= body.end and len(gap) <= 12 and not any(char in _CLAUSE_PUNCTUATION for char in gap):
            return body.start, head.end
        return None
    if head.end <= body.start:
        # "director of South Korea's National Intelligence Service", "Bộ trưởng Bộ Công an"
        gap = value[head.end : body.start]
        if _HEAD_OF_BODY_GAP.fullmatch(gap):
            return head.start, body.end
        return None
    gap = value[body.end : head.start]
    # "FBI Director", "Homeland Security chief"
    if _BODY_THEN_HEAD_GAP.fullmatch(gap):
        return body.start, head.end
    return None


def _is_deputy(value: str, start: int, matcher: _Matcher) -> bool:
    before = value[max(0, start - 12) : start]
    return any(not before[hit.end :].strip(" -") for hit in matcher.deputies.find_short(before))


def _longest_first(spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    kept: list[tuple[int, int, str]] = []
    for span in sorted(spans, key=lambda item: (item[0] - item[1], item[0])):
        if all(span[1] <= other[0] or span[0] >= other[1] for other in kept):
            kept.append(span)
    return sorted(kept)


def _official_hits(hits: _FieldHits, unit: _Unit, matcher: _Matcher, day: date | None) -> list[_Hit[int]]:
    found = []
    for hit in _within(hits.officials, unit):
        official = matcher.watchlist.officials[hit.payload]
        # Someone named after leaving office is no longer a watched official.
        if day is not None and ((official.since and day < official.since) or (official.until and day > official.until)):
            continue
        found.append(hit)
    return found


def _adjacent(value: str, person: _Hit[int], start: int, end: int) -> bool:
    if person.start < end and person.end > start:
        return True
    gap = value[end : person.start] if person.start >= end else value[person.end : start]
    return len(gap) <= 4 and not any(char in "。.;；" for char in gap)


def _home_country(
    hits: _FieldHits,
    unit: _Unit,
    start: int,
    end: int,
    office: Office,
    matcher: _Matcher,
    language_home: str | None,
) -> str | None:
    """Whose official: a country named in, right after or right before the title, else a default."""
    value = hits.value
    modifiers = [hit for hit in _within(hits.places, unit) if hit.payload.kind != "capital"]
    for hit in modifiers:
        if start <= hit.start and hit.end <= end:
            return hit.payload.country
    short = _within(hits.abbreviations, unit)
    following = [(hit.start, hit.payload.country) for hit in modifiers] + [(hit.start, hit.payload) for hit in short]
    for hit_start, country in sorted(following):
        if hit_start >= end:
            if _FOLLOWING_MODIFIER_GAP.fullmatch(value[end:hit_start]):
                return country
            break
    preceding = [(hit.end, hit.payload.country, False) for hit in modifiers]
    preceding += [(hit.end, hit.payload, True) for hit in short]
    preceding += [(hit.end, "", False) for hit in _within(hits.anaphora, unit)]
    for hit_end, country, abbreviation in sorted(preceding, reverse=True):
        if hit_end > start:
            continue
        gap = value[hit_end:start]
        if _modifier_gap(gap, abbreviation, matcher):
            return country or _last_country_before(hits, hit_end - 1)
        break
    if len(office.countries) == 1:
        return office.countries[0]
    if language_home is None:
        return None
    # In a Vietnamese paper an unqualified "Bộ trưởng Bộ Nội vụ" is Vietnam's (civil service)
    # minister; in a Chinese one an unqualified 内政部长 cannot be China's, so it stays unknown.
    if not office.countries or language_home in office.countries or language_home in office.not_security_in:
        return language_home
    return None


def _modifier_gap(gap: str, abbreviation: bool, matcher: _Matcher) -> bool:
    """Can the country before this gap qualify the title after it?"""
    if abbreviation:
        return gap == ""
    if _POSSESSIVE_GAP.fullmatch(gap):
        return True
    # 柬埔寨副首相兼内政大臣, 中国の周明華公安相, 米国のホイットフィールド国土安全保障長官; but in
    # 在越南会见公安部部长 a verb stands between, and Vietnam is where, not whose.
    if not _CJK_RE.search(gap) or len(gap) > 12 or any(char in _PUNCTUATION or char.isspace() for char in gap):
        return False
    return not any(lexicon.find_short(gap) for lexicon in (matcher.cues, matcher.before, matcher.after))


def _last_country_before(hits: _FieldHits, position: int) -> str | None:
    found = [(hit.end, hit.payload.country) for hit in hits.places if hit.end <= position]
    found += [(hit.end, hit.payload) for hit in hits.visit_words if hit.end <= position]
    return max(found)[1] if found else None


_LATIN_NAME = re.compile(r"(?:[A-ZÀ-ÝĐ][\w'’.-]*)(?:\s+[A-ZÀ-ÝĐ][\w'’.-]*){1,3}")
_HAN_NAME_AFTER = re.compile(
    r"([\u4e00-\u9fff·]{2,4}?)(?=上将|中将|少将|大将|上將|中將|少將|大將|警监|上月|本月|今年|近日|日前|[于於在同与與率对對，。、（0-9])"
)
_HAN_NAME_BEFORE = re.compile(r"(?:^|[、。，の\s])([\u4e00-\u9fff]{2,4}|[\u30a1-\u30ff・]{2,12})$")
_PARENTHESIS = re.compile(r"^\s*[(（][^)）]{1,20}[)）]")


def _name_near(value: str, unit: _Unit, start: int, end: int, matcher: _Matcher) -> str | None:
    """A best-effort name: 'Home Secretary Priya Lockwood', '公安部部长周明华', '松本健一国家公安委員長'."""
    after = _skip_to_name(value[end : unit.end], matcher)
    if _CJK_RE.search(value[start:end]):
        match = _HAN_NAME_AFTER.match(after)
        if match and not _is_word(match.group(1), matcher):
            return match.group(1)
        inner = re.search(r"の([\u4e00-\u9fff]{2,4})(?:長官|院長|局長|委員長)$", value[start:end])
        if inner:
            return inner.group(1)
        before = _HAN_NAME_BEFORE.search(value[unit.start : start].removesuffix("の"))
        if before and not _is_word(before.group(1), matcher):
            return before.group(1)
        return None
    match = _LATIN_NAME.match(after)
    if match is None or _is_word(match.group(), matcher):
        return None
    return match.group().rstrip(".,")


def _skip_to_name(after: str, matcher: _Matcher) -> str:
    """Drop what stands between a title and a name: a country, an acronym, a rank, a comma."""
    for _ in range(3):
        after = re.sub(r"^[\s,]+", "", after)
        parenthesis = _PARENTHESIS.match(after)
        if parenthesis:
            after = after[parenthesis.end() :]
            continue
        ends = [hit.end for hit in matcher.places.find_short(after[:40]) if hit.start == 0]
        ends += [hit.end for hit in matcher.ranks.find_short(after[:40]) if hit.start == 0]
        if not ends:
            break
        after = after[max(ends) :]
    return after


def _is_word(candidate: str, matcher: _Matcher) -> bool:
    """A place, a trip cue or a title is not a name."""
    lexicons = (matcher.places, matcher.cues, matcher.visit_words, matcher.titles, matcher.bodies, matcher.heads)
    return any(lexicon.find_short(candidate) for lexicon in lexicons)


# --- Trips ---------------------------------------------------------------------------------


@dataclass
class _UnitFacts:
    unit: _Unit
    mentions: list[_Mention]
    cues: list[_Hit[bool]]
    destinations: list[_Hit[str]]  # marked places: payload is the country code
    background: bool
    negative: bool
    future: bool
    reader: _DateReader | None = None  # dates are read only for the sentences that need them
    _dates: list[tuple[_Hit[str], date, date]] | None = None

    @property
    def dates(self) -> list[tuple[_Hit[str], date, date]]:
        if self._dates is None:
            self._dates = self.reader.dates() if self.reader is not None else []
        return self._dates


@dataclass(frozen=True)
class _Sighting:
    """One sentence that puts an official abroad."""

    score: float
    destinations: list[_Hit[str]]
    place_unit: int  # the sentence that named the place: this one or a neighbour


@dataclass
class _Trip:
    """One official's trip: the best sentence and the others that support it."""

    mention: _Mention
    score: float
    units: list[int] = field(default_factory=list)  # sentences that name the official
    destinations: list[_Hit[str]] = field(default_factory=list)
    place_units: list[int] = field(default_factory=list)  # neighbouring sentences that gave a place


class _TripReader:
    """Finds trips in the sentences of one article and turns them into a Classification."""

    def __init__(self, article: _Article, matcher: _Matcher, mentions: list[_Mention], day: date | None) -> None:
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

    def _facts(self, unit: _Unit, mentions: list[_Mention], planned: bool) -> _UnitFacts:
        hits = self.article.fields[unit.field]
        future = planned or bool(_within(hits.future, unit))
        cues = _within(hits.cues, unit) + [_Hit(h.start, h.end, h.text, True) for h in _within(hits.visit_words, unit)]
        facts = _UnitFacts(
            unit=unit,
            mentions=mentions,
            cues=cues,
            destinations=self._destinations(hits, unit),
            background=bool(_within(hits.background, unit)),
            negative=bool(_within(hits.negative, unit)),
            future=future,
            reader=_DateReader(self.matcher, hits, unit, self.day, future),
        )
        if self.day is not None and unit.index > 0 and mentions and cues and not facts.background:
            # A trip dated weeks before publication is context, not the news.
            dates = facts.dates
            facts.background = bool(dates) and all((self.day - last).days > _BACKGROUND_DAYS for _, _, last in dates)
        return facts

    def _destinations(self, hits: _FieldHits, unit: _Unit) -> list[_Hit[str]]:
        """Places written where a destination goes: after "in"/"tại"/"在", before "を訪問"."""
        value = hits.value
        places = _within(hits.places, unit)
        befores = _within(hits.before, unit)
        afters = _within(hits.after, unit)
        marked: list[_Hit[str]] = [_Hit(h.start, h.end, h.text, h.payload) for h in _within(hits.visit_words, unit)]
        for group in self._groups(value, places):
            first, last = group[0], group[-1]
            prior = [hit for hit in befores if hit.end <= first.start]
            led = bool(prior) and self._lead_gap(value[prior[-1].end : first.start])
            later = [hit for hit in afters if hit.start >= last.end]
            followed = bool(later) and self.matcher.fillers.fullmatch_gap(value[last.end : later[0].start])
            if led or followed:
                marked.extend(_Hit(hit.start, hit.end, hit.text, hit.payload.country) for hit in group)
        return sorted(marked, key=lambda hit: hit.start)

    def _groups(self, value: str, places: list[_Hit[_Place]]) -> list[list[_Hit[_Place]]]:
        groups: list[list[_Hit[_Place]]] = []
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
        if _CJK_RE.search(rest):
            return False
        # Unknown capitalised words may be a city we do not list: "tại thành phố Marrakech, Vương quốc Maroc".
        words = _WORD.findall(rest)
        return all(word[0].isupper() for word in words) and len(words) <= 2

    def classification(self) -> Classification:
        trips = self._trips()
        score = max((trip.score for trip in trips), default=self._partial_score())
        score = round(min(1.0, score), 3)
        relevance = "relevant" if score >= RELEVANT_SCORE else "uncertain" if score >= UNCERTAIN_SCORE else "irrelevant"
        evidence, record = self._record(trips)
        return Classification(relevance, score, tuple(evidence), record)

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

    def _travellers(self, position: int, facts: _UnitFacts) -> list[tuple[_Mention, _Sighting]]:
        """Who travels in this sentence. Whoever is at home in a country that someone named
        earlier in the sentence is visiting is that visitor's host, not a traveller."""
        kept: list[tuple[_Mention, _Sighting]] = []
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

    def _sighting(self, position: int, facts: _UnitFacts, mention: _Mention) -> _Sighting | None:
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

    def _abroad(self, destinations: list[_Hit[str]], mention: _Mention) -> list[_Hit[str]]:
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

    def _evidence(self, kind: str, unit: _Unit, start: int, end: int, value: str) -> Evidence:
        matched = self.article.fields[unit.field].value[start:end]
        return Evidence(kind, unit.field, matched, value, unit.sentence, start, end)


def _counterpart(mention: _Mention) -> str:
    """'Zhou Minghua, Minister of Public Security (CN)'."""
    label = re.sub(r"\s*\([^)]*\)$", "", mention.office.label)
    who = f"{mention.name}, {label}" if mention.name else label
    return f"{who} ({mention.home})" if mention.home else who


# --- Dates ---------------------------------------------------------------------------------


class _DatePatterns:
    """Numeric date forms; the words (weekdays, months, parts) come from the watch list."""

    def __init__(self) -> None:
        self.iso = re.compile(r"(?<!\d)(20\d\d)-(\d\d)-(\d\d)(?!\d)")
        self.cjk_range = re.compile(
            r"(?:(\d{4})年)?(\d{1,2})月(\d{1,2})日?(?:至|到|～|~|-|—|－|から)(?:(\d{1,2})月)?(\d{1,2})日"
        )
        self.cjk_day = re.compile(r"(?:(\d{4})年)?(\d{1,2})月(\d{1,2})日")
        self.cjk_day_only = re.compile(r"(?<![月\d])(\d{1,2})日(?!本)")
        self.cjk_month_part = re.compile(r"(上月|本月|今月|先月|来月|下月|(\d{1,2})月)(上旬|中旬|下旬|初め|初|底|末)")
        self.vi_range = re.compile(
            r"(?:từ\s+)?ngày\s+(\d{1,2})\s*(?:đến|-|–)\s*(?:ngày\s+)?(\d{1,2})/(\d{1,2})(?:/(\d{4}))?"
        )
        self.vi_day = re.compile(
            # "ngày 21/10", "Chiều 5/3": a bare d/m could be a fraction, so a word must lead it.
            r"(?:(?<=ngày )|(?<=Ngày )|(?<=[Ss]áng )|(?<=[Cc]hiều )|(?<=[Tt]ối )|(?<=[Tt]rưa )|(?<=đến )|(?<=từ ))"
            r"(\d{1,2})/(\d{1,2})(?:/(\d{4}))?"
        )
        self.vi_month_part = re.compile(r"(đầu|giữa|cuối) tháng (\d{1,2})")


_DIGIT = re.compile(r"\d")


class _DateReader:
    """Dates stated in one sentence, resolved against the publication day."""

    def __init__(self, matcher: _Matcher, hits: _FieldHits, unit: _Unit, day: date | None, future: bool) -> None:
        self.matcher = matcher
        self.patterns = matcher.dates
        self.hits = hits
        self.unit = unit
        self.day = day
        self.future = future
        self.found: list[tuple[_Hit[str], date, date]] = []

    def dates(self) -> list[tuple[_Hit[str], date, date]]:
        sentence = self.unit.sentence
        if not _DIGIT.search(sentence) and not _within(self.hits.date_words, self.unit):
            return []
        self._numeric(sentence)
        self._words()
        self.found.sort(key=lambda item: item[0].start)
        return self.found

    def _add(self, start: int, end: int, first: date, last: date | None = None) -> None:
        absolute_start = self.unit.start + start
        absolute_end = self.unit.start + end
        if any(hit.start < absolute_end and absolute_start < hit.end for hit, _, _ in self.found):
            return
        text = self.hits.value[absolute_start:absolute_end]
        self.found.append((_Hit(absolute_start, absolute_end, text, ""), first, last or first))

    def _numeric(self, sentence: str) -> None:
        p = self.patterns
        for match in p.iso.finditer(sentence):
            self._try(match, lambda m: date(int(m[1]), int(m[2]), int(m[3])))
        for match in p.cjk_range.finditer(sentence):
            self._range(match, match[1], match[2], match[3], match[4] or match[2], match[5])
        for match in p.vi_range.finditer(sentence):
            self._range(match, match[4], match[3], match[1], match[3], match[2])
        for match in p.cjk_day.finditer(sentence):
            self._try(match, lambda m: self._day_in(int(m[2]), int(m[3]), m[1]))
        for match in p.vi_day.finditer(sentence):
            self._try(match, lambda m: self._day_in(int(m[2]), int(m[1]), m[3]))
        for match in p.cjk_month_part.finditer(sentence):
            self._cjk_part(match)
        for match in p.vi_month_part.finditer(sentence):
            part = {"đầu": "early", "giữa": "mid", "cuối": "late"}[match[1]]
            self._part(match.start(), match.end(), self._month_year(int(match[2])), part)
        if self.day is not None:
            for match in p.cjk_day_only.finditer(sentence):
                self._try(match, lambda m: self._day_only(int(m[1])))

    def _try(self, match: re.Match[str], build: Callable[[re.Match[str]], date | None]) -> None:
        try:
            value = build(match)
        except ValueError:
            return  # "31/2" is no date
        if value is not None:
            self._add(match.start(), match.end(), value)

    def _range(
        self, match: re.Match[str], year: str | None, month: str, day: str, last_month: str, last_day: str
    ) -> None:
        try:
            first = self._day_in(int(month), int(day), year)
            last = self._day_in(int(last_month), int(last_day), year)
        except ValueError:
            return
        if first is not None and last is not None and first <= last:
            self._add(match.start(), match.end(), first, last)

    def _month_year(self, month: int, year: str | None = None) -> tuple[int, int] | None:
        if year:
            return int(year), month
        if self.day is None:
            return None
        if self.future:
            return (self.day.year if month >= self.day.month else self.day.year + 1), month
        return (self.day.year if month <= self.day.month else self.day.year - 1), month

    def _day_in(self, month: int, day: int, year: str | None) -> date | None:
        found = self._month_year(month, year)
        if found is None:
            return None
        return date(found[0], found[1], day)

    def _day_only(self, number: int) -> date | None:
        assert self.day is not None
        year, month = self.day.year, self.day.month
        # A bare "5日" is this month unless that day is still ahead and the sentence is not about plans.
        if number > self.day.day + 1 and not self.future:
            month -= 1
        elif number < self.day.day - 1 and self.future:
            month += 1
        year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
        return date(year, month, number)

    def _cjk_part(self, match: re.Match[str]) -> None:
        if self.day is None and not match[2]:
            return
        part = {"上旬": "early", "初": "early", "初め": "early", "中旬": "mid"}.get(match[3], "late")
        if match[2]:
            found = self._month_year(int(match[2]))
        else:
            assert self.day is not None
            shift = {"上月": -1, "先月": -1, "来月": 1, "下月": 1}.get(match[1], 0)
            month = self.day.month + shift
            found = (self.day.year + (month - 1) // 12, (month - 1) % 12 + 1)
        self._part(match.start(), match.end(), found, part)

    def _part(self, start: int, end: int, found: tuple[int, int] | None, part: str) -> None:
        if found is None:
            return
        year, month = found
        last_day = calendar.monthrange(year, month)[1]
        first, last = {"early": (1, 10), "mid": (11, 20), "late": (21, last_day)}[part]
        self._add(start, end, date(year, month, first), date(year, month, last))

    def _words(self) -> None:
        words = _within(self.hits.date_words, self.unit)
        for index, hit in enumerate(words):
            start, end = hit.start - self.unit.start, hit.end - self.unit.start
            kind, value = hit.payload.kind, hit.payload.value
            if kind == "weekday" and self.day is not None:
                self._add(start, end, _weekday(self.day, int(value), self.future))
            elif kind == "week" and self.day is not None:
                monday = self.day - timedelta(days=self.day.weekday())
                monday += timedelta(days={"last": -7, "this": 0, "next": 7}[value])
                if value == "this" and self.future and self.day.weekday() == 6:
                    monday += timedelta(days=7)  # "will visit this week" in a Sunday paper
                self._add(start, end, monday, monday + timedelta(days=6))
            elif kind == "part" and index + 1 < len(words) and words[index + 1].payload.kind == "month":
                month = words[index + 1]
                if month.start - hit.end <= 2:
                    found = self._month_year(int(month.payload.value))
                    self._part(start, month.end - self.unit.start, found, value)
            elif kind == "month":
                self._english_day(hit)

    def _english_day(self, hit: _Hit[_DateWord]) -> None:
        sentence = self.unit.sentence
        start, end = hit.start - self.unit.start, hit.end - self.unit.start
        before = re.search(r"(\d{1,2})(?:st|nd|rd|th)?\s+$", sentence[max(0, start - 6) : start])
        after = re.match(r"\s+(\d{1,2})(?:st|nd|rd|th)?\b(?:,?\s+(\d{4}))?", sentence[end:])
        month = int(hit.payload.value)
        try:
            if after:
                first = self._day_in(month, int(after[1]), after[2])
                if first:
                    self._add(start, end + after.end(), first)
            elif before:
                year = re.match(r"\s+(\d{4})\b", sentence[end:])
                first = self._day_in(month, int(before[1]), year[1] if year else None)
                if first:
                    self._add(start - len(before.group()), end + (year.end() if year else 0), first)
        except ValueError:
            return


def _weekday(day: date, weekday: int, future: bool) -> date:
    """'on Saturday': the last one on or before publication, or the next one for a plan."""
    if weekday == day.weekday():
        return day  # "said on Sunday" in a Sunday paper is today, planned or not
    if future:
        return day + timedelta(days=(weekday - day.weekday() - 1) % 7 + 1)
    return day - timedelta(days=(day.weekday() - weekday) % 7)


# --- Scrapy adapter below ---


class ClassifyPipeline:
    """Labels each article against the watch list (config folder's watchlist.yaml)."""

    def __init__(self, watchlist_path: Path, stats: StatsCollector) -> None:
        self.watchlist_path = watchlist_path
        self.stats = stats
        self.watchlist: Watchlist | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        folder = config_dir(crawler.settings.get("CONFIG_DIR") or None)
        return cls(folder / "watchlist.yaml", crawler.stats)

    def open_spider(self) -> None:
        # A broken watch list stops the crawl before anything is fetched (the CLI checks it first).
        self.watchlist = load_watchlist(self.watchlist_path)

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, ArticleItem):
            return item
        assert self.watchlist is not None, "open_spider was not called"
        result = classify(item.title or "", item.text, item.published, item.language, self.watchlist)
        item.classification = result.as_dict()
        self.stats.inc_value(f"classify/{result.relevance}")
        return item
