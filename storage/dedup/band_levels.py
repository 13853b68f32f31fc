"""LSH band keys on disk, in levels, so that adding an article stays cheap however large the archive.

Band keys are random. Inserting them one by one into a single B-tree of tens of millions of
rows dirties one leaf page per key: twenty pages per article, written to the WAL and again at
checkpoint. So new keys go to a small table that stays in the page cache; when it fills up it
is merged, in key order, into the next level, ten times larger; while a level is over its
size, slices of it move on, in key order, to the next. A merge touches each leaf once for many
keys, so the pages written per article stay a few, whatever the archive size (a log-structured
merge, in four SQLite tables).

A lookup asks every level: one statement, one index search per level.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Sequence

from sqlite_utils import Database

logger = logging.getLogger(__name__)

# Smallest first, each ten times the one before; a level's rows move down while it holds more
# than its limit. 40k rows: ~2,000 articles, a few hundred pages, always cached.
LEVELS: tuple[tuple[str, int | None], ...] = (
    ("article_bands_recent", 40_000),
    ("article_bands_middle", 400_000),
    ("article_bands_large", 4_000_000),
    ("article_bands", None),
)


# Rows moved down per batch while a level is over its limit: five times what a batch of 200
# articles adds, so the level drains, in steps of a few ms each.
SLICE_ROWS = 20_000

# A band key shared by thousands of articles (bodies that are mostly one template) must not
# turn every lookup into a scan; true matches share many bands, so they are not lost.
MAX_ROWS_PER_LOOKUP = 5_000


class BandLevels:
    def __init__(self, db: Database):
        self.db = db
        self._lookup_sql: dict[int, str] = {}

    def insert(self, pairs: Sequence[tuple[int, int]]) -> None:
        """(band_key, article_id) pairs into the smallest level."""
        table = LEVELS[0][0]
        self.db.conn.executemany(f"INSERT OR IGNORE INTO {table} (band_key, article_id) VALUES (?, ?)", pairs)
        self.db.execute("UPDATE band_level_rows SET rows = rows + ? WHERE level = 0", [len(pairs)])

    def article_ids(self, keys: Sequence[int]) -> Iterator[int]:
        """Every article id stored under any of `keys`, once per matching band."""
        sql = self._lookup_sql.get(len(keys))
        if sql is None:
            marks = ",".join("?" * len(keys))
            sql = (
                " UNION ALL ".join(
                    f"SELECT article_id FROM {table} WHERE band_key IN ({marks})" for table, _limit in LEVELS
                )
                + f" LIMIT {MAX_ROWS_PER_LOOKUP}"
            )
            self._lookup_sql[len(keys)] = sql
        for (article_id,) in self.db.execute(sql, list(keys) * len(LEVELS)):
            yield article_id

    def compact(self) -> None:
        """Move rows of every full level down. Runs inside the caller's write transaction."""
        rows = dict(self.db.execute("SELECT level, rows FROM band_level_rows").fetchall())
        for level, (_table, limit) in enumerate(LEVELS[:-1]):
            if limit is None or rows.get(level, 0) <= limit:
                continue
            moved = self._move_slice(level) if level else self._move_all(level)
            rows[level] = rows.get(level, 0) - moved
            rows[level + 1] = rows.get(level + 1, 0) + moved

    def _move_all(self, level: int) -> int:
        """A small level goes down whole. Reading a WITHOUT ROWID table in primary-key order
        hands the keys over sorted: the target's leaves are visited once each, left to right."""
        table, target = LEVELS[level][0], LEVELS[level + 1][0]
        self.db.execute(
            f"INSERT OR IGNORE INTO {target} (band_key, article_id) "
            f"SELECT band_key, article_id FROM {table} ORDER BY band_key, article_id"
        )
        moved = self.db.execute(f"DELETE FROM {table}").rowcount
        self._count_move(level, moved)
        return moved

    def _move_slice(self, level: int) -> int:
        """One slice of keys per batch, continuing where the last one ended: the same sorted
        merge, spread over many batches, so no batch holds the write lock for the seconds a
        whole-level merge takes at millions of articles."""
        table, target = LEVELS[level][0], LEVELS[level + 1][0]
        cursor = self.db.execute("SELECT merge_cursor FROM band_level_rows WHERE level = ?", [level]).fetchone()[0]
        after = "band_key > ?" if cursor is not None else "1"
        start = [cursor] if cursor is not None else []
        end = self.db.execute(
            f"SELECT band_key FROM {table} WHERE {after} ORDER BY band_key LIMIT 1 OFFSET ?",
            [*start, SLICE_ROWS - 1],
        ).fetchone()
        within = f"{after} AND band_key <= ?" if end else after
        bounds = [*start, end[0]] if end else start
        self.db.execute(
            f"INSERT OR IGNORE INTO {target} (band_key, article_id) "
            f"SELECT band_key, article_id FROM {table} WHERE {within} ORDER BY band_key, article_id",
            bounds,
        )
        moved = self.db.execute(f"DELETE FROM {table} WHERE {within}", bounds).rowcount
        # past the last key: the next slice starts again at the beginning of the key space
        self.db.execute("UPDATE band_level_rows SET merge_cursor = ? WHERE level = ?", [end[0] if end else None, level])
        self._count_move(level, moved)
        return moved

    def _count_move(self, level: int, moved: int) -> None:
        self.db.execute("UPDATE band_level_rows SET rows = rows - ? WHERE level = ?", [moved, level])
        self.db.execute("UPDATE band_level_rows SET rows = rows + ? WHERE level = ?", [moved, level + 1])
        logger.debug("band keys: moved %d rows from %s to %s", moved, LEVELS[level][0], LEVELS[level + 1][0])


def level_tables() -> Iterable[str]:
    return (table for table, _limit in LEVELS)
