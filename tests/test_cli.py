"""The `tripwatch` command line: help that teaches, clear errors, exit codes, items and exports."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from crawler.cli import cli
from crawler.items import ArticleItem
from storage.repository import Store

REPO = Path(__file__).resolve().parent.parent

TRIP_TEXT = (
    "Vietnam's Minister of Public Security arrived in Vientiane on Tuesday for talks with his Lao counterpart "
    "on cross-border crime. The minister held talks with the Lao minister of public security on drug trafficking. "
    "The two sides signed an agreement on joint patrols along the border."
)


def all_commands(group: click.Group, prefix: str = "") -> list[tuple[str, click.Command]]:
    found = []
    for name, command in sorted(group.commands.items()):
        path = f"{prefix}{name}"
        if isinstance(command, click.Group):
            found += all_commands(command, f"{path} ")
        else:
            found.append((path, command))
    return found


@pytest.mark.parametrize(("path", "command"), all_commands(cli), ids=lambda v: v if isinstance(v, str) else "")
def test_every_command_has_help_with_an_example_and_is_in_the_readme(path: str, command: click.Command) -> None:
    result = CliRunner().invoke(cli, [*path.split(), "--help"])
    assert result.exit_code == 0, result.output
    assert "Example:" in result.output, f"`tripwatch {path} --help` shows no example"
    assert f"tripwatch {path}" in (REPO / "README.md").read_text(encoding="utf-8"), (
        f"README never shows `tripwatch {path}`"
    )


def write_sources(folder: Path, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "sources.yaml").write_text(text, encoding="utf-8")
    return folder


def test_a_bad_sources_file_stops_the_crawl_with_one_line_and_exit_code_2(tmp_path: Path) -> None:
    config = write_sources(
        tmp_path / "cfg", "sources:\n  - name: x\n    feeds: [https://a.example/rss]\n    schedule: {every: 5x}\n"
    )
    result = CliRunner().invoke(cli, ["crawl", "--config", str(config), "--db", f"sqlite:///{tmp_path / 'x.db'}"])
    assert result.exit_code == 2
    assert 'sources.yaml: source "x" field "schedule.every"' in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "x.db").exists(), "nothing is done on a config error"


def test_an_unknown_source_name_is_a_usage_error(tmp_path: Path) -> None:
    config = write_sources(tmp_path / "cfg", "sources:\n  - name: wire\n    feeds: [https://a.example/rss]\n")
    result = CliRunner().invoke(
        cli, ["crawl", "nope", "--config", str(config), "--db", f"sqlite:///{tmp_path / 'x.db'}"]
    )
    assert result.exit_code == 2
    assert "unknown source 'nope'; known: wire" in result.output


def test_set_needs_name_equals_value(tmp_path: Path) -> None:
    config = write_sources(tmp_path / "cfg", "sources:\n  - name: wire\n    feeds: [https://a.example/rss]\n")
    result = CliRunner().invoke(
        cli, ["crawl", "--config", str(config), "--db", f"sqlite:///{tmp_path / 'x.db'}", "--set", "DOWNLOAD_DELAY"]
    )
    assert result.exit_code == 2 and "expected NAME=VALUE" in result.output


@pytest.fixture
def filled_db(sqlite_url: str, config_copy: Path) -> str:
    """Two articles stored the way a crawl stores them, classified by the real watch list."""
    from config.watchlist import load_watchlist
    from pipelines.classify import classify
    from pipelines.dedup import content_hash

    watchlist = load_watchlist(config_copy / "watchlist.yaml")
    stories = [
        ("https://wire.example/trip", "Vietnam security minister holds talks in Vientiane", TRIP_TEXT),
        (
            "https://wire.example/rice",
            "Rice prices rise",
            "Rice prices in the Mekong delta rose for a third week. " * 6,
        ),
    ]
    with Store.open(sqlite_url) as store:
        for url, title, text in stories:
            item = ArticleItem(url=url, source="wire", html=f"<p>{text}</p>", urls=[url])
            item.canonical_url, item.title, item.text = url, title, text
            item.content_hash = content_hash(text)
            item.published = datetime(2026, 10, 14, 9, 30, tzinfo=UTC)
            item.language = "en"
            item.classification = classify(title, text, item.published, "en", watchlist).as_dict()
            store.save_article(item)
        copy = ArticleItem(
            url="https://paper.example/reprint", source="paper", html="", urls=["https://paper.example/reprint"]
        )
        copy.canonical_url = copy.url
        store.add_copy(1, copy)
    return sqlite_url


def test_items_list_puts_relevant_first_and_hides_the_rest_unless_all(filled_db: str) -> None:
    runner = CliRunner()
    relevant_only = runner.invoke(cli, ["items", "list", "--db", filled_db])
    assert relevant_only.exit_code == 0, relevant_only.output
    assert "Vientiane" in relevant_only.output and "Rice prices" not in relevant_only.output
    everything = runner.invoke(cli, ["items", "list", "--all", "--db", filled_db])
    assert everything.output.index("Vientiane") < everything.output.index("Rice prices")
    assert "to LA" in everything.output


def test_items_show_lists_copies_and_evidence(filled_db: str) -> None:
    result = CliRunner().invoke(cli, ["items", "show", "1", "--db", filled_db])
    assert result.exit_code == 0, result.output
    assert "Copy at:    https://paper.example/reprint (paper)" in result.output
    assert "Relevance:  relevant" in result.output
    missing = CliRunner().invoke(cli, ["items", "show", "99", "--db", filled_db])
    assert missing.exit_code == 1 and "no item 99" in missing.output


def test_export_formats(filled_db: str, tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "items.jsonl"
    result = runner.invoke(cli, ["export", "--format", "jsonl", "--all", "--out", str(out), "--db", filled_db])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["title"] for r in records] == ["Vietnam security minister holds talks in Vientiane", "Rice prices rise"]
    for key in ("id", "url", "urls", "source", "title", "author", "published", "language", "summary", "text"):
        assert key in records[0]
    assert records[0]["relevance"] == "relevant" and "LA" in records[0]["trip"]["destinations"]
    assert records[0]["also_published_at"] == [{"url": "https://paper.example/reprint", "source": "paper"}]
    assert records[0]["published"] == "2026-10-14T09:30:00+00:00"

    csv_result = runner.invoke(cli, ["export", "--format", "csv", "--db", filled_db])
    rows = list(csv.DictReader(io.StringIO(csv_result.stdout)))
    assert [r["title"] for r in rows] == ["Vietnam security minister holds talks in Vientiane"]
    assert rows[0]["destinations"] == "LA"

    import feedparser

    atom = runner.invoke(cli, ["export", "--format", "atom", "--db", filled_db]).stdout
    parsed = feedparser.parse(atom)
    assert not parsed.bozo, parsed.bozo_exception
    assert [(e.title, e.link) for e in parsed.entries] == [
        ("Vietnam security minister holds talks in Vientiane", "https://wire.example/trip")
    ]

    txt = runner.invoke(cli, ["export", "--format", "txt", "--db", filled_db]).stdout
    assert txt.startswith("Vietnam security minister holds talks in Vientiane\n\nVietnam's Minister of Public Security")


def test_reclassify_follows_a_watchlist_edit_and_keeps_the_analysts_mark(filled_db: str, config_copy: Path) -> None:
    runner = CliRunner()
    with Store.open(filled_db) as store:
        store.mark_item(2, label="relevant")
    watchlist = config_copy / "watchlist.yaml"
    original = watchlist.read_text(encoding="utf-8")
    # Without English trip cues, no English article can report a trip.
    edited = re.sub(r"(?s)(  en:\n.*?\n    cues: )\[visit\*.*?stops in\]", r"\1[no-such-cue]", original, count=1)
    assert edited != original
    watchlist.write_text(edited, encoding="utf-8")
    result = runner.invoke(cli, ["reclassify", "--config", str(config_copy), "--db", filled_db])
    assert result.exit_code == 0, result.output
    assert "1 label(s) changed" in result.output
    with Store.open(filled_db) as store:
        trip, rice = store.get_item(1), store.get_item(2)
    assert trip is not None and rice is not None
    assert trip.relevance != "relevant"
    assert rice.label == "relevant" and rice.relevance == "irrelevant", "the analyst's mark survives"

    watchlist.write_text(original, encoding="utf-8")
    runner.invoke(cli, ["reclassify", "--config", str(config_copy), "--db", filled_db])
    with Store.open(filled_db) as store:
        again = store.get_item(1)
    assert again is not None and again.relevance == "relevant"


def test_scrapy_crawl_works_from_the_repo_root(tmp_path: Path) -> None:
    listed = subprocess.run(
        [sys.executable, "-m", "scrapy", "list"], cwd=REPO, capture_output=True, text=True, check=False
    )
    assert listed.returncode == 0, listed.stderr
    assert set(listed.stdout.split()) >= {"sources", "feeds", "sitemaps", "listings"}


def test_sources_check_requests_each_entry_point_once_and_flags_the_broken_one(tmp_path: Path) -> None:
    from demo.server import FixtureWeb
    from tests.crawl_helpers import write_config

    with FixtureWeb() as web:
        config = write_config(web, tmp_path / "config")
        result = CliRunner().invoke(cli, ["sources", "check", "--config", str(config)])
        entry_requests = [r.path for r in web.request_log()]
    # exit code 1 through sys.exit, not an exception escaping the command
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit | None), repr(result.exception)
    lines = result.output.splitlines()
    assert any(line.startswith("BAD") and "/feeds/world.xml" in line for line in lines), result.output
    assert any(line.startswith("ok") and "/atom.xml" in line and "entries" in line for line in lines)
    assert any(line.startswith("ok") and "/sitemap_index.xml" in line and "child sitemaps" in line for line in lines)
    assert sorted(entry_requests) == sorted(set(entry_requests)), "each entry point once"


def test_sources_list_shows_entry_points_and_schedules(tmp_path: Path) -> None:
    config = write_sources(
        tmp_path / "cfg",
        "sources:\n  - name: wire\n    feeds: [https://a.example/rss]\n    schedule: {cron: '*/20 * * * *'}\n",
    )
    result = CliRunner().invoke(cli, ["sources", "list", "--config", str(config)])
    assert result.exit_code == 0
    assert "wire  [cron */20 * * * *]" in result.output and "feed     https://a.example/rss" in result.output


@pytest.mark.slow
def test_scrapy_crawl_from_the_repo_root_stores_items_and_a_second_run_adds_none(tmp_path: Path) -> None:
    import shutil

    from demo.server import FixtureWeb
    from storage.repository import ItemFilter

    db_url = f"sqlite:///{tmp_path / 'scrapy.db'}"
    with FixtureWeb(outlets=["lantern-daily"]) as web:
        config = tmp_path / "config"
        config.mkdir()
        shutil.copy(REPO / "config" / "watchlist.yaml", config / "watchlist.yaml")
        (config / "sources.yaml").write_text(
            f'sources:\n  - name: lantern-daily\n    feeds: ["{web.base_url("lantern-daily")}/rss/news.xml"]\n',
            encoding="utf-8",
        )
        command = [
            sys.executable,
            "-m",
            "scrapy",
            "crawl",
            "feeds",
            "-s",
            f"DATABASE_URL={db_url}",
            "-s",
            f"CONFIG_DIR={config}",
        ]
        command += ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "LOG_LEVEL=WARNING"]
        env = {**os.environ, "PYTHONPATH": str(REPO)}
        first = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=180, check=False)
        assert first.returncode == 0, first.stderr[-2000:]
        with Store.open(db_url) as store:
            stored = store.count_items(ItemFilter(include_all=True))
        assert stored == 4
        web.clear_log()
        second = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=180, check=False)
        assert second.returncode == 0
        assert [r.status for r in web.request_log() if r.path == "/rss/news.xml"] == [304]
        with Store.open(db_url) as store:
            assert store.count_items(ItemFilter(include_all=True)) == stored


@pytest.mark.parametrize("main_module", ["crawler.cli", "crawler.runner"])
def test_importing_a_main_module_loads_no_heavy_package(main_module: str) -> None:
    # Extraction workers re-import the main module (the `tripwatch` script imports crawler.cli; a
    # scheduled crawl runs crawler.runner): every package loaded here is loaded again in each worker.
    probe = f"import sys, {main_module}; print(' '.join(sorted(m.split('.')[0] for m in sys.modules)))"
    loaded = set(
        subprocess.run([sys.executable, "-c", probe], check=True, capture_output=True, text=True).stdout.split()
    )
    assert "crawler" in loaded
    assert not loaded & {"sqlalchemy", "alembic", "pydantic", "scrapy", "twisted", "flask", "trafilatura", "yaml"}
