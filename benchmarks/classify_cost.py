"""Classification cost per item beside trafilatura's extraction cost per item on the same pages.

Builds N article pages (default 10,000) from the labelled relevance corpus, each wrapped in a
news-site template with navigation, sidebars and a footer that vary with the page index.
Extraction (`trafilatura.extract(html, with_metadata=True)`) is timed on a sample of pages;
classification (`classify()`) is timed on the extracted title and text of every page.
Both are CPU time per item, so other work on the machine does not inflate them.

Run: python -m benchmarks.classify_cost [--items 10000] [--sample 500]
"""

from __future__ import annotations

import argparse
import html
import json
import logging
import statistics
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import trafilatura
import yaml

from config.watchlist import WATCHLIST_FILE, load_watchlist
from pipelines.classify import classify

logger = logging.getLogger(__name__)

CORPUS_DIR = Path(__file__).parent.parent / "tests" / "fixtures" / "relevance"

_SECTIONS = ("World", "Politics", "Business", "Security", "Asia", "Opinion", "Sport", "Culture")
_TEASERS = (
    "Markets close higher as exporters recover",
    "City council approves the new tram line",
    "Heatwave expected to ease by the weekend",
    "Court hears appeal in long-running land case",
    "Festival organisers announce the autumn programme",
    "Port traffic rises for a fourth straight month",
    "University opens a centre for coastal research",
    "Rail operator promises fewer delays next year",
)


@dataclass(frozen=True)
class Article:
    """One corpus article: what the page shows."""

    id: str
    language: str
    published: datetime
    title: str
    text: str


def load_corpus(directory: Path = CORPUS_DIR) -> list[Article]:
    articles = []
    for path in sorted(directory.glob("*.yaml")):
        for entry in yaml.safe_load(path.read_text(encoding="utf-8")):
            articles.append(Article(entry["id"], entry["language"], entry["published"], entry["title"], entry["text"]))
    return articles


def build_page(article: Article, index: int) -> str:
    """An article page with site furniture that changes with the index."""
    sections = "".join(
        f'<li><a href="/{name.lower()}/">{name}</a></li>' for name in _SECTIONS[index % 3 :] + _SECTIONS[: index % 3]
    )
    teasers = "".join(
        f'<li><a href="/story/{index}-{number}">{html.escape(_TEASERS[(index + number) % len(_TEASERS)])}</a></li>'
        for number in range(3 + index % 5)
    )
    paragraphs = "".join(f"<p>{html.escape(line)}</p>" for line in article.text.splitlines() if line.strip())
    stamp = article.published.isoformat()
    return f"""<!DOCTYPE html>
<html lang="{article.language}"><head><meta charset="utf-8">
<title>{html.escape(article.title)} | Example News</title>
<meta property="og:title" content="{html.escape(article.title)}">
<meta name="author" content="Staff reporter {index % 17}">
<meta property="article:published_time" content="{stamp}">
</head><body>
<header><div class="brand">Example News</div><nav><ul>{sections}</ul></nav>
<form action="/search"><input name="q" placeholder="Search"></form></header>
<div class="layout">
<main><article>
<h1>{html.escape(article.title)}</h1>
<p class="byline">By Staff reporter {index % 17} · <time datetime="{stamp}">{stamp[:10]}</time></p>
{paragraphs}
<p class="tags">Filed under {_SECTIONS[index % len(_SECTIONS)]}</p>
</article></main>
<aside><h2>Most read</h2><ul>{teasers}</ul>
<div class="ad">Advertisement {index % 11}</div></aside>
</div>
<footer><p>Example News · page {index}</p><ul><li><a href="/about">About us</a></li>
<li><a href="/privacy">Privacy</a></li><li><a href="/contact">Contact</a></li></ul></footer>
</body></html>"""


def extract(page: str) -> dict[str, object]:
    result = trafilatura.extract(page, with_metadata=True, output_format="json")
    return json.loads(result) if result else {}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=10_000, help="pages to build and classify")
    parser.add_argument("--sample", type=int, default=500, help="pages whose extraction is timed")
    options = parser.parse_args()

    corpus = load_corpus()
    watchlist = load_watchlist(WATCHLIST_FILE)
    pages = [
        (corpus[index % len(corpus)], build_page(corpus[index % len(corpus)], index)) for index in range(options.items)
    ]

    # Extraction: time a sample spread over all pages; keep every extracted text for classification.
    extract(pages[0][1])  # trafilatura loads its models on the first call; that is not per-item cost
    step = max(1, options.items // options.sample)
    extract_times = []
    extracted: dict[str, dict[str, object]] = {}
    for index in range(0, options.items, step):
        article, page = pages[index]
        started = time.process_time()
        result = extract(page)
        extract_times.append(time.process_time() - started)
        extracted.setdefault(article.id, result)
    # Pages of the same article differ only in site furniture, which extraction drops.
    for article, page in pages:
        if article.id not in extracted:
            extracted[article.id] = extract(page)

    classify("", "", None, None, watchlist)  # compile the watch list once, as a crawl does
    labels: dict[str, int] = {}
    started = time.process_time()
    for article, _ in pages:
        result = extracted[article.id]
        title = str(result.get("title") or "")
        text = str(result.get("text") or "")
        label = classify(title, text, article.published, article.language, watchlist).relevance
        labels[label] = labels.get(label, 0) + 1
    classify_total = time.process_time() - started

    extract_per_item = statistics.fmean(extract_times)
    classify_per_item = classify_total / len(pages)
    print(f"pages: {len(pages)} built from {len(corpus)} corpus articles; extraction timed on {len(extract_times)}")
    print(f"extraction (trafilatura.extract, with_metadata): {extract_per_item * 1000:.3f} ms per item")
    print(f"classification (classify):                       {classify_per_item * 1000:.3f} ms per item")
    print(f"ratio classify / extract: {classify_per_item / extract_per_item:.3f}")
    print(f"labels: {dict(sorted(labels.items()))}")


if __name__ == "__main__":
    main()
