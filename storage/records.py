"""Plain records the archive accepts and the decisions it returns."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class ArticleRecord:
    """One cleaned document on its way into the archive.

    `url` is the canonical URL (None for a text dump); `fetched_url` is where it was
    actually seen. `content_hash` is of the normalised body, so trivial differences
    (quotes, spacing, line endings) hash alike.
    """

    text: str
    content_hash: str
    source: str | None = None
    url: str | None = None
    fetched_url: str | None = None
    path: str | None = None
    title: str | None = None
    author: str | None = None
    published: str | None = None
    published_origin: str | None = None
    language: str | None = None
    section: str | None = None
    site: str | None = None
    tags: list[str] = field(default_factory=list)
    seen_at: str | None = None


@dataclass
class RejectRecord:
    code: str
    reason: str
    url: str | None = None
    path: str | None = None
    source: str | None = None


# What happened to a record; `relation` is also the sightings.relation value.
NEW = "original"
DUPLICATE = "duplicate"
NEW_VERSION = "new_version"


@dataclass(frozen=True)
class Decision:
    article_id: int
    relation: str
    # True when the same place (url/path) had already been recorded for this article
    already_seen_here: bool = False
    similarity: float | None = None
