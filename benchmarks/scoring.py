"""Text-overlap scores for extracted article bodies, as the public article-extraction benchmark defines them.

Both texts are cut into `\\w+` tokens and counted as 4-token shingles. Per page, TP is the
shingle count both texts share, FP what the prediction has in excess, FN what it misses. The
corpus precision and recall are means of the per-page ratios, so every page weighs the same
whatever its length, and the corpus F1 is computed from those two means.

A text with no token at all has no shingle. So a page whose prediction is empty has no
precision (TP + FP = 0) and is left out of the precision mean, and a page whose gold text is
empty is likewise left out of the recall mean. When both texts are empty the page scores 1 on
both, as the benchmark says for any page with FP = FN = 0.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from statistics import fmean

SHINGLE_SIZE = 4

_TOKEN = re.compile(r"\w+")


@dataclass(frozen=True)
class PageScore:
    """How one predicted text compares with the gold text of its page."""

    precision: float | None  # None when the prediction has no shingle
    recall: float | None  # None when the gold text has no shingle
    f1: float
    tp: int
    fp: int
    fn: int
    exact: bool  # the two token lists are equal


@dataclass(frozen=True)
class CorpusScore:
    """Benchmark scores over many pages."""

    precision: float
    recall: float
    f1: float
    accuracy: float


def tokenize(text: str) -> list[str]:
    """Split text into the benchmark's tokens: runs of word characters, case kept."""
    return _TOKEN.findall(text)


def shingle_counts(tokens: Sequence[str], size: int = SHINGLE_SIZE) -> Counter[tuple[str, ...]]:
    """Count the `size`-token shingles; a shorter, non-empty token list is one shingle."""
    if not tokens:
        return Counter()
    if len(tokens) < size:
        return Counter([tuple(tokens)])
    return Counter(tuple(tokens[i : i + size]) for i in range(len(tokens) - size + 1))


def page_scores(gold: str, predicted: str) -> PageScore:
    """Score one predicted text against the gold text of the same page."""
    gold_tokens = tokenize(gold)
    predicted_tokens = tokenize(predicted)
    gold_shingles = shingle_counts(gold_tokens)
    predicted_shingles = shingle_counts(predicted_tokens)
    # Counter arithmetic keeps only positive counts: exactly min, excess and shortfall.
    tp = (gold_shingles & predicted_shingles).total()
    fp = (predicted_shingles - gold_shingles).total()
    fn = (gold_shingles - predicted_shingles).total()
    precision, recall = _ratios(tp, fp, fn)
    return PageScore(
        precision=precision,
        recall=recall,
        f1=_page_f1(precision, recall),
        tp=tp,
        fp=fp,
        fn=fn,
        exact=gold_tokens == predicted_tokens,
    )


def token_f1(gold: str, predicted: str) -> float:
    """F1 of 4-token shingles for one page (0 when only one of the texts is empty)."""
    return page_scores(gold, predicted).f1


def corpus_scores(pairs: Iterable[tuple[str, str]]) -> CorpusScore:
    """Score (gold, predicted) pairs, one per page, as the benchmark does."""
    return summarise([page_scores(gold, predicted) for gold, predicted in pairs])


def summarise(pages: Sequence[PageScore]) -> CorpusScore:
    """Combine per-page scores into corpus scores (mean precision and recall, F1 of the means)."""
    if not pages:
        raise ValueError("cannot score an empty corpus; give at least one (gold, predicted) pair")
    precisions = [page.precision for page in pages if page.precision is not None]
    recalls = [page.recall for page in pages if page.recall is not None]
    # An extractor that returned nothing on every page has no defined precision: call it 0.
    precision = fmean(precisions) if precisions else 0.0
    recall = fmean(recalls) if recalls else 0.0
    return CorpusScore(
        precision=precision,
        recall=recall,
        f1=_harmonic_mean(precision, recall),
        accuracy=sum(page.exact for page in pages) / len(pages),
    )


def _ratios(tp: int, fp: int, fn: int) -> tuple[float | None, float | None]:
    if fp == 0 and fn == 0:
        return 1.0, 1.0
    precision = tp / (tp + fp) if tp + fp > 0 else None
    recall = tp / (tp + fn) if tp + fn > 0 else None
    return precision, recall


def _page_f1(precision: float | None, recall: float | None) -> float:
    # One side undefined means one text is empty and the other is not: nothing matched.
    if precision is None or recall is None:
        return 0.0
    return _harmonic_mean(precision, recall)


def _harmonic_mean(precision: float, recall: float) -> float:
    if precision + recall == 0:
        return 0.0
    return 2 * precision * recall / (precision + recall)
