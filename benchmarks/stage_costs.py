"""Where a crawl's CPU goes: the cost per item of each pipeline stage, on the synthetic site's pages.

Builds pages with benchmarks/sitegen.py (no server: the stages never see the network) and
runs each stage's own functions on them, one item at a time, as the crawl does:

  extract   `extract_article()` with the options in crawler/settings.py, then `apply_extraction()`
  classify  `classify()` against config/watchlist.yaml (compiled once, as in a crawl)
  dedup     `content_hash()` + `text_signature()` + `NearDuplicateIndex.find()` on an index
            already holding --index-size other articles' signatures
  lookups   the store queries the dedup stage makes per item (`known_url()` for each URL,
            `article_id_by_hash()`), on a database of the same size
  store     `Store.save_article()` into a new SQLite file, raw HTML compressed

Costs are CPU milliseconds per item of this process (the database's work included: SQLite
runs in-process), plus wall milliseconds for the store, which also waits for the disk. The
store is then timed over --items items, to show whether its cost stays flat as the database
grows (items 1-1000 against the last 1000), with a control (the same page compressed before
every save) whose ratio shows how much of a change was the VM's speed drifting.

--options also compares trafilatura option sets on the same pages (their text is known, so
precision and recall are exact) and on the sample news web's gold pages (demo/sites).

Run: python -m benchmarks.stage_costs [--pages 300] [--items 10000] [--index-size 10000] [--options]
"""

from __future__ import annotations

import argparse
import json
import logging
import statistics
import tempfile
import time
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

from benchmarks.scoring import CorpusScore, PageScore, page_scores, summarise
from benchmarks.sitegen import Story, render_page, story
from config.watchlist import load_watchlist
from crawler.items import ArticleItem, FeedEntry, FetchFailure
from crawler.runner import crawl_settings
from pipelines import trafilatura_selectors
from pipelines.classify import classify
from pipelines.dedup import DedupSettings, NearDuplicateIndex, content_hash, text_signature
from pipelines.extract import ExtractOptions, apply_extraction, extract_article
from storage.repository import Store

logger = logging.getLogger(__name__)

REPO = Path(__file__).resolve().parent.parent
WATCHLIST = REPO / "config" / "watchlist.yaml"
GOLD = REPO / "tests" / "fixtures" / "gold"
SITES = REPO / "demo" / "sites"
BASE = "http://127.0.0.1:8000"
FLAT_WINDOW = 1000  # items compared at the start and the end of the store run
INDEX_FIRST_STORY = 1_000_000  # the dedup index holds stories from here on
STORE_FIRST_STORY = 2_000_000  # the store's rows take their texts from here on

T = TypeVar("T")


@dataclass(frozen=True)
class Timing:
    """Per-item CPU and wall seconds of one stage."""

    cpu: list[float]
    wall: list[float]

    def ms(self, window: slice = slice(None)) -> tuple[float, float]:
        return statistics.fmean(self.cpu[window]) * 1000, statistics.fmean(self.wall[window]) * 1000


def timed(func: Callable[[], T], timing: Timing) -> T:
    """Call func, append its CPU and wall time to timing."""
    cpu, wall = time.process_time(), time.perf_counter()
    result = func()
    timing.wall.append(time.perf_counter() - wall)
    timing.cpu.append(time.process_time() - cpu)
    return result


def new_timing() -> Timing:
    return Timing([], [])


def settings_options() -> tuple[ExtractOptions, int, DedupSettings]:
    """The extraction and dedup settings a crawl would use (crawler/settings.py)."""
    settings = crawl_settings()
    options = ExtractOptions.from_settings(settings)
    dedup = DedupSettings(threshold=settings.getfloat("DEDUP_SIMILARITY"), num_perm=settings.getint("DEDUP_NUM_PERM"))
    return options, settings.getint("EXTRACT_MIN_CHARS"), dedup


def article_item(page_story: Story, html: str) -> ArticleItem:
    """The item the spider would hand to the pipelines for this page."""
    url = f"{BASE}{page_story.path}"
    entry = FeedEntry(url=url, title=page_story.title, published=page_story.published)
    return ArticleItem(url=url, source="ledger-world", html=html, urls=[url], entry=entry, fetched_at=datetime.now(UTC))


# ---- the stages -----------------------------------------------------------------------------------


@dataclass
class StageRun:
    """Per-item timings of every stage, and the items they produced."""

    extract: Timing
    classify: Timing
    dedup: Timing
    items: list[ArticleItem]


def run_stages(pages: Sequence[tuple[Story, str]], index_size: int, rounds: int) -> StageRun:
    """Each page through extract, classify and dedup, `rounds` times; per page the fastest round counts.

    Another process on the machine slows a stage down, never speeds it up, so the fastest of a
    few rounds is the closest to its cost on an idle machine.
    """
    options, min_chars, dedup_settings = settings_options()
    watchlist = load_watchlist(WATCHLIST)
    started = time.process_time()
    classify("", "", None, None, watchlist)  # compiles the watch list's patterns, once per crawl
    logger.info("Watch list compiled in %(s).2fs CPU (once per crawl)", {"s": time.process_time() - started})
    index = NearDuplicateIndex(dedup_settings)
    started = time.process_time()
    # Other articles of the same site fill the index, as a long-running store's would; far
    # enough from the timed pages that none of them is a copy of one of these.
    first = INDEX_FIRST_STORY
    index.add_many(
        (number, text_signature(story(number).text, dedup_settings.num_perm))
        for number in range(first, first + index_size)
    )
    logger.info(
        "Dedup index of %(n)d signatures built in %(s).1fs CPU", {"n": index_size, "s": time.process_time() - started}
    )
    trafilatura_selectors.install()  # as in the crawl's workers
    extract_article(pages[0][1], BASE, options)  # trafilatura builds some tables on first use
    runs = [StageRun(new_timing(), new_timing(), new_timing(), []) for _ in range(rounds)]
    matches = 0
    for run in runs:
        for page_story, html in pages:
            item = article_item(page_story, html)

            def extract(item: ArticleItem = item) -> ArticleItem | FetchFailure:
                return apply_extraction(item, extract_article(item.html, item.url, options), min_chars)

            result = timed(extract, run.extract)
            if isinstance(result, FetchFailure):
                raise SystemExit(f"extraction found no article in {item.url}: {result.detail}")

            def judge(item: ArticleItem = result) -> None:
                item.classification = classify(
                    item.title or "", item.text, item.published, item.language, watchlist
                ).as_dict()

            timed(judge, run.classify)

            def fingerprint(item: ArticleItem = result) -> tuple[int, float] | None:
                item.content_hash = content_hash(item.text)
                item.signature = text_signature(item.text, dedup_settings.num_perm)
                return index.find(item.signature)

            if timed(fingerprint, run.dedup) is not None:
                matches += 1
            run.items.append(result)
    if matches:
        logger.warning("%(n)d pages were taken for copies of indexed articles", {"n": matches // rounds})
    return StageRun(
        fastest([run.extract for run in runs]),
        fastest([run.classify for run in runs]),
        fastest([run.dedup for run in runs]),
        runs[-1].items,
    )


def fastest(timings: Sequence[Timing]) -> Timing:
    """Per item, the round with the least CPU time."""
    best = [min(range(len(timings)), key=lambda r: timings[r].cpu[i]) for i in range(len(timings[0].cpu))]
    return Timing([timings[r].cpu[i] for i, r in enumerate(best)], [timings[r].wall[i] for i, r in enumerate(best)])


def run_store(items: Sequence[ArticleItem], count: int, folder: Path) -> tuple[Timing, Timing, Timing]:
    """save_article() for `count` items (cycling through the extracted ones with new URLs and texts).

    Also times a control, the same work before every save (compressing one page), so that the
    VM's own drift over the run can be told from the store's growth.
    """
    store_timing, lookup_timing, control_timing = new_timing(), new_timing(), new_timing()
    control_page = render_page(story(STORE_FIRST_STORY)).encode()
    with Store.open(f"sqlite:///{folder / 'stage-costs.db'}") as store:
        for number in range(count):
            template = items[number % len(items)]
            # A text of its own per row, so the full-text index grows as with real articles.
            text = story(STORE_FIRST_STORY + number).text
            item = replace(
                template,
                url=f"{BASE}/news/store/{number}.html",
                canonical_url=f"{BASE}/news/store/{number}.html",
                urls=[f"{BASE}/news/store/{number}.html"],
                text=text,
                content_hash=content_hash(text),
            )

            def lookups(item: ArticleItem = item) -> None:
                for url in [item.canonical_url, *item.urls]:
                    store.known_url(url)
                store.article_id_by_hash(item.content_hash)

            timed(lambda: zlib.compress(control_page, 6), control_timing)
            timed(lookups, lookup_timing)
            timed(lambda item=item: store.save_article(item), store_timing)  # type: ignore[misc]
    return store_timing, lookup_timing, control_timing


# ---- option sets ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class OptionRow:
    name: str
    score: CorpusScore
    low_precision: int
    low_recall: int
    ms: float


def compare_options(pages: Sequence[tuple[str, str, bytes | str]], chosen: ExtractOptions) -> list[OptionRow]:
    """Each option set on each (url, gold text, html) page; CPU ms per page and the benchmark's scores.

    The sets take turns page by page, so a busy moment on the machine slows them all alike.
    """
    variants = {
        "settings": chosen,
        "fast": replace(chosen, fast=True, favor_precision=False),
        "fast, favor_recall": replace(chosen, fast=True, favor_precision=False, favor_recall=True),
        "favor_precision off": replace(chosen, favor_precision=False),
        "fast, favor_precision": replace(chosen, fast=True, favor_precision=True),
    }
    scores: dict[str, list[PageScore]] = {name: [] for name in variants}
    seconds = dict.fromkeys(variants, 0.0)
    for url, gold, html in pages:
        for name, options in variants.items():
            started = time.process_time()
            data = extract_article(html, url, options)
            seconds[name] += time.process_time() - started
            scores[name].append(page_scores(gold, _body(data)))
    return [
        OptionRow(
            name=f"{name} ({_describe(options)})",
            score=summarise(scores[name]),
            low_precision=sum(1 for s in scores[name] if s.precision is not None and s.precision < 0.9),
            low_recall=sum(1 for s in scores[name] if s.recall is not None and s.recall < 0.9),
            ms=seconds[name] / len(pages) * 1000,
        )
        for name, options in variants.items()
    ]


def _body(data: dict[str, object] | None) -> str:
    """The body as the crawl stores it: without the title line trafilatura keeps from the <h1>."""
    if not data:
        return ""
    first, _, rest = str(data.get("text") or "").partition("\n")
    return rest if first.strip() == str(data.get("title") or "").strip() else first + "\n" + rest


def _describe(options: ExtractOptions) -> str:
    flags = [name for name in ("fast", "favor_precision", "favor_recall") if getattr(options, name)]
    return ", ".join(flags) or "defaults"


def gold_pages() -> list[tuple[str, str, bytes | str]]:
    """(url, gold text, html bytes) of the sample news web's gold pages."""
    pages: list[tuple[str, str, bytes | str]] = []
    for path in sorted(GOLD.glob("*/*.json")):
        gold = json.loads(path.read_text(encoding="utf-8"))
        root = SITES / gold["outlet"]
        relative = gold["path"].lstrip("/")
        for candidate in (root / relative, root / (relative + ".html"), root / relative / "index.html"):
            if candidate.is_file():
                pages.append((BASE + gold["path"], gold["text"], candidate.read_bytes()))
                break
    return pages


# ---- the report -----------------------------------------------------------------------------------


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(["---"] + ["---:"] * (len(header) - 1)) + "|"]
    lines.extend("| " + " | ".join(row) + " |" for row in rows)
    return "\n".join(lines)


def stage_table(run: StageRun, store: Timing, lookups: Timing, items: int) -> str:
    costs = {
        "extract (extract_article + apply_extraction)": run.extract.ms(),
        "classify": run.classify.ms(),
        "dedup (content_hash + text_signature + index.find)": run.dedup.ms(),
        "dedup lookups in the store (known_url, article_id_by_hash)": lookups.ms(),
        f"store (save_article, SQLite, mean of {items} items)": store.ms(),
    }
    total = sum(cpu for cpu, _ in costs.values())
    rows = [[name, f"{cpu:.2f}", f"{wall:.2f}", f"{cpu / total:.0%}"] for name, (cpu, wall) in costs.items()]
    rows.append(["total", f"{total:.2f}", "", "100%"])
    return _table(["stage", "CPU ms/item", "wall ms/item", "share of CPU"], rows)


def flat_table(store: Timing, lookups: Timing, control: Timing) -> str:
    """The first and last items' costs; the last column divides out the control's own drift."""
    n = len(store.cpu)
    window = max(1, min(FLAT_WINDOW, n // 2))  # a short run compares its two halves
    first, last = slice(0, window), slice(n - window, n)
    control_ratio = control.ms(last)[0] / control.ms(first)[0]
    rows = []
    named = (("store (save_article)", store), ("dedup lookups", lookups), ("control (one page compressed)", control))
    for name, timing in named:
        first_cpu, first_wall = timing.ms(first)
        last_cpu, last_wall = timing.ms(last)
        rows.append(
            [
                name,
                f"{first_cpu:.2f} / {first_wall:.2f}",
                f"{last_cpu:.2f} / {last_wall:.2f}",
                f"{last_cpu / first_cpu:.2f}",
                f"{last_cpu / first_cpu / control_ratio:.2f}",
            ]
        )
    return _table(
        [
            "",
            f"items 1-{window} (CPU / wall ms)",
            f"items {n - window + 1}-{n} (CPU / wall ms)",
            "CPU ratio",
            "CPU ratio over the control's",
        ],
        rows,
    )


def options_table(rows: Sequence[OptionRow]) -> str:
    return _table(
        ["option set", "precision", "recall", "F1", "P<0.9", "R<0.9", "CPU ms/page"],
        [
            [
                row.name,
                f"{row.score.precision:.3f}",
                f"{row.score.recall:.3f}",
                f"{row.score.f1:.3f}",
                str(row.low_precision),
                str(row.low_recall),
                f"{row.ms:.1f}",
            ]
            for row in rows
        ],
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--pages", type=int, default=300, help="distinct pages put through extract, classify, dedup")
    parser.add_argument("--items", type=int, default=10_000, help="items saved to time the store as it grows")
    parser.add_argument("--index-size", type=int, default=10_000, help="signatures in the dedup index beforehand")
    parser.add_argument("--rounds", type=int, default=2, help="rounds of extract, classify, dedup (fastest counts)")
    parser.add_argument("--options", action="store_true", help="also compare trafilatura option sets")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    logger.setLevel(logging.INFO)

    pages = [(page_story, render_page(page_story)) for page_story in map(story, range(args.pages))]
    run = run_stages(pages, args.index_size, args.rounds)
    with tempfile.TemporaryDirectory(prefix="tripwatch-stages-") as folder:
        store, lookups, control = run_store(run.items, args.items, Path(folder))
    sizes = sorted(len(html.encode()) for _, html in pages)
    print(
        f"{len(pages)} pages ({sizes[0] / 1024:.0f}-{sizes[-1] / 1024:.0f} KB, median "
        f"{statistics.median(sizes) / 1024:.0f} KB); dedup index of {args.index_size}; "
        f"store timed over {args.items} items."
    )
    print()
    print(stage_table(run, store, lookups, args.items))
    print()
    print(flat_table(store, lookups, control))
    if args.options:
        chosen, _, _ = settings_options()
        print()
        print("Option sets on the synthetic pages (gold: the generated title and body):")
        synthetic = [(BASE + s.path, s.text, html) for s, html in pages]
        print(options_table(compare_options(synthetic, chosen)))
        gold = gold_pages()
        print()
        print(f"Option sets on the sample news web's {len(gold)} gold pages (demo/sites):")
        print(options_table(compare_options(gold, chosen)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
