"""Schema migrations (Alembic), applied on start so an upgrade never loses stored data."""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

# Alembic is imported only when a database needs upgrading: every crawl, worker and UI process
# opens the store, and the import alone costs 12 MB (a tenth of a crawl process).
if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
#: The newest migration in migrations/versions; tests/test_storage.py checks it against Alembic's head.
HEAD_REVISION = "0002"


def _config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


@contextmanager
def _migration_lock(engine: Engine) -> Iterator[None]:
    """One migrating process at a time (a crawl, the UI and the scheduler may start together)."""
    database = engine.url.database
    if engine.dialect.name == "sqlite" and database and database != ":memory:":
        with open(f"{database}.migrate-lock", "a+b") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
    else:
        yield


def current_revision(engine: Engine) -> str | None:
    """The revision the database says it is at; None for a new database (or one of another schema)."""
    try:
        with engine.connect() as connection:
            value = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except DBAPIError:  # no alembic_version table yet
        return None
    return str(value) if value is not None else None


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the database to `revision`, holding a lock so concurrent starts do not race."""
    if revision == "head" and current_revision(engine) == HEAD_REVISION:
        return  # the usual case: one query, no lock, no Alembic
    from alembic import command
    from alembic.runtime.migration import MigrationContext

    config = _config()
    with _migration_lock(engine), engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(7311)"))  # released at commit
        if revision == "head" and MigrationContext.configure(connection).get_current_revision() == head_revision():
            return
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def head_revision() -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_config()).get_current_head()
