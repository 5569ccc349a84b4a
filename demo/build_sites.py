"""Build the sample news web (demo/sites/<outlet>/) and its gold files from the stories.

The prose lives in `demo/sites/_stories/<story>.yaml` (one article each, with its gold
labels). This script decides where each story is published (`PAGES`: originals,
syndicated copies, reposts, AMP and print variants), renders every page with its
outlet's template, and writes the feeds, sitemaps, listings, robots.txt, behaviours and
failure pages, plus `tests/fixtures/gold/`. The output is committed; run

    python -m demo.build_sites           # rewrite the files
    python -m demo.build_sites --check   # exit 1 if the committed files differ from a build

after editing a story or a template. Output is deterministic (no clock, no randomness).
"""

# The HTML templates below keep one element per line, as the served pages do.
# ruff: noqa: E501

from __future__ import annotations

import argparse
import email.utils
import html
import json
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from string import Template
from typing import Any

import yaml

DEMO_DIR = Path(__file__).resolve().parent
SITES_DIR = DEMO_DIR / "sites"
STORIES_DIR = SITES_DIR / "_stories"
GOLD_DIR = DEMO_DIR.parent / "tests" / "fixtures" / "gold"

OUTLET_NAMES = {
    "harbour-times": "The Harbour Times",
    "mekong-wire": "Mekong Wire",
    "east-asia-monitor": "East Asia Monitor",
    "lantern-daily": "燈籠日報",
    "reposter": "Reposter",
}
#: The generated folders: everything in them is rewritten by a build.
OUTLETS = tuple(OUTLET_NAMES)

# The feed/sitemap "now": every generated date is fixed so builds are reproducible.
BUILD_TIME = datetime(2026, 10, 17, 6, 0, tzinfo=UTC)
OVERSIZED_BYTES = 3_000_000
SLOW_SECONDS = 3
BST = timezone(timedelta(hours=1))
FLAKY_FAILURES = 2


# --------------------------------------------------------------------------------------
# Stories and pages
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Story:
    """One article as written, with its gold labels (see _stories/*.yaml)."""

    key: str
    language: str
    script: str | None
    relevant: bool
    destinations: tuple[str, ...]
    kind: str | None
    event: str | None  # the real-world event (trip) a story reports; shared by different stories of one trip
    title: str
    summary: str
    author: str | None
    published: datetime
    caption: str
    paragraphs: tuple[str, ...]
    encoding: str = "utf-8"
    extras: dict[str, str] = field(default_factory=dict)
    links: dict[str, str] = field(default_factory=dict)

    @property
    def lang_tag(self) -> str:
        return self.script or self.language


def load_story(path: Path) -> Story:
    raw: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    published = datetime.fromisoformat(str(raw["published"]))
    return Story(
        key=raw["story"],
        language=raw["language"],
        script=raw.get("script"),
        relevant=bool(raw["relevant"]),
        destinations=tuple(raw.get("destinations") or ()),
        kind=raw.get("kind"),
        event=raw.get("event"),
        title=raw["title"],
        summary=raw["summary"],
        author=raw.get("author"),
        published=published,
        caption=raw["caption"],
        paragraphs=tuple(str(p).strip() for p in raw["paragraphs"]),
        encoding=raw.get("encoding", "utf-8"),
        extras={key: str(value).strip() for key, value in (raw.get("extras") or {}).items()},
        links={str(key): str(value) for key, value in (raw.get("links") or {}).items()},
    )


def load_stories(directory: Path = STORIES_DIR) -> dict[str, Story]:
    stories = [load_story(path) for path in sorted(directory.glob("*.yaml"))]
    return {story.key: story for story in stories}


_KEEP = object()  # "same as the story" for optional overrides that may be None


@dataclass(frozen=True)
class Page:
    """Where and how a story appears: one URL on one outlet."""

    outlet: str
    path: str  # URL path, with query for the print variant
    story: str
    variant: str = "original"
    title: str | None = None
    author: object = _KEEP  # str | None | _KEEP
    published: str | None = None
    drop: tuple[int, ...] = ()
    insert: tuple[tuple[int, str], ...] = ()  # (position, extras key)
    source: tuple[str, str] | None = None  # (outlet, path) credited by a "Source link" line
    canonical: str | None = None  # for AMP and print pages: the main URL path
    file: str | None = None  # file serving the path, when it is not derived from the path


HT, MW, EAM, LD, RP = "harbour-times", "mekong-wire", "east-asia-monitor", "lantern-daily", "reposter"

# Paths used in several places.
MW_VIENTIANE = "/en/2026/10/vietnam-public-security-minister-vientiane-talks.html"
MW_PHNOM_PENH = "/vi/2026/10/bo-truong-cong-an-tham-campuchia.html"
MW_TOKYO_VI = "/vi/2026/10/bo-truong-cong-an-hoi-dam-tokyo.html"
MW_BANGKOK = "/en/2026/10/cambodia-interior-minister-bangkok-border.html"
HT_ROME = "/world/2026/10/home-secretary-rome-smuggling-talks.html"
HT_JAKARTA = "/world/2026/10/australian-home-affairs-minister-jakarta.html"
EAM_HANOI = "/ja/2026/10/11/npa-chief-hanoi"
EAM_BANGKOK_ZH = "/zh/2026/10/12/mps-minister-bangkok"
EAM_MANILA = "/ja/2026/10/15/psc-chairman-manila.html"
LD_HONG_KONG = "/news/20261014/1025113.html"
RP_SINGAPORE = "/2026/10/16/malaysia-home-minister-singapore-checkpoints"

PAGES: tuple[Page, ...] = (
    # --- mekong-wire: English and Vietnamese wire copy ---
    Page(MW, MW_VIENTIANE, "vn-mps-vientiane-talks"),
    Page(MW, MW_PHNOM_PENH, "vi-mps-phnom-penh"),
    Page(MW, MW_TOKYO_VI, "vi-mps-tokyo"),
    Page(MW, MW_BANGKOK, "kh-interior-bangkok"),
    Page(MW, "/en/2026/10/security-minister-inspects-lang-son-border.html", "vn-mps-lang-son-inspection"),
    Page(MW, "/vi/2026/10/bo-truong-cong-thuong-lam-viec-tai-han-quoc.html", "vi-trade-minister-seoul"),
    Page(MW, "/vi/2026/10/gia-lua-gao-tang-vu-thu-dong.html", "vi-rice-exports"),
    Page(MW, "/en/2026/10/hanoi-autumn-trade-fair-lao-cambodian-exhibitors.html", "hanoi-trade-fair-passing"),
    # --- harbour-times: English daily ---
    Page(HT, HT_ROME, "uk-home-secretary-rome"),
    Page(HT, "/world/2026/10/laos-vietnam-hotline-joint-patrols.html", "vientiane-policing-pact"),
    Page(HT, HT_JAKARTA, "au-home-affairs-jakarta"),
    Page(HT, "/world/2026/10/homeland-security-secretary-mexico-city.html", "us-dhs-mexico-city"),
    Page(HT, "/uk/2026/10/home-secretary-neighbourhood-policing-pledge.html", "uk-home-secretary-conference"),
    Page(HT, "/world/2026/10/japan-foreign-minister-laos-flood-aid.html", "jp-foreign-minister-vientiane"),
    Page(HT, "/uk/2026/10/engineer-denies-passing-radar-secrets.html", "london-espionage-trial"),
    Page(HT, "/sport/2026/10/late-header-jakarta-qualifier.html", "football-jakarta"),
    Page(
        HT,
        "/world/2026/10/vietnam-minister-laos-visit.html",
        "vn-mps-vientiane-talks",
        variant="syndicated",
        title="Vietnamese police chief visits Laos as border scam networks spread",
        published="2026-10-14T13:10:00+01:00",
        drop=(5,),
    ),
    # --- east-asia-monitor: English, Japanese and Chinese magazine ---
    Page(EAM, "/en/2026/10/08/nis-director-secret-tokyo-visit", "kr-nis-tokyo-secret"),
    Page(EAM, EAM_HANOI, "ja-npa-hanoi"),
    Page(EAM, EAM_BANGKOK_ZH, "zh-mps-bangkok"),
    Page(EAM, EAM_MANILA, "ja-psc-manila"),
    Page(EAM, "/en/2026/10/10/bangkok-festival-safety-tips", "bangkok-travel-safety"),
    Page(EAM, "/ja/2026/10/09/npa-chief-sns-fraud-briefing", "ja-npa-cybercrime-briefing"),
    Page(EAM, "/ja/2026/10/14/defence-minister-canberra", "ja-defence-minister-canberra"),
    Page(EAM, "/zh/2026/10/10/foreign-minister-jakarta", "zh-foreign-minister-jakarta"),
    Page(EAM, "/en/2026/10/13/nis-director-assembly-briefing", "nis-director-assembly"),
    Page(
        EAM,
        "/en/2026/10/14/vietnam-security-chief-vientiane",
        "vn-mps-vientiane-talks",
        variant="syndicated",
        title="Hanoi's security chief in Vientiane: scam compounds top the agenda",
        published="2026-10-14T21:00:00+09:00",
        insert=((4, "eam-context"),),
    ),
    # --- lantern-daily: Traditional Chinese daily ---
    Page(LD, "/news/20261013/1024587.html", "zht-mps-bangkok"),
    Page(LD, LD_HONG_KONG, "zht-sg-home-hong-kong"),
    Page(LD, "/news/20261012/1024102.html", "zht-espionage-verdict"),
    Page(LD, "/news/20261015/1025530.html", "zht-chip-exports"),
    # --- reposter: aggregator with a few own items, AMP and print pages ---
    Page(RP, RP_SINGAPORE, "my-home-minister-singapore"),
    Page(
        RP,
        "/amp" + RP_SINGAPORE,
        "my-home-minister-singapore",
        variant="amp",
        canonical=RP_SINGAPORE,
    ),
    Page(
        RP,
        RP_SINGAPORE + "?print=1",
        "my-home-minister-singapore",
        variant="print",
        canonical=RP_SINGAPORE,
        file=RP_SINGAPORE.lstrip("/") + ".print.html",
    ),
    Page(RP, "/2026/10/15/interior-secretary-tokyo-talks", "ph-interior-tokyo-xss"),
    Page(
        RP,
        "/2026/10/14/vietnam-public-security-minister-vientiane",
        "vn-mps-vientiane-talks",
        variant="repost",
        author=None,
        published="2026-10-14T12:05:00+00:00",
        source=(MW, MW_VIENTIANE),
    ),
    Page(
        RP,
        "/2026/10/09/bo-truong-cong-an-tham-campuchia",
        "vi-mps-phnom-penh",
        variant="repost",
        author=None,
        published="2026-10-09T11:30:00+00:00",
        source=(MW, MW_PHNOM_PENH),
    ),
    Page(
        RP,
        "/2026/10/11/npa-chief-hanoi-fraud-talks",
        "ja-npa-hanoi",
        variant="repost",
        title="警察庁長官、ハノイでベトナム公安相と会談",
        author=None,
        published="2026-10-11T10:40:00+00:00",
        source=(EAM, EAM_HANOI),
    ),
    Page(
        RP,
        "/2026/10/12/china-public-security-minister-bangkok",
        "zh-mps-bangkok",
        variant="repost",
        author=None,
        published="2026-10-12T14:25:00+00:00",
        source=(EAM, EAM_BANGKOK_ZH),
    ),
    Page(
        RP,
        "/2026/10/13/home-secretary-rome-smuggling-talks",
        "uk-home-secretary-rome",
        variant="exact-copy",
        published="2026-10-13T20:55:00+00:00",
    ),
    Page(
        RP,
        "/2026/10/16/bo-truong-cong-an-hoi-dam-tokyo",
        "vi-mps-tokyo",
        variant="exact-copy",
        published="2026-10-16T14:00:00+00:00",
    ),
    Page(
        RP,
        "/2026/10/14/singapore-home-minister-hong-kong",
        "zht-sg-home-hong-kong",
        variant="exact-copy",
        published="2026-10-14T11:15:00+00:00",
    ),
)


@dataclass(frozen=True)
class Article:
    """A page resolved against its story: exactly what the page shows."""

    page: Page
    story: Story
    title: str
    author: str | None
    published: datetime
    paragraphs: tuple[str, ...]
    source_line: str | None  # the visible "Source link: ..." paragraph of a repost

    @property
    def outlet(self) -> str:
        return self.page.outlet

    @property
    def path(self) -> str:
        return self.page.path

    @property
    def canonical(self) -> str:
        return self.page.canonical or self.page.path

    @property
    def is_original(self) -> bool:
        return self.page.variant in ("original", "amp", "print")

    @property
    def file(self) -> str:
        if self.page.file:
            return self.page.file
        relative = self.page.path.lstrip("/")
        return relative if relative.endswith(".html") else relative + ".html"

    @property
    def slug(self) -> str:
        name = self.page.path.split("?")[0].rstrip("/").rsplit("/", 1)[-1].removesuffix(".html")
        suffix = {"amp": "-amp", "print": "-print"}.get(self.page.variant, "")
        return name + suffix

    @property
    def gold_text(self) -> str:
        parts = list(self.paragraphs)
        if self.source_line:
            parts.append(self.source_line)
        return "\n\n".join(parts)


def resolve(page: Page, stories: dict[str, Story]) -> Article:
    story = stories[page.story]
    paragraphs = [p for index, p in enumerate(story.paragraphs) if index not in page.drop]
    for position, key in sorted(page.insert, reverse=True):
        paragraphs.insert(position, story.extras[key])
    source_line = None
    if page.source is not None:
        source_line = f"Source link: {OUTLET_NAMES[page.source[0]]}"
    return Article(
        page=page,
        story=story,
        title=page.title or story.title,
        author=story.author if page.author is _KEEP else page.author,  # type: ignore[arg-type]
        published=datetime.fromisoformat(page.published) if page.published else story.published,
        paragraphs=tuple(paragraphs),
        source_line=source_line,
    )


# --------------------------------------------------------------------------------------
# Small HTML helpers
# --------------------------------------------------------------------------------------


def esc(text: str) -> str:
    """Escape for text and double-quoted attributes; apostrophes stay as typed."""
    return html.escape(text, quote=False).replace('"', "&quot;")


def paragraph_html(article: Article, text: str) -> str:
    """One body paragraph, with the story's inline links on original pages only."""
    body = esc(text)
    if article.is_original:
        for phrase, href in article.story.links.items():
            escaped = esc(phrase)
            if escaped in body:
                body = body.replace(escaped, f'<a href="{esc(href)}">{escaped}</a>', 1)
    return f"<p>{body}</p>"


def body_html(article: Article, aside: str, aside_after: int = 2) -> str:
    """Body paragraphs with an aside (related links) placed between two of them."""
    lines = []
    for index, text in enumerate(article.paragraphs):
        lines.append(paragraph_html(article, text))
        if index == aside_after - 1 and len(article.paragraphs) > aside_after:
            lines.append(aside)
    return "\n".join(lines)


def json_ld(data: dict[str, Any]) -> str:
    text = json.dumps(data, ensure_ascii=False, indent=2)
    return text.replace("</", "<\\/")


def iso(moment: datetime) -> str:
    return moment.isoformat()


def rfc822(moment: datetime) -> str:
    return email.utils.format_datetime(moment)


def fill(template: str, **values: str) -> str:
    return Template(template).substitute(**values)


def related(articles: list[Article], current: Article, count: int = 3) -> list[Article]:
    """The next few articles of the same outlet (other stories, same language first), in a stable order."""
    same = [a for a in articles if a.outlet == current.outlet and a.page.variant not in ("amp", "print")]
    start = same.index(current) if current in same else 0
    ordered = same[start + 1 :] + same[:start]
    language = current.story.language
    ordered = [a for a in ordered if a.story.language == language] + [
        a for a in ordered if a.story.language != language
    ]
    chosen: list[Article] = []
    for candidate in ordered:
        if candidate.story.key != current.story.key and candidate.title not in {c.title for c in chosen}:
            chosen.append(candidate)
        if len(chosen) == count:
            break
    return chosen


def pick(pool: tuple[Any, ...], seed: str, count: int) -> list[Any]:
    """A deterministic choice of `count` items from `pool` keyed by `seed`."""
    start = sum(seed.encode("utf-8")) % len(pool)
    return [pool[(start + offset) % len(pool)] for offset in range(count)]


# --------------------------------------------------------------------------------------
# The Harbour Times: English daily, <article>, JSON-LD, RSS 2.0, paginated listing
# --------------------------------------------------------------------------------------

HT_COOKIE = (
    "We use cookies and similar technologies to give you the best experience on our website "
    "and to show you relevant advertising."
)
HT_NAV = (
    ("/", "Home"),
    ("/world/", "World"),
    ("/uk/", "UK news"),
    ("/politics/", "Politics"),
    ("/business/", "Business"),
    ("/science/", "Science"),
    ("/sport/", "Sport"),
    ("/culture/", "Culture"),
    ("/opinion/", "Opinion"),
    ("/lifestyle/", "Lifestyle"),
    ("/travel/", "Travel"),
    ("/puzzles/", "Puzzles &amp; crosswords"),
    ("/weather/", "Weather"),
)
HT_COMMENTS = (
    ("harbourwatcher", "Good to see some actual detail for once rather than the usual photo opportunity."),
    ("MargaretInLeeds", "I'll believe it when I see the figures in a year's time."),
    ("old_sea_dog", "Worth reading alongside last week's piece on the same subject."),
    ("T. Brennan", "Who exactly pays for all this? The article never says."),
    ("quietreader", "A balanced write-up. Thank you for not sensationalising it."),
)

HT_HEAD = """<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>$title_text | The Harbour Times</title>
<meta name="description" content="$summary">
<link rel="canonical" href="{BASE}$canonical">
<meta property="og:type" content="$og_type">
<meta property="og:site_name" content="The Harbour Times">
<meta property="og:title" content="$title">
<meta property="og:url" content="{BASE}$canonical">
$extra_meta<link rel="stylesheet" href="/static/css/ht-2026.css">
<link rel="alternate" type="application/rss+xml" title="The Harbour Times" href="{BASE}/rss.xml">
$json_ld<script>
  window.dataLayer = window.dataLayer || [];
  function gtag(){dataLayer.push(arguments);}
  gtag('js', new Date());
  gtag('config', 'HT-0000000');
</script>
</head>
<body id="top" class="$body_class">
<a class="skip-link" href="#main">Skip to main content</a>
<div id="cookie-banner" class="cookie-banner" role="dialog" aria-label="Cookie consent">
  <p>$cookie You can change your choices at any time by visiting Privacy settings.</p>
  <button class="cookie-accept" type="button">Accept all cookies</button>
  <button class="cookie-manage" type="button">Manage preferences</button>
</div>
<header class="site-header">
  <div class="masthead">
    <a class="logo" href="/">The Harbour Times</a>
    <span class="edition">UK edition</span>
    <a class="subscribe" href="/subscribe/">Subscribe from £1 a week</a>
    <a class="sign-in" href="/account/login">Sign in</a>
  </div>
  <nav class="primary-nav" aria-label="Sections">
    <ul>
$nav
    </ul>
  </nav>
</header>
"""

HT_FOOT = """<footer class="site-footer">
  <div class="footer-links">
    <ul>
      <li><a href="/about.html">About us</a></li>
      <li><a href="/contact.html">Contact the newsroom</a></li>
      <li><a href="/complaints.html">Complaints &amp; corrections</a></li>
      <li><a href="/privacy.html">Privacy policy</a></li>
      <li><a href="/cookies.html">Cookie policy</a></li>
      <li><a href="/terms.html">Terms &amp; conditions</a></li>
      <li><a href="/jobs/">Work for us</a></li>
      <li><a href="/rss.xml">RSS feeds</a></li>
    </ul>
  </div>
  <p class="copyright">© 2026 Harbour Times Media Ltd. Registered in England and Wales.</p>
  <a class="back-to-top" href="#top">Back to top</a>
</footer>
<script src="/static/js/ht-app.js" defer></script>
</body>
</html>
"""


def ht_nav() -> str:
    return "\n".join(f'      <li><a href="{href}">{label}</a></li>' for href, label in HT_NAV)


def ht_time(moment: datetime) -> str:
    zone = {timedelta(hours=1): "BST", timedelta(0): "GMT"}.get(moment.utcoffset() or timedelta(0), "")
    return f"{moment:%A} {moment.day} {moment:%B %Y %H.%M} {zone}".strip()


def ht_section(path: str) -> tuple[str, str]:
    section = path.strip("/").split("/")[0]
    return {"world": ("/world/", "World"), "uk": ("/uk/", "UK news"), "sport": ("/sport/", "Sport")}.get(
        section, ("/world/", "World")
    )


def ht_article(article: Article, articles: list[Article]) -> str:
    section_href, section_label = ht_section(article.path)
    ld = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title,
        "datePublished": iso(article.published),
        "dateModified": iso(article.published + timedelta(minutes=25)),
        "author": {"@type": "Person", "name": article.author} if article.author else None,
        "publisher": {"@type": "Organization", "name": "The Harbour Times"},
        "mainEntityOfPage": "{BASE}" + article.canonical,
        "inLanguage": "en-GB",
    }
    if ld["author"] is None:
        ld["author"] = {"@type": "Organization", "name": "Mekong Wire"}
    head = fill(
        HT_HEAD,
        title_text=esc(article.title),
        title=esc(article.title),
        summary=esc(article.story.summary),
        canonical=article.canonical,
        og_type="article",
        extra_meta=f'<meta property="article:published_time" content="{iso(article.published)}">\n',
        json_ld=f'<script type="application/ld+json">\n{json_ld(ld)}\n</script>\n',
        body_class="article-page",
        cookie=HT_COOKIE,
        nav=ht_nav(),
    )
    related_items = "\n".join(
        f'      <li><a href="{esc(r.path)}">{esc(r.title)}</a></li>' for r in related(articles, article)
    )
    aside = (
        '<aside class="related-inline" aria-label="Related articles">\n'
        "  <h2>Related articles</h2>\n  <ul>\n"
        f"{related_items}\n  </ul>\n</aside>"
    )
    if article.author:
        byline = f'By <a rel="author" href="/profile/{esc(article.author.lower().replace(" ", "-"))}">{esc(article.author)}</a>'
    else:
        byline = 'By <span class="agency">Mekong Wire</span>'
    comments = pick(HT_COMMENTS, article.path, 2)
    comment_items = "\n".join(
        f'    <li class="comment"><p class="comment-author">{esc(name)}</p><p class="comment-text">{esc(text)}</p></li>'
        for name, text in comments
    )
    return (
        head
        + f"""<nav class="breadcrumbs" aria-label="Breadcrumb">
  <ol>
    <li><a href="/">Home</a></li>
    <li><a href="{section_href}">{section_label}</a></li>
    <li aria-current="page">{esc(article.title)}</li>
  </ol>
</nav>
<main id="main">
<article class="story">
  <header class="story-header">
    <h1 class="headline">{esc(article.title)}</h1>
    <div class="byline">{byline}
      <time class="published" datetime="{iso(article.published)}">{ht_time(article.published)}</time>
    </div>
    <ul class="share-tools" aria-label="Share this article">
      <li><a class="share-facebook" href="https://www.facebook.com/sharer/sharer.php?u={{BASE}}{article.canonical}">Share on Facebook</a></li>
      <li><a class="share-x" href="https://x.com/intent/post?url={{BASE}}{article.canonical}">Share on X</a></li>
      <li><a class="share-email" href="mailto:?subject={esc(article.title)}">Share via email</a></li>
      <li><button class="copy-link" type="button">Copy link</button></li>
    </ul>
  </header>
  <figure class="lead-image">
    <img src="/media/2026/10/{article.slug}.jpg" alt="" width="1200" height="675" loading="eager">
    <figcaption>{esc(article.story.caption)} <span class="credit">Photograph: Harbour Times picture desk</span></figcaption>
  </figure>
  <div class="story-body">
{body_html(article, aside)}
  </div>
  <footer class="story-tags">Topics: <a href="/topic/policing">Policing</a> <a href="/topic/asia-pacific">Asia Pacific</a></footer>
</article>
<section class="newsletter-signup">
  <h2>Sign up to the Morning Briefing</h2>
  <p>Start every weekday with the stories that matter, delivered to your inbox before 7am.</p>
  <form action="/newsletters/subscribe" method="post">
    <label for="nl-email">Email address</label>
    <input id="nl-email" name="email" type="email" placeholder="you@example.com">
    <button type="submit">Sign me up</button>
  </form>
  <p class="small-print">We will never share your address. Read our privacy notice.</p>
</section>
<section id="comments" class="comments">
  <h2>Reader comments ({len(comments)})</h2>
  <form class="comment-form" action="/comments/post" method="post">
    <label for="comment-body">Join the discussion</label>
    <textarea id="comment-body" name="body" rows="4"></textarea>
    <button type="submit">Post your comment</button>
  </form>
  <ol class="comment-list">
{comment_items}
  </ol>
</section>
</main>
"""
        + HT_FOOT
    )


def ht_listing(items: list[tuple[str, str, str, datetime]], page: int, pages: int) -> str:
    """One page of the World section: cards with `article h2 a`, and `a.next` to the next page."""
    head = fill(
        HT_HEAD,
        title_text="World news" + (f" – page {page}" if page > 1 else ""),
        title="World news",
        summary="The latest world news, analysis and comment from The Harbour Times.",
        canonical="/world/" if page == 1 else f"/world/page/{page}/",
        og_type="website",
        extra_meta="",
        json_ld="",
        body_class="section-front",
        cookie=HT_COOKIE,
        nav=ht_nav(),
    )
    cards = []
    for href, title, summary, moment in items:
        cards.append(
            f"""  <article class="card">
    <h2 class="card-headline"><a href="{esc(href)}">{esc(title)}</a></h2>
    <p class="card-standfirst">{esc(summary)}</p>
    <time datetime="{iso(moment)}">{ht_time(moment)}</time>
  </article>"""
        )
    links = []
    if page > 1:
        previous = "/world/" if page == 2 else f"/world/page/{page - 1}/"
        links.append(f'<a class="prev" rel="prev" href="{previous}">Previous page</a>')
    links.append(f'<span class="current">Page {page} of {pages}</span>')
    if page < pages:
        links.append(f'<a class="next" rel="next" href="/world/page/{page + 1}/">Next page</a>')
    return (
        head
        + f"""<main id="main">
<h1 class="section-title">World</h1>
<ul class="subsections">
  <li><a href="/world/europe/">Europe</a></li>
  <li><a href="/world/asia/">Asia Pacific</a></li>
  <li><a href="/world/americas/">Americas</a></li>
  <li><a href="/world/africa/">Africa</a></li>
  <li><a href="/world/middle-east/">Middle East</a></li>
</ul>
<section class="stream">
{chr(10).join(cards)}
</section>
<nav class="pagination" aria-label="Pages">
  {" ".join(links)}
</nav>
<aside class="promo">
  <h2>Sign up to the Morning Briefing</h2>
  <p>Start every weekday with the stories that matter, delivered to your inbox before 7am.</p>
  <a href="/newsletters/">Choose your newsletters</a>
</aside>
</main>
"""
        + HT_FOOT
    )


def ht_plain_page(title: str, body: str, canonical: str) -> str:
    head = fill(
        HT_HEAD,
        title_text=esc(title),
        title=esc(title),
        summary=esc(title),
        canonical=canonical,
        og_type="website",
        extra_meta="",
        json_ld="",
        body_class="plain-page",
        cookie=HT_COOKIE,
        nav=ht_nav(),
    )
    return head + f'<main id="main">\n<h1>{esc(title)}</h1>\n{body}\n</main>\n' + HT_FOOT


# --------------------------------------------------------------------------------------
# Mekong Wire: English/Vietnamese wire service, OpenGraph only, Atom + news sitemap
# --------------------------------------------------------------------------------------

MW_LABELS: dict[str, dict[str, Any]] = {
    "en": {
        "nav": (
            ("/en/", "Latest"),
            ("/en/vietnam/", "Vietnam"),
            ("/en/laos/", "Laos"),
            ("/en/cambodia/", "Cambodia"),
            ("/en/thailand/", "Thailand"),
            ("/en/myanmar/", "Myanmar"),
            ("/en/markets/", "Markets"),
            ("/en/pictures/", "Pictures"),
            ("/vi/", "Tiếng Việt"),
            ("/about.html", "About Mekong Wire"),
        ),
        "tagline": "Independent news agency for the Mekong region",
        "consent": "This site uses cookies for analytics and to personalise content.",
        "consent_button": "OK, got it",
        "search": "Search Mekong Wire",
        "crumb": "News",
        "read_next": "Read next",
        "share": ("Share this story", "Post to X", "Share on LinkedIn", "Send by email"),
        "standards": "Our standards: the Mekong Wire editorial principles.",
        "newsletter": "Get the Mekong Morning newsletter in your inbox",
        "newsletter_button": "Subscribe",
        "comments": "Reader comments",
        "comment_button": "Submit comment",
        "most_read": "Most read on Mekong Wire",
        "back": "Return to top",
        "photo": "Photo: Mekong Wire staff photographer",
        "copyright": "© 2026 Mekong Wire. All rights reserved. Republication requires a licence.",
    },
    "vi": {
        "nav": (
            ("/vi/", "Tin mới"),
            ("/vi/thoi-su/", "Thời sự"),
            ("/vi/the-gioi/", "Thế giới"),
            ("/vi/kinh-te/", "Kinh tế"),
            ("/vi/phap-luat/", "Pháp luật"),
            ("/vi/van-hoa/", "Văn hóa"),
            ("/vi/the-thao/", "Thể thao"),
            ("/vi/anh/", "Ảnh"),
            ("/en/", "English"),
            ("/about.html", "Giới thiệu"),
        ),
        "tagline": "Hãng tin độc lập khu vực Mekong",
        "consent": "Trang web sử dụng cookie để phân tích lưu lượng truy cập và cá nhân hóa nội dung.",
        "consent_button": "Đồng ý",
        "search": "Tìm kiếm trên Mekong Wire",
        "crumb": "Tin tức",
        "read_next": "Đọc thêm",
        "share": ("Chia sẻ bài viết", "Đăng lên X", "Chia sẻ qua LinkedIn", "Gửi email"),
        "standards": "Nguyên tắc biên tập của Mekong Wire.",
        "newsletter": "Đăng ký nhận bản tin sáng Mekong qua email",
        "newsletter_button": "Đăng ký",
        "comments": "Ý kiến bạn đọc",
        "comment_button": "Gửi bình luận",
        "most_read": "Đọc nhiều nhất",
        "back": "Lên đầu trang",
        "photo": "Ảnh: phóng viên Mekong Wire",
        "copyright": "© 2026 Mekong Wire. Giữ toàn quyền. Không sao chép khi chưa được phép.",
    },
}
MW_COMMENTS = {
    "en": (
        ("Bao T.", "Finally some coordination between the neighbours, long overdue."),
        ("river_rat", "The real test is whether anything changes at the small crossings."),
        ("Somchai P.", "Would like to read more about what local people think of this."),
    ),
    "vi": (
        ("Minh Tuấn", "Mong các cơ quan chức năng tiếp tục vào cuộc quyết liệt hơn nữa."),
        ("Hồng Nhung", "Bài viết rất đầy đủ, cảm ơn phóng viên."),
        ("Nguyễn Văn Lộc", "Cần có thêm thông tin cụ thể để người dân được biết."),
    ),
}
VI_WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật")


def mw_time(moment: datetime, language: str) -> str:
    offset = int((moment.utcoffset() or timedelta(0)).total_seconds() // 3600)
    if language == "vi":
        return f"{VI_WEEKDAYS[moment.weekday()]}, {moment.day}/{moment.month}/{moment.year} - {moment:%H:%M} (GMT{offset:+d})"
    hour = moment.hour % 12 or 12
    return f"{moment:%B} {moment.day}, {moment.year} {hour}:{moment:%M} {'AM' if moment.hour < 12 else 'PM'} GMT{offset:+d}"


MW_HEAD = """<!doctype html>
<html lang="$lang">
<head>
<meta charset="UTF-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>$title_text - Mekong Wire</title>
<link rel="canonical" href="{BASE}$canonical">
$meta<link rel="alternate" type="application/atom+xml" title="Mekong Wire" href="{BASE}/atom.xml">
<link rel="stylesheet" href="/assets/mw.css">
<script>
  (function () {
    var consent = document.cookie.indexOf('mw_consent=1') !== -1;
    window.__mw = { consent: consent, section: '$section' };
  })();
</script>
</head>
<body>
<div class="consent-bar" id="consent">
  <span>$consent</span> <a href="/privacy.html">Privacy</a>
  <button type="button" onclick="document.getElementById('consent').remove()">$consent_button</button>
</div>
<header class="mw-header">
  <div class="brand"><a href="/">MEKONG WIRE</a> <span class="tagline">$tagline</span></div>
  <nav class="mw-nav">
$nav
  </nav>
  <form class="mw-search" action="/search" method="get"><input name="q" placeholder="$search"></form>
</header>
"""

MW_FOOT = """<footer class="mw-footer">
  <nav><a href="/about.html">About</a> | <a href="/contact.html">Contact</a> | <a href="/licensing.html">Licensing</a> | <a href="/privacy.html">Privacy</a> | <a href="/atom.xml">Atom</a></nav>
  <p>$copyright</p>
  <p><a class="to-top" href="#">$back</a></p>
</footer>
<script src="/assets/mw.js" async></script>
</body>
</html>
"""


def mw_article(article: Article, articles: list[Article]) -> str:
    language = article.story.language
    labels = MW_LABELS[language]
    meta = "".join(
        f'<meta property="{name}" content="{esc(value)}">\n'
        for name, value in (
            ("og:type", "article"),
            ("og:site_name", "Mekong Wire"),
            ("og:title", article.title),
            ("og:description", article.story.summary),
            ("og:url", "{BASE}" + article.canonical),
            ("og:image", "{BASE}/media/" + article.slug + ".jpg"),
            ("article:published_time", iso(article.published)),
            ("article:section", "Security" if article.story.relevant else "General"),
        )
    )
    if article.author:
        meta += f'<meta name="author" content="{esc(article.author)}">\n'
    head = fill(
        MW_HEAD,
        lang=language,
        title_text=esc(article.title),
        canonical=article.canonical,
        meta=meta,
        section="news",
        consent=labels["consent"],
        consent_button=labels["consent_button"],
        tagline=labels["tagline"],
        nav="\n".join(f'    <a href="{href}">{esc(label)}</a>' for href, label in labels["nav"]),
        search=labels["search"],
    )
    read_next = related(articles, article, 2)
    aside = (
        '<div class="read-next">\n'
        f"  <strong>{labels['read_next']}</strong>\n"
        + "\n".join(f'  <a href="{esc(r.path)}">{esc(r.title)}</a>' for r in read_next)
        + "\n</div>"
    )
    most_read = related(articles, article, 4)[::-1]
    share = labels["share"]
    comments = MW_COMMENTS[language][:2]
    language_root = f"/{language}/"
    return (
        head
        + f"""<div class="crumbs"><a href="{language_root}">{labels["crumb"]}</a> / <span>{esc(article.title)}</span></div>
<div class="layout">
<div class="main-col">
  <div class="article-header">
    <span class="kicker">{"Security" if language == "en" else "An ninh"}</span>
    <h1 class="article-title">{esc(article.title)}</h1>
    <div class="article-meta">
      {f'<span class="author">{esc(article.author)}</span> ·' if article.author else ""}
      <time datetime="{iso(article.published)}">{mw_time(article.published, language)}</time>
    </div>
  </div>
  <div class="share-tools">
    <button type="button" class="share-main">{share[0]}</button>
    <a href="https://x.com/intent/post?url={{BASE}}{article.canonical}">{share[1]}</a>
    <a href="https://www.linkedin.com/shareArticle?url={{BASE}}{article.canonical}">{share[2]}</a>
    <a href="mailto:?body={{BASE}}{article.canonical}">{share[3]}</a>
  </div>
  <figure class="photo">
    <img src="/media/{article.slug}.jpg" alt="" width="960" height="640">
    <figcaption>{esc(article.story.caption)} <em>{labels["photo"]}</em></figcaption>
  </figure>
  <div class="article-body">
{body_html(article, aside, aside_after=3)}
  </div>
  <p class="standards"><a href="/standards.html">{labels["standards"]}</a></p>
  <div class="newsletter-box">
    <p>{labels["newsletter"]}</p>
    <form action="/newsletter" method="post"><input type="email" name="email"> <button type="submit">{labels["newsletter_button"]}</button></form>
  </div>
  <section class="reader-comments" id="comments">
    <h3>{labels["comments"]}</h3>
"""
        + "\n".join(f'    <div class="rc"><b>{esc(name)}</b><p>{esc(text)}</p></div>' for name, text in comments)
        + f"""
    <form action="/comments" method="post"><textarea name="c"></textarea><button type="submit">{labels["comment_button"]}</button></form>
  </section>
</div>
<aside class="sidebar">
  <h3>{labels["most_read"]}</h3>
  <ol>
"""
        + "\n".join(f'    <li><a href="{esc(r.path)}">{esc(r.title)}</a></li>' for r in most_read)
        + """
  </ol>
</aside>
</div>
"""
        + fill(MW_FOOT, copyright=labels["copyright"], back=labels["back"])
    )


# --------------------------------------------------------------------------------------
# East Asia Monitor: en/ja/zh magazine, <div> layout, meta tags, RSS + sitemap index
# --------------------------------------------------------------------------------------

EAM_LABELS: dict[str, dict[str, Any]] = {
    "en": {
        "nav": (
            ("/en/", "Top"),
            ("/en/politics/", "Politics"),
            ("/en/security/", "Security"),
            ("/en/economy/", "Economy"),
            ("/en/society/", "Society"),
            ("/en/opinion/", "Opinion"),
            ("/ja/", "日本語"),
            ("/zh/", "中文"),
        ),
        "cookie": "East Asia Monitor uses cookies to understand how readers use the site.",
        "cookie_ok": "Agree and close",
        "home": "Top",
        "related": "More on this topic",
        "writer": "Written by",
        "share": ("Facebook", "X", "LINE", "Copy URL"),
        "newsletter": "The Monitor Weekly: our best analysis every Friday.",
        "newsletter_button": "Register",
        "comments": "Readers' voices",
        "comment_button": "Send",
        "ranking": "Ranking",
        "back": "Page top",
        "copyright": "Copyright © East Asia Monitor Inc. No reproduction without permission.",
    },
    "ja": {
        "nav": (
            ("/ja/", "トップ"),
            ("/ja/politics/", "政治"),
            ("/ja/security/", "安全保障"),
            ("/ja/economy/", "経済"),
            ("/ja/society/", "社会"),
            ("/ja/opinion/", "オピニオン"),
            ("/en/", "English"),
            ("/zh/", "中文"),
        ),
        "cookie": "当サイトでは、利便性向上のためにクッキーを使用しています。",
        "cookie_ok": "同意して閉じる",
        "home": "トップ",
        "related": "関連記事",
        "writer": "筆者",
        "share": ("Facebook", "X", "LINE", "URLをコピー"),
        "newsletter": "毎週金曜日に注目記事をお届けするメールマガジンの登録はこちら",
        "newsletter_button": "登録する",
        "comments": "読者の声",
        "comment_button": "投稿する",
        "ranking": "アクセスランキング",
        "back": "ページの先頭へ",
        "copyright": "Copyright (C) East Asia Monitor Inc. 無断転載を禁じます。",
    },
    "zh": {
        "nav": (
            ("/zh/", "首页"),
            ("/zh/politics/", "政治"),
            ("/zh/security/", "安全"),
            ("/zh/economy/", "经济"),
            ("/zh/society/", "社会"),
            ("/zh/opinion/", "评论"),
            ("/en/", "English"),
            ("/ja/", "日本語"),
        ),
        "cookie": "本网站使用Cookie来改善您的浏览体验。",
        "cookie_ok": "同意并关闭",
        "home": "首页",
        "related": "相关阅读",
        "writer": "作者",
        "share": ("微信", "微博", "Facebook", "复制链接"),
        "newsletter": "订阅东亚观察每周精选，每周五发送到您的邮箱",
        "newsletter_button": "订阅",
        "comments": "读者评论",
        "comment_button": "发表评论",
        "ranking": "热门文章",
        "back": "返回顶部",
        "copyright": "版权所有 © 东亚观察 未经许可不得转载",
    },
}
#: How a legacy page names its encoding in <meta http-equiv>.
DECLARED_CHARSETS = {"shift_jis": "Shift_JIS", "gb2312": "GB2312", "big5": "Big5"}
EAM_SITE = {"en": "East Asia Monitor", "ja": "イーストアジア・モニター", "zh": "东亚观察"}
EAM_COMMENTS = {
    "en": (
        ("K. Yamada", "Useful background, especially on how the two agencies now cooperate."),
        ("seoul_reader", "The official denials are almost a tradition by now."),
    ),
    "ja": (
        ("匿名希望", "こうした地道な協力の積み重ねが大切だと思います。"),
        ("東京都・会社員", "続報を期待しています。"),
    ),
    "zh": (("读者王先生", "希望能有更多后续报道。"), ("小林", "分析很到位，谢谢分享。")),
}


def eam_time(moment: datetime, language: str) -> str:
    if language == "en":
        return f"{moment:%b}. {moment.day}, {moment.year} {moment:%H:%M} JST"
    text = f"{moment.year}年{moment.month}月{moment.day}日 {moment:%H:%M}"
    if language == "zh" and moment.utcoffset() == timedelta(hours=8):
        text += "（北京时间）"
    return text


def eam_article(article: Article, articles: list[Article]) -> str:
    language = article.story.language
    labels = EAM_LABELS[language]
    legacy = article.story.encoding != "utf-8"
    charset = (
        f'<meta http-equiv="Content-Type" content="text/html; charset={DECLARED_CHARSETS[article.story.encoding]}">'
        if legacy
        else '<meta charset="utf-8">'
    )
    ranking = related(articles, article, 3)
    aside = (
        '<div class="inline-related">\n'
        f'  <p class="inline-related-title">{labels["related"]}</p>\n  <ul>\n'
        + "\n".join(f'    <li><a href="{esc(r.path)}">{esc(r.title)}</a></li>' for r in ranking[:2])
        + "\n  </ul>\n</div>"
    )
    share = labels["share"]
    comments = EAM_COMMENTS[language]
    writer = f'<div class="writer">{labels["writer"]}: {esc(article.author)}</div>' if article.author else ""
    nav = "\n".join(f'    <li><a href="{href}">{esc(label)}</a></li>' for href, label in labels["nav"])
    return f"""<!DOCTYPE html>
<html lang="{article.story.lang_tag}">
<head>
{charset}
<title>{esc(article.title)} | {EAM_SITE[language]}</title>
<meta name="description" content="{esc(article.story.summary)}">
<meta name="keywords" content="East Asia, security, diplomacy">
<link rel="canonical" href="{{BASE}}{article.canonical}">
<meta property="og:title" content="{esc(article.title)}">
<meta property="og:type" content="article">
<meta property="og:url" content="{{BASE}}{article.canonical}">
<meta property="og:site_name" content="{EAM_SITE[language]}">
<meta property="article:published_time" content="{iso(article.published)}">
<meta name="pubdate" content="{article.published:%Y%m%dT%H%M%S%z}">
<link rel="stylesheet" href="/common/css/monitor.css">
<script src="/common/js/jquery.min.js"></script>
<script>
  $(function () {{ $('.cookie-ok').on('click', function () {{ $('#cookie-layer').hide(); }}); }});
</script>
</head>
<body>
<div id="wrapper">
<div id="cookie-layer"><p>{labels["cookie"]}</p><button class="cookie-ok" type="button">{labels["cookie_ok"]}</button></div>
<div id="header">
  <div class="logo"><a href="/{language}/">{EAM_SITE[language]}</a></div>
  <ul class="global-nav">
{nav}
  </ul>
</div>
<div id="topicpath"><a href="/{language}/">{labels["home"]}</a> &gt; <a href="/{language}/security/">{labels["nav"][2][1]}</a> &gt; {esc(article.title)}</div>
<div id="contents">
<div id="main">
  <div class="article-head">
    <h1>{esc(article.title)}</h1>
    <p class="date"><span>{eam_time(article.published, language)}</span></p>
    <ul class="sns-buttons">
      <li class="fb"><a href="https://www.facebook.com/share.php?u={{BASE}}{article.canonical}">{share[0]}</a></li>
      <li class="x"><a href="https://x.com/share?url={{BASE}}{article.canonical}">{share[1]}</a></li>
      <li class="line"><a href="https://social-plugins.line.me/lineit/share?url={{BASE}}{article.canonical}">{share[2]}</a></li>
      <li class="copy"><a href="#" data-url="{{BASE}}{article.canonical}">{share[3]}</a></li>
    </ul>
  </div>
  <div class="photo-box">
    <figure><img src="/photo/{article.slug}.jpg" alt="" width="800" height="533"><figcaption>{esc(article.story.caption)}</figcaption></figure>
  </div>
  <div class="entry-content">
{body_html(article, aside, aside_after=2)}
  </div>
  {writer}
  <div class="mail-magazine"><p>{labels["newsletter"]}</p><form action="/mailmag" method="post"><input type="email" name="m"><button type="submit">{labels["newsletter_button"]}</button></form></div>
  <div class="voice" id="comments">
    <h3>{labels["comments"]}</h3>
    <dl>
{chr(10).join(f"      <dt>{esc(name)}</dt><dd>{esc(text)}</dd>" for name, text in comments)}
    </dl>
    <form action="/voice" method="post"><textarea name="v"></textarea><button type="submit">{labels["comment_button"]}</button></form>
  </div>
</div>
<div id="side">
  <h3>{labels["ranking"]}</h3>
  <ol>
{chr(10).join(f'    <li><a href="{esc(r.path)}">{esc(r.title)}</a></li>' for r in ranking)}
  </ol>
</div>
</div>
<div id="footer">
  <ul><li><a href="/about.html">About us</a></li><li><a href="/privacy.html">Privacy</a></li><li><a href="/feed.rss">RSS</a></li></ul>
  <p class="pagetop"><a href="#wrapper">{labels["back"]}</a></p>
  <p class="copyright">{labels["copyright"]}</p>
</div>
</div>
</body>
</html>
"""


# --------------------------------------------------------------------------------------
# Lantern Daily (燈籠日報): Traditional Chinese daily, JSON-LD, RSS 2.0
# --------------------------------------------------------------------------------------

LD_NAV = ("首頁", "即時", "政治", "社會", "國際", "兩岸", "財經", "地方", "體育", "娛樂", "生活", "評論", "影音")
LD_NAV_PATHS = (
    "/",
    "/realtime/",
    "/politics/",
    "/society/",
    "/world/",
    "/cross-strait/",
    "/business/",
    "/local/",
    "/sports/",
    "/entertainment/",
    "/life/",
    "/opinion/",
    "/video/",
)
LD_COMMENTS = (("網友小陳", "希望相關單位持續追蹤，給大家一個交代。"), ("路過的讀者", "報導很清楚，謝謝記者整理。"))


def ld_article(article: Article, articles: list[Article]) -> str:
    ld = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title,
        "datePublished": iso(article.published),
        "author": [{"@type": "Person", "name": article.author}] if article.author else [],
        "publisher": {"@type": "Organization", "name": "燈籠日報"},
        "description": article.story.summary,
    }
    related_items = related(articles, article, 3)
    aside = (
        '<div class="related-box">\n  <h4>相關新聞</h4>\n  <ul>\n'
        + "\n".join(f'    <li><a href="{esc(r.path)}">{esc(r.title)}</a></li>' for r in related_items)
        + "\n  </ul>\n</div>"
    )
    nav = "\n".join(f'    <a href="{href}">{label}</a>' for href, label in zip(LD_NAV_PATHS, LD_NAV, strict=True))
    reporter = f"記者{esc(article.author)}／台北報導" if article.author else "綜合報導"
    return f"""<!DOCTYPE html>
<html lang="zh-Hant-TW">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(article.title)} - 燈籠日報</title>
<meta name="description" content="{esc(article.story.summary)}">
<link rel="canonical" href="{{BASE}}{article.canonical}">
<meta property="og:title" content="{esc(article.title)}">
<meta property="og:description" content="{esc(article.story.summary)}">
<meta property="og:url" content="{{BASE}}{article.canonical}">
<meta property="og:site_name" content="燈籠日報">
<script type="application/ld+json">
{json_ld(ld)}
</script>
<script async src="/js/ad-loader.js"></script>
</head>
<body>
<div class="cookie-notice" id="cookieNotice">本網站使用Cookie以提供更好的瀏覽體驗，繼續瀏覽即表示您同意本站的隱私權政策。<button type="button">我知道了</button></div>
<header class="ld-header" id="top">
  <div class="logo"><a href="/">燈籠日報</a><span class="slogan">點亮每一天的新聞</span></div>
  <nav class="menu">
{nav}
  </nav>
  <div class="member"><a href="/member/login">會員登入</a> <a href="/subscribe">訂閱電子報</a></div>
</header>
<div class="breadcrumb"><a href="/">首頁</a> &gt; <a href="/world/">國際</a> &gt; <span>新聞內文</span></div>
<div class="container">
<div class="whitecon article">
  <h1>{esc(article.title)}</h1>
  <div class="info">
    <span class="time">{article.published:%Y/%m/%d %H:%M}</span>
    <span class="reporter">{reporter}</span>
  </div>
  <div class="share-bar">分享至 <a href="https://www.facebook.com/sharer.php?u={{BASE}}{article.canonical}">臉書</a> <a href="https://social-plugins.line.me/lineit/share?url={{BASE}}{article.canonical}">LINE</a> <a href="#" class="copy">複製連結</a></div>
  <figure class="photo"><img src="/images/{article.slug}.jpg" alt="" width="900" height="600"><figcaption>{esc(article.story.caption)}（圖／本報資料照）</figcaption></figure>
  <div class="text">
{body_html(article, aside, aside_after=2)}
  </div>
  <p class="editor">不用抽 不用搶 燈籠日報APP每日提供新聞懶人包</p>
  <div class="epaper">訂閱燈籠日報電子報，每天早上七點掌握重要新聞。<form action="/subscribe" method="post"><input type="email" name="email"><button type="submit">立即訂閱</button></form></div>
  <section class="comments" id="comments">
    <h3>讀者留言</h3>
{chr(10).join(f'    <div class="cmt"><span class="name">{esc(name)}</span><p>{esc(text)}</p></div>' for name, text in LD_COMMENTS)}
    <form action="/comment" method="post"><textarea name="content" placeholder="請理性發言"></textarea><button type="submit">送出留言</button></form>
  </section>
</div>
</div>
<footer class="ld-footer">
  <a href="/about.html">關於我們</a> | <a href="/contact.html">聯絡我們</a> | <a href="/privacy.html">隱私權政策</a> | <a href="/rss/news.xml">RSS</a>
  <p>燈籠日報 版權所有 ©2026 Lantern Daily. All Rights Reserved.</p>
  <a class="gotop" href="#top">回到頂端</a>
</footer>
</body>
</html>
"""


# --------------------------------------------------------------------------------------
# Reposter: aggregator, few semantics, OpenGraph, AMP and print pages, heuristic listing
# --------------------------------------------------------------------------------------

RP_MENU = (
    ("/latest/", "Latest"),
    ("/tag/asia/", "Asia"),
    ("/tag/security/", "Security"),
    ("/tag/politics/", "Politics"),
    ("/tag/business/", "Business"),
    ("/tag/tech/", "Tech"),
    ("/about/", "About"),
    ("/submit/", "Submit a link"),
)
RP_COMMENTS = (
    ("anon_1187", "Saw this on the original site yesterday, good to have it here too."),
    ("mk_ultra_fan", "Interesting, bookmarked for later."),
    ("Pat", "Anyone know if there is an English version of this?"),
    ("lurker42", "First time commenting, long time reader of these regional stories."),
)


def rp_time(moment: datetime) -> str:
    return f"{moment.astimezone(UTC):%Y-%m-%d %H:%M} UTC"


def rp_header(lang: str, title: str, canonical: str, extra_head: str = "") -> str:
    menu = "\n".join(f'  <li><a href="{href}">{label}</a></li>' for href, label in RP_MENU)
    return f"""<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<title>{esc(title)} – Reposter</title>
<link rel="canonical" href="{{BASE}}{canonical}">
{extra_head}<meta name="twitter:card" content="summary_large_image">
<link rel="stylesheet" href="/css/style.min.css?v=93">
<script async src="/js/ads.js"></script>
</head>
<body>
<div class="gdpr-bar">Reposter uses cookies. By continuing to browse you agree to our cookie policy. <a href="/cookies/">Details</a> <a class="gdpr-close" href="#">Close</a></div>
<div id="top" class="wrap">
<div class="hdr">
<a class="brand" href="/">reposter<span>.news</span></a>
<ul class="menu">
{menu}
</ul>
</div>
"""


RP_FOOT = """<div class="ftr">
  <a href="/about/">About</a> · <a href="/contact/">Contact</a> · <a href="/dmca/">Takedown requests</a> · <a href="/feed.xml">RSS</a>
  <p>Reposter collects headlines from news sites across Asia. All trademarks belong to their owners.</p>
  <a class="totop" href="#top">↑ Back to top</a>
</div>
</div>
<script src="/js/app.min.js?v=93"></script>
</body>
</html>
"""


def rp_article(article: Article, articles: list[Article]) -> str:
    lang = article.story.lang_tag
    extra = "".join(
        f'<meta property="{name}" content="{esc(value)}">\n'
        for name, value in (
            ("og:title", article.title),
            ("og:description", article.story.summary),
            ("og:url", "{BASE}" + article.canonical),
            ("og:type", "article"),
            ("article:published_time", iso(article.published)),
        )
    )
    if article.story.key == "my-home-minister-singapore":
        extra += f'<link rel="amphtml" href="{{BASE}}/amp{article.canonical}">\n'
    also = related(articles, article, 3)
    aside = (
        '<div class="also">You may also like: '
        + " | ".join(f'<a href="{esc(r.path)}">{esc(r.title)}</a>' for r in also)
        + "</div>"
    )
    body = body_html(article, aside, aside_after=2)
    if article.page.source is not None:
        source_outlet, source_path = article.page.source
        body += (
            f'\n<p class="src">Source link: <a href="{{BASE:{source_outlet}}}{source_path}" rel="nofollow">'
            f"{esc(OUTLET_NAMES[source_outlet])}</a></p>"
        )
    if article.story.key == "ph-interior-tokyo-xss":
        # Untrusted markup as an aggregator might pass it through: the UI must escape all of it.
        image = '<img src="/img/broken.jpg" onerror="alert(2)" alt="">'
    else:
        image = f'<img src="/img/{article.slug}.jpg" alt="" width="720" height="405">'
    comments = pick(RP_COMMENTS, article.path, 3)
    author = (
        f' by <a href="/u/{esc(article.author.split()[0].lower())}">{esc(article.author)}</a>' if article.author else ""
    )
    return (
        rp_header(lang, article.title, article.canonical, extra)
        + f"""<div class="path"><a href="/">Home</a> » <a href="/tag/asia/">Asia</a> » <span>Story</span></div>
<div class="cols">
<div class="post">
<h1 class="post-title">{esc(article.title)}</h1>
<div class="post-meta">Posted <span class="date" title="{iso(article.published)}">{rp_time(article.published)}</span>{author} · <a href="#comments">{len(comments)} comments</a></div>
<div class="share-bar"><a href="https://x.com/intent/post?url={{BASE}}{article.canonical}">Tweet</a> <a href="https://www.facebook.com/sharer.php?u={{BASE}}{article.canonical}">Share</a> <a href="https://wa.me/?text={{BASE}}{article.canonical}">WhatsApp</a> <a href="https://t.me/share/url?url={{BASE}}{article.canonical}">Telegram</a></div>
<div class="post-img"><figure>{image}<figcaption>{esc(article.story.caption)}</figcaption></figure></div>
<div class="post-body">
{body}
</div>
<div class="subscribe-box">Get the best of Reposter in your inbox every Friday. <input type="email" placeholder="Email"> <button type="button">Join the list</button></div>
<div id="comments" class="cmts">
<h3>{len(comments)} comments</h3>
"""
        + "\n".join(
            f'<div class="cmt"><span class="who">{esc(name)}</span> <span class="said">{esc(text)}</span></div>'
            for name, text in comments
        )
        + """
<form class="reply" action="/comment" method="post"><p>Leave a reply</p><textarea name="t"></textarea><button type="submit">Post comment</button></form>
</div>
</div>
<div class="sidebar">
<h4>Trending now</h4>
<ul>
"""
        + "\n".join(f'<li><a href="{esc(r.path)}">{esc(r.title)}</a></li>' for r in related(articles, article, 5)[2:])
        + """
</ul>
</div>
</div>
"""
        + RP_FOOT
    )


def rp_amp(article: Article) -> str:
    paragraphs = "\n".join(paragraph_html(article, text) for text in article.paragraphs)
    return f"""<!doctype html>
<html ⚡ lang="en">
<head>
<meta charset="utf-8">
<title>{esc(article.title)} – Reposter</title>
<link rel="canonical" href="{{BASE}}{article.canonical}">
<meta name="viewport" content="width=device-width">
<meta property="article:published_time" content="{iso(article.published)}">
<script async src="https://cdn.ampproject.org/v0.js"></script>
<style amp-boilerplate>body{{-webkit-animation:-amp-start 8s steps(1,end) 0s 1 normal both;animation:-amp-start 8s steps(1,end) 0s 1 normal both}}</style>
<style amp-custom>body{{font-family:Georgia,serif}}.amp-hdr{{padding:8px}}</style>
</head>
<body>
<header class="amp-hdr"><a href="{{BASE}}/">reposter.news</a> <a href="{{BASE}}{article.canonical}">View full site</a></header>
<amp-sidebar id="menu" layout="nodisplay"><ul><li><a href="/latest/">Latest</a></li><li><a href="/tag/asia/">Asia</a></li><li><a href="/tag/security/">Security</a></li></ul></amp-sidebar>
<article>
<h1>{esc(article.title)}</h1>
<p class="byline">By {esc(article.author or "Reposter")} · <time datetime="{iso(article.published)}">{rp_time(article.published)}</time></p>
<figure><amp-img src="/img/{article.slug}.jpg" width="720" height="405" layout="responsive" alt=""></amp-img><figcaption>{esc(article.story.caption)}</figcaption></figure>
{paragraphs}
</article>
<footer><a href="{{BASE}}{article.canonical}#comments">Read the comments on the full site</a></footer>
</body>
</html>
"""


def rp_print(article: Article) -> str:
    paragraphs = "\n".join(paragraph_html(article, text) for text in article.paragraphs)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{esc(article.title)} – Reposter (print)</title>
<link rel="canonical" href="{{BASE}}{article.canonical}">
<meta name="robots" content="noindex">
<style>body{{font:12pt Georgia,serif;max-width:40em;margin:auto}} .noprint{{display:none}}</style>
</head>
<body onload="window.print()">
<div class="print-head">reposter.news – printer-friendly version</div>
<h1>{esc(article.title)}</h1>
<p class="print-meta">By {esc(article.author or "Reposter")}, {rp_time(article.published)}</p>
{paragraphs}
<div class="print-foot">Printed from {{BASE}}{article.canonical}</div>
</body>
</html>
"""


# --------------------------------------------------------------------------------------
# Feeds, sitemaps, listings, robots, failure pages
# --------------------------------------------------------------------------------------


def rss_item(
    title: str, link: str, moment: datetime, summary: str, author: str | None, guid: str, extra: str = ""
) -> str:
    creator = f"\n      <dc:creator>{esc(author)}</dc:creator>" if author else ""
    return f"""    <item>
      <title>{esc(title)}</title>
      <link>{esc(link)}</link>
      <guid isPermaLink="false">{esc(guid)}</guid>
      <pubDate>{rfc822(moment)}</pubDate>{creator}
      <description>{esc(summary)}</description>{extra}
    </item>"""


def rss(title: str, link: str, description: str, language: str, items: list[str]) -> str:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom">
  <channel>
    <title>{esc(title)}</title>
    <link>{link}</link>
    <description>{esc(description)}</description>
    <language>{language}</language>
    <lastBuildDate>{rfc822(BUILD_TIME)}</lastBuildDate>
    <ttl>15</ttl>
{chr(10).join(items)}
  </channel>
</rss>
"""


def news_sitemap(name: str, entries: list[tuple[str, Article]]) -> str:
    urls = []
    for loc, article in entries:
        urls.append(f"""  <url>
    <loc>{esc(loc)}</loc>
    <lastmod>{iso(article.published + timedelta(minutes=40))}</lastmod>
    <news:news>
      <news:publication>
        <news:name>{esc(name)}</news:name>
        <news:language>{article.story.language}</news:language>
      </news:publication>
      <news:publication_date>{iso(article.published)}</news:publication_date>
      <news:title>{esc(article.title)}</news:title>
    </news:news>
  </url>""")
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
{chr(10).join(urls)}
</urlset>
"""


def minimal_pdf(text: str) -> bytes:
    """A small but well-formed one-page PDF with correct xref offsets."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def behaviours_yaml(data: dict[str, dict[str, Any]]) -> str:
    header = (
        "# Generated by demo/build_sites.py. How demo/server.py makes paths of this outlet misbehave;\n"
        "# see demo.server.Behaviours for the keys. This file is never served.\n"
    )
    return header + yaml.safe_dump(data, sort_keys=True, allow_unicode=True, width=120)


# --------------------------------------------------------------------------------------
# The whole web
# --------------------------------------------------------------------------------------

# Failure paths, shared with the gold expectations.
HT_PRIVATE = "/private/embargoed-briefing.html"
HT_MISSING = "/world/2026/10/police-reform-explainer.html"
HT_SLOW = "/world/2026/10/live-interior-ministers-meeting.html"
HT_PDF = "/documents/2026/uk-italy-joint-statement.pdf"
MW_REDIRECT_START = "/go/88412"
MW_REDIRECT_MIDDLE = "/news/88412"
RP_LOOP_A = "/2026/10/15/press-conference-video"
RP_LOOP_B = "/watch/press-conference-video"
RP_OVERSIZED = "/2026/10/15/committee-hearing-full-transcript"
RP_BROKEN_FEED = "/feeds/world.xml"
EAM_FEED = "/feed.rss"
TRACKING = "?utm_source=rss&utm_medium=feed"
FBCLID = "?fbclid=IwAR2kQ7v0Xn3Lq9Zt"


@dataclass
class Web:
    """Everything a build writes: files by path relative to sites/ and to the gold folder."""

    sites: dict[str, bytes] = field(default_factory=dict)
    gold: dict[str, bytes] = field(default_factory=dict)

    def site(self, outlet: str, relative: str, content: str | bytes, encoding: str = "utf-8") -> None:
        data = content if isinstance(content, bytes) else content.encode(encoding, errors="xmlcharrefreplace")
        key = f"{outlet}/{relative}"
        if key in self.sites:
            raise ValueError(f"two generated files at sites/{key}")
        self.sites[key] = data

    def json(self, relative: str, data: Any) -> None:
        self.gold[relative] = (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


TEMPLATES: dict[str, Callable[[Article, list[Article]], str]] = {
    HT: ht_article,
    MW: mw_article,
    EAM: eam_article,
    LD: ld_article,
    RP: rp_article,
}


def by_path(articles: list[Article], outlet: str, path: str) -> Article:
    for article in articles:
        if article.outlet == outlet and article.path == path:
            return article
    raise KeyError(f"no page {outlet}{path}")


def outlet_articles(
    articles: list[Article], outlet: str, variants: Iterable[str] = ("original", "syndicated", "repost", "exact-copy")
) -> list[Article]:
    chosen = [a for a in articles if a.outlet == outlet and a.page.variant in tuple(variants)]
    return sorted(chosen, key=lambda a: a.published, reverse=True)


def build_web(stories: dict[str, Story] | None = None) -> Web:
    stories = stories if stories is not None else load_stories()
    articles = [resolve(page, stories) for page in PAGES]
    web = Web()
    for article in articles:
        if article.page.variant == "amp":
            content = rp_amp(article)
        elif article.page.variant == "print":
            content = rp_print(article)
        else:
            content = TEMPLATES[article.outlet](article, articles)
        web.site(article.outlet, article.file, content, article.story.encoding)
    build_harbour_times(web, articles)
    build_mekong_wire(web, articles)
    build_east_asia_monitor(web, articles)
    build_lantern_daily(web, articles)
    build_reposter(web, articles)
    build_gold(web, articles)
    return web


def about_page(outlet: str, text: str) -> str:
    return f"""<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>About – {esc(OUTLET_NAMES[outlet])}</title></head>
<body>
<nav><a href="/">Home</a></nav>
<h1>About {esc(OUTLET_NAMES[outlet])}</h1>
<p>{esc(text)}</p>
<p>This outlet is fictional: it is part of the sample web used by tripwatch's tests and demo.</p>
</body>
</html>
"""


def build_harbour_times(web: Web, articles: list[Article]) -> None:
    own = outlet_articles(articles, HT)
    feed_items = []
    for article in own:
        link = "{BASE}" + article.path + (TRACKING if article.path == HT_ROME else "")
        extra = f"\n      <comments>{{BASE}}{article.path}#comments</comments>"
        feed_items.append(
            rss_item(
                article.title,
                link,
                article.published,
                article.story.summary,
                article.author,
                "{BASE}" + article.path,
                extra,
            )
        )
    feed_items.insert(
        2,
        rss_item(
            "Full text: UK–Italy joint statement on organised immigration crime (PDF)",
            "{BASE}" + HT_PDF,
            datetime(2026, 10, 13, 20, 5, tzinfo=BST),
            "The joint statement issued after the Home Secretary's talks in Rome.",
            None,
            "{BASE}" + HT_PDF,
        ),
    )
    feed_items.insert(
        4,
        rss_item(
            "Embargoed: briefing note on the police complaints bill",
            "{BASE}" + HT_PRIVATE,
            datetime(2026, 10, 12, 23, 0, tzinfo=BST),
            "Not for publication before the embargo lifts.",
            None,
            "{BASE}" + HT_PRIVATE,
        ),
    )
    web.site(
        HT,
        "rss.xml",
        rss("The Harbour Times – World", "{BASE}/world/", "World news from The Harbour Times", "en-gb", feed_items),
    )

    # The World listing: three pages of cards (`article h2 a`) joined by `a.next`.
    cards: list[tuple[str, str, str, datetime]] = [(a.path, a.title, a.story.summary, a.published) for a in own]
    extra_cards = [
        (
            HT_PRIVATE,
            "Embargoed: briefing note on the police complaints bill",
            "Not for publication before the embargo lifts.",
            datetime(2026, 10, 12, 23, 0, tzinfo=BST),
        ),
        (
            HT_SLOW,
            "Live: interior ministers meet in Luxembourg – as it happened",
            "Rolling coverage of the meeting of European interior ministers.",
            datetime(2026, 10, 9, 9, 0, tzinfo=BST),
        ),
        (
            HT_MISSING,
            "Explainer: what the police reform bill would change",
            "The main proposals, and what critics say about them.",
            datetime(2026, 10, 8, 7, 0, tzinfo=BST),
        ),
    ]
    cards = sorted(cards + extra_cards, key=lambda card: card[3], reverse=True)
    per_page = 4
    pages = (len(cards) + per_page - 1) // per_page
    for number in range(1, pages + 1):
        chunk = cards[(number - 1) * per_page : number * per_page]
        target = "world/index.html" if number == 1 else f"world/page/{number}/index.html"
        web.site(HT, target, ht_listing(chunk, number, pages))

    # Pages outside the feed and listing: a sport section front (navigation only) and about us.
    sport = [a for a in own if a.path.startswith("/sport/")]
    sport_body = "\n".join(f'<div class="teaser"><a href="{esc(a.path)}">{esc(a.title)}</a></div>' for a in sport)
    web.site(HT, "sport/index.html", ht_plain_page("Sport", sport_body, "/sport/"))
    web.site(HT, "about.html", about_page(HT, "The Harbour Times is an independent daily founded in a port town."))
    web.site(
        HT,
        HT_PRIVATE.lstrip("/"),
        ht_plain_page(
            "Embargoed: briefing note on the police complaints bill",
            "<p>Embargoed until further notice. Not for publication.</p>",
            HT_PRIVATE,
        ),
    )
    web.site(
        HT,
        HT_SLOW.lstrip("/"),
        ht_plain_page(
            "Live: interior ministers meet in Luxembourg – as it happened",
            "<p>The live coverage has ended. Thank you for following.</p>",
            HT_SLOW,
        ),
    )
    web.site(HT, HT_PDF.lstrip("/"), minimal_pdf("UK-Italy joint statement on organised immigration crime"))
    web.site(
        HT,
        "robots.txt",
        "User-agent: *\nDisallow: /private/\nDisallow: /account/\nDisallow: /search\n\n"
        "User-agent: BadBot\nDisallow: /\n",
    )
    web.site(
        HT,
        "_behaviours.yaml",
        behaviours_yaml(
            {
                "flaky": {HT_JAKARTA: FLAKY_FAILURES},
                "slow": {HT_SLOW: SLOW_SECONDS},
                "content_type": {"/rss.xml": "application/rss+xml; charset=utf-8"},
            }
        ),
    )


def build_mekong_wire(web: Web, articles: list[Article]) -> None:
    own = outlet_articles(articles, MW)
    entries = []
    for article in own:
        link = MW_REDIRECT_START if article.path == MW_BANGKOK else article.path
        author = f"\n    <author><name>{esc(article.author)}</name></author>" if article.author else ""
        entries.append(f"""  <entry xml:lang="{article.story.language}">
    <id>tag:mekongwire.example,2026:{article.slug}</id>
    <title>{esc(article.title)}</title>
    <link rel="alternate" type="text/html" href="{{BASE}}{link}"/>
    <published>{iso(article.published)}</published>
    <updated>{iso(article.published + timedelta(minutes=12))}</updated>{author}
    <summary>{esc(article.story.summary)}</summary>
  </entry>""")
    atom = f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <id>tag:mekongwire.example,2026:feed</id>
  <title>Mekong Wire – all stories</title>
  <link rel="self" href="{{BASE}}/atom.xml"/>
  <link rel="alternate" href="{{BASE}}/"/>
  <updated>{iso(BUILD_TIME)}</updated>
{chr(10).join(entries)}
</feed>
"""
    web.site(MW, "atom.xml", atom)
    web.site(MW, "news-sitemap.xml", news_sitemap("Mekong Wire", [("{BASE}" + a.path, a) for a in own]))
    web.site(MW, "about.html", about_page(MW, "Mekong Wire is a regional news agency with bureaux in five capitals."))
    web.site(MW, "robots.txt", "User-agent: *\nDisallow: /search\n\nSitemap: {BASE}/news-sitemap.xml\n")
    web.site(
        MW,
        "_behaviours.yaml",
        behaviours_yaml(
            {
                "redirect": {
                    MW_REDIRECT_START: MW_REDIRECT_MIDDLE,
                    MW_REDIRECT_MIDDLE: {"to": MW_BANGKOK, "status": 302},
                },
                "content_type": {"/atom.xml": "application/atom+xml; charset=utf-8"},
            }
        ),
    )


def build_east_asia_monitor(web: Web, articles: list[Article]) -> None:
    own = outlet_articles(articles, EAM)
    items = [
        rss_item(a.title, "{BASE}" + a.path, a.published, a.story.summary, a.author, "{BASE}" + a.path) for a in own
    ]
    feed = rss("East Asia Monitor", "{BASE}/", "Politics, security and economy in East Asia", "en", items)
    # A hand-edited channel description with a bare "&": not well-formed XML, so feedparser
    # sets bozo, but its lenient parser still returns every entry.
    feed = feed.replace("Politics, security and economy in East Asia", "Politics, security & economy in East Asia", 1)
    web.site(EAM, EAM_FEED.lstrip("/"), feed)
    web.site(
        EAM,
        "sitemap_index.xml",
        f"""<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <sitemap>
    <loc>{{BASE}}/sitemaps/news-2026-10.xml</loc>
    <lastmod>{iso(BUILD_TIME)}</lastmod>
  </sitemap>
</sitemapindex>
""",
    )
    web.site(EAM, "sitemaps/news-2026-10.xml", news_sitemap("East Asia Monitor", [("{BASE}" + a.path, a) for a in own]))
    web.site(EAM, "about.html", about_page(EAM, "East Asia Monitor is a magazine published in three languages."))
    web.site(EAM, "robots.txt", "User-agent: *\nDisallow: /preview/\n\nSitemap: {BASE}/sitemap_index.xml\n")
    web.site(
        EAM,
        "_behaviours.yaml",
        behaviours_yaml(
            {
                # The Shift_JIS page declares its charset only in a <meta> tag.
                "content_type": {EAM_MANILA: "text/html"},
            }
        ),
    )


def build_lantern_daily(web: Web, articles: list[Article]) -> None:
    own = outlet_articles(articles, LD)
    items = [
        rss_item(a.title, "{BASE}" + a.path, a.published, a.story.summary, a.author, "{BASE}" + a.path) for a in own
    ]
    web.site(LD, "rss/news.xml", rss("燈籠日報 即時新聞", "{BASE}/", "燈籠日報最新新聞", "zh-TW", items))
    web.site(LD, "about.html", about_page(LD, "Lantern Daily is a Traditional Chinese daily newspaper."))
    web.site(LD, "robots.txt", "User-agent: *\nDisallow: /member/\n")


def build_reposter(web: Web, articles: list[Article]) -> None:
    own = outlet_articles(articles, RP)
    items = []
    for article in own:
        link = "{BASE}" + article.path + (TRACKING if article.path == RP_SINGAPORE else "")
        items.append(
            rss_item(
                article.title, link, article.published, article.story.summary, article.author, "{BASE}" + article.path
            )
        )
    web.site(
        RP, "feed.xml", rss("Reposter – latest", "{BASE}/latest/", "The latest stories from around Asia", "en", items)
    )
    # A second feed whose URL now answers with a CDN error page: no entries at all.
    web.site(
        RP,
        RP_BROKEN_FEED.lstrip("/"),
        """<!DOCTYPE html>
<html><head><title>503 Backend fetch failed</title></head>
<body><h1>Error 503 Backend fetch failed</h1><p>Guru Meditation: XID 48151623</p><hr><p>Varnish cache server</p></body>
</html>
""",
    )

    # The "latest" stream: no <article>/<h2> markup; links must be found by a heuristic.
    rows = []
    for article in own:
        href = article.path
        extras = ""
        if article.path == RP_SINGAPORE:
            href = article.path + FBCLID
            extras = (
                f' <a class="meta" href="/amp{article.path}">AMP</a>'
                f' <a class="meta" href="{article.path}?print=1">Print</a>'
            )
        source = OUTLET_NAMES[article.page.source[0]] if article.page.source else "Reposter"
        rows.append(
            f'<div class="row"><span class="via">via {esc(source)}</span> '
            f'<a class="t" href="{esc(href)}">{esc(article.title)}</a> '
            f'<span class="ago">{rp_time(article.published)}</span> '
            f'<a class="meta" href="{esc(article.path)}#comments">comments</a>{extras}</div>'
        )
    rows.insert(
        3,
        '<div class="row"><span class="via">via Reposter</span> '
        f'<a class="t" href="{RP_LOOP_A}">Watch: the interior ministers\' joint press conference</a> '
        '<span class="ago">2026-10-15 09:00 UTC</span></div>',
    )
    rows.insert(
        5,
        '<div class="row"><span class="via">via Reposter</span> '
        f'<a class="t" href="{RP_OVERSIZED}">Full transcript: parliamentary committee hearing on border '
        'security</a> <span class="ago">2026-10-15 07:30 UTC</span></div>',
    )
    listing = (
        rp_header("en", "Latest stories", "/latest/")
        + '<div class="path"><a href="/">Home</a> » <span>Latest</span></div>\n'
        + '<div class="cols">\n<div class="stream" id="stream">\n'
        + "\n".join(rows)
        + '\n</div>\n<div class="sidebar"><h4>Tags</h4><ul><li><a href="/tag/asia/">Asia</a></li>'
        '<li><a href="/tag/security/">Security</a></li><li><a href="/tag/japan/">Japan</a></li>'
        '<li><a href="/tag/vietnam/">Vietnam</a></li></ul></div>\n</div>\n' + RP_FOOT
    )
    web.site(RP, "latest/index.html", listing)
    web.site(RP, "about/index.html", about_page(RP, "Reposter collects stories from regional news sites."))
    web.site(RP, "robots.txt", "User-agent: *\nDisallow: /submit/\nDisallow: /u/\n")
    web.site(
        RP,
        "_behaviours.yaml",
        behaviours_yaml(
            {
                "redirect": {RP_LOOP_A: {"to": RP_LOOP_B, "status": 302}, RP_LOOP_B: {"to": RP_LOOP_A, "status": 302}},
                "oversized": {RP_OVERSIZED: OVERSIZED_BYTES},
                "files": {RP_SINGAPORE + "?print=1": RP_SINGAPORE.lstrip("/") + ".print.html"},
                "content_type": {RP_BROKEN_FEED: "text/html; charset=utf-8", "/feed.xml": "application/rss+xml"},
            }
        ),
    )


# --------------------------------------------------------------------------------------
# Gold files
# --------------------------------------------------------------------------------------


def gold_name(article: Article) -> str:
    return f"{article.outlet}/{article.slug}.json"


def build_gold(web: Web, articles: list[Article]) -> None:
    originals = {a.story.key: a for a in articles if a.page.variant == "original"}
    for article in articles:
        story = article.story
        original = originals[story.key]
        record: dict[str, Any] = {
            "outlet": article.outlet,
            "path": article.path,
            "canonical": article.canonical,
            "story": story.key,
            "variant": article.page.variant,
            "copy_of": None if article is original else gold_name(original),
            "title": article.title,
            "published": iso(article.published),
            "author": article.author,
            "language": story.language,
            "encoding": story.encoding,
            "relevant": story.relevant,
            "kind": story.kind,
            "event": story.event,
            "destinations": list(story.destinations) if story.relevant else [],
            "text": article.gold_text,
        }
        name = gold_name(article)
        if name in web.gold:
            raise ValueError(f"two gold files named {name}")
        web.json(name, record)
    web.json("boilerplate.json", boilerplate(articles))
    web.json("expectations.json", expectations(articles))


def boilerplate(articles: list[Article]) -> dict[str, list[str]]:
    """Per outlet: template strings that must never appear in an extracted article text."""
    strings: dict[str, set[str]] = {outlet: set() for outlet in OUTLETS}
    strings[HT] |= {
        HT_COOKIE,
        "Accept all cookies",
        "Manage preferences",
        "Subscribe from £1 a week",
        "Puzzles & crosswords",
        "Skip to main content",
        "Related articles",
        "Share on Facebook",
        "Share via email",
        "Sign up to the Morning Briefing",
        "Start every weekday with the stories",
        "Post your comment",
        "Join the discussion",
        "Back to top",
        "Photograph: Harbour Times picture desk",
        "Harbour Times Media Ltd",
        "Complaints & corrections",
    }
    strings[HT] |= {text for _, text in HT_COMMENTS}
    for labels in MW_LABELS.values():
        strings[MW] |= {
            labels["consent"],
            labels["consent_button"],
            labels["tagline"],
            labels["read_next"],
            labels["newsletter"],
            labels["comments"],
            labels["comment_button"],
            labels["most_read"],
            labels["back"],
            labels["photo"],
            labels["standards"],
            *labels["share"],
        }
    strings[MW] |= {text for pool in MW_COMMENTS.values() for _, text in pool[:2]}
    for labels in EAM_LABELS.values():
        strings[EAM] |= {
            labels["cookie"],
            labels["cookie_ok"],
            labels["related"],
            labels["newsletter"],
            labels["comments"],
            labels["ranking"],
            labels["back"],
            labels["copyright"],
        }
    strings[EAM] |= {text for pool in EAM_COMMENTS.values() for _, text in pool}
    strings[LD] |= {
        "本網站使用Cookie以提供更好的瀏覽體驗",
        "相關新聞",
        "點亮每一天的新聞",
        "會員登入",
        "訂閱燈籠日報電子報",
        "讀者留言",
        "送出留言",
        "回到頂端",
        "燈籠日報 版權所有",
        "（圖／本報資料照）",
        "不用抽 不用搶",
        "複製連結",
    }
    strings[LD] |= {text for _, text in LD_COMMENTS}
    strings[RP] |= {
        "Reposter uses cookies",
        "Submit a link",
        "You may also like",
        "Get the best of Reposter",
        "Join the list",
        "Leave a reply",
        "Post comment",
        "Trending now",
        "Back to top",
        "Takedown requests",
        "Reposter collects headlines",
        "View full site",
        "Read the comments on the full site",
        "printer-friendly version",
        "Printed from",
    }
    strings[RP] |= {text for _, text in RP_COMMENTS}
    for article in articles:
        strings[article.outlet].add(article.story.caption)
        for other in related(articles, article, 5):
            strings[article.outlet].add(other.title)
    return {outlet: sorted(values) for outlet, values in strings.items()}


def expectations(articles: list[Article]) -> list[dict[str, Any]]:
    """What a crawl of the sample web must do with each awkward URL (see gold/README.md)."""
    jakarta = by_path(articles, HT, HT_JAKARTA)
    bangkok = by_path(articles, MW, MW_BANGKOK)
    rome = by_path(articles, HT, HT_ROME)
    singapore = by_path(articles, RP, RP_SINGAPORE)
    comment_links = [
        {
            "outlet": HT,
            "path": a.path + "#comments",
            "kind": "url-variant",
            "reason": "fragment",
            "gold": gold_name(a),
            "linked_from": ["/rss.xml (<comments>)"],
        }
        for a in outlet_articles(articles, HT)
    ]
    return [
        {
            "outlet": HT,
            "path": HT_MISSING,
            "kind": "failure",
            "reason": "http-404",
            "linked_from": ["/world/ (listing)"],
            "detail": "linked from the listing, no such page",
        },
        {
            "outlet": HT,
            "path": HT_PRIVATE,
            "kind": "failure",
            "reason": "robots",
            "never_requested": True,
            "linked_from": ["/rss.xml", "/world/ (listing)"],
            "detail": "robots.txt disallows /private/",
        },
        {
            "outlet": HT,
            "path": HT_PDF,
            "kind": "failure",
            "reason": "not-html",
            "linked_from": ["/rss.xml"],
            "detail": "application/pdf",
        },
        {
            "outlet": HT,
            "path": HT_SLOW,
            "kind": "failure",
            "reason": "timeout",
            "slow_seconds": SLOW_SECONDS,
            "linked_from": ["/world/ (listing)"],
            "detail": "answers after slow_seconds; a timeout only when DOWNLOAD_TIMEOUT is below it",
        },
        {
            "outlet": HT,
            "path": HT_JAKARTA,
            "kind": "flaky",
            "reason": None,
            "failures": FLAKY_FAILURES,
            "gold": gold_name(jakarta),
            "linked_from": ["/rss.xml", "/world/ (listing)"],
            "detail": "answers 500 twice, then 200: stored after retries",
        },
        {
            "outlet": MW,
            "path": MW_REDIRECT_START,
            "kind": "redirect",
            "reason": None,
            "hops": [MW_REDIRECT_START, MW_REDIRECT_MIDDLE, MW_BANGKOK],
            "final_path": MW_BANGKOK,
            "gold": gold_name(bangkok),
            "linked_from": ["/atom.xml"],
            "detail": "301 then 302 to a real article; the item keeps every URL",
        },
        {
            "outlet": RP,
            "path": RP_LOOP_A,
            "kind": "failure",
            "reason": "redirect-loop",
            "hops": [RP_LOOP_A, RP_LOOP_B, RP_LOOP_A],
            "linked_from": ["/latest/ (listing)"],
            "detail": "302 to a page that redirects back",
        },
        {
            "outlet": RP,
            "path": RP_OVERSIZED,
            "kind": "failure",
            "reason": "too-large",
            "bytes": OVERSIZED_BYTES,
            "linked_from": ["/latest/ (listing)"],
            "detail": "a generated 3 MB HTML page",
        },
        {
            "outlet": EAM,
            "path": EAM_FEED,
            "kind": "feed",
            "reason": "bozo",
            "entries": len(outlet_articles(articles, EAM)),
            "detail": "unescaped & in the channel description: a warning, entries still parsed",
        },
        {
            "outlet": RP,
            "path": RP_BROKEN_FEED,
            "kind": "feed",
            "reason": "no-entries",
            "entries": 0,
            "detail": "an HTML error page where a feed should be",
        },
        {
            "outlet": HT,
            "path": HT_ROME + TRACKING,
            "kind": "url-variant",
            "reason": "tracking",
            "gold": gold_name(rome),
            "linked_from": ["/rss.xml"],
        },
        *comment_links,
        {
            "outlet": RP,
            "path": RP_SINGAPORE + TRACKING,
            "kind": "url-variant",
            "reason": "tracking",
            "gold": gold_name(singapore),
            "linked_from": ["/feed.xml"],
        },
        {
            "outlet": RP,
            "path": RP_SINGAPORE + FBCLID,
            "kind": "url-variant",
            "reason": "tracking",
            "gold": gold_name(singapore),
            "linked_from": ["/latest/ (listing)"],
        },
        *[
            {
                "outlet": RP,
                "path": a.path + "#comments",
                "kind": "url-variant",
                "reason": "fragment",
                "gold": gold_name(a),
                "linked_from": ["/latest/ (listing)"],
            }
            for a in outlet_articles(articles, RP)
        ],
    ]


# --------------------------------------------------------------------------------------
# Writing and checking
# --------------------------------------------------------------------------------------


def planned_files(web: Web, sites_dir: Path, gold_dir: Path) -> dict[Path, bytes]:
    files = {sites_dir / key: data for key, data in web.sites.items()}
    files.update({gold_dir / key: data for key, data in web.gold.items()})
    return files


def generated_roots(sites_dir: Path, gold_dir: Path) -> list[Path]:
    return [sites_dir / outlet for outlet in OUTLETS] + [gold_dir]


def existing_files(roots: list[Path]) -> set[Path]:
    found: set[Path] = set()
    for root in roots:
        if root.exists():
            found |= {path for path in root.rglob("*") if path.is_file() and path.name != "README.md"}
    return found


def differences(sites_dir: Path = SITES_DIR, gold_dir: Path = GOLD_DIR) -> list[str]:
    """Files a fresh build would add, change or delete (empty when the tree is up to date)."""
    planned = planned_files(build_web(load_stories(sites_dir / "_stories")), sites_dir, gold_dir)
    problems = []
    for path, data in sorted(planned.items()):
        if not path.exists():
            problems.append(f"missing {path}")
        elif path.read_bytes() != data:
            problems.append(f"differs {path}")
    for path in sorted(existing_files(generated_roots(sites_dir, gold_dir)) - set(planned)):
        problems.append(f"stale {path}")
    return problems


def write(sites_dir: Path = SITES_DIR, gold_dir: Path = GOLD_DIR) -> int:
    planned = planned_files(build_web(load_stories(sites_dir / "_stories")), sites_dir, gold_dir)
    for path in existing_files(generated_roots(sites_dir, gold_dir)) - set(planned):
        path.unlink()
    for path, data in planned.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists() or path.read_bytes() != data:
            path.write_bytes(data)
    return len(planned)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build the sample news web and its gold files.")
    parser.add_argument("--check", action="store_true", help="compare with a fresh build instead of writing")
    args = parser.parse_args(argv)
    if args.check:
        problems = differences()
        for problem in problems:
            print(problem)
        return 1 if problems else 0
    count = write()
    print(f"wrote {count} files")
    return 0


if __name__ == "__main__":
    sys.exit(main())
