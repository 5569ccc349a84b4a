"""The watch list: whose trips abroad we look for, and the words that show them.

`load_watchlist()` reads `config/watchlist.yaml`, checks every entry and returns a frozen
`Watchlist`. Country names come from two maintained data packages: pycountry (the ISO 3166
list and its English names) and Babel's CLDR data (each country's name in every language the
watch list declares). Capitals, major cities, demonyms and short forms are not in either
package in every language, so the YAML adds them per country under `countries:`.
"""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from types import MappingProxyType

import pycountry
from babel import Locale, UnknownLocaleError

from config.errors import ConfigError
from config.yaml_file import read_yaml

logger = logging.getLogger(__name__)

WATCHLIST_FILE = Path(__file__).parent / "watchlist.yaml"

BODY_KINDS = (
    "public-security",
    "state-security",
    "interior",
    "homeland-security",
    "intelligence",
    "police",
    "security",
)

# Per-language rule lists; each is a list of phrases in the YAML.
_LANGUAGE_LISTS = (
    "heads",
    "deputies",
    "ranks",
    "cues",
    "place_before",
    "place_after",
    "fillers",
    "joiners",
    "background",
    "negative",
    "anaphora",
    "future",
    "cldr_skip",
)
_LANGUAGE_KEYS = frozenset((*_LANGUAGE_LISTS, "cldr", "weekdays", "months", "month_parts", "weeks"))
_MONTH_PARTS = ("early", "mid", "late")
_WEEKS = ("last", "this", "next")
_OFFICE_KEYS = frozenset(("id", "label", "body", "countries", "not_security_in", "titles", "bodies"))
_OFFICIAL_KEYS = frozenset(("name", "aliases", "country", "office", "since", "until"))
_COUNTRY_KEYS = frozenset(("names", "capitals", "demonyms", "abbreviations", "visit_words", "part_of"))
_TOP_KEYS = frozenset(("languages", "article_home", "offices", "officials", "countries"))


@dataclass(frozen=True)
class LanguageRules:
    """How one language talks about officials, trips, places and dates."""

    tag: str
    cldr: str | None  # Babel locale whose country names are loaded, e.g. "zh_Hant"
    heads: tuple[str, ...]  # head-of-body words: "director", "部长", "Bộ trưởng"
    deputies: tuple[str, ...]  # words that make a head a deputy: "deputy", "副", "Thứ"
    ranks: tuple[str, ...]  # ranks written between a title and a name: "General", "上将"
    cues: tuple[str, ...]  # trip cues: "visit", "访问", "訪問", "thăm"
    place_before: tuple[str, ...]  # words right before a destination: "in", "在", "tại"
    place_after: tuple[str, ...]  # particles right after a destination: "を訪問", "で"
    fillers: tuple[str, ...]  # words allowed between a marker and a place: "the", "首都"
    joiners: tuple[str, ...]  # list joiners: "and", "和", "と", "và"
    background: tuple[str, ...]  # marks a trip told as background: "last year", "去年"
    negative: tuple[str, ...]  # travel advice and spy trials: "travel advisory", "间谍"
    anaphora: tuple[str, ...]  # "that country": "同国", "nước bạn"
    future: tuple[str, ...]  # marks a planned trip: "will", "将", "予定", "sẽ"
    cldr_skip: tuple[str, ...]  # CLDR country names too ambiguous to match in this language
    weekdays: tuple[tuple[str, ...], ...]  # seven entries, Monday first
    months: tuple[tuple[str, ...], ...]  # twelve entries, January first, or none
    month_parts: Mapping[str, tuple[str, ...]]  # early / mid / late
    weeks: Mapping[str, tuple[str, ...]]  # last / this / next week


@dataclass(frozen=True)
class Office:
    """A watched post: the head of a security, interior, police or intelligence body."""

    id: str
    label: str  # English name shown to the analyst
    body: str  # one of BODY_KINDS
    countries: tuple[str, ...]  # where the post exists; one entry = the title names the country
    not_security_in: tuple[str, ...]  # where the same title is not a security post
    titles: Mapping[str, tuple[str, ...]]  # language -> whole titles
    bodies: Mapping[str, tuple[str, ...]]  # language -> body names, a title when a head word is near


@dataclass(frozen=True)
class Official:
    """A named holder of a watched office."""

    name: str
    aliases: tuple[str, ...]  # native script, transliterations, surname plus title
    country: str
    office: str  # Office.id
    since: date | None
    until: date | None


@dataclass(frozen=True)
class Country:
    """Everything that names a country in the watched languages, merged."""

    code: str  # ISO 3166 alpha-2
    names: tuple[str, ...]
    capitals: tuple[str, ...]  # capitals and major cities
    demonyms: tuple[str, ...]
    abbreviations: tuple[str, ...]  # one-character forms, only valid right before a title: "米"
    visit_words: tuple[str, ...]  # a visit to this country in one word: "访华", "来日"
    part_of: str | None  # e.g. HK -> CN: not abroad for that country's officials


@dataclass(frozen=True)
class Watchlist:
    """The validated watch list."""

    source: str  # file name, for messages
    languages: Mapping[str, LanguageRules]
    article_home: Mapping[str, str]  # article language -> country an unqualified title means
    offices: tuple[Office, ...]
    officials: tuple[Official, ...]
    countries: Mapping[str, Country]

    def office(self, office_id: str) -> Office:
        """The office with this id; KeyError if there is none."""
        for office in self.offices:
            if office.id == office_id:
                return office
        raise KeyError(office_id)

    def home_for_language(self, language: str | None) -> str | None:
        """The country an unqualified title refers to in an article of this language."""
        if not language:
            return None
        tag = language.replace("_", "-")
        for key in (tag, tag.split("-")[0]):
            for known, country in self.article_home.items():
                if known.lower() == key.lower():
                    return country
        return None


def load_watchlist(path: Path) -> Watchlist:
    """Read and validate a watch list file.

    Raises ConfigError with one line naming the file, the entry, the field, the bad value
    and the fix.
    """
    name = path.name
    raw = read_yaml(path)
    check = _Checker(name)
    top = check.mapping(raw, "the file", "a mapping with languages, offices and officials")
    check.keys(top, "the file", _TOP_KEYS, required=("languages", "offices"))
    languages = _load_languages(check, top["languages"])
    article_home = _load_article_home(check, top.get("article_home") or {}, languages)
    offices = _load_offices(check, top["offices"], languages)
    officials = _load_officials(check, top.get("officials") or [], offices, languages)
    overrides = check.mapping(top.get("countries") or {}, "countries", "country codes as keys")
    countries = _load_countries(check, overrides, languages)
    watchlist = Watchlist(
        source=name,
        languages=MappingProxyType(languages),
        article_home=MappingProxyType(article_home),
        offices=tuple(offices),
        officials=tuple(officials),
        countries=MappingProxyType(countries),
    )
    logger.debug(
        "Loaded %(file)s: %(offices)d offices, %(officials)d officials, %(countries)d countries",
        {
            "file": name,
            "offices": len(offices),
            "officials": len(officials),
            "countries": len(countries),
        },
    )
    return watchlist


class _Checker:
    """Type and value checks that raise ConfigError naming file, entry and field."""

    def __init__(self, file_name: str) -> None:
        self.file_name = file_name

    def fail(self, message: str) -> ConfigError:
        return ConfigError(f"{self.file_name}: {message}")

    def mapping(self, value: object, entry: str, expected: str) -> dict[str, object]:
        if not isinstance(value, dict):
            raise self.fail(f"{entry} is {_describe(value)}; expected {expected}")
        return {str(key): item for key, item in value.items()}

    def keys(
        self,
        value: Mapping[str, object],
        entry: str,
        allowed: frozenset[str],
        required: Iterable[str] = (),
    ) -> None:
        for key in value:
            if key not in allowed:
                raise self.fail(f'{entry} has unknown key "{key}"; expected one of: {", ".join(sorted(allowed))}')
        for key in required:
            if key not in value or value[key] is None:
                raise self.fail(f'{entry} is missing field "{key}"')

    def text(self, value: object, entry: str, field: str, example: str) -> str:
        if not isinstance(value, str) or not value.strip():
            raise self.fail(f'{entry} field "{field}": {_describe(value)} is not text; expected text, e.g. {example}')
        return unicodedata.normalize("NFC", value.strip())

    def phrases(self, value: object, entry: str, field: str) -> tuple[str, ...]:
        if value is None:
            return ()
        if not isinstance(value, list):
            raise self.fail(
                f'{entry} field "{field}": {_describe(value)} is not a list; '
                "expected a list of phrases, e.g. [visit, visited]"
            )
        return tuple(self.text(item, entry, field, "visit") for item in value)

    def country(self, value: object, entry: str, field: str) -> str:
        code = value if isinstance(value, str) else None
        if code is None or len(code) != 2 or pycountry.countries.get(alpha_2=code.upper()) is None:
            raise self.fail(f'{entry} field "{field}": {value!r} is not a country; expected ISO 3166 alpha-2, e.g. VN')
        if code != code.upper():
            raise self.fail(
                f'{entry} field "{field}": {value!r} is lower case; '
                f"expected ISO 3166 alpha-2 in capitals, e.g. {code.upper()}"
            )
        return code

    def countries(self, value: object, entry: str, field: str) -> tuple[str, ...]:
        if value is None:
            return ()
        if not isinstance(value, list):
            raise self.fail(
                f'{entry} field "{field}": {_describe(value)} is not a list; '
                "expected a list of ISO 3166 alpha-2 codes, e.g. [VN, LA]"
            )
        return tuple(self.country(item, entry, field) for item in value)

    def by_language(
        self, value: object, entry: str, field: str, languages: Mapping[str, LanguageRules]
    ) -> dict[str, tuple[str, ...]]:
        table = self.mapping(value or {}, f'{entry} field "{field}"', "language tags as keys")
        result: dict[str, tuple[str, ...]] = {}
        for tag, phrases in table.items():
            if tag not in languages:
                raise self.fail(
                    f'{entry} field "{field}": language "{tag}" is not declared under languages; '
                    f"expected one of: {', '.join(languages)}"
                )
            result[tag] = self.phrases(phrases, entry, f"{field}.{tag}")
        return result

    def day(self, value: object, entry: str, field: str) -> date | None:
        if value is None:
            return None
        if isinstance(value, date):
            return value
        if isinstance(value, str):
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass
        raise self.fail(f'{entry} field "{field}": {value!r} is not a date; expected YYYY-MM-DD, e.g. 2024-06-06')


def _describe(value: object) -> str:
    if value is None:
        return "empty"
    if isinstance(value, (str, int, float)):
        return repr(value)
    return f"a {type(value).__name__}"


def _load_languages(check: _Checker, raw: object) -> dict[str, LanguageRules]:
    table = check.mapping(raw, "languages", "language tags as keys, e.g. en, zh, ja, vi")
    languages: dict[str, LanguageRules] = {}
    for tag, body in table.items():
        entry = f'language "{tag}"'
        rules = check.mapping(body or {}, entry, "a mapping of rule lists")
        check.keys(rules, entry, _LANGUAGE_KEYS)
        lists = {key: check.phrases(rules.get(key), entry, key) for key in _LANGUAGE_LISTS}
        cldr = rules.get("cldr")
        if cldr is not None:
            cldr = check.text(cldr, entry, "cldr", "zh_Hant")
            try:
                Locale.parse(cldr)
            except (UnknownLocaleError, ValueError) as error:
                raise check.fail(
                    f'{entry} field "cldr": {cldr!r} is not a CLDR locale; expected a Babel locale, e.g. zh_Hant'
                ) from error
        weekdays = _load_word_table(check, rules.get("weekdays"), entry, "weekdays", 7)
        months = _load_word_table(check, rules.get("months"), entry, "months", 12)
        month_parts = _load_named_lists(check, rules.get("month_parts"), entry, "month_parts", _MONTH_PARTS)
        weeks = _load_named_lists(check, rules.get("weeks"), entry, "weeks", _WEEKS)
        languages[tag] = LanguageRules(
            tag=tag,
            cldr=cldr,
            weekdays=weekdays,
            months=months,
            month_parts=month_parts,
            weeks=weeks,
            **lists,
        )
    return languages


def _load_word_table(check: _Checker, raw: object, entry: str, field: str, size: int) -> tuple[tuple[str, ...], ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list) or len(raw) != size:
        raise check.fail(
            f'{entry} field "{field}": {_describe(raw)} does not have {size} entries; '
            f"expected a list of {size} lists of words"
        )
    return tuple(check.phrases(item if isinstance(item, list) else [item], entry, field) for item in raw)


def _load_named_lists(
    check: _Checker, raw: object, entry: str, field: str, names: tuple[str, ...]
) -> Mapping[str, tuple[str, ...]]:
    table = check.mapping(raw or {}, f'{entry} field "{field}"', f"keys {', '.join(names)}")
    check.keys(table, f'{entry} field "{field}"', frozenset(names))
    return MappingProxyType({key: check.phrases(table.get(key), entry, f"{field}.{key}") for key in names})


def _load_article_home(check: _Checker, raw: object, languages: Mapping[str, LanguageRules]) -> dict[str, str]:
    table = check.mapping(raw, "article_home", "article language tags as keys, e.g. vi: VN")
    return {tag: check.country(code, f'article_home "{tag}"', "country") for tag, code in table.items()}


def _load_offices(check: _Checker, raw: object, languages: Mapping[str, LanguageRules]) -> list[Office]:
    if not isinstance(raw, list):
        raise check.fail(f"offices is {_describe(raw)}; expected a list of offices")
    offices: list[Office] = []
    seen: set[str] = set()
    for index, item in enumerate(raw, start=1):
        fields = check.mapping(item, f"office #{index}", "a mapping with id, label, body and titles")
        office_id = fields.get("id")
        entry = f'office "{office_id}"' if isinstance(office_id, str) else f"office #{index}"
        check.keys(fields, entry, _OFFICE_KEYS, required=("id", "label", "body"))
        office_id = check.text(office_id, entry, "id", "cn-public-security")
        if office_id in seen:
            raise check.fail(f'{entry} field "id": {office_id!r} is used twice; expected a unique id')
        seen.add(office_id)
        body = check.text(fields["body"], entry, "body", "police")
        if body not in BODY_KINDS:
            raise check.fail(
                f'{entry} field "body": {body!r} is not a body kind; expected one of: {", ".join(BODY_KINDS)}'
            )
        titles = check.by_language(fields.get("titles"), entry, "titles", languages)
        bodies = check.by_language(fields.get("bodies"), entry, "bodies", languages)
        if not any(titles.values()) and not any(bodies.values()):
            raise check.fail(f'{entry} is missing field "titles"; expected titles or bodies in at least one language')
        offices.append(
            Office(
                id=office_id,
                label=check.text(fields["label"], entry, "label", "Minister of Public Security"),
                body=body,
                countries=check.countries(fields.get("countries"), entry, "countries"),
                not_security_in=check.countries(fields.get("not_security_in"), entry, "not_security_in"),
                titles=MappingProxyType(titles),
                bodies=MappingProxyType(bodies),
            )
        )
    return offices


def _load_officials(
    check: _Checker,
    raw: object,
    offices: list[Office],
    languages: Mapping[str, LanguageRules],
) -> list[Official]:
    if not isinstance(raw, list):
        raise check.fail(f"officials is {_describe(raw)}; expected a list of officials")
    office_ids = [office.id for office in offices]
    officials: list[Official] = []
    for index, item in enumerate(raw, start=1):
        fields = check.mapping(item, f"official #{index}", "a mapping with name, country and office")
        name = fields.get("name")
        entry = f'official "{name}"' if isinstance(name, str) else f"official #{index}"
        check.keys(fields, entry, _OFFICIAL_KEYS)
        for key in ("name", "country", "office"):
            if fields.get(key) is None:
                raise check.fail(f'{entry} is missing field "{key}"; expected e.g. {key}: {_OFFICIAL_EXAMPLES[key]}')
        office = check.text(fields["office"], entry, "office", office_ids[0] if office_ids else "id")
        if office not in office_ids:
            raise check.fail(
                f'{entry} field "office": {office!r} is not an office id; '
                f"expected one of the ids under offices, e.g. {office_ids[0]}"
            )
        since = check.day(fields.get("since"), entry, "since")
        until = check.day(fields.get("until"), entry, "until")
        if since and until and until < since:
            raise check.fail(f'{entry} field "until": {until} is before since {since}; expected a later date')
        officials.append(
            Official(
                name=check.text(name, entry, "name", "Wang Xiaohong"),
                aliases=check.phrases(fields.get("aliases"), entry, "aliases"),
                country=check.country(fields["country"], entry, "country"),
                office=office,
                since=since,
                until=until,
            )
        )
    return officials


_OFFICIAL_EXAMPLES = {"name": "Wang Xiaohong", "country": "CN", "office": "public-security-minister"}


def _load_countries(
    check: _Checker, overrides: Mapping[str, object], languages: Mapping[str, LanguageRules]
) -> dict[str, Country]:
    for code in overrides:
        check.country(code, f'countries entry "{code}"', "code")
    names = _names_from_packages(languages)
    countries: dict[str, Country] = {}
    for record in pycountry.countries:
        code = record.alpha_2
        extra = check.mapping(overrides.get(code) or {}, f'country "{code}"', "a mapping of names per language")
        entry = f'country "{code}"'
        check.keys(extra, entry, _COUNTRY_KEYS)
        lists = {
            key: _flatten(check.by_language(extra.get(key), entry, key, languages))
            for key in ("names", "capitals", "demonyms", "abbreviations", "visit_words")
        }
        part_of = extra.get("part_of")
        countries[code] = Country(
            code=code,
            names=_unique((*names.get(code, ()), *lists["names"])),
            capitals=lists["capitals"],
            demonyms=lists["demonyms"],
            abbreviations=lists["abbreviations"],
            visit_words=lists["visit_words"],
            part_of=None if part_of is None else check.country(part_of, entry, "part_of"),
        )
    return countries


def _names_from_packages(languages: Mapping[str, LanguageRules]) -> dict[str, tuple[str, ...]]:
    """Country names per ISO code: pycountry's English names plus CLDR's in each language."""
    names: dict[str, list[str]] = {}
    for record in pycountry.countries:
        for attribute in ("name", "common_name", "official_name"):
            value = getattr(record, attribute, None)
            # "Korea, Republic of" is an index form nobody writes in running text.
            if isinstance(value, str) and "," not in value:
                names.setdefault(record.alpha_2, []).extend(_split_name(value))
    for rules in languages.values():
        if rules.cldr is None:
            continue
        skip = set(rules.cldr_skip)
        territories = Locale.parse(rules.cldr).territories
        for code in names.keys() | {record.alpha_2 for record in pycountry.countries}:
            value = territories.get(code)
            if value and value not in skip:
                names.setdefault(code, []).extend(n for n in _split_name(value) if n not in skip)
    return {code: _unique(values) for code, values in names.items()}


def _split_name(value: str) -> list[str]:
    """'Myanmar (Burma)' -> both names; '&' forms also as 'and'; SAR labels are left out."""
    value = unicodedata.normalize("NFC", value)
    if "SAR" in value:
        return []
    parts = [value]
    if "(" in value and value.endswith(")"):
        outer, inner = value[:-1].split("(", 1)
        parts = [outer.strip(), inner.strip()]
    if "&" in value:
        parts.append(value.replace("&", "and"))
    return [part for part in parts if part]


def _flatten(table: Mapping[str, tuple[str, ...]]) -> tuple[str, ...]:
    return _unique(phrase for phrases in table.values() for phrase in phrases)


def _unique(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))
