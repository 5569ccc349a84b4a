"""Every Scrapy and tripwatch setting, with its default. Override with `-s NAME=value` or the CLI."""

from __future__ import annotations

import os

BOT_NAME = "tripwatch"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

# ---- shared ---------------------------------------------------------------------------------
# Where articles go; the CLI's --db and TRIPWATCH_DATABASE_URL override it.
DATABASE_URL = os.environ.get("TRIPWATCH_DATABASE_URL", "sqlite:///data/tripwatch.db")
# Folder with sources.yaml and watchlist.yaml; empty = TRIPWATCH_CONFIG or the repo's config/.
CONFIG_DIR = os.environ.get("TRIPWATCH_CONFIG", "")

# ---- politeness -----------------------------------------------------------------------------
# Who we are and how to reach the operator; sites read this in their logs.
CONTACT = os.environ.get("TRIPWATCH_CONTACT", "set CONTACT in crawler/settings.py or TRIPWATCH_CONTACT")
USER_AGENT = f"tripwatch/0.1 (news monitoring for research; +{CONTACT})"
ROBOTSTXT_OBEY = True
# AutoThrottle adapts the delay to each server's latency; the start delay is the polite floor.
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0
DOWNLOAD_DELAY = 0.5
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 4
# Scrapy starts this many tasks for the output of every response; an article page gives one
# item (a feed, requests only). The default of 100 cost about 1 ms of CPU per page.
CONCURRENT_ITEMS = 8
# Retries on 5xx, 408, 429 and network errors; a page still failing after that is stored as a failure.
RETRY_ENABLED = True
RETRY_TIMES = 2
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
DOWNLOAD_TIMEOUT = 30
# Larger (decompressed) responses are cut off and stored as "too-large".
DOWNLOAD_MAXSIZE = 5 * 1024 * 1024
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
REDIRECT_MAX_TIMES = 5
COOKIES_ENABLED = False
# Scrapy 2.19 starts a remote-control server by default; a crawler has no use for it.
REMOTE_CONTROL_ENABLED = False
TELNETCONSOLE_ENABLED = False
# Never HTTPCACHE: it would serve a stale feed silently.
HTTPCACHE_ENABLED = False
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = "INFO"

DOWNLOADER_MIDDLEWARES = {
    "crawler.middlewares.FeedStateMiddleware": 560,
}
SPIDER_MIDDLEWARES = {
    "crawler.middlewares.SeenUrlMiddleware": 560,
}
EXTENSIONS = {
    "crawler.report.CrawlReport": 500,
    "crawler.memory.ReturnFreedMemory": 510,
}
# Return freed heap memory to the system this often (seconds; 0 = never): crawler/memory.py.
MEMORY_TRIM_INTERVAL = 5
ITEM_PIPELINES = {
    "pipelines.extract.ExtractPipeline": 100,
    "pipelines.classify.ClassifyPipeline": 200,
    "pipelines.dedup.DedupPipeline": 300,
    "pipelines.store.StorePipeline": 900,
}

# ---- scale-out (crawler/distributed.py) ----------------------------------------------------
# True when the scheduler is shared through Redis: requests then go through its duplicate filter.
DISTRIBUTED = False

# ---- crawl ----------------------------------------------------------------------------------
# Listings: links whose text is shorter than this are navigation, not articles (heuristic mode).
LISTING_MIN_LINK_CHARS = 20
# A page that failed for good (404, 410, not HTML, too large, no text) is not asked for again for this long.
SEEN_FAILED_RETRY_HOURS = 24
# Re-fetch stored articles this many hours after publication to catch corrections (per source: `refresh`).
SEEN_REFRESH_HOURS = 0
# Print a progress line to stderr this often (seconds); 0 = never.
REPORT_PROGRESS_INTERVAL = 0

# ---- extract --------------------------------------------------------------------------------
# Extraction runs in this many worker processes; 0 = in the crawl's own process, -1 = one per core.
EXTRACT_WORKERS = -1
# The workers run this much nicer than the crawl process (0-19; 0 = the same priority). The crawl
# process runs Scrapy and every stage after extraction, one page after another; with three busy
# processes on two cores it got only two thirds of a core and held the workers back. Niced workers
# leave it the core it needs: 2,000 pages on 2 cores, 78-86 pages/s at 0 against 89-99 at 10 (and
# 5 or 19), runs taking turns (benchmarks/throughput.py --phases c). They also yield to whatever
# else the machine is doing.
EXTRACT_WORKER_NICE = 10
# Scrapy stops downloading while the responses being processed (items waiting for a worker
# included) add up to more than this. 1.5 MB keeps about 25 pages in flight, enough to keep two
# workers busy; Scrapy's 5 MB held 14 MB more memory for no speed (2,000 pages, 2 cores).
SCRAPER_SLOT_MAX_ACTIVE_SIZE = 1_500_000
# trafilatura options, chosen on the public article-extraction benchmark (181 pages, F1 by
# 4-token shingles; `python -m benchmarks.extraction_quality DATA_DIR`). Quality first: full mode
# with favor_precision and without comments scored best (F1 0.964, P 0.958, R 0.971, boilerplate
# left on 18 pages); fast mode with favor_precision lost text (R 0.946). Then speed: every page
# where full mode beat fast mode gave fewer than 1,000 characters in fast mode, so fast mode runs
# first and a shorter result is extracted again in full mode. That gives full mode's texts on all
# 181 pages (21 retried) at 0.45x its CPU. On the sample news web's 41 gold pages
# (`python -m benchmarks.stage_costs --options`) both are exact (P 1.000, R 1.000); without
# favor_precision 3 pages keep boilerplate (P 0.948).
EXTRACT_FAST = True
# In fast mode, extract again in full mode (with trafilatura's fallback extractors) when the text
# found is shorter than this many characters; 0 = never.
EXTRACT_FULL_RETRY_BELOW = 1000
EXTRACT_FAVOR_PRECISION = True
EXTRACT_FAVOR_RECALL = False
EXTRACT_INCLUDE_COMMENTS = False
EXTRACT_INCLUDE_TABLES = True
# Pages whose clean text is shorter than this are not articles ("empty-extraction").
EXTRACT_MIN_CHARS = 200

# ---- dedup ----------------------------------------------------------------------------------
# Estimated Jaccard similarity at or above which a text is a copy of a stored one.
DEDUP_SIMILARITY = 0.5
DEDUP_NUM_PERM = 128

# ---- store ----------------------------------------------------------------------------------
# Keep the raw HTML (compressed) so `tripwatch reextract` works without fetching.
STORE_RAW_HTML = True

# ---- schedule -------------------------------------------------------------------------------
# Interval and jitter of a source whose sources.yaml entry gives no `schedule`.
SCHEDULE_DEFAULT_EVERY = "1h"
SCHEDULE_DEFAULT_JITTER = "5m"
# A scheduled crawl still running after this many seconds is stopped and counts as failed.
SCHEDULE_RUN_TIMEOUT = 1800
# Seconds a crawl gets to wind down after SIGTERM (timeout or shutdown) before it is killed.
SCHEDULE_GRACE_SECONDS = 30
# Back-off after n failures in a row: min(interval * 2**n, this), never shorter than the interval.
SCHEDULE_BACKOFF_MAX = "6h"
# Crawls (child processes) running at the same time; each source runs at most once at a time.
SCHEDULE_MAX_PARALLEL = 2
# Seconds between checks of the config folder for edits (SIGHUP reloads at once).
SCHEDULE_RELOAD_POLL = 5
# A crawl whose memory grows past this many MB is closed by Scrapy's MEMUSAGE extension; 0 = no limit.
SCHEDULE_MEMORY_LIMIT_MB = 2048
# Time zone of cron schedules, e.g. "Europe/Berlin"; empty = the machine's local zone.
SCHEDULE_TIMEZONE = ""
