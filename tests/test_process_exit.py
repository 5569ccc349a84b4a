"""The entry points freeze the heap before the interpreter exits (crawler/process_exit.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

# atexit handlers run after the entry point's last line: what they see is what the exit sees.
REPORT_FREEZE = "import atexit, gc; atexit.register(lambda: print('frozen objects:', gc.get_freeze_count()))"


def run(code: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", f"{REPORT_FREEZE}\n{code}"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", "TRIPWATCH_CONFIG": str(tmp_path)},
    )


def frozen(result: subprocess.CompletedProcess[str]) -> int:
    line = next(line for line in result.stdout.splitlines() if line.startswith("frozen objects:"))
    return int(line.split(":")[1])


def test_without_the_entry_point_nothing_is_frozen(tmp_path: Path) -> None:
    result = run("import crawler.cli", tmp_path)
    assert frozen(result) == 0


def test_tripwatch_freezes_its_heap_on_the_way_out(tmp_path: Path) -> None:
    result = run("import sys; sys.argv = ['tripwatch', '--help']\nfrom crawler.cli import main\nmain()", tmp_path)
    assert result.returncode == 0
    assert "Usage: tripwatch" in result.stdout
    assert frozen(result) > 10_000


def test_the_crawl_child_freezes_its_heap_after_reporting(tmp_path: Path) -> None:
    (tmp_path / "sources.yaml").write_text("sources: []\n", encoding="utf-8")
    code = "import runpy, sys; sys.argv = ['crawler.runner', 'no-such-source']\n"
    code += "runpy.run_module('crawler.runner', run_name='__main__')"
    result = run(code, tmp_path)
    assert result.returncode == 2, result.stderr
    assert "no-such-source" in result.stderr
    assert frozen(result) > 10_000
