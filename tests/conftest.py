"""Shared fixtures: a fresh database per test (SQLite, and PostgreSQL when configured), the fixture web."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.crawl_helpers import database

REPO = Path(__file__).resolve().parent.parent
PG_ENV = "TRIPWATCH_TEST_DATABASE_URL"
PG_SKIP = f"PostgreSQL tests need {PG_ENV} (e.g. postgresql://postgres@127.0.0.1:5432/test); it is not set"


def _sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'test.db'}"


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A new SQLite file for this test."""
    return _sqlite_url(tmp_path)


@pytest.fixture
def pg_url(tmp_path: Path) -> Iterator[str]:
    """A new, empty PostgreSQL database for this test, dropped afterwards."""
    if not os.environ.get(PG_ENV):
        pytest.skip(PG_SKIP)
    with database("postgresql", tmp_path) as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The test runs once on a new SQLite file and once on a new PostgreSQL database."""
    if request.param == "sqlite":
        return _sqlite_url(tmp_path)
    return str(request.getfixturevalue("pg_url"))


@pytest.fixture
def config_copy(tmp_path: Path) -> Path:
    """A writable copy of the repo's config/ folder (YAML only)."""
    folder = tmp_path / "config"
    folder.mkdir()
    for path in (REPO / "config").glob("*.yaml"):
        shutil.copy(path, folder / path.name)
    return folder
