"""sources.yaml: validated once at load, with one-line errors naming file, source and field."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from config.errors import ConfigError
from config.sources import config_dir, load_sources, parse_duration, select_sources

REPO = Path(__file__).resolve().parent.parent


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sources.yaml"
    path.write_text(text, encoding="utf-8")
    return path


GOOD = """
sources:
  - name: example-daily
    feeds: [https://example.com/rss.xml]
    sitemaps: [https://example.com/news-sitemap.xml]
    listings:
      - url: https://example.com/world/
        links: "article h2 a"
        next: "a.next"
        max_pages: 3
    schedule: {every: 30m}
  - name: wire
    feeds: [https://wire.example.org/atom.xml]
    schedule: {cron: "*/30 * * * *"}
    refresh: 48h
"""


def test_the_documented_example_loads_into_typed_objects(tmp_path: Path) -> None:
    sources = load_sources(write(tmp_path, GOOD))
    daily, wire = sources
    assert daily.name == "example-daily"
    assert daily.listings[0].links == "article h2 a" and daily.listings[0].max_pages == 3
    assert daily.schedule is not None and daily.schedule.every == timedelta(minutes=30)
    assert wire.schedule is not None and wire.schedule.cron == "*/30 * * * *"
    assert wire.refresh == timedelta(hours=48)
    assert daily.entry_points == (
        "https://example.com/rss.xml",
        "https://example.com/news-sitemap.xml",
        "https://example.com/world/",
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (GOOD.replace("every: 30m", "every: 5x"), 'sources.yaml: source "example-daily" field "schedule.every"'),
        (
            GOOD.replace("feeds: [https://example.com/rss.xml]", "feedz: [https://example.com/rss.xml]"),
            'field "feedz": unknown key',
        ),
        (
            GOOD.replace("https://wire.example.org/atom.xml", "ftp://wire/atom.xml"),
            'source "wire" field "feeds": \'ftp://wire/atom.xml\' is not an http(s) URL',
        ),
        (GOOD.replace("name: wire", "name: example-daily"), 'source "example-daily" field "name": duplicate name'),
        (GOOD.replace('{cron: "*/30 * * * *"}', '{cron: "every day"}'), 'source "wire" field "schedule.cron"'),
        (GOOD.replace('{cron: "*/30 * * * *"}', '{every: 1h, cron: "* * * * *"}'), "exactly one of"),
        (GOOD.replace("max_pages: 3", "max_pages: 0"), 'field "listings.0.max_pages"'),
        ("sources:\n  - name: x\n    feeds: [https://a.example/rss\n", "sources.yaml line"),
        ("sources:\n  - feeds: [https://a.example/rss]\n", 'source #1 field "name": is required'),
        ("sources:\n  - name: empty\n", 'source "empty": has no entry point'),
        ("- just a list\n", "expected a top-level `sources:` list"),
    ],
)
def test_a_bad_file_gives_one_message_naming_file_source_and_field(tmp_path: Path, text: str, expected: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_sources(write(tmp_path, text))
    assert expected in str(caught.value)
    assert "Traceback" not in str(caught.value)


def test_a_missing_file_says_how_to_fix_it(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="file not found; create it or pass --config"):
        load_sources(tmp_path / "nope.yaml")


@pytest.mark.parametrize(("text", "seconds"), [("30s", 30), ("15m", 900), ("2h", 7200), ("1d", 86400), ("45", 2700)])
def test_durations(text: str, seconds: int) -> None:
    assert parse_duration(text).total_seconds() == seconds


@pytest.mark.parametrize("text", ["0m", "5x", "m", "-3m", "1.5h"])
def test_bad_durations_are_rejected(text: str) -> None:
    with pytest.raises(ValueError, match="not a duration"):
        parse_duration(text)


def test_select_sources_by_name_and_unknown_names(tmp_path: Path) -> None:
    sources = load_sources(write(tmp_path, GOOD))
    assert [s.name for s in select_sources(sources, ["wire"])] == ["wire"]
    assert [s.name for s in select_sources(sources, [])] == ["example-daily", "wire"]
    with pytest.raises(ConfigError, match="unknown source 'nope'; known: example-daily, wire"):
        select_sources(sources, ["nope"])


def test_config_dir_precedence(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("TRIPWATCH_CONFIG", raising=False)
    assert config_dir() == REPO / "config"
    monkeypatch.setenv("TRIPWATCH_CONFIG", str(tmp_path))
    assert config_dir() == tmp_path
    assert config_dir(tmp_path / "explicit") == tmp_path / "explicit"


def test_every_shipped_sources_file_loads() -> None:
    shipped = load_sources(REPO / "config" / "sources.yaml")
    assert len(shipped) >= 5
    assert all(source.entry_points for source in shipped)
