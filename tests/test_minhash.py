"""Tests for pipelines/minhash.py: its values must equal datasketch's, byte for byte.

Stored signatures were made by `datasketch.MinHash(scheme="affine32")`, so datasketch (a dev
dependency) is the reference here: any difference would make every stored signature stale.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
from collections.abc import Collection
from pathlib import Path

import numpy as np
import pytest
from datasketch import MinHash
from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines.minhash import EMPTY_VALUE, SCHEME, minhash_values, permutations

REPO_ROOT = Path(__file__).resolve().parent.parent
NUM_PERMS = (1, 16, 128, 256)
SEED = 1  # the seed pipelines/dedup.py uses


def datasketch_values(shingles: Collection[bytes], num_perm: int, seed: int = SEED) -> np.ndarray:
    reference = MinHash(num_perm=num_perm, seed=seed, scheme=SCHEME)
    reference.update_batch(list(shingles))
    return np.asarray(reference.hashvalues)


def assert_same_as_datasketch(shingles: Collection[bytes], num_perm: int, seed: int = SEED) -> None:
    ours = minhash_values(shingles, permutations(num_perm, seed))
    expected = datasketch_values(shingles, num_perm, seed)
    assert ours.dtype == np.uint32
    assert ours.shape == (num_perm,)
    # Compare the stored form: little-endian uint32 bytes, as pipelines/dedup.py writes them.
    assert ours.astype("<u4").tobytes() == expected.astype("<u4").tobytes()


def encoded(shingles: Collection[str]) -> list[bytes]:
    return [shingle.encode("utf-8") for shingle in shingles]


def word_shingles(text: str, size: int) -> set[str]:
    words = text.split()
    return {" ".join(words[start : start + size]) for start in range(len(words) - size + 1)}


def char_shingles(text: str, size: int) -> set[str]:
    return {text[start : start + size] for start in range(len(text) - size + 1)}


def random_english(word_count: int, seed: int) -> str:
    rng = random.Random(seed)
    vocabulary = [
        "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(1, 10))) for _ in range(3000)
    ]
    return " ".join(rng.choice(vocabulary) for _ in range(word_count))


def random_chinese(char_count: int, seed: int) -> str:
    rng = random.Random(seed)
    return "".join(chr(rng.randint(0x4E00, 0x4FFF)) for _ in range(char_count))


SHINGLE_SETS = {
    "empty": set(),
    "one shingle": {"minister"},
    "empty string shingle": {""},
    "ascii words": word_shingles("the minister flew to lisbon on tuesday for a three day visit", 3),
    "ascii 5-word": word_shingles(random_english(400, seed=1), 5),
    "latin accents": {"praça do comércio", "helena moura vaz", "zürich über straße"},
    "cjk 2-char": char_shingles(random_chinese(300, seed=2), 2),
    "cjk 4-char": char_shingles("内政部长周二飞往里斯本进行为期三天的访问", 4),
    "thai 8-letter": char_shingles("รัฐมนตรีว่าการกระทรวงมหาดไทยเดินทางไปลิสบอน", 8),
    "astral plane": {"𠀀𠀁𠀂", "😀 emoji", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢"},
    "mixed scripts": word_shingles("東京 visit 訪問 minister บินไป", 2),
    "english article": word_shingles(random_english(5000, seed=3), 3),
    "chinese article": char_shingles(random_chinese(3000, seed=4), 2),
    # Long enough that 256 permutations take several blocks, the last one shorter.
    "large": {f"shingle {number}" for number in range(30_001)},
}


@pytest.mark.parametrize("num_perm", NUM_PERMS)
@pytest.mark.parametrize("name", list(SHINGLE_SETS))
def test_values_equal_datasketch(name: str, num_perm: int) -> None:
    assert_same_as_datasketch(encoded(SHINGLE_SETS[name]), num_perm)


@pytest.mark.parametrize("num_perm", NUM_PERMS)
def test_empty_set_gives_the_maximum_everywhere(num_perm: int) -> None:
    values = minhash_values([], permutations(num_perm, SEED))
    assert values.tolist() == [int(EMPTY_VALUE)] * num_perm == datasketch_values([], num_perm).tolist()


@pytest.mark.parametrize("seed", [0, 1, 7, 2**32 - 1])
@pytest.mark.parametrize("num_perm", [*NUM_PERMS, 1000])
def test_permutations_equal_datasketch(num_perm: int, seed: int) -> None:
    reference_multipliers, reference_offsets = MinHash(num_perm=num_perm, seed=seed, scheme=SCHEME).permutations
    drawn = permutations(num_perm, seed)
    assert len(drawn) == num_perm
    assert drawn.multipliers.dtype == drawn.offsets.dtype == np.uint32
    assert drawn.multipliers.tolist() == reference_multipliers.tolist()
    assert drawn.offsets.tolist() == reference_offsets.tolist()
    assert np.all(drawn.multipliers % 2 == 1)


def test_other_seeds_give_datasketchs_values() -> None:
    shingles = encoded(SHINGLE_SETS["ascii 5-word"])
    for seed in (0, 42, 2**31):
        assert_same_as_datasketch(shingles, 128, seed)
    assert not np.array_equal(
        minhash_values(shingles, permutations(128, 0)), minhash_values(shingles, permutations(128, 42))
    )


def test_cached_permutations_are_shared_and_read_only() -> None:
    drawn = permutations(64, SEED)
    assert permutations(64, SEED) is drawn
    with pytest.raises(ValueError, match="read-only"):
        drawn.multipliers[0] = 2
    with pytest.raises(ValueError, match="read-only"):
        drawn.offsets[0] = 2


@pytest.mark.parametrize("num_perm", [0, -1])
def test_num_perm_must_be_positive(num_perm: int) -> None:
    with pytest.raises(ValueError, match=f"num_perm {num_perm} is out of range"):
        permutations(num_perm, SEED)


def test_any_iterable_and_repeats_give_the_same_values() -> None:
    shingles = sorted(encoded(SHINGLE_SETS["cjk 2-char"]))
    perms = permutations(128, SEED)
    expected = minhash_values(shingles, perms)
    assert np.array_equal(minhash_values(iter(reversed(shingles)), perms), expected)
    assert np.array_equal(minhash_values(shingles + shingles[:50], perms), expected)
    assert np.array_equal(minhash_values(tuple(shingles), perms), expected)


shingle_text = st.text(
    alphabet=st.characters(codec="utf-8"),
    max_size=12,
)


@given(
    shingles=st.sets(shingle_text, max_size=400),
    num_perm=st.sampled_from(NUM_PERMS),
    seed=st.integers(min_value=0, max_value=2**32 - 1),
)
@settings(max_examples=150, deadline=None)
def test_any_shingle_set_gives_datasketchs_values(shingles: set[str], num_perm: int, seed: int) -> None:
    assert_same_as_datasketch(encoded(shingles), num_perm, seed)


@given(shingles=st.sets(st.binary(max_size=40), min_size=1, max_size=200), data=st.data())
@settings(max_examples=60, deadline=None)
def test_a_subset_never_has_a_smaller_value(shingles: set[bytes], data: st.DataObject) -> None:
    subset = data.draw(st.sets(st.sampled_from(sorted(shingles)), min_size=1))
    perms = permutations(128, SEED)
    whole, part = minhash_values(shingles, perms), minhash_values(subset, perms)
    assert np.all(whole <= part)
    assert_same_as_datasketch(subset, 128)


def test_importing_the_module_loads_neither_datasketch_nor_scipy() -> None:
    code = (
        "import sys, pipelines.minhash\n"
        "print(' '.join(sorted({name.split('.')[0] for name in sys.modules} & {'datasketch', 'scipy', 'redis'})))"
    )
    child = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
        check=True,
        timeout=60,
    )
    assert child.stdout.strip() == ""
