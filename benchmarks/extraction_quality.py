"""Body-text quality and speed of trafilatura option sets on the public article-extraction benchmark.

Usage:
    python -m benchmarks.extraction_quality DATA_DIR [--limit N]

DATA_DIR holds the benchmark's `ground-truth.json` and `html/<id>.html.gz`; it is read at run
time and never copied into the repository. Every option set extracts every page, interleaved
page by page so that all of them share the same machine conditions. The table gives the
benchmark's scores (see `benchmarks/scoring.py`) with the bootstrap standard deviation of F1;
how each set compares with the last row, our `extract_article` with its default options (F1
difference with its paired bootstrap spread, pages won and lost); how many pages kept clutter
(precision under 0.9) or lost text (recall under 0.9); and the median and mean milliseconds
per page.
"""

from __future__ import annotations

import argparse
import gzip
import json
import logging
import random
import statistics
import sys
import time
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import TYPE_CHECKING

import trafilatura
from trafilatura.settings import Document

from benchmarks.scoring import CorpusScore, PageScore, page_scores, summarise
from pipelines.extract import ExtractOptions, extract_article

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

logger = logging.getLogger(__name__)

BOOTSTRAP_ROUNDS = 1000
BOOTSTRAP_SEED = 20191101  # fixed so that two runs print the same spread
# trafilatura.extract()'s own defaults, in our option type so that each row can say what it changes.
TRAFILATURA_DEFAULTS = ExtractOptions(
    fast=False,
    full_retry_below=0,
    favor_precision=False,
    favor_recall=False,
    include_comments=True,
    include_tables=True,
)
LOW_SCORE = 0.9  # a page under this precision (recall) kept clutter (lost text) worth noticing


class BenchmarkDataError(Exception):
    """The benchmark data directory is missing a file or holds one that cannot be read."""


@dataclass(frozen=True)
class BenchmarkPage:
    """One page of the benchmark: its id, its URL, the gold body text and the raw HTML."""

    item_id: str
    url: str
    gold: str
    html: bytes


@dataclass
class OptionSet:
    """A named way of extracting body text, with what it predicted and how long each page took."""

    name: str
    run: Callable[[bytes, str], str]
    predictions: list[str] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)


@dataclass(frozen=True)
class Row:
    """One printed line of the result table; the deltas compare with the last row, ours."""

    name: str
    score: CorpusScore
    f1_spread: float  # bootstrap standard deviation of F1
    f1_delta: float  # F1 minus ours
    f1_delta_spread: float  # bootstrap standard deviation of that difference, pages paired
    better_pages: int  # pages where this set's F1 beats ours
    worse_pages: int
    low_precision_pages: int  # pages with precision under LOW_SCORE: boilerplate kept
    low_recall_pages: int  # pages with recall under LOW_SCORE: body text lost
    median_ms: float
    mean_ms: float


def load_pages(data_dir: Path, limit: int | None = None) -> list[BenchmarkPage]:
    """Read the benchmark's gold texts and HTML pages, sorted by id, at most `limit` of them."""
    truth_file = data_dir / "ground-truth.json"
    try:
        truth = json.loads(truth_file.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise BenchmarkDataError(
            f"{truth_file} does not exist; DATA_DIR must hold ground-truth.json and html/"
        ) from error
    except json.JSONDecodeError as error:
        raise BenchmarkDataError(f"{truth_file} is not valid JSON: {error}") from error
    item_ids = sorted(truth)[:limit] if limit is not None else sorted(truth)
    return [_load_page(data_dir, item_id, truth[item_id]) for item_id in item_ids]


def _load_page(data_dir: Path, item_id: str, record: dict[str, str]) -> BenchmarkPage:
    html_file = data_dir / "html" / f"{item_id}.html.gz"
    try:
        html = gzip.decompress(html_file.read_bytes())
    except FileNotFoundError as error:
        raise BenchmarkDataError(
            f"{html_file} does not exist; every id in ground-truth.json needs html/<id>.html.gz"
        ) from error
    except (gzip.BadGzipFile, EOFError) as error:
        raise BenchmarkDataError(f"{html_file} is not a complete gzip file: {error}") from error
    try:
        return BenchmarkPage(item_id=item_id, url=record["url"], gold=record["articleBody"], html=html)
    except KeyError as error:
        raise BenchmarkDataError(f"ground-truth.json: item {item_id} has no {error} field") from error


def option_sets(chosen: ExtractOptions) -> list[OptionSet]:
    """Plain trafilatura with the option sets worth comparing, then our `extract_article` last."""
    variants = [
        TRAFILATURA_DEFAULTS,
        replace(TRAFILATURA_DEFAULTS, fast=True),
        replace(TRAFILATURA_DEFAULTS, include_comments=False),
        replace(TRAFILATURA_DEFAULTS, fast=True, include_comments=False),
        replace(TRAFILATURA_DEFAULTS, favor_precision=True),
        replace(TRAFILATURA_DEFAULTS, include_comments=False, favor_precision=True),
        replace(TRAFILATURA_DEFAULTS, favor_recall=True),
        replace(TRAFILATURA_DEFAULTS, fast=True, include_comments=False, favor_precision=True),
        replace(TRAFILATURA_DEFAULTS, fast=True, include_comments=False, favor_recall=True),
        replace(TRAFILATURA_DEFAULTS, fast=True, include_comments=False, include_tables=False),
    ]
    sets = [OptionSet(f"trafilatura({_arguments(options)})", _trafilatura(options)) for options in variants]
    # What the metadata costs: extract_article always asks for it. (extract() would print the
    # metadata into the text, so this row takes the body from bare_extraction.)
    # (one pass with the first-pass options: the full-mode retry is extract_article's own)
    first_pass = replace(chosen, full_retry_below=0)
    sets.append(
        OptionSet(f"bare_extraction({_arguments(first_pass)}, with_metadata=True)", _bare_extraction(first_pass))
    )
    sets.append(OptionSet(f"extract_article({_arguments(chosen)})", _ours(chosen)))
    return sets


def _trafilatura(options: ExtractOptions) -> Callable[[bytes, str], str]:
    def run(html: bytes, url: str) -> str:
        text = trafilatura.extract(
            html,
            url=url,
            **options.trafilatura_arguments(),
        )
        return text or ""

    return run


def _bare_extraction(options: ExtractOptions) -> Callable[[bytes, str], str]:
    def run(html: bytes, url: str) -> str:
        document = trafilatura.bare_extraction(
            html,
            url=url,
            **options.trafilatura_arguments(),
            with_metadata=True,
        )
        if not isinstance(document, Document):
            return ""
        return document.text or ""

    return run


def _ours(options: ExtractOptions) -> Callable[[bytes, str], str]:
    def run(html: bytes, url: str) -> str:
        result = extract_article(html, url, options)
        return str(result["text"]) if result is not None else ""

    return run


def _arguments(options: ExtractOptions) -> str:
    """The options that differ from trafilatura's defaults, written as keyword arguments."""
    return ", ".join(
        f"{option.name}={getattr(options, option.name)}"
        for option in fields(options)
        if getattr(options, option.name) != getattr(TRAFILATURA_DEFAULTS, option.name)
    )


def measure(pages: Sequence[BenchmarkPage], sets: Sequence[OptionSet]) -> None:
    """Run every option set on every page, recording predictions and wall-clock times."""
    # Warm up once so that lazy imports and caches are not billed to the first set.
    for option_set in sets:
        option_set.run(pages[0].html, pages[0].url)
    for index, page in enumerate(pages, start=1):
        for option_set in sets:
            started = time.perf_counter()
            predicted = option_set.run(page.html, page.url)
            option_set.seconds.append(time.perf_counter() - started)
            option_set.predictions.append(predicted)
        logger.debug("Page %(index)d/%(total)d done", {"index": index, "total": len(pages)})


def tabulate(pages: Sequence[BenchmarkPage], sets: Sequence[OptionSet]) -> list[Row]:
    """Score each option set's predictions, compare it with the last set, summarise its timings."""
    scores = [
        [page_scores(page.gold, text) for page, text in zip(pages, option_set.predictions, strict=True)]
        for option_set in sets
    ]
    spreads, delta_spreads = bootstrap_spreads(scores)
    ours = scores[-1]
    ours_f1 = summarise(ours).f1
    rows = []
    for option_set, set_scores, spread, delta_spread in zip(sets, scores, spreads, delta_spreads, strict=True):
        corpus = summarise(set_scores)
        rows.append(
            Row(
                name=option_set.name,
                score=corpus,
                f1_spread=spread,
                f1_delta=corpus.f1 - ours_f1,
                f1_delta_spread=delta_spread,
                better_pages=sum(mine.f1 > theirs.f1 for mine, theirs in zip(set_scores, ours, strict=True)),
                worse_pages=sum(mine.f1 < theirs.f1 for mine, theirs in zip(set_scores, ours, strict=True)),
                low_precision_pages=sum(_below(page.precision) for page in set_scores),
                low_recall_pages=sum(_below(page.recall) for page in set_scores),
                median_ms=statistics.median(option_set.seconds) * 1000,
                mean_ms=statistics.fmean(option_set.seconds) * 1000,
            )
        )
    return rows


def _below(ratio: float | None) -> bool:
    return ratio is not None and ratio < LOW_SCORE


def bootstrap_spreads(
    scores: Sequence[Sequence[PageScore]], rounds: int = BOOTSTRAP_ROUNDS
) -> tuple[list[float], list[float]]:
    """Bootstrap standard deviations of each set's F1 and of its difference with the last set.

    Every round draws one resample of pages and scores all sets on it: the sets ran on the same
    pages, so their differences are much less noisy than their separate spreads suggest.
    """
    page_count = len(scores[0])
    if page_count < 2:
        return [0.0] * len(scores), [0.0] * len(scores)
    rng = random.Random(BOOTSTRAP_SEED)
    f1s: list[list[float]] = [[] for _ in scores]
    deltas: list[list[float]] = [[] for _ in scores]
    for _ in range(rounds):
        sample = rng.choices(range(page_count), k=page_count)
        round_f1s = [summarise([set_scores[i] for i in sample]).f1 for set_scores in scores]
        for index, f1 in enumerate(round_f1s):
            f1s[index].append(f1)
            deltas[index].append(f1 - round_f1s[-1])
    return [statistics.stdev(values) for values in f1s], [statistics.stdev(values) for values in deltas]


def format_table(rows: Sequence[Row], page_count: int) -> str:
    """A Markdown table of the rows, with a caption that says how to read it."""
    lines = [
        f"Article-extraction benchmark, {page_count} pages. F1 ± is the bootstrap std over pages;",
        "ΔF1 compares with the last row (± paired bootstrap std); +/- pages: pages where the row's",
        f"F1 is above/below the last row's; P</R< {LOW_SCORE}: pages with precision/recall under {LOW_SCORE}.",
        "",
        "| option set | precision | recall | F1 | accuracy | ΔF1 | +/- pages "
        f"| P< {LOW_SCORE} | R< {LOW_SCORE} | ms/page median | ms/page mean |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        lines.append(
            f"| {row.name} | {row.score.precision:.3f} | {row.score.recall:.3f} "
            f"| {row.score.f1:.3f} ± {row.f1_spread:.3f} | {row.score.accuracy:.3f} "
            f"| {row.f1_delta:+.4f} ± {row.f1_delta_spread:.4f} | {row.better_pages}/{row.worse_pages} "
            f"| {row.low_precision_pages} | {row.low_recall_pages} "
            f"| {row.median_ms:.1f} | {row.mean_ms:.1f} |"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the command line, run the benchmark and print the table; returns the exit status."""
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.extraction_quality",
        description="Score trafilatura option sets and extract_article on the article-extraction benchmark.",
    )
    parser.add_argument("data_dir", type=Path, metavar="DATA_DIR", help="holds ground-truth.json and html/")
    parser.add_argument("--limit", type=int, default=None, metavar="N", help="score only the first N pages")
    args = parser.parse_args(argv)
    if args.limit is not None and args.limit < 1:
        parser.error(f"--limit is {args.limit}; expected a whole number of pages, at least 1")
    try:
        pages = load_pages(args.data_dir, args.limit)
    except BenchmarkDataError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if not pages:
        print(f"error: {args.data_dir / 'ground-truth.json'} lists no pages", file=sys.stderr)
        return 2
    sets = option_sets(ExtractOptions())
    measure(pages, sets)
    print(format_table(tabulate(pages, sets), len(pages)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
