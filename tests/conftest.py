"""Shared fixtures: a fresh database per test (SQLite, and PostgreSQL when configured), the fixture web."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

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
def pg_url() -> Iterator[str]:
    """A new, empty PostgreSQL database for this test, dropped afterwards."""
    server = os.environ.get(PG_ENV)
    if not server:
        pytest.skip(PG_SKIP)
    admin_url = make_url(server).set(drivername="postgresql+psycopg")
    name = f"tw_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin_url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


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
