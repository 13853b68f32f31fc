"""Extraction in worker processes: the reactor keeps fetching and writing while the CPU-heavy
parsing runs on every core.

pebble's ProcessPool gives what the standard executor lacks: a hard time limit per document
(the worker running it is killed and replaced) and survival of a worker that dies (OOM,
crash). Each worker caps its own address space, so one pathological page fails with a
MemoryError in that worker instead of taking the machine down.

NEWSMILL_WORKERS              worker processes (default: the CPUs this process may use;
                              0 extracts inline in the crawler process)
NEWSMILL_EXTRACT_TIMEOUT      seconds one document may take (default 30)
NEWSMILL_WORKER_MEMORY_MB     address-space cap per worker (default 2048; 0 = none)
NEWSMILL_WORKER_MAX_TASKS     documents before a worker is recycled (default 1000), so
                              lxml's fragmented heap never grows without bound
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import resource
from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout

from pebble import ProcessExpired, ProcessPool

from crawler.items import RawDocument
from pipelines.core import Knowledge, Outcome, RoadRules, process
from pipelines.rejects import ExtractionFailed, Rejected

logger = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 30.0
DEFAULT_MEMORY_MB = 2048
DEFAULT_MAX_TASKS = 1000


def available_cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _limit_memory(megabytes: int) -> None:
    if megabytes > 0:
        limit = megabytes * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


# what a worker sends back: ("ok", outcome) or ("rejected", code, reason)
WorkerResult = tuple[str, Outcome] | tuple[str, str, str]


def _process_in_worker(document: RawDocument, knowledge: Knowledge, rules: RoadRules) -> WorkerResult:
    outcome = process(document, knowledge, rules)
    if outcome.rejected is not None:
        # DropItem subclasses do not survive pickling with their code; send plain values
        return "rejected", outcome.rejected.code, outcome.rejected.reason
    return "ok", outcome


class ExtractionPool:
    def __init__(self, workers: int, timeout: float, memory_mb: int, max_tasks: int):
        self.timeout = timeout
        self.pool = ProcessPool(
            max_workers=workers,
            max_tasks=max_tasks,
            initializer=_limit_memory,
            initargs=(memory_mb,),
            # spawn, not fork: the parent runs a reactor and threads that a fork would copy
            context=multiprocessing.get_context("spawn"),
        )

    def submit(
        self,
        document: RawDocument,
        knowledge: Knowledge,
        rules: RoadRules,
        work: Callable[[RawDocument, Knowledge, RoadRules], WorkerResult] = _process_in_worker,
    ) -> Future[WorkerResult]:
        """Run pipelines.core.process (or `work`, with the same arguments) in a worker."""
        return self.pool.schedule(work, args=(document, knowledge, rules), timeout=self.timeout)

    def outcome(self, future: Future[WorkerResult], document: RawDocument) -> Outcome:
        """The worker's Outcome, or a rejected one with the reason the worker could not give one."""
        try:
            result = future.result()
        except FutureTimeout:
            return Outcome(
                document,
                rejected=Rejected("timeout", f"extraction took longer than {self.timeout:g}s; worker replaced"),
            )
        except ProcessExpired as exc:
            return Outcome(
                document,
                rejected=Rejected("worker_died", f"extraction worker died (exit code {exc.exitcode}); worker replaced"),
            )
        except MemoryError:
            return Outcome(document, rejected=Rejected("too_much_memory", "extraction ran out of its memory cap"))
        except Exception as exc:
            return Outcome(
                document, rejected=ExtractionFailed(f"extraction failed in a worker: {type(exc).__name__}: {exc}")
            )
        if len(result) == 3:  # ("rejected", code, reason)
            _, code, reason = result
            return Outcome(
                document, rejected=ExtractionFailed(reason) if code == ExtractionFailed.CODE else Rejected(code, reason)
            )
        return result[1]

    def close(self) -> None:
        self.pool.stop()  # type: ignore[no-untyped-call]  # pebble's ProcessPool.stop has no annotations
        self.pool.join(timeout=10)
