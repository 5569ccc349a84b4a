"""The benchmark metric on cases small enough to count by hand."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from benchmarks.scoring import (
    CorpusScore,
    PageScore,
    corpus_scores,
    page_scores,
    shingle_counts,
    summarise,
    token_f1,
    tokenize,
)


def test_tokens_are_word_runs_with_case_and_accents_kept() -> None:
    assert tokenize("The minister's trip—to Zürich, 2 days.") == [
        "The",
        "minister",
        "s",
        "trip",
        "to",
        "Zürich",
        "2",
        "days",
    ]


def test_shingles_slide_four_tokens_at_a_time_and_count_repeats() -> None:
    counts = shingle_counts(["a", "b", "c", "d", "a", "b", "c", "d"])
    assert counts == {
        ("a", "b", "c", "d"): 2,
        ("b", "c", "d", "a"): 1,
        ("c", "d", "a", "b"): 1,
        ("d", "a", "b", "c"): 1,
    }


def test_a_text_shorter_than_four_tokens_is_one_shingle() -> None:
    assert shingle_counts(["hello", "world"]) == {("hello", "world"): 1}


def test_no_tokens_no_shingle() -> None:
    assert shingle_counts([]) == {}


def test_identical_texts_score_one() -> None:
    assert page_scores("a b c d e", "a b c d e") == PageScore(
        precision=1.0, recall=1.0, f1=1.0, tp=2, fp=0, fn=0, exact=True
    )


def test_punctuation_and_spacing_do_not_count() -> None:
    score = page_scores("Hello, world! Again.", "Hello world\n\nAgain")
    assert score.exact
    assert score.f1 == 1.0


def test_case_counts() -> None:
    score = page_scores("hello world", "Hello world")
    assert not score.exact
    assert (score.tp, score.fp, score.fn) == (0, 1, 1)


def test_one_changed_word_at_the_end() -> None:
    # gold: 1234 2345 3456; predicted: 1234 2345 345x -> TP 2, FP 1, FN 1.
    score = page_scores("one two three four five six", "one two three four five seven")
    assert (score.tp, score.fp, score.fn) == (2, 1, 1)
    assert score.precision == pytest.approx(2 / 3)
    assert score.recall == pytest.approx(2 / 3)
    assert score.f1 == pytest.approx(2 / 3)
    assert not score.exact


def test_extra_boilerplate_costs_precision_only() -> None:
    score = page_scores("w1 w2 w3 w4", "w1 w2 w3 w4 menu")
    assert (score.tp, score.fp, score.fn) == (1, 1, 0)
    assert score.precision == pytest.approx(0.5)
    assert score.recall == 1.0
    assert score.f1 == pytest.approx(2 / 3)


def test_repeated_shingles_are_matched_by_count() -> None:
    # gold has abcd twice plus three other shingles; the prediction has abcd once.
    score = page_scores("a b c d a b c d", "a b c d")
    assert (score.tp, score.fp, score.fn) == (1, 0, 4)
    assert score.precision == 1.0
    assert score.recall == pytest.approx(1 / 5)


def test_an_empty_prediction_has_no_precision_and_zero_recall() -> None:
    score = page_scores("a b c d e", "")
    assert score.precision is None
    assert score.recall == 0.0
    assert score.f1 == 0.0


def test_an_empty_gold_text_has_no_recall() -> None:
    score = page_scores("", "cookie banner text")
    assert score.precision == 0.0
    assert score.recall is None
    assert score.f1 == 0.0


def test_both_empty_is_a_perfect_page() -> None:
    assert page_scores("", "  ...  ") == PageScore(precision=1.0, recall=1.0, f1=1.0, tp=0, fp=0, fn=0, exact=True)


def test_token_f1_is_the_page_f1() -> None:
    assert token_f1("w1 w2 w3 w4", "w1 w2 w3 w4 menu") == pytest.approx(2 / 3)
    assert token_f1("", "") == 1.0


def test_corpus_means_per_page_ratios_then_takes_f1_of_the_means() -> None:
    result = corpus_scores([("a b c d e", "a b c d e"), ("w1 w2 w3 w4", "w1 w2 w3 w4 menu")])
    assert result.precision == pytest.approx(0.75)
    assert result.recall == 1.0
    assert result.f1 == pytest.approx(2 * 0.75 / 1.75)
    assert result.accuracy == 0.5


def test_every_page_weighs_the_same_whatever_its_length() -> None:
    long_text = " ".join(f"word{i}" for i in range(400))
    result = corpus_scores([(long_text, long_text), ("w1 w2 w3 w4", "w1 w2 w3 w4 menu")])
    # Pooling the counts would give 398/399; the benchmark averages the two pages instead.
    assert result.precision == pytest.approx(0.75)


def test_pages_without_precision_are_left_out_of_the_precision_mean() -> None:
    result = corpus_scores([("a b c d e", ""), ("x y", "x y")])
    assert (result.precision, result.recall, result.accuracy) == (1.0, 0.5, 0.5)
    assert result.f1 == pytest.approx(2 / 3)


def test_an_extractor_that_finds_nothing_scores_zero() -> None:
    assert corpus_scores([("a b c d e", ""), ("x y", "")]) == CorpusScore(
        precision=0.0, recall=0.0, f1=0.0, accuracy=0.0
    )


def test_an_empty_corpus_is_refused() -> None:
    with pytest.raises(ValueError, match="empty corpus"):
        summarise([])


words = st.lists(st.sampled_from(["border", "talks", "minister", "visit", "Rome", "the"]), max_size=12)


@given(words)
def test_a_text_scores_one_against_itself(tokens: list[str]) -> None:
    text = " ".join(tokens)
    score = page_scores(text, text)
    assert score.exact
    assert score.f1 == 1.0


@given(words, words)
def test_swapping_gold_and_prediction_swaps_precision_and_recall(gold: list[str], predicted: list[str]) -> None:
    forward = page_scores(" ".join(gold), " ".join(predicted))
    backward = page_scores(" ".join(predicted), " ".join(gold))
    assert (forward.precision, forward.recall) == (backward.recall, backward.precision)
    assert (forward.fp, forward.fn) == (backward.fn, backward.fp)


@given(words, words)
def test_counts_split_each_side_exactly(gold: list[str], predicted: list[str]) -> None:
    score = page_scores(" ".join(gold), " ".join(predicted))
    assert score.tp + score.fn == shingle_counts(gold).total()
    assert score.tp + score.fp == shingle_counts(predicted).total()
    for ratio in (score.precision, score.recall):
        assert ratio is None or 0.0 <= ratio <= 1.0
