"""The Scrapy side of the road: one item pipeline that runs pipelines.core.process for each
document, inline or in the extraction worker pool, and keeps documents in order.

A document the core refused is dropped with its Rejected (code and one-line reason), which
the store pipeline records in `rejects` through Scrapy's item_dropped signal.

Settings read here: NEWSMILL_MIN_WORDS, NEWSMILL_NEAR_DUP_THRESHOLD, NEWSMILL_TRUST_CANONICAL,
NEWSMILL_LANGUAGE, NEWSMILL_REEXTRACT, NEWSMILL_SOURCE, and the pool's NEWSMILL_WORKERS,
NEWSMILL_POOL_MIN_DOCUMENTS, NEWSMILL_EXTRACT_TIMEOUT, NEWSMILL_WORKER_MEMORY_MB,
NEWSMILL_WORKER_MAX_TASKS (crawler/settings.py documents them).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

from scrapy.crawler import Crawler
from scrapy.settings import BaseSettings
from scrapy.statscollectors import StatsCollector

from crawler.items import HTML, RawDocument
from pipelines.core import DEFAULT_MIN_WORDS, Knowledge, Outcome, RoadRules, chrome_scope, process
from pipelines.extractors.language import forced_language
from pipelines.workers import (
    DEFAULT_MAX_TASKS,
    DEFAULT_MEMORY_MB,
    DEFAULT_TIMEOUT,
    ExtractionPool,
    WorkerResult,
    available_cpus,
)
from storage.dedup.near_duplicates import DEFAULT_THRESHOLD
from storage.unchanged import raw_hash
from storage.view import ArchiveView

logger = logging.getLogger(__name__)


def consult(document: RawDocument, view: ArchiveView, default_source: str | None, reextract: bool) -> Knowledge:
    """What the archive knows of this document, before the core runs: its bytes from this
    place (then nothing needs extracting) and its site's learned chrome."""
    document.chrome_scope = chrome_scope(document.source, document.url, document.path, default_source)
    if document.skip_code or not document.body:
        return Knowledge()
    document.raw_hash = raw_hash(document.body)
    known = None if reextract else view.known_copy(document.raw_hash, document.path, document.url)
    if known is not None:
        return Knowledge(known=known)
    return Knowledge(learned_chrome=view.learned_chrome(document.chrome_scope))


def rules_from_settings(settings: BaseSettings) -> RoadRules:
    """One reading of the road's settings, for a run and for `newsmill explain` alike."""
    return RoadRules(
        min_words=settings.getint("NEWSMILL_MIN_WORDS", DEFAULT_MIN_WORDS),
        near_duplicate_threshold=settings.getfloat("NEWSMILL_NEAR_DUP_THRESHOLD", DEFAULT_THRESHOLD),
        trust_canonical=settings.getbool("NEWSMILL_TRUST_CANONICAL"),
        language=forced_language(settings.get("NEWSMILL_LANGUAGE"), "NEWSMILL_LANGUAGE"),
    )


class RoadPipeline:
    def __init__(
        self,
        stats: StatsCollector,
        db_path: str | None,
        rules: RoadRules,
        default_source: str | None = None,
        pool_settings: dict[str, Any] | None = None,
        reextract: bool = False,
    ) -> None:
        self.stats = stats
        self.db_path = db_path
        self.rules = rules
        self.default_source = default_source
        self.pool_settings = pool_settings or {"workers": 0}
        self.reextract = reextract
        self.view = ArchiveView(None)
        self.pool: ExtractionPool | None = None
        self.pool_decided = False
        self._previous_done: asyncio.Future[None] | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RoadPipeline:
        settings = crawler.settings
        rules = rules_from_settings(settings)
        pool_settings = {
            "workers": settings.getint("NEWSMILL_WORKERS", -1),
            "min_documents": settings.getint("NEWSMILL_POOL_MIN_DOCUMENTS", 200),
            "timeout": settings.getfloat("NEWSMILL_EXTRACT_TIMEOUT", DEFAULT_TIMEOUT),
            "memory_mb": settings.getint("NEWSMILL_WORKER_MEMORY_MB", DEFAULT_MEMORY_MB),
            "max_tasks": settings.getint("NEWSMILL_WORKER_MAX_TASKS", DEFAULT_MAX_TASKS),
        }
        return cls(
            crawler.stats,
            settings.get("NEWSMILL_DB"),
            rules,
            settings.get("NEWSMILL_SOURCE"),
            pool_settings,
            reextract=settings.getbool("NEWSMILL_REEXTRACT"),
        )

    def open_spider(self) -> None:
        self.view = ArchiveView.open(self.db_path)
        self.pool_decided = False

    def close_spider(self) -> None:
        if self.pool is not None:
            self.pool.close()
            self.pool = None
        self.view.close()

    async def process_item(self, item: RawDocument) -> RawDocument:
        self.stats.inc_value("newsmill/seen")
        knowledge = consult(item, self.view, self.default_source, self.reextract)
        if knowledge.known is not None:
            self.stats.inc_value("newsmill/extraction_skipped")
            # no place in the in-order line: a known copy only moves a last-seen time
            return _passed(process(item, knowledge, self.rules))
        # Text dumps clean in about a millisecond, less than a round trip to a worker:
        # only HTML goes to the pool.
        if item.kind == HTML and not item.skip_code and not self.pool_decided:
            self._start_pool_if_worth_it()
        if item.kind != HTML or item.skip_code or self.pool is None:
            if self.pool is None:
                return _passed(process(item, knowledge, self.rules))
            return _passed(await self._in_order(None, lambda: process(item, knowledge, self.rules)))
        pool = self.pool
        future = pool.submit(item, knowledge, self.rules)
        return _passed(await self._in_order(future, lambda: pool.outcome(future, item)))

    def _start_pool_if_worth_it(self) -> None:
        """Decided at the first page, when a files spider has counted its documents."""
        self.pool_decided = True
        settings = dict(self.pool_settings)
        workers, min_documents = settings.pop("workers"), settings.pop("min_documents")
        if workers < 0:
            expected = self.stats.get_value("newsmill/documents_expected")
            workers = available_cpus() if expected is None or expected >= min_documents else 0
        if workers > 0:
            self.pool = ExtractionPool(workers, **settings)
            self.stats.set_value("newsmill/extraction_workers", workers)

    async def _in_order(self, pending: Future[WorkerResult] | None, finish: Callable[[], Outcome]) -> Outcome:
        """Documents leave this stage in the order they entered it, so which copy of a story
        is the "original" does not depend on which worker finished first. The place in line
        is taken before the first await."""
        previous, done = self._previous_done, asyncio.get_running_loop().create_future()
        self._previous_done = done
        try:
            if pending is not None:
                await asyncio.wait([asyncio.wrap_future(pending)])
            if previous is not None:
                await previous
            return finish()
        finally:
            done.set_result(None)


def _passed(outcome: Outcome) -> RawDocument:
    """The document for the store pipeline, or its refusal for Scrapy's item_dropped."""
    if outcome.rejected is not None:
        raise outcome.rejected
    return outcome.document
