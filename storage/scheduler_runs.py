"""What the scheduler reads from and adds to the `runs` table.

A scheduled crawl normally writes its own run row (pipelines/store.py). The scheduler only
steps in when the crawl process could not: it never started, crashed, or was killed. It then
finishes the row the crawl left `running`, or adds one, so every scheduled run is on record.

A crawl's row names its source in `args` (`source_name` from the news spider; `source` in rows
the scheduler writes itself).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from storage.archive import Archive

CRAWL_KIND = "crawl"
RUNNING = "running"

# The news spider records `source_name`; rows written here
# carry `source` as the plain name. Either identifies the run's source.
_SOURCE_OF_RUN = "coalesce(json_extract(args, '$.source_name'), json_extract(args, '$.source'))"


@dataclass(frozen=True)
class RunRow:
    id: int
    started_at: str
    finished_at: str | None
    status: str
    stats: dict[str, Any]


def last_run(db: Database, source: str) -> RunRow | None:
    """The latest crawl of `source`, finished or not."""
    rows = _crawl_rows(db, source, "ORDER BY id DESC LIMIT 1")
    return rows[0] if rows else None


def last_run_id(db: Database) -> int:
    """A watermark: crawl rows with a larger id were started after this call."""
    watermark: int = db.execute("SELECT coalesce(max(id), 0) FROM runs").fetchone()[0]
    return watermark


def runs_after(db: Database, source: str, after_id: int) -> list[RunRow]:
    return _crawl_rows(db, source, "AND id > ? ORDER BY id", [after_id])


def _crawl_rows(db: Database, source: str, tail: str, params: list[object] | None = None) -> list[RunRow]:
    rows = db.execute(
        f"SELECT id, started_at, finished_at, status, stats FROM runs WHERE kind = ? AND {_SOURCE_OF_RUN} = ? {tail}",
        [CRAWL_KIND, source, *(params or [])],
    ).fetchall()
    return [
        RunRow(id, started, finished, status, json.loads(stats) if stats else {})
        for id, started, finished, status, stats in rows
    ]


def record_outcome(archive: Archive, source: str, after_id: int, status: str, details: dict[str, Any]) -> list[int]:
    """Make sure the crawl of `source` started after `after_id` is on record with `status`.

    Rows the crawl left `running` are finished with `status`, their own stats kept and
    `details` added under `newsmill/scheduler`; with no row at all, one is added. Rows the
    crawl finished itself are left as they are. Returns the ids written.
    """
    rows = runs_after(archive.db, source, after_id)
    written = []
    for row in rows:
        if row.status == RUNNING:
            archive.finish_run(row.id, status, {**row.stats, "newsmill/scheduler": details})
            written.append(row.id)
    if not rows:
        run_id = archive.start_run(CRAWL_KIND, {"spider": "news", "source": source, "scheduled": True})
        archive.finish_run(run_id, status, {"newsmill/scheduler": details})
        written.append(run_id)
    return written


def annotate(archive: Archive, run_id: int, status: str, details: dict[str, Any]) -> None:
    """Replace a finished row's status (e.g. 'shutdown' -> 'stopped: time limit'), keeping its stats."""
    row = archive.db.execute("SELECT stats FROM runs WHERE id = ?", [run_id]).fetchone()
    stats = json.loads(row[0]) if row and row[0] else {}
    archive.finish_run(run_id, status, {**stats, "newsmill/scheduler": details})
