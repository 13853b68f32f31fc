"""One scheduled crawl: `newsmill crawl NAME` in a child process, with a time limit, on record.

Twisted's reactor starts once per process, so every run is a fresh `python -m crawler.cli
crawl` child. The child writes its own `runs` row; when it cannot (it never started, crashed,
was killed) the outcome is written here (storage.scheduler_runs), so every run is on record.

Stopping a child (time limit, daemon shutdown) is SIGTERM first: Scrapy then closes the spider
and the store pipeline commits its last batch and finishes the run row. A child still alive
after the grace period is SIGKILLed with its whole process group (extraction workers included);
SQLite's journal keeps the archive consistent, the batch in flight is simply not there.

APScheduler persists a job as a function reference plus arguments, so the job function is
module-level and the registry of live children, shared with the daemon's shutdown, is too.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from typing import IO, Any

from storage.archive import Archive
from storage.db import open_database
from storage.scheduler_runs import annotate, last_run_id, record_outcome, runs_after

logger = logging.getLogger(__name__)

DEFAULT_MAX_RUN_SECONDS = 3600
DEFAULT_STOP_GRACE_SECONDS = 30
STDERR_TAIL_CHARS = 4000
POLL_SECONDS = 0.2

TIME_LIMIT = "time limit"
SHUTDOWN = "shutdown"


@dataclass(frozen=True)
class CrawlOutcome:
    source: str
    status: str  # the run row's status as it stands after the run
    exit_code: int | None
    run_ids: tuple[int, ...] = ()
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.status == "finished"


class Child:
    """A running crawl process; `stop` may come from its own job thread or the daemon's."""

    def __init__(self, source: str, process: subprocess.Popen[bytes], stop_grace: float):
        self.source = source
        self.process = process
        self.stop_grace = stop_grace
        self.stop_reason: str | None = None
        self.kill_at: float | None = None
        self.killed = False
        self._lock = threading.Lock()

    def stop(self, reason: str) -> None:
        """SIGTERM once; the job thread escalates to SIGKILL when the grace period is over."""
        with self._lock:
            if self.stop_reason is not None or self.process.poll() is not None:
                return
            self.stop_reason = reason
            self.kill_at = time.monotonic() + self.stop_grace
        logger.warning("stopping crawl of %s (%s): SIGTERM, SIGKILL in %ss", self.source, reason, self.stop_grace)
        _signal(self.process.pid, signal.SIGTERM)

    def kill(self) -> None:
        logger.warning("crawl of %s did not stop within %ss: SIGKILL", self.source, self.stop_grace)
        self.killed = True
        _signal_group(self.process.pid, signal.SIGKILL)


class ChildRegistry:
    """Live children and running jobs, so a shutdown can stop the ones and wait for the others."""

    def __init__(self) -> None:
        self.stopping = threading.Event()
        self._children: set[Child] = set()
        self._jobs = 0
        self._changed = threading.Condition()

    def reset(self) -> None:
        """A new daemon in this process (tests run several) starts accepting runs again."""
        self.stopping.clear()

    def enter(self) -> bool:
        with self._changed:
            if self.stopping.is_set():
                return False
            self._jobs += 1
            return True

    def leave(self) -> None:
        with self._changed:
            self._jobs -= 1
            self._changed.notify_all()

    def add(self, child: Child) -> None:
        with self._changed:
            self._children.add(child)
        if self.stopping.is_set():  # shutdown began while this child was starting
            child.stop(SHUTDOWN)

    def discard(self, child: Child) -> None:
        with self._changed:
            self._children.discard(child)

    def stop_all(self) -> None:
        self.stopping.set()
        with self._changed:
            children = list(self._children)
        for child in children:
            child.stop(SHUTDOWN)

    def wait_idle(self, timeout: float | None = None) -> bool:
        with self._changed:
            return self._changed.wait_for(lambda: self._jobs == 0, timeout)

    @property
    def running(self) -> int:
        with self._changed:
            return self._jobs


CHILDREN = ChildRegistry()


def crawl_command(source: str, sources_path: str, db_path: str, settings: dict[str, Any] | None = None) -> list[str]:
    overrides = [arg for name, value in (settings or {}).items() for arg in ("-s", f"{name}={value}")]
    return [
        sys.executable,
        "-m",
        "crawler.cli",
        "crawl",
        source,
        "--sources",
        sources_path,
        "--db",
        db_path,
        *overrides,
    ]


def run_scheduled_crawl(
    source: str,
    sources_path: str,
    db_path: str,
    max_run_time: float = DEFAULT_MAX_RUN_SECONDS,
    stop_grace: float = DEFAULT_STOP_GRACE_SECONDS,
    settings: dict[str, Any] | None = None,
) -> CrawlOutcome | None:
    """The scheduler's job: one crawl of `source`, blocking this thread until it is over.
    None when the daemon is shutting down and the run was not started."""
    if not CHILDREN.enter():
        logger.info("not starting %s: shutting down", source)
        return None
    try:
        return _run(source, sources_path, db_path, max_run_time, stop_grace, settings or {})
    finally:
        CHILDREN.leave()


def _run(
    source: str,
    sources_path: str,
    db_path: str,
    max_run_time: float,
    stop_grace: float,
    settings: dict[str, Any],
) -> CrawlOutcome:
    db = open_database(db_path)
    try:
        watermark = last_run_id(db)
    finally:
        db.close()
    command = crawl_command(source, sources_path, db_path, settings)
    started = time.monotonic()
    logger.info("crawl of %s starting", source)
    with tempfile.TemporaryFile(mode="w+b", prefix="newsmill-crawl-") as stderr:
        try:
            # Own session: a terminal's Ctrl-C reaches the daemon only, which stops children
            # with a grace period; and SIGKILL can take the child's worker processes with it.
            process = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=stderr,
                start_new_session=True,
            )
        except OSError as exc:
            details: dict[str, Any] = {"error": f"could not start: {exc}", "command": command}
            return _record(source, db_path, watermark, "failed: could not start", None, details)
        child = Child(source, process, stop_grace)
        CHILDREN.add(child)
        try:
            exit_code = _wait(child, started + max_run_time)
        finally:
            CHILDREN.discard(child)
            # leftovers of the child's group (extraction workers) must not outlive it
            _signal_group(process.pid, signal.SIGKILL)
        details = {
            "exit_code": exit_code,
            "elapsed_seconds": round(time.monotonic() - started, 3),
            "stderr_tail": _tail(stderr),
        }
    if child.stop_reason:
        details.update(stopped=child.stop_reason, killed=child.killed)
    status = _status(child, exit_code)
    outcome = _record(source, db_path, watermark, status, exit_code, details, child.stop_reason == TIME_LIMIT)
    log = logger.info if outcome.ok else logger.warning
    log("crawl of %s: %s (exit %s, %.1fs)", source, outcome.status, exit_code, details["elapsed_seconds"])
    return outcome


def _wait(child: Child, deadline: float) -> int:
    while True:
        try:
            return child.process.wait(timeout=POLL_SECONDS)
        except subprocess.TimeoutExpired:
            pass
        now = time.monotonic()
        if child.stop_reason is None and now >= deadline:
            child.stop(TIME_LIMIT)
        if child.kill_at is not None and now >= child.kill_at and not child.killed:
            child.kill()


def _status(child: Child, exit_code: int) -> str:
    if child.stop_reason:
        return f"{'killed' if child.killed else 'stopped'}: {child.stop_reason}"
    if exit_code < 0:
        return f"failed: signal {-exit_code}"
    return "failed" if exit_code else "finished"


def _record(
    source: str,
    db_path: str,
    watermark: int,
    status: str,
    exit_code: int | None,
    details: dict[str, Any],
    relabel: bool = False,
) -> CrawlOutcome:
    """Write what the child could not; after a time limit, label the child's own row too."""
    if status == "finished":
        status = "failed: no run row"  # only used if a clean exit somehow left nothing on record
    archive = Archive(open_database(db_path))
    try:
        written = record_outcome(archive, source, watermark, status, details)
        rows = runs_after(archive.db, source, watermark)
        if relabel:
            for row in rows:
                if row.id not in written:
                    annotate(archive, row.id, status, details)
            rows = runs_after(archive.db, source, watermark)
    finally:
        archive.close()
    final = rows[-1].status if rows else status
    return CrawlOutcome(source, final, exit_code, tuple(row.id for row in rows), details)


def _tail(stream: IO[bytes]) -> str:
    stream.seek(0, os.SEEK_END)
    size = stream.tell()
    stream.seek(max(0, size - STDERR_TAIL_CHARS * 4))
    return stream.read().decode("utf-8", "replace")[-STDERR_TAIL_CHARS:]


def _signal(pid: int, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signum)


def _signal_group(pid: int, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signum)
