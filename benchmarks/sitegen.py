"""A synthetic news site for the throughput benchmarks: article pages, RSS feeds and robots.txt.

Every sentence is assembled here from a seeded vocabulary and templates, so no page copies
real text. Random names, towns, numbers and sentence order make any two stories share almost
no five-word shingle, so dedup keeps them apart. About one page in eight reports a security
or interior minister's trip abroad in the terms of config/watchlist.yaml, so classification
does its full work on some pages. One page in fifty republishes an earlier page's story with
a partner's credit line (a syndicated copy): near-duplicate detection has work to do, with a
known answer.

Pages are 20-80 KB like real article pages: the story is 3-10 KB of text; the rest is a
header with navigation, a ticker, a sidebar of teasers, a related-links box, a footer, inline
CSS, JSON-LD and script. Page `i` is the same for any page count and on any machine (it is
built from a random generator seeded with the site seed and `i`).

The layout follows demo/server.py (FixtureWeb): `<root>/<outlet>/...`, with `{BASE}` in the
feeds standing for the server's base URL. Article `i` is `/news/<yyyy>/<mm>/<slug>-<i>.html`;
feed `k` holds articles `k*per_feed .. (k+1)*per_feed - 1` and belongs to source `k % sources`.
"""

from __future__ import annotations

import html
import json
import random
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


def render_page(page_story: Story, seed: int = DEFAULT_SEED) -> str:
    """The article page: the story inside 20-80 KB of site furniture."""
    rng = random.Random(f"{seed}:page:{page_story.index}")
    # The last teaser box may overshoot by up to 4 KB.
    target = rng.randint(MIN_PAGE_BYTES, MAX_PAGE_BYTES - 4_000)
    esc = html.escape
    title = esc(page_story.title)
    stamp = page_story.published.isoformat()
    summary = esc(page_story.paragraphs[0].split(". ")[0])
    head = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{title} | {SITE_NAME}</title>",
        f'<link rel="canonical" href="{page_story.path}">',
        f'<meta name="description" content="{summary}">',
        f'<meta property="og:title" content="{title}">',
        '<meta property="og:type" content="article">',
        f'<meta property="og:site_name" content="{SITE_NAME}">',
        f'<meta property="article:published_time" content="{stamp}">',
        f'<meta property="article:section" content="{page_story.section.title()}">',
        f'<meta name="author" content="{esc(page_story.author)}">',
        f"<style>{_stylesheet(rng)}</style>",
        '<script type="application/ld+json">' + _json_ld(page_story) + "</script>",
        f"<script>{_script_blob(rng, rng.randint(1500, 6000))}</script>",
        "</head><body>",
    ]
    header = _site_header(rng, page_story.section)
    article = _article(page_story, rng)
    related = _teaser_box(rng, "Related coverage", "related", rng.randint(5, 9), with_summary=True)
    most_read = _teaser_box(rng, "Most read", "most-read", 10, with_summary=False)
    newsletter = (
        '<div class="newsletter"><h3>The morning briefing</h3><p>The day\'s main stories in your inbox '
        'before breakfast.</p><form action="/newsletter"><input type="email" name="email" '
        'placeholder="Email address"><button>Sign up</button></form></div>'
    )
    footer = _site_footer(rng)
    closing = f"<script>{_script_blob(rng, rng.randint(800, 3000))}</script></body></html>"
    fixed = [*head, header, '<div class="layout"><main>', article, related, "</main>"]
    sidebar = ['<aside class="sidebar">', most_read, newsletter, _ad(rng)]
    size = sum(len(part.encode()) for part in (*fixed, *sidebar, footer, closing)) + 40
    # More sidebar teasers until the page reaches its target size, as a long "latest" column does.
    while size < target:
        box = _teaser_box(rng, "Latest", "latest", rng.randint(6, 12), with_summary=True)
        sidebar.append(box)
        size += len(box.encode())
        if rng.random() < 0.3:
            ad = _ad(rng)
            sidebar.append(ad)
            size += len(ad.encode())
    sidebar.append("</aside></div>")
    return "\n".join([*fixed, *sidebar, footer, closing])


def _article(page_story: Story, rng: random.Random) -> str:
    esc = html.escape
    stamp = page_story.published
    parts = [
        "<article>",
        f'<nav class="breadcrumbs"><a href="/">Home</a> &rsaquo; <a href="/{page_story.section}/">'
        f"{page_story.section.title()}</a></nav>",
        f"<h1>{esc(page_story.title)}</h1>",
        f'<p class="byline">By <a rel="author" href="/authors/{rng.randint(1, 300)}">{esc(page_story.author)}</a>'
        f' &middot; <time datetime="{stamp.isoformat()}">{stamp:%d %B %Y, %H:%M}</time></p>',
        f'<figure><img src="/img/{page_story.index}.jpg" alt="" width="800" height="450">'
        f"<figcaption>Photo: {esc(_Filler(rng).person())} for {SITE_NAME}</figcaption></figure>",
    ]
    insert_at = rng.randint(2, max(2, len(page_story.paragraphs) - 2))
    for position, paragraph in enumerate(page_story.paragraphs):
        if position in page_story.subheads:
            parts.append(f"<h2>{esc(page_story.subheads[position])}</h2>")
        parts.append(f"<p>{esc(paragraph)}</p>")
        if position == insert_at:
            # An inline "read more" box inside the article body, as many sites have.
            parts.append(
                f'<aside class="inline-related"><strong>Read more:</strong> <a href="/news/more/{rng.randint(1, 99999)}'
                f'.html">{esc(headline(rng))}</a></aside>'
            )
    tags = ", ".join(f'<a href="/tag/{tag}">{tag}</a>' for tag in rng.sample(SECTIONS, 3))
    parts.append(
        '<div class="share"><a href="/share/mail">Email</a> <a href="/share/print">Print</a> '
        '<button class="copy-link">Copy link</button></div>'
    )
    parts.append(f'<p class="tags">Topics: {tags}</p></article>')
    return "\n".join(parts)


def _site_header(rng: random.Random, section: str) -> str:
    sections = "".join(
        f'<li{" class=active" if name == section else ""}><a href="/{name}/">{name.title()}</a></li>'
        for name in SECTIONS
    )
    towns = "".join(f'<li><a href="/local/{i}">{_Filler(rng).town()}</a></li>' for i in range(rng.randint(12, 24)))
    ticker = "".join(
        f'<li><a href="/live/{rng.randint(1, 9999)}">{html.escape(headline(rng))}</a></li>' for _ in range(5)
    )
    return (
        '<header class="site-header"><div class="top-bar"><a href="/subscribe">Subscribe</a> '
        '<a href="/login">Sign in</a> <a href="/epaper">Today\'s paper</a></div>'
        f'<a class="brand" href="/">{SITE_NAME}</a>'
        f'<nav class="main-nav"><ul>{sections}</ul></nav>'
        f'<nav class="local-nav"><span>Local:</span><ul>{towns}</ul></nav>'
        f'<div class="ticker"><span>Breaking</span><ul>{ticker}</ul></div>'
        '<form class="search" action="/search"><input name="q" placeholder="Search the Ledger"></form></header>'
    )


def _teaser_box(rng: random.Random, heading: str, css: str, count: int, *, with_summary: bool) -> str:
    items = []
    for _ in range(count):
        link = f"/news/{rng.randint(2019, 2026)}/{rng.randint(1, 12):02d}/story-{rng.randint(1, 999_999)}.html"
        item = f'<li><a href="{link}">{html.escape(headline(rng))}</a>'
        if with_summary:
            filler = _Filler(rng)
            sentence = rng.choice(NEWS_TEMPLATES).format(**filler.values())
            item += f'<p class="standfirst">{html.escape(_capitalised(sentence))}</p>'
            item += f'<span class="meta">{rng.randint(1, 59)} minutes ago</span>'
        items.append(item + "</li>")
    return f'<section class="{css}"><h3>{heading}</h3><ul>{"".join(items)}</ul></section>'


def _ad(rng: random.Random) -> str:
    slot = rng.randint(1, 40)
    return (
        f'<div class="ad-slot" id="ad-{slot}" data-size="300x250" data-targeting="section,{slot}">'
        f'<span class="ad-label">Advertisement</span><iframe src="/ads/{slot}" title="Advertisement"></iframe></div>'
    )


def _site_footer(rng: random.Random) -> str:
    columns = []
    for heading in ("Sections", "Local", "Services", "About"):
        names = [_Filler(rng).town() if heading == "Local" else heading for _ in range(rng.randint(8, 16))]
        links = "".join(f'<li><a href="/{heading.lower()}/{i}">{name} {i}</a></li>' for i, name in enumerate(names))
        columns.append(f"<div class='column'><h4>{heading}</h4><ul>{links}</ul></div>")
    return (
        f'<footer class="site-footer">{"".join(columns)}'
        "<p class='legal'>The Meridian Ledger is published by Meridian Media Ltd. All rights reserved. "
        "Reproduction in whole or in part without permission is prohibited. We use cookies to measure "
        "readership and to remember your preferences; see our privacy notice for details.</p>"
        '<ul class="legal-links"><li><a href="/privacy">Privacy</a></li><li><a href="/terms">Terms</a></li>'
        '<li><a href="/cookies">Cookie settings</a></li><li><a href="/contact">Contact us</a></li></ul></footer>'
    )


def _stylesheet(rng: random.Random) -> str:
    selectors = (".site-header", ".main-nav li", ".ticker", ".layout", "article p", ".sidebar", ".latest li")
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


def _json_ld(page_story: Story) -> str:
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": page_story.title,
        "datePublished": page_story.published.isoformat(),
        "author": {"@type": "Person", "name": page_story.author},
        "publisher": {"@type": "Organization", "name": SITE_NAME},
        "articleSection": page_story.section.title(),
    }
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
