"""Deduplication: exact content hashes and a near-duplicate index over MinHash signatures.

The pure part below never imports Scrapy or SQLAlchemy. A text becomes a set of shingles
(word shingles for spaced scripts, character shingles for scripts written without spaces),
the set becomes a MinHash signature (pipelines/minhash.py, fixed seed) that the store keeps per item,
and `NearDuplicateIndex` finds the stored item a new signature copies.

Every answer is computed from stored signatures alone: the decision is their estimated
Jaccard similarity, and the LSH band table that proposes candidates is built from them too.
So an index rebuilt from the store after a restart gives the same answers.
"""

from __future__ import annotations

import hashlib
import html
import logging
import re
import struct
import time
import unicodedata
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final, Self
from weakref import WeakKeyDictionary

import numpy as np

from crawler.items import ArticleItem
from pipelines import minhash

if TYPE_CHECKING:
    import numpy.typing as npt
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

    from storage.repository import Store

logger = logging.getLogger(__name__)

# Word shingles: five consecutive words. Two outlets' own stories about the same trip share
# names, places and dates but rarely five words in a row, while a copy shares nearly all.
WORD_SHINGLE_SIZE: Final = 5
# Scripts written without spaces are shingled by characters, about four syllables a shingle:
# four Han or kana characters, eight Thai (or Lao, Khmer, ...) letters and marks. Measured in
# tests/test_dedup.py (exact Jaccard): copies above 0.6, other stories on the same event below
# 0.1; with four Thai letters a shingle the other Thai story came to 0.15.
CHAR_SHINGLE_SIZE: Final = 4
LETTER_SHINGLE_SIZE: Final = 8

# Changing the seed, the MinHash scheme (pipelines/minhash.py: datasketch's "affine32"), the
# shingling, the shingle hash or the layout below changes every signature: bump
# SIGNATURE_VERSION so stored signatures are recognised as stale and recomputed.
# Version 1 hashed each shingle's text with SHA-1; version 2 hashes each word once (CRC-32) and
# combines the hashes of a shingle's words arithmetically, in numpy: 0.5 ms a 5 KB article
# instead of 1.3, with estimates as good (both hashes spread shingles evenly; neither is a secret).
SIGNATURE_VERSION: Final = 2
_MINHASH_SEED: Final = 1
# A shingle's hash: h = seed, then h = h * multiplier + unit for each of its units (a word's
# CRC-32, a character's code point), modulo 2**32, then fmix32. The multiplier is odd, so two
# shingles that differ in one unit never collide; each kind of shingle starts from its own seed.
_SHINGLE_MULTIPLIER: Final = np.uint32(0x01000193)
_WORD_SEED: Final = np.uint32(0x9E3779B1)
_SYLLABIC_SEED: Final = np.uint32(0x85EBCA77)
_ALPHABETIC_SEED: Final = np.uint32(0xC2B2AE3D)
# version, num_perm, number of distinct shingles; then num_perm little-endian uint32 values.
_HEADER: Final = struct.Struct("<HHI")
_VALUE_DTYPE: Final = np.dtype("<u4")

# A pair at exactly the threshold becomes an index candidate with at least this probability;
# candidates are then verified on their signatures, so more bands only cost time and memory.
_CANDIDATE_RECALL: Final = 0.99
# The dedup stage looks for articles other processes stored at most this often before a first
# decision (one query); the decision for an item about to be stored as new always looks again.
CATCH_UP_SECONDS: Final = 1.0
# Band keys added one at a time wait in a dict until there are this many (or 1/64 of the
# table's), then join the sorted arrays in one O(n) merge: amortised O(1) per key.
_MIN_RECENT_ENTRIES: Final = 10_000
_RECENT_SHARE: Final = 64

# Scripts written without spaces between words, as inclusive code point ranges. In the
# syllabic ones a character is a syllable or a morpheme; in the alphabetic ones a letter.
_SYLLABIC_RANGES: Final = (
    (0x2E80, 0x2FDF),  # CJK and Kangxi radicals
    (0x3005, 0x3007),  # ideographic iteration mark, closing mark, number zero
    (0x3021, 0x3029),  # Hangzhou numerals
    (0x3031, 0x3035),  # kana repeat marks
    (0x303B, 0x303C),  # vertical ideographic iteration mark, masu mark
    (0x3040, 0x30FF),  # Hiragana, Katakana
    (0x3100, 0x312F),  # Bopomofo
    (0x31A0, 0x31BF),  # Bopomofo extended
    (0x31F0, 0x31FF),  # Katakana phonetic extensions
    (0x3400, 0x4DBF),  # CJK unified ideographs extension A
    (0x4E00, 0x9FFF),  # CJK unified ideographs
    (0xF900, 0xFAFF),  # CJK compatibility ideographs
    (0xFF66, 0xFF9F),  # halfwidth Katakana
    (0x1B000, 0x1B16F),  # Kana supplement and extensions
    (0x20000, 0x3FFFF),  # CJK unified ideographs extensions B and later
)
_ALPHABETIC_RANGES: Final = (
    (0x0E00, 0x0EFF),  # Thai, Lao
    (0x0F00, 0x0FFF),  # Tibetan
    (0x1000, 0x109F),  # Myanmar
    (0x1780, 0x17FF),  # Khmer
    (0x19E0, 0x19FF),  # Khmer symbols
)


def _char_class(ranges: tuple[tuple[int, int], ...]) -> str:
    return "".join(f"{chr(low)}-{chr(high)}" for low, high in ranges)


_SYLLABIC: Final = _char_class(_SYLLABIC_RANGES)
_ALPHABETIC: Final = _char_class(_ALPHABETIC_RANGES)
_NO_SPACE: Final = _SYLLABIC + _ALPHABETIC
# A run of one script written without spaces, or a word of any other script.
_PIECE: Final = re.compile(
    f"(?P<syllabic>[{_SYLLABIC}]+)|(?P<alphabetic>[{_ALPHABETIC}]+)|(?P<word>[^\\s{_NO_SPACE}]+)"
)
# Whitespace between two such characters carries no meaning (line wrapping, removed
# punctuation), so the same sentence wrapped differently normalises to the same string.
_NO_SPACE_GAP: Final = re.compile(f"(?<=[{_NO_SPACE}]) (?=[{_NO_SPACE}])")
_NO_SPACE_CHARACTER: Final = re.compile(f"[{_NO_SPACE}]")
# NFKC, case folding and removing format characters can each undo another's normal form for
# a few characters; a second pass settles them, the cap only guards against the unforeseen.
_MAX_NORMALISE_PASSES: Final = 8


class SignatureError(ValueError):
    """A signature that this version cannot read or compare."""


class _CharClassTable(dict[int, str | None]):
    """`str.translate` table that classifies each code point once, on first sight."""

    def __missing__(self, code_point: int) -> str | None:
        category = unicodedata.category(chr(code_point))
        replacement: str | None
        if category == "Cf":
            # Soft hyphens, zero-width spaces and joiners sit inside words: drop them.
            replacement = None
        elif category[0] in "PSZ" or category in ("Cc", "Cs"):
            # Punctuation and symbols differ between templates (typographic quotes,
            # dashes, bullets, "|" separators) and never decide what an article says.
            replacement = " "
        else:
            replacement = chr(code_point)
        self[code_point] = replacement
        return replacement


_CHAR_CLASSES: Final = _CharClassTable()


def normalise_text(text: str) -> str:
    """The comparable form of a text: NFKC, case-folded, words separated by one space.

    HTML entities are decoded, punctuation and symbols become spaces, invisible format
    characters disappear, and whitespace between two characters of a script written
    without spaces (Chinese, Japanese, Thai, ...) is removed.
    """
    current = text
    for _ in range(_MAX_NORMALISE_PASSES):
        following = _normalise_pass(current)
        if following == current or _settled(following):
            return following
        current = following
    return current


def _settled(passed: str) -> bool:
    """Whether another pass would leave this pass's output unchanged, without running it.

    A pass's output contains only characters the class table maps to themselves, single spaces
    and no gap between two no-space characters; so a further pass changes it only through its
    entity decoding, NFKC or case folding. Checking those costs a tenth of a pass.
    """
    return "&" not in passed and unicodedata.is_normalized("NFKC", passed) and passed.casefold() == passed


def _normalise_pass(text: str) -> str:
    folded = unicodedata.normalize("NFKC", _unescape_fully(text)).casefold()
    cleaned = unicodedata.normalize("NFKC", folded).translate(_CHAR_CLASSES)
    return _NO_SPACE_GAP.sub("", " ".join(cleaned.split()))


def _unescape_fully(text: str) -> str:
    # A copy may come from a feed that escaped its HTML twice ("&amp;quot;"); each round
    # that changes the text shortens it, so this ends.
    while "&" in text:
        unescaped = html.unescape(text)
        if unescaped == text:
            break
        text = unescaped
    return text


def content_hash(text: str) -> str:
    """SHA-256 hex digest of the normalised text: equal for exact copies."""
    return hashlib.sha256(normalise_text(text).encode("utf-8")).hexdigest()


def shingles(
    text: str,
    size: int = WORD_SHINGLE_SIZE,
    *,
    char_size: int = CHAR_SHINGLE_SIZE,
    letter_size: int = LETTER_SHINGLE_SIZE,
) -> set[str]:
    """The shingle set of a text: `size`-word shingles of its spaced-script words,
    `char_size`-character shingles of each Han/kana run and `letter_size`-character
    shingles of each Thai/Lao/Khmer/Myanmar/Tibetan run.

    Mixed text gets both kinds. A text (or run) shorter than one shingle is one shingle.
    """
    if min(size, char_size, letter_size) < 1:
        raise ValueError(
            f"shingle sizes must be at least 1, got size={size}, char_size={char_size}, letter_size={letter_size}"
        )
    return _shingles_of_normalised(normalise_text(text), size, char_size, letter_size)


def _shingles_of_normalised(normalised: str, size: int, char_size: int, letter_size: int) -> set[str]:
    words, runs = _segments(normalised)
    result = set(_windows(words, size, " "))
    for syllabic, run in runs:
        result.update(_windows(run, char_size if syllabic else letter_size, ""))
    return result


def _segments(normalised: str) -> tuple[list[str], list[tuple[bool, str]]]:
    """A normalised text's words (spaced scripts, in order) and its runs of scripts written
    without spaces, each with whether it is syllabic (Han, kana) or alphabetic (Thai, ...)."""
    if not _NO_SPACE_CHARACTER.search(normalised):
        # Only spaced scripts (most texts): the words are what lies between single spaces.
        return (normalised.split(" ") if normalised else []), []
    words: list[str] = []
    runs: list[tuple[bool, str]] = []
    for match in _PIECE.finditer(normalised):
        if match.lastgroup == "word":
            words.append(match.group())
        else:
            runs.append((match.lastgroup == "syllabic", match.group()))
    return words, runs


def _windows(units: str | list[str], size: int, separator: str) -> list[str]:
    if not units:
        return []
    if len(units) <= size:
        return [separator.join(units)]
    return [separator.join(units[start : start + size]) for start in range(len(units) - size + 1)]


def shingle_hashes(text: str) -> npt.NDArray[np.uint32]:
    """The distinct 32-bit hashes of `shingles(text)`, sorted: what a signature is made of.

    One hash per shingle of `shingles()`, from its units rather than its text (see
    _SHINGLE_MULTIPLIER); distinct shingles share a hash only by a 32-bit accident.
    """
    return _shingle_hashes_of_normalised(normalise_text(text))


def _shingle_hashes_of_normalised(normalised: str) -> npt.NDArray[np.uint32]:
    words, runs = _segments(normalised)
    hashes = [_word_shingle_hashes(words)]
    for syllabic, run in runs:
        code_points = np.frombuffer(run.encode("utf-32-le"), dtype="<u4").astype(np.uint32)
        size, seed = (CHAR_SHINGLE_SIZE, _SYLLABIC_SEED) if syllabic else (LETTER_SHINGLE_SIZE, _ALPHABETIC_SEED)
        hashes.append(_window_hashes(code_points, size, seed))
    return np.unique(minhash.fmix32(np.concatenate(hashes)))


def _word_shingle_hashes(words: list[str]) -> npt.NDArray[np.uint32]:
    word_hashes = np.fromiter((zlib.crc32(word.encode("utf-8")) for word in words), dtype=np.uint32, count=len(words))
    return _window_hashes(word_hashes, WORD_SHINGLE_SIZE, _WORD_SEED)


def _window_hashes(units: npt.NDArray[np.uint32], size: int, seed: np.uint32) -> npt.NDArray[np.uint32]:
    """The hash of every `size` consecutive units (all of them when there are fewer), unmixed."""
    if len(units) == 0:
        return np.empty(0, dtype=np.uint32)
    width = min(size, len(units))
    count = len(units) - width + 1
    hashes = np.full(count, seed, dtype=np.uint32)
    for offset in range(width):
        hashes *= _SHINGLE_MULTIPLIER  # wraps modulo 2**32, as intended
        hashes += units[offset : offset + count]
    return hashes


def text_fingerprints(text: str, num_perm: int = 128) -> tuple[str, bytes]:
    """`content_hash(text)` and `text_signature(text, num_perm)`, normalising the text once."""
    normalised = normalise_text(text)
    signature = signature_of_hashes(_shingle_hashes_of_normalised(normalised), num_perm)
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest(), signature


def text_signature(text: str, num_perm: int = 128) -> bytes:
    """The MinHash signature of a text's shingles, as bytes to store beside the item.

    Deterministic across calls, processes and machines: a fixed seed, CRC-32 word hashes
    and a little-endian layout. An empty text gives an empty signature, which is similar to
    nothing.
    """
    return signature_of_hashes(shingle_hashes(text), num_perm)


def signature_of_hashes(hashes: npt.NDArray[np.uint32], num_perm: int = 128) -> bytes:
    """The signature of distinct shingle hashes: 8 header bytes, then num_perm uint32 MinHash values."""
    if not 1 <= num_perm <= 0xFFFF:
        raise ValueError(f"num_perm {num_perm} is out of range; expected 1..65535, e.g. 128")
    values = minhash.minhash_of_hashes(hashes, minhash.permutations(num_perm, _MINHASH_SEED))
    return _HEADER.pack(SIGNATURE_VERSION, num_perm, len(hashes)) + values.astype(_VALUE_DTYPE).tobytes()


@dataclass(frozen=True)
class _Sketch:
    """A decoded signature: the number of distinct shingles and the MinHash values."""

    shingle_count: int
    values: npt.NDArray[np.uint32]


def _decode(signature: bytes) -> _Sketch:
    if len(signature) < _HEADER.size:
        raise SignatureError(f"signature of {len(signature)} bytes is too short; recompute it")
    version, num_perm, shingle_count = _HEADER.unpack_from(signature)
    if version != SIGNATURE_VERSION:
        raise SignatureError(
            f"signature version {version} is not the current {SIGNATURE_VERSION}; recompute it with text_signature()"
        )
    expected = _HEADER.size + num_perm * _VALUE_DTYPE.itemsize
    if len(signature) != expected:
        raise SignatureError(
            f"signature has {len(signature)} bytes, expected {expected} for num_perm={num_perm}; recompute it"
        )
    values = np.frombuffer(signature, dtype=_VALUE_DTYPE, offset=_HEADER.size)
    return _Sketch(shingle_count, values)


def similarity(sig_a: bytes, sig_b: bytes) -> float:
    """Estimated Jaccard similarity of the two shingle sets (0.0 when either is empty)."""
    return _jaccard(_decode(sig_a), _decode(sig_b))


def _jaccard(a: _Sketch, b: _Sketch) -> float:
    if len(a.values) != len(b.values):
        raise SignatureError(
            f"cannot compare signatures with num_perm {len(a.values)} and {len(b.values)}; "
            "recompute them with the same num_perm"
        )
    if a.shingle_count == 0 or b.shingle_count == 0:
        return 0.0
    return int(np.count_nonzero(a.values == b.values)) / len(a.values)


@dataclass(frozen=True)
class DedupSettings:
    """How similar a text must be to a stored one to join it (setting `DEDUP_SIMILARITY`)."""

    # Estimated Jaccard similarity of shingle sets. In tests/test_dedup.py copies (another
    # template, a paragraph trimmed or added, a source line, all at once) estimate 0.60-1.0,
    # other stories on the same trip (another outlet's, or the same outlet's formula for
    # another trip) 0.0-0.08.
    threshold: float = 0.5
    num_perm: int = 128

    def __post_init__(self) -> None:
        if not 0.0 < self.threshold <= 1.0:
            raise ValueError(f"dedup threshold {self.threshold} is out of range; expected 0 < threshold <= 1, e.g. 0.5")
        if not 16 <= self.num_perm <= 0xFFFF:
            raise ValueError(f"dedup num_perm {self.num_perm} is out of range; expected 16..65535, e.g. 128")


def band_shape(settings: DedupSettings) -> tuple[int, int]:
    """(bands, rows per band) of the LSH table: as many rows as keep the candidate
    probability of a pair at the threshold at or above `_CANDIDATE_RECALL`."""
    rows = 1
    for candidate_rows in range(2, settings.num_perm + 1):
        bands = settings.num_perm // candidate_rows
        recall = 1.0 - (1.0 - settings.threshold**candidate_rows) ** bands
        if recall < _CANDIDATE_RECALL:
            break
        rows = candidate_rows
    return settings.num_perm // rows, rows


class NearDuplicateIndex:
    """Stored items' signatures and an LSH band table to find near-duplicates among them.

    The band table proposes candidates (items sharing at least one band of MinHash values);
    each is verified on its signature. The answer depends only on the signatures, never on
    insertion order or table layout, so an index rebuilt from the store answers the same.
    """

    def __init__(self, settings: DedupSettings, signature_of: Callable[[int], bytes | None] | None = None) -> None:
        """`signature_of(item_id)`, when given, reads a candidate's signature from the store: the
        index then keeps only ids and band keys in memory (about half as much: 700 instead of
        1,400 bytes an item), and costs one look-up per candidate, which only copies and rare
        band collisions produce. Without it the index keeps every signature itself."""
        self.settings = settings
        self.bands, self.rows = band_shape(settings)
        self._multipliers, self._salts = _band_hash_parameters(self.bands, self.rows)
        self._signature_of = signature_of
        self._ids: set[int] = set()
        self._signatures: dict[int, bytes] = {}  # only without signature_of
        self._table = _BandTable()

    def __len__(self) -> int:
        return len(self._ids)

    def __contains__(self, item_id: object) -> bool:
        return item_id in self._ids

    def add(self, item_id: int, signature: bytes) -> None:
        """Index a stored item's signature. Raises ValueError if the id is already indexed."""
        if item_id in self._ids:
            raise ValueError(f"item {item_id} is already in the dedup index; remove it first")
        sketch = self._checked(signature)
        self._ids.add(item_id)
        if self._signature_of is None:
            self._signatures[item_id] = signature
        if sketch.shingle_count:
            self._table.add(self._band_keys(sketch.values[np.newaxis, :])[0], item_id)

    def add_many(self, items: Iterable[tuple[int, bytes]]) -> None:
        """Index many stored items at once (rebuilding from the store): one merge, not n."""
        batch = list(items)
        ids = [item_id for item_id, _ in batch]
        if len(set(ids)) != len(ids) or not self._ids.isdisjoint(ids):
            raise ValueError("add_many() got an item id twice or one already in the dedup index")
        sketches = [self._checked(signature) for _, signature in batch]
        self._ids.update(ids)
        if self._signature_of is None:
            self._signatures.update(batch)
        banded = [
            (item_id, sketch.values) for item_id, sketch in zip(ids, sketches, strict=True) if sketch.shingle_count
        ]
        if banded:
            keys = self._band_keys(np.stack([values for _, values in banded]))
            owners = np.repeat(np.array([item_id for item_id, _ in banded], dtype=np.int64), self.bands)
            self._table.add_many(keys.ravel(), owners)
        logger.debug("Dedup index: added %(count)d items, now %(total)d", {"count": len(batch), "total": len(self)})

    def remove(self, item_id: int) -> None:
        """Forget an item (deleted from the store). Raises KeyError if it is not indexed."""
        if item_id not in self._ids:
            raise KeyError(f"item {item_id} is not in the dedup index")
        self._ids.discard(item_id)
        self._signatures.pop(item_id, None)
        self._table.discard(item_id)

    def find(self, signature: bytes) -> tuple[int, float] | None:
        """The stored item this signature copies, with the estimated similarity.

        The best match at or above the threshold; on equal similarity, the smallest item id
        (the item stored first). None when nothing is similar enough or the text is empty.
        A stored item above the threshold is missed only if it shares no band with the
        query: under 1% of pairs right at the threshold, far fewer above it.
        """
        sketch = self._checked(signature)
        if sketch.shingle_count == 0:
            return None
        candidates = self._table.lookup(self._band_keys(sketch.values[np.newaxis, :])[0])
        best: tuple[int, float] | None = None
        for item_id in sorted(candidates & self._ids):
            stored = self._signatures.get(item_id) if self._signature_of is None else self._signature_of(item_id)
            if stored is None:  # deleted from the store since it was indexed
                continue
            score = _jaccard(sketch, _decode(stored))
            if score >= self.settings.threshold and (best is None or score > best[1]):
                best = (item_id, score)
        return best

    def _checked(self, signature: bytes) -> _Sketch:
        sketch = _decode(signature)
        if len(sketch.values) != self.settings.num_perm:
            raise SignatureError(
                f"signature has num_perm={len(sketch.values)} but the dedup index uses "
                f"{self.settings.num_perm}; recompute stored signatures after changing num_perm"
            )
        return sketch

    def _band_keys(self, values: npt.NDArray[np.uint32]) -> npt.NDArray[np.uint64]:
        """One 64-bit key per (item, band): a random linear combination of the band's values
        plus the band's salt. Keys only need to be equal for equal bands; a rare collision
        of unequal ones costs one extra candidate check, never a wrong answer."""
        used = values[:, : self.bands * self.rows].astype(np.uint64)
        bands = used.reshape(len(values), self.bands, self.rows)
        # Array arithmetic wraps modulo 2**64 silently, which is the intent here.
        keys: npt.NDArray[np.uint64] = (bands * self._multipliers).sum(axis=2, dtype=np.uint64) + self._salts
        return keys


def _band_hash_parameters(bands: int, rows: int) -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.uint64]]:
    """Odd 64-bit multipliers (one per row) and salts (one per band), from a fixed seed."""
    rng = np.random.default_rng(_MINHASH_SEED)
    multipliers = rng.integers(0, 2**63, size=rows, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
    salts = rng.integers(0, 2**63, size=bands, dtype=np.uint64) * np.uint64(2)
    return multipliers, salts


class _BandTable:
    """Band key -> item ids, compact and with flat lookup time at any size.

    Keys live in one sorted numpy array (16 bytes an entry with the item id) behind a radix
    directory: the top bits of a key give the slice of the array that can hold it, a few
    entries long, so a lookup reads the same few cache lines whether the table holds a
    thousand keys or ten million. Keys added one at a time wait in a dict and join the
    arrays in one merge. datasketch's MinHashLSH keeps a Python set per bucket instead:
    14 KB per item with 42 bands, 1.4 GB at 100,000 items, against 1.4 KB per item here,
    signatures included (benchmarks/dedup_index.py).
    """

    def __init__(self) -> None:
        self._keys: npt.NDArray[np.uint64] = np.empty(0, dtype=np.uint64)
        self._items: npt.NDArray[np.int64] = np.empty(0, dtype=np.int64)
        self._shift = np.uint64(63)
        self._offsets: npt.NDArray[np.intp] = np.zeros(3, dtype=np.intp)
        self._recent: dict[int, list[int]] = {}
        self._recent_entries = 0
        # Removed items whose keys are still in the arrays: lookups may return them, the
        # index drops them, and the next merge purges them (answers never depend on it).
        self._stale: set[int] = set()

    def add(self, keys: npt.NDArray[np.uint64], item_id: int) -> None:
        if item_id in self._stale:
            # The id is live again, so its old keys would never be purged: purge them now.
            self._merge(*self._take_recent())
        for key in keys.tolist():
            self._recent.setdefault(key, []).append(item_id)
        self._recent_entries += len(keys)
        if self._recent_entries >= max(_MIN_RECENT_ENTRIES, len(self._keys) // _RECENT_SHARE):
            self._merge(*self._take_recent())

    def add_many(self, keys: npt.NDArray[np.uint64], items: npt.NDArray[np.int64]) -> None:
        if self._recent or self._stale:
            # Purge removed items before their ids may come back in this batch.
            self._merge(*self._take_recent())
        self._merge(keys, items)

    def discard(self, item_id: int) -> None:
        self._stale.add(item_id)

    def lookup(self, keys: npt.NDArray[np.uint64]) -> set[int]:
        """Items with at least one of the keys (removed items included)."""
        found: set[int] = set()
        if len(self._keys):
            buckets = (keys >> self._shift).astype(np.intp)
            starts = self._offsets[buckets]
            lengths = self._offsets[buckets + 1] - starts
            # Every position of every key's slice, flattened, then the ones holding the key.
            positions = np.repeat(starts - (np.cumsum(lengths) - lengths), lengths) + np.arange(lengths.sum())
            matches = positions[self._keys[positions] == np.repeat(keys, lengths)]
            found.update(self._items[matches].tolist())
        if self._recent:
            for key in keys.tolist():
                found.update(self._recent.get(key, ()))
        return found

    def _take_recent(self) -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.int64]]:
        keys = np.fromiter((key for key, owners in self._recent.items() for _ in owners), dtype=np.uint64)
        items = np.fromiter((owner for owners in self._recent.values() for owner in owners), dtype=np.int64)
        self._recent = {}
        self._recent_entries = 0
        return keys, items

    def _merge(self, keys: npt.NDArray[np.uint64], items: npt.NDArray[np.int64]) -> None:
        if self._stale:
            stale = np.fromiter(self._stale, dtype=np.int64)
            kept = ~np.isin(self._items, stale)
            self._keys, self._items = self._keys[kept], self._items[kept]
            new = ~np.isin(items, stale)
            keys, items = keys[new], items[new]
            self._stale = set()
        order = np.argsort(keys, kind="stable")
        positions = np.searchsorted(self._keys, keys[order], side="right")
        self._keys = np.insert(self._keys, positions, keys[order])
        self._items = np.insert(self._items, positions, items[order])
        self._index_directory()

    def _index_directory(self) -> None:
        # 2**bits slices of 4 to 8 keys on average: the directory costs at most 2 bytes a key.
        bits = max(1, len(self._keys).bit_length() - 3)
        self._shift = np.uint64(64 - bits)
        counts = np.bincount((self._keys >> self._shift).astype(np.intp), minlength=2**bits)
        self._offsets = np.zeros(2**bits + 1, dtype=np.intp)
        np.cumsum(counts, out=self._offsets[1:])


def is_near_duplicate_text(a: str, b: str, settings: DedupSettings) -> bool:
    """Whether text `b` would join an item stored with text `a` (the index's rule, no index)."""
    num_perm = settings.num_perm
    return similarity(text_signature(a, num_perm), text_signature(b, num_perm)) >= settings.threshold


# --- Scrapy adapter below ---

# The dedup stage of each running crawler, for the store stage's final check (`recheck`).
_STAGES: WeakKeyDictionary[Crawler, DedupPipeline] = WeakKeyDictionary()


def dedup_stage(crawler: Crawler) -> DedupPipeline | None:
    """The crawler's DedupPipeline, if ITEM_PIPELINES has one."""
    return _STAGES.get(crawler)


class DedupPipeline:
    """Marks an item that repeats a stored article (same text, or a near-duplicate copy).

    The decision needs the store (exact hashes) and the index of stored signatures. The
    index takes in this crawl's new articles as the store stage stores them, and those of
    other processes writing to the same database (a scheduled crawl, a scale-out worker) from
    the store: at most every CATCH_UP_SECONDS before a decision, and always before an item
    decided new is stored. Built from the store, it gives the same answers after a restart.
    """

    def __init__(self, database_url: str, settings: DedupSettings, stats: StatsCollector) -> None:
        self.database_url = database_url
        self.settings = settings
        self.stats = stats
        self.store: Store | None = None
        # Candidates' signatures are read from the store: the index holds ids and band keys only.
        self.index = NearDuplicateIndex(settings, signature_of=self._stored_signature)
        self.last_indexed_id = 0
        self._caught_up_at = float("-inf")  # time.monotonic() of the last look at the store
        # Goes up by one each time an article joins the index or rejoins it with a new text.
        self._index_version = 0
        self._updated: list[ArticleItem] = []  # stored articles whose text may have changed

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = DedupSettings(
            threshold=crawler.settings.getfloat("DEDUP_SIMILARITY"), num_perm=crawler.settings.getint("DEDUP_NUM_PERM")
        )
        pipeline = cls(crawler.settings["DATABASE_URL"], settings, crawler.stats)
        _STAGES[crawler] = pipeline
        return pipeline

    def open_spider(self) -> None:
        # Imported here: the extraction workers import this module for its pure functions only.
        from storage.repository import Store

        self.store = Store.open(self.database_url)
        self._catch_up()
        self.stats.set_value("dedup/index_size", len(self.index))

    def close_spider(self) -> None:
        if self.store is not None:
            self.store.close()

    def _stored_signature(self, article_id: int) -> bytes | None:
        assert self.store is not None, "open_spider was not called"
        return self.store.article_signature(article_id)

    def _catch_up(self) -> None:
        """Index the articles stored since the last look, and the new texts of updated ones.

        This crawl's own new articles join the index as they are stored (`note_stored`); the
        ones found here were stored by another process.
        """
        assert self.store is not None
        self._caught_up_at = time.monotonic()
        for article_id, signature in self.store.iter_signatures(after_id=self.last_indexed_id):
            self.last_indexed_id = article_id
            if article_id in self.index:
                continue
            self._index_version += 1
            try:
                self.index.add(article_id, signature)
            except SignatureError:
                # Stored by an older signature scheme: recompute it from the stored text, once.
                fresh = text_signature(self.store.article_text(article_id), self.settings.num_perm)
                self.store.update_extraction(article_id, {"signature": fresh})
                self.index.add(article_id, fresh)
        for item in self._updated:
            if item.article_id is not None and item.article_id in self.index:
                self.index.remove(item.article_id)
                self.index.add(item.article_id, item.signature)
                self._index_version += 1
        self._updated.clear()

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, ArticleItem):
            return item
        assert self.store is not None, "open_spider was not called"
        # What other processes stored is looked for at most every CATCH_UP_SECONDS here: an
        # item this decides is new is decided again, on a fresh look, before it is stored.
        if time.monotonic() - self._caught_up_at >= CATCH_UP_SECONDS:
            self._catch_up()
        self._decide(item)
        return item

    def recheck(self, item: ArticleItem) -> None:
        """Decide again for an item about to be stored as new, if articles were stored since its decision.

        The store stage calls this holding `Store.new_article_lock`: between this stage's first
        decision and the insert, another process writing to the same database (a scale-out
        worker, a scheduled crawl) may have stored the very article this page copies.
        """
        self._catch_up()
        if self._index_version != item.decided_at_index_version:
            self._decide(item)

    def note_stored(self, article_id: int, signature: bytes) -> None:
        """Index an article the store stage has just stored as new, without asking the store.

        Called under `Store.new_article_lock`, like `recheck`: so the index holds every article
        this crawl stored, and a later copy of it is found without a look at the store.
        """
        if article_id not in self.index:
            self.index.add(article_id, signature)
            self._index_version += 1
        # The look at the store just before (`recheck`, under the same lock) read every article
        # up to last_indexed_id; the next id can only be this one, so the next look need not
        # read it back. After a gap in the ids (PostgreSQL's sequence skips some) it does.
        if article_id == self.last_indexed_id + 1:
            self.last_indexed_id = article_id

    def _decide(self, item: ArticleItem) -> None:
        assert self.store is not None, "open_spider was not called"
        if not item.content_hash:  # the extraction worker computes both; items from elsewhere may lack them
            item.content_hash, item.signature = text_fingerprints(item.text, self.settings.num_perm)
        item.decided_at_index_version = self._index_version
        known = self.store.first_known_url([item.canonical_url, *item.urls])
        if known is not None:
            # Seen before: the same article again (maybe corrected), or a known copy.
            item.duplicate_of = known.article_id if known.kind == "copy" else None
            if item.duplicate_of is None and all(pending is not item for pending in self._updated):
                self._updated.append(item)
            return
        exact = self.store.article_id_by_hash(item.content_hash)
        if exact is not None:
            item.duplicate_of = exact
            self.stats.inc_value("dedup/exact")
            return
        match = self.index.find(item.signature)
        if match is not None:
            item.duplicate_of = match[0]
            self.stats.inc_value("dedup/near")
            logger.debug(
                "Copy of item %(id)s (similarity %(sim).2f): %(url)s",
                {"id": match[0], "sim": match[1], "url": item.url},
            )
            return
