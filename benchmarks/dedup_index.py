"""Time per near-duplicate check and index memory as the store grows (1,000 to 100,000 items).

Usage:
    python -m benchmarks.dedup_index [--sizes 1000 10000 100000] [--queries 1000] [--with-minhashlsh]

Stored items are synthetic: each is a seeded random set of 300 shingle hashes (what a ~300-word
article gives), turned into a signature by the production code (`signature_of_hashes`),
so building 100,000 of them takes seconds rather than the minutes that writing and
shingling 100,000 texts would. Queries mix hits (a stored item with a fifth of its
shingles replaced, Jaccard ~0.67) and misses (fresh sets), in a seeded random order.

For each size the table gives: the time to rebuild the index from stored signatures
(`add_many`, what a crawl does on start), the median and 95th percentile time of `find`,
how many hits and misses were answered right, the memory the index holds (tracemalloc,
signatures included; "lean": with `signature_of`, as a crawl keeps it, ids and band keys only,
signatures read from the store), and then the mean time of `add` (one new item, merges included).
`--with-minhashlsh` adds datasketch's MinHashLSH with the same bands, for comparison.
Then the time to compute one signature from a typical 500-word article (per item, not per
index size), for spaced and for Chinese text.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from datasketch import LeanMinHash, MinHashLSH

from pipelines.dedup import (
    DedupSettings,
    NearDuplicateIndex,
    band_shape,
    signature_of_hashes,
    similarity,
    text_signature,
)

if TYPE_CHECKING:
    import numpy.typing as npt

SEED = 20240611
SHINGLES_PER_ITEM = 300
REPLACED_IN_A_HIT = 60  # of 300: Jaccard 240 / 360 = 0.67
WARM_UP = 200  # untimed find() calls first, so the first size is not measured on cold caches
ROUNDS = 5  # the query set is timed this many times: a shared machine's noise evens out


@dataclass(frozen=True)
class SizeResult:
    """The figures for one index size."""

    items: int
    rebuild_s: float
    add_us_mean: float
    find_us_median: float
    find_us_p95: float
    hits_found: int
    hits: int
    misses_clear: int
    misses: int
    memory_bytes: int
    lean_memory_bytes: int  # with signature_of: what a crawl's DedupPipeline holds


@dataclass(frozen=True)
class LshResult:
    """datasketch MinHashLSH at one size, same bands, for comparison."""

    items: int
    insert_us_mean: float
    find_us_median: float
    memory_bytes: int


def shingle_list(rng: np.random.Generator, count: int) -> npt.NDArray[np.uint32]:
    """`count` random shingle hashes (what `shingle_hashes` gives a text)."""
    return rng.integers(0, 2**32, size=count, dtype=np.uint32)


def stored_shingles(item: int) -> npt.NDArray[np.uint32]:
    return shingle_list(np.random.default_rng([SEED, item]), SHINGLES_PER_ITEM)


def signature_of(hashes: npt.NDArray[np.uint32], num_perm: int) -> bytes:
    return signature_of_hashes(np.unique(hashes), num_perm)


def stored_signatures(count: int, num_perm: int) -> list[bytes]:
    return [signature_of(stored_shingles(item), num_perm) for item in range(count)]


def queries(items: int, count: int, num_perm: int) -> list[tuple[bytes, int | None]]:
    """Half hits (with the item they copy), half misses, in a seeded random order."""
    rng = np.random.default_rng([SEED, items, 1])
    result: list[tuple[bytes, int | None]] = []
    for target in rng.integers(0, items, size=count // 2).tolist():
        kept = stored_shingles(target)[REPLACED_IN_A_HIT:]
        copy = np.concatenate([kept, shingle_list(rng, REPLACED_IN_A_HIT)])
        result.append((signature_of(copy, num_perm), target))
    for _ in range(count - count // 2):
        result.append((signature_of(shingle_list(rng, SHINGLES_PER_ITEM), num_perm), None))
    random.Random(SEED).shuffle(result)
    return result


def traced_memory(build: Callable[[], object]) -> tuple[object, int]:
    """What `build` returns and the bytes it still holds once built."""
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    built = build()
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    return built, after - before


def fresh(signature: bytes) -> bytes:
    # A new bytes object, as read from the store, so tracemalloc counts it for the index.
    return bytes(bytearray(signature))


def measure_index(
    signatures: Sequence[bytes], extra: Sequence[bytes], settings: DedupSettings, query_count: int
) -> SizeResult:
    items = len(signatures)

    def build() -> NearDuplicateIndex:
        index = NearDuplicateIndex(settings)
        index.add_many((item, fresh(signature)) for item, signature in enumerate(signatures))
        return index

    traced, memory = traced_memory(build)
    del traced
    # What a crawl holds: ids and band keys, the signatures staying in the store (signature_of).
    stored = dict(enumerate(signatures))

    def build_lean() -> NearDuplicateIndex:
        index = NearDuplicateIndex(settings, signature_of=stored.get)
        index.add_many((item, fresh(signature)) for item, signature in enumerate(signatures))
        return index

    traced, lean_memory = traced_memory(build_lean)
    del traced

    started = time.perf_counter()
    index = NearDuplicateIndex(settings)
    index.add_many(enumerate(signatures))
    rebuild_s = time.perf_counter() - started

    checks = queries(items, query_count, settings.num_perm)
    for signature, _ in checks[:WARM_UP]:
        index.find(signature)
    timings: list[float] = []
    for _ in range(ROUNDS):
        for signature, _ in checks:
            started_ns = time.perf_counter_ns()
            index.find(signature)
            timings.append((time.perf_counter_ns() - started_ns) / 1000)
    hits = hits_found = misses = misses_clear = 0
    for signature, target in checks:
        found = index.find(signature)
        if target is None:
            misses += 1
            misses_clear += found is None
        else:
            hits += 1
            hits_found += found is not None and found[0] == target

    # Last, as it grows the index: new items one at a time, merges included.
    started = time.perf_counter()
    for offset, signature in enumerate(extra):
        index.add(items + offset, signature)
    add_us_mean = (time.perf_counter() - started) / len(extra) * 1e6
    return SizeResult(
        items=items,
        rebuild_s=rebuild_s,
        add_us_mean=add_us_mean,
        find_us_median=statistics.median(timings),
        find_us_p95=statistics.quantiles(timings, n=20)[-1],
        hits_found=hits_found,
        hits=hits,
        misses_clear=misses_clear,
        misses=misses,
        memory_bytes=memory,
        lean_memory_bytes=lean_memory,
    )


def measure_minhashlsh(signatures: Sequence[bytes], settings: DedupSettings, query_count: int) -> LshResult:
    """MinHashLSH with the bands our index uses; `find` here is its query plus verification."""
    bands, rows = band_shape(settings)

    def lean(signature: bytes) -> LeanMinHash:
        values = np.frombuffer(signature, dtype="<u4", offset=8)  # after the 8-byte header
        return LeanMinHash(seed=1, hashvalues=values, scheme="affine32")

    def build() -> tuple[MinHashLSH, dict[int, bytes]]:
        lsh = MinHashLSH(num_perm=settings.num_perm, params=(bands, rows))
        kept: dict[int, bytes] = {}
        for item, signature in enumerate(signatures):
            kept[item] = fresh(signature)
            lsh.insert(item, lean(kept[item]), check_duplication=False)
        return lsh, kept

    traced, memory = traced_memory(build)
    del traced
    started = time.perf_counter()
    lsh, kept = build()
    insert_us_mean = (time.perf_counter() - started) / len(signatures) * 1e6

    checks = queries(len(signatures), query_count, settings.num_perm)
    for signature, _ in checks[:WARM_UP]:
        lsh.query(lean(signature))
    timings: list[float] = []
    for _ in range(ROUNDS):
        for signature, _ in checks:
            started_ns = time.perf_counter_ns()
            candidates = lsh.query(lean(signature))
            scores = [(similarity(signature, kept[item]), -item) for item in candidates]
            _ = max(scores, default=None)
            timings.append((time.perf_counter_ns() - started_ns) / 1000)
    return LshResult(len(signatures), insert_us_mean, statistics.median(timings), memory)


def pseudo_words(rng: random.Random, count: int) -> list[str]:
    letters = "etaoinshrdlcumwfgypbvkjxqz"
    return ["".join(rng.choices(letters, k=rng.randint(2, 10))) for _ in range(count)]


def spaced_article(rng: random.Random, vocabulary: list[str], words: int) -> str:
    """Sentences of 8-25 words drawn Zipf-like from the vocabulary, in paragraphs."""
    weights = [1 / rank for rank in range(1, len(vocabulary) + 1)]
    chosen = rng.choices(vocabulary, weights=weights, k=words)
    sentences: list[str] = []
    while chosen:
        length = rng.randint(8, 25)
        sentence, chosen = chosen[:length], chosen[length:]
        sentences.append(" ".join(sentence).capitalize() + ".")
    return "\n\n".join(" ".join(sentences[start : start + 5]) for start in range(0, len(sentences), 5))


def chinese_article(rng: random.Random, characters: int) -> str:
    common = [chr(code) for code in range(0x4E00, 0x4E00 + 3000)]
    body = "".join(rng.choices(common, k=characters))
    return "。\n".join(body[start : start + 40] for start in range(0, len(body), 40))


def signature_ms(texts: Sequence[str], rounds: int) -> float:
    """Median milliseconds for one text_signature call."""
    timings: list[float] = []
    for _ in range(rounds):
        for text in texts:
            started = time.perf_counter()
            text_signature(text)
            timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def format_table(results: Sequence[SizeResult], lsh: Sequence[LshResult], settings: DedupSettings) -> str:
    bands, rows = band_shape(settings)
    lines = [
        f"NearDuplicateIndex: threshold {settings.threshold}, num_perm {settings.num_perm}, "
        f"{bands} bands x {rows} rows",
        f"{'items':>9} {'rebuild s':>10} {'add µs':>8} {'find µs':>8} {'p95 µs':>8} "
        f"{'hits found':>12} {'misses none':>12} {'memory MB':>10} {'bytes/item':>11} "
        f"{'lean MB':>8} {'lean B/item':>12}",
    ]
    for r in results:
        lines.append(
            f"{r.items:>9,} {r.rebuild_s:>10.2f} {r.add_us_mean:>8.1f} {r.find_us_median:>8.1f} "
            f"{r.find_us_p95:>8.1f} {f'{r.hits_found}/{r.hits}':>12} {f'{r.misses_clear}/{r.misses}':>12} "
            f"{r.memory_bytes / 1e6:>10.1f} {r.memory_bytes / r.items:>11,.0f} "
            f"{r.lean_memory_bytes / 1e6:>8.1f} {r.lean_memory_bytes / r.items:>12,.0f}"
        )
    if len(results) > 1:
        first, last = results[0], results[-1]
        ratio = last.find_us_median / first.find_us_median
        lines.append(f"time per check at {last.items:,} / at {first.items:,} items: {ratio:.2f}")
    if lsh:
        lines.append("")
        lines.append(f"datasketch MinHashLSH, same {bands} bands x {rows} rows (query + verification):")
        lines.append(f"{'items':>9} {'insert µs':>10} {'find µs':>8} {'memory MB':>10} {'bytes/item':>11}")
        for m in lsh:
            lines.append(
                f"{m.items:>9,} {m.insert_us_mean:>10.1f} {m.find_us_median:>8.1f} "
                f"{m.memory_bytes / 1e6:>10.1f} {m.memory_bytes / m.items:>11,.0f}"
            )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Print the table; exit status 1 if a hit was missed or a miss matched."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--queries", type=int, default=1_000, help="find() calls per size, half hits")
    parser.add_argument("--adds", type=int, default=3_000, help="add() calls timed per size")
    parser.add_argument("--with-minhashlsh", action="store_true", help="also measure datasketch MinHashLSH")
    args = parser.parse_args(argv)
    settings = DedupSettings()
    sizes = sorted(args.sizes)

    started = time.perf_counter()
    signatures = stored_signatures(sizes[-1] + args.adds, settings.num_perm)
    print(f"{len(signatures):,} synthetic signatures in {time.perf_counter() - started:.1f} s", file=sys.stderr)

    results: list[SizeResult] = []
    lsh: list[LshResult] = []
    for size in sizes:
        extra = signatures[sizes[-1] : sizes[-1] + args.adds]
        results.append(measure_index(signatures[:size], extra, settings, args.queries))
        if args.with_minhashlsh:
            lsh.append(measure_minhashlsh(signatures[:size], settings, args.queries))
        print(f"measured {size:,} items", file=sys.stderr)
    print(format_table(results, lsh, settings))

    rng = random.Random(SEED)
    vocabulary = pseudo_words(rng, 5_000)
    spaced = [spaced_article(rng, vocabulary, 500) for _ in range(20)]
    chinese = [chinese_article(rng, 800) for _ in range(20)]
    print()
    print("text_signature, one article (per item, whatever the index size):")
    print(f"  500-word spaced-script article: {signature_ms(spaced, 10):.2f} ms (median)")
    print(f"  800-character Chinese article:  {signature_ms(chinese, 10):.2f} ms (median)")

    wrong = [r for r in results if r.hits_found != r.hits or r.misses_clear != r.misses]
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
