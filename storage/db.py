"""Engines from a database URL, with the connection settings each backend needs."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from storage.errors import StorageError

#: An SQLite file beside the working directory; created on first run.
DEFAULT_DATABASE_URL = "sqlite:///data/tripwatch.db"

# A writer holds the lock for milliseconds; waiting this long beats failing with "database is locked".
SQLITE_BUSY_TIMEOUT_MS = 5000


def database_url(explicit: str | None = None) -> str:
    """--db, else TRIPWATCH_DATABASE_URL, else the SQLite default."""
    return explicit or os.environ.get("TRIPWATCH_DATABASE_URL") or DEFAULT_DATABASE_URL


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL: readers (the review UI) never wait for a writing crawl.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    # NORMAL is durable across a killed process in WAL mode (only a power cut may lose the last commit).
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def make_engine(url: str) -> Engine:
    """An engine for `url`; for SQLite the folder is created and WAL and a busy timeout set."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise StorageError(f"{url!r} is not a database URL; expected e.g. sqlite:///data/tripwatch.db") from exc
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(parsed, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if parsed.get_backend_name() == "postgresql" and parsed.get_driver_name() in (
        "psycopg2",
        "default",
        "",
    ):
        # psycopg 3 is the driver we install; plain postgresql:// URLs use it.
        parsed = parsed.set(drivername="postgresql+psycopg")
    return create_engine(parsed, pool_pre_ping=True)
