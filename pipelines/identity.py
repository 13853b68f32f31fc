"""Which URL a document may claim as its identity, before the archive compares texts.

A URL is a claim, not a proof (the rules are written out in storage/dedup/decide.py). Here only
the first half is decided: whether a declared canonical (or og:url) is *plausible*. It is not
when it points at another site, at the site's home page, or at a section or tag page: CMS
templates that give every page the home page's canonical are common, and believing them
merged unrelated stories into one article. A page whose canonical is not believed keeps the
URL it was fetched from (a local file then has no URL); the canonical is kept as a hint on
its sighting, with the reason it was not believed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from ipaddress import ip_address
from urllib.parse import urlsplit

import courlan
from w3lib.url import canonicalize_url

# A path segment of one or two words and no digits ("/politics/", "/world-news/") names a
# section; article slugs carry more words or an id. Two such segments ("/news/world/") too.
_SECTION_WORDS = 2
_SECTION_DEPTH = 2
_WORD_SPLIT = re.compile(r"[-_.+]+")
# "/", "/index.html", "/en/", "/de-at/", "/home" are a site's front page
_HOME_PATH = re.compile(r"^/?(?:(?:index|default|home|start)(?:\.\w{2,5})?|[a-z]{2}(?:[-_][a-z]{2})?)?/?$", re.I)


@dataclass(frozen=True)
class UrlClaim:
    """`url`: the identity the document claims (None: a file without a believable URL).
    `canonical`: the declared canonical, normalised, whether believed or not.
    `note`: why the canonical was not believed, None when it was (or there was none)."""

    url: str | None
    canonical: str | None = None
    note: str | None = None


def claim_url(declared: str | None, fetched: str | None) -> UrlClaim:
    """The URL a page fetched from `fetched` (None for a local file) may claim, given the
    canonical it declares."""
    canonical = canonical_url(declared)
    page = canonical_url(fetched)
    if canonical is None or canonical == page:
        return UrlClaim(page, canonical)
    doubt = _implausible(canonical, page)
    if doubt:
        return UrlClaim(page, canonical, f"canonical {canonical} not believed: {doubt}")
    return UrlClaim(canonical, canonical)


def _implausible(canonical: str, page: str | None) -> str | None:
    if page is not None and registrable_domain(canonical) != registrable_domain(page):
        return f"another site than the page's own ({registrable_domain(page)})"
    parts = urlsplit(canonical)
    if not parts.query and _HOME_PATH.match(parts.path or "/"):
        return "the site's home page"
    if not parts.query and _is_section_path(parts.path):
        return "a section page"
    # the path only: courlan also calls WordPress's "?p=123" (an article) navigation
    if courlan.is_navigation_page(parts.path):
        return "a tag, category or listing page"
    return None


def _is_section_path(path: str) -> bool:
    segments = [segment for segment in path.split("/") if segment]
    if not segments or len(segments) > _SECTION_DEPTH:
        return False
    for segment in segments:
        if any(character.isdigit() for character in segment):
            return False
        if len([word for word in _WORD_SPLIT.split(segment) if word]) > _SECTION_WORDS:
            return False
    return True


def registrable_domain(url: str) -> str:
    """The domain a site owner registers ("bbc.co.uk" for news.bbc.co.uk), from the public
    suffix list courlan ships; the last two labels for names it does not know (".example",
    intranet names), the address itself for an IP."""
    host = (urlsplit(url).hostname or "").lower().rstrip(".")
    try:
        ip_address(host)
        return host
    except ValueError:
        pass
    known = courlan.extract_domain(url)
    if known:
        return known.lower()
    labels = host.split(".")
    return ".".join(labels[-2:]) if len(labels) > 1 else host


def canonical_url(url: str | None) -> str | None:
    """Tracking parameters and fragments removed, query sorted: one story, one URL."""
    if not url:
        return None
    if not url.lower().startswith(("http://", "https://")):
        return None
    cleaned = courlan.normalize_url(url, strict=True) or url
    return canonicalize_url(cleaned)


def hostname(url: str | None) -> str | None:
    """The site a URL belongs to: its host without "www."."""
    if not url:
        return None
    return (urlsplit(url).hostname or "").removeprefix("www.") or None
