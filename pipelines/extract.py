"""Article extraction: HTML bytes in, clean body text and page metadata out, as plain data.

`extract_article` is pure and never imports Scrapy: it runs in a process pool, so it takes and
returns only picklable values. Trafilatura finds the body text and most metadata; this module
adds what trafilatura leaves out (a full publication timestamp with its timezone, the page
language from its markup, the canonical URL exactly as the page declares it).
"""

from __future__ import annotations

import asyncio
import json
import logging
import multiprocessing
import os
import re
import threading
import unicodedata
from concurrent.futures import ProcessPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Protocol, Self, TypedDict
from urllib.parse import urljoin

import pycountry

from crawler.items import ArticleItem, FetchFailure
from crawler.urls import canonical_url, same_site
from pipelines import trafilatura_selectors
from pipelines.dedup import text_fingerprints
from pipelines.markup_author import markup_author
from storage.compression import compress_html

if TYPE_CHECKING:
    from collections.abc import Iterator

    from lxml.html import HtmlElement
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector
    from trafilatura.settings import Document

logger = logging.getLogger(__name__)

# Language codes that pages still declare although ISO withdrew them in 1989.
_WITHDRAWN_LANGUAGE_CODES = {"iw": "he", "in": "id", "ji": "yi"}

_LANGUAGE_SUBTAG = re.compile(r"[A-Za-z]+")


class TrafilaturaArguments(TypedDict):
    fast: bool
    favor_precision: bool
    favor_recall: bool
    include_comments: bool
    include_tables: bool


class _Settings(Protocol):
    """What the options need of Scrapy's Settings (this module does not import Scrapy)."""

    def getbool(self, name: str, default: bool = False) -> bool: ...

    def getint(self, name: str, default: int = 0) -> int: ...


@dataclass(frozen=True)
class ExtractOptions:
    """How trafilatura looks for the body text.

    The defaults scored best on the public article-extraction benchmark (181 pages, run
    `python -m benchmarks.extraction_quality DATA_DIR`): fast mode with a full-mode retry for
    short results gives exactly the texts of full mode (F1 0.964, boilerplate left on 18 pages)
    at under half its cost; fast mode alone loses text (F1 0.946, recall 0.946).
    """

    # Fast mode skips the fallback extractors (readability, jusText), the most costly part.
    fast: bool = True
    # ...but they rescue pages the precision filter empties: in fast mode, a result shorter than
    # this many characters is extracted again in full mode. On the benchmark every page where
    # full mode did better gave fewer than 1,000 characters in fast mode (21 of 181 pages).
    full_retry_below: int = 1000
    # Related-article boxes and teasers name other trips: leftovers mislead classify and dedup.
    favor_precision: bool = True
    favor_recall: bool = False
    include_comments: bool = False  # reader comments are not the article
    include_tables: bool = True  # without them recall fell from 0.979 to 0.972

    @classmethod
    def from_settings(cls, settings: _Settings) -> Self:
        """The options a crawl uses: EXTRACT_FAST, EXTRACT_FAVOR_PRECISION, ... in crawler/settings.py."""
        return cls(
            fast=settings.getbool("EXTRACT_FAST"),
            full_retry_below=settings.getint("EXTRACT_FULL_RETRY_BELOW"),
            favor_precision=settings.getbool("EXTRACT_FAVOR_PRECISION"),
            favor_recall=settings.getbool("EXTRACT_FAVOR_RECALL"),
            include_comments=settings.getbool("EXTRACT_INCLUDE_COMMENTS"),
            include_tables=settings.getbool("EXTRACT_INCLUDE_TABLES"),
        )

    def trafilatura_arguments(self) -> TrafilaturaArguments:
        """These options as keyword arguments of trafilatura.extract / bare_extraction (first pass)."""
        return TrafilaturaArguments(
            fast=self.fast,
            favor_precision=self.favor_precision,
            favor_recall=self.favor_recall,
            include_comments=self.include_comments,
            include_tables=self.include_tables,
        )

    def retries_in_full(self, text: str) -> bool:
        """Whether a first-pass result this short is worth a full-mode extraction."""
        return self.fast and len(text) < self.full_retry_below


def extract_article(html: bytes | str, url: str, options: ExtractOptions) -> dict[str, object] | None:
    """Extract the body text and metadata of the article page `html` fetched from `url`.

    Returns a dict of strings or None: `text` (one paragraph per line), `title`, `author`,
    `published` (ISO 8601: a full timestamp when the page gives one with its timezone, else the
    date trafilatura found), `language` (ISO 639-1), `sitename`, `description`, `canonical`
    (absolute, as declared; it may point to another site), `image`. Returns None when the page
    has no body text.
    """
    if not html.strip():
        return None
    # Imported here: the crawl process imports this module for its pipeline and, with a pool,
    # never extracts; trafilatura and its dependencies cost it 25 MB. Workers import it once.
    import trafilatura
    from trafilatura.settings import Document
    from trafilatura.utils import load_html

    # trafilatura decodes the bytes (UTF-8 first, then the declared or detected charset);
    # parsing once here lets the markup lookups below share its tree.
    tree = load_html(html)
    if tree is None:
        logger.debug("Not an HTML page: %(url)s", {"url": url})
        return None
    # Read our metadata first: trafilatura works on a copy but this keeps the order obvious.
    timestamp = _published_timestamp(tree)
    page_language = _markup_language(tree)
    canonical = _canonical(tree, url)
    arguments = options.trafilatura_arguments()
    document = trafilatura.bare_extraction(tree, url=url, **arguments)
    if options.retries_in_full(_document_text(document)):
        arguments["fast"] = False
        document = trafilatura.bare_extraction(tree, url=url, **arguments)
    if not isinstance(document, Document):  # None: trafilatura found no body at all
        return None
    body = document.text or ""
    if options.include_comments and document.comments:
        # The same text trafilatura.extract() gives: the comments follow the body.
        body = body + "\n" + document.comments
    text = _clean_text(body)
    if not text:
        return None
    amphtml = _amp_version(tree, url)
    metadata = page_metadata(tree, url)  # the last look at the tree: it may prune it
    return {
        "text": text,
        "title": _clean_field(metadata.title),
        "author": _clean_field(metadata.author),
        "published": timestamp or metadata.date,
        "language": page_language,
        "sitename": _clean_field(metadata.sitename),
        "description": _clean_field(metadata.description),
        "canonical": canonical,
        "amphtml": amphtml,
        "image": metadata.image or None,
    }


def page_metadata(tree: HtmlElement, url: str) -> Document:
    """Title, author, date, site name, description and image, by trafilatura's metadata readers.

    `trafilatura.extract_metadata` (what `with_metadata=True` runs) also looks for categories,
    tags and a licence, which tripwatch does not keep: on the public benchmark's 181 pages they
    took 47% of its time (8.2 ms a page against 4.4 here). This calls the readers for the fields
    we keep, in the same order of precedence: meta tags, then JSON-LD, then the page's markup;
    tests/test_extract.py checks that the fields come out the same.

    The tree is pruned in place when the author is looked for in the markup, so this is the
    last reader of `tree`.
    """
    from htmldate import find_date
    from trafilatura.metadata import examine_meta, extract_meta_json, extract_sitename, extract_title

    metadata = examine_meta(tree)
    if metadata.author and " " not in metadata.author:
        metadata.author = None  # a one-word meta author is mostly a handle or "admin"; JSON-LD may do better
    metadata = extract_meta_json(tree, metadata)
    metadata.title = metadata.title or extract_title(tree)
    # Dates after today are typos or scheduled-post artefacts; trafilatura caps them the same way.
    today = datetime.now().astimezone().strftime("%Y-%m-%d")
    metadata.date = find_date(tree, url=metadata.url or url, original_date=True, extensive_search=True, max_date=today)
    sitename = metadata.sitename or extract_sitename(tree)
    metadata.sitename = sitename.lstrip("@") if sitename else None  # "@Outlet" from Twitter cards
    metadata.author = metadata.author or markup_author(tree)
    metadata.clean_and_trim()
    return metadata


@dataclass(frozen=True)
class PageJob:
    """The worker's instructions: how to extract, and the per-page work that follows it.

    Everything CPU-bound about a page happens in one worker call, so that the crawl process,
    which runs Scrapy and the later stages one item at a time, only applies the results.
    """

    options: ExtractOptions
    num_perm: int = 128  # near-duplicate signature size (DEDUP_NUM_PERM)
    compress_html: bool = True  # the store keeps the raw page (STORE_RAW_HTML)


def process_page(html: str, url: str, job: PageJob) -> dict[str, object] | None:
    """`extract_article`, then the article text's hash and signature and the compressed page.

    Adds `content_hash`, `signature` and `html_z` (empty when not asked for) to the extraction.
    """
    data = extract_article(html, url, job.options)
    if data is None:
        return None
    text = article_text(data)
    data["content_hash"], data["signature"] = text_fingerprints(text, job.num_perm)
    data["html_z"] = compress_html(html) if job.compress_html else b""
    return data


def article_text(data: dict[str, object]) -> str:
    """The text to store: trafilatura keeps the page's <h1> as its first line; the title is stored apart."""
    return _without_leading_title(str(data.get("text") or ""), _str(data.get("title")))


def _document_text(document: Document | dict[str, Any] | None) -> str:
    # bare_extraction gives a Document (or None) unless asked for a dict, which this module never does.
    text = getattr(document, "text", None)
    return text if isinstance(text, str) else ""


def normalise_language(tag: str | None) -> str | None:
    """Map a language tag (`en-GB`, `pt_BR`, `eng`, `fre`) to its ISO 639-1 code, else None."""
    if not tag:
        return None
    match = _LANGUAGE_SUBTAG.match(tag.strip())
    if match is None:
        return None
    code = match.group().lower()
    code = _WITHDRAWN_LANGUAGE_CODES.get(code, code)
    if len(code) == 2:
        language = pycountry.languages.get(alpha_2=code)
    elif len(code) == 3:
        language = pycountry.languages.get(alpha_3=code) or pycountry.languages.get(bibliographic=code)
    else:
        return None
    # Languages with only a three-letter code (Filipino: fil) have no ISO 639-1 form.
    alpha_2: str | None = getattr(language, "alpha_2", None)
    return alpha_2


def _clean_text(text: str) -> str:
    # NFC: pages in windows-1258 and some CMS exports write accents as combining marks.
    lines = (line.strip() for line in unicodedata.normalize("NFC", text).splitlines())
    return "\n".join(line for line in lines if line)


def _clean_field(value: str | None) -> str | None:
    if value is None:
        return None
    cleaned = " ".join(unicodedata.normalize("NFC", value).split())
    return cleaned or None


def _markup_language(tree: HtmlElement) -> str | None:
    root = tree.getroottree().getroot()
    candidates = [
        root.get("lang"),
        root.get("xml:lang"),  # the HTML parser keeps XHTML's attribute name as written
        *tree.xpath('//meta[@http-equiv="content-language" or @http-equiv="Content-Language"]/@content'),
        *tree.xpath('//meta[@property="og:locale"]/@content'),
    ]
    for candidate in candidates:
        code = normalise_language(candidate)
        if code is not None:
            return code
    return None


def _canonical(tree: HtmlElement, url: str) -> str | None:
    base = urljoin(url, _first(tree.xpath("//base/@href")) or "")
    for link in tree.xpath("//link[@rel and @href]"):
        # rel is a list of tokens in any case: rel="Canonical", rel="canonical alternate".
        rel: str = link.get("rel", "")
        href: str = link.get("href", "").strip()
        if "canonical" in rel.lower().split() and href:
            return urljoin(base, href)
    og_url = _first(tree.xpath('//meta[@property="og:url"]/@content'))
    return urljoin(base, og_url) if og_url else None


def _amp_version(tree: HtmlElement, url: str) -> str | None:
    """The page's AMP twin (rel=amphtml): the same article at another URL, never worth a request."""
    href = _first(tree.xpath('//link[@rel="amphtml"]/@href'))
    return urljoin(url, href.strip()) if href else None


def _published_timestamp(tree: HtmlElement) -> str | None:
    """The first full, timezone-aware publication time the page declares, in ISO 8601."""
    for value in _published_candidates(tree):
        timestamp = _aware_timestamp(value)
        if timestamp is not None:
            return timestamp
    return None


def _published_candidates(tree: HtmlElement) -> Iterator[str]:
    # Strongest signals first: the Open Graph tag, then structured data, then visible markup.
    yield from tree.xpath('//meta[@property="article:published_time" or @name="article:published_time"]/@content')
    yield from tree.xpath('//meta[@itemprop="datePublished"]/@content')
    for script in tree.xpath('//script[@type="application/ld+json"]'):
        yield from _json_ld_dates(script.text_content())
    yield from tree.xpath('//time[@itemprop="datePublished" or @pubdate]/@datetime')
    # A bare <time> is only trusted inside the article: elsewhere it may be a clock or a teaser.
    yield from tree.xpath("//article//time/@datetime")


def _json_ld_dates(source: str) -> Iterator[str]:
    try:
        data = json.loads(source)
    except json.JSONDecodeError:
        logger.debug("Skipped malformed JSON-LD block")
        return
    yield from _find_date_published(data)


def _find_date_published(node: object) -> Iterator[str]:
    # JSON-LD nests articles in lists and in "@graph"; walk it all in document order.
    if isinstance(node, dict):
        value = node.get("datePublished")
        if isinstance(value, str):
            yield value
        for child in node.values():
            yield from _find_date_published(child)
    elif isinstance(node, list):
        for child in node:
            yield from _find_date_published(child)


def _aware_timestamp(value: str) -> str | None:
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    # A date alone or a time without its zone says less than trafilatura's date: skip it.
    if parsed.tzinfo is None:
        return None
    return parsed.isoformat()


def _first(values: list[str]) -> str | None:
    for value in values:
        if value.strip():
            return value.strip()
    return None


# --- Scrapy adapter below ---------------------------------------------------------------------


def _parse_published(value: object) -> datetime | None:
    """The page's date as an aware UTC datetime; a date without a zone is taken as UTC."""
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def _is_full_timestamp(value: object) -> bool:
    return isinstance(value, str) and "T" in value


def apply_extraction(item: ArticleItem, data: dict[str, object] | None, min_chars: int) -> ArticleItem | FetchFailure:
    """Fill the item from the extraction; the feed entry fills what the page lacks."""
    text = str(data.get("text") or "") if data else ""
    if data is None or len(text) < min_chars:
        return FetchFailure(
            item.url, item.source, "empty-extraction", f"no article text found ({len(text)} characters)", None
        )
    entry = item.entry
    canonical = data.get("canonical")
    # rel=canonical / og:url are trusted only on the same site: a copy pointing at the original stays a copy.
    chosen = str(canonical) if isinstance(canonical, str) and canonical and same_site(canonical, item.url) else item.url
    item.canonical_url = canonical_url(chosen)
    if item.canonical_url not in item.urls:
        item.urls.append(item.canonical_url)
    amp = data.get("amphtml")
    if isinstance(amp, str) and same_site(amp, item.url):
        item.urls.append(canonical_url(amp))
    item.text = article_text(data)
    fingerprint = data.get("content_hash")
    signature = data.get("signature")
    if isinstance(fingerprint, str) and isinstance(signature, bytes):
        item.content_hash, item.signature = fingerprint, signature
    html_z = data.get("html_z")
    if isinstance(html_z, bytes) and html_z:
        # The page is kept compressed: the 20-80 KB string need not travel through later stages.
        item.html_z, item.html = html_z, ""
    item.title = _str(data.get("title")) or (entry.title if entry else None)
    item.author = _str(data.get("author")) or (entry.author if entry else None)
    page_date = data.get("published")
    if _is_full_timestamp(page_date):
        item.published = _parse_published(page_date)
    else:
        item.published = (entry.published if entry else None) or _parse_published(page_date)
    item.language = _str(data.get("language")) or (entry.language if entry else None)
    item.sitename = _str(data.get("sitename"))
    item.description = _str(data.get("description")) or (entry.summary if entry else None)
    return item


def _str(value: object) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def start_worker(nice: int) -> None:
    """A pool worker's set-up: a lower priority by `nice` (EXTRACT_WORKER_NICE), the Python selectors."""
    if nice > 0 and hasattr(os, "nice"):  # not on Windows
        os.nice(min(nice, 19))
    trafilatura_selectors.install()


class ExtractPipeline:
    """Clean text and metadata by trafilatura, in a process pool so the reactor keeps downloading."""

    def __init__(self, job: PageJob, min_chars: int, workers: int, stats: StatsCollector, worker_nice: int = 0) -> None:
        self.job = job
        self.min_chars = min_chars
        self.workers = workers
        self.worker_nice = worker_nice
        self.stats = stats
        self.pool: ProcessPoolExecutor | None = None
        self.in_process = ExitStack()  # without workers: the selectors, for as long as the spider runs

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        job = PageJob(
            ExtractOptions.from_settings(settings),
            num_perm=settings.getint("DEDUP_NUM_PERM"),
            compress_html=settings.getbool("STORE_RAW_HTML"),
        )
        workers = settings.getint("EXTRACT_WORKERS")
        if workers < 0:
            workers = cls.default_workers()
        nice = settings.getint("EXTRACT_WORKER_NICE")
        return cls(job, settings.getint("EXTRACT_MIN_CHARS"), workers, crawler.stats, worker_nice=nice)

    @staticmethod
    def default_workers() -> int:
        """EXTRACT_WORKERS = -1: one worker per usable core.

        The workers do most of a crawl's CPU work (extraction, hashes, signatures, compression);
        the crawl process needs about half as much per page and shares the cores with them. On
        2 cores, 2,000 pages: two workers crawled 59-69 pages/s, one 45-46, runs taking turns
        (benchmarks/throughput.py). Memory: each worker adds about 20 MB of PSS.
        """
        # Cores this process may run on (taskset, cgroup cpusets), where the platform says.
        usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
        return max(1, usable)

    def open_spider(self) -> None:
        if self.workers > 0:
            # forkserver: workers start from a clean interpreter, not a copy of the running reactor.
            # The server imports the extraction modules once; workers forked from it share those pages.
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(["trafilatura", "pipelines.extract"])
            self.pool = ProcessPoolExecutor(
                self.workers, mp_context=context, initializer=start_worker, initargs=(self.worker_nice,)
            )
            # The pool starts a worker when a page is submitted and no worker is idle, and each
            # start waits for the fork server to import trafilatura: on the reactor's thread that
            # stalled the crawl at its first pages. Started here on a thread, the workers are
            # ready by the time the feeds are read: 2,000 pages took 2.2-2.6 s less, runs taking
            # turns (benchmarks/throughput.py --phases c).
            threading.Thread(target=self._start_workers, name="extract-pool-start", daemon=True).start()
        else:
            # This process extracts: the same selectors as a worker, taken back at close so that
            # a process that goes on (a test run, the scheduler's own) keeps trafilatura's own.
            self.in_process.enter_context(trafilatura_selectors.installed())

    def _start_workers(self) -> None:
        pool = self.pool
        if pool is None:
            return
        try:
            for _ in range(self.workers):
                pool.submit(int)  # a no-op: each submit with no idle worker starts one
        except RuntimeError:  # the spider closed first and shut the pool down
            pass

    def close_spider(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
        self.in_process.close()

    async def process_item(self, item: Any) -> Any:
        if not isinstance(item, ArticleItem):
            return item
        if self.pool is not None:
            future = self.pool.submit(process_page, item.html, item.url, self.job)
            data = await asyncio.wrap_future(future)
        else:
            data = process_page(item.html, item.url, self.job)
        result = apply_extraction(item, data, self.min_chars)
        self.stats.inc_value("extract/empty" if isinstance(result, FetchFailure) else "extract/ok")
        return result


def _without_leading_title(text: str, title: str | None) -> str:
    """trafilatura keeps the page's <h1> as the first line; the title is stored apart."""
    first, _, rest = text.partition("\n")
    return rest.lstrip("\n") if title and rest and first.strip() == title.strip() else text
