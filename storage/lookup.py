"""Read-only questions a crawler asks the archive before fetching: "is this URL stored, and since when?"

One connection for a whole crawl (opened when the spider opens, closed when it closes), in
SQLite's read-only mode so a crawler can never write through it; WAL lets it read while the
store pipeline writes. URLs are compared as given: callers pass the canonical form
(pipelines.identity.canonical_url) and, where it differs, the fetched form.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from pathlib import Path

from storage.db import open_read_only

_LAST_SEEN = """
SELECT max(seen) FROM (
    SELECT last_seen AS seen FROM articles WHERE url = :url
    UNION ALL
    SELECT last_seen_at AS seen FROM sightings WHERE url = :url
)
"""


class ArchiveLookup:
    def __init__(self, connection: sqlite3.Connection):
        self.connection = connection

    @classmethod
    def open(cls, path: str | Path) -> ArchiveLookup:
        return cls(open_read_only(path))

    def close(self) -> None:
        self.connection.close()

    def __enter__(self) -> ArchiveLookup:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def last_seen(self, urls: Iterable[str | None]) -> str | None:
        """Latest ISO-8601 time any of these URLs was stored or sighted, or None if never."""
        latest = None
        for url in dict.fromkeys(u for u in urls if u):
            row = self.connection.execute(_LAST_SEEN, {"url": url}).fetchone()
            if row and row[0] and (latest is None or row[0] > latest):
                latest = row[0]
        return latest

    def is_stored(self, urls: Iterable[str | None]) -> bool:
        return self.last_seen(urls) is not None
