"""Dates stated in a sentence, resolved against the publication day.

`DateReader` reads ISO, CJK and Vietnamese numeric forms (patterns compiled with the matcher)
and the watch list's date words (weekdays, months, "next week"); a plan's dates look forward.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from datetime import date, timedelta

from pipelines.relevance.matching import DateWord, Hit, Matcher
from pipelines.relevance.sentences import FieldHits, Unit, within

_DIGIT = re.compile(r"\d")


class DateReader:
    """Dates stated in one sentence, resolved against the publication day."""

    def __init__(self, matcher: Matcher, hits: FieldHits, unit: Unit, day: date | None, future: bool) -> None:
        self.matcher = matcher
        self.patterns = matcher.dates
        self.hits = hits
        self.unit = unit
        self.day = day
        self.future = future
        self.found: list[tuple[Hit[str], date, date]] = []

    def dates(self) -> list[tuple[Hit[str], date, date]]:
        sentence = self.unit.sentence
        if not _DIGIT.search(sentence) and not within(self.hits.date_words, self.unit):
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
        self.found.append((Hit(absolute_start, absolute_end, text, ""), first, last or first))

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
        words = within(self.hits.date_words, self.unit)
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

    def _english_day(self, hit: Hit[DateWord]) -> None:
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
