"""Stage 3: give the document its identity (the URL it may claim, pipelines.identity; content
hash; MinHash fingerprint) as an ArticleRecord.

The decision itself (new, duplicate, near duplicate, new version) is taken by the archive
inside the write transaction, where it sees every row stored before, by this run or any
other, including earlier rows of the same batch. The fingerprint is computed here so that
its CPU cost is paid outside that transaction.

NEWSMILL_NEAR_DUP_THRESHOLD  Jaccard similarity of word shingles from which a copy is the
                             same story (default 0.8)
"""

from __future__ import annotations

import logging

from crawler.items import RawDocument
from pipelines.identity import claim_url
from storage.minhash import fingerprint_of_normalized
from storage.normalize import body_hash, normalize_body
from storage.near_duplicates import DEFAULT_THRESHOLD
from storage.records import CRAWL, FILE, ArticleRecord

logger = logging.getLogger(__name__)


class DedupePipeline:
    def __init__(self, near_duplicate_threshold: float = DEFAULT_THRESHOLD, trust_canonical: bool = False):
        if not 0.0 < near_duplicate_threshold <= 1.0:
            raise ValueError(f"NEWSMILL_NEAR_DUP_THRESHOLD must be in (0, 1], got {near_duplicate_threshold}")
        self.near_duplicate_threshold = near_duplicate_threshold
        self.trust_canonical = trust_canonical

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        return cls(
            settings.getfloat("NEWSMILL_NEAR_DUP_THRESHOLD", DEFAULT_THRESHOLD),
            settings.getbool("NEWSMILL_TRUST_CANONICAL"),
        )

    def process_item(self, item: RawDocument) -> RawDocument:
        if item.known:  # the archive already knows which article these bytes are
            return item
        extracted = item.extracted
        text = extracted.text
        # one normalisation for both the exact hash and the shingles (pipelines.fingerprint.content_hash)
        normalized = normalize_body(text)
        claim = claim_url(extracted.canonical_url, item.url)
        item.record = ArticleRecord(
            text=text,
            content_hash=body_hash(normalized),
            source=item.source,
            url=claim.url,
            canonical_url=claim.canonical,
            identity_note=claim.note,
            collector=FILE if item.path else CRAWL,
            trust_canonical=self.trust_canonical,
            fetched_url=item.url,
            path=item.path,
            title=extracted.title,
            author=extracted.author,
            published=extracted.published,
            published_origin=extracted.published_origin,
            modified=getattr(extracted, "modified", None),
            language=extracted.language,
            section=extracted.section,
            site=extracted.site,
            tags=extracted.tags,
            encoding=item.encoding,
            raw_hash=item.raw_hash,
            fingerprint=fingerprint_of_normalized(normalized),
            near_duplicate_threshold=self.near_duplicate_threshold,
        )
        return item
