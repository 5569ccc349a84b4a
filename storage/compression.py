"""How raw pages are kept: zlib-compressed bytes. No SQLAlchemy here, so extraction workers can compress."""

from __future__ import annotations

import zlib

# Level 3. On the public benchmark's 181 pages (170 KB on average) level 6, zlib's default, took
# 2.7 ms a page for 19.7% of the size, level 3 1.6 ms for 22.1%, level 1 1.3 ms for 23.5%; on
# benchmarks/sitegen.py's pages 0.92, 0.49 and 0.41 ms. Past level 3 each step costs more than
# it saves: the compression runs on every page fetched, in the workers that extract it.
_LEVEL = 3


def compress_html(html: str) -> bytes:
    return zlib.compress(html.encode("utf-8"), _LEVEL)


def decompress_html(blob: bytes) -> str:
    return zlib.decompress(blob).decode("utf-8")
