"""Relevance classification: does an article report a watched official's trip abroad?

`classify()` is pure and cheap. It splits the title and the text into sentences, finds
watched offices and officials, trip cues, places and dates with regexes compiled once per
watch list, and scores each official that a sentence puts in a country other than their own
next to a trip cue. The result keeps the evidence (with offsets into the title or text) so
the review UI can highlight why an item was labelled as it was.

The stages live in `pipelines/relevance/`:

- `matching.py`: the lexicons and regexes compiled once per watch list (`matcher_for`);
- `sentences.py`: sentence units and the lexicons' hits near watched offices;
- `officials.py`: watched officials, whose official each is, and their names;
- `dates.py`: dates in a sentence, resolved against the publication day;
- `trips.py`: trips, their score, the evidence and the trip record;
- `model.py`: `Evidence`, `TripOfficial`, `TripRecord` (re-exported here).

Scoring in short: a trip found in the title or the first sentence counts fully, later
sentences less; a trip told as background ("when the minister visited Hanoi last year")
or next to travel-advice or spy-trial words counts half or less; more sentences about the
same trip add a little. `RELEVANT_SCORE` and `UNCERTAIN_SCORE` cut the labels.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

from config.sources import config_dir
from config.watchlist import Watchlist, load_watchlist
from crawler.items import ArticleItem
from pipelines.relevance.matching import matcher_for
from pipelines.relevance.model import Evidence, TripOfficial, TripRecord
from pipelines.relevance.officials import find_officials
from pipelines.relevance.sentences import Article
from pipelines.relevance.trips import TripReader

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

__all__ = [
    "RELEVANT_SCORE",
    "UNCERTAIN_SCORE",
    "Classification",
    "ClassifyPipeline",
    "Evidence",
    "TripOfficial",
    "TripRecord",
    "classify",
]

logger = logging.getLogger(__name__)

RELEVANT_SCORE = 0.6
UNCERTAIN_SCORE = 0.35


@dataclass(frozen=True)
class Classification:
    """The label, the score in [0, 1] and why."""

    relevance: str  # "relevant" | "uncertain" | "irrelevant"
    score: float
    evidence: tuple[Evidence, ...]
    trip: TripRecord | None

    def as_dict(self) -> dict[str, object]:
        """JSON-ready form stored with the item."""
        trip = self.trip
        return {
            "relevance": self.relevance,
            "score": self.score,
            "evidence": [asdict(item) for item in self.evidence],
            "trip": None
            if trip is None
            else {
                "officials": [asdict(official) for official in trip.officials],
                "destinations": list(trip.destinations),
                "counterparts": list(trip.counterparts),
                "dates": list(trip.dates),
            },
        }


def classify(
    title: str,
    text: str,
    published: datetime | None,
    language: str | None,
    watchlist: Watchlist,
) -> Classification:
    """Label an article relevant, uncertain or irrelevant, with the score and the evidence."""
    matcher = matcher_for(watchlist)
    day = published.date() if published is not None else None
    article = Article.read(title or "", text or "", matcher)
    if article is None:
        return Classification("irrelevant", 0.0, (), None)
    home = watchlist.home_for_language(language)
    mentions = find_officials(article, matcher, home, day)
    score, evidence, trip = TripReader(article, matcher, mentions, day).result()
    relevance = "relevant" if score >= RELEVANT_SCORE else "uncertain" if score >= UNCERTAIN_SCORE else "irrelevant"
    return Classification(relevance, score, evidence, trip)


# --- Scrapy adapter below ---


class ClassifyPipeline:
    """Labels each article against the watch list (config folder's watchlist.yaml)."""

    def __init__(self, watchlist_path: Path, stats: StatsCollector) -> None:
        self.watchlist_path = watchlist_path
        self.stats = stats
        self.watchlist: Watchlist | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        folder = config_dir(crawler.settings.get("CONFIG_DIR") or None)
        return cls(folder / "watchlist.yaml", crawler.stats)

    def open_spider(self) -> None:
        # A broken watch list stops the crawl before anything is fetched (the CLI checks it first).
        self.watchlist = load_watchlist(self.watchlist_path)

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, ArticleItem):
            return item
        assert self.watchlist is not None, "open_spider was not called"
        result = classify(item.title or "", item.text, item.published, item.language, self.watchlist)
        item.classification = result.as_dict()
        self.stats.inc_value(f"classify/{result.relevance}")
        return item
