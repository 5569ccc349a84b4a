"""sources.yaml: the declared sources, validated once into frozen, typed models.

The key names (`name`, `feeds`, `sitemaps`, `listings`, `schedule`) are a public
contract: extend them, never rename them.
"""

from __future__ import annotations

import os
import re
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from config.errors import ConfigError
from config.yaml_file import read_yaml

#: The repo's own config folder, used when neither --config nor TRIPWATCH_CONFIG is given.
DEFAULT_CONFIG_DIR = Path(__file__).resolve().parent

_DURATION = re.compile(r"^\s*(\d+)\s*([smhd]?)\s*$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "": 60}
_NAME = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")


def parse_duration(value: str | int) -> timedelta:
    """`30s`, `15m`, `2h`, `1d`; a bare number is minutes."""
    match = _DURATION.match(str(value))
    if match is None or int(match.group(1)) == 0:
        raise ValueError(f"{value!r} is not a duration; expected a whole number with a unit, e.g. 30s, 15m, 2h, 1d")
    return timedelta(seconds=int(match.group(1)) * _UNIT_SECONDS[match.group(2)])


def _check_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"{url!r} is not an http(s) URL; expected e.g. https://example.com/rss.xml")
    return url


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Schedule(_Model):
    """When the scheduler runs a source: a fixed interval or a cron expression."""

    every: timedelta | None = None
    cron: str | None = None
    jitter: timedelta | None = None

    @field_validator("every", "jitter", mode="before")
    @classmethod
    def _duration(cls, value: Any) -> timedelta | None:
        if value is None or isinstance(value, timedelta):
            return value
        return parse_duration(value)

    @field_validator("cron")
    @classmethod
    def _cron(cls, value: str | None) -> str | None:
        if value is None:
            return None
        from apscheduler.triggers.cron import CronTrigger

        try:
            CronTrigger.from_crontab(value)
        except ValueError as exc:
            raise ValueError(f'{value!r} is not a cron expression ({exc}); expected e.g. "*/30 * * * *"') from exc
        return value

    @model_validator(mode="after")
    def _one_of(self) -> Schedule:
        if (self.every is None) == (self.cron is None):
            raise ValueError('give exactly one of `every` (e.g. 30m) or `cron` (e.g. "*/30 * * * *")')
        return self


class Listing(_Model):
    """A section page whose article links are followed, with optional pagination."""

    url: str
    links: str | None = None  # CSS selector of article links; None = heuristic
    next: str | None = None  # CSS selector of the "next page" link
    max_pages: int = Field(default=1, ge=1, le=100)

    @field_validator("url")
    @classmethod
    def _url(cls, value: str) -> str:
        return _check_url(value)


class Source(_Model):
    """One outlet: its entry points and its schedule."""

    name: str
    feeds: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    listings: tuple[Listing, ...] = ()
    schedule: Schedule | None = None
    refresh: timedelta | None = None  # re-fetch articles this long after publication
    enabled: bool = True

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if not _NAME.match(value):
            raise ValueError(f"{value!r} is not a valid name; use lower-case letters, digits, '-', '_' or '.'")
        return value

    @field_validator("feeds", "sitemaps")
    @classmethod
    def _urls(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(_check_url(url) for url in value)

    @field_validator("refresh", mode="before")
    @classmethod
    def _refresh(cls, value: Any) -> timedelta | None:
        if value is None or isinstance(value, timedelta):
            return value
        return parse_duration(value)

    @model_validator(mode="after")
    def _has_entry_point(self) -> Source:
        if not (self.feeds or self.sitemaps or self.listings):
            raise ValueError("has no entry point; give at least one of feeds, sitemaps or listings")
        return self

    @property
    def entry_points(self) -> tuple[str, ...]:
        return self.feeds + self.sitemaps + tuple(listing.url for listing in self.listings)


class SourcesFile(_Model):
    sources: tuple[Source, ...]


def config_dir(explicit: str | Path | None = None) -> Path:
    """--config, else TRIPWATCH_CONFIG, else the repo's config/ folder."""
    chosen = explicit or os.environ.get("TRIPWATCH_CONFIG")
    return Path(chosen) if chosen else DEFAULT_CONFIG_DIR


def describe_validation_error(filename: str, raw: Any, error: ValidationError, kind: str, list_key: str) -> str:
    """One line per problem: file, entry (by its name), field, what is wrong."""
    lines = []
    for problem in error.errors():
        loc = list(problem["loc"])
        where = ""
        if len(loc) >= 2 and loc[0] == list_key and isinstance(loc[1], int):
            entries = raw.get(list_key) if isinstance(raw, dict) else None
            entry = entries[loc[1]] if isinstance(entries, list) and loc[1] < len(entries) else None
            label = entry.get("name") if isinstance(entry, dict) else None
            where = f'{kind} "{label}"' if label else f"{kind} #{loc[1] + 1}"
            loc = loc[2:]
        field = ".".join(str(part) for part in loc)
        message = str(problem["msg"]).removeprefix("Value error, ")
        if problem["type"] == "extra_forbidden":
            message = "unknown key; check the spelling against the configuration reference in README.md"
        elif problem["type"] == "missing":
            message = "is required"
        if "input" in problem and problem["type"] not in ("missing", "extra_forbidden", "value_error"):
            message = f"{problem['input']!r}: {message}"
        parts = [part for part in (where, f'field "{field}"' if field else "") if part]
        lines.append(f"{filename}: {' '.join(parts)}: {message}" if parts else f"{filename}: {message}")
    return "\n".join(lines)


def load_sources(path: Path) -> tuple[Source, ...]:
    """Load and validate sources.yaml; any problem raises ConfigError before anything is crawled."""
    raw = read_yaml(path)
    if not isinstance(raw, dict) or "sources" not in raw:
        raise ConfigError(f"{path.name}: expected a top-level `sources:` list")
    try:
        parsed = SourcesFile.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(describe_validation_error(path.name, raw, exc, "source", "sources")) from exc
    seen: set[str] = set()
    for source in parsed.sources:
        if source.name in seen:
            raise ConfigError(f'{path.name}: source "{source.name}" field "name": duplicate name; names must be unique')
        seen.add(source.name)
    return parsed.sources


def select_sources(sources: tuple[Source, ...], names: tuple[str, ...] | list[str]) -> tuple[Source, ...]:
    """The named sources (all enabled ones when no name is given); unknown names are an error."""
    if not names:
        return tuple(source for source in sources if source.enabled)
    by_name = {source.name: source for source in sources}
    unknown = [name for name in names if name not in by_name]
    if unknown:
        raise ConfigError(
            f"unknown source {', '.join(repr(n) for n in unknown)}; known: {', '.join(sorted(by_name)) or 'none'}"
        )
    return tuple(by_name[name] for name in names)
