"""`tripwatch demo`: the sample news web served on 127.0.0.1, its config written out, ready to crawl.

Everything stays on this machine: a newcomer sees the whole flow without a network.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from config.sources import DEFAULT_CONFIG_DIR
from demo.server import FixtureWeb

DEMO_SOURCES = Path(__file__).resolve().parent.parent / "demo" / "sources.yaml"

# Local pages answer in milliseconds; politeness delays would only make the demo slow.
DEMO_SETTINGS = {
    "DOWNLOAD_DELAY": 0,
    "AUTOTHROTTLE_ENABLED": False,
    "DOWNLOAD_TIMEOUT": 2,
    "RETRY_TIMES": 2,
    "DOWNLOAD_MAXSIZE": 1024 * 1024,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 8,
}


def write_demo_config(web: FixtureWeb, folder: Path) -> Path:
    """sources.yaml for the running sample web (its ports are new each time), plus the watch list."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "sources.yaml").write_text(web.render_config(DEMO_SOURCES), encoding="utf-8")
    watchlist = DEFAULT_CONFIG_DIR / "watchlist.yaml"
    if watchlist.exists():
        shutil.copy(watchlist, folder / "watchlist.yaml")
    return folder
