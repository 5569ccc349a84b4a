"""Running real crawls of the fixture web from tests, and reading the gold files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from crawler.demo import DEMO_SETTINGS, write_demo_config
from crawler.urls import canonical_url
from demo.server import FixtureWeb

REPO = Path(__file__).resolve().parent.parent
GOLD = REPO / "tests" / "fixtures" / "gold"
PG_ENV = "TRIPWATCH_TEST_DATABASE_URL"


@dataclass(frozen=True)
class GoldPage:
    outlet: str
    path: str
    story: str
    variant: str
    title: str
    published: str
    author: str | None
    language: str
    text: str
    relevant: bool
    destinations: tuple[str, ...]

    def url(self, web: FixtureWeb) -> str:
        return canonical_url(web.base_url(self.outlet) + self.path)


def gold_pages() -> list[GoldPage]:
    pages = []
    for path in sorted(GOLD.glob("*/*.json")):
        raw = json.loads(path.read_text(encoding="utf-8"))
        pages.append(
            GoldPage(
                outlet=raw["outlet"],
                path=raw["path"],
                story=raw["story"],
                variant=raw.get("variant", "original"),
                title=raw["title"],
                published=raw["published"],
                author=raw.get("author"),
                language=raw.get("language", "en"),
                text=raw["text"],
                relevant=bool(raw.get("relevant")),
                destinations=tuple(raw.get("destinations") or ()),
            )
        )
    return pages


def boilerplate() -> dict[str, list[str]]:
    data: dict[str, list[str]] = json.loads((GOLD / "boilerplate.json").read_text(encoding="utf-8"))
    return data


def expectations() -> list[dict[str, Any]]:
    data = json.loads((GOLD / "expectations.json").read_text(encoding="utf-8"))
    return list(data["failures"] if isinstance(data, dict) else data)


def crawl_args(config_dir: Path, db_url: str, *extra: str) -> list[str]:
    args = [sys.executable, "-m", "crawler.cli", "crawl", "--config", str(config_dir), "--db", db_url]
    for name, value in DEMO_SETTINGS.items():
        args += ["--set", f"{name}={value}"]
    args += ["--set", "REPORT_PROGRESS_INTERVAL=0"]
    return [*args, *extra]


def run_crawl(config_dir: Path, db_url: str, *extra: str, timeout: float = 240) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run(
        crawl_args(config_dir, db_url, *extra),
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def write_config(web: FixtureWeb, folder: Path) -> Path:
    return write_demo_config(web, folder)


@contextmanager
def database(kind: str, folder: Path) -> Iterator[str]:
    """A new SQLite file, or a new PostgreSQL database (dropped after) when one is configured."""
    if kind == "sqlite":
        yield f"sqlite:///{folder / 'crawl.db'}"
        return
    server = os.environ[PG_ENV]
    admin_url = make_url(server).set(drivername="postgresql+psycopg")
    name = f"tw_crawl_{uuid.uuid4().hex[:12]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin_url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
