#!/usr/bin/env python3
"""Generate a realistic local news site for the speed benchmark (deterministic).

Writes ``--pages`` article pages (30–80 KB each) plus home and section
listings, robots.txt and a sitemap index into ``--out``::

    python benchmarks/make_site.py --out bench-out/site --pages 5000 --seed 8

Each article page is built like a modern news page: a mega-menu header,
breaking-news ticker, breadcrumb, headline and standfirst, byline and
dates, a lead figure with caption and credit, 8–30 body paragraphs
(sub-headings, inline figures, pull quotes, lists, in-body ad slots,
"Read more" links, a newsletter box), share bar, tags, author box,
related-story cards, a "Most read" sidebar, comments, a link-farm footer,
JSON-LD ``NewsArticle``, Open Graph and a large inline state script. Some
stories are wire copy with a dateline. Text is generated from templates
and word lists with a fixed seed, so every run writes the same bytes.

Every ``.html`` file also gets a ``.html.gz`` sibling (gzip level 6) for
nginx's ``gzip_static``, so serving compressed pages costs the server
nothing. Sitemaps hold absolute URLs; :func:`write_sitemaps` writes them
for the base URL the server ends up on (the benchmark calls it once it
knows the port). A ``SITE.json`` stamp records the parameters, so an
existing site with the same parameters is reused.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import sys
from datetime import UTC, datetime, timedelta
from html import escape
from pathlib import Path

GENERATOR_VERSION = 4  # bump when the page template changes, so cached sites are rebuilt
SECTIONS = ("world", "politics", "business", "technology", "science", "health", "sport", "culture", "climate", "opinion")
SITE_NAME = "The Daily Meridian"
PAGE_BYTES = (30_000, 80_000)  # target size range of an article page

# -- vocabulary ---------------------------------------------------------------------------
FIRST = ("Maria", "James", "Aisha", "Chen", "Olga", "Pedro", "Fatima", "Liam", "Sofia", "Kwame", "Yuki", "Hannah",
         "Ahmed", "Elena", "Tomasz", "Priya", "Daniel", "Amara", "Lucas", "Ingrid", "Mateo", "Leila", "Noah", "Zara",
         "Viktor", "Grace", "Ravi", "Emma", "Jonas", "Nadia")
LAST = ("Okafor", "Lindqvist", "Haddad", "Moreno", "Kowalski", "Nakamura", "Brennan", "Achebe", "Santos", "Novak",
        "Fischer", "Rahman", "Dubois", "Petrov", "Walsh", "Mensah", "Ortega", "Larsen", "Costa", "Ibrahim",
        "Schneider", "Patel", "Murphy", "Kim", "Rossi", "Andersen", "Yilmaz", "Silva", "Tanaka", "Reyes")
PLACES = ("Geneva", "Nairobi", "Lisbon", "Jakarta", "Toronto", "Marseille", "Bogotá", "Osaka", "Krakow", "Accra",
          "Melbourne", "Rotterdam", "Lagos", "Seville", "Hanoi", "Montreal", "Dublin", "Santiago", "Mumbai", "Tallinn")
ORGS = ("the central bank", "the health ministry", "the city council", "the electoral commission", "the port authority",
        "the national weather service", "the teachers' union", "the energy regulator", "the supreme court",
        "the transport agency", "the competition watchdog", "the football federation", "the university hospital",
        "the fisheries board", "the housing association", "the chamber of commerce")
TOPICS = ("flood defences", "interest rates", "the rail strike", "a vaccine trial", "wind farm permits", "the budget deficit",
          "school meals", "a data breach", "coastal erosion", "the ceasefire talks", "grain exports", "a pension reform",
          "the heatwave", "water shortages", "the transfer window", "a museum reopening", "battery recycling",
          "the housing shortage", "drought relief", "an election recount")
VERBS = ("announced", "warned", "confirmed", "rejected", "proposed", "defended", "questioned", "welcomed", "criticised",
         "postponed", "approved", "signalled", "disputed", "outlined", "acknowledged")
ADJ = ("unexpected", "long-awaited", "controversial", "modest", "sweeping", "temporary", "ambitious", "fragile",
       "record", "disputed", "cautious", "sharp", "gradual", "costly", "narrow")
NOUNS = ("plan", "decision", "increase", "agreement", "investigation", "shortfall", "proposal", "recovery", "ruling",
         "delay", "package", "review", "settlement", "report", "forecast")
TIMES = ("on Monday", "on Tuesday", "on Wednesday", "on Thursday", "on Friday", "late on Sunday", "this week",
         "earlier this month", "last year", "overnight", "in a statement", "at a press conference")
WIRES = ("AP", "Reuters", "AFP")

SENTENCES = (
    "{Org} {verb} {time} a {adj} {noun} on {topic}, saying it would take effect before the end of the year.",
    "{Person}, who has followed {topic} for more than a decade, said the {noun} was {adj} but overdue.",
    "\u201cWe have been asking for this for years,\u201d said {Person}, a spokesperson for {org}. \u201cPeople here cannot wait any longer.\u201d",
    "The {noun} comes after months of pressure from residents in {place}, where {topic} has dominated local politics.",
    "According to figures published {time}, the number of households affected rose by {n} per cent compared with {year}.",
    "Critics {verb} the move, arguing that {org} had ignored warnings about {topic} from its own advisers.",
    "In {place}, officials {verb} a {adj} {noun} that could cost as much as {money} over the next {n2} years.",
    "{Person} told reporters that the talks on {topic} had been \u201cdifficult but constructive\u201d and would resume {time}.",
    "Analysts at {org2} said the {adj} {noun} would do little to change the outlook for {topic} in the short term.",
    "The government has {verb} similar measures twice before, most recently in {year}, when {topic} led to protests in {place}.",
    "Opposition lawmakers said they would seek an inquiry into how {org} handled {topic}.",
    "Data compiled by {org2} show that {n} of the {n3} regions reported a {adj} {noun} in the first quarter.",
    "Residents of {place} described long queues and confusion as the {noun} came into force {time}.",
    "\u201cIt is a {adj} step, but it is not enough,\u201d {Person} said, adding that {topic} would remain a priority.",
    "The {noun}, first reported by local media, was {verb} by {org} after a vote of {n3} to {n}.",
    "Shares in companies exposed to {topic} fell by {n} per cent in early trading before recovering.",
    "Neither {org} nor {org2} responded to requests for comment on {topic}.",
    "Experts cautioned that the effects of {topic} on smaller towns such as {place} were still poorly understood.",
    "Under the {noun}, payments would be linked to {topic} and reviewed every {n2} months.",
    "{Person} said the decision reflected a {adj} shift in how {org} approaches {topic}.",
)
SUBHEADS = ("What happens next", "A long-running dispute", "The numbers behind it", "Reaction in {place}",
            "Why it matters", "A {adj} timetable", "Questions over {topic}", "Who is affected")


class TextGen:
    """Sentences and names drawn from the vocabulary with one seeded RNG."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def person(self) -> str:
        return f"{self.rng.choice(FIRST)} {self.rng.choice(LAST)}"

    def fill(self, template: str, topic: str, place: str) -> str:
        r = self.rng
        org, org2 = r.sample(ORGS, 2)
        values = {
            "org": org, "Org": org[0].upper() + org[1:], "org2": org2, "verb": r.choice(VERBS), "time": r.choice(TIMES),
            "adj": r.choice(ADJ), "noun": r.choice(NOUNS), "topic": topic if r.random() < 0.6 else r.choice(TOPICS),
            "Person": self.person(), "place": place if r.random() < 0.7 else r.choice(PLACES),
            "n": r.randint(2, 60), "n2": r.randint(2, 12), "n3": r.randint(61, 400), "year": r.randint(2009, 2023),
            "money": f"{r.randint(2, 900)} million euros",
        }
        return template.format(**values)

    def paragraph(self, topic: str, place: str) -> str:
        count = self.rng.randint(2, 5)
        return " ".join(self.fill(self.rng.choice(SENTENCES), topic, place) for _ in range(count))

    def headline(self, topic: str, place: str) -> str:
        r = self.rng
        forms = (
            f"{place} {r.choice(VERBS)} {r.choice(ADJ)} {r.choice(NOUNS)} on {topic}",
            f"{r.choice(ORGS).capitalize()} {r.choice(VERBS)} {r.choice(NOUNS)} as {topic} deepens",
            f"Why {topic} is testing {place}'s patience",
            f"{self.person()} on {topic}: 'We cannot wait any longer'",
            f"{r.choice(ADJ).capitalize()} {r.choice(NOUNS)} over {topic} divides {place}",
        )
        return r.choice(forms)


def slugify(text: str) -> str:
    """A URL slug: lowercase ASCII words joined by hyphens."""
    out, dash = [], False
    for ch in text.lower():
        if ch.isascii() and ch.isalnum():
            out.append(ch)
            dash = False
        elif not dash:
            out.append("-")
            dash = True
    return "".join(out).strip("-")[:80]


# -- page furniture ----------------------------------------------------------------------

def nav_html(rng: random.Random) -> str:
    """The mega-menu: every section with a dozen sub-links, plus account and search."""
    cols = []
    for section in SECTIONS:
        links = "".join(
            f'<li><a href="/section/{section}/" class="menu-link" data-track="nav-{section}-{i}">'
            f"{escape(rng.choice(TOPICS).capitalize())}</a></li>"
            for i in range(12)
        )
        cols.append(f'<li class="menu-col"><a class="menu-head" href="/section/{section}/">{section.capitalize()}</a>'
                    f'<ul class="menu-sub">{links}</ul></li>')
    return (
        '<header class="site-header" role="banner"><div class="topbar"><span class="today">Wednesday, 14 August 2024</span>'
        '<span class="weather">19°C Geneva</span><a href="/subscribe/" class="btn-subscribe">Subscribe</a>'
        '<a href="/login/" class="login">Sign in</a></div>'
        f'<a class="logo" href="/"><img src="/static/logo.svg" alt="{SITE_NAME}" width="220" height="40"></a>'
        '<form class="search" action="/search/"><input type="search" name="q" placeholder="Search"><button>Go</button></form>'
        f'<nav class="mega-menu" aria-label="Sections"><ul>{"".join(cols)}</ul></nav></header>'
    )


def ticker_html(tg: TextGen) -> str:
    items = "".join(f'<li><a href="/section/world/">{escape(tg.headline(tg.rng.choice(TOPICS), tg.rng.choice(PLACES)))}</a></li>'
                    for _ in range(5))
    return f'<div class="breaking-ticker"><strong>Breaking</strong><ul>{items}</ul></div>'


def figure_html(url: str, alt: str, caption: str, credit: str, *, lead: bool = False) -> str:
    cls = "lead-figure" if lead else "inline-figure"
    return (
        f'<figure class="{cls}"><picture><source srcset="{url}?w=1200 1200w, {url}?w=800 800w" type="image/webp">'
        f'<img src="{url}" alt="{escape(alt)}" loading="lazy" width="1200" height="800"></picture>'
        f'<figcaption><span class="caption">{escape(caption)}</span> <span class="credit">{escape(credit)}</span></figcaption></figure>'
    )


def card_html(tg: TextGen, href: str, title: str, img: str) -> str:
    return (
        f'<article class="card"><a href="{href}" class="card-link"><img src="{img}" alt="" loading="lazy" width="320" height="180">'
        f'<h3 class="card-title">{escape(title)}</h3></a><p class="card-dek">{escape(tg.fill(tg.rng.choice(SENTENCES), tg.rng.choice(TOPICS), tg.rng.choice(PLACES)))}</p>'
        f'<time datetime="2024-08-{tg.rng.randint(1, 28):02d}">{tg.rng.randint(1, 23)} hours ago</time></article>'
    )


def footer_html(rng: random.Random) -> str:
    groups = []
    for name in ("About us", "Help", "Sections", "Services", "Legal", "Follow us"):
        links = "".join(f'<li><a href="/about/page-{rng.randint(1, 99)}/">{escape(name)} link {i}</a></li>' for i in range(10))
        groups.append(f'<div class="footer-col"><h4>{name}</h4><ul>{links}</ul></div>')
    return (f'<footer class="site-footer">{"".join(groups)}<p class="copyright">© 2024 {SITE_NAME}. All rights reserved. '
            "Reproduction without permission is prohibited.</p></footer>")


def state_script(rng: random.Random, teasers: list[dict[str, str]], size: int) -> str:
    """A hydration blob like modern news front-ends embed: JSON of teasers, config and ad slots."""
    state: dict[str, object] = {
        "config": {"env": "production", "ads": {"network": "/1234/meridian", "lazy": True, "slots": [f"slot-{i}" for i in range(12)]},
                   "paywall": {"meter": 5, "regions": ["EU", "UK", "US"]}, "build": f"{rng.getrandbits(64):016x}"},
        "teasers": [],
    }
    teaser_list = state["teasers"]
    assert isinstance(teaser_list, list)
    length = len(json.dumps(state))
    while length < size:
        teaser = dict(rng.choice(teasers))
        teaser["id"] = f"{rng.getrandbits(48):012x}"
        teaser["score"] = round(rng.random(), 4)
        teaser_list.append(teaser)
        length += len(json.dumps(teaser)) + 2
    blob = json.dumps(state).replace("</", "<\\/")
    return f'<script id="__STATE__" type="application/json">{blob}</script>'


# -- pages -------------------------------------------------------------------------------

def article_page(index: int, meta: dict[str, str], all_meta: list[dict[str, str]], nav: str, footer: str, rng: random.Random) -> str:
    """One article page of roughly ``meta['size']`` bytes."""
    tg = TextGen(rng)
    topic, place, section = meta["topic"], meta["place"], meta["section"]
    title, author, published = meta["title"], meta["author"], meta["published"]
    target = int(meta["size"])
    wire = rng.random() < 0.25
    n_paras = rng.randint(8, 30)
    body_parts: list[str] = []
    body_parts.append(f'<p class="standfirst">{escape(tg.paragraph(topic, place).split(". ")[0])}.</p>')
    for i in range(n_paras):
        text = tg.paragraph(topic, place)
        if i == 0 and wire:
            text = f"{place.upper()} ({rng.choice(WIRES)}) \u2014 {text}"
        body_parts.append(f"<p>{escape(text)}</p>")
        if i in (3, 11, 19):
            body_parts.append(f'<div class="ad-slot ad-inbody" id="ad-{i}" data-ad-unit="/1234/meridian/{section}"><span>Advertisement</span></div>')
        if i == 5:
            other = rng.choice(all_meta)
            body_parts.append(f'<p class="read-more"><strong>Read more:</strong> <a href="{other["path"]}">{escape(other["title"])}</a></p>')
        if i in (6, 15) and rng.random() < 0.7:
            body_parts.append(f"<h2>{escape(tg.fill(rng.choice(SUBHEADS), topic, place))}</h2>")
        if i == 8 and rng.random() < 0.6:
            body_parts.append(figure_html(f"/images/{index}-2.jpg", f"Scene in {place}", tg.fill(rng.choice(SENTENCES), topic, place),
                                          f"Photo: {tg.person()}/{rng.choice(WIRES)}"))
        if i == 10 and rng.random() < 0.4:
            quote = escape(tg.fill(SENTENCES[2], topic, place))
            body_parts.append(f'<blockquote class="pull-quote"><p>{quote}</p></blockquote>')
        if i == 12 and rng.random() < 0.3:
            items = "".join(f"<li>{escape(tg.fill(rng.choice(SENTENCES), topic, place))}</li>" for _ in range(4))
            body_parts.append(f"<ul>{items}</ul>")
        if i == 13:
            body_parts.append('<aside class="newsletter-box"><h3>Get the morning briefing</h3><p>The stories you need, in your inbox by 7am.</p>'
                              '<form action="/newsletter/"><input type="email" name="email" placeholder="Your email"><button>Sign up</button></form></aside>')
    related = [rng.choice(all_meta) for _ in range(6)]
    related_html = "".join(card_html(tg, r["path"], r["title"], f"/images/{r['index']}-thumb.jpg") for r in related)
    most_read = "".join(f'<li><span class="rank">{k + 1}</span><a href="{m["path"]}">{escape(m["title"])}</a></li>'
                        for k, m in enumerate(rng.choice(all_meta) for _ in range(10)))
    tags = [topic, place, section.capitalize(), *(rng.sample(TOPICS, 2))]
    tags_html = "".join(f'<li><a href="/tag/{slugify(t)}/" rel="tag">{escape(t)}</a></li>' for t in tags)
    comments = "".join(
        f'<li class="comment"><span class="comment-author">{tg.person()}</span><p>{escape(tg.fill(rng.choice(SENTENCES), topic, place))}</p></li>'
        for _ in range(rng.randint(0, 8))
    )
    url = meta["url"]
    ld = {
        "@context": "https://schema.org", "@type": "NewsArticle", "headline": title, "datePublished": published,
        "dateModified": meta["modified"], "author": [{"@type": "Person", "name": author, "url": f"/author/{slugify(author)}/"}],
        "publisher": {"@type": "NewsMediaOrganization", "name": SITE_NAME, "logo": {"@type": "ImageObject", "url": "/static/logo.png"}},
        "image": [f"/images/{index}-1.jpg"], "mainEntityOfPage": url, "articleSection": section.capitalize(),
        "keywords": tags, "isAccessibleForFree": True, "description": title + ".",
    }
    head = (
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{escape(title)} | {SITE_NAME}</title>'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta name="description" content="{escape(title)}."><link rel="canonical" href="{url}">'
        f'<meta property="og:type" content="article"><meta property="og:title" content="{escape(title)}">'
        f'<meta property="og:site_name" content="{SITE_NAME}"><meta property="og:url" content="{url}">'
        f'<meta property="og:image" content="/images/{index}-1.jpg"><meta property="article:published_time" content="{published}">'
        f'<meta property="article:section" content="{section.capitalize()}"><meta name="author" content="{escape(author)}">'
        '<link rel="stylesheet" href="/static/main.css"><link rel="preload" href="/static/font.woff2" as="font">'
        '<script async src="/static/analytics.js"></script>'
        f'<script type="application/ld+json">{json.dumps(ld)}</script></head>'
    )
    article = (
        f'<main id="main"><nav class="breadcrumb"><a href="/">Home</a> › <a href="/section/{section}/">{section.capitalize()}</a></nav>'
        f'<article class="story" itemscope itemtype="https://schema.org/NewsArticle"><header class="story-header">'
        f'<a class="kicker" href="/section/{section}/">{section.capitalize()}</a><h1 itemprop="headline">{escape(title)}</h1>'
        f'<div class="byline">By <a rel="author" href="/author/{slugify(author)}/">{escape(author)}</a>'
        f'<time datetime="{published}" itemprop="datePublished">{published[:10]}</time></div>'
        '<div class="share-bar"><a href="#" class="share-fb">Share</a><a href="#" class="share-x">Post</a><a href="#" class="share-mail">Email</a></div>'
        "</header>"
        + figure_html(f"/images/{index}-1.jpg", f"{topic.capitalize()} in {place}", tg.fill(rng.choice(SENTENCES), topic, place),
                      f"{tg.person()}/{rng.choice(WIRES)}", lead=True)
        + f'<div class="story-body" itemprop="articleBody">{"".join(body_parts)}</div>'
        f'<footer class="story-footer"><ul class="tags">{tags_html}</ul>'
        f'<div class="author-box"><img src="/images/authors/{slugify(author)}.jpg" alt=""><p><strong>{escape(author)}</strong> '
        f"is a {section} correspondent based in {place}.</p></div></footer></article>"
        f'<section class="related"><h2>Related stories</h2>{related_html}</section>'
        f'<section class="comments"><h2>Comments</h2><ol>{comments}</ol><form class="comment-form"><textarea name="c"></textarea>'
        "<button>Post comment</button></form></section></main>"
        f'<aside class="sidebar"><section class="most-read"><h2>Most read</h2><ol>{most_read}</ol></section>'
        '<div class="ad-slot ad-mpu" id="ad-sidebar"><span>Advertisement</span></div></aside>'
    )
    page = head + "<body>" + nav + ticker_html(tg) + article + footer
    teasers = [{"title": m["title"], "url": m["path"], "section": m["section"]} for m in related]
    filler = max(0, target - len(page.encode("utf-8")) - 200)
    return page + state_script(rng, teasers, filler) + "</body></html>\n"


def listing_page(title: str, items: list[dict[str, str]], nav: str, footer: str, rng: random.Random) -> str:
    """A home or section page: teaser cards, og:type website."""
    tg = TextGen(rng)
    cards = "".join(card_html(tg, m["path"], m["title"], f"/images/{m['index']}-thumb.jpg") for m in items)
    return (
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{escape(title)} | {SITE_NAME}</title>'
        f'<meta property="og:type" content="website"><meta property="og:site_name" content="{SITE_NAME}"></head>'
        f'<body>{nav}<main><h1>{escape(title)}</h1><div class="cards">{cards}</div></main>{footer}</body></html>\n'
    )


def plan(pages: int, seed: int) -> list[dict[str, str]]:
    """The metadata of every article (path, title, dates, size), deterministic."""
    rng = random.Random(seed)
    tg = TextGen(rng)
    start = datetime(2024, 8, 14, 18, 0, tzinfo=UTC)
    metas, seen = [], set()
    for i in range(pages):
        topic, place, section = rng.choice(TOPICS), rng.choice(PLACES), rng.choice(SECTIONS)
        title = tg.headline(topic, place)
        published = start - timedelta(minutes=37 * i + rng.randint(0, 30))
        slug = slugify(title)
        path = f"/{published:%Y/%m/%d}/{section}/{slug}-{i}.html"
        assert path not in seen
        seen.add(path)
        metas.append({
            "index": str(i), "path": path, "url": "{{BASE}}" + path, "title": title, "topic": topic, "place": place,
            "section": section, "author": tg.person(), "published": published.isoformat(),
            "modified": (published + timedelta(hours=rng.randint(0, 6))).isoformat(),
            "size": str(rng.randint(*PAGE_BYTES)),
        })
    return metas


def write_file(root: Path, url_path: str, text: str, *, gz: bool = True) -> int:
    """Write a page (``/a/b/`` → ``a/b/index.html``) and its ``.gz`` twin; returns the byte size."""
    rel = url_path.lstrip("/")
    target = root / (rel + "index.html" if rel.endswith("/") or not rel else rel)
    target.parent.mkdir(parents=True, exist_ok=True)
    data = text.encode("utf-8")
    target.write_bytes(data)
    if gz:
        target.with_name(target.name + ".gz").write_bytes(gzip.compress(data, compresslevel=6, mtime=0))
    return len(data)


def write_sitemaps(root: Path, base_url: str, per_file: int = 1000) -> str:
    """Write robots.txt, the sitemap index and its urlsets for ``base_url``; returns the index URL."""
    metas = json.loads((root / "SITE.json").read_text("utf-8"))["articles"]
    names = []
    for k in range(0, len(metas), per_file):
        chunk = metas[k : k + per_file]
        name = f"sitemap-articles-{k // per_file + 1}.xml"
        names.append(name)
        urls = "".join(f"<url><loc>{base_url}{m['path']}</loc><lastmod>{m['modified']}</lastmod></url>\n" for m in chunk)
        (root / name).write_text(
            '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
            f"{urls}</urlset>\n", encoding="utf-8")
    index = "".join(f"<sitemap><loc>{base_url}/{n}</loc></sitemap>\n" for n in names)
    (root / "sitemap_index.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        f"{index}</sitemapindex>\n", encoding="utf-8")
    (root / "robots.txt").write_text(f"User-agent: *\nDisallow: /search/\n\nSitemap: {base_url}/sitemap_index.xml\n", encoding="utf-8")
    return f"{base_url}/sitemap_index.xml"


def article_files(root: Path) -> list[tuple[str, Path]]:
    """(path, file) of every article page of a generated site, in sitemap order."""
    metas = json.loads((root / "SITE.json").read_text("utf-8"))["articles"]
    return [(m["path"], root / m["path"].lstrip("/")) for m in metas]


def make_site(out: Path, pages: int, seed: int, *, progress: bool = False) -> Path:
    """Generate the site into ``out`` unless a site with the same parameters is already there."""
    stamp = {"generator": GENERATOR_VERSION, "pages": pages, "seed": seed}
    stamp_file = out / "SITE.json"
    if stamp_file.exists():
        old = json.loads(stamp_file.read_text("utf-8"))
        if {k: old.get(k) for k in stamp} == stamp:
            return out
    out.mkdir(parents=True, exist_ok=True)
    metas = plan(pages, seed)
    rng = random.Random(seed + 1)
    nav, footer = nav_html(rng), footer_html(rng)
    total = 0
    for i, meta in enumerate(metas):
        page = article_page(i, meta, metas, nav, footer, random.Random(seed * 1_000_003 + i))
        total += write_file(out, meta["path"], page.replace("{{BASE}}", ""))
        if progress and (i + 1) % 250 == 0:
            print(f"\rmake_site: {i + 1}/{pages} pages, {total / (i + 1) / 1024:.0f} KB average", end="", file=sys.stderr, flush=True)
    if progress:
        print(file=sys.stderr)
    write_file(out, "/", listing_page("Home", metas[:60], nav, footer, rng))
    for section in SECTIONS:
        items = [m for m in metas if m["section"] == section][:60]
        write_file(out, f"/section/{section}/", listing_page(section.capitalize(), items, nav, footer, rng))
    stamp_file.write_text(json.dumps({**stamp, "bytes": total, "articles": [
        {"path": m["path"], "modified": m["modified"]} for m in metas]}) + "\n", encoding="utf-8")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent.parent / "bench-out" / "site")
    parser.add_argument("--pages", type=int, default=5000, help="article pages (default: %(default)s)")
    parser.add_argument("--seed", type=int, default=8, help="random seed (default: %(default)s)")
    parser.add_argument("--base-url", help="also write robots.txt and sitemaps for this base URL")
    args = parser.parse_args(argv)
    make_site(args.out, args.pages, args.seed, progress=sys.stderr.isatty())
    if args.base_url:
        write_sitemaps(args.out, args.base_url.rstrip("/"))
    print(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
