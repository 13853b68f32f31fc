"""The archive's only writer: runs, batched article/sighting/reject writes.

Every batch is one IMMEDIATE transaction, so a crash loses at most the batch in flight
and never leaves half an article: its sighting, FTS row, band keys, article row and the
chrome lines it taught commit together. Decisions are made inside the transaction, so a
batch sees its own earlier rows and two processes writing one archive never decide on a
stale view. What each record is (duplicate, near duplicate, new version, new article) and
the identity rules behind it: storage/dedup/decide.py.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from storage import writer_lock
from storage.chrome_memory import remember_documents
from storage.clock import utc_now
from storage.db import inserted_id, open_database, rolled_back_transaction, write_transaction
from storage.dedup import minhash
from storage.dedup.decide import Decider
from storage.dedup.minhash import BodyFingerprint
from storage.dedup.near_duplicates import DEFAULT_THRESHOLD, NearDuplicateIndex
from storage.records import (
    ORIGINAL,
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
        self.decider = Decider(db, self.near_duplicates, near_duplicate_threshold)

    @classmethod
    def open(
        cls,
        path: str | Path,
        near_duplicate_threshold: float = DEFAULT_THRESHOLD,
        *,
        migrate: bool = True,
        writer_wait: float = writer_lock.DEFAULT_WAIT_SECONDS,
    ) -> Archive:
        """`migrate` and `writer_wait` go to open_database."""
        return cls(open_database(path, migrate=migrate, writer_wait=writer_wait), near_duplicate_threshold)

    def close(self) -> None:
        self.db.close()

    # -- runs -------------------------------------------------------------------------

    def start_run(self, kind: str, args: dict[str, Any] | None = None) -> int:
        with write_transaction(self.db):
            cursor = self.db.execute(
                "INSERT INTO runs (kind, started_at, status, args) VALUES (?, ?, 'running', ?)",
                [kind, utc_now(), json.dumps(args or {}, sort_keys=True, default=str)],
            )
        return inserted_id(cursor)

    def finish_run(self, run_id: int, status: str, stats: dict[str, Any]) -> None:
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
        fingerprinted = [(record, record.fingerprint or minhash.fingerprint(record.text)) for record in records]
        with write_transaction(self.db):
            self.near_duplicates.check_layout()
            for record, fingerprint in fingerprinted:
                decision = self.decider.decide_and_write(record, fingerprint, run_id, record.seen_at or now)
                decisions.append(decision)
            self.near_duplicates.compact()
            self._learn_chrome(fingerprinted, decisions)
            for copy in known_copies:
                self.db.execute(
                    "UPDATE sightings SET last_seen_at = ?, run_id = ? WHERE id = ?", [now, run_id, copy.sighting_id]
                )
                self.db.execute("UPDATE articles SET last_seen = ? WHERE id = ?", [now, copy.article_id])
            for reject in rejects:
                self.db.execute(
                    "INSERT INTO rejects (run_id, url, path, source, code, reason, at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [run_id, reject.url, reject.path, reject.source, reject.code, reject.reason, now],
                )
        return decisions

    def preview(self, records: Iterable[ArticleRecord]) -> list[Decision]:
        """What store_batch would decide, in a write transaction under the writer lock that is
        rolled back: `newsmill explain` asks this way and leaves no trace."""
        with rolled_back_transaction(self.db):
            return self.store_batch(records)

    def _learn_chrome(self, records: list[tuple[ArticleRecord, BodyFingerprint]], decisions: list[Decision]) -> None:
        """Count the short lines of newly stored stories, in the batch's own transaction: a
        story seen again must not count twice, or re-ingesting a folder would turn its body
        lines into "chrome"."""
        by_scope: dict[str, list[frozenset[str]]] = {}
        for (record, _fingerprint), decision in zip(records, decisions):
            if decision.relation == ORIGINAL and not decision.already_seen_here and record.chrome_scope:
                by_scope.setdefault(record.chrome_scope, []).append(record.line_keys)
        for scope, documents_keys in by_scope.items():
            remember_documents(self.db, scope, documents_keys)
