"""A synthetic news site for the throughput benchmarks: article pages, RSS feeds and robots.txt.

Every sentence is assembled here from a seeded vocabulary and templates, so no page copies
real text. Random names, towns, numbers and sentence order make any two stories share almost
no five-word shingle, so dedup keeps them apart. About one page in eight reports a security
or interior minister's trip abroad in the terms of config/watchlist.yaml, so classification
does its full work on some pages. One page in fifty republishes an earlier page's story with
a partner's credit line (a syndicated copy): near-duplicate detection has work to do, with a
known answer.

Pages are 20-80 KB like real article pages (here 31-78 KB, median 56 KB): the story is 3-10 KB
of text inside the markup a news CMS emits (see "HTML" below), so that bare trafilatura spends
on them about what it spends on real pages of that size; `python -m benchmarks.sitegen
--calibrate DATA_DIR` measures both side by side. Page `i` is the same for any page count and
on any machine (it is built from a random generator seeded with the site seed and `i`).

The layout follows demo/server.py (FixtureWeb): `<root>/<outlet>/...`, with `{BASE}` in the
feeds standing for the server's base URL. Article `i` is `/news/<yyyy>/<mm>/<slug>-<i>.html`;
feed `k` holds articles `k*per_feed .. (k+1)*per_feed - 1` and belongs to source `k % sources`.
"""

from __future__ import annotations

import argparse
import gzip
import html
import json
import random
import re
import statistics
import time
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

OUTLET = "meridian-ledger"
SITE_NAME = "The Meridian Ledger"
DEFAULT_SEED = 20261017
MIN_PAGE_BYTES = 20_000
MAX_PAGE_BYTES = 80_000
ENTRIES_PER_FEED = 100
SOURCE_COUNT = 4
# One story in this many reports a watched official's trip abroad.
TRIP_EVERY = 8
# One page in this many is a syndicated copy of the page this many places earlier (the
# distance is no multiple of COPY_EVERY, so a copy never copies a copy): dedup must find them.
COPY_EVERY = 50
COPY_DISTANCE = 120
PARTNERS = ("Harbour Chronicle", "Upland Courier", "Coastal Wire", "Evening Sentinel")
# The newest article's publication time; each older one is a few minutes earlier.
NEWEST = datetime(2026, 10, 16, 18, 0, tzinfo=UTC)

SECTIONS = ("world", "politics", "security", "asia", "business", "science", "culture", "sport")

# ---- vocabulary (written for this generator) ----------------------------------------------------

FIRST_NAMES = (
    "Ada", "Bram", "Celia", "Dorian", "Elif", "Farid", "Greta", "Hugo", "Ines", "Jonas", "Kaya", "Lukas",
    "Mira", "Nils", "Oona", "Pavel", "Quinn", "Rosa", "Soren", "Talia", "Umar", "Vera", "Wim", "Xenia",
    "Yusuf", "Zora", "Anton", "Bianca", "Cyrus", "Delia", "Emil", "Fiona", "Goran", "Hana", "Ivo", "Jana",
)  # fmt: skip
LAST_NAMES = (
    "Albescu", "Brandt", "Castellan", "Dufort", "Eriksen", "Falkner", "Gorski", "Hallam", "Ibarra", "Jovic",
    "Kessler", "Lindqvist", "Moreau", "Novak", "Okafor", "Petrov", "Quintero", "Rasmussen", "Sandoval",
    "Tanaka", "Ulloa", "Varga", "Whitlock", "Yilmaz", "Zeller", "Achterberg", "Bellamy", "Corvino",
    "Drummond", "Esposito", "Fenwick", "Galloway", "Hartigan", "Iversen", "Kowalczyk", "Lacroix",
)  # fmt: skip
TOWN_HEADS = ("Wes", "Nor", "Kal", "Brin", "Ost", "Mar", "Tel", "Ash", "Cor", "Lun", "Fen", "Hal", "Riv", "Sel")
TOWN_TAILS = ("ford", "haven", "by", "mouth", "field", "wick", "stead", "ton", "bridge", "moor", "gate", "holm")
# Capitals the watch list knows, so a trip story names a real destination abroad.
DESTINATIONS = (
    "Jakarta", "Hanoi", "Tokyo", "Canberra", "Manila", "Bangkok", "Vientiane", "Phnom Penh", "Seoul",
    "Singapore", "Kuala Lumpur", "Beijing", "Rome", "Paris", "Berlin", "Madrid", "Ottawa", "New Delhi",
)  # fmt: skip
# Offices whose trips the watch list follows (its English titles).
OFFICES = (
    "Interior Minister", "Home Affairs Minister", "Minister of Public Security", "Security Minister",
    "Home Secretary", "Minister for Home Affairs", "intelligence chief", "Minister of the Interior",
)  # fmt: skip
HOME_COUNTRIES = ("Australia", "Singapore", "Malaysia", "Thailand", "the Philippines", "Cambodia", "India")
NOUNS = (
    "budget", "harbour", "tram line", "water board", "school plan", "bridge", "clinic", "market", "ferry",
    "library", "wind farm", "rail link", "housing scheme", "court case", "festival", "museum", "factory",
    "airport", "stadium", "recycling plant", "bus network", "hospital wing", "port authority", "grain store",
    "research centre", "power station", "fishing fleet", "cycle path", "tax reform", "pension fund",
    "flood barrier", "tourism board", "trade fair", "vineyard", "textile mill", "steelworks", "data centre",
    "orchestra", "theatre", "coastal road", "reservoir", "farmers' cooperative", "census", "ballot",
)  # fmt: skip
ADJECTIVES = (
    "regional", "municipal", "new", "delayed", "disputed", "costly", "modest", "ambitious", "ageing",
    "temporary", "revised", "local", "national", "private", "public", "northern", "southern", "coastal",
    "rural", "upland", "crowded", "quiet", "overdue", "popular", "unusual", "long-awaited", "cautious",
)  # fmt: skip
BODIES = (
    "county council", "transport authority", "chamber of commerce", "teachers' union", "planning committee",
    "audit office", "harbour trust", "growers' association", "residents' group", "health board",
    "environment agency", "statistics office", "fire service", "arts council", "rowing club", "court of appeal",
)  # fmt: skip
VERBS_PAST = (
    "approved", "rejected", "postponed", "announced", "reviewed", "questioned", "welcomed", "criticised",
    "funded", "opened", "closed", "expanded", "cut", "revived", "inspected", "defended", "delayed", "praised",
)  # fmt: skip
VERBS_PRESENT = ("approves", "rejects", "delays", "unveils", "reviews", "backs", "opposes", "expands", "cuts", "opens")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
    "November", "December",
)  # fmt: skip
TOPICS = (
    "security cooperation", "border policing", "cybercrime", "counter-terrorism", "human trafficking",
    "drug smuggling", "disaster response", "police training", "extradition", "maritime security",
)  # fmt: skip

# Sentences of ordinary local news. Each has many slots, so two pages rarely share five words in a row.
NEWS_TEMPLATES = (
    "The {body} in {town} {verb} the {adj} {noun} on {weekday}, after {num} residents wrote to {person}.",
    "{person}, who chairs the {body}, said the {noun} would cost about {money} and take {small} years.",
    "Figures from the {body} show {pct} of households in {town} use the {noun} at least once a {period}.",
    "Critics in {town} argue that the {adj} {noun} has drawn money away from the {noun2}.",
    "\u201cWe have waited {small} years for this,\u201d {person} told reporters outside the {noun2} in {town}.",
    "A spokesperson for the {body} declined to say when the {noun} in {town} would reopen.",
    "The {noun} first opened in {year} and was last renovated in {year2}, according to {person}.",
    "Work on the {adj} {noun} near {town} is expected to resume in {month}, the {body} said.",
    "{person} said a survey of {num} people in {town} found strong support for the {noun2}.",
    "Opposition members on the {body} {verb} the plan, saying the {noun} was {adj} and {adj2}.",
    "In {month}, the {body} {verb} a proposal to move the {noun} from {town} to {town2}.",
    "Traffic around the {noun} in {town} fell by {pct} during the {small}-week closure.",
    "The {body} will publish its report on the {noun} before the end of {month}, {person} said.",
    "Some {num} visitors came to the {noun2} in {town2} last {period}, more than twice the usual number.",
    "Local traders told the {body} that the {adj} {noun} had cut their takings by nearly {pct}.",
    "{person} of the {body2} called the decision on the {noun} \u201c{adj} but necessary\u201d.",
    "The cost of the {noun} has risen from {money} to {money2} since the plans were drawn up in {year}.",
    "A second meeting on the {noun2} is planned for {weekday} evening at the town hall in {town}.",
    "Engineers found {small} faults in the {noun} during an inspection in {month}, the {body} confirmed.",
    "Residents of {town2} have asked the {body} for a bus link to the {adj} {noun}.",
    "Neither the {body} nor the {body2} has said who will pay for the {noun} after {year}.",
    "The {noun} employs {num} people, most of them from {town} and the villages around {town2}.",
    "{person} said the {body2} had not been consulted before the {noun} was {verb}.",
    "Rain in {month} flooded part of the {noun} in {town}, closing it for {small} days.",
    "The {adj} {noun} was {verb} by {num} votes to {small} at a meeting of the {body} on {weekday}.",
    "Under the plan, the {noun2} in {town} would be run by the {body2} from {month} {year2}.",
)  # fmt: skip
# The lead and follow-up sentences of a trip story, in the watch list's terms.
TRIP_LEADS = (
    "{country}'s {office} {official} arrived in {city} on {weekday} for talks on {topic}.",
    "{office} {official} of {country} flew to {city} on {weekday} for a {small}-day visit focused on {topic}.",
    "{country}'s {office}, {official}, held talks in {city} on {weekday} with officials responsible for {topic}.",
)  # fmt: skip
TRIP_FOLLOWS = (
    "During the visit to {city}, {official} met {person}, who leads the host government's work on {topic}.",
    "The two sides signed a memorandum on {topic} and agreed to meet again in {month}, {person} said.",
    "{official} also toured a training centre outside {city} before flying home on {weekday2}.",
    "Officials travelling with the {office} said the talks in {city} covered {topic} and {topic2}.",
)  # fmt: skip
SUBHEADS = ("What happens next", "Cost and timing", "Local reaction", "Background", "The vote", "Who pays")
HEADLINE_TEMPLATES = (
    "{town} {body} {verb_now} {adj} {noun}",
    "{adj_cap} {noun} in {town} faces new questions",
    "{person} to lead review of {town} {noun}",
    "Residents of {town} split over {noun}",
    "{noun_cap} plan for {town} {verb} again",
    "{town} {noun} costs rise to {money}",
)  # fmt: skip
TRIP_HEADLINES = (
    "{office_cap} {official} visits {city} for talks on {topic}",
    "{country}'s {office} in {city}: {topic} on the agenda",
)  # fmt: skip


@dataclass(frozen=True)
class Story:
    """The article a page tells: what the extractor should find."""

    index: int
    title: str
    paragraphs: tuple[str, ...]
    subheads: dict[int, str]  # paragraph position -> subheading shown before it
    author: str
    published: datetime
    section: str
    trip: bool  # reports a watched official's trip abroad
    copy_of: int | None = None  # index of the page this one republishes

    @property
    def text(self) -> str:
        """The body text as an extractor should return it: subheads and paragraphs, one per line."""
        lines: list[str] = []
        for position, paragraph in enumerate(self.paragraphs):
            if position in self.subheads:
                lines.append(self.subheads[position])
            lines.append(paragraph)
        return "\n".join(lines)

    @property
    def slug(self) -> str:
        words = "".join(c if c.isalnum() else " " for c in self.title.lower()).split()
        return "-".join(words[:8])

    @property
    def path(self) -> str:
        return f"/news/{self.published:%Y/%m}/{self.slug}-{self.index}.html"


@dataclass(frozen=True)
class SitePage:
    """One generated article page."""

    index: int
    path: str
    source: str
    title: str
    size: int  # bytes of HTML
    trip: bool
    copy_of: int | None  # index of the page this one republishes


@dataclass(frozen=True)
class GeneratedSite:
    """Where the site was written and what it holds."""

    sites_dir: Path  # the folder FixtureWeb serves: one sub-folder per outlet
    outlet: str
    pages: tuple[SitePage, ...]
    feeds: dict[str, tuple[str, ...]]  # source name -> feed paths

    def file(self, page: SitePage) -> Path:
        return self.sites_dir / self.outlet / page.path.lstrip("/")

    def sources_yaml(self, base: str) -> str:
        """sources.yaml for the site served at `base` (e.g. http://127.0.0.1:8123)."""
        lines = ["# Generated by benchmarks/sitegen.py for one benchmark run.", "sources:"]
        for source, paths in self.feeds.items():
            lines.append(f"  - name: {source}")
            lines.append("    feeds:")
            lines.extend(f'      - "{base}{path}"' for path in paths)
        return "\n".join(lines) + "\n"


class _Filler:
    """Fills template slots from the vocabulary with one page's random generator."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def person(self) -> str:
        return f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(LAST_NAMES)}"

    def town(self) -> str:
        return self.rng.choice(TOWN_HEADS) + self.rng.choice(TOWN_TAILS)

    def money(self) -> str:
        return f"{self.rng.randint(2, 950)}.{self.rng.randint(0, 9)} million"

    def values(self) -> dict[str, str]:
        rng = self.rng
        noun, adjective = rng.choice(NOUNS), rng.choice(ADJECTIVES)
        return {
            "body": rng.choice(BODIES),
            "body2": rng.choice(BODIES),
            "town": self.town(),
            "town2": self.town(),
            "person": self.person(),
            "noun": noun,
            "noun2": rng.choice(NOUNS),
            "noun_cap": noun[0].upper() + noun[1:],
            "adj": adjective,
            "adj2": rng.choice(ADJECTIVES),
            "adj_cap": adjective[0].upper() + adjective[1:],
            "verb": rng.choice(VERBS_PAST),
            "verb_now": rng.choice(VERBS_PRESENT),
            "weekday": rng.choice(WEEKDAYS),
            "weekday2": rng.choice(WEEKDAYS),
            "month": rng.choice(MONTHS),
            "num": str(rng.randint(40, 9000)),
            "small": str(rng.randint(2, 12)),
            "pct": f"{rng.randint(3, 71)} percent",
            "money": self.money(),
            "money2": self.money(),
            "year": str(rng.randint(1961, 2019)),
            "year2": str(rng.randint(2020, 2029)),
            "period": rng.choice(("week", "month", "season", "year")),
        }


def story(index: int, seed: int = DEFAULT_SEED) -> Story:
    """The story of page `index`: the same for a given seed whatever the page count.

    Every COPY_EVERY-th page (from COPY_DISTANCE on) republishes an earlier page's story with
    a partner's credit line: a near-duplicate, not an exact copy.
    """
    if index % COPY_EVERY == COPY_EVERY - 1 and index >= COPY_DISTANCE:
        original = _new_story(index - COPY_DISTANCE, seed)
        rng = random.Random(f"{seed}:copy:{index}")
        credit = (
            f"This report was first published by the {rng.choice(PARTNERS)} and appears here under a "
            "content-sharing agreement."
        )
        return replace(
            original,
            index=index,
            paragraphs=(*original.paragraphs, credit),
            author=f"{_Filler(rng).person()} (partner content)",
            published=NEWEST - timedelta(minutes=7 * index),
            copy_of=original.index,
        )
    return _new_story(index, seed)


def _new_story(index: int, seed: int) -> Story:
    rng = random.Random(f"{seed}:{index}")
    filler = _Filler(rng)
    trip = index % TRIP_EVERY == 3
    trip_values = {
        "official": filler.person(),
        "office": rng.choice(OFFICES),
        "country": rng.choice(HOME_COUNTRIES),
        "city": rng.choice(DESTINATIONS),
        "topic": rng.choice(TOPICS),
        "topic2": rng.choice(TOPICS),
    }
    paragraphs = []
    if trip:
        lead = rng.choice(TRIP_LEADS).format(**filler.values(), **trip_values)
        follow = rng.choice(TRIP_FOLLOWS).format(**filler.values(), **trip_values)
        paragraphs.append(_capitalised(lead) + " " + follow)
    for _ in range(rng.randint(8, 24)):
        sentences = [rng.choice(NEWS_TEMPLATES).format(**filler.values()) for _ in range(rng.randint(2, 5))]
        paragraphs.append(" ".join(_capitalised(sentence) for sentence in sentences))
    subheads = {position: rng.choice(SUBHEADS) for position in range(4, len(paragraphs), rng.randint(5, 8))}
    if trip:
        title = rng.choice(TRIP_HEADLINES).format(
            office_cap=trip_values["office"][0].upper() + trip_values["office"][1:], **trip_values
        )
    else:
        title = headline(rng)
    return Story(
        index=index,
        title=title,
        paragraphs=tuple(paragraphs),
        subheads=subheads,
        author=filler.person(),
        published=NEWEST - timedelta(minutes=7 * index + rng.randint(0, 6)),
        section=rng.choice(SECTIONS),
        trip=trip,
    )


def headline(rng: random.Random) -> str:
    values = _Filler(rng).values()
    return _capitalised(rng.choice(HEADLINE_TEMPLATES).format(**values))


def _capitalised(sentence: str) -> str:
    return sentence[0].upper() + sentence[1:] if sentence else sentence


# ---- HTML -----------------------------------------------------------------------------------------
#
# The furniture imitates a news CMS's markup because trafilatura's cost depends on it. On real
# 20-80 KB pages its time goes to XPath rules that test each element's class, id, role and style,
# to readability's scoring of the raw tree, to the body's elements one by one, and to searching
# the whole tree for an author, categories, tags or a date that the head does not declare (here
# a quarter of the time: with every fact in the head these pages cost 25% less). Furniture in
# <aside> or <nav>, which the first cleaning drops wholesale, costs little: pages of such
# furniture with every fact in meta tags cost half what real pages cost. So: nested <div>
# wrappers with class lists and data attributes, a rail of cards with pictures and timestamps,
# inline SVG icons, a consent banner, share bars, inline ads and links in the body, a
# reader-comment thread with its form, and heads that declare only some facts (_HeadFacts).

AUTHOR_ROLES = (
    "Staff reporter", "Local government correspondent", "Transport editor", "Regional affairs reporter",
    "Political correspondent", "Senior reporter", "Community reporter", "Business reporter",
)  # fmt: skip
CAPTION_TEMPLATES = (
    "The {noun} in {town}, where work is due to resume in {month}.",
    "{person} at a meeting of the {body} on {weekday}.",
    "Residents outside the {noun2} in {town2} last {period}.",
    "The {adj} {noun} seen from the road into {town}.",
    "Members of the {body} visiting the {noun} in {year2}.",
)  # fmt: skip
COMMENT_TEMPLATES = (
    "Has anyone asked what the {noun} will cost once the {body} stops paying for it?",
    "I have lived near the {noun} in {town} for {small} years and nobody asked us.",
    "Good news for {town} at last. The {noun2} has been a mess for as long as I remember.",
    "The {body} said exactly the same about the {noun2} back in {year}.",
    "More money for {town} while {town2} waits for its {noun2}. Typical.",
    "Does the figure of {money} include the {noun2}, or is that extra?",
    "My neighbours use the {noun} every {period}. Closing it would be a mistake.",
    "Will the {body2} publish the survey, or do we have to take their word for it?",
)  # fmt: skip
UTILITY_LINKS = (
    ("Subscribe", "/subscribe"), ("Sign in", "/login"), ("Today's paper", "/epaper"),
    ("Newsletters", "/newsletters"), ("Puzzles", "/puzzles"), ("Jobs", "/jobs"),
)  # fmt: skip
SHARE_BUTTONS = (
    ("mail", "Share by email"), ("post", "Share on your feed"), ("message", "Send in a message"),
    ("copy", "Copy link"), ("print", "Print this article"),
)  # fmt: skip
SERVICE_LINKS = (
    "Contact the newsroom", "Advertise with us", "Corrections", "Letters to the editor", "Archive",
    "Notices", "Competitions", "Reader events", "Help centre", "Delivery", "Careers", "Accessibility",
)  # fmt: skip
# Path data of the inline SVG icons: simple shapes drawn for this generator.
ICONS = {
    "mail": "M3 5h18v14H3z M3 6l9 7 9-7",
    "post": "M4 4h16v12H9l-5 4z",
    "message": "M12 3c5 0 9 3.6 9 8s-4 8-9 8c-1 0-2-.1-3-.4L4 21l1.4-4.2C4.5 15.5 3 13.4 3 11c0-4.4 4-8 9-8z",
    "copy": "M8 8h12v13H8z M4 3h12v3 M4 3v13h3",
    "print": "M6 3h12v6H6z M4 9h16v8H4z M7 14h10v7H7z",
    "search": "M10 3a7 7 0 1 0 0 14 7 7 0 1 0 0-14z M15 15l6 6",
    "menu": "M3 6h18 M3 12h18 M3 18h18",
    "user": "M12 4a4 4 0 1 0 0 8 4 4 0 1 0 0-8z M4 21c1-5 15-5 16 0",
    "speech": "M4 4h16v11H10l-4 4v-4H4z",
    "close": "M5 5l14 14 M19 5L5 19",
    "arrow": "M9 5l7 7-7 7",
    "clock": "M12 3a9 9 0 1 0 0 18 9 9 0 1 0 0-18z M12 7v5l3 3",
}


def render_page(page_story: Story, seed: int = DEFAULT_SEED) -> str:
    """The article page: the story inside 20-80 KB of site furniture."""
    rng = random.Random(f"{seed}:page:{page_story.index}")
    # Sizes spread like those of real article pages of 20-80 KB (most are 45-70 KB); the last
    # card of the "latest" column may overshoot the target by up to 3 KB.
    target = round(rng.triangular(MIN_PAGE_BYTES, MAX_PAGE_BYTES - 3_000, MAX_PAGE_BYTES - 15_000))
    # Shares as among real article pages: trafilatura searched the tree for an author on 58% of
    # the public benchmark's 20-80 KB pages and for categories or tags 1.6 times per page.
    declared = _HeadFacts(author=rng.random() < 0.4, times=rng.random() < 0.45, topics=rng.random() < 0.25)
    head = _head(page_story, rng, declared)
    opening = (
        f'<body class="article-template section-{page_story.section} layout--with-rail has-consent-banner" '
        f'data-template="article" data-section="{page_story.section}">'
        '<a class="skip-link visually-hidden" href="#main-content">Skip to main content</a>'
        + _consent_banner()
        + '<div id="page" class="site-wrapper">'
        + _ad(rng, "leaderboard")
        + _site_header(rng, page_story.section)
        + '<div id="content" class="site-content"><div class="container container--article">'
        '<div class="row row--article">'
        '<div class="col col-main col-md-8"><main id="main-content" class="site-main" role="main">'
    )
    article = _article(page_story, rng)
    rail_opening = (
        '<div class="col col-rail col-md-4"><div class="sidebar sidebar--right sticky-rail" role="complementary">'
    )
    closing = [
        "</div></div>",  # rail
        "</div></div></div>",  # row, container, content
        _site_footer(rng),
        "</div>",  # page
        f"<script>{_script_blob(rng, rng.randint(800, 3000))}</script>",
        '<script src="/static/js/article.min.js" defer></script></body></html>',
    ]
    # Modules a page may carry, most common first; a small page keeps those that fit its size.
    optional = {
        "comments": _comments(page_story, rng) if rng.random() < 0.6 else "",
        "related": _card_module(
            "Related coverage", "related", [_card(rng, page_story, "related", n) for n in range(rng.randint(4, 8))]
        ),
        "most-read": _most_read(rng),
        "newsletter": _newsletter_box(),
        "rail-ad": _ad(rng, "rail"),
    }
    size = sum(len(part.encode()) for part in (*head, opening, article, rail_opening, *closing)) + 40
    kept = dict.fromkeys(optional, "")
    for name, part in optional.items():
        if size + len(part.encode()) <= target:
            kept[name] = part
            size += len(part.encode())
    main = [article, kept["comments"], kept["related"], "</main></div>"]
    rail = [rail_opening, kept["most-read"], kept["newsletter"], kept["rail-ad"]]
    # More rail cards until the page reaches its target size, as a long "latest" column does.
    while size < target:
        cards: list[str] = []
        for position in range(rng.randint(5, 10)):
            if size >= target:
                break
            cards.append(_card(rng, page_story, "latest", position))
            size += len(cards[-1].encode())
        module = _card_module("Latest", "latest", cards)
        rail.append(module)
        size += len(module.encode()) - sum(len(card.encode()) for card in cards)
        if rng.random() < 0.3:
            rail.append(_ad(rng, "rail"))
            size += len(rail[-1].encode())
    return "\n".join([*head, opening, *main, *rail, *closing])


@dataclass(frozen=True)
class _HeadFacts:
    """What a page's head declares about its article; trafilatura searches the tree for the rest."""

    author: bool  # <meta name="author"> and the JSON-LD author (else only the visible byline names it)
    times: bool  # article:published_time and article:modified_time (JSON-LD always has datePublished)
    topics: bool  # article:section, article:tag and the JSON-LD articleSection


def _head(page_story: Story, rng: random.Random, declared: _HeadFacts) -> list[str]:
    esc = html.escape
    title = esc(page_story.title)
    stamp = page_story.published.isoformat()
    modified = (page_story.published + timedelta(minutes=rng.randint(5, 300))).isoformat()
    summary = esc(page_story.paragraphs[0].split(". ")[0])
    tags = rng.sample(SECTIONS, 3)
    lines = [
        "<!DOCTYPE html>",
        '<html lang="en" class="no-js" data-theme="light"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{title} | {SITE_NAME}</title>",
        f'<link rel="canonical" href="{page_story.path}">',
        f'<meta name="description" content="{summary}">',
        '<meta name="robots" content="index, follow, max-image-preview:large">',
        f'<meta property="og:title" content="{title}">',
        f'<meta property="og:description" content="{summary}">',
        '<meta property="og:type" content="article">',
        f'<meta property="og:image" content="/img/{page_story.index}-1200.jpg">',
        f'<meta property="og:site_name" content="{SITE_NAME}">',
        '<meta name="twitter:card" content="summary_large_image">',
        *(
            [
                f'<meta property="article:published_time" content="{stamp}">',
                f'<meta property="article:modified_time" content="{modified}">',
            ]
            if declared.times
            else []
        ),
        *(
            [
                f'<meta property="article:section" content="{page_story.section.title()}">',
                *(f'<meta property="article:tag" content="{tag.title()}">' for tag in tags),
            ]
            if declared.topics
            else []
        ),
        *([f'<meta name="author" content="{esc(page_story.author)}">'] if declared.author else []),
        '<link rel="preconnect" href="/static/">',
        '<link rel="icon" href="/favicon.ico" sizes="any"><link rel="apple-touch-icon" href="/icons/touch-180.png">',
        f'<link rel="alternate" type="application/rss+xml" title="{SITE_NAME}" href="/feeds/latest.xml">',
        '<link rel="stylesheet" href="/static/css/article.min.css">',
        f"<style>{_stylesheet(rng)}</style>",
        '<script type="application/ld+json">'
        + _json_ld(page_story, with_author=declared.author, with_section=declared.topics)
        + "</script>",
        f'<script>window.__consent={{"version":3,"region":"{rng.choice(("eu", "uk", "row"))}","vendors":'
        f"[{','.join(str(rng.randint(1, 900)) for _ in range(rng.randint(10, 40)))}]}};</script>",
        f"<script>{_script_blob(rng, rng.randint(1500, 6000))}</script>",
        *(f'<script async src="/static/js/{name}.js"></script>' for name in ("consent", "analytics", "ads", "video")),
        "</head>",
    ]
    return lines


def _icon(name: str) -> str:
    return (
        f'<svg class="icon icon--{name}" width="20" height="20" viewBox="0 0 24 24" aria-hidden="true" '
        f'focusable="false"><path d="{ICONS[name]}" fill="none" stroke="currentColor" stroke-width="2"></path></svg>'
    )


def _consent_banner() -> str:
    return (
        '<div id="consent-banner" class="consent-banner consent-banner--bottom" role="dialog" '
        'aria-live="polite" aria-label="Cookie consent" data-consent-version="3">'
        '<div class="consent-banner__inner container"><p class="consent-banner__text">We and our partners use '
        "cookies to keep the site working, to measure how it is used and to show advertising that pays for our "
        "journalism. You can accept them all, refuse the optional ones or choose.</p>"
        '<div class="consent-banner__actions">'
        '<button class="btn btn--primary" data-consent="accept-all">Accept all</button>'
        '<button class="btn btn--secondary" data-consent="reject-optional">Refuse optional cookies</button>'
        '<a class="btn btn--link" href="/cookies#preferences">Choose</a></div>'
        f'<button class="consent-banner__close" aria-label="Close">{_icon("close")}</button></div></div>'
    )


def _site_header(rng: random.Random, section: str) -> str:
    utility = "".join(
        f'<li class="utility-nav__item"><a class="utility-nav__link" href="{href}">{label}</a></li>'
        for label, href in UTILITY_LINKS
    )
    sections = "".join(
        f'<li class="menu-item menu-item--{name}{" is-active" if name == section else ""}">'
        f'<a class="menu-item__link" href="/{name}/" data-track="nav|{name}">{name.title()}</a></li>'
        for name in SECTIONS
    )
    towns = "".join(
        f'<li class="local-nav__item"><a class="local-nav__link" href="/local/{i}">{_Filler(rng).town()}</a></li>'
        for i in range(rng.randint(12, 24))
    )
    ticker = "".join(
        f'<li class="ticker__item"><a class="ticker__link" href="/live/{rng.randint(1, 9999)}">'
        f"{html.escape(headline(rng))}</a></li>"
        for _ in range(5)
    )
    return (
        '<header id="masthead" class="site-header site-header--sticky" data-component="header">'
        f'<div class="site-header__top"><div class="container"><ul class="utility-nav">{utility}</ul>'
        f'<a class="account-link" href="/account">{_icon("user")}<span class="account-link__label">My account</span>'
        "</a></div></div>"
        '<div class="site-header__brand"><div class="container">'
        f'<button class="menu-toggle" aria-expanded="false" aria-controls="primary-menu">{_icon("menu")}'
        '<span class="visually-hidden">Menu</span></button>'
        f'<a class="site-logo" href="/" aria-label="{SITE_NAME}, home"><span class="site-logo__text">{SITE_NAME}</span>'
        "</a></div></div>"
        f'<nav id="primary-menu" class="primary-nav" aria-label="Sections"><div class="container">'
        f'<ul class="primary-nav__list menu">{sections}</ul></div></nav>'
        f'<div class="local-bar"><div class="container"><span class="local-bar__label">Local:</span>'
        f'<ul class="local-nav">{towns}</ul></div></div>'
        f'<div class="breaking-ticker" data-component="ticker" data-refresh="60"><div class="container">'
        f'<span class="breaking-ticker__label">Breaking</span><ul class="ticker">{ticker}</ul></div></div>'
        '<form class="search-form" role="search" action="/search"><label class="visually-hidden" for="search-q">Search'
        '</label><input id="search-q" class="search-form__input" type="search" name="q" '
        'placeholder="Search the Ledger">'
        f'<button class="search-form__submit" type="submit" aria-label="Search">{_icon("search")}</button></form>'
        "</header>"
    )


def _share_bar(place: str) -> str:
    buttons = "".join(
        f'<li class="share-bar__item"><button class="share-button share-button--{name}" type="button" '
        f'data-share="{name}" data-track="share|{place}|{name}" aria-label="{label}">{_icon(name)}'
        f'<span class="share-button__label">{label}</span></button></li>'
        for name, label in SHARE_BUTTONS
    )
    return (
        f'<div class="share-bar share-bar--{place}" data-component="share-bar">'
        f'<ul class="share-bar__list">{buttons}</ul></div>'
    )


def _picture(path: str, alt: str, css: str) -> str:
    widths = (320, 640, 960, 1280)
    srcset = ", ".join(f"{path}-{width}.webp {width}w" for width in widths)
    return (
        f'<picture class="{css}"><source type="image/webp" srcset="{srcset}" sizes="(min-width: 960px) 640px, 100vw">'
        f'<img src="{path}-640.jpg" alt="{alt}" width="640" height="360" loading="lazy" decoding="async"></picture>'
    )


def _article(page_story: Story, rng: random.Random) -> str:
    esc = html.escape
    stamp = page_story.published
    updated = stamp + timedelta(minutes=rng.randint(5, 300))
    section = page_story.section
    author_id = rng.randint(1, 300)
    caption = _capitalised(rng.choice(CAPTION_TEMPLATES).format(**_Filler(rng).values()))
    parts = [
        f'<article id="article-{page_story.index}" class="article article--news article--standard '
        f'story-{page_story.index} section-{section} has-lead-image" data-article-id="{page_story.index}" '
        'data-content-type="news" itemscope itemtype="https://schema.org/NewsArticle">',
        '<div class="article__header-wrap"><div class="article__header">',
        '<nav class="breadcrumbs" aria-label="Breadcrumb"><ol class="breadcrumbs__list">'
        '<li class="breadcrumbs__item"><a class="breadcrumbs__link" href="/">Home</a></li>'
        f'<li class="breadcrumbs__item"><a class="breadcrumbs__link" href="/{section}/">{section.title()}</a></li>'
        "</ol></nav>",
        f'<div class="article__kicker"><a class="kicker-link" href="/{section}/">{section.title()}</a></div>',
        f'<h1 class="article__title headline" itemprop="headline">{esc(page_story.title)}</h1>',
        '<div class="article__meta byline-block">'
        f'<div class="byline__avatar"><img src="/img/authors/{author_id}.jpg" alt="" width="48" height="48" '
        'loading="lazy"></div>'
        '<div class="byline__details"><span class="byline__by">By</span> '
        f'<a class="byline__author" href="/authors/{author_id}" itemprop="author">{esc(page_story.author)}</a>'
        f' <span class="byline__role">{rng.choice(AUTHOR_ROLES)}</span></div>'
        f'<div class="article__timestamps"><time class="article__published" datetime="{stamp.isoformat()}" '
        f'itemprop="datePublished">{stamp:%d %B %Y, %H:%M}</time> <span class="article__updated">Updated '
        f'<time datetime="{updated.isoformat()}" itemprop="dateModified">{updated:%H:%M}</time></span></div></div>',
        _share_bar("top"),
        "</div></div>",
        '<figure class="article__lead-media lead-image"><div class="media-frame media-frame--16x9">'
        + _picture(f"/img/{page_story.index}", "", "lead-image__picture")
        + f'</div><figcaption class="lead-image__caption caption"><span class="caption__text">{esc(caption)}</span> '
        f'<span class="caption__credit">Photo: {esc(_Filler(rng).person())} for {SITE_NAME}</span>'
        "</figcaption></figure>",
        '<div class="article__body-wrap"><div class="article__body article-body" itemprop="articleBody" '
        'data-component="article-body">',
    ]
    insert_at = rng.randint(2, max(2, len(page_story.paragraphs) - 2))
    ad_at = rng.randint(1, 3)
    for position, paragraph in enumerate(page_story.paragraphs):
        if position in page_story.subheads:
            parts.append(f'<h2 class="article__subheading">{esc(page_story.subheads[position])}</h2>')
        parts.append(f"<p>{_with_inline_link(esc(paragraph), rng)}</p>")
        if position == ad_at:
            parts.append(_ad(rng, "inline"))
        if position == insert_at:
            # An inline "read more" box inside the article body, as many sites have.
            parts.append(
                '<div class="inline-related" data-component="related-link"><span class="inline-related__label">'
                f'Read more</span> <a class="inline-related__link" href="/news/more/{rng.randint(1, 99999)}.html">'
                f"{esc(headline(rng))}</a></div>"
            )
    parts.append("</div></div>")
    tags = "".join(
        f'<li class="tag-list__item"><a class="tag" href="/tag/{tag}">{tag.title()}</a></li>'
        for tag in rng.sample(SECTIONS, 3)
    )
    parts.append(
        f'<div class="article__footer"><div class="article__tags"><span class="article__tags-label">Topics</span>'
        f'<ul class="tag-list">{tags}</ul></div>{_share_bar("bottom")}'
        f'<div class="corrections-note"><a href="/corrections">Report an error in this article</a></div></div>'
    )
    parts.append("</article>")
    return "\n".join(parts)


# Names of people and towns in the story text, which editors link to topic pages.
_LINKABLE_NAME = re.compile(
    rf"\b(?:(?:{'|'.join(FIRST_NAMES)}) (?:{'|'.join(LAST_NAMES)})"
    rf"|(?:{'|'.join(TOWN_HEADS)})(?:{'|'.join(TOWN_TAILS)}))\b"
)


def _with_inline_link(paragraph_html: str, rng: random.Random) -> str:
    """The paragraph with its first person or town linked to a topic page, in some paragraphs."""
    if rng.random() >= 0.4:
        return paragraph_html
    return _LINKABLE_NAME.sub(
        lambda match: (
            f'<a class="topic-link" href="/topics/{match[0].lower().replace(" ", "-")}" '
            f'data-track="inline-link">{match[0]}</a>'
        ),
        paragraph_html,
        count=1,
    )


def _comments(page_story: Story, rng: random.Random) -> str:
    count = rng.randint(2, 9)
    items = []
    for number in range(count):
        comment_id = rng.randint(100_000, 999_999)
        filler = _Filler(rng)
        text = " ".join(
            _capitalised(rng.choice(COMMENT_TEMPLATES).format(**filler.values())) for _ in range(rng.randint(1, 3))
        )
        posted = page_story.published + timedelta(minutes=rng.randint(10, 900))
        name = filler.person() if rng.random() < 0.5 else f"{rng.choice(TOWN_HEADS).lower()}reader{rng.randint(1, 999)}"
        depth = 2 if number and rng.random() < 0.3 else 1
        items.append(
            f'<li id="comment-{comment_id}" class="comment comment--depth-{depth}"><div class="comment__body">'
            f'<div class="comment__meta"><img class="comment__avatar" src="/avatars/{comment_id % 97}.png" alt="" '
            f'width="40" height="40"><span class="comment__name">{html.escape(name)}</span> '
            f'<a class="comment__permalink" href="#comment-{comment_id}"><time datetime="{posted.isoformat()}">'
            f"{posted:%d %b %Y %H:%M}</time></a></div>"
            f'<div class="comment__text"><p>{html.escape(text)}</p></div>'
            f'<div class="comment__actions"><button class="comment__reply" data-reply-to="{comment_id}">Reply</button> '
            f'<button class="comment__vote" aria-label="Recommend">{_icon("arrow")}<span>{rng.randint(0, 40)}</span>'
            "</button></div></div></li>"
        )
    return (
        f'<section id="comments" class="comments comments--open" data-comment-count="{count}">'
        f'<h2 class="comments__title">{_icon("speech")} {count} comments</h2>'
        f'<ol class="comment-thread">{"".join(items)}</ol>'
        '<div id="respond" class="comment-form-wrap"><h3 class="comment-form-wrap__title">Join the discussion</h3>'
        '<form class="comment-form" action="/comments" method="post"><p class="comment-form__note">Comments are '
        "checked before they appear. Please keep to the subject.</p>"
        '<label for="comment-text">Your comment</label><textarea id="comment-text" name="text" rows="5"></textarea>'
        '<label for="comment-name">Name</label><input id="comment-name" name="name" type="text">'
        '<button class="btn btn--primary" type="submit">Post comment</button></form></div></section>'
    )


def _card(rng: random.Random, page_story: Story, module: str, position: int) -> str:
    with_image = position < 2 or rng.random() < 0.3
    article_id = rng.randint(1, 999_999)
    link = f"/news/{rng.randint(2019, 2026)}/{rng.randint(1, 12):02d}/story-{article_id}.html"
    section = rng.choice(SECTIONS)
    minutes = rng.randint(5, 600)
    posted = page_story.published - timedelta(minutes=minutes)
    age = f"{minutes} minutes ago" if minutes < 60 else f"{minutes // 60} hours ago"
    media = (
        f'<div class="card__media">{_picture(f"/img/t/{article_id}", "", "card__picture")}</div>' if with_image else ""
    )
    filler = _Filler(rng)
    standfirst = _capitalised(rng.choice(NEWS_TEMPLATES).format(**filler.values()))
    comments = (
        f'<span class="card__comments">{_icon("speech")}{rng.randint(1, 80)}</span>' if rng.random() < 0.3 else ""
    )
    return (
        f'<div class="card card--{module} {"card--with-image" if with_image else "card--text"}" '
        f'data-article-id="{article_id}">'
        f'<a class="card__link" href="{link}" data-track="{module}|{position}">{media}'
        f'<div class="card__content"><span class="card__kicker">{section.title()}</span>'
        f'<h3 class="card__headline">{html.escape(headline(rng))}</h3></div></a>'
        f'<p class="card__standfirst">{html.escape(standfirst)}</p>'
        f'<div class="card__meta"><time class="card__time" datetime="{posted.isoformat()}">'
        f"{_icon('clock')}{age}</time>{comments}</div></div>"
    )


def _card_module(heading: str, css: str, cards: list[str]) -> str:
    return (
        f'<div class="module module--{css}" data-module="{css}"><div class="module__header">'
        f'<h2 class="module__title">{heading}</h2><a class="module__more" href="/{css}/">More {_icon("arrow")}</a>'
        f'</div><div class="card-list card-list--{css}">{"".join(cards)}</div></div>'
    )


def _most_read(rng: random.Random) -> str:
    items = "".join(
        f'<li class="most-read__item"><span class="most-read__rank">{rank}</span>'
        f'<a class="most-read__link" href="/news/{rng.randint(2024, 2026)}/{rng.randint(1, 12):02d}/'
        f'story-{rng.randint(1, 999_999)}.html" data-track="most-read|{rank}">{html.escape(headline(rng))}</a></li>'
        for rank in range(1, 11)
    )
    return (
        '<div class="module module--most-read" data-module="most-read"><div class="module__header">'
        f'<h2 class="module__title">Most read</h2></div><ol class="most-read">{items}</ol></div>'
    )


def _newsletter_box() -> str:
    return (
        '<div class="newsletter-signup module" data-module="newsletter"><div class="newsletter-signup__inner">'
        f'{_icon("mail")}<h3 class="newsletter-signup__title">The morning briefing</h3>'
        '<p class="newsletter-signup__text">The day\'s main stories in your inbox before breakfast.</p>'
        '<form class="newsletter-signup__form" action="/newsletter"><label class="visually-hidden" for="nl-email">'
        'Email address</label><input id="nl-email" type="email" name="email" placeholder="Email address">'
        '<button class="btn btn--primary" type="submit">Sign up</button></form></div></div>'
    )


def _ad(rng: random.Random, place: str) -> str:
    slot = rng.randint(1, 40)
    size = {"leaderboard": "728x90", "rail": "300x250", "inline": "300x250"}[place]
    return (
        f'<div class="ad-container ad-container--{place}"><div class="ad-slot ad-slot--{place}" id="ad-{place}-{slot}" '
        f'data-ad-unit="/ledger/{place}" data-size="{size}" data-targeting="section,{slot}" aria-hidden="true">'
        f'<span class="ad-label">Advertisement</span><iframe src="/ads/{slot}" title="Advertisement"></iframe>'
        "</div></div>"
    )


def _site_footer(rng: random.Random) -> str:
    columns = []
    for heading in ("Sections", "Local", "Services"):
        if heading == "Sections":
            names = [name.title() for name in SECTIONS]
        elif heading == "Local":
            names = [_Filler(rng).town() for _ in range(rng.randint(8, 16))]
        else:
            names = rng.sample(SERVICE_LINKS, rng.randint(6, len(SERVICE_LINKS)))
        links = "".join(
            f'<li class="footer-nav__item"><a class="footer-nav__link" href="/{heading.lower()}/{i}">{name}</a></li>'
            for i, name in enumerate(names)
        )
        columns.append(
            f'<div class="site-footer__column"><h4 class="site-footer__heading">{heading}</h4>'
            f'<ul class="footer-nav">{links}</ul></div>'
        )
    follow = "".join(
        f'<a class="follow-link follow-link--{name}" href="/follow/{name}" aria-label="{label}">{_icon(name)}</a>'
        for name, label in (("post", "Our feed"), ("message", "Message us"), ("mail", "Email the newsroom"))
    )
    return (
        '<footer class="site-footer"><div class="container"><div class="site-footer__columns">'
        f'{"".join(columns)}</div><div class="site-footer__follow">{follow}</div>'
        "<p class='site-footer__legal'>The Meridian Ledger is published by Meridian Media Ltd. All rights reserved. "
        "Reproduction in whole or in part without permission is prohibited. We use cookies to measure "
        "readership and to remember your preferences; see our privacy notice for details.</p>"
        '<ul class="legal-links"><li><a href="/privacy">Privacy</a></li><li><a href="/terms">Terms</a></li>'
        '<li><a href="/cookies">Cookie settings</a></li><li><a href="/contact">Contact us</a></li></ul></div></footer>'
    )


def _stylesheet(rng: random.Random) -> str:
    selectors = (".site-header", ".menu-item", ".ticker", ".row", ".article-body p", ".sidebar", ".card", ".comment")
    rules = [
        f"{rng.choice(selectors)}{rng.choice(('', ' a', ':hover', ' span'))}"
        f"{{margin:{rng.randint(0, 24)}px;padding:{rng.randint(0, 16)}px;color:#{rng.randint(0, 0xFFFFFF):06x}}}"
        for _ in range(rng.randint(30, 90))
    ]
    return "".join(rules)


def _script_blob(rng: random.Random, size: int) -> str:
    """An analytics or ad-config script of about `size` bytes, as news pages embed."""
    keys = ("slot", "zone", "segment", "variant", "region", "consent", "experiment", "bucket")
    entries = []
    length = 0
    while length < size:
        entry = f'"{rng.choice(keys)}_{rng.randint(1, 9999)}":"{rng.getrandbits(64):016x}"'
        entries.append(entry)
        length += len(entry) + 1
    return "window.__ledger=window.__ledger||{};Object.assign(window.__ledger,{" + ",".join(entries) + "});"


def _json_ld(page_story: Story, *, with_author: bool, with_section: bool) -> str:
    data: dict[str, object] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": page_story.title,
        "datePublished": page_story.published.isoformat(),
        "publisher": {"@type": "Organization", "name": SITE_NAME},
    }
    if with_section:
        data["articleSection"] = page_story.section.title()
    if with_author:
        data["author"] = {"@type": "Person", "name": page_story.author}
    return json.dumps(data, ensure_ascii=False).replace("</", "<\\/")


# ---- feeds and the site -------------------------------------------------------------------------


def render_feed(source: str, stories: list[Story]) -> str:
    """An RSS 2.0 feed of `stories`; `{BASE}` stands for the server's base URL."""
    esc = html.escape
    items = []
    for item in stories:
        items.append(
            "<item>"
            f"<title>{esc(item.title)}</title>"
            f"<link>{{BASE}}{item.path}</link>"
            f'<guid isPermaLink="true">{{BASE}}{item.path}</guid>'
            f"<pubDate>{format_datetime(item.published)}</pubDate>"
            f"<description>{esc(item.paragraphs[0].split('. ')[0])}.</description>"
            "</item>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
        f"<title>{SITE_NAME}: {source}</title><link>{{BASE}}/</link>"
        f"<description>Latest stories ({source})</description><language>en</language>"
        + "".join(items)
        + "</channel></rss>\n"
    )


def source_names(count: int = SOURCE_COUNT) -> tuple[str, ...]:
    return tuple(f"ledger-{SECTIONS[i % len(SECTIONS)]}{'' if i < len(SECTIONS) else i}" for i in range(count))


def generate_site(
    folder: Path,
    pages: int,
    *,
    seed: int = DEFAULT_SEED,
    per_feed: int = ENTRIES_PER_FEED,
    sources: int = SOURCE_COUNT,
) -> GeneratedSite:
    """Write `pages` article pages, their feeds and robots.txt under `folder/<OUTLET>/`."""
    root = folder / OUTLET
    root.mkdir(parents=True, exist_ok=True)
    (root / "robots.txt").write_text("User-agent: *\nDisallow: /search\nDisallow: /share/\n", encoding="utf-8")
    names = source_names(sources)
    site_pages: list[SitePage] = []
    feeds: dict[str, list[str]] = {name: [] for name in names}
    for feed_number, first in enumerate(range(0, pages, per_feed)):
        source = names[feed_number % len(names)]
        stories = [story(index, seed) for index in range(first, min(first + per_feed, pages))]
        for item in stories:
            page = render_page(item, seed).encode("utf-8")
            target = root / item.path.lstrip("/")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(page)
            site_pages.append(SitePage(item.index, item.path, source, item.title, len(page), item.trip, item.copy_of))
        feed_path = f"/feeds/{source}-{feed_number}.xml"
        feed_file = root / feed_path.lstrip("/")
        feed_file.parent.mkdir(parents=True, exist_ok=True)
        feed_file.write_text(render_feed(source, stories), encoding="utf-8")
        feeds[source].append(feed_path)
    return GeneratedSite(
        sites_dir=folder,
        outlet=OUTLET,
        pages=tuple(site_pages),
        feeds={name: tuple(paths) for name, paths in feeds.items() if paths},
    )


# ---- calibration against real pages ------------------------------------------------------------


@dataclass(frozen=True)
class ExtractionCost:
    """What bare trafilatura costs on a set of pages: medians over its pages."""

    name: str
    pages: int
    kilobytes: float
    elements: float
    milliseconds: float


def calibrate(
    data_dir: Path, pages: int = 100, rounds: int = 2, seed: int = DEFAULT_SEED
) -> tuple[ExtractionCost, ExtractionCost]:
    """`trafilatura.extract(html, with_metadata=True)` on real and on synthetic pages, side by side.

    The real pages are those of 20-80 KB in `data_dir/html/*.html.gz` (the public
    article-extraction benchmark, read where it lies); the synthetic ones are pages 0 to
    `pages` - 1. All of them are timed in one shuffled order, `rounds` times, and the fastest
    time of each page counts, so the machine's load weighs on both sets alike.
    """
    # Only calibration needs these: generating a site does not.
    import lxml.html
    import trafilatura

    folder = data_dir / "html"
    real = [
        raw
        for raw in (gzip.decompress(path.read_bytes()) for path in sorted(folder.glob("*.html.gz")))
        if MIN_PAGE_BYTES <= len(raw) <= MAX_PAGE_BYTES
    ]
    if not real:
        raise FileNotFoundError(f"{folder}: no .html.gz page of 20-80 KB; expected the benchmark's html/ folder")
    page_sets = {
        "public 20-80 KB pages": real,
        "synthetic pages": [render_page(story(index, seed), seed).encode() for index in range(pages)],
    }
    jobs = [(name, number) for name, htmls in page_sets.items() for number in range(len(htmls))]
    fastest: dict[tuple[str, int], float] = {}
    shuffler = random.Random(seed)
    for _ in range(rounds):
        shuffler.shuffle(jobs)
        for name, number in jobs:
            started = time.perf_counter()
            trafilatura.extract(page_sets[name][number], with_metadata=True)
            elapsed = time.perf_counter() - started
            fastest[name, number] = min(elapsed, fastest.get((name, number), elapsed))
    real_cost, synthetic_cost = (
        ExtractionCost(
            name=name,
            pages=len(htmls),
            kilobytes=statistics.median(len(page) for page in htmls) / 1000,
            elements=statistics.median(len(lxml.html.fromstring(page).xpath("//*")) for page in htmls),
            milliseconds=statistics.median(fastest[name, number] for number in range(len(htmls))) * 1000,
        )
        for name, htmls in page_sets.items()
    )
    return real_cost, synthetic_cost


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description="Compare the naive extraction cost of synthetic pages with real pages of the same size.",
        epilog="Example: python -m benchmarks.sitegen --calibrate path/to/article-extraction-benchmark",
    )
    parser.add_argument(
        "--calibrate", type=Path, required=True, metavar="DATA_DIR", help="the benchmark folder holding html/"
    )
    parser.add_argument("--pages", type=int, default=100, help="synthetic pages to time")
    parser.add_argument("--rounds", type=int, default=2, help="times each page is extracted (fastest counts)")
    args = parser.parse_args(argv)
    try:
        costs = calibrate(args.calibrate, args.pages, args.rounds)
    except FileNotFoundError as error:
        parser.error(str(error))
    print(f"trafilatura.extract(html, with_metadata=True), fastest of {args.rounds} rounds, one process:")
    print(f"{'':24}{'pages':>6}{'median KB':>11}{'median elements':>17}{'median ms':>11}")
    for cost in costs:
        print(f"{cost.name:24}{cost.pages:>6}{cost.kilobytes:>11.1f}{cost.elements:>17.0f}{cost.milliseconds:>11.1f}")
    real, synthetic = costs
    print(f"synthetic / public median time: {synthetic.milliseconds / real.milliseconds:.2f}")


if __name__ == "__main__":
    main()
