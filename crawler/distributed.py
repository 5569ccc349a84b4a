"""Scale-out: several crawl processes (on several machines) share one crawl through Redis.

scrapy-redis replaces Scrapy's in-memory scheduler and duplicate filter with Redis ones,
so every worker started with the same Redis URL and batch name pulls requests from one
queue and no request is made twice; the workers write to one PostgreSQL database.
"""

from __future__ import annotations

import re
from typing import Any

_BATCH = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")


def redis_settings(redis_url: str, batch: str) -> dict[str, Any]:
    """Settings that put a crawl on a shared Redis queue named by `batch`."""
    if not _BATCH.match(batch):
        raise ValueError(f"batch {batch!r}: use 1-64 letters, digits, '.', '-' or '_', e.g. 2026-11-22T06")
    prefix = f"tripwatch:{batch}:%(spider)s"
    return {
        "SCHEDULER": "scrapy_redis.scheduler.Scheduler",
        "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
        "REDIS_URL": redis_url,
        # Kept when one worker finishes: the others are still working on the same queue.
        "SCHEDULER_PERSIST": True,
        "SCHEDULER_QUEUE_KEY": f"{prefix}:requests",
        "SCHEDULER_DUPEFILTER_KEY": f"{prefix}:dupefilter",
        # Entry points and articles go through the shared duplicate filter, so each is
        # requested by one worker only.
        "DISTRIBUTED": True,
    }
