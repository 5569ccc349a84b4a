"""A crawl killed with SIGKILL midway, then run again, ends as if it had never been interrupted."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from demo.server import FixtureWeb
from storage.repository import ItemFilter, Store
from tests.crawl_helpers import REPO, crawl_args, run_crawl, write_config

pytestmark = pytest.mark.slow


def snapshot(db_url: str) -> set[frozenset[str]]:
    """Each item as the set of URLs that lead to it.

    Which copy of a syndicated story becomes the item depends on which is fetched first, so
    items are compared by the URLs they gather, not by their canonical URL or text.
    """
    with Store.open(db_url) as store:
        items = store.list_items(ItemFilter(include_all=True), limit=None)
        assert store.integrity_problems() == []
    return {frozenset(u.url for u in i.urls) for i in items}


def count_items(db_url: str) -> int:
    with Store.open(db_url) as store:
        return store.count_items(ItemFilter(include_all=True))


def test_sigkill_midway_then_rerun_gives_the_same_items(tmp_path: Path) -> None:
    with FixtureWeb() as web:
        config = write_config(web, tmp_path / "config")
        reference = f"sqlite:///{tmp_path / 'reference.db'}"
        run_crawl(config, reference)
        expected = snapshot(reference)
        assert len(expected) >= 20

        killed = f"sqlite:///{tmp_path / 'killed.db'}"
        slow = ["--set", "CONCURRENT_REQUESTS=1", "--set", "DOWNLOAD_DELAY=0.15"]
        process = subprocess.Popen(
            crawl_args(config, killed, *slow),
            cwd=REPO,
            env={**os.environ, "PYTHONPATH": str(REPO)},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # the crawl and its extraction workers die together
        )
        try:
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline and process.poll() is None:
                if Path(killed.removeprefix("sqlite:///")).exists() and count_items(killed) >= 5:
                    break
                time.sleep(0.2)
            assert process.poll() is None, "the crawl ended before it could be killed; slow it down further"
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(10)
        finally:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
        partial = count_items(killed)
        assert 5 <= partial < len(expected)

        run_crawl(config, killed)
        assert snapshot(killed) == expected
