"""Watched officials in an article's sentences: the office, whose official, and a name.

`find_officials()` turns title phrases, body names next to a head word ("FBI Director",
"公安部部长") and watched people's names into `Mention`s, each with the country it belongs to.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from config.watchlist import Office, Official
from pipelines.relevance.matching import CJK_RE, Hit, Matcher
from pipelines.relevance.sentences import Article, FieldHits, Unit, within

_PUNCTUATION = set('，。、；：！？,.;:!?「」『』"“”()（）[]【】\n')
_CLAUSE_PUNCTUATION = set("，。、；：！？,.;:!?\n")
_HEAD_OF_BODY_GAP = re.compile(r"\s+(?:of\s+(?:the\s+)?(?:[\w’']+\s+){0,2})?")  # "director of South Korea's"
_BODY_THEN_HEAD_GAP = re.compile(r"(?:['’]s)?\s+")  # "FBI Director", "ASIO's chief"
_FOLLOWING_MODIFIER_GAP = re.compile(r"\s*(?:of\s+(?:the\s+)?|của\s+)?")  # "Minister of Public Security of Laos"
_POSSESSIVE_GAP = re.compile(r"(?:['’]s)?\s*")  # "Vietnam's Minister", "Chinese Minister"


@dataclass
class Mention:
    """A watched official in one sentence, with the country whose official they are."""

    unit: Unit
    start: int
    end: int
    office: Office
    home: str | None
    name: str | None
    official: Official | None = None

    @property
    def matched(self) -> str:
        return self.unit.sentence[self.start - self.unit.start : self.end - self.unit.start]


def find_officials(article: Article, matcher: Matcher, language_home: str | None, day: date | None) -> list[Mention]:
    mentions: list[Mention] = []
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
                mentions.append(Mention(unit, start, end, office, official.country, official.name, official))
                continue
            name = _name_near(hits.value, unit, start, end, matcher)
            mentions.append(Mention(unit, start, end, office, home, name))
        for person in named:
            official = matcher.watchlist.officials[person.payload]
            office = matcher.watchlist.office(official.office)
            mentions.append(Mention(unit, person.start, person.end, office, official.country, official.name, official))
    return mentions


def _office_spans(hits: FieldHits, unit: Unit, matcher: Matcher) -> list[tuple[int, int, str]]:
    """Whole titles, and body names with a head word next to them, minus deputies."""
    value = hits.value
    spans = [(hit.start, hit.end, hit.payload) for hit in within(hits.titles, unit)]
    heads = within(hits.heads, unit)
    for body in within(hits.bodies, unit):
        for head in heads:
            span = _body_with_head(value, body, head)
            if span is not None:
                # "公安部副部长": the deputy word sits between the body and the head.
                if not _is_deputy(value, head.start, matcher):
                    spans.append((*span, body.payload))
                break
    spans = [span for span in spans if not _is_deputy(value, span[0], matcher)]
    return _longest_first(spans)


def _body_with_head(value: str, body: Hit[str], head: Hit[bool]) -> tuple[int, int] | None:
    if CJK_RE.search(head.text):
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


def _is_deputy(value: str, start: int, matcher: Matcher) -> bool:
    before = value[max(0, start - 12) : start]
    return any(not before[hit.end :].strip(" -") for hit in matcher.deputies.find_short(before))


def _longest_first(spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    kept: list[tuple[int, int, str]] = []
    for span in sorted(spans, key=lambda item: (item[0] - item[1], item[0])):
        if all(span[1] <= other[0] or span[0] >= other[1] for other in kept):
            kept.append(span)
    return sorted(kept)


def _official_hits(hits: FieldHits, unit: Unit, matcher: Matcher, day: date | None) -> list[Hit[int]]:
    found = []
    for hit in within(hits.officials, unit):
        official = matcher.watchlist.officials[hit.payload]
        # Someone named after leaving office is no longer a watched official.
        if day is not None and ((official.since and day < official.since) or (official.until and day > official.until)):
            continue
        found.append(hit)
    return found


def _adjacent(value: str, person: Hit[int], start: int, end: int) -> bool:
    if person.start < end and person.end > start:
        return True
    gap = value[end : person.start] if person.start >= end else value[person.end : start]
    return len(gap) <= 4 and not any(char in "。.;；" for char in gap)


def _home_country(
    hits: FieldHits,
    unit: Unit,
    start: int,
    end: int,
    office: Office,
    matcher: Matcher,
    language_home: str | None,
) -> str | None:
    """Whose official: a country named in, right after or right before the title, else a default."""
    value = hits.value
    modifiers = [hit for hit in within(hits.places, unit) if hit.payload.kind != "capital"]
    for hit in modifiers:
        if start <= hit.start and hit.end <= end:
            return hit.payload.country
    short = within(hits.abbreviations, unit)
    following = [(hit.start, hit.payload.country) for hit in modifiers] + [(hit.start, hit.payload) for hit in short]
    for hit_start, country in sorted(following):
        if hit_start >= end:
            if _FOLLOWING_MODIFIER_GAP.fullmatch(value[end:hit_start]):
                return country
            break
    preceding = [(hit.end, hit.payload.country, False) for hit in modifiers]
    preceding += [(hit.end, hit.payload, True) for hit in short]
    preceding += [(hit.end, "", False) for hit in within(hits.anaphora, unit)]
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


def _modifier_gap(gap: str, abbreviation: bool, matcher: Matcher) -> bool:
    """Can the country before this gap qualify the title after it?"""
    if abbreviation:
        return gap == ""
    if _POSSESSIVE_GAP.fullmatch(gap):
        return True
    # 柬埔寨副首相兼内政大臣, 中国の周明華公安相, 米国のホイットフィールド国土安全保障長官; but in
    # 在越南会见公安部部长 a verb stands between, and Vietnam is where, not whose.
    if not CJK_RE.search(gap) or len(gap) > 12 or any(char in _PUNCTUATION or char.isspace() for char in gap):
        return False
    return not any(lexicon.find_short(gap) for lexicon in (matcher.cues, matcher.before, matcher.after))


def _last_country_before(hits: FieldHits, position: int) -> str | None:
    found = [(hit.end, hit.payload.country) for hit in hits.places if hit.end <= position]
    found += [(hit.end, hit.payload) for hit in hits.visit_words if hit.end <= position]
    return max(found)[1] if found else None


_LATIN_NAME = re.compile(r"(?:[A-ZÀ-ÝĐ][\w'’.-]*)(?:\s+[A-ZÀ-ÝĐ][\w'’.-]*){1,3}")
_HAN_NAME_AFTER = re.compile(
    r"([\u4e00-\u9fff·]{2,4}?)(?=上将|中将|少将|大将|上將|中將|少將|大將|警监|上月|本月|今年|近日|日前|[于於在同与與率对對，。、（0-9])"
)
_HAN_NAME_BEFORE = re.compile(r"(?:^|[、。，の\s])([\u4e00-\u9fff]{2,4}|[\u30a1-\u30ff・]{2,12})$")
_PARENTHESIS = re.compile(r"^\s*[(（][^)）]{1,20}[)）]")


def _name_near(value: str, unit: Unit, start: int, end: int, matcher: Matcher) -> str | None:
    """A best-effort name: 'Home Secretary Priya Lockwood', '公安部部长周明华', '松本健一国家公安委員長'."""
    after = _skip_to_name(value[end : unit.end], matcher)
    if CJK_RE.search(value[start:end]):
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


def _skip_to_name(after: str, matcher: Matcher) -> str:
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


def _is_word(candidate: str, matcher: Matcher) -> bool:
    """A place, a trip cue or a title is not a name."""
    lexicons = (matcher.places, matcher.cues, matcher.visit_words, matcher.titles, matcher.bodies, matcher.heads)
    return any(lexicon.find_short(candidate) for lexicon in lexicons)
