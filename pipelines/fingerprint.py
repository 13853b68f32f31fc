"""Identity of a story: its canonical URL and a hash of its normalised body.

Normalisation folds what syndication and re-saving change without changing the story:
quote styles, dashes, spacing, line endings, case, Unicode compatibility forms.
"""

from __future__ import annotations

import courlan
from urllib.parse import urlsplit
from w3lib.url import canonicalize_url

# normalize_body lives with the archive, which needs it without this module's URL libraries
from storage.normalize import body_hash, normalize_body

__all__ = ["canonical_url", "choose_url", "content_hash", "hostname", "normalize_body"]


def content_hash(text: str) -> str:
    return body_hash(normalize_body(text))


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
    if declared_url and (fetched_url is None or hostname(declared_url) == hostname(fetched_url)):
        return declared_url
    return fetched_url


def hostname(url: str | None) -> str | None:
    """The site a URL belongs to: its host without "www."."""
    if not url:
        return None
    return (urlsplit(url).hostname or "").removeprefix("www.") or None
