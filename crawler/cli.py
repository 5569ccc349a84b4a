"""The `tripwatch` command: crawl, review and export, all from one click group."""

from __future__ import annotations

import functools
import logging
import sys
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from config.errors import ConfigError
from storage.errors import StorageError

# Only click and small modules are imported here; config loaders (pydantic), storage
# (SQLAlchemy, Alembic), Scrapy and the review UI are imported inside the commands that use
# them. The extraction pool's workers (forkserver, pipelines/extract.py) re-import the main
# module, which is this one or a script importing it: every import here is loaded again in
# each worker, which never runs a command.
if TYPE_CHECKING:
    from config.sources import Source
    from storage.repository import ItemFilter, RunRecord, Store, StoredArticle

F = TypeVar("F", bound=Callable[..., Any])

EXIT_SOME_FAILED = 1
EXIT_USAGE = 2


class ConfigProblem(click.ClickException):
    """A config or usage error: one line, exit code 2, nothing done."""

    exit_code = EXIT_USAGE


def config_option(func: F) -> F:
    return click.option(
        "--config",
        "config",
        type=click.Path(file_okay=False, path_type=Path),
        envvar="TRIPWATCH_CONFIG",
        help="Folder with sources.yaml and watchlist.yaml [env TRIPWATCH_CONFIG; default: the repo's config/].",
    )(func)


def db_option(func: F) -> F:
    return click.option(
        "--db",
        "db",
        envvar="TRIPWATCH_DATABASE_URL",
        help="Database URL, e.g. postgresql://user@host/tripwatch [env TRIPWATCH_DATABASE_URL; default: sqlite:///data/tripwatch.db].",
    )(func)


def translate_errors(func: F) -> F:
    """ConfigError and StorageError become one-line messages without a traceback."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except ConfigError as exc:
            raise ConfigProblem(str(exc)) from exc
        except StorageError as exc:
            raise click.ClickException(str(exc)) from exc

    return wrapper  # type: ignore[return-value]


def open_store(db: str | None) -> Store:
    from storage.db import database_url
    from storage.repository import Store

    return Store.open(database_url(db))


def load_config(config: Path | None) -> tuple[Source, ...]:
    from config.sources import config_dir, load_sources

    return load_sources(config_dir(config) / "sources.yaml")


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option("0.1.0", prog_name="tripwatch")
@click.option("-v", "--verbose", count=True, help="More log output (-v info, -vv debug).")
@click.pass_context
def cli(ctx: click.Context, verbose: int) -> None:
    """Watch the news for security and intelligence ministers' trips abroad.

    tripwatch crawls the feeds, news sitemaps and section pages declared in
    config/sources.yaml, keeps one clean item per article, says which items report
    such a trip and why, and lets you review and export them.

    \b
    Typical use:
      tripwatch sources check        # is the config valid, do the feeds answer?
      tripwatch crawl                # crawl every source once
      tripwatch items list           # what was found, relevant first
      tripwatch serve                # review in the browser
      tripwatch run                  # crawl on schedule and serve the UI
    """
    ctx.ensure_object(dict)
    ctx.obj["verbose"] = verbose
    configure_logging(logging.WARNING - 10 * min(verbose, 2))


def configure_logging(level: int, log_file: Path | None = None) -> None:
    """One handler on the root logger; Scrapy's own handler is switched off (LOG_ENABLED=False)."""
    handler: logging.Handler = logging.FileHandler(log_file, encoding="utf-8") if log_file else logging.StreamHandler()
    handler.setLevel(level)  # Scrapy lowers the root logger's level; the handler keeps ours
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)


# ---- crawl ------------------------------------------------------------------------------------


def parse_set_options(values: tuple[str, ...]) -> dict[str, str]:
    overrides = {}
    for value in values:
        name, sep, setting = value.partition("=")
        if not sep or not name:
            raise ConfigProblem(f"--set {value!r}: expected NAME=VALUE, e.g. --set DOWNLOAD_DELAY=2")
        overrides[name] = setting
    return overrides


def crawl_overrides(config: Path | None, db: str | None, verbose: int, extra: dict[str, Any]) -> dict[str, Any]:
    from config.sources import config_dir
    from storage.db import database_url

    overrides: dict[str, Any] = {
        "DATABASE_URL": database_url(db),
        "CONFIG_DIR": str(config_dir(config)),
        "LOG_LEVEL": {0: "WARNING", 1: "INFO"}.get(verbose, "DEBUG"),
        "LOG_ENABLED": False,  # our handler (configure_logging) prints Scrapy's records too
        "REPORT_PROGRESS_INTERVAL": 5,
    }
    overrides.update(extra)
    return overrides


SUMMARY_COLUMNS = (
    ("entry points", "entry_points"),
    ("not modified", "not_modified"),
    ("pages", "pages"),
    ("new", "new"),
    ("updated", "updated"),
    ("unchanged", "unchanged"),
    ("copies", "copy"),
    ("already stored", "already_stored"),
)


def render_summary(run: RunRecord, source_names: list[str]) -> str:
    """A table per source, then failures by reason."""
    table = run.stats.get("sources", {})
    header = ["source", *[title for title, _ in SUMMARY_COLUMNS], "failures"]
    rows = [header]
    for name in source_names:
        counters = table.get(name, {})
        failures = counters.get("failures", {})
        failure_text = ", ".join(f"{reason} {count}" for reason, count in sorted(failures.items())) or "-"
        rows.append([name, *[str(counters.get(key, 0)) for _, key in SUMMARY_COLUMNS], failure_text])
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    took = (run.finished_at - run.started_at).total_seconds() if run.finished_at else 0.0
    lines.append(f"\nRun {run.id}: {run.finish_reason or run.status} in {took:.1f}s")
    return "\n".join(lines)


def failed_sources(run: RunRecord) -> list[str]:
    """Sources with an entry point (feed, sitemap, listing) that could not be used."""
    return sorted(name for name, counters in run.stats.get("sources", {}).items() if counters.get("entry_failures"))


@cli.command()
@click.argument("sources", nargs=-1)
@config_option
@db_option
@click.option(
    "--set",
    "settings",
    multiple=True,
    metavar="NAME=VALUE",
    help="Override a Scrapy or tripwatch setting (repeatable).",
)
@click.option(
    "--redis",
    "redis_url",
    envvar="TRIPWATCH_REDIS_URL",
    help="Share this crawl with other workers through Redis (scrapy-redis) [env TRIPWATCH_REDIS_URL].",
)
@click.option("--batch", help="With --redis: the name all workers of one crawl share, e.g. 2026-11-22T06.")
@click.pass_context
@translate_errors
def crawl(
    ctx: click.Context,
    sources: tuple[str, ...],
    config: Path | None,
    db: str | None,
    settings: tuple[str, ...],
    redis_url: str | None,
    batch: str | None,
) -> None:
    """Crawl the named sources once (all enabled sources when none is named).

    Prints progress while it runs, then a table per source: entry points, pages
    fetched, new and updated items, items already stored, failures by reason.
    Exit code 0 when every source worked, 1 when some failed, 2 on a config error.

    \b
    Example:
      tripwatch crawl                         # every source in config/sources.yaml
      tripwatch crawl harbour-times --db sqlite:///data/test.db
      tripwatch crawl --set DOWNLOAD_DELAY=2 --set CONCURRENT_REQUESTS_PER_DOMAIN=1
      tripwatch crawl --db postgresql://db-host/tripwatch --redis redis://queue-host:6379/0 --batch 2026-11-22T06
    """
    from config.sources import select_sources
    from crawler.distributed import redis_settings
    from crawler.runner import crawl_in_process

    chosen = select_sources(load_config(config), sources)
    if not chosen:
        raise ConfigProblem("no enabled source to crawl; add one to sources.yaml or name one")
    with open_store(db):  # creates and migrates the database before the crawl opens it
        pass
    extra: dict[str, Any] = {}
    if redis_url:
        if not batch:
            raise ConfigProblem(
                "--redis needs --batch NAME, the same for every worker of this crawl, e.g. --batch 2026-11-22T06"
            )
        try:
            extra = redis_settings(redis_url, batch)
        except ValueError as exc:
            raise ConfigProblem(str(exc)) from exc
    extra.update(parse_set_options(settings))
    overrides = crawl_overrides(config, db, ctx.obj["verbose"], extra)
    click.echo(f"Crawling {len(chosen)} source(s): {', '.join(s.name for s in chosen)}", err=True)
    run_id = crawl_in_process([s.name for s in chosen], overrides)
    report_run(db, run_id, [s.name for s in chosen])


def report_run(db: str | None, run_id: int | None, names: list[str]) -> None:
    with open_store(db) as store:
        run = store.run(run_id) if run_id is not None else None
    if run is None:
        raise click.ClickException("the crawl did not start; run with -v to see why")
    click.echo(render_summary(run, names))
    failed = failed_sources(run)
    if failed or run.status != "finished":
        click.echo(
            f"Some sources failed: {', '.join(failed) or run.finish_reason}. See `tripwatch failures --run {run.id}`.",
            err=True,
        )
        sys.exit(EXIT_SOME_FAILED)


@cli.command()
@click.option("--run", "run_id", type=int, help="Only this crawl run (default: the latest).")
@click.option("--source", help="Only this source.")
@click.option("--limit", default=50, show_default=True)
@db_option
@translate_errors
def failures(run_id: int | None, source: str | None, limit: int, db: str | None) -> None:
    """List URLs that did not become items, with the stored reason.

    \b
    Example:
      tripwatch failures                 # the latest crawl's failures
      tripwatch failures --source harbour-times --limit 10
    """
    with open_store(db) as store:
        if run_id is None and source is None:
            latest = store.latest_run()
            run_id = latest.id if latest else None
        rows = store.failures(source=source, run_id=run_id, limit=limit)
    if not rows:
        click.echo("No failures recorded.")
    for row in rows:
        status = f" HTTP {row.status}" if row.status else ""
        click.echo(f"{row.at:%Y-%m-%d %H:%M}  {row.source:<16} {row.reason:<16}{status}  {row.url}\n    {row.detail}")


# ---- sources ----------------------------------------------------------------------------------


@cli.group()
def sources() -> None:
    """Inspect the sources declared in sources.yaml."""


@sources.command("list")
@config_option
@translate_errors
def sources_list(config: Path | None) -> None:
    """List the declared sources with their entry points and schedules.

    \b
    Example:
      tripwatch sources list --config demo-config/
    """
    for source in load_config(config):
        schedule = source.schedule
        when = (
            f"every {schedule.every}"
            if schedule and schedule.every
            else f"cron {schedule.cron}"
            if schedule
            else "default"
        )
        state = "" if source.enabled else " (disabled)"
        click.echo(f"{source.name}{state}  [{when}]")
        for url in source.feeds:
            click.echo(f"  feed     {url}")
        for url in source.sitemaps:
            click.echo(f"  sitemap  {url}")
        for listing in source.listings:
            click.echo(f"  listing  {listing.url}  (links: {listing.links or 'heuristic'}, pages: {listing.max_pages})")


@sources.command("check")
@click.argument("names", nargs=-1)
@config_option
@click.option("--timeout", default=15.0, show_default=True, help="Seconds to wait for each entry point.")
@translate_errors
def sources_check(names: tuple[str, ...], config: Path | None, timeout: float) -> None:
    """Validate sources.yaml, then request each entry point once and print a status table.

    \b
    Example:
      tripwatch sources check
      tripwatch sources check harbour-times
    """
    from config.sources import select_sources
    from crawler.check import check_entry_points

    chosen = select_sources(load_config(config), names)
    click.echo(f"sources.yaml is valid: {len(chosen)} source(s).")
    results = check_entry_points(chosen, timeout)
    bad = 0
    for result in results:
        mark = "ok " if result.ok else "BAD"
        bad += not result.ok
        click.echo(f"{mark} {result.source:<18} {result.kind:<8} {result.status:<24} {result.url}")
    if bad:
        click.echo(f"{bad} entry point(s) did not answer with a usable feed or page.", err=True)
        sys.exit(EXIT_SOME_FAILED)


# ---- items and exports ------------------------------------------------------------------------


def parse_since(value: str | None) -> datetime | None:
    if not value:
        return None
    from config.sources import parse_duration

    try:
        return datetime.now(UTC) - parse_duration(value)
    except ValueError:
        pass
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as exc:
        raise ConfigProblem(f"--since {value!r}: expected a date (2026-10-01) or an age (2d, 12h)") from exc
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed


def filter_options(func: F) -> F:
    options = [
        click.option("--source", help="Only items from (or also published by) this source."),
        click.option("--since", help="Published since a date (2026-10-01) or an age (2d, 12h)."),
        click.option("--search", "-q", help="Words that must all occur in the title or text."),
        click.option("--label", type=click.Choice(["relevant", "uncertain", "irrelevant"]), help="Only this label."),
        click.option("--official", help="Only trips of this official (name or part of it)."),
        click.option("--country", help="Only trips to this destination (ISO code, e.g. VN)."),
        click.option("--reviewed/--unreviewed", default=None, help="Only reviewed / unreviewed items."),
        click.option("--all", "include_all", is_flag=True, help="Include irrelevant items too (relevant still first)."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def build_filter(kwargs: dict[str, Any]) -> ItemFilter:
    from storage.repository import ItemFilter

    return ItemFilter(
        source=kwargs.get("source"),
        since=parse_since(kwargs.get("since")),
        search=kwargs.get("search"),
        label=kwargs.get("label"),
        official=kwargs.get("official"),
        country=kwargs.get("country"),
        reviewed=kwargs.get("reviewed"),
        include_all=bool(kwargs.get("include_all")),
    )


@cli.group()
def items() -> None:
    """List, show and mark stored items."""


def _trip_summary(item: StoredArticle) -> str:
    trip = item.trip or {}
    officials = ", ".join(o.get("name", "") for o in trip.get("officials", []) if o.get("name"))
    destinations = " ".join(trip.get("destinations", []))
    return " | ".join(part for part in (officials, f"to {destinations}" if destinations else "") if part)


@items.command("list")
@filter_options
@click.option("--limit", default=30, show_default=True)
@db_option
@translate_errors
def items_list(limit: int, db: str | None, **kwargs: Any) -> None:
    """List stored items, relevant first, newest first.

    \b
    Example:
      tripwatch items list
      tripwatch items list --all --source harbour-times --since 7d
      tripwatch items list --search Vientiane --country LA
    """
    flt = build_filter(kwargs)
    with open_store(db) as store:
        rows = store.list_items(flt, limit=limit)
        total = store.count_items(flt)
    for item in rows:
        date = f"{item.published:%Y-%m-%d}" if item.published else "----------"
        label = (item.label or "?")[:10]
        marks = ("*" if item.starred else " ") + ("r" if item.reviewed else " ")
        click.echo(f"{item.id:>5} {marks} {label:<10} {date} {item.source:<16} {item.title or item.url}")
        trip = _trip_summary(item)
        if trip:
            click.echo(f"{'':>19}{trip}")
    click.echo(
        f"{len(rows)} of {total} item(s) shown."
        + ("" if flt.include_all else " Use --all to include irrelevant items."),
        err=True,
    )


@items.command("show")
@click.argument("item_id", type=int)
@db_option
@translate_errors
def items_show(item_id: int, db: str | None) -> None:
    """Show one item: metadata, relevance with evidence, where it appeared, and its text.

    \b
    Example:
      tripwatch items show 12
    """
    with open_store(db) as store:
        item = store.get_item(item_id)
        revisions = store.revisions(item_id) if item else []
    if item is None:
        raise click.ClickException(f"no item {item_id}; `tripwatch items list --all` shows the ids")
    click.echo(item.title or "(no title)")
    click.echo("=" * min(len(item.title or "") or 10, 80))
    click.echo(f"URL:        {item.url}")
    click.echo(f"Source:     {item.source}")
    click.echo(f"Published:  {item.published.isoformat() if item.published else 'unknown'}")
    click.echo(f"Author:     {item.author or 'unknown'}   Language: {item.language or 'unknown'}")
    analyst = f" (analyst: {item.analyst_label})" if item.analyst_label else ""
    score = f"{item.score:.2f}" if item.score is not None else "-"
    click.echo(f"Relevance:  {item.relevance or 'unclassified'}{analyst}   score {score}")
    if item.trip:
        click.echo(f"Trip:       {_trip_summary(item)}")
    for ev in item.evidence[:12]:
        click.echo(f"  - {ev.get('kind')}: {ev.get('matched')!r} -> {ev.get('value')}")
    other_urls = [u for u in item.urls if u.kind != "copy" and u.url != item.url]
    for u in other_urls:
        click.echo(f"Also as:    {u.url}")
    for u in item.copies:
        click.echo(f"Copy at:    {u.url} ({u.source})")
    click.echo(f"Fetched:    {item.fetched_at.isoformat()} (first seen {item.first_seen.isoformat()})")
    for previous, _new, when in revisions:
        click.echo(f"Changed:    {when.isoformat()} (previous text hash {previous[:12]})")
    if item.note:
        click.echo(f"Note:       {item.note}")
    click.echo("")
    click.echo(item.text)


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv", "txt", "atom"]), default="jsonl", show_default=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Write here instead of standard output.")
@filter_options
@db_option
@translate_errors
def export(fmt: str, out: Path | None, db: str | None, **kwargs: Any) -> None:
    """Export items (relevant first; --all for everything) as JSONL, CSV, plain text or Atom.

    \b
    Example:
      tripwatch export --format jsonl --out trips.jsonl
      tripwatch export --format csv --all --since 30d > items.csv
      tripwatch export --format txt --country JP
      tripwatch export --format atom --out trips.atom
    """
    from review.export import WRITERS

    flt = build_filter(kwargs)
    with open_store(db) as store:
        if out:
            with out.open("w", encoding="utf-8", newline="") as handle:
                count = WRITERS[fmt](store.iter_items(flt), handle)
        else:
            count = WRITERS[fmt](store.iter_items(flt), sys.stdout)
    click.echo(f"Exported {count} item(s){f' to {out}' if out else ''}.", err=True)


@cli.command()
@click.option("--db", default="sqlite:///data/demo.db", show_default=True, help="Where the demo's items go.")
@click.option(
    "--config-out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("data/demo-config"),
    show_default=True,
    help="Where the demo's generated sources.yaml is written.",
)
@click.option("--keep-serving", is_flag=True, help="Keep the sample web running after the crawl (Ctrl-C stops it).")
@click.pass_context
@translate_errors
def demo(ctx: click.Context, db: str, config_out: Path, keep_serving: bool) -> None:
    """Serve the sample news web on 127.0.0.1 and crawl it: the whole flow, offline.

    Five invented outlets (feeds, a news sitemap, paginated listings, syndicated
    copies, broken pages) are served on local ports; the crawl stores clean,
    classified, deduplicated items in --db, then prints what it found.

    \b
    Example:
      tripwatch demo
      tripwatch items list --db sqlite:///data/demo.db
      tripwatch serve --db sqlite:///data/demo.db
    """
    from config.sources import load_sources
    from crawler.demo import DEMO_SETTINGS, write_demo_config
    from crawler.runner import crawl_in_process
    from demo.server import FixtureWeb
    from storage.repository import ItemFilter

    with FixtureWeb() as web:
        folder = write_demo_config(web, config_out)
        names = [s.name for s in load_sources(folder / "sources.yaml")]
        with open_store(db):
            pass
        overrides = crawl_overrides(folder, db, ctx.obj["verbose"], dict(DEMO_SETTINGS))
        click.echo(f"Sample web on {', '.join(web.bases.values())}; crawling {len(names)} sources...", err=True)
        run_id = crawl_in_process(names, overrides)
        with open_store(db) as store:
            run = store.run(run_id) if run_id is not None else None
            top = store.list_items(ItemFilter(label="relevant"), limit=10)
        if run is None:
            raise click.ClickException("the demo crawl did not start; run `tripwatch -v demo` to see why")
        click.echo(render_summary(run, names))
        click.echo("\nSome failures above are on purpose: the sample web has a 404, a redirect loop, a PDF, ...")
        click.echo(f"\nRelevant items ({len(top)} shown):")
        for item in top:
            click.echo(f"  {item.id:>4}  {item.title}")
        click.echo(f"\nNext: tripwatch items list --db {db}    or    tripwatch serve --db {db}")
        if keep_serving:
            import time

            click.echo("The sample web keeps running; Ctrl-C stops it.", err=True)
            try:
                while True:
                    time.sleep(3600)
            except KeyboardInterrupt:
                pass


@cli.command()
@filter_options
@config_option
@db_option
@translate_errors
def reclassify(config: Path | None, db: str | None, **kwargs: Any) -> None:
    """Label stored items again after watchlist.yaml changed; nothing is fetched.

    Every matching item is classified again (all labels, not only relevant ones);
    an analyst's own mark is kept. Prints each item whose label changed.

    \b
    Example:
      tripwatch reclassify                  # every stored item
      tripwatch reclassify --since 30d --source harbour-times
    """
    from config.sources import config_dir
    from config.watchlist import load_watchlist
    from crawler.maintenance import reclassify as run_reclassify

    watchlist = load_watchlist(config_dir(config) / "watchlist.yaml")
    flt = replace(build_filter(kwargs), include_all=True)
    with open_store(db) as store:
        total = store.count_items(flt)
        changes = run_reclassify(store, watchlist, flt)
    for change in changes:
        click.echo(f"{change.item_id:>6}  {change.before or 'unclassified'} -> {change.after}")
    click.echo(f"Classified {total} item(s); {len(changes)} label(s) changed.", err=True)


@cli.command()
@filter_options
@config_option
@db_option
@translate_errors
def reextract(config: Path | None, db: str | None, **kwargs: Any) -> None:
    """Extract stored items again from their stored HTML (after an upgrade); nothing is fetched.

    Text, title, author, date and language are redone with the current extraction
    settings, then the item is classified again.

    \b
    Example:
      tripwatch reextract --source harbour-times
    """
    from config.sources import config_dir
    from config.watchlist import load_watchlist
    from crawler.maintenance import reextract as run_reextract
    from crawler.runner import crawl_settings
    from pipelines.extract import ExtractOptions

    settings = crawl_settings()
    options = ExtractOptions.from_settings(settings)
    watchlist = load_watchlist(config_dir(config) / "watchlist.yaml")
    flt = replace(build_filter(kwargs), include_all=True)
    with open_store(db) as store:
        outcome = run_reextract(
            store, watchlist, flt, options, settings.getint("EXTRACT_MIN_CHARS"), settings.getint("DEDUP_NUM_PERM")
        )
    summary = ", ".join(f"{count} {what}" for what, count in sorted(outcome.items())) or "no items"
    click.echo(f"Re-extracted: {summary}.")


# ---- database ---------------------------------------------------------------------------------


@cli.group("db")
def db_group() -> None:
    """Create, upgrade and check the database."""


@db_group.command("upgrade")
@db_option
@translate_errors
def db_upgrade(db: str | None) -> None:
    """Create the database or apply pending migrations (crawls do this on start too).

    \b
    Example:
      tripwatch db upgrade --db postgresql://tripwatch@localhost/tripwatch
    """
    from storage.db import database_url
    from storage.migrate import current_revision

    with open_store(db) as store:
        click.echo(f"{database_url(db)} is at schema revision {current_revision(store.engine)}.")


@db_group.command("check")
@db_option
@translate_errors
def db_check(db: str | None) -> None:
    """Check the database's integrity (the engine's own check plus tripwatch's invariants).

    \b
    Example:
      tripwatch db check
    """
    with open_store(db) as store:
        problems = store.integrity_problems()
    for problem in problems:
        click.echo(problem, err=True)
    if problems:
        sys.exit(EXIT_SOME_FAILED)
    click.echo("ok")


# ---- scheduling (crawler/schedule.py) ---------------------------------------------------------

SERVICE_LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def service_options(func: F) -> F:
    """Options shared by `schedule` and `run`."""
    options = [
        config_option,
        db_option,
        click.option(
            "--set",
            "settings",
            multiple=True,
            metavar="NAME=VALUE",
            help="Override a setting (repeatable), e.g. --set SCHEDULE_RUN_TIMEOUT=900; crawls get it too.",
        ),
        click.option(
            "--log-file",
            type=click.Path(dir_okay=False, path_type=Path),
            help="Append the log to this file (reopened when logrotate moves it) instead of standard error.",
        ),
        click.option(
            "--log-format",
            type=click.Choice(["text", "json"]),
            default="text",
            show_default=True,
            help="json: one object per line (time, level, logger, message and the line's fields).",
        ),
        click.option(
            "--log-level",
            type=click.Choice(["debug", "info", "warning", "error"]),
            default=None,
            help="Lowest level logged [default: info; debug with -vv].",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def configure_service_logging(level_name: str | None, verbose: int, log_file: Path | None, log_format: str) -> str:
    """Logging of a long-running service; returns the log level its crawl children use."""
    import logging.handlers

    from crawler.schedule import JsonLogFormatter

    level = logging.getLevelName((level_name or ("debug" if verbose >= 2 else "info")).upper())
    handler: logging.Handler
    if log_file is not None:
        log_file.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.WatchedFileHandler(log_file, encoding="utf-8")
    else:
        handler = logging.StreamHandler()
    handler.setFormatter(JsonLogFormatter() if log_format == "json" else logging.Formatter(SERVICE_LOG_FORMAT))
    logging.basicConfig(level=level, handlers=[handler], force=True)
    # APScheduler's own INFO lines ("Running job ...") repeat ours; keep them for debugging.
    logging.getLogger("apscheduler").setLevel(logging.DEBUG if level <= logging.DEBUG else logging.WARNING)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    # A crawl's INFO is a line per page and a stats dump; the scheduler logs one summary line per run.
    return "DEBUG" if level <= logging.DEBUG else logging.getLevelName(max(level, logging.WARNING))


def build_service(
    ctx: click.Context,
    config: Path | None,
    db: str | None,
    settings: tuple[str, ...],
    log_file: Path | None,
    log_format: str,
    log_level: str | None,
) -> Any:
    from config.sources import config_dir
    from crawler.runner import crawl_settings
    from crawler.schedule import SchedulerService, ScheduleSettings
    from storage.db import database_url

    overrides: dict[str, Any] = dict(parse_set_options(settings))
    schedule_settings = ScheduleSettings.from_settings(crawl_settings(overrides))
    child_level = configure_service_logging(log_level, ctx.obj["verbose"], log_file, log_format)
    overrides.setdefault("LOG_LEVEL", child_level)
    return SchedulerService(database_url(db), config_dir(config).resolve(), schedule_settings, overrides)


@cli.command()
@service_options
@click.pass_context
@translate_errors
def schedule(
    ctx: click.Context,
    config: Path | None,
    db: str | None,
    settings: tuple[str, ...],
    log_file: Path | None,
    log_format: str,
    log_level: str | None,
) -> None:
    """Crawl every enabled source on its own schedule until SIGTERM or Ctrl-C.

    Each source runs on the `schedule` of its sources.yaml entry (or SCHEDULE_DEFAULT_EVERY
    with SCHEDULE_DEFAULT_JITTER), each crawl in a child process stopped after
    SCHEDULE_RUN_TIMEOUT. The plan is kept in the database: a restart resumes it and runs
    each overdue source once. A failing source backs off, up to SCHEDULE_BACKOFF_MAX.
    Edits of the config folder are applied within seconds (or on SIGHUP); a broken edit
    is logged and the last good config keeps running. On SIGTERM or Ctrl-C no new crawl
    starts and running ones get SCHEDULE_GRACE_SECONDS; exit code 0. One scheduler per
    database: a second one says so and exits with code 1.

    \b
    Example:
      tripwatch schedule
      tripwatch schedule --log-file logs/tripwatch.log --log-format json
      tripwatch schedule --set SCHEDULE_MAX_PARALLEL=4 --set SCHEDULE_RUN_TIMEOUT=900
      tripwatch sources status        # in another terminal: how each source is doing
    """
    from crawler.schedule import run_service

    run_service(build_service(ctx, config, db, settings, log_file, log_format, log_level))


@cli.command("run")
@service_options
@click.option("--host", default="127.0.0.1", show_default=True, help="Address of the review UI.")
@click.option("--port", default=8080, show_default=True, type=int, help="Port of the review UI.")
@click.option(
    "--token", envvar="TRIPWATCH_UI_TOKEN", help="Token the UI asks for [env TRIPWATCH_UI_TOKEN]; needed off 127.0.0.1."
)
@click.pass_context
@translate_errors
def run_command(
    ctx: click.Context,
    config: Path | None,
    db: str | None,
    settings: tuple[str, ...],
    log_file: Path | None,
    log_format: str,
    log_level: str | None,
    host: str,
    port: int,
    token: str | None,
) -> None:
    """Crawl on schedule (as `tripwatch schedule`) and serve the review UI; Ctrl-C stops both.

    \b
    Example:
      tripwatch run                   # UI on http://127.0.0.1:8080/
      tripwatch run --port 8090 --log-file logs/tripwatch.log
    """
    import threading

    from crawler.schedule import run_service

    try:
        from review.app import UnsafeBinding, close_app, make_ui_server
    except ImportError as exc:
        raise click.ClickException(
            f"the review UI cannot be loaded ({exc}); `tripwatch schedule` runs the scheduler alone"
        ) from exc
    service = build_service(ctx, config, db, settings, log_file, log_format, log_level)
    try:
        server = make_ui_server(service.db_url, host, port, token)
    except UnsafeBinding as exc:
        raise ConfigProblem(str(exc)) from exc
    except OSError as exc:
        raise click.ClickException(
            f"cannot serve the review UI on {host}:{port}: {exc.strerror}; pick another --port"
        ) from exc
    web = threading.Thread(target=server.serve_forever, name="review-ui", daemon=True)

    def serve_ui() -> None:
        web.start()
        logging.getLogger(__name__).info("Review UI on http://%(host)s:%(port)d/", {"host": host, "port": server.port})

    try:
        run_service(service, on_started=serve_ui)
    finally:
        if web.is_alive():
            server.shutdown()
        server.server_close()
        close_app(server.app)  # type: ignore[arg-type]


def _when(value: datetime | None) -> str:
    return f"{value:%Y-%m-%d %H:%M}" if value else "-"


@sources.command("status")
@config_option
@db_option
@click.option(
    "--set", "settings", multiple=True, metavar="NAME=VALUE", help="Override a setting (as given to `schedule`)."
)
@translate_errors
def sources_status(config: Path | None, db: str | None, settings: tuple[str, ...]) -> None:
    """How each source is doing under the scheduler: runs, failures, back-off, items (times UTC).

    Exit code 1 when a source's last run failed, so a monitoring check can call it.

    \b
    Example:
      tripwatch sources status
      tripwatch sources status --db postgresql://tripwatch@localhost/tripwatch
    """
    from crawler.runner import crawl_settings
    from crawler.schedule import ScheduleSettings, source_statuses

    schedule_settings = ScheduleSettings.from_settings(crawl_settings(parse_set_options(settings)))
    with open_store(db) as store:
        rows = source_statuses(load_config(config), store, schedule_settings)
    header = [
        "source",
        "schedule",
        "next run",
        "last run",
        "last success",
        "failures",
        "items last run",
        "items 7d",
        "backing off until",
        "last error",
    ]
    table = [header]
    for row in rows:
        health = row.health
        table.append(
            [
                row.name + ("" if row.enabled else " (disabled)"),
                row.schedule,
                _when(row.next_run),
                _when(health.last_run if health else None),
                _when(health.last_success if health else None),
                str(health.consecutive_failures if health else 0),
                str(health.last_items if health else "-"),
                str(health.items_7d if health else 0),
                _when(health.backoff_until if health else None),
                (health.last_error or "-")[:80] if health else "-",
            ]
        )
    widths = [max(len(line[i]) for line in table) for i in range(len(header))]
    for i, line in enumerate(table):
        click.echo("  ".join(cell.ljust(widths[j]) for j, cell in enumerate(line)).rstrip())
        if i == 0:
            click.echo("  ".join("-" * w for w in widths))
    failing = [row.name for row in rows if row.health and row.health.consecutive_failures]
    if failing:
        click.echo(f"Failing: {', '.join(failing)}. See `tripwatch failures --source NAME`.", err=True)
        sys.exit(EXIT_SOME_FAILED)


# ---- review UI (review/app.py) ----------------------------------------------------------------


@cli.command()
@click.option(
    "--host", default="127.0.0.1", show_default=True, help="Address to listen on; other than loopback needs --token."
)
@click.option("--port", default=8080, show_default=True, type=click.IntRange(0, 65535), help="Port (0: any free port).")
@click.option("--token", envvar="TRIPWATCH_UI_TOKEN", help="Secret every request must carry [env TRIPWATCH_UI_TOKEN].")
@db_option
@translate_errors
def serve(host: str, port: int, token: str | None, db: str | None) -> None:
    """Serve the review UI: inbox, item pages, sources, exports and an Atom feed.

    Listens on 127.0.0.1 unless told otherwise. Bound to any other address it
    requires a token: open http://HOST:PORT/?token=TOKEN once (the browser keeps
    it), or send "Authorization: Bearer TOKEN" from scripts.

    \b
    Example:
      tripwatch serve                                  # http://127.0.0.1:8080/
      tripwatch serve --db sqlite:///data/demo.db --port 8081
      TRIPWATCH_UI_TOKEN=long-secret tripwatch serve --host 0.0.0.0
    """
    from review.app import UnsafeBinding, close_app, make_ui_server
    from storage.db import database_url

    try:
        server = make_ui_server(database_url(db), host, port, token)
    except UnsafeBinding as exc:
        raise ConfigProblem(str(exc)) from exc
    except OSError as exc:
        raise click.ClickException(f"cannot listen on {host}:{port}: {exc.strerror}; choose another --port") from exc
    shown = f"[{host}]" if ":" in host else host
    click.echo(f"Review UI on http://{shown}:{server.port}/  (Ctrl-C stops it)", err=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        close_app(server.app)  # type: ignore[arg-type]


#: `items mark` actions and the marks each sets; a label also marks the item reviewed.
MARK_ACTIONS: dict[str, dict[str, Any]] = {
    "relevant": {"label": "relevant", "reviewed": True},
    "irrelevant": {"label": "irrelevant", "reviewed": True},
    "uncertain": {"label": "uncertain", "reviewed": True},
    "clear": {},
    "star": {"starred": True},
    "unstar": {"starred": False},
    "reviewed": {"reviewed": True},
    "unreviewed": {"reviewed": False},
}


@items.command("mark")
@click.argument("item_id", type=int)
@click.argument("action", type=click.Choice(list(MARK_ACTIONS)), required=False, metavar="[ACTION]")
@click.option("--note", help='Attach a note to the item ("" removes it).')
@db_option
@translate_errors
def items_mark(item_id: int, action: str | None, note: str | None, db: str | None) -> None:
    """Mark an item: your label overrides the classifier's and survives re-classification.

    relevant, irrelevant and uncertain set your label and mark the item reviewed;
    clear drops your label (the classifier's counts again); star, unstar, reviewed
    and unreviewed set those marks; --note attaches a note.

    \b
    Example:
      tripwatch items mark 12 relevant --note "confirmed by the ministry's release"
      tripwatch items mark 12 star
      tripwatch items mark 12 clear
    """
    if action is None and note is None:
        raise click.UsageError("say what to mark: an ACTION (e.g. relevant), --note TEXT, or both")
    with open_store(db) as store:
        found = store.clear_label(item_id) if action == "clear" else True
        found = found and store.mark_item(item_id, note=note, **MARK_ACTIONS.get(action or "", {}))
        item = store.get_item(item_id) if found else None
    if item is None:
        raise click.ClickException(f"no item {item_id}; `tripwatch items list --all` shows the ids")
    marks = [name for name, on in (("starred", item.starred), ("reviewed", item.reviewed)) if on]
    whose = "your label" if item.analyst_label else "classifier"
    click.echo(
        f"Item {item.id}: {item.label or 'unclassified'} ({whose}){''.join(', ' + m for m in marks)}"
        + (f"; note: {item.note}" if item.note else "")
    )


def main() -> None:
    from crawler.process_exit import skip_collection_at_exit

    try:
        cli(prog_name="tripwatch")
    finally:  # click ends with SystemExit, also on success
        skip_collection_at_exit()


if __name__ == "__main__":
    main()
