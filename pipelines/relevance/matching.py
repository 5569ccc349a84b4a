"""The matcher compiled once per watch list: lexicons of phrases, each one trie-shaped regex.

`matcher_for(watchlist)` returns the `Matcher` of a watch list object (a small cache keyed by
identity). A `Lexicon` finds its phrases as `Hit`s carrying each phrase's payload (an office
id, a country, a date word); `_Combined` scans several lexicons in one regex pass.
"""

from __future__ import annotations

import functools
import logging
import re
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from config.watchlist import LanguageRules, Watchlist

logger = logging.getLogger(__name__)

_MATCHER_CACHE_SIZE = 8
_SPLIT_CACHE_SIZE = 50_000  # distinct matched phrases remembered per watch list


_LATIN = "A-Za-z0-9\u00c0-\u024f\u1e00-\u1eff"
_KATAKANA = "\u30a1-\u30fa\u30fc-\u30ff"  # without the middle dot, which separates names
_HANGUL = "\uac00-\ud7a3"
CJK_RE = re.compile(f"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff{_HANGUL}]")
_ACRONYM_RE = re.compile(r"^(?:[A-Z0-9&]{2,6}|(?:[A-Z]\.){2,4})$")

P = TypeVar("P")


@dataclass(frozen=True)
class Hit(Generic[P]):
    """A phrase found at text[start:end], with the payload of its lexicon entry."""

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
# Checked once after the whole trie, by the script of the last character matched: a check at
# every phrase end repeated the class thousands of times, and compiling those took half of the
# classifier's start-up (0.3 of 0.5 s). The regex engine still backs into the trie for a
# shorter phrase when the longer one fails the check.
_BOUNDARY = f"(?:(?<=[{_LATIN}])(?![{_LATIN}])|(?<=[{_KATAKANA}])(?![{_KATAKANA}])|(?<![{_LATIN}{_KATAKANA}]))"
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
    return f"(?:{_node_pattern(trie)}){_BOUNDARY}"


def _node_pattern(node: _Trie) -> str:
    branches = [
        re.escape(char) + _node_pattern(child) for char, child in sorted(node.items()) if char not in ("", _WILDCARD)
    ]
    if _WILDCARD in node:
        branches.append(f"[{_LATIN}]*")
    if "" in node:
        branches.append("")  # the phrase ends here: tried after every longer one
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
        self._short: dict[str, list[Hit[P]]] = {}
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

    def find(self, text: str, lowered: str | None = None, start: int = 0, end: int | None = None) -> list[Hit[P]]:
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
        kept: list[Hit[P]] = []
        for hit in hits:
            if not kept or hit.start >= kept[-1].end:
                kept.append(hit)
        return kept

    def _scan(self, pattern: re.Pattern[str], text: str, haystack: str, start: int, stop: int) -> list[Hit[P]]:
        hits: list[Hit[P]] = []
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
            hits.append(Hit(first, last, text[first:last], payload))
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

    def find_short(self, text: str) -> list[Hit[P]]:
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
        self._splits: dict[str, tuple[tuple[str, Hit[Any]], ...]] = {}

    def find(self, text: str, lowered: str, spans: Sequence[tuple[int, int]]) -> dict[str, list[Hit[Any]]]:
        found: dict[str, list[Hit[Any]]] = {name: [] for name in self.lexicons}
        for start, end in spans:
            for hit in self.any.find(text, lowered, start, end):
                for name, inner in self._split(hit.text):
                    found[name].append(Hit(hit.start + inner.start, hit.start + inner.end, inner.text, inner.payload))
        return found

    def _split(self, matched: str) -> tuple[tuple[str, Hit[Any]], ...]:
        split = self._splits.get(matched)
        if split is None:
            split = tuple((name, inner) for name, lexicon in self.lexicons.items() for inner in lexicon.find(matched))
            if len(self._splits) < _SPLIT_CACHE_SIZE:
                self._splits[matched] = split
        return split


@dataclass(frozen=True)
class Place:
    """A country named by its name, its capital or its demonym."""

    country: str
    kind: str  # "name" | "capital" | "demonym"


@dataclass(frozen=True)
class DateWord:
    """A date word of the watch list: a weekday, a month, a part of a month or a week."""

    kind: str  # "weekday" | "month" | "part" | "week"
    value: str


# Which lexicons `sentences.FieldHits` runs in each pass: offices over the whole field, the
# rest only near an office. Each name is both a Matcher and a FieldHits attribute.
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


class Matcher:
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

    def _place_entries(self) -> Iterator[tuple[str, Place]]:
        for country in self.watchlist.countries.values():
            for name in country.names:
                yield name, Place(country.code, "name")
            for capital in country.capitals:
                yield capital, Place(country.code, "capital")
            for demonym in country.demonyms:
                yield demonym, Place(country.code, "demonym")

    @staticmethod
    def _date_entries(rules: Sequence[LanguageRules]) -> Iterator[tuple[str, DateWord]]:
        for rule in rules:
            for index, names in enumerate(rule.weekdays):
                for name in names:
                    yield name, DateWord("weekday", str(index))
            for index, names in enumerate(rule.months):
                for name in names:
                    yield name, DateWord("month", str(index + 1))
            for part, names in rule.month_parts.items():
                for name in names:
                    yield name, DateWord("part", part)
            for week, names in rule.weeks.items():
                for name in names:
                    yield name, DateWord("week", week)

    def same_country(self, first: str | None, second: str | None) -> bool:
        if first is None or second is None:
            return False
        return self.part_of.get(first, first) == self.part_of.get(second, second)


_MATCHERS: OrderedDict[int, tuple[Watchlist, Matcher]] = OrderedDict()


def matcher_for(watchlist: Watchlist) -> Matcher:
    """The compiled matcher of this watch list object; a reloaded watch list gets a new one."""
    key = id(watchlist)
    cached = _MATCHERS.get(key)
    # The cache keeps the watch list alive, so its id cannot be reused while the entry exists.
    if cached is not None and cached[0] is watchlist:
        _MATCHERS.move_to_end(key)
        return cached[1]
    matcher = Matcher(watchlist)
    _MATCHERS[key] = (watchlist, matcher)
    while len(_MATCHERS) > _MATCHER_CACHE_SIZE:
        _MATCHERS.popitem(last=False)
    logger.debug("Compiled the classifier for %(file)s", {"file": watchlist.source})
    return matcher
