"""ReturnFreedMemory: freed heap pages go back to the system; the extension stays off when asked."""

from __future__ import annotations

import subprocess
import sys

import pytest
from scrapy.exceptions import NotConfigured
from scrapy.utils.test import get_crawler

from crawler.memory import ReturnFreedMemory, malloc_trim

# Fills the heap with page-sized buffers, frees every other one (holes glibc cannot give back by
# itself), then prints the resident size before and after malloc_trim.
PROBE = """
from crawler.memory import malloc_trim

def rss():
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS"))

buffers = [bytearray(60_000) for _ in range(3000)]
del buffers[::2]
before = rss()
malloc_trim()()
print(before, rss())
"""


@pytest.mark.skipif(malloc_trim() is None, reason="this C library has no malloc_trim (not glibc)")
def test_trimming_returns_freed_heap_pages_to_the_system() -> None:
    result = subprocess.run([sys.executable, "-c", PROBE], check=True, capture_output=True, text=True)
    before, after = (int(kilobytes) for kilobytes in result.stdout.split())
    assert before - after > 50_000  # about 90 MB were freed in holes; most must leave


def test_the_extension_is_off_at_interval_zero() -> None:
    with pytest.raises(NotConfigured):
        ReturnFreedMemory.from_crawler(get_crawler(settings_dict={"MEMORY_TRIM_INTERVAL": 0}))
