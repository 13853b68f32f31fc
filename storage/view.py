"""The road's read-only view of the archive, opened once per run (pipelines.core reads it
through `Knowledge`): has this place given us exactly these bytes before, and which lines
has the archive learned as a site's chrome?

SQLite's read-only mode, so nothing on the road can write through it; WAL lets it read while
the store pipeline writes. Learned chrome is read once per scope and run: what a run learns
counts from the next run on, as every document of one run is judged by the same lessons.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from storage.chrome_memory import learned_chrome
from storage.db import open_read_only
from storage.records import KnownCopy
from storage.unchanged import known_copy


class ArchiveView:
    def __init__(self, connection: sqlite3.Connection | None):
        self.connection = connection
        self._chrome: dict[str, frozenset[str]] = {}

    @classmethod
    def open(cls, path: str | Path | None) -> ArchiveView:
        """A view of the archive at `path`; with no path, a view of an empty archive."""
        if not path:
            return cls(None)
        return cls(open_read_only(path))

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None

    def known_copy(self, digest: str, path: str | None, url: str | None) -> KnownCopy | None:
        if self.connection is None:
            return None
        return known_copy(self.connection, digest, path, url)

    def learned_chrome(self, scope: str) -> frozenset[str]:
        if self.connection is None:
            return frozenset()
        if scope not in self._chrome:
            self._chrome[scope] = learned_chrome(self.connection, scope)
        return self._chrome[scope]
