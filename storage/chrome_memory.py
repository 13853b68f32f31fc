"""What the archive has learned about each site's chrome: short lines counted per document.

A line found in most of one site's documents is that site's template, not news. Counting
them in SQLite makes the lesson outlive the run: the next run starts knowing the template.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from sqlite_utils import Database

from storage.clock import utc_now

MIN_DOCUMENTS = 3
MIN_SHARE = 0.5


def learned_chrome(
    db: Database | sqlite3.Connection, scope: str, min_documents: int = MIN_DOCUMENTS, min_share: float = MIN_SHARE
) -> frozenset[str]:
    row = db.execute("SELECT documents FROM chrome_sources WHERE source = ?", [scope]).fetchone()
    if not row:
        return frozenset()
    floor = max(min_documents, min_share * row[0])
    keys = db.execute(
        "SELECT line_key FROM chrome_lines WHERE source = ? AND documents >= ?", [scope, floor]
    ).fetchall()
    return frozenset(key for (key,) in keys)


def remember_documents(db: Database, scope: str, documents: Iterable[Iterable[str]]) -> None:
    """Count each document's line keys once. The caller holds the write transaction."""
    now = utc_now()
    counted = 0
    for keys in documents:
        counted += 1
        db.conn.executemany(
            "INSERT INTO chrome_lines (source, line_key, documents, first_seen) VALUES (?, ?, 1, ?) "
            "ON CONFLICT (source, line_key) DO UPDATE SET documents = documents + 1",
            [(scope, key, now) for key in keys],
        )
    if counted:
        db.execute(
            "INSERT INTO chrome_sources (source, documents) VALUES (?, ?) "
            "ON CONFLICT (source) DO UPDATE SET documents = documents + excluded.documents",
            [scope, counted],
        )
