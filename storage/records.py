"""Plain records the archive accepts and the decisions it returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from storage.dedup.minhash import BodyFingerprint


@dataclass
class ArticleRecord:
    """One cleaned document on its way into the archive.

    `url` is the identity the document claims (pipelines.identity: its believed canonical,
    else the URL it was fetched from; None for a file without one); `fetched_url` is where
    it was actually seen. `content_hash` is of the normalised body, so trivial differences
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
    modified: str | None = None
    language: str | None = None
    section: str | None = None
    site: str | None = None
    tags: list[str] = field(default_factory=list)
    seen_at: str | None = None
    # how the bytes of this copy were decoded (BOM, declaration, or detection)
    encoding: str | None = None
    # SHA-256 of the bytes as collected (storage.unchanged)
    raw_hash: str | None = None
    # Shingles and MinHash of `text` (storage.dedup.minhash.fingerprint). The dedupe stage computes
    # it before the write transaction so the write lock is held for SQL only; the archive
    # computes it itself when a caller leaves it out.
    fingerprint: BodyFingerprint | None = field(default=None, repr=False, compare=False)
    # Jaccard similarity from which a copy counts as the same story; None: the archive's default.
    near_duplicate_threshold: float | None = None
    # CRAWL (fetched from `fetched_url`) or FILE (read from `path`); None: FILE when there is a path
    collector: str | None = None
    # the canonical URL the document declared, believed or not, and why it was not
    canonical_url: str | None = None
    identity_note: str | None = None
    # a file's canonical may replace text that a crawl fetched (`ingest --trust-canonical`)
    trust_canonical: bool = False
    # where the document's short lines count as that site's chrome once it is stored as a new
    # article (storage.chrome_memory), and the keys of those lines
    chrome_scope: str | None = None
    line_keys: frozenset[str] = field(default_factory=frozenset, repr=False)

    @property
    def collected_by(self) -> str:
        return self.collector or (FILE if self.path else CRAWL)


@dataclass(frozen=True)
class KnownCopy:
    """A document whose bytes were already stored from the same place: only seen again."""

    article_id: int
    sighting_id: int


@dataclass
class RejectRecord:
    code: str
    reason: str
    url: str | None = None
    path: str | None = None
    source: str | None = None


# Who collected a document: sightings.collector
CRAWL = "crawl"
FILE = "file"

# What happened to a record; `relation` is also the sightings.relation value.
ORIGINAL = "original"
DUPLICATE = "duplicate"
NEAR_DUPLICATE = "near_duplicate"
NEW_VERSION = "new_version"


@dataclass(frozen=True)
class Decision:
    article_id: int
    relation: str
    # True when the same place (url/path) had already been recorded for this article
    already_seen_here: bool = False
    # Jaccard of word shingles with the article's text (1.0 for an exact duplicate; for a
    # new version, with the text it replaced); None for an original
    similarity: float | None = None
    sighting_id: int | None = None
    # why an identity claim was not followed (also stored as sightings.identity_note)
    note: str | None = None
