"""One writer at a time per archive: a lock file next to it, `<db>.writer.lock`.

Every write transaction takes it (storage.db.write_transaction), so the batches of an ingest,
of several crawls and of the scheduler queue up one after another, each deciding its
duplicates against everything committed before it. Runs do not exclude each other: a slow
crawl must not hold up the other sources or a manual ingest for its whole length. SQLite's
own busy handler would serialise the writes too, but it sleeps and polls (no order, and
"database is locked" after its timeout); the flock queue says who is writing.

A second file, `<db>.active.lock`, is held SHARED by every writing run from start to end:
it is how `newsmill serve --immutable` knows the archive is being written.

- fcntl.flock on the lock file: the kernel drops it when the holder dies, even by SIGKILL,
  so a crashed run never leaves a stale lock behind. The file itself is never deleted
  (deleting it would let a waiter lock an orphaned inode while a newcomer locks a new one).
- The holder writes its pid, command and start time into the file, for the waiter's message.
- Inside one process, every crawler shares the process's hold (a reference count per archive):
  `newsmill crawl a b` runs one crawler per source in one process, and two flocks on two
  descriptors of one process would deadlock each other.

Nothing here imports Scrapy. Errors:

    WriterBusy    the wait ran out; str() is the one-line message for the user
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from storage.clock import utc_now

logger = logging.getLogger(__name__)

LOCK_SUFFIX = ".writer.lock"
ACTIVE_SUFFIX = ".active.lock"
DEFAULT_WAIT_SECONDS = 600.0
# batches wait for each other for milliseconds; only a wait this long is worth a message
ANNOUNCE_AFTER_SECONDS = 2.0
POLL_SECONDS = 0.2
COMMAND_CHARS = 120

# an archive's path, as the callers hold it
DbPath = str | os.PathLike[str]


class WriterBusy(Exception):
    """Another process kept the archive's writer lock for longer than we were willing to wait."""


@dataclass
class _Hold:
    fd: int
    count: int


_holds: dict[str, _Hold] = {}
_holds_guard = threading.Lock()


def lock_path(db_path: DbPath) -> Path:
    return Path(f"{os.path.abspath(os.fspath(db_path))}{LOCK_SUFFIX}")


def _key(db_path: DbPath) -> str:
    # one archive reached by two spellings (relative, symlinked folder) is one archive
    return os.path.realpath(os.fspath(db_path))


def describe_command(argv: list[str] | None = None) -> str:
    """How a person would have typed the running command: `newsmill ingest dumps --db x.db`."""
    argv = list(sys.argv if argv is None else argv)
    program = os.path.basename(argv[0]) if argv else "python"
    if program in ("cli.py", "__main__.py"):  # python -m crawler.cli
        program = "newsmill"
    text = " ".join([program, *argv[1:]])
    return text if len(text) <= COMMAND_CHARS else text[: COMMAND_CHARS - 1] + "…"


def holder(db_path: DbPath) -> dict[str, Any]:
    """What the current holder wrote into the lock file (empty if nothing readable)."""
    try:
        info = json.loads(lock_path(db_path).read_text(encoding="utf-8") or "{}")
    except (OSError, ValueError):
        return {}
    return info if isinstance(info, dict) else {}


def describe_holder(info: dict[str, Any]) -> str:
    if not info.get("pid"):
        return "another process"
    return f"pid {info['pid']} ({info.get('command', '?')}, since {info.get('started_at', '?')})"


def is_held_elsewhere(db_path: DbPath) -> bool:
    """True while another process runs a write into the archive or holds its writer lock
    (a probe; takes nothing)."""
    key = _key(db_path)
    with _holds_guard:
        if key in _holds:
            return False
    return _probe(lock_path(db_path), fcntl.LOCK_SH) or _probe(active_path(db_path), fcntl.LOCK_EX)


def _probe(path: Path, mode: int) -> bool:
    if not path.exists():
        return False
    fd = os.open(path, os.O_RDONLY)
    try:
        fcntl.flock(fd, mode | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)  # closing drops the probe's own lock
    return False


def active_path(db_path: DbPath) -> Path:
    return Path(f"{os.path.abspath(os.fspath(db_path))}{ACTIVE_SUFFIX}")


def mark_active(db_path: DbPath) -> int:
    """Say "a run is writing this archive" until `unmark_active`; shared, so runs never wait."""
    path = active_path(db_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    fcntl.flock(fd, fcntl.LOCK_SH)
    return fd


def unmark_active(fd: int) -> None:
    fcntl.flock(fd, fcntl.LOCK_UN)
    os.close(fd)


@contextmanager
def holding(db_path: DbPath, *, wait: float = DEFAULT_WAIT_SECONDS) -> Iterator[None]:
    """The writer lock for one transaction, with a message if the wait gets long."""

    def announce(info: dict[str, Any]) -> None:
        logger.warning("waiting for %s to finish writing %s", describe_holder(info), db_path)

    acquire(db_path, wait=wait, on_wait=announce)
    try:
        yield
    finally:
        release(db_path)


def acquire(
    db_path: DbPath,
    *,
    wait: float = DEFAULT_WAIT_SECONDS,
    on_wait: Callable[[dict[str, Any]], None] | None = None,
    command: str | None = None,
) -> None:
    """Take (or share, inside this process) the writer lock of `db_path`.

    Waits up to `wait` seconds for another process to finish; `on_wait` is called once,
    with the holder's record, when waiting starts. Raises WriterBusy when the time runs out.
    """
    key = _key(db_path)
    with _holds_guard:
        hold = _holds.get(key)
        if hold is not None:
            hold.count += 1
            return
        path = lock_path(db_path)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            _lock_waiting(fd, db_path, wait, on_wait)
        except BaseException:
            os.close(fd)
            raise
        record = {"pid": os.getpid(), "command": command or describe_command(), "started_at": utc_now()}
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(record).encode("utf-8"), 0)
        _holds[key] = _Hold(fd, 1)


def _lock_waiting(fd: int, db_path: DbPath, wait: float, on_wait: Callable[[dict[str, Any]], None] | None) -> None:
    started = time.monotonic()
    deadline = started + max(wait, 0.0)
    announced = False
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            pass
        if not announced and (time.monotonic() - started >= min(ANNOUNCE_AFTER_SECONDS, wait)):
            announced = True
            if on_wait is not None:
                on_wait(holder(db_path))
        if time.monotonic() >= deadline:
            raise WriterBusy(
                f"{db_path} is being written by {describe_holder(holder(db_path))}; "
                f"gave up after {wait:g} s (NEWSMILL_WRITER_WAIT)"
            )
        time.sleep(min(POLL_SECONDS, max(deadline - time.monotonic(), 0.01)))


def release(db_path: DbPath) -> None:
    """Give back one share of this process's hold; the last one unlocks."""
    key = _key(db_path)
    with _holds_guard:
        hold = _holds.get(key)
        if hold is None:
            return
        hold.count -= 1
        if hold.count > 0:
            return
        del _holds[key]
        try:
            # an empty file says "nobody" to the next waiter reading it before the new holder writes
            os.ftruncate(hold.fd, 0)
        except OSError as exc:
            logger.debug("could not clear %s: %s", lock_path(db_path), exc)
        fcntl.flock(hold.fd, fcntl.LOCK_UN)
        os.close(hold.fd)
