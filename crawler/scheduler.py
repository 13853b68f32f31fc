"""`newsmill schedule`: an APScheduler daemon that crawls every source of the sources file on its plan.

One job per source, its id the source name: `every` -> IntervalTrigger, cron `schedule` ->
CronTrigger (crawler.scheduler_plan). Each run is a `newsmill crawl NAME` child process with a
time limit (crawler.scheduler_crawl). Jobs never overlap (max_instances=1: a firing while the
previous crawl still runs is skipped), and runs missed while the daemon was down are coalesced
into one catch-up run, however late (a missed crawl is news the archive never sees).

The plan lives in its own SQLite file next to the archive (never the archive itself), so a
restart resumes it. At start the persisted jobs are reconciled with the sources file: a job
whose source and trigger are unchanged keeps its next run time; new or changed sources get a
fresh plan (a first run at once if the source is due, see scheduler_plan.is_due); jobs of
vanished sources are removed.
"""

from __future__ import annotations

import fcntl
import logging
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor as FuturesPool
from concurrent.futures import wait as futures_wait
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_MAX_INSTANCES, JobExecutionEvent, JobSubmissionEvent
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.job import Job
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from sqlalchemy.exc import SQLAlchemyError

from crawler.scheduler_crawl import (
    CHILDREN,
    DEFAULT_MAX_RUN_SECONDS,
    DEFAULT_STOP_GRACE_SECONDS,
    CrawlOutcome,
    run_scheduled_crawl,
)
from crawler.scheduler_plan import describe, is_due, next_due, parse_utc, trigger_for
from crawler.sources import Source
from pipelines.private_apis import NoPassAfterShutdown
from storage.db import open_database
from storage.scheduler_runs import last_run

logger = logging.getLogger(__name__)

JOB_FUNC = "crawler.scheduler_crawl:run_scheduled_crawl"
JOB_STORE_SUFFIX = ".schedule.db"
PLAN_LOCK_SUFFIX = ".lock"
# None: a run missed while the daemon was down still happens (once, coalesced), however late.
MISFIRE_GRACE_SECONDS = None
# Beyond the stop grace, time for a job thread to record the outcome of a killed child.
RECORD_MARGIN_SECONDS = 15
STOP_POLL_SECONDS = 0.5

ADDED, KEPT, CHANGED, REMOVED = "added", "kept", "changed", "removed"


class ScheduleError(Exception):
    """A schedule that cannot run as asked (e.g. job store and archive are the same file)."""


@dataclass(frozen=True)
class ScheduleConfig:
    sources_path: str
    db_path: str
    job_store: str
    max_run_time: float = DEFAULT_MAX_RUN_SECONDS
    stop_grace: float = DEFAULT_STOP_GRACE_SECONDS
    settings: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def build(
        cls,
        sources_path: str | Path,
        db_path: str | Path,
        job_store: str | Path | None = None,
        *,
        max_run_time: float | None = None,
        stop_grace: float | None = None,
        settings: dict[str, Any] | None = None,
    ) -> ScheduleConfig:
        # absolute paths: the jobs are persisted and the children may run from anywhere
        db = Path(db_path).resolve()
        store = Path(job_store).resolve() if job_store else default_job_store(db)
        if store == db:
            raise ScheduleError(f"job store {store} is the archive itself; give another --job-store")
        return cls(
            str(Path(sources_path).resolve()),
            str(db),
            str(store),
            max_run_time=DEFAULT_MAX_RUN_SECONDS if max_run_time is None else max_run_time,
            stop_grace=DEFAULT_STOP_GRACE_SECONDS if stop_grace is None else stop_grace,
            settings=dict(settings or {}),
        )

    def job_kwargs(self, source: str) -> dict[str, Any]:
        return {
            "source": source,
            "sources_path": self.sources_path,
            "db_path": self.db_path,
            "max_run_time": self.max_run_time,
            "stop_grace": self.stop_grace,
            "settings": dict(self.settings),
        }


def default_job_store(db_path: str | Path) -> Path:
    """data/newsmill.db -> data/newsmill.schedule.db"""
    db = Path(db_path)
    return db.with_name(db.stem + JOB_STORE_SUFFIX)


@dataclass(frozen=True)
class PlanEntry:
    source: str
    trigger: str
    next_run: datetime | None
    change: str


class Scheduler(NoPassAfterShutdown, BackgroundScheduler):  # type: ignore[misc]  # APScheduler 3 ships no type hints
    """BackgroundScheduler whose loop, woken by shutdown(), does not make one last pass over the
    due jobs: that pass submits them to the executor just shut down (an error per job) and
    moves their next run time on in the job store, losing the run a restart should make.
    (An override of APScheduler's private loop step: pipelines/private_apis.py.)"""


class Daemon:
    """The scheduler of one `newsmill schedule` process (or of a test)."""

    def __init__(self, config: ScheduleConfig, sources: dict[str, Source]):
        self.config = config
        self.sources = sources
        self.skipped: dict[str, int] = {}
        self._lock: TextIO | None = None
        # each job blocks a thread on its child for the whole crawl: one thread per source
        self.executor = ThreadPoolExecutor(max_workers=max(1, len(sources)))
        self.scheduler = Scheduler(
            jobstores={"default": job_store(config)},
            executors={"default": self.executor},
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": MISFIRE_GRACE_SECONDS},
            timezone=UTC,
        )
        self.scheduler.add_listener(self._on_skip, EVENT_JOB_MAX_INSTANCES)
        self.scheduler.add_listener(self._on_error, EVENT_JOB_ERROR)

    def start(self) -> list[PlanEntry]:
        CHILDREN.reset()
        with _job_store_errors(self.config):
            Path(self.config.job_store).parent.mkdir(parents=True, exist_ok=True)
            self._lock = _lock_plan(self.config)
            self.scheduler.start(paused=True)
            try:
                plan = reconcile(self.scheduler, self.scheduler.get_jobs(), self.sources, self.config)
            except BaseException:
                self.scheduler.shutdown(wait=False)
                self._unlock()
                raise
        self.scheduler.resume()
        if not self.sources:
            logger.warning("no sources in %s: nothing to schedule", self.config.sources_path)
        logger.info("plan kept in %s", self.config.job_store)
        for entry in plan:
            logger.info("%s: %s, next run %s (%s)", entry.source, entry.trigger, _when(entry.next_run), entry.change)
        return plan

    def stop(self) -> None:
        """No new runs; running crawls get SIGTERM and the grace period; their outcomes are recorded."""
        self.scheduler.shutdown(wait=False)
        running = CHILDREN.running
        if running:
            logger.warning("stopping: %d crawl(s) running, %ss to finish", running, self.config.stop_grace)
        CHILDREN.stop_all()
        if not CHILDREN.wait_idle(self.config.stop_grace + RECORD_MARGIN_SECONDS):
            logger.error("crawls still running after the grace period; exiting anyway")
            return
        # jobs queued before the shutdown see `stopping` and return at once; then the next
        # daemon of this process (tests run several) may start crawls again
        self.executor.shutdown(wait=True)
        CHILDREN.reset()
        self._unlock()

    def _unlock(self) -> None:
        if self._lock is not None:
            self._lock.close()  # closing the descriptor drops the flock
            self._lock = None

    def _on_skip(self, event: JobSubmissionEvent) -> None:
        self.skipped[event.job_id] = self.skipped.get(event.job_id, 0) + 1
        logger.info("%s: still crawling, this run is skipped", event.job_id)

    def _on_error(self, event: JobExecutionEvent) -> None:
        logger.error("%s: scheduler job failed: %r", event.job_id, event.exception)


def serve(config: ScheduleConfig, sources: dict[str, Source], stop: threading.Event) -> None:
    """Run until `stop` is set (the CLI sets it on SIGTERM/SIGINT), then stop gracefully."""
    daemon = Daemon(config, sources)
    daemon.start()
    try:
        while not stop.wait(STOP_POLL_SECONDS):
            pass
    finally:
        daemon.stop()


def reconcile(
    scheduler: BaseScheduler,
    jobs: Iterable[Job],
    sources: dict[str, Source],
    config: ScheduleConfig,
    *,
    dry_run: bool = False,
) -> list[PlanEntry]:
    now = datetime.now(UTC)
    existing = {job.id: job for job in jobs}
    last_started = last_starts(config.db_path, sources)
    plan = []
    for job_id in sorted(existing.keys() - sources.keys()):
        if not dry_run:
            scheduler.remove_job(job_id)
        plan.append(PlanEntry(job_id, str(existing[job_id].trigger), None, REMOVED))
    for name, source in sources.items():
        trigger = trigger_for(source)
        job = existing.get(name)
        if job is not None and str(job.trigger) == str(trigger):
            next_run, change = job.next_run_time, KEPT
        else:
            next_run = next_due(source, last_started.get(name), now)
            change = ADDED if job is None else CHANGED
        if not dry_run:
            # add_job with an explicit next_run_time: a kept job keeps its place in the plan,
            # while its arguments (paths, time limit, settings) follow this start's options
            scheduler.add_job(
                JOB_FUNC,
                trigger,
                id=name,
                name=f"crawl {name}",
                kwargs=config.job_kwargs(name),
                replace_existing=True,
                next_run_time=next_run,
            )
        plan.append(PlanEntry(name, describe(source), next_run, change))
    return plan


def list_plan(config: ScheduleConfig, sources: dict[str, Source]) -> list[PlanEntry]:
    """What a start would do, without changing the persisted plan."""
    with _job_store_errors(config):
        Path(config.job_store).parent.mkdir(parents=True, exist_ok=True)
        # the store alone, read with a scheduler that never starts: nothing can run or move
        scheduler = Scheduler(timezone=UTC)
        store = job_store(config)
        store.start(scheduler, "default")
        try:
            return reconcile(scheduler, store.get_all_jobs(), sources, config, dry_run=True)
        finally:
            store.shutdown()


def _lock_plan(config: ScheduleConfig) -> TextIO:
    """One daemon per plan: two would both run every job. The kernel drops the flock when the
    holder dies, so a killed daemon never blocks the next one."""
    # held open for the daemon's lifetime (no `with`): the lock lives as long as the handle
    handle = open(config.job_store + PLAN_LOCK_SUFFIX, "a+")  # noqa: SIM115  # outlives this function on purpose
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError as exc:
        handle.close()
        raise ScheduleError(f"another `newsmill schedule` is running with the plan {config.job_store}") from exc
    return handle


@contextmanager
def _job_store_errors(config: ScheduleConfig) -> Iterator[None]:
    try:
        yield
    except (SQLAlchemyError, sqlite3.Error, OSError) as exc:
        # SQLAlchemy wraps the driver's error in several lines of context; the cause is enough
        reason = str(getattr(exc, "orig", None) or exc).splitlines()[0]
        raise ScheduleError(f"cannot use job store {config.job_store}: {reason}") from exc


def job_store(config: ScheduleConfig) -> SQLAlchemyJobStore:
    return SQLAlchemyJobStore(url=f"sqlite:///{config.job_store}")


def format_plan(plan: list[PlanEntry], now: datetime | None = None) -> list[str]:
    now = now or datetime.now(UTC)
    width = max((len(entry.source) for entry in plan), default=0)
    lines = []
    for entry in plan:
        if entry.change == REMOVED:
            lines.append(
                f"{entry.source:<{width}}  {entry.trigger}  removed at next start (no longer in the sources file)"
            )
            continue
        note = " (new)" if entry.change == ADDED else " (changed)" if entry.change == CHANGED else ""
        lines.append(f"{entry.source:<{width}}  {entry.trigger:<20}  next run {_when(entry.next_run, now)}{note}")
    return lines


def run_once(
    config: ScheduleConfig, sources: dict[str, Source], stop: threading.Event | None = None
) -> list[CrawlOutcome]:
    """Crawl every due source once, side by side, and return their outcomes (for cron/systemd
    timers). Setting `stop` stops the running crawls as the daemon's shutdown does."""
    CHILDREN.reset()
    stop = stop or threading.Event()
    now = datetime.now(UTC)
    last_started = last_starts(config.db_path, sources)
    due = [name for name, source in sources.items() if is_due(source, last_started.get(name), now)]
    if not due or stop.is_set():
        return []
    with FuturesPool(max_workers=len(due), thread_name_prefix="newsmill-once") as pool:
        futures = [pool.submit(run_scheduled_crawl, **config.job_kwargs(name)) for name in due]
        while futures_wait(futures, timeout=STOP_POLL_SECONDS).not_done:
            if stop.is_set() and not CHILDREN.stopping.is_set():
                CHILDREN.stop_all()
        return [outcome for outcome in (future.result() for future in futures) if outcome is not None]


def last_starts(db_path: str, sources: Iterable[str]) -> dict[str, datetime | None]:
    db = open_database(db_path)
    try:
        rows = {name: last_run(db, name) for name in sources}
    finally:
        db.close()
    return {name: parse_utc(row.started_at) if row else None for name, row in rows.items()}


def _when(moment: datetime | None, now: datetime | None = None) -> str:
    if moment is None:
        return "never (paused)"
    now = now or datetime.now(UTC)
    seconds = (moment - now).total_seconds()
    stamp = moment.astimezone(UTC).isoformat(timespec="seconds")
    if seconds <= 0:
        return f"{stamp} (due now)"
    return f"{stamp} (in {_span(seconds)})"


def _span(seconds: float) -> str:
    seconds = int(round(seconds))
    if seconds >= 86_400:
        return f"{seconds // 86_400}d {seconds % 86_400 // 3600}h"
    if seconds >= 3600:
        return f"{seconds // 3600}h {seconds % 3600 // 60}m"
    if seconds >= 60:
        return f"{seconds // 60}m {seconds % 60}s"
    return f"{seconds}s"
