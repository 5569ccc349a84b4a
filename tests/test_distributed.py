"""Scale-out: two workers share one crawl through a real Redis (scrapy-redis) and one database."""

from __future__ import annotations

import os
import subprocess
import uuid
from collections import Counter
from pathlib import Path

import pytest

from demo.server import FixtureWeb
from storage.repository import ItemFilter, Store
from tests.crawl_helpers import PG_ENV, REPO, crawl_args, database, expectations, run_crawl, write_config

REDIS_ENV = "TRIPWATCH_TEST_REDIS_URL"
pytestmark = pytest.mark.slow


@pytest.fixture
def redis_url() -> str:
    url = os.environ.get(REDIS_ENV)
    if not url:
        pytest.skip(f"scale-out tests need {REDIS_ENV} (e.g. redis://127.0.0.1:6379/15); it is not set")
    return url


def test_two_workers_share_one_crawl_without_fetching_anything_twice(redis_url: str, tmp_path: Path) -> None:
    import redis

    kind = "postgresql" if os.environ.get(PG_ENV) else "sqlite"
    batch = f"test-{uuid.uuid4().hex[:8]}"
    client = redis.Redis.from_url(redis_url)
    with FixtureWeb() as web, database(kind, tmp_path) as db_url, database("sqlite", tmp_path / "ref") as reference:
        config = write_config(web, tmp_path / "config")
        run_crawl(config, reference)
        web.clear_log()
        Store.open(db_url).close()
        args = crawl_args(config, db_url, "--redis", redis_url, "--batch", batch)
        env = {**os.environ, "PYTHONPATH": str(REPO)}
        try:
            workers = [
                subprocess.Popen(args, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                for _ in range(2)
            ]
            outputs = [w.communicate(timeout=240) for w in workers]
        finally:
            for key in client.scan_iter(f"tripwatch:{batch}:*"):
                client.delete(key)
        for _out, err in outputs:
            assert "Traceback" not in err, err[-2000:]
        # The slow page is retried after each timeout, by design; everything else is fetched once.
        retried = {e["path"] for e in expectations() if e.get("reason") == "timeout"}
        fetched = Counter(
            (r.outlet, r.path)
            for r in web.request_log()
            if r.path != "/robots.txt" and r.status == 200 and r.path not in retried
        )
        twice = {k: n for k, n in fetched.items() if n > 1}
        assert not twice, f"fetched by both workers: {twice}"
        with Store.open(db_url) as store, Store.open(reference) as ref:
            shared = {
                frozenset(u.url for u in i.urls) for i in store.list_items(ItemFilter(include_all=True), limit=None)
            }
            alone = {frozenset(u.url for u in i.urls) for i in ref.list_items(ItemFilter(include_all=True), limit=None)}
            assert store.integrity_problems() == []
        assert len(shared) == len(alone)
