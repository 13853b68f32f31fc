"""The archive's only writer: runs, batched article/sighting/reject writes, dedup decisions.

Every batch is one IMMEDIATE transaction, so a crash loses at most the batch in flight
and never leaves half an article: its sighting, FTS row, band keys and article row commit
together. Decisions are made inside the transaction, so a batch sees its own earlier rows
and two processes writing one archive never decide on a stale view.

A record is, in this order: a known canonical URL (same text: duplicate; changed text: new
version), an exact duplicate (same normalised body), a near duplicate (storage.near_duplicates),
or a new article. Whatever it is, the article takes from it what it lacked (storage.best_fields).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from pathlib import Path

from sqlite_utils import Database

from storage import best_fields, minhash
from storage.clock import utc_now
from storage.db import open_database, write_transaction
from storage.minhash import BodyFingerprint
from storage.near_duplicates import DEFAULT_THRESHOLD, NearDuplicateIndex
from storage.records import (
    DUPLICATE,
    NEAR_DUPLICATE,
    NEW,
    NEW_VERSION,
    ArticleRecord,
    Decision,
    KnownCopy,
    RejectRecord,
)

logger = logging.getLogger(__name__)


class Archive:
    def __init__(self, db: Database, near_duplicate_threshold: float = DEFAULT_THRESHOLD):
        self.db = db
        self.near_duplicate_threshold = near_duplicate_threshold
        self.near_duplicates = NearDuplicateIndex(db)

    @classmethod
    def open(cls, path: str | Path, near_duplicate_threshold: float = DEFAULT_THRESHOLD, **options) -> "Archive":
        """`options` go to open_database (e.g. writer_wait)."""
        return cls(open_database(path, **options), near_duplicate_threshold)

    def close(self) -> None:
        self.db.close()

    # -- runs -------------------------------------------------------------------------

    def start_run(self, kind: str, args: dict | None = None) -> int:
        with write_transaction(self.db):
            cursor = self.db.execute(
                "INSERT INTO runs (kind, started_at, status, args) VALUES (?, ?, 'running', ?)",
                [kind, utc_now(), json.dumps(args or {}, sort_keys=True, default=str)],
            )
        return cursor.lastrowid

    def finish_run(self, run_id: int, status: str, stats: dict) -> None:
        with write_transaction(self.db):
            self.db.execute(
                "UPDATE runs SET finished_at = ?, status = ?, stats = ? WHERE id = ?",
                [utc_now(), status, json.dumps(stats, sort_keys=True, default=str), run_id],
            )

    # -- articles ---------------------------------------------------------------------

    def store_batch(
        self,
        records: Iterable[ArticleRecord],
        rejects: Iterable[RejectRecord] = (),
        run_id: int | None = None,
        known_copies: Iterable[KnownCopy] = (),
    ) -> list[Decision]:
        """Write a batch in one transaction and return one decision per record, in order.
        `known_copies` were seen again byte for byte: their sighting and article only move
        their last-seen time."""
        now = utc_now()
        decisions = []
        # CPU work before taking the write lock: other writers wait for SQL only.
        records = [(record, record.fingerprint or minhash.fingerprint(record.text)) for record in records]
        with write_transaction(self.db):
            self.near_duplicates.check_layout()
            for record, fingerprint in records:
                decision = self._decide_and_write(record, fingerprint, run_id, record.seen_at or now)
                decisions.append(decision)
            self.near_duplicates.compact()
            for copy in known_copies:
                self.db.execute(
                    "UPDATE sightings SET last_seen_at = ?, run_id = ? WHERE id = ?", [now, run_id, copy.sighting_id]
                )
                self.db.execute("UPDATE articles SET last_seen = ? WHERE id = ?", [now, copy.article_id])
            for reject in rejects:
                self.db.execute(
                    "INSERT INTO rejects (run_id, url, path, source, code, reason, at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [run_id, reject.url, reject.path, reject.source, reject.code, reject.reason, now],
                )
        return decisions

    def _decide_and_write(
        self, record: ArticleRecord, fingerprint: BodyFingerprint, run_id: int | None, now: str
    ) -> Decision:
        if record.url:
            row = self.db.execute(
                "SELECT id, content_hash FROM articles WHERE url = ?", [record.url]
            ).fetchone()
            if row:
                article_id, known_hash = row
                here = self._sighting_here(article_id, record)
                # the text this place showed last time counts as unchanged too
                if record.content_hash in (known_hash, here and here[1]):
                    return self._sight(article_id, DUPLICATE, record, run_id, now, here, similarity=1.0)
                similarity = self.near_duplicates.similarity_to(fingerprint, article_id)
                self._replace_text(article_id, record, run_id, now)
                self.near_duplicates.add(article_id, fingerprint)
                return self._sight(article_id, NEW_VERSION, record, run_id, now, here, similarity=similarity)
        row = self.db.execute(
            "SELECT id FROM articles WHERE content_hash = ? ORDER BY id LIMIT 1",
            [record.content_hash],
        ).fetchone()
        if row:
            here = self._sighting_here(row[0], record)
            return self._sight(row[0], DUPLICATE, record, run_id, now, here, similarity=1.0)
        threshold = record.near_duplicate_threshold or self.near_duplicate_threshold
        match = self.near_duplicates.find(fingerprint, threshold)
        if match:
            here = self._sighting_here(match.article_id, record)
            similarity = round(match.similarity, 4)
            decision = self._sight(match.article_id, NEAR_DUPLICATE, record, run_id, now, here, similarity=similarity)
            if not decision.already_seen_here:
                self.near_duplicates.add_copy(match.article_id, decision.sighting_id, fingerprint)
            return decision
        article_id = self._insert_article(record, now)
        self.near_duplicates.add(article_id, fingerprint)
        # a new article has no sightings yet
        return self._sight(article_id, NEW, record, run_id, now, None)

    def _insert_article(self, record: ArticleRecord, now: str) -> int:
        cursor = self.db.execute(
            """
            INSERT INTO articles (url, title, text, author, published, published_origin,
                language, section, site, tags, source, content_hash, word_count,
                first_seen, last_seen)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                record.url,
                record.title,
                record.text,
                record.author,
                record.published,
                record.published_origin,
                record.language,
                record.section,
                record.site,
                json.dumps(record.tags, ensure_ascii=False) if record.tags else None,
                record.source,
                record.content_hash,
                len(record.text.split()),
                now,
                now,
            ],
        )
        return cursor.lastrowid

    def _replace_text(self, article_id: int, record: ArticleRecord, run_id: int | None, now: str) -> None:
        """The page at a known URL changed: keep the old text as a version, show the new one."""
        self.db.execute(
            """
            INSERT INTO versions (article_id, title, text, content_hash, first_seen, replaced_at, run_id)
            SELECT id, title, text, content_hash, last_seen, ?, ? FROM articles WHERE id = ?
            """,
            [now, run_id, article_id],
        )
        self.db.execute(
            "UPDATE articles SET title = coalesce(?, title), text = ?, content_hash = ?, "
            "word_count = ? WHERE id = ?",
            [record.title, record.text, record.content_hash, len(record.text.split()), article_id],
        )

    def _sighting_here(self, article_id: int, record: ArticleRecord) -> tuple[int, str | None] | None:
        """(id, content_hash) of the article's sighting at this record's place, if it has one."""
        return self.db.execute(
            "SELECT id, content_hash FROM sightings WHERE article_id = ? AND ifnull(url, '') = ifnull(?, '') "
            "AND ifnull(path, '') = ifnull(?, '')",
            [article_id, record.fetched_url or record.url, record.path],
        ).fetchone()

    def _sight(
        self,
        article_id: int,
        relation: str,
        record: ArticleRecord,
        run_id: int | None,
        now: str,
        here: tuple[int, str | None] | None,
        similarity: float | None = None,
    ) -> Decision:
        """Record the record's place as a sighting of the article; `here` is _sighting_here's answer."""
        place_url = record.fetched_url or record.url
        if relation != NEW:  # a new article's last_seen is already now
            self.db.execute("UPDATE articles SET last_seen = ? WHERE id = ?", [now, article_id])
        if here:
            sighting_id = here[0]
            self.db.execute(
                "UPDATE sightings SET last_seen_at = ?, run_id = ?, content_hash = ?, "
                "raw_hash = coalesce(?, raw_hash) WHERE id = ?",
                [now, run_id, record.content_hash, record.raw_hash, sighting_id],
            )
            best_fields.merge_from_copy(self.db, article_id, record, sighting_id)
            # A re-ingested place is not news, whatever the text-level relation was.
            relation = relation if relation == NEW_VERSION else DUPLICATE
            return Decision(article_id, relation, already_seen_here=True, similarity=similarity, sighting_id=sighting_id)
        cursor = self.db.execute(
            "INSERT INTO sightings (article_id, url, path, source, relation, similarity, seen_at, last_seen_at, "
            "run_id, content_hash, encoding, raw_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [article_id, place_url, record.path, record.source, relation, similarity, now, now, run_id,
             record.content_hash, record.encoding, record.raw_hash],
        )
        sighting_id = cursor.lastrowid
        if relation == NEW:
            best_fields.record_origin(self.db, article_id, record, sighting_id)
        else:
            best_fields.merge_from_copy(self.db, article_id, record, sighting_id)
        return Decision(article_id, relation, similarity=similarity, sighting_id=sighting_id)
