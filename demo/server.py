"""Serve the sample news web: one local HTTP server (one origin) per outlet folder.

Each folder `sites/<outlet>/` is served on its own `ThreadingHTTPServer` bound to
127.0.0.1 on a free port, so every outlet has its own host:port and robots.txt.
Text files may contain `{BASE}` (this outlet's base URL) and `{BASE:<outlet>}`
(another outlet's base URL); they are substituted at the byte level when served,
so pages in a legacy encoding keep their encoding.

`sites/<outlet>/_behaviours.yaml` (never served) makes some paths misbehave on
purpose: flaky, slow, redirecting, oversized, odd content type, fixed status, or a
query-string variant served from its own file. See `Behaviours` for the keys.

Run `python -m demo.server` to start the web by hand and print each outlet's base.
"""

from __future__ import annotations

import argparse
import email.utils
import hashlib
import logging
import re
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any, Self
from urllib.parse import unquote, urlsplit

import yaml

logger = logging.getLogger(__name__)

SITES_DIR = Path(__file__).resolve().parent / "sites"
BEHAVIOURS_FILE = "_behaviours.yaml"

#: Files whose placeholders are substituted when served.
RENDERED_SUFFIXES = frozenset({".html", ".xml", ".rss", ".atom", ".txt", ".json"})

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".rss": "application/rss+xml",
    ".atom": "application/atom+xml",
    ".xml": "application/xml",
    ".txt": "text/plain; charset=utf-8",
    ".json": "application/json",
    ".pdf": "application/pdf",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".svg": "image/svg+xml",
    ".jpg": "image/jpeg",
    ".png": "image/png",
}
DEFAULT_CONTENT_TYPE = "application/octet-stream"

#: Last-Modified of every static file: file mtimes differ between clones, so use one fixed date.
DEFAULT_LAST_MODIFIED = datetime(2026, 10, 17, 6, 0, 0, tzinfo=UTC)

_PLACEHOLDER = re.compile(rb"\{BASE(?::([a-z0-9][a-z0-9_.-]*))?\}")
_BEHAVIOUR_KEYS = frozenset(
    {"flaky", "slow", "redirect", "oversized", "content_type", "status", "files", "last_modified"}
)


class FixtureWebError(Exception):
    """The sample web is misconfigured or used before it is started."""


@dataclass(frozen=True)
class RequestRecord:
    """One request as the server saw it."""

    outlet: str
    method: str
    path: str  # path with query, as sent
    headers: dict[str, str]
    status: int


@dataclass(frozen=True)
class Redirect:
    location: str
    status: int = 301


@dataclass(frozen=True)
class Behaviours:
    """What `_behaviours.yaml` declares for one outlet; every map is keyed by URL path.

    flaky: path -> number of 500 answers before the first 200.
    slow: path -> seconds to sleep before answering.
    redirect: path -> location, or {to: location, status: 302}.
    oversized: path -> size in bytes of an HTML page generated on the fly.
    content_type: path -> Content-Type header replacing the one chosen by extension.
    status: path -> fixed status code (answered with a short HTML body).
    files: path with query -> file (relative to the outlet folder) serving that exact URL.
    last_modified: ISO 8601 timestamp used as Last-Modified for this outlet's files.
    """

    flaky: dict[str, int] = field(default_factory=dict)
    slow: dict[str, float] = field(default_factory=dict)
    redirect: dict[str, Redirect] = field(default_factory=dict)
    oversized: dict[str, int] = field(default_factory=dict)
    content_type: dict[str, str] = field(default_factory=dict)
    status: dict[str, int] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)
    last_modified: datetime = DEFAULT_LAST_MODIFIED


def load_behaviours(path: Path) -> Behaviours:
    """Read one outlet's `_behaviours.yaml`; a missing file means no behaviours."""
    if not path.exists():
        return Behaviours()
    raw: Any = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(raw, dict):
        raise FixtureWebError(f"{path}: expected a mapping of behaviour name to paths")
    unknown = set(raw) - _BEHAVIOUR_KEYS
    if unknown:
        raise FixtureWebError(
            f"{path}: unknown behaviour {sorted(unknown)[0]!r}; expected one of {sorted(_BEHAVIOUR_KEYS)}"
        )
    redirects: dict[str, Redirect] = {}
    for source, target in (raw.get("redirect") or {}).items():
        if isinstance(target, dict):
            redirects[source] = Redirect(str(target["to"]), int(target.get("status", 301)))
        else:
            redirects[source] = Redirect(str(target))
    last_modified = DEFAULT_LAST_MODIFIED
    if "last_modified" in raw:
        last_modified = datetime.fromisoformat(str(raw["last_modified"])).astimezone(UTC)
    return Behaviours(
        flaky={key: int(value) for key, value in (raw.get("flaky") or {}).items()},
        slow={key: float(value) for key, value in (raw.get("slow") or {}).items()},
        redirect=redirects,
        oversized={key: int(value) for key, value in (raw.get("oversized") or {}).items()},
        content_type={key: str(value) for key, value in (raw.get("content_type") or {}).items()},
        status={key: int(value) for key, value in (raw.get("status") or {}).items()},
        files={key: str(value) for key, value in (raw.get("files") or {}).items()},
        last_modified=last_modified,
    )


@dataclass(frozen=True)
class Override:
    body: bytes
    content_type: str
    last_modified: datetime


@dataclass(frozen=True)
class Response:
    status: int
    headers: dict[str, str]
    body: bytes = b""


def http_date(moment: datetime) -> str:
    return email.utils.format_datetime(moment.astimezone(UTC), usegmt=True)


def entity_tag(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:20] + '"'


def oversized_page(size: int) -> bytes:
    """A syntactically valid HTML page of exactly `size` bytes (for size limits)."""
    head = b"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>Full transcript</title></head><body>"
    tail = b"</body></html>"
    paragraph = b"<p>The committee resumed after a short adjournment and the chair read the next item.</p>\n"
    filler_size = max(size - len(head) - len(tail), 0)
    filler = (paragraph * (filler_size // len(paragraph) + 1))[:filler_size]
    return head + filler + tail


def _matches_etag(header: str, etag: str) -> bool:
    candidates = [part.strip().removeprefix("W/") for part in header.split(",")]
    return "*" in candidates or etag in candidates


def _not_modified_since(header: str, last_modified: datetime) -> bool:
    try:
        since = email.utils.parsedate_to_datetime(header)
    except (TypeError, ValueError):
        return False
    if since.tzinfo is None:
        since = since.replace(tzinfo=UTC)
    return last_modified.replace(microsecond=0) <= since


class _OutletServer(ThreadingHTTPServer):
    daemon_threads = True
    # Many parallel test crawls open connections in bursts.
    request_queue_size = 64

    def __init__(self, web: FixtureWeb, outlet: str) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.web = web
        self.outlet = outlet

    def handle_error(self, request: Any, client_address: Any) -> None:
        error = sys.exc_info()[1]
        if isinstance(error, ConnectionError):
            # The client hung up (its timeout or size limit fired): expected, not worth a traceback.
            logger.debug(
                "Client %(client)s closed the connection: %(error)s", {"client": client_address, "error": error}
            )
            return
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    server: _OutletServer
    protocol_version = "HTTP/1.1"
    server_version = "FixtureWeb/1.0"

    def do_GET(self) -> None:
        self._answer(send_body=True)

    def do_HEAD(self) -> None:
        self._answer(send_body=False)

    def log_message(self, format: str, *args: Any) -> None:
        # Per-request lines on stderr would drown the test output; the request log keeps them.
        return

    def _answer(self, send_body: bool) -> None:
        web, outlet = self.server.web, self.server.outlet
        headers = {key: value for key, value in self.headers.items()}
        try:
            response = web.respond(outlet, self.path, headers)
        except FixtureWebError as error:
            # E.g. a page names an outlet that this web does not serve: say so in the answer.
            logger.warning("Fixture web cannot serve %(path)s: %(error)s", {"path": self.path, "error": error})
            response = _short_page(HTTPStatus.INTERNAL_SERVER_ERROR)
        web.record(RequestRecord(outlet, self.command, self.path, headers, response.status))
        self.send_response(response.status)
        for key, value in response.headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        if send_body and response.body:
            self.wfile.write(response.body)


class FixtureWeb:
    """The sample news web: start it, ask for each outlet's base URL, read the request log."""

    def __init__(self, sites_dir: Path | None = None, outlets: list[str] | None = None) -> None:
        self.sites_dir = (sites_dir or SITES_DIR).resolve()
        self.outlets = outlets if outlets is not None else discover_outlets(self.sites_dir)
        for outlet in self.outlets:
            if not (self.sites_dir / outlet).is_dir():
                raise FixtureWebError(f"outlet {outlet!r} has no folder in {self.sites_dir}")
        self.behaviours = {
            outlet: load_behaviours(self.sites_dir / outlet / BEHAVIOURS_FILE) for outlet in self.outlets
        }
        #: When set, replaces every `slow` duration (tests keep their timeouts short).
        self.slow_seconds: float | None = None
        self.bases: dict[str, str] = {}
        self.requests: list[RequestRecord] = []
        self._servers: dict[str, _OutletServer] = {}
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()
        self._overrides: dict[tuple[str, str], Override] = {}
        self._failing: set[str] = set()
        self._hits: dict[tuple[str, str], int] = {}

    # -- lifecycle -------------------------------------------------------------------

    def start(self) -> Self:
        if self._servers:
            return self
        # Bind every port first: a page may name another outlet's base.
        for outlet in self.outlets:
            server = _OutletServer(self, outlet)
            self._servers[outlet] = server
            host, port = server.server_address[:2]
            self.bases[outlet] = f"http://{host!s}:{port}"
        for outlet, server in self._servers.items():
            # A short poll interval keeps stop() fast: shutdown() waits for the next poll.
            thread = threading.Thread(
                target=server.serve_forever, args=(0.05,), name=f"fixture-web-{outlet}", daemon=True
            )
            thread.start()
            self._threads.append(thread)
        logger.debug("Fixture web started: %(bases)s", {"bases": self.bases})
        return self

    def stop(self) -> None:
        for server in self._servers.values():
            server.shutdown()
            server.server_close()
        for thread in self._threads:
            thread.join(timeout=5)
        self._servers.clear()
        self._threads.clear()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    # -- addresses and placeholders ---------------------------------------------------

    def base_url(self, outlet: str) -> str:
        try:
            return self.bases[outlet]
        except KeyError:
            raise FixtureWebError(
                f"no base URL for outlet {outlet!r}; started: {bool(self._servers)}, outlets: {self.outlets}"
            ) from None

    def url(self, outlet: str, path: str) -> str:
        return self.base_url(outlet) + path

    def render_bytes(self, data: bytes, outlet: str | None = None) -> bytes:
        """Substitute `{BASE}` and `{BASE:<outlet>}` in raw bytes (any ASCII-compatible encoding)."""

        def replace(match: re.Match[bytes]) -> bytes:
            name = match.group(1).decode("ascii") if match.group(1) else outlet
            if name is None:
                raise FixtureWebError("text uses {BASE} but no outlet was given; use {BASE:<outlet>}")
            return self.base_url(name).encode("ascii")

        return _PLACEHOLDER.sub(replace, data)

    def render(self, text: str, outlet: str | None = None) -> str:
        """Substitute placeholders in text; `{BASE}` needs the outlet it belongs to."""
        return self.render_bytes(text.encode("utf-8"), outlet).decode("utf-8")

    def render_config(self, path: Path) -> str:
        """A config file (e.g. demo/sources.yaml) with every `{BASE:<outlet>}` filled in."""
        return self.render(path.read_text(encoding="utf-8"))

    # -- test controls ---------------------------------------------------------------

    def set_override(self, outlet: str, path: str, body: bytes, content_type: str = "text/html; charset=utf-8") -> None:
        """Serve `body` (placeholders rendered) for `path` instead of the file, as modified now.

        The new Last-Modified is always later than the file's and than any earlier override,
        even when the clock reads a date before the fixed file date or two calls share a second.
        """
        with self._lock:
            earlier = [self.behaviours[outlet].last_modified] + [o.last_modified for o in self._overrides.values()]
            moment = max(datetime.now(UTC).replace(microsecond=0), max(earlier) + timedelta(seconds=1))
            self._overrides[(outlet, path)] = Override(body, content_type, moment)

    def clear_overrides(self) -> None:
        with self._lock:
            self._overrides.clear()

    def set_failing(self, outlet: str, on: bool) -> None:
        """While on, every request to the outlet is answered 503."""
        with self._lock:
            if on:
                self._failing.add(outlet)
            else:
                self._failing.discard(outlet)

    def reset_counters(self) -> None:
        """Make flaky paths fail again from their first request."""
        with self._lock:
            self._hits.clear()

    # -- request log -----------------------------------------------------------------

    def record(self, record: RequestRecord) -> None:
        with self._lock:
            self.requests.append(record)

    def clear_log(self) -> None:
        with self._lock:
            self.requests.clear()

    def request_log(self) -> list[RequestRecord]:
        with self._lock:
            return list(self.requests)

    def paths_requested(self, outlet: str | None = None) -> list[str]:
        return [record.path for record in self.request_log() if outlet is None or record.outlet == outlet]

    # -- answering -------------------------------------------------------------------

    def respond(self, outlet: str, raw_path: str, headers: dict[str, str]) -> Response:
        """Decide the answer to one request (no I/O on the socket, so it is easy to test)."""
        parts = urlsplit(raw_path)
        path = unquote(parts.path) or "/"
        full_path = path + (f"?{parts.query}" if parts.query else "")
        behaviours = self.behaviours[outlet]
        with self._lock:
            failing = outlet in self._failing
            hits = self._hits.get((outlet, path), 0) + 1
            self._hits[(outlet, path)] = hits
            override = self._overrides.get((outlet, full_path)) or self._overrides.get((outlet, path))

        if failing:
            return _short_page(HTTPStatus.SERVICE_UNAVAILABLE)
        if path in behaviours.status:
            return _short_page(HTTPStatus(behaviours.status[path]))
        if path in behaviours.redirect:
            redirect = behaviours.redirect[path]
            location = self.render(redirect.location, outlet)
            if location.startswith("/"):
                location = self.base_url(outlet) + location
            return Response(redirect.status, {"Location": location})
        if hits <= behaviours.flaky.get(path, 0):
            return _short_page(HTTPStatus.INTERNAL_SERVER_ERROR)
        if path in behaviours.slow:
            time.sleep(self.slow_seconds if self.slow_seconds is not None else behaviours.slow[path])
        if path in behaviours.oversized:
            body = oversized_page(behaviours.oversized[path])
            return Response(200, {"Content-Type": CONTENT_TYPES[".html"]}, body)

        if override is not None:
            body = self.render_bytes(override.body, outlet)
            content_type, last_modified = override.content_type, override.last_modified
        else:
            file = self._resolve_file(outlet, path, full_path)
            if file is None:
                return _short_page(HTTPStatus.NOT_FOUND)
            body = file.read_bytes()
            if file.suffix in RENDERED_SUFFIXES:
                body = self.render_bytes(body, outlet)
            content_type = behaviours.content_type.get(path, CONTENT_TYPES.get(file.suffix, DEFAULT_CONTENT_TYPE))
            last_modified = behaviours.last_modified
        return _conditional(body, content_type, last_modified, headers)

    def _resolve_file(self, outlet: str, path: str, full_path: str) -> Path | None:
        root = self.sites_dir / outlet
        behaviours = self.behaviours[outlet]
        if full_path in behaviours.files:
            candidates = [root / behaviours.files[full_path]]
        else:
            relative = path.lstrip("/")
            candidates = [root / relative, root / (relative + ".html"), root / relative / "index.html"]
        for candidate in candidates:
            resolved = candidate.resolve()
            if not resolved.is_relative_to(root) or not resolved.is_file():
                continue
            # Files and folders starting with "_" are the generator's and server's, never the web's.
            if any(part.startswith("_") for part in resolved.relative_to(root).parts):
                continue
            return resolved
        return None


def _short_page(status: HTTPStatus) -> Response:
    body = (
        f"<!DOCTYPE html><html><head><title>{status.value} {status.phrase}</title></head>"
        f"<body><h1>{status.value} {status.phrase}</h1></body></html>"
    ).encode()
    return Response(status.value, {"Content-Type": CONTENT_TYPES[".html"]}, body)


def _conditional(body: bytes, content_type: str, last_modified: datetime, headers: dict[str, str]) -> Response:
    etag = entity_tag(body)
    validators = {"ETag": etag, "Last-Modified": http_date(last_modified)}
    lowered = {key.lower(): value for key, value in headers.items()}
    # If-None-Match wins over If-Modified-Since when both are sent (RFC 9110, 13.2.2).
    if "if-none-match" in lowered:
        if _matches_etag(lowered["if-none-match"], etag):
            return Response(304, validators)
    elif "if-modified-since" in lowered and _not_modified_since(lowered["if-modified-since"], last_modified):
        return Response(304, validators)
    return Response(200, {"Content-Type": content_type, **validators}, body)


def discover_outlets(sites_dir: Path) -> list[str]:
    """Every folder of sites_dir not starting with "_" or "." is an outlet."""
    return sorted(
        entry.name for entry in sites_dir.iterdir() if entry.is_dir() and not entry.name.startswith(("_", "."))
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Serve the sample news web on 127.0.0.1 until Ctrl-C.")
    parser.add_argument("--sites", type=Path, default=SITES_DIR, help="folder holding one folder per outlet")
    parser.add_argument("--slow-seconds", type=float, default=None, help="replace every slow page's delay")
    args = parser.parse_args(argv)
    with FixtureWeb(args.sites) as web:
        web.slow_seconds = args.slow_seconds
        for outlet, base in web.bases.items():
            print(f"{outlet:<20} {base}")
        print("Press Ctrl-C to stop.")
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            print("Stopped.")


if __name__ == "__main__":
    main()
