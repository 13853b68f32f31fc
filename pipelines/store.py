"""Stage 4: batched writes into the archive, and the run's own record.

Documents wait in a buffer until NEWSMILL_BATCH_SIZE of them, or NEWSMILL_BATCH_SECONDS,
then commit in one transaction. Rejected documents (any DropItem with a code) join the same
buffer through the item_dropped signal, so `rejects` is written on the same road.

One writer at a time (storage.writer_lock): every write transaction queues on the archive's
writer lock, so concurrent runs interleave whole batches and a slow crawl never holds up the
others. A run whose first write (its run row) cannot get the lock within
NEWSMILL_WRITER_WAIT seconds (default 600) is refused with one line, exit status 2.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any, NoReturn

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.http import Response
from scrapy.spiders import Spider
from twisted.internet import task
from twisted.python.failure import Failure

from crawler.items import RawDocument
from pipelines.private_apis import close_idle_scraper
from pipelines.rejects import ExtractionFailed, Rejected
from storage import crash_points, writer_lock
from storage.archive import Archive
from storage.records import DUPLICATE, NEAR_DUPLICATE, NEW_VERSION, ORIGINAL, ArticleRecord, Decision, RejectRecord

logger = logging.getLogger(__name__)

RUN_KINDS = {"files": "ingest"}
# the CLI's status for "cannot do that now / usage problem"
REFUSED_EXIT_STATUS = 2


class StorePipeline:
    def __init__(
        self,
        crawler: Crawler,
        db_path: str,
        batch_size: int,
        batch_seconds: float,
        writer_wait: float = writer_lock.DEFAULT_WAIT_SECONDS,
    ) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.db_path = db_path
        self.batch_size = batch_size
        self.batch_seconds = batch_seconds
        self.writer_wait = writer_wait
        self.active_mark: int | None = None
        self.archive: Archive | None = None
        self.run_id: int | None = None
        self.pending: list[RawDocument] = []
        self.pending_rejects: list[RejectRecord] = []
        self.oldest_pending = 0.0
        self.timer: task.LoopingCall | None = None
        crawler.signals.connect(self.item_dropped, signal=signals.item_dropped)
        crawler.signals.connect(self.item_error, signal=signals.item_error)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        settings = crawler.settings
        return cls(
            crawler,
            settings.get("NEWSMILL_DB"),
            settings.getint("NEWSMILL_BATCH_SIZE"),
            settings.getfloat("NEWSMILL_BATCH_SECONDS"),
            settings.getfloat("NEWSMILL_WRITER_WAIT", writer_lock.DEFAULT_WAIT_SECONDS),
        )

    def open_spider(self) -> None:
        spider = self.crawler.spider
        assert spider is not None  # Scrapy opens the pipelines for the crawler's spider
        self.archive = archive = Archive.open(self.db_path, writer_wait=self.writer_wait)
        self.active_mark = writer_lock.mark_active(self.db_path)
        kind = RUN_KINDS.get(spider.name, "crawl")
        self.run_id = self._first_write(
            lambda: archive.start_run(kind, {"spider": spider.name, **_spider_args(spider)})
        )
        self.stats.set_value("newsmill/run_id", self.run_id)
        self.stats.set_value("newsmill/db", self.db_path)
        self.timer = task.LoopingCall(self._flush_if_due)
        self.timer.start(max(self.batch_seconds / 2, 0.1), now=False)

    def _first_write(self, write: Callable[[], int]) -> int:
        """The run row is the run's first write: if another process keeps the archive past
        NEWSMILL_WRITER_WAIT, leave now, with one line, before anything is half done. The
        reactor is blocked meanwhile, so Ctrl-C and SIGTERM end the wait here."""
        try:
            with _exit_on_stop_signals():
                return write()
        except writer_lock.WriterBusy as exc:
            _leave(f"newsmill: {exc}", REFUSED_EXIT_STATUS)

    def _unmark_active(self) -> None:
        if self.active_mark is not None:
            writer_lock.unmark_active(self.active_mark)
            self.active_mark = None

    def process_item(self, item: RawDocument) -> RawDocument:
        if not self.pending:
            self.oldest_pending = time.monotonic()
        self.pending.append(item)
        if len(self.pending) >= self.batch_size:
            self.flush()
        return item

    def item_dropped(self, item: object, response: Response | None, exception: BaseException, spider: Spider) -> None:
        if not isinstance(exception, Rejected) or not isinstance(item, RawDocument):
            return
        self.stats.inc_value(f"newsmill/skipped/{exception.code}")
        if isinstance(exception, ExtractionFailed):
            self.stats.inc_value("newsmill/errors")
        self._buffer_reject(RejectRecord(exception.code, exception.reason, item.url, item.path, item.source))

    def item_error(self, item: object, response: Response | None, spider: Spider, failure: Failure) -> None:
        # A bug in a stage: count it and keep a row, so the document is not silently lost.
        self.stats.inc_value("newsmill/errors")
        if isinstance(item, RawDocument):
            reason = f"internal error: {failure.value.__class__.__name__}: {failure.value}"
            self._buffer_reject(RejectRecord("error", reason, item.url, item.path, item.source))

    def _buffer_reject(self, reject: RejectRecord) -> None:
        if not self.pending and not self.pending_rejects:
            self.oldest_pending = time.monotonic()
        self.pending_rejects.append(reject)
        if len(self.pending_rejects) >= self.batch_size:
            self.flush()

    def _flush_if_due(self) -> None:
        if (self.pending or self.pending_rejects) and time.monotonic() - self.oldest_pending >= self.batch_seconds:
            self.flush()
        _finish_stuck_close(self.crawler)

    def flush(self) -> None:
        if self.archive is None or not (self.pending or self.pending_rejects):
            return
        documents, self.pending = self.pending, []
        rejects, self.pending_rejects = self.pending_rejects, []
        crash_points.reached("before_store_batch")
        known = [(doc, doc.known) for doc in documents if doc.known]
        documents = [doc for doc in documents if not doc.known]
        decisions = self.archive.store_batch(
            [_record_of(doc) for doc in documents],
            rejects,
            run_id=self.run_id,
            known_copies=[copy for _, copy in known],
        )
        crash_points.reached("after_store_batch")
        for document, copy in known:
            self.stats.inc_value("newsmill/unchanged")
            logger.debug("unchanged bytes, not extracted again: %s (article %s)", document.place, copy.article_id)
        for document, decision in zip(documents, decisions):
            self._count(document, decision)

    def _count(self, document: RawDocument, decision: Decision) -> None:
        if decision.already_seen_here and decision.relation != NEW_VERSION:
            self.stats.inc_value("newsmill/unchanged")
            logger.debug("unchanged: %s (article %s)", document.place, decision.article_id)
        elif decision.relation == ORIGINAL:
            self.stats.inc_value("newsmill/stored")
        elif decision.relation == NEW_VERSION:
            self.stats.inc_value("newsmill/new_versions")
        elif decision.relation == DUPLICATE:
            self.stats.inc_value("newsmill/duplicates")
            logger.debug("duplicate: %s is article %s", document.place, decision.article_id)
        elif decision.relation == NEAR_DUPLICATE:
            self.stats.inc_value("newsmill/near_duplicates")
            logger.debug(
                "near duplicate: %s is article %s (similarity %.2f)",
                document.place,
                decision.article_id,
                decision.similarity or 0.0,
            )
        else:
            self.stats.inc_value(f"newsmill/{decision.relation}")

    def close_spider(self) -> None:
        if self.timer is not None and self.timer.running:
            self.timer.stop()
        self.flush()

    def spider_closed(self, spider: Spider, reason: str) -> None:
        # After close_spider, once CoreStats has set finish_reason and elapsed time, so the
        # run row carries the complete stats.
        if self.archive is None:
            return
        try:
            self.flush()
            status = "finished" if reason == "finished" else reason
            assert self.run_id is not None  # open_spider wrote the run row with the archive
            self.archive.finish_run(self.run_id, status, self.stats.get_stats())
        finally:
            self.archive.close()
            self.archive = None
            self._unmark_active()


def _finish_stuck_close(crawler: Crawler) -> None:
    """Scrapy 2.19 re-checks a closing scraper when an item from a response is done, but not
    when an item yielded by start() is (Scraper.start_itemproc_async lacks the
    _check_if_closing() of its response path). Every document of the files spider is such an
    item, so a SIGTERM or Ctrl-C while some were in the pipelines hung the ingest for ever
    (scrapy/scrapy#7029; the re-check is what the proposed fix, scrapy/scrapy#7718, adds).
    This timer keeps running while the spider closes: once the scraper is idle, close it
    (Scrapy internals, through pipelines/private_apis.py)."""
    if close_idle_scraper(crawler):
        logger.debug("closed the scraper Scrapy left waiting (start items done)")


@contextmanager
def _exit_on_stop_signals() -> Iterator[None]:
    """While the reactor is blocked waiting for the lock, Scrapy's own SIGINT/SIGTERM handlers
    could only queue a stop it never gets to run: Ctrl-C or the scheduler's SIGTERM end the
    wait here instead (nothing of this run has been written yet)."""
    stops = (signal.SIGINT, signal.SIGTERM)
    try:
        previous = {signum: signal.signal(signum, _stop_waiting) for signum in stops}
    except ValueError:  # not the main thread: no handlers to swap
        yield
        return
    try:
        yield
    finally:
        for signum, handler in previous.items():
            # None: a handler installed outside Python, which cannot be put back; default then
            signal.signal(signum, signal.SIG_DFL if handler is None else handler)


def _stop_waiting(signum: int, frame: FrameType | None) -> None:
    _leave("newsmill: interrupted while waiting for the archive's writer lock", 128 + signum)


def _leave(message: str, status: int) -> NoReturn:
    sys.stderr.write(message + "\n")
    sys.stderr.flush()
    os._exit(status)


def _record_of(document: RawDocument) -> ArticleRecord:
    """The record the road made for a document the archive did not know (every one it stored)."""
    if document.record is None:
        raise ValueError(f"{document.place}: reached the store without a record")
    return document.record


def _spider_args(spider: Spider) -> dict[str, Any]:
    """What the run was asked to do, as plain values: the files spider's paths and the
    source's name (the news spider's parsed Source object is not a record)."""
    args: dict[str, Any] = {"source_name": getattr(spider, "source_name", None)}
    if hasattr(spider, "paths"):
        args["paths"] = spider.paths
    return args
