"""Running one crawl: in this process (the CLI), or as a child process the scheduler can kill.

The Twisted reactor cannot be restarted inside one process, so every crawl after the first
needs a process of its own; a child also keeps a hung or crashing crawl away from its caller.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from pipelines.store import RUN_ID_STAT

logger = logging.getLogger(__name__)


def crawl_settings(overrides: Mapping[str, Any] | None = None) -> Settings:
    """The project settings (crawler/settings.py) with the caller's overrides on top."""
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    for name, value in (overrides or {}).items():
        settings.set(name, value, priority="cmdline")
    return settings


def crawl_in_process(
    source_names: Sequence[str], overrides: Mapping[str, Any] | None = None, spider: str = "sources"
) -> int | None:
    """Crawl the named sources (all when empty) here and now; returns the run's id in the store."""
    process = CrawlerProcess(crawl_settings(overrides))
    crawler = process.create_crawler(spider)
    process.crawl(crawler, sources=",".join(source_names))
    process.start()
    try:
        run_id = crawler.stats.get_value(RUN_ID_STAT)
    except RuntimeError:  # the crawl never started (its error was logged)
        return None
    return int(run_id) if run_id is not None else None


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m crawler.runner [--set NAME=VALUE ...] [SOURCE ...]`: the child side of a scheduled crawl."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m crawler.runner", description=main.__doc__)
    parser.add_argument("sources", nargs="*")
    parser.add_argument("--set", dest="overrides", action="append", default=[], metavar="NAME=VALUE")
    args = parser.parse_args(argv)
    overrides = dict(item.split("=", 1) for item in args.overrides)
    run_id = crawl_in_process(args.sources, overrides)
    print(f"run_id={run_id}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
