"""Identity of a story: its canonical URL and a hash of its normalised body.

Normalisation folds what syndication and re-saving change without changing the story:
quote styles, dashes, spacing, line endings, case, Unicode compatibility forms.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

import courlan
from urllib.parse import urlsplit
from w3lib.url import canonicalize_url

_QUOTES = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "\u00b4": "'", "`": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"', "\u00ab": '"', "\u00bb": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-", "\u2212": "-",
    "\u00a0": " ", "\u2009": " ", "\u202f": " ", "\u200b": "",
})
_SPACE = re.compile(r"\s+")


def normalize_body(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    return _SPACE.sub(" ", text).strip().casefold()


def content_hash(text: str) -> str:
    return hashlib.sha256(normalize_body(text).encode("utf-8")).hexdigest()


def canonical_url(url: str | None) -> str | None:
    """Tracking parameters and fragments removed, query sorted: one story, one URL."""
    if not url:
        return None
    if not url.lower().startswith(("http://", "https://")):
        return None
    cleaned = courlan.normalize_url(url, strict=True) or url
    return canonicalize_url(cleaned)


def choose_url(declared: str | None, fetched: str | None) -> str | None:
    """A page's declared canonical URL wins, but only on its own host: templates that point
    every page at the home page, or at a partner site, must not merge different stories."""
    declared_url, fetched_url = canonical_url(declared), canonical_url(fetched)
    if declared_url and (fetched_url is None or _host(declared_url) == _host(fetched_url)):
        return declared_url
    return fetched_url


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").removeprefix("www.")
