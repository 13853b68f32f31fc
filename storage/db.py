"""Opening an archive: WAL so readers (Datasette) never block the writer, and a busy timeout
so a reader's brief lock never surfaces as "database is locked". Writes go through
write_transaction, which queues on the archive's writer lock (storage.writer_lock)."""

from __future__ import annotations

import sqlite3
import weakref
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path

from sqlite_utils import Database

from storage import crash_points, writer_lock
from storage.schema import migrations

BUSY_TIMEOUT_MS = 30_000

# archive file and writer-lock wait of every open connection, for write_transaction
_archives: weakref.WeakKeyDictionary[Database, tuple[str, float]] = weakref.WeakKeyDictionary()


def inserted_id(cursor: sqlite3.Cursor) -> int:
    """The rowid an INSERT just gave its row (sqlite3 types lastrowid as optional; an INSERT sets it)."""
    if cursor.lastrowid is None:
        raise RuntimeError("the statement inserted no row")
    return cursor.lastrowid


def open_database(
    path: str | Path, *, migrate: bool = True, writer_wait: float = writer_lock.DEFAULT_WAIT_SECONDS
) -> Database:
    path = Path(path)
    if path.parent and not path.parent.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000)
    db = Database(connection)
    db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    if db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
        db.enable_wal()
    # NORMAL is durable across application crashes in WAL mode; only a power cut can
    # lose the last transactions, never corrupt the file.
    db.execute("PRAGMA synchronous = NORMAL")
    db.execute("PRAGMA foreign_keys = ON")
    if migrate:
        migrations.apply(db)
    _archives[db] = (str(path), writer_wait)
    return db


def open_read_only(path: str | Path) -> sqlite3.Connection:
    """A connection that cannot write, for readers beside the writer (WAL: never blocked).
    The archive is created or migrated first, so the tables a reader expects exist (a first
    crawl into a new archive, or an archive from an older release)."""
    path = Path(path)
    open_database(path).close()
    connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
    connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    return connection


@contextmanager
def write_transaction(db: Database) -> Iterator[Database]:
    """One batch, all or nothing. IMMEDIATE takes the write lock up front, so two writers
    queue on the busy timeout instead of failing half-way through a batch.

    Inside an open transaction it nests as a savepoint, so a caller can run a real batch and
    roll it back (`newsmill explain` asks the archive what it would decide that way)."""
    if db.conn.in_transaction:
        with db.atomic():
            yield db
        return
    archive = _archives.get(db)
    with writer_lock.holding(archive[0], wait=archive[1]) if archive else nullcontext():
        db.conn.execute("BEGIN IMMEDIATE")
        crash_points.reached("after_begin")
        try:
            yield db
        except BaseException:
            db.conn.execute("ROLLBACK")
            raise
        else:
            crash_points.reached("before_commit")
            db.conn.execute("COMMIT")
            crash_points.reached("after_commit")


@contextmanager
def rolled_back_transaction(db: Database) -> Iterator[Database]:
    """A write transaction that is never committed, under the writer lock like any other,
    so what it computes sees the archive exactly as a real batch would."""
    archive = _archives.get(db)
    with writer_lock.holding(archive[0], wait=archive[1]) if archive else nullcontext():
        db.conn.execute("BEGIN IMMEDIATE")
        try:
            yield db
        finally:
            db.conn.execute("ROLLBACK")
