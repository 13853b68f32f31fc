"""HTML, feeds and sitemaps of the fake Harbour Ledger, rendered for one base URL."""

from __future__ import annotations

from html import escape

from tests.fakesite.articles import BAKERY, CRANES, FERRY, GARDEN, LIBRARY, MARKET, MUSEUM, RIVER, TRAM, WIND, Story

# The same wind-farm story, also filed under news: a duplicate across sections.
WIND_COPY_PATH = "/news/2026/11/wind-farm-tender.html"

FAULTS = {
    "never": "/news/2026/11/never-answers.html",
    "drip": "/news/2026/11/slow-drip.html",
    "bomb": "/news/2026/11/gzip-bomb.html",
    "huge": "/news/2026/11/huge-gallery.html",
    "loop": "/news/2026/11/loop-a.html",
    "loop_b": "/news/2026/11/loop-b.html",
    "passwd": "/news/2026/11/passwd-redirect.html",
    "gone": "/news/2026/11/gone.html",
    "short": "/news/2026/11/short-brief.html",
    "robots": "/private/2026/11/leaked-memo.html",
}
DENIED_PATH = "/tag/ferries/2026/11/all.html"

SECTIONS = {
    "/section/news/": ("News", (FERRY.path, LIBRARY.path, WIND_COPY_PATH, GARDEN.path, MUSEUM.path)),
    "/section/business/": ("Business", (BAKERY.path, WIND.path, MARKET.path)),
    "/section/more/": ("More", tuple(path for key, path in FAULTS.items() if key != "loop_b")),
}
FEED_ONLY = (RIVER,)
ATOM_ONLY = (CRANES,)
SITEMAP_ONLY = (TRAM,)


def _chrome(title: str, main: str) -> str:
    nav = "".join(f'<li><a href="{path}">{escape(name)}</a></li>' for path, (name, _) in SECTIONS.items())
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{escape(title)} | The Harbour Ledger</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="alternate" type="application/rss+xml" href="/feed.xml">
</head>
<body>
<header class="masthead"><a href="/" class="logo">The Harbour Ledger</a>
<nav><ul>{nav}<li><a href="{DENIED_PATH}">#ferries</a></li></ul></nav></header>
{main}
<footer><p>The Harbour Ledger, 4 Quay Street, Harlow Bay. Independent local news since 1921.</p>
<ul><li><a href="/about.html">About us</a></li><li><a href="mailto:desk@harbour-ledger.test">Contact</a></li></ul>
</footer>
</body>
</html>"""


def article_html(story: Story) -> str:
    body = "\n".join(f"<p>{escape(paragraph)}</p>" for paragraph in story.paragraphs)
    main = f"""<main>
<article>
<h1>{escape(story.title)}</h1>
<p class="byline">By <span class="author">{escape(story.author)}</span>,
<time datetime="{story.date}T08:00:00Z">{story.date}</time></p>
<div class="article-body">
{body}
</div>
</article>
<aside class="related"><h2>Read next</h2><ul>
<li><a href="{FERRY.path}">{escape(FERRY.title)}</a></li>
<li><a href="/section/business/">More business news</a></li>
</ul></aside>
</main>"""
    return _chrome(story.title, main)


def section_html(path: str, titles: dict[str, str]) -> str:
    name, links = SECTIONS[path]
    items = "\n".join(
        f'<li><a href="{link}">{escape(titles.get(link, link.rsplit("/", 1)[-1]))}</a></li>' for link in links
    )
    return _chrome(name, f'<main><h1>{escape(name)}</h1><ul class="teasers">\n{items}\n</ul></main>')


def home_html(base: str, titles: dict[str, str]) -> str:
    other_host = base.replace("127.0.0.1", "localhost")
    main = f"""<main><h1>Today in Harlow Bay</h1>
<ul class="teasers">
<li><a href="{FERRY.path}">{escape(FERRY.title)}</a></li>
<li><a href="/section/more/">More stories</a></li>
<!-- never followed: other schemes, and another host name for this machine -->
<li><a href="file:///etc/passwd">Archive</a></li>
<li><a href="ftp://127.0.0.1/2026/11/minutes.txt">Council minutes</a></li>
<li><a href="data:text/html,hello">Widget</a></li>
<li><a href="{other_host}/news/2026/11/mirror.html">Mirror</a></li>
</ul></main>"""
    return _chrome("Home", main)


def about_html() -> str:
    return _chrome("About", "<main><h1>About us</h1><p>We report on Harlow Bay.</p></main>")


def rss(base: str, stories: tuple[Story, ...]) -> str:
    items = "\n".join(
        f"""<item><title>{escape(s.title)}</title><link>{base}{s.path}</link>
<guid isPermaLink="true">{base}{s.path}</guid><pubDate>Mon, 16 Nov 2026 08:00:00 GMT</pubDate>
<description>{escape(s.paragraphs[0])}</description></item>"""
        for s in stories
    )
    return f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>The Harbour Ledger</title><link>{base}/</link>
<description>Local news</description>
{items}
</channel></rss>"""


def atom(base: str, stories: tuple[Story, ...]) -> str:
    entries = "\n".join(
        f"""<entry><title>{escape(s.title)}</title><link rel="alternate" href="{base}{s.path}"/>
<link rel="enclosure" href="{base}/media/{s.slug}.jpg"/>
<id>tag:harbour-ledger.test,2026:{s.slug}</id><updated>{s.date}T08:00:00Z</updated></entry>"""
        for s in stories
    )
    return f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>The Harbour Ledger: business</title>
<id>tag:harbour-ledger.test,2026:business</id><updated>2026-11-18T08:00:00Z</updated>
{entries}
</feed>"""


def sitemap_index(base: str) -> str:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>{base}/sitemaps/news.xml</loc></sitemap>
<sitemap><loc>{base}/sitemaps/pages.xml</loc></sitemap>
</sitemapindex>"""


def news_sitemap(base: str, stories: tuple[Story, ...]) -> str:
    urls = "\n".join(
        f"""<url><loc>{base}{s.path}</loc><news:news><news:publication><news:name>The Harbour Ledger</news:name>
<news:language>en</news:language></news:publication><news:publication_date>{s.date}</news:publication_date>
<news:title>{escape(s.title)}</news:title></news:news></url>"""
        for s in stories
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
{urls}
</urlset>"""


def pages_sitemap(base: str) -> str:
    urls = "\n".join(f"<url><loc>{base}{path}</loc></url>" for path in (*SECTIONS, "/about.html"))
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
{urls}
</urlset>"""


def robots_txt(base: str) -> str:
    return f"User-agent: *\nDisallow: /private/\n\nSitemap: {base}/sitemap_index.xml\n"
