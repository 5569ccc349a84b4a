"""The local review UI: server-rendered pages over the store, for triage in a browser.

Stable addresses (bookmarks and scripts use them): `/` the inbox, filtered by query parameters;
`/items/<id>`; `POST /items/<id>/mark`; `/sources`; `/feed.atom`, `/export.csv` and
`/export.jsonl`, each taking the inbox's query parameters.

Scraped text is untrusted: Jinja autoescaping stays on, highlighted text is built from escaped
segments here, links go out only to http(s) addresses, and a strict Content-Security-Policy
forbids inline scripts. State changes are POST requests with a per-session CSRF token.
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
import re
import secrets
import socket
from dataclasses import asdict, dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from io import StringIO
from typing import Any
from urllib.parse import urlencode, urlsplit

import pycountry
from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    current_app,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from markupsafe import Markup, escape
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException
from werkzeug.serving import LISTEN_QUEUE, BaseWSGIServer, make_server

from review.atom import FeedInfo, write_atom
from review.export import write_csv, write_jsonl
from storage.repository import LABELS, ItemFilter, Store, StoredArticle

logger = logging.getLogger(__name__)

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8080
TOKEN_ENV = "TRIPWATCH_UI_TOKEN"  # noqa: S105 (a variable name, not a secret)
TOKEN_COOKIE = "tripwatch_token"  # noqa: S105
PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
FEED_SIZE = 200
MAX_NOTE_CHARS = 10_000
#: Pages a person opens; a `?token=` login on them redirects to the address without the token.
HTML_PAGES = frozenset({"ui.inbox", "ui.item", "ui.sources"})

CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)

ui = Blueprint("ui", __name__)


class UnsafeBinding(ValueError):
    """The UI would listen beyond this machine without a token."""


# ---- the inbox's query parameters ------------------------------------------------------------


class BadQuery(ValueError):
    """A query parameter with a value the inbox does not understand."""


@dataclass(frozen=True)
class InboxQuery:
    """The inbox's query parameters, checked. The same ones drive the inbox, exports and the feed."""

    q: str = ""
    source: str = ""
    official: str = ""
    country: str = ""
    since: str = ""  # YYYY-MM-DD, inclusive
    until: str = ""  # YYYY-MM-DD, inclusive
    label: str = ""  # "" relevant and uncertain | relevant | uncertain | irrelevant | all
    status: str = ""  # "" | reviewed | unreviewed
    starred: str = ""  # "" | "1"
    page: int = 1
    per_page: int = PAGE_SIZE

    @classmethod
    def parse(cls, args: MultiDict[str, str]) -> InboxQuery:
        """Raises BadQuery naming the parameter, its value and what is expected."""
        text = {name: args.get(name, "").strip() for name in TEXT_PARAMS}
        query = cls(
            **text,
            page=_whole(args, "page", 1, 1, 10**6),
            per_page=_whole(args, "per_page", PAGE_SIZE, 1, MAX_PAGE_SIZE),
        )
        _date("since", query.since)
        _date("until", query.until)
        if query.label not in ("", "all", *LABELS):
            raise BadQuery(f"label={query.label!r}: expected one of all, {', '.join(LABELS)}")
        if query.status not in ("", "reviewed", "unreviewed"):
            raise BadQuery(f"status={query.status!r}: expected reviewed or unreviewed")
        if query.starred not in ("", "1"):
            raise BadQuery(f"starred={query.starred!r}: expected 1")
        if query.country and not re.fullmatch(r"[A-Za-z]{2}", query.country):
            raise BadQuery(f"country={query.country!r}: expected an ISO 3166 two-letter code, e.g. JP")
        return replace(query, country=query.country.upper())

    def since_date(self) -> date | None:
        return _date("since", self.since)

    def until_date(self) -> date | None:
        return _date("until", self.until)

    def to_filter(self) -> ItemFilter:
        since, until = self.since_date(), self.until_date()
        return ItemFilter(
            source=self.source or None,
            since=datetime.combine(since, time(), UTC) if since else None,
            until=datetime.combine(until + timedelta(days=1), time(), UTC) if until else None,
            search=self.q or None,
            label=self.label if self.label in LABELS else None,
            include_all=self.label == "all",
            official=self.official or None,
            country=self.country or None,
            reviewed={"reviewed": True, "unreviewed": False}.get(self.status),
            starred=True if self.starred else None,
        )

    def params(self, **changes: Any) -> dict[str, Any]:
        """The non-default parameters, after `changes`: what a link to this view carries."""
        changed = replace(self, **changes)
        defaults = InboxQuery()
        return {name: str(value) for name, value in asdict(changed).items() if value != getattr(defaults, name)}

    def url(self, endpoint: str = "ui.inbox", **changes: Any) -> str:
        return url_for(endpoint, **self.params(**changes))

    @property
    def filtered(self) -> bool:
        return bool(self.params(page=1, per_page=PAGE_SIZE))


TEXT_PARAMS = ("q", "source", "official", "country", "since", "until", "label", "status", "starred")


def _whole(args: MultiDict[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = args.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise BadQuery(f"{name}={raw!r}: expected a whole number from {low} to {high}")
    return int(raw)


def _date(name: str, value: str) -> date | None:
    if not value:
        return None
    try:
        parsed = date.fromisoformat(value)
    except ValueError:
        parsed = None
    if parsed is None or not 1900 <= parsed.year <= 2999:  # the bounds keep date arithmetic in range
        raise BadQuery(f"{name}={value!r}: expected a date like 2026-10-01")
    return parsed


# ---- evidence highlighting -------------------------------------------------------------------


@dataclass(frozen=True)
class Span:
    """A stretch of a field to highlight, with the kind of evidence it is."""

    start: int
    end: int
    kind: str
    label: str


def evidence_spans(value: str, evidence: list[Any], field: str) -> list[Span]:
    """The evidence found in `field` ("title" or "text"), in order, overlaps dropped."""
    spans = []
    for ev in evidence:
        if isinstance(ev, dict) and ev.get("field", "text") == field:
            found = _locate(value, ev)
            if found:
                kind = str(ev.get("kind") or "evidence")
                label = f"{kind}: {ev.get('value') or ev.get('matched') or ''}".rstrip(": ")
                spans.append(Span(found[0], found[1], kind, label))
    spans.sort(key=lambda s: (s.start, s.start - s.end))
    kept: list[Span] = []
    for span in spans:
        if not kept or span.start >= kept[-1].end:
            kept.append(span)
    return kept


def _locate(value: str, ev: dict[str, Any]) -> tuple[int, int] | None:
    start, end, matched = ev.get("start"), ev.get("end"), ev.get("matched")
    in_range = isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(value)
    if in_range and (not isinstance(matched, str) or value[start:end].casefold() == matched.casefold()):
        return start, end  # type: ignore[return-value]  # in_range checked both are int
    if isinstance(matched, str) and matched.strip():
        # The offsets belong to an older text (re-extracted since): find the words instead.
        found = re.search(re.escape(matched), value, re.IGNORECASE)
        if found:
            return found.start(), found.end()
    return None


def _css_kind(kind: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", kind.lower()).strip("-") or "evidence"


def highlight(value: str, spans: list[Span], offset: int = 0) -> Markup:
    """`value` escaped, each span (offsets relative to `offset`) wrapped in <mark class="ev ev-KIND">."""
    parts: list[Markup] = []
    at = 0
    for span in spans:
        start, end = max(span.start - offset, at), min(span.end - offset, len(value))
        if start >= end:
            continue
        parts.append(escape(value[at:start]))
        parts.append(
            Markup('<mark class="ev ev-{}" title="{}">{}</mark>').format(
                _css_kind(span.kind), span.label, value[start:end]
            )
        )
        at = end
    parts.append(escape(value[at:]))
    return Markup("").join(parts)


def paragraphs(text: str, spans: list[Span]) -> list[Markup]:
    """Each non-blank line of the clean text as one highlighted paragraph."""
    result = []
    for line in re.finditer(r"[^\n]+", text):
        if line.group().strip():
            inside = [s for s in spans if s.end > line.start() and s.start < line.end()]
            result.append(highlight(line.group(), inside, line.start()))
    return result


# ---- small view helpers -----------------------------------------------------------------------


def _store() -> Store:
    store: Store = current_app.extensions["tripwatch_store"]
    return store


def _query() -> InboxQuery:
    try:
        return InboxQuery.parse(request.args)
    except BadQuery as exc:
        abort(400, description=str(exc))


def safe_href(url: str | None) -> str | None:
    """Only http(s) addresses become links: a scraped `javascript:` URL stays text."""
    if url and urlsplit(url).scheme.lower() in ("http", "https"):
        return url
    return None


def country_name(code: str) -> str:
    country = pycountry.countries.get(alpha_2=str(code).upper())
    return str(country.name) if country else str(code)


def _local_path(target: str | None) -> str | None:
    """`target` when it is a path on this site (never another host: no open redirect)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else None


def csrf_token() -> str:
    token = session.get("csrf")
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        session["csrf"] = token
    return token


def _item_state(item: StoredArticle) -> dict[str, Any]:
    return {
        "id": item.id,
        "label": item.label,
        "analyst_label": item.analyst_label,
        "classifier_label": item.relevance,
        "starred": item.starred,
        "reviewed": item.reviewed,
        "note": item.note,
    }


# ---- pages ------------------------------------------------------------------------------------


@ui.get("/")
def inbox() -> str:
    query = _query()
    store = _store()
    flt = query.to_filter()
    total = store.count_items(flt)
    pages = max(1, -(-total // query.per_page))
    if query.page > pages:
        query = replace(query, page=pages)
    rows = store.list_items(flt, limit=query.per_page, offset=(query.page - 1) * query.per_page)
    return render_template(
        "inbox.html",
        query=query,
        items=rows,
        total=total,
        pages=pages,
        facets=store.facets(flt),
        sources=store.sources_seen(),
        feed_url=_feed_address(query),
    )


@ui.get("/items/<int:item_id>")
def item(item_id: int) -> str:
    query = _query()
    store = _store()
    found = store.get_item(item_id)
    if found is None:
        abort(404, description=f"There is no item {item_id}.")
    previous, following = store.neighbours(query.to_filter(), item_id)
    return render_template(
        "item.html",
        item=found,
        query=query,
        previous=previous,
        following=following,
        title_html=highlight(found.title or "", evidence_spans(found.title or "", found.evidence, "title")),
        text_html=paragraphs(found.text, evidence_spans(found.text, found.evidence, "text")),
        evidence_kinds=sorted(
            {str(ev.get("kind")) for ev in found.evidence if isinstance(ev, dict) and ev.get("kind")}
        ),
        variants=[u for u in found.urls if u.kind != "copy" and u.url != found.url],
        revisions=store.revisions(item_id),
    )


@ui.post("/items/<int:item_id>/mark")
def mark(item_id: int) -> ResponseReturnValue:
    """Form fields, any combination: label (relevant|irrelevant|uncertain|clear), starred (1|0),
    reviewed (1|0), note. A label also marks the item reviewed unless `reviewed` says otherwise."""
    form = request.form
    label = form.get("label", "").strip()
    if label and label not in (*LABELS, "clear"):
        abort(400, description=f"label={label!r}: expected one of {', '.join(LABELS)} or clear")
    starred, reviewed = _flag(form, "starred"), _flag(form, "reviewed")
    if label and reviewed is None:
        reviewed = True
    note = form.get("note")
    if note is not None and len(note) > MAX_NOTE_CHARS:
        abort(400, description=f"the note has {len(note)} characters; at most {MAX_NOTE_CHARS} are kept")
    store = _store()
    if label == "clear" and not store.clear_label(item_id):
        abort(404, description=f"There is no item {item_id}.")
    applied = store.mark_item(
        item_id,
        label=label if label in LABELS else None,
        starred=starred,
        reviewed=reviewed,
        note=note.strip() if note is not None else None,
    )
    marked = store.get_item(item_id) if applied else None
    if marked is None:
        abort(404, description=f"There is no item {item_id}.")
    logger.info(
        "Marked item %(id)s: %(fields)s", {"id": item_id, "fields": sorted(k for k in form if k != "csrf_token")}
    )
    if request.accept_mimetypes.best == "application/json":
        return current_app.json.response(_item_state(marked))
    target = _local_path(form.get("next")) or url_for("ui.item", item_id=item_id)
    return redirect(target, code=303)


def _flag(form: MultiDict[str, str], name: str) -> bool | None:
    raw = form.get(name)
    if raw is None or raw == "":
        return None
    if raw not in ("0", "1"):
        abort(400, description=f"{name}={raw!r}: expected 1 or 0")
    return raw == "1"


@ui.get("/sources")
def sources() -> str:
    return render_template("sources.html", sources=_store().sources_summary())


# ---- exports and the feed ---------------------------------------------------------------------


def _download(body: str, mimetype: str, suffix: str) -> Response:
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M")
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="tripwatch-{stamp}.{suffix}"'
    return response


@ui.get("/export.csv")
def export_csv() -> Response:
    flt = _query().to_filter()
    out = StringIO()
    write_csv(_store().iter_items(flt), out)
    return _download(out.getvalue(), "text/csv", "csv")


@ui.get("/export.jsonl")
def export_jsonl() -> Response:
    flt = _query().to_filter()
    out = StringIO()
    write_jsonl(_store().iter_items(flt), out)
    return _download(out.getvalue(), "application/x-ndjson", "jsonl")


def _feed_address(query: InboxQuery) -> str:
    """The feed's address for a reader; with a token the reader needs it in the address too."""
    params = query.params(page=1, per_page=PAGE_SIZE)
    token = current_app.config.get("TRIPWATCH_TOKEN")
    if token:
        params["token"] = token
    return url_for("ui.feed", _external=True, **params)


@ui.get("/feed.atom")
def feed() -> Response:
    query = _query()
    rows = _store().list_items(query.to_filter(), limit=FEED_SIZE)
    params = query.params(page=1, per_page=PAGE_SIZE)
    info = FeedInfo(
        title="tripwatch: " + (describe(query) or "relevant and uncertain trips"),
        feed_id=url_for("ui.feed", _external=True, **params),
        self_url=_feed_address(query),
        html_url=url_for("ui.inbox", _external=True, **params),
        updated=datetime.now(UTC),
    )
    out = StringIO()
    write_atom(rows, out, info, lambda it: url_for("ui.item", item_id=it.id, _external=True))
    return Response(out.getvalue(), mimetype="application/atom+xml")


def describe(query: InboxQuery) -> str:
    """The filter in words, for titles."""
    parts = []
    if query.label:
        parts.append("everything" if query.label == "all" else query.label)
    for name in ("source", "official", "country", "since", "until", "status"):
        value = getattr(query, name)
        if value:
            parts.append(f"{name} {value}")
    if query.starred:
        parts.append("starred")
    if query.q:
        parts.append(f"“{query.q}”")
    return ", ".join(parts)


# ---- access: token and CSRF -------------------------------------------------------------------


def _supplied_token() -> tuple[str | None, str]:
    """The token the request carries, and where: "address", "header" or "cookie"."""
    if "token" in request.args:
        return request.args["token"], "address"
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip(), "header"
    return request.cookies.get(TOKEN_COOKIE), "cookie"


@ui.before_app_request
def require_token() -> ResponseReturnValue | None:
    expected: str | None = current_app.config.get("TRIPWATCH_TOKEN")
    if not expected or request.endpoint == "static":
        return None
    supplied, via = _supplied_token()
    if not supplied or not hmac.compare_digest(supplied.encode(), expected.encode()):
        response = Response(render_template("login.html", wrong=bool(supplied)), status=401)
        response.headers["WWW-Authenticate"] = 'Bearer realm="tripwatch"'
        return response
    g.token_via = via
    if via == "address" and request.method == "GET" and request.endpoint in HTML_PAGES:
        # Keep the token out of the address bar, history and shared links from here on.
        rest = urlencode([(k, v) for k, v in request.args.items(multi=True) if k != "token"])
        return redirect(request.path + (f"?{rest}" if rest else ""), code=303)
    return None


@ui.before_app_request
def check_csrf() -> None:
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    if g.get("token_via") == "header":
        return  # a browser never adds an Authorization header by itself: a script sent this
    sent = request.form.get("csrf_token") or request.headers.get("X-CSRF-Token") or ""
    expected = session.get("csrf")
    if not isinstance(expected, str) or not hmac.compare_digest(sent.encode(), expected.encode()):
        abort(403, description="The form's CSRF token is missing or stale; reload the page and try again.")


@ui.after_app_request
def security_headers(response: Response) -> Response:
    if g.get("token_via") == "address":
        token = current_app.config["TRIPWATCH_TOKEN"]
        response.set_cookie(TOKEN_COOKIE, token, httponly=True, samesite="Lax", secure=request.is_secure)
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "same-origin"
    return response


@ui.app_errorhandler(HTTPException)
def error_page(exc: HTTPException) -> Response:
    """Errors as a page, or as JSON for the page's own script."""
    status = exc.code or 500
    if request.accept_mimetypes.best == "application/json":
        body = current_app.json.dumps({"error": exc.description, "status": status})
        response = Response(body, status=status, mimetype="application/json")
    else:
        response = Response(render_template("error.html", error=exc), status=status, mimetype="text/html")
    for name, value in exc.get_headers():
        if name == "Allow":  # a 405 says which methods would work
            response.headers[name] = value
    return response


# ---- the app ----------------------------------------------------------------------------------


def create_app(db_url: str, *, token: str | None = None, testing: bool = False) -> Flask:
    """The review UI over the database at `db_url`; with `token`, every request must carry it."""
    app = Flask(__name__)
    app.config.update(
        TESTING=testing,
        # New each start: sessions only hold the CSRF token, so a restart only asks for a reload.
        SECRET_KEY=secrets.token_hex(32),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        TRIPWATCH_TOKEN=token or None,
    )
    app.extensions["tripwatch_store"] = Store.open(db_url)
    app.register_blueprint(ui)
    app.jinja_env.globals.update(
        csrf_token=csrf_token, country_name=country_name, safe_href=safe_href, describe=describe
    )
    app.jinja_env.filters["when"] = _when
    app.jinja_env.filters["ev_class"] = _css_kind
    return app


def close_app(app: Flask) -> None:
    """Release the app's database connections."""
    store: Store = app.extensions["tripwatch_store"]
    store.close()


def _when(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M UTC") -> str:
    if value is None:
        return "—"
    return value.astimezone(UTC).strftime(fmt)


# ---- serving ----------------------------------------------------------------------------------


def is_loopback(host: str) -> bool:
    """True for addresses only this machine can reach (127.0.0.0/8, ::1, localhost)."""
    if host.lower() in ("localhost", "localhost."):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name: it may resolve to anything


def make_ui_server(
    db_url: str, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, token: str | None = None
) -> BaseWSGIServer:
    """A threaded server for the UI (its port is `.port`); raises UnsafeBinding for a non-loopback
    host without a token, and OSError when the address cannot be bound."""
    if not is_loopback(host) and not token:
        raise UnsafeBinding(
            f"refusing to serve the review UI on {host}, which other machines can reach, without a token; "
            f"pass --token or set {TOKEN_ENV}, or bind 127.0.0.1"
        )
    # Bind here: werkzeug would print the error and exit the process, the caller could not report it.
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as listener:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((host.strip("[]"), port))
        listener.listen(LISTEN_QUEUE)
        app = create_app(db_url, token=token)
        # werkzeug serves on a duplicate of this descriptor; ours closes when the block ends.
        return make_server(host, port, app, threaded=True, fd=listener.fileno())
