"""Full-text search over titles and texts: FTS5 on SQLite, a GIN tsvector index on PostgreSQL.

Also an index on the inbox's expressions (the effective label, the item's date), so counting and
listing the relevant items does not read every stored text.

SQLite: an external-content FTS5 table `articles_fts` (no second copy of the text) kept in step
by triggers. It uses the `trigram` tokenizer where SQLite has it (3.34+): `unicode61` cannot split
Chinese or Japanese into words, trigrams match any substring of three characters or more.
PostgreSQL: an expression index on the 'simple' configuration, so names are not stemmed.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

#: The one expression the PostgreSQL index and `Store._search_condition` must both use.
PG_DOCUMENT = "to_tsvector('simple', coalesce(title, '') || ' ' || text)"

#: What `Store._effective_label` and the list order compute; the same expressions, so both backends use it.
INBOX_INDEX = "CREATE INDEX ix_articles_inbox ON articles ((coalesce(analyst_label, relevance)), (coalesce(published, first_seen)))"

SQLITE_TRIGGERS = {
    "articles_fts_insert": """
        CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
            INSERT INTO articles_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
        END""",
    "articles_fts_delete": """
        CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
            INSERT INTO articles_fts(articles_fts, rowid, title, text) VALUES ('delete', old.id, old.title, old.text);
        END""",
    # Only a change of the indexed columns touches the index: marking an item does not.
    "articles_fts_update": """
        CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, text ON articles BEGIN
            INSERT INTO articles_fts(articles_fts, rowid, title, text) VALUES ('delete', old.id, old.title, old.text);
            INSERT INTO articles_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
        END""",
}


def _sqlite_tokenizer(bind: sa.Connection) -> str | None:
    """'trigram' where SQLite has it, else 'unicode61'; None when this SQLite lacks FTS5."""
    options = {row[0] for row in bind.exec_driver_sql("PRAGMA compile_options")}
    if "ENABLE_FTS5" not in options:
        return None
    version = tuple(int(part) for part in bind.exec_driver_sql("SELECT sqlite_version()").scalar_one().split("."))
    return "trigram" if version >= (3, 34, 0) else "unicode61 remove_diacritics 2"


def upgrade() -> None:
    bind = op.get_bind()
    op.execute(INBOX_INDEX)
    if bind.dialect.name == "sqlite":
        tokenizer = _sqlite_tokenizer(bind)
        if tokenizer is None:  # the store falls back to LIKE
            return
        op.execute(
            "CREATE VIRTUAL TABLE articles_fts USING fts5("
            f"title, text, content='articles', content_rowid='id', tokenize='{tokenizer}')"
        )
        for statement in SQLITE_TRIGGERS.values():
            op.execute(statement)
        op.execute("INSERT INTO articles_fts(articles_fts) VALUES ('rebuild')")  # index the rows already stored
    elif bind.dialect.name == "postgresql":
        op.execute(f"CREATE INDEX ix_articles_fts ON articles USING gin ({PG_DOCUMENT})")


def downgrade() -> None:
    bind = op.get_bind()
    op.execute("DROP INDEX IF EXISTS ix_articles_inbox")
    if bind.dialect.name == "sqlite":
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS articles_fts")
    elif bind.dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_articles_fts")
