"""MinHash values of a shingle set, equal bit for bit to datasketch's "affine32" scheme.

The scheme is datasketch's `MinHash(scheme="affine32")`, reproduced exactly: the same
permutations drawn from the seed, the same 32-bit SHA-1 shingle hash, the same pre-mix and the
same wrapping arithmetic (tests/test_minhash.py compares them). What differs is only how the
work is done: one SHA-1 digest per shingle gathered into a single buffer, and the permutations
applied to blocks of shingles in a reused buffer. Importing datasketch would cost every crawl
process and extraction worker 47-76 MB (its package imports scipy and redis); this module
needs numpy alone.

`minhash_values` takes shingles as bytes, as datasketch does. `minhash_of_hashes` takes them
already hashed and mixed: pipelines/dedup.py's signatures (version 2) hash a shingle from
its words' CRC-32s, cheaper than a SHA-1 of each shingle's text, and then apply the same
permutations.

How a value is made, for a shingle `s` (UTF-8 bytes) and permutation `k`:
    h = first 4 bytes of SHA-1(s), read as a little-endian unsigned integer
    h = fmix32(h)                    (MurmurHash3's finaliser, a bijection on 32 bits)
    value[k] = min over s of (a[k] * h + b[k]) mod 2**32
with `a[k]` odd, so each permutation is a bijection too. An empty set keeps every value at
2**32 - 1.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Final

import numpy as np

if TYPE_CHECKING:
    import numpy.typing as npt

# The datasketch scheme whose values this module reproduces (datasketch >= 2.0).
SCHEME: Final = "affine32"
# The value of every permutation for an empty set (no shingle has lowered it).
EMPTY_VALUE: Final = np.uint32(0xFFFFFFFF)

_DIGEST_WORDS: Final = 5  # a SHA-1 digest is 20 bytes: five 32-bit words
# MurmurHash3's 32-bit finaliser: shift, multiply, shift, multiply, shift.
_FMIX_SHIFT_1: Final = np.uint32(16)
_FMIX_MULTIPLIER_1: Final = np.uint32(0x85EBCA6B)
_FMIX_SHIFT_2: Final = np.uint32(13)
_FMIX_MULTIPLIER_2: Final = np.uint32(0xC2B2AE35)
_FMIX_SHIFT_3: Final = np.uint32(16)
# Permuted hashes are computed a block of shingles at a time, at most this many values a
# block (4 MiB of uint32), in place in one reused buffer. It bounds the memory a long text
# needs (100,000 shingles at 256 permutations would take 100 MB at once), and working in
# place made this step several times faster than fresh matrices (0.2-0.5 ms against 2.8 ms
# for 5,000 shingles and 128 permutations).
_BLOCK_VALUES: Final = 1 << 20


@dataclass(frozen=True, eq=False)
class Permutations:
    """The affine maps h -> (a * h + b) mod 2**32 of one MinHash, one map per value.

    Both arrays are read-only: `permutations()` caches and shares them.
    """

    multipliers: npt.NDArray[np.uint32]  # `a`, all odd
    offsets: npt.NDArray[np.uint32]  # `b`

    def __len__(self) -> int:
        return len(self.multipliers)


@lru_cache(maxsize=8)
def permutations(num_perm: int, seed: int) -> Permutations:
    """The `num_perm` permutations datasketch draws from `seed` for the "affine32" scheme.

    Drawn from numpy's legacy `RandomState`, whose stream numpy keeps stable across
    versions: first every half-range multiplier (then doubled plus one, to make it odd),
    then every offset. So the offsets for `num_perm=k` are not the first `k` of a larger
    `num_perm`'s: each `num_perm` needs its own draw.
    """
    if num_perm < 1:
        raise ValueError(f"num_perm {num_perm} is out of range; expected at least 1, e.g. 128")
    generator = np.random.RandomState(seed)
    halves = generator.randint(0, 1 << 31, size=num_perm, dtype=np.uint32)
    offsets = generator.randint(0, 1 << 32, size=num_perm, dtype=np.uint32)
    multipliers = halves * np.uint32(2) + np.uint32(1)
    multipliers.flags.writeable = False
    offsets.flags.writeable = False
    return Permutations(multipliers, offsets)


def shingle_hashes(encoded_shingles: Iterable[bytes]) -> npt.NDArray[np.uint32]:
    """Each shingle's 32-bit SHA-1 hash, pre-mixed with fmix32: the input of the permutations."""
    # SHA-1 because datasketch uses it; the hash only spreads shingles, it guards no secret.
    # One buffer of whole digests, then every fifth 32-bit word: cheaper than cutting each
    # digest to 4 bytes (a new bytes object per shingle) or unpacking each with struct.
    digests = b"".join([hashlib.sha1(shingle, usedforsecurity=False).digest() for shingle in encoded_shingles])
    first_words = np.frombuffer(digests, dtype="<u4")[::_DIGEST_WORDS]
    return fmix32(first_words.astype(np.uint32))  # astype: a native, writable copy


def fmix32(hashes: npt.NDArray[np.uint32]) -> npt.NDArray[np.uint32]:
    """MurmurHash3's 32-bit finaliser, in place: spreads structured hashes over all 32 bits."""
    # Array arithmetic wraps modulo 2**32 silently, which is the intent here.
    hashes ^= hashes >> _FMIX_SHIFT_1
    hashes *= _FMIX_MULTIPLIER_1
    hashes ^= hashes >> _FMIX_SHIFT_2
    hashes *= _FMIX_MULTIPLIER_2
    hashes ^= hashes >> _FMIX_SHIFT_3
    return hashes


def minhash_values(encoded_shingles: Iterable[bytes], perms: Permutations) -> npt.NDArray[np.uint32]:
    """The MinHash values of a set of shingles (UTF-8 bytes), one uint32 per permutation.

    Equal to `datasketch.MinHash(num_perm, seed, scheme="affine32")` updated with the same
    shingles, for `perms = permutations(num_perm, seed)`. Repeated shingles and their order
    change nothing; no shingles at all give `EMPTY_VALUE` everywhere.
    """
    return minhash_of_hashes(shingle_hashes(encoded_shingles), perms)


def minhash_of_hashes(hashes: npt.NDArray[np.uint32], perms: Permutations) -> npt.NDArray[np.uint32]:
    """The MinHash values of shingles already hashed to 32 bits (and mixed), one per permutation."""
    values = np.full(len(perms), EMPTY_VALUE, dtype=np.uint32)
    if len(hashes) == 0:
        return values
    # Equal-sized blocks, so the last one is not a sliver that costs a whole pass of overhead.
    block_count = -(-(len(hashes) * len(perms)) // _BLOCK_VALUES)
    block_width = -(-len(hashes) // block_count)
    # One row per permutation: each row's minimum is a reduction over contiguous memory.
    multipliers = perms.multipliers[:, np.newaxis]
    offsets = perms.offsets[:, np.newaxis]
    buffer = np.empty((len(perms), block_width), dtype=np.uint32)
    for start in range(0, len(hashes), block_width):
        block = hashes[start : start + block_width]
        permuted = buffer[:, : len(block)]
        np.multiply(multipliers, block, out=permuted)
        permuted += offsets
        np.minimum(values, permuted.min(axis=1), out=values)
    return values
