"""Store: the only module that runs queries. Methods are named by what the caller wants."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cached_property
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, and_, bindparam, case, func, insert, or_, select, text, update
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from storage import migrate
from storage.compression import compress_html, decompress_html
from storage.db import make_engine
from storage.errors import StorageError
from storage.models import Article, ArticleRevision, ArticleUrl, CrawlRun, Failure, FeedState, SourceHealth

if TYPE_CHECKING:
    from crawler.items import ArticleItem, FetchFailure

#: Labels an item can carry; an analyst's own label wins over the classifier's.
LABELS = ("relevant", "uncertain", "irrelevant")


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class KnownUrl:
    """What the store knows of a URL before it is fetched again."""

    article_id: int
    kind: str  # "article" | "variant" | "copy"
    fetched_at: datetime
    published: datetime | None
    entry_updated: datetime | None


@dataclass(frozen=True)
class SaveResult:
    article_id: int
    outcome: str  # "new" | "updated" | "unchanged" | "copy"


@dataclass(frozen=True)
class FeedValidators:
    etag: str | None
    last_modified: str | None


@dataclass(frozen=True)
class StoredUrl:
    url: str
    source: str
    kind: str
    first_seen: datetime


@dataclass(frozen=True)
class StoredArticle:
    """An article as the review side sees it."""

    id: int
    url: str
    source: str
    title: str | None
    author: str | None
    published: datetime | None
    language: str | None
    sitename: str | None
    summary: str | None
    text: str
    content_hash: str
    first_seen: datetime
    fetched_at: datetime
    updated_at: datetime
    relevance: str | None
    score: float | None
    evidence: list[Any]
    trip: dict[str, Any] | None
    analyst_label: str | None
    starred: bool
    reviewed: bool
    note: str | None
    urls: tuple[StoredUrl, ...] = ()

    @property
    def label(self) -> str | None:
        """The analyst's label when there is one, else the classifier's."""
        return self.analyst_label or self.relevance

    @property
    def copies(self) -> tuple[StoredUrl, ...]:
        """Where the same article was also published (syndicated or reposted copies)."""
        return tuple(u for u in self.urls if u.kind == "copy")


@dataclass(frozen=True)
class StoredFailure:
    url: str
    source: str
    reason: str
    status: int | None
    detail: str
    entry_point: bool
    at: datetime
    run_id: int | None


@dataclass(frozen=True)
class RunRecord:
    id: int
    sources: list[str]
    started_at: datetime
    finished_at: datetime | None
    status: str
    finish_reason: str | None
    stats: dict[str, Any]


@dataclass(frozen=True)
class Health:
    name: str
    last_run: datetime | None
    last_success: datetime | None
    last_error: str | None
    consecutive_failures: int
    backoff_until: datetime | None
    last_items: int
    items_7d: int = 0


@dataclass(frozen=True)
class ItemFilter:
    """What the CLI and the UI ask for; every field is optional."""

    source: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    search: str | None = None
    label: str | None = None  # relevant | uncertain | irrelevant (effective label)
    include_all: bool = False  # False: relevant and uncertain only... unless `label` says otherwise
    official: str | None = None
    country: str | None = None
    reviewed: bool | None = None
    starred: bool | None = None
    ids: tuple[int, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)


class Store:
    """The tripwatch database. Open with `Store.open(url)`; migrations run on open."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self._write_lock_fd: int | None = None

    @classmethod
    def open(cls, url: str, *, migrate_schema: bool = True) -> Store:
        engine = make_engine(url)
        try:
            if migrate_schema:
                migrate.upgrade(engine)
        except OperationalError as exc:
            engine.dispose()
            raise StorageError(
                f"cannot open the database {engine.url!r}: {exc.orig}; check --db / TRIPWATCH_DATABASE_URL"
            ) from exc
        return cls(engine)

    def close(self) -> None:
        if self._write_lock_fd is not None:
            import os

            os.close(self._write_lock_fd)
            self._write_lock_fd = None
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def _insert(self, model: type[Any]) -> Any:
        # Both dialects' INSERT has ON CONFLICT; the generic one has not.
        from sqlalchemy.dialects import postgresql, sqlite

        return (postgresql.insert if self.dialect == "postgresql" else sqlite.insert)(model)

    # ---- crawl side -------------------------------------------------------------------------
    # Every page of a crawl runs these; their statements are built once (`_CrawlStatements`):
    # building a select costs SQLAlchemy about 150 µs, running the prebuilt one 20-40 µs.

    @cached_property
    def _crawl(self) -> _CrawlStatements:
        return _CrawlStatements(self._insert(Article), self._insert(ArticleUrl))

    @contextmanager
    def new_article_lock(self) -> Iterator[None]:
        """Crawls writing to this database take turns to decide that a page is a new article and
        store it, so that two processes cannot both store one story (a page and its copy) as new.

        SQLite: an exclusive flock on `<database>.write-lock`; PostgreSQL: an advisory lock.
        Held for the final check and the insert only, a few milliseconds.
        """
        if self.dialect == "postgresql":
            with self.engine.connect() as conn:
                conn.execute(text("SELECT pg_advisory_lock(:a, :b)"), _NEW_ARTICLE_LOCK_KEYS)
                conn.commit()
                try:
                    yield
                finally:
                    conn.execute(text("SELECT pg_advisory_unlock(:a, :b)"), _NEW_ARTICLE_LOCK_KEYS)
                    conn.commit()
            return
        database = self.engine.url.database
        if self.dialect != "sqlite" or not database or database == ":memory:":
            yield  # no other process can write here
            return
        import fcntl
        import os

        if self._write_lock_fd is None:
            self._write_lock_fd = os.open(f"{database}.write-lock", os.O_RDWR | os.O_CREAT, 0o644)
        fcntl.flock(self._write_lock_fd, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(self._write_lock_fd, fcntl.LOCK_UN)

    def known_url(self, url: str) -> KnownUrl | None:
        """The article a (canonical) URL already led to, if any."""
        return self.first_known_url([url])

    def first_known_url(self, urls: Sequence[str]) -> KnownUrl | None:
        """What the store knows of the first of `urls` it knows, in their order; one query for all."""
        known = self.known_urls(urls)
        return next((known[url] for url in urls if url in known), None)

    def known_urls(self, urls: Sequence[str]) -> dict[str, KnownUrl]:
        """What the store knows of each of `urls` it knows: one query per URL_BATCH of them."""
        known: dict[str, KnownUrl] = {}
        if not urls:
            return known
        with self.engine.connect() as conn:
            for batch in _batches(list(dict.fromkeys(urls))):
                rows = conn.execute(self._crawl.known_urls, {"urls": batch})
                known.update((row.url, KnownUrl(*row[1:])) for row in rows)
        return known

    def is_known_url(self, url: str) -> bool:
        return self.known_url(url) is not None

    def article_id_by_hash(self, content_hash: str) -> int | None:
        with self.engine.connect() as conn:
            article_id: int | None = conn.execute(self._crawl.id_by_hash, {"hash": content_hash}).scalar()
        return article_id

    def iter_signatures(self, after_id: int = 0) -> Iterator[tuple[int, bytes]]:
        """(id, near-duplicate signature) of the stored articles with a larger id, oldest first."""
        with self.engine.connect() as conn:
            rows = conn.execute(self._crawl.signatures_after, {"after": after_id}).all()
        yield from ((article_id, signature) for article_id, signature in rows if signature is not None)

    def article_signature(self, article_id: int) -> bytes | None:
        """An article's near-duplicate signature; None if it has none or no longer exists."""
        with self.engine.connect() as conn:
            signature: bytes | None = conn.execute(self._crawl.signature_of, {"id": article_id}).scalar()
        return signature

    def article_text(self, article_id: int) -> str:
        with self._sessions() as session:
            return session.scalar(select(Article.text).where(Article.id == article_id)) or ""

    def save_article(self, item: ArticleItem, now: datetime | None = None) -> SaveResult:
        """Insert a new article or update the one its URLs lead to, in one transaction."""
        now = now or utcnow()
        urls = list(dict.fromkeys([item.canonical_url, *item.urls]))
        statements = self._crawl
        with self.engine.begin() as conn:
            article_id = conn.execute(statements.article_of_urls, {"urls": urls}).scalar()
            outcome = "new"
            if article_id is None:
                values = self._article_values(item, now)
                values.update(canonical_url=item.canonical_url, first_seen=now, source=item.source)
                article_id = conn.execute(statements.insert_article, values).scalar()
                if article_id is None:  # another process stored it a moment ago
                    article_id = conn.execute(statements.id_by_canonical, {"url": item.canonical_url}).scalar_one()
                    outcome = self._update_article(conn, article_id, item, now)
            else:
                outcome = self._update_article(conn, article_id, item, now)
            self._add_urls(conn, article_id, urls, item.source, item.canonical_url, "variant", now)
        return SaveResult(article_id, outcome)

    def add_copy(self, article_id: int, item: ArticleItem, now: datetime | None = None) -> SaveResult:
        """Record a syndicated or reposted copy: its URLs join the article stored first."""
        now = now or utcnow()
        urls = list(dict.fromkeys([item.canonical_url, *item.urls]))
        with self.engine.begin() as conn:
            self._add_urls(conn, article_id, urls, item.source, None, "copy", now)
        return SaveResult(article_id, "copy")

    def _article_values(self, item: ArticleItem, now: datetime) -> dict[str, Any]:
        classification = item.classification or {}
        return {
            "title": item.title,
            "author": item.author,
            "published": item.published,
            "language": item.language,
            "sitename": item.sitename,
            "description": item.description,
            "summary": item.entry.summary if item.entry else None,
            "text": item.text,
            "content_hash": item.content_hash,
            "signature": item.signature or None,
            "html_z": item.html_z or (compress_html(item.html) if item.html else None),
            "entry_updated": item.entry.updated if item.entry else None,
            "fetched_at": item.fetched_at or now,
            "updated_at": now,
            "relevance": classification.get("relevance"),
            "score": classification.get("score"),
            "evidence": classification.get("evidence"),
            "trip": classification.get("trip"),
        }

    def _update_article(self, conn: Connection, article_id: int, item: ArticleItem, now: datetime) -> str:
        previous_hash = conn.execute(select(Article.content_hash).where(Article.id == article_id)).scalar()
        values = self._article_values(item, now)
        if previous_hash == item.content_hash:
            conn.execute(
                update(Article)
                .where(Article.id == article_id)
                .values(fetched_at=values["fetched_at"], entry_updated=values["entry_updated"])
            )
            return "unchanged"
        conn.execute(
            insert(ArticleRevision).values(
                article_id=article_id, previous_hash=previous_hash, new_hash=item.content_hash, changed_at=now
            )
        )
        conn.execute(update(Article).where(Article.id == article_id).values(**values))
        return "updated"

    def _add_urls(
        self,
        conn: Connection,
        article_id: int,
        urls: Iterable[str],
        source: str,
        canonical: str | None,
        kind: str,
        now: datetime,
    ) -> None:
        rows = [
            {
                "url": url,
                "article_id": article_id,
                "source": source,
                "kind": "article" if url == canonical else kind,
                "first_seen": now,
            }
            for url in urls
            if url
        ]
        if rows:
            conn.execute(self._crawl.insert_urls, rows)

    def record_failure(self, failure: FetchFailure, run_id: int | None = None, now: datetime | None = None) -> None:
        with self._sessions.begin() as session:
            session.add(
                Failure(
                    run_id=run_id,
                    url=failure.url,
                    source=failure.source,
                    reason=failure.reason,
                    status=failure.status,
                    detail=failure.detail,
                    entry_point=failure.entry_point,
                    at=now or utcnow(),
                )
            )

    def feed_validators(self, url: str) -> FeedValidators | None:
        with self._sessions() as session:
            row = session.get(FeedState, url)
            return FeedValidators(row.etag, row.last_modified) if row else None

    def failed_since(self, url: str, since: datetime, reasons: Sequence[str]) -> bool:
        """Whether a URL failed for one of `reasons` since then (a page not worth asking for again)."""
        return bool(self.failed_urls_since([url], since, reasons))

    def failed_urls_since(self, urls: Sequence[str], since: datetime, reasons: Sequence[str]) -> set[str]:
        """Those of `urls` that failed for one of `reasons` since then: one query per URL_BATCH of them."""
        failed: set[str] = set()
        if not urls:
            return failed
        with self.engine.connect() as conn:
            for batch in _batches(list(dict.fromkeys(urls))):
                values = {"urls": batch, "since": since, "reasons": list(reasons)}
                failed.update(conn.execute(self._crawl.failed_since, values).scalars())
        return failed

    def feed_failed_since(self, url: str, since: datetime) -> bool:
        with self._sessions() as session:
            state = session.get(FeedState, url)
            return bool(state and state.last_error and state.last_fetched and state.last_fetched >= since)

    def save_feed_state(
        self,
        url: str,
        source: str,
        *,
        status: int | None,
        etag: str | None = None,
        last_modified: str | None = None,
        error: str | None = None,
        now: datetime | None = None,
    ) -> None:
        """Remember an entry point's outcome; validators are kept only from a good response."""
        now = now or utcnow()
        with self._sessions.begin() as session:
            state = session.get(FeedState, url) or FeedState(url=url, source=source, failures=0)
            state.source, state.last_status, state.last_fetched = source, status, now
            if error is None:
                if status != 304:
                    state.etag, state.last_modified = etag, last_modified
                state.last_error, state.failures = None, 0
            else:
                # Forget the validators so the next crawl fetches (and reports) it in full again.
                state.etag, state.last_modified = None, None
                state.last_error, state.failures = error, (state.failures or 0) + 1
            session.add(state)

    def start_run(self, sources: Sequence[str], now: datetime | None = None) -> int:
        with self._sessions.begin() as session:
            run = CrawlRun(sources=list(sources), started_at=now or utcnow(), status="running")
            session.add(run)
            session.flush()
            return run.id

    def finish_run(self, run_id: int, status: str, finish_reason: str | None, stats: dict[str, Any]) -> None:
        with self._sessions.begin() as session:
            session.execute(
                update(CrawlRun)
                .where(CrawlRun.id == run_id)
                .values(status=status, finish_reason=finish_reason, stats=stats, finished_at=utcnow())
            )

    def run(self, run_id: int) -> RunRecord | None:
        with self._sessions() as session:
            row = session.get(CrawlRun, run_id)
            return self._run_record(row) if row else None

    def latest_run(self) -> RunRecord | None:
        with self._sessions() as session:
            row = session.scalars(select(CrawlRun).order_by(CrawlRun.id.desc()).limit(1)).first()
            return self._run_record(row) if row else None

    @staticmethod
    def _run_record(row: CrawlRun) -> RunRecord:
        return RunRecord(
            row.id, row.sources, row.started_at, row.finished_at, row.status, row.finish_reason, row.stats or {}
        )

    # ---- review side ------------------------------------------------------------------------

    def _effective_label(self) -> Any:
        return func.coalesce(Article.analyst_label, Article.relevance)

    def _apply_filter(self, query: Any, flt: ItemFilter) -> Any:
        label = self._effective_label()
        conditions: list[Any] = []
        if flt.ids:
            conditions.append(Article.id.in_(flt.ids))
        if flt.source:
            conditions.append(
                or_(
                    Article.source == flt.source,
                    Article.id.in_(select(ArticleUrl.article_id).where(ArticleUrl.source == flt.source)),
                )
            )
        if flt.since:
            conditions.append(func.coalesce(Article.published, Article.first_seen) >= flt.since)
        if flt.until:
            conditions.append(func.coalesce(Article.published, Article.first_seen) < flt.until)
        if flt.label:
            conditions.append(label == flt.label)
        elif not flt.include_all:
            conditions.append(label.in_(("relevant", "uncertain")))
        if flt.reviewed is not None:
            conditions.append(Article.reviewed == flt.reviewed)
        if flt.starred is not None:
            conditions.append(Article.starred == flt.starred)
        if flt.search and flt.search.split():  # blank input searches nothing, it filters nothing
            conditions.append(self._search_condition(flt.search))
        if flt.official:
            conditions.append(self._official_condition(flt.official))
        if flt.country:
            conditions.append(self._destination_condition(flt.country.upper()))
        return query.where(and_(*conditions)) if conditions else query

    def _trip_elements(self, key: str) -> tuple[Any, Any]:
        """The trip's `key` list ("destinations" or "officials") as a table-valued function, and
        the text of each element (a country code, an official's name)."""
        from sqlalchemy import Text, cast, column, literal_column
        from sqlalchemy.dialects.postgresql import JSONB

        if self.dialect == "postgresql":
            elements = func.jsonb_array_elements(cast(Article.trip, JSONB)[key]).table_valued(column("value", JSONB))
            if key == "officials":
                return elements, elements.c.value.op("->>", return_type=Text)("name")
            return elements, elements.c.value.op("#>>", return_type=Text)(literal_column("'{}'"))
        elements = func.json_each(Article.trip, f"$.{key}").table_valued("value")
        if key == "officials":
            return elements, func.json_extract(elements.c.value, "$.name")
        return elements, elements.c.value

    def _destination_condition(self, code: str) -> Any:
        """A destination, not any code in the trip: the official's own country is no destination."""
        from sqlalchemy import exists, literal_column

        places, value = self._trip_elements("destinations")
        return exists(select(literal_column("1")).select_from(places).where(value == code))

    def _official_condition(self, name: str) -> Any:
        """An official whose name holds `name` (case-insensitive), not an office or a counterpart."""
        from sqlalchemy import exists, literal_column

        people, official = self._trip_elements("officials")
        pattern = f"%{_escape_like(name)}%"
        return exists(select(literal_column("1")).select_from(people).where(official.ilike(pattern, escape="\\")))

    def _json_text(self, column: Any) -> Any:
        from sqlalchemy import String as SAString
        from sqlalchemy import cast

        return cast(column, SAString)

    def _search_condition(self, search: str) -> Any:
        """Every word must occur in the title or the text, case-insensitively.

        The words only ever reach SQL as bound parameters. SQLite: the FTS5 index (migration 0002);
        PostgreSQL: its full-text search on the indexed tsvector. Words the index cannot find
        (CJK words on PostgreSQL or unicode61, words under three characters with trigrams) use LIKE.
        """
        words = search.split()
        if self.dialect == "postgresql":
            return self._pg_search(words)
        tokenizer = self._sqlite_fts_tokenizer()
        if tokenizer is None:
            return and_(*[self._like_word(w) for w in words])
        if tokenizer == "trigram":
            indexed = [w for w in words if len(w) >= 3]
        else:
            indexed = [w for w in words if any(c.isalnum() for c in w) and not self._unspaced(w)]
        conditions = [self._like_word(w) for w in words if w not in indexed]
        if indexed:
            # Each word a quoted FTS5 string: operators, parentheses and stars in the input are plain text.
            from sqlalchemy import literal_column

            expression = " ".join('"' + w.replace('"', '""') + '"' for w in indexed)
            fts: Any = literal_column("articles_fts")
            matches: Any = select(literal_column("rowid")).select_from(text("articles_fts"))
            conditions.append(Article.id.in_(matches.where(fts.op("MATCH")(expression))))
        return and_(*conditions)

    #: The expression migration 0002 indexes (GIN); a query must spell it the same to use the index.
    _PG_DOCUMENT = "to_tsvector('simple', coalesce(articles.title, '') || ' ' || articles.text)"

    def _pg_search(self, words: list[str]) -> Any:
        from sqlalchemy import literal_column

        indexed = [w for w in words if not self._unspaced(w)]
        conditions = [self._like_word(w) for w in words if w not in indexed]
        if indexed:
            query = func.plainto_tsquery(literal_column("'simple'"), " ".join(indexed))
            conditions.append(literal_column(self._PG_DOCUMENT).op("@@")(query))
        return and_(*conditions)

    #: Scripts written without spaces between words (Thai, Lao, Myanmar, Khmer, kana, CJK, Hangul):
    #: a word tokenizer sees a whole sentence as one token, so such words are matched as substrings.
    _UNSPACED_RANGES = (
        (0x0E00, 0x0EFF),
        (0x1000, 0x109F),
        (0x1780, 0x17FF),
        (0x3040, 0x30FF),
        (0x3400, 0x4DBF),
        (0x4E00, 0x9FFF),
        (0xAC00, 0xD7AF),
        (0xF900, 0xFAFF),
    )

    @classmethod
    def _unspaced(cls, word: str) -> bool:
        return any(low <= ord(c) <= high for c in word for low, high in cls._UNSPACED_RANGES)

    def _like_word(self, word: str) -> Any:
        pattern = f"%{_escape_like(word)}%"
        return or_(Article.title.ilike(pattern, escape="\\"), Article.text.ilike(pattern, escape="\\"))

    def _sqlite_fts_tokenizer(self) -> str | None:
        """The tokenizer of the FTS5 table migration 0002 made, or None when this SQLite had no FTS5."""
        with self.engine.connect() as conn:
            sql = conn.scalar(text("SELECT sql FROM sqlite_master WHERE name = 'articles_fts'"))
        if sql is None:
            return None
        return "trigram" if "trigram" in sql else "unicode61"

    def _order(self) -> list[Any]:
        label = self._effective_label()
        rank = case((label == "relevant", 0), (label == "uncertain", 1), else_=2)
        return [rank, func.coalesce(Article.published, Article.first_seen).desc(), Article.id.desc()]

    def list_items(
        self, flt: ItemFilter = ItemFilter(), *, limit: int | None = 50, offset: int = 0
    ) -> list[StoredArticle]:
        """Relevant first, then newest first."""
        with self._sessions() as session:
            query = self._apply_filter(select(Article), flt).order_by(*self._order()).offset(offset)
            if limit is not None:
                query = query.limit(limit)
            rows = session.scalars(query).all()
            urls = self._urls_of(session, [r.id for r in rows])
            return [self._stored(r, urls.get(r.id, ())) for r in rows]

    def iter_items(self, flt: ItemFilter = ItemFilter(), batch: int = 200) -> Iterator[StoredArticle]:
        """Every matching item, in list order, a batch at a time (for exports)."""
        offset = 0
        while True:
            page = self.list_items(flt, limit=batch, offset=offset)
            yield from page
            if len(page) < batch:
                return
            offset += batch

    def count_items(self, flt: ItemFilter = ItemFilter()) -> int:
        with self._sessions() as session:
            return session.scalar(self._apply_filter(select(func.count(Article.id)), flt)) or 0

    def get_item(self, article_id: int) -> StoredArticle | None:
        with self._sessions() as session:
            row = session.get(Article, article_id)
            if row is None:
                return None
            return self._stored(row, self._urls_of(session, [article_id]).get(article_id, ()))

    def revisions(self, article_id: int) -> list[tuple[str, str, datetime]]:
        with self._sessions() as session:
            rows = session.execute(
                select(ArticleRevision.previous_hash, ArticleRevision.new_hash, ArticleRevision.changed_at)
                .where(ArticleRevision.article_id == article_id)
                .order_by(ArticleRevision.id)
            )
            return [tuple(r) for r in rows]  # type: ignore[misc]

    def raw_html(self, article_id: int) -> str | None:
        """The page as fetched (decoded), for re-extraction without a request."""
        with self._sessions() as session:
            blob = session.scalar(select(Article.html_z).where(Article.id == article_id))
        return decompress_html(blob) if blob else None

    def _urls_of(self, session: Session, ids: list[int]) -> dict[int, tuple[StoredUrl, ...]]:
        found: dict[int, list[StoredUrl]] = {}
        if ids:
            rows = session.execute(
                select(ArticleUrl.article_id, ArticleUrl.url, ArticleUrl.source, ArticleUrl.kind, ArticleUrl.first_seen)
                .where(ArticleUrl.article_id.in_(ids))
                .order_by(ArticleUrl.id)
            )
            for article_id, url, source, kind, first_seen in rows:
                found.setdefault(article_id, []).append(StoredUrl(url, source, kind, first_seen))
        return {k: tuple(v) for k, v in found.items()}

    @staticmethod
    def _stored(row: Article, urls: tuple[StoredUrl, ...]) -> StoredArticle:
        return StoredArticle(
            id=row.id,
            url=row.canonical_url,
            source=row.source,
            title=row.title,
            author=row.author,
            published=row.published,
            language=row.language,
            sitename=row.sitename,
            summary=row.summary,
            text=row.text,
            content_hash=row.content_hash,
            first_seen=row.first_seen,
            fetched_at=row.fetched_at,
            updated_at=row.updated_at,
            relevance=row.relevance,
            score=row.score,
            evidence=row.evidence or [],
            trip=row.trip,
            analyst_label=row.analyst_label,
            starred=row.starred,
            reviewed=row.reviewed,
            note=row.note,
            urls=urls,
        )

    def mark_item(
        self,
        article_id: int,
        *,
        label: str | None = None,
        starred: bool | None = None,
        reviewed: bool | None = None,
        note: str | None = None,
    ) -> bool:
        """An analyst's marks; returns False when there is no such item."""
        if label is not None and label not in LABELS:
            raise ValueError(f"label {label!r} is not one of {', '.join(LABELS)}")
        values: dict[str, Any] = {}
        if label is not None:
            values["analyst_label"] = label
        if starred is not None:
            values["starred"] = starred
        if reviewed is not None:
            values["reviewed"] = reviewed
        if note is not None:
            values["note"] = note
        return self._update_marks(article_id, values)

    def _update_marks(self, article_id: int, values: dict[str, Any]) -> bool:
        with self._sessions.begin() as session:
            found = session.scalar(select(Article.id).where(Article.id == article_id)) is not None
            if found and values:
                session.execute(update(Article).where(Article.id == article_id).values(**values))
            return found

    def update_classification(self, article_id: int, classification: dict[str, Any]) -> None:
        """The classifier's verdict; never touches the analyst's own label."""
        with self._sessions.begin() as session:
            session.execute(
                update(Article)
                .where(Article.id == article_id)
                .values(
                    relevance=classification.get("relevance"),
                    score=classification.get("score"),
                    evidence=classification.get("evidence"),
                    trip=classification.get("trip"),
                )
            )

    def update_extraction(self, article_id: int, values: dict[str, Any]) -> None:
        """Fields redone from the stored HTML by `tripwatch reextract`."""
        allowed = {
            "title",
            "author",
            "published",
            "language",
            "sitename",
            "description",
            "text",
            "content_hash",
            "signature",
        }
        unknown = set(values) - allowed
        if unknown:
            raise ValueError(f"not extraction fields: {', '.join(sorted(unknown))}")
        with self._sessions.begin() as session:
            session.execute(update(Article).where(Article.id == article_id).values(updated_at=utcnow(), **values))

    def failures(
        self,
        *,
        source: str | None = None,
        run_id: int | None = None,
        reason: str | None = None,
        limit: int | None = 100,
    ) -> list[StoredFailure]:
        with self._sessions() as session:
            query = select(Failure).order_by(Failure.id.desc())
            if source:
                query = query.where(Failure.source == source)
            if run_id is not None:
                query = query.where(Failure.run_id == run_id)
            if reason:
                query = query.where(Failure.reason == reason)
            if limit is not None:
                query = query.limit(limit)
            return [
                StoredFailure(f.url, f.source, f.reason, f.status, f.detail, f.entry_point, f.at, f.run_id)
                for f in session.scalars(query)
            ]

    def sources_seen(self) -> list[str]:
        with self._sessions() as session:
            return sorted(session.scalars(select(Article.source).distinct()).all())

    def clear_label(self, article_id: int) -> bool:
        """Drop the analyst's label so the classifier's counts again; False when there is no such item."""
        return self._update_marks(article_id, {"analyst_label": None})

    def neighbours(self, flt: ItemFilter, article_id: int) -> tuple[int | None, int | None]:
        """The items before and after this one in the list for `flt` (None at either end).

        The item itself counts as in the list even when it no longer matches: an item marked
        reviewed from the "unreviewed" list still leads on to the next unreviewed item."""
        matching = self._apply_filter(select(Article.id), flt)
        query = select(Article.id).where(or_(Article.id == article_id, Article.id.in_(matching)))
        with self._sessions() as session:
            ids = list(session.scalars(query.order_by(*self._order())))
        if article_id not in ids:  # no such item
            return None, None
        at = ids.index(article_id)
        return (ids[at - 1] if at > 0 else None), (ids[at + 1] if at + 1 < len(ids) else None)

    def facets(self, flt: ItemFilter = ItemFilter(), *, top: int = 25) -> Facets:
        """Counts for the inbox's sidebar; each facet is counted with its own filter unset,
        so it shows what choosing another value would give."""
        from dataclasses import replace

        with self._sessions() as session:
            labels = self._grouped(session, self._effective_label(), replace(flt, label=None, include_all=True))
            sources = self._grouped(session, Article.source, replace(flt, source=None))
            status = self._grouped(session, Article.reviewed, replace(flt, reviewed=None))
            countries = self._trip_tally(session, replace(flt, country=None), "destinations")
            officials = self._trip_tally(session, replace(flt, official=None), "officials")
        return Facets(
            labels={label: labels[label] for label in LABELS if labels.get(label)},
            sources=_top(sources, top),
            countries=_top(countries, top),
            officials=_top(officials, top),
            reviewed=int(status.get(True, 0)),
            unreviewed=int(status.get(False, 0)),
        )

    def _grouped(self, session: Session, column: Any, flt: ItemFilter) -> dict[Any, int]:
        query = self._apply_filter(select(column, func.count(Article.id)), flt).group_by(column)
        return {key: int(count) for key, count in session.execute(query) if key is not None}

    def _trip_tally(self, session: Session, flt: ItemFilter, field: str) -> dict[str, int]:
        """Items per destination or official name, counted by the database from the trip JSON."""
        from sqlalchemy import literal_column

        elements, value = self._trip_elements(field)
        counted = select(value, func.count(func.distinct(Article.id))).select_from(Article)
        # The function reads the row's own trip: a lateral join, true for every element.
        counted = counted.join(elements, literal_column("1") == 1)
        query = self._apply_filter(counted, flt).where(value.is_not(None)).group_by(value)
        return {str(key): int(count) for key, count in session.execute(query) if key}

    def sources_summary(self, *, recent: int = 10, days: int = 7, now: datetime | None = None) -> list[SourceSummary]:
        """Every source the database knows of: scheduler health, entry points, items, failures by reason."""
        since = (now or utcnow()) - timedelta(days=days)
        health = self.source_health(now)
        relevant = case((self._effective_label() == "relevant", 1), else_=0)
        with self._sessions() as session:
            items = {
                name: (int(count), int(rel or 0), last)
                for name, count, rel, last in session.execute(
                    select(
                        Article.source, func.count(Article.id), func.sum(relevant), func.max(Article.first_seen)
                    ).group_by(Article.source)
                )
            }
            entry_points: dict[str, list[EntryPoint]] = {}
            for state in session.scalars(select(FeedState).order_by(FeedState.url)):
                entry_points.setdefault(state.source, []).append(
                    EntryPoint(state.url, state.last_status, state.last_fetched, state.last_error, state.failures or 0)
                )
            reasons: dict[str, dict[str, int]] = {}
            for name, reason, count in session.execute(
                select(Failure.source, Failure.reason, func.count(Failure.id))
                .where(Failure.at >= since)
                .group_by(Failure.source, Failure.reason)
            ):
                reasons.setdefault(name, {})[reason] = int(count)
            failing = set(session.scalars(select(Failure.source).distinct()))
        names = sorted(set(health) | set(items) | set(entry_points) | failing)
        return [
            SourceSummary(
                name=name,
                health=health.get(name),
                items=items.get(name, (0, 0, None))[0],
                relevant=items.get(name, (0, 0, None))[1],
                last_item=items.get(name, (0, 0, None))[2],
                entry_points=tuple(entry_points.get(name, ())),
                failure_reasons=dict(sorted(reasons.get(name, {}).items(), key=lambda kv: -kv[1])),
                recent_failures=tuple(self.failures(source=name, limit=recent)) if name in failing else (),
            )
            for name in names
        ]

    # ---- scheduler side ---------------------------------------------------------------------

    def record_source_run(
        self,
        name: str,
        *,
        ok: bool,
        items: int,
        error: str | None,
        backoff_until: datetime | None,
        now: datetime | None = None,
    ) -> Health:
        now = now or utcnow()
        with self._sessions.begin() as session:
            row = session.get(SourceHealth, name) or SourceHealth(name=name, consecutive_failures=0, last_items=0)
            row.last_run, row.last_items, row.backoff_until = now, items, backoff_until
            if ok:
                row.last_success, row.last_error, row.consecutive_failures = now, None, 0
            else:
                row.last_error, row.consecutive_failures = error, (row.consecutive_failures or 0) + 1
            session.add(row)
            session.flush()
            return _health(row)

    def source_health(self, now: datetime | None = None) -> dict[str, Health]:
        week_ago = (now or utcnow()) - timedelta(days=7)
        with self._sessions() as session:
            recent = dict(
                session.execute(
                    select(Article.source, func.count(Article.id))
                    .where(Article.first_seen >= week_ago)
                    .group_by(Article.source)
                ).all()
            )
            return {
                row.name: _health(row, int(recent.get(row.name, 0))) for row in session.scalars(select(SourceHealth))
            }

    def items_since(self, source: str, since: datetime) -> int:
        with self._sessions() as session:
            return (
                session.scalar(
                    select(func.count(Article.id)).where(Article.source == source, Article.first_seen >= since)
                )
                or 0
            )

    # Two schedulers on one job store would both fire every job, so each database gets one:
    # SQLite by an flock on a file beside the database, PostgreSQL by an advisory lock held
    # on a connection of its own. Both are released by the kernel or the server if we die.
    _SCHEDULER_LOCK_KEYS = (0x74726970, 0x73636864)  # "trip", "schd"

    def acquire_scheduler_lock(self) -> None:
        """Become the one scheduler of this database, or raise StorageError naming the one that is."""
        import os

        if getattr(self, "_scheduler_lock", None) is not None:
            return
        if self.dialect == "sqlite":
            database = self.engine.url.database
            if not database or database == ":memory:":
                self._scheduler_lock: Any = None  # nobody else can open an in-memory database
                return
            self._scheduler_lock = self._lock_file(f"{database}.scheduler-lock", os.getpid())
        elif self.dialect == "postgresql":
            self._scheduler_lock = self._advisory_lock(os.getpid())
        else:
            raise StorageError(f"scheduling needs SQLite or PostgreSQL, not {self.dialect}; use such a --db")

    def release_scheduler_lock(self) -> None:
        handle, self._scheduler_lock = getattr(self, "_scheduler_lock", None), None
        if handle is None:
            return
        if isinstance(handle, int):
            import fcntl
            import os

            fcntl.flock(handle, fcntl.LOCK_UN)
            os.close(handle)
            return
        handle.execute(
            text("SELECT pg_advisory_unlock(:a, :b)"), dict(zip("ab", self._SCHEDULER_LOCK_KEYS, strict=True))
        )
        handle.commit()
        handle.close()

    @staticmethod
    def _lock_file(path: str, pid: int) -> int:
        import fcntl
        import os

        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 64).decode("ascii", "replace").strip() or "unknown"
            os.close(fd)
            raise StorageError(
                f"another tripwatch scheduler is already running on this database (pid {holder}); "
                f"stop it first (lock file {path})"
            ) from None
        os.ftruncate(fd, 0)
        os.write(fd, str(pid).encode("ascii"))
        return fd

    def _advisory_lock(self, pid: int) -> Any:
        keys = dict(zip("ab", self._SCHEDULER_LOCK_KEYS, strict=True))
        conn = self.engine.connect()
        try:
            conn.execute(
                text("SELECT set_config('application_name', :name, false)"), {"name": f"tripwatch scheduler pid {pid}"}
            )
            got = conn.scalar(text("SELECT pg_try_advisory_lock(:a, :b)"), keys)
            holder = None
            if not got:
                holder = conn.scalar(
                    text(
                        "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
                        "WHERE l.locktype = 'advisory' AND l.granted AND l.classid = :a AND l.objid = :b"
                    ),
                    keys,
                )
            # Session locks outlive the transaction; an open transaction would hold back VACUUM.
            conn.commit()
        except SQLAlchemyError as exc:
            conn.close()
            raise StorageError(f"cannot take the scheduler lock in {self.engine.url!r}: {exc}") from exc
        if not got:
            conn.close()
            who = str(holder).removeprefix("tripwatch scheduler ") if holder else "pid unknown"
            raise StorageError(
                f"another tripwatch scheduler is already running on this database ({who}); stop it first"
            )
        return conn

    def source_runs(self, source: str, limit: int = 20) -> list[RunRecord]:
        """The latest runs that crawled `source`, newest first."""
        found: list[RunRecord] = []
        with self._sessions() as session:
            # `sources` is a JSON list: filtered here, not in SQL, the same way on every backend.
            for row in session.scalars(select(CrawlRun).order_by(CrawlRun.id.desc()).execution_options(yield_per=200)):
                if source in (row.sources or []):
                    found.append(self._run_record(row))
                    if len(found) >= limit:
                        break
        return found

    def scheduled_jobs(self) -> dict[str, datetime | None]:
        """Job id -> next run time (None: paused) from APScheduler's table, empty before the first `schedule`."""
        with self.engine.connect() as conn:
            if not self.engine.dialect.has_table(conn, "apscheduler_jobs"):
                return {}
            rows = conn.execute(text("SELECT id, next_run_time FROM apscheduler_jobs")).all()
        return {str(job_id): datetime.fromtimestamp(when, UTC) if when is not None else None for job_id, when in rows}

    # ---- maintenance ------------------------------------------------------------------------

    def integrity_problems(self) -> list[str]:
        """Empty when the database is sound: the engine's own check plus our invariants."""
        problems: list[str] = []
        try:
            with self.engine.connect() as conn:
                if self.dialect == "sqlite":
                    result = [r[0] for r in conn.execute(text("PRAGMA integrity_check"))]
                    if result != ["ok"]:
                        problems.extend(result)
                    problems.extend(f"foreign key: {tuple(r)}" for r in conn.execute(text("PRAGMA foreign_key_check")))
                orphans = conn.scalar(
                    select(func.count(Article.id)).where(~Article.id.in_(select(ArticleUrl.article_id)))
                )
                if orphans:
                    problems.append(f"{orphans} article(s) without any URL")
                unfinished = conn.scalar(
                    select(func.count(Article.id)).where(or_(Article.text == "", Article.content_hash == ""))
                )
                if unfinished:
                    problems.append(f"{unfinished} article(s) without text or hash")
        except SQLAlchemyError as exc:
            problems.append(str(exc))
        return problems


def _health(row: SourceHealth, items_7d: int = 0) -> Health:
    return Health(
        row.name,
        row.last_run,
        row.last_success,
        row.last_error,
        row.consecutive_failures,
        row.backoff_until,
        row.last_items,
        items_7d,
    )


def _escape_like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


# ---- review side: what the sidebar and the sources page show ----------------------------------


@dataclass(frozen=True)
class Facets:
    """Counts per value for the inbox's filters."""

    labels: dict[str, int]
    sources: dict[str, int]
    countries: dict[str, int]  # ISO 3166 alpha-2 destination -> items
    officials: dict[str, int]
    reviewed: int
    unreviewed: int


@dataclass(frozen=True)
class EntryPoint:
    """A feed, sitemap or listing of a source and its last outcome."""

    url: str
    last_status: int | None
    last_fetched: datetime | None
    last_error: str | None
    failures: int  # consecutive


@dataclass(frozen=True)
class SourceSummary:
    name: str
    health: Health | None  # None until the scheduler has run the source
    items: int
    relevant: int
    last_item: datetime | None
    entry_points: tuple[EntryPoint, ...]
    failure_reasons: dict[str, int]  # reason -> count over the last days, most frequent first
    recent_failures: tuple[StoredFailure, ...]

    @property
    def status(self) -> str:
        """ "failing", "ok" or "unknown" (never run by the scheduler, no entry point fetched)."""
        if (self.health and self.health.consecutive_failures) or any(e.failures for e in self.entry_points):
            return "failing"
        if (self.health and self.health.last_success) or self.entry_points:
            return "ok"
        return "unknown"


def _top(counts: dict[str, int], top: int) -> dict[str, int]:
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0])))[:top])


# (classid, objid) of the advisory lock behind Store.new_article_lock; the scheduler's is another.
_NEW_ARTICLE_LOCK_KEYS = {"a": 7311, "b": 2}


#: URLs looked up per statement: a feed's links in one, a sitemap's in a few (SQLite takes
#: 32,766 parameters a statement since 3.32, older ones 999).
URL_BATCH = 500


def _batches(values: list[str]) -> Iterator[list[str]]:
    for start in range(0, len(values), URL_BATCH):
        yield values[start : start + URL_BATCH]


class _CrawlStatements:
    """The crawl path's statements, built once per store; values are bound at each execution."""

    def __init__(self, insert_article: Any, insert_url: Any) -> None:
        self.known_urls = (
            select(
                ArticleUrl.url,
                ArticleUrl.article_id,
                ArticleUrl.kind,
                Article.fetched_at,
                Article.published,
                Article.entry_updated,
            )
            .join(Article, Article.id == ArticleUrl.article_id)
            .where(ArticleUrl.url.in_(bindparam("urls", expanding=True)))
        )
        self.signature_of = select(Article.signature).where(Article.id == bindparam("id"))
        self.id_by_hash = select(func.min(Article.id)).where(Article.content_hash == bindparam("hash"))
        self.signatures_after = (
            select(Article.id, Article.signature)
            .where(Article.signature.is_not(None), Article.id > bindparam("after"))
            .order_by(Article.id)
        )
        self.article_of_urls = (
            select(ArticleUrl.article_id)
            .where(ArticleUrl.url.in_(bindparam("urls", expanding=True)), ArticleUrl.kind != "copy")
            .limit(1)
        )
        self.id_by_canonical = select(Article.id).where(Article.canonical_url == bindparam("url"))
        self.insert_article = insert_article.on_conflict_do_nothing(index_elements=["canonical_url"]).returning(
            Article.id
        )
        self.insert_urls = insert_url.on_conflict_do_nothing(index_elements=["url"])
        self.failed_since = (
            select(Failure.url)
            .where(
                Failure.url.in_(bindparam("urls", expanding=True)),
                Failure.at >= bindparam("since"),
                Failure.reason.in_(bindparam("reasons", expanding=True)),
            )
            .distinct()
        )
