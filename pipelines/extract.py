"""Stage 1: bytes -> text -> Extracted (HTML through trafilatura, text dumps through our cleaner)."""

from __future__ import annotations

import asyncio
import logging

from crawler.items import HTML, TEXT, RawDocument
from pipelines.extractors.encoding import Undecodable, decode
from pipelines.extractors.language import normalize_language_code
from pipelines.extractors.textdump import clean_text_dump, countable_lines
from pipelines.learned_chrome import LearnedChrome, chrome_scope, drop_learned, short_line_keys
from pipelines.rejects import ExtractionFailed, Rejected
from pipelines.workers import DEFAULT_MAX_TASKS, DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT, ExtractionPool, available_cpus
from storage.db import open_database
from storage.unchanged import known_copy, raw_hash

logger = logging.getLogger(__name__)


class ExtractPipeline:
    def __init__(
        self,
        stats,
        db_path: str | None,
        default_source: str | None = None,
        pool_settings: dict | None = None,
        reextract: bool = False,
        language: str | None = None,
    ):
        self.stats = stats
        self.reextract = reextract
        # NEWSMILL_LANGUAGE (`ingest --language`): every document's language, detected or not
        self.language = language
        self.db_path = db_path
        self.default_source = default_source
        self.pool_settings = pool_settings or {"workers": 0}
        self.db = None
        self.learned = LearnedChrome(None)
        self.pool: ExtractionPool | None = None
        self.pool_decided = False
        self._previous_done: asyncio.Future | None = None

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
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
            settings.get("NEWSMILL_SOURCE"),
            pool_settings,
            reextract=settings.getbool("NEWSMILL_REEXTRACT"),
            language=_forced_language(settings.get("NEWSMILL_LANGUAGE")),
        )

    def open_spider(self):
        # a reader of its own: learned chrome is read once per scope, never written here
        if self.db_path:
            self.db = open_database(self.db_path)
            self.learned = LearnedChrome(self.db)
        self.pool_decided = False

    def close_spider(self):
        if self.pool is not None:
            self.pool.close()
            self.pool = None
        if self.db is not None:
            self.db.close()
            self.db = None

    def _start_pool_if_worth_it(self) -> None:
        """Decided at the first document, when a files spider has counted its documents."""
        self.pool_decided = True
        settings = dict(self.pool_settings)
        workers, min_documents = settings.pop("workers"), settings.pop("min_documents")
        if workers < 0:
            expected = self.stats.get_value("newsmill/documents_expected")
            workers = available_cpus() if expected is None or expected >= min_documents else 0
        if workers > 0:
            self.pool = ExtractionPool(workers, **settings)
            self.stats.set_value("newsmill/extraction_workers", workers)

    async def process_item(self, item: RawDocument) -> RawDocument:
        item = await self._extract_item(item)
        if self.language and item.extracted is not None:
            item.extracted.language = self.language
        return item

    async def _extract_item(self, item: RawDocument) -> RawDocument:
        self.stats.inc_value("newsmill/seen")
        if self._seen_byte_for_byte(item):
            # no place in the in-order line: a known copy only moves a last-seen time
            return item
        item.chrome_scope = chrome_scope(item.source, item.url, item.path, self.default_source)
        learned = self.learned.lines_for(item.chrome_scope)
        # Text dumps clean in about a millisecond, less than a round trip to a worker:
        # only HTML goes to the pool.
        if item.kind != HTML or item.skip_code:
            if self.pool is None:
                return extract_document(item, learned)
            return await self._in_order(None, lambda: extract_document(item, learned))
        if not self.pool_decided:
            self._start_pool_if_worth_it()
        if self.pool is None:
            return extract_document(item, learned)
        future = self.pool.submit(item, learned)
        return await self._in_order(future, lambda: self.pool.outcome(future, item))

    def _seen_byte_for_byte(self, item: RawDocument) -> bool:
        if item.skip_code or not item.body:
            return False
        item.raw_hash = raw_hash(item.body)
        if self.reextract or self.db is None:
            return False
        item.known = known_copy(self.db.conn, item.raw_hash, item.path, item.url)
        if item.known is None:
            return False
        self.stats.inc_value("newsmill/extraction_skipped")
        item.body = b""
        return True

    async def _in_order(self, pending, finish) -> RawDocument:
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


def _forced_language(value: str | None) -> str | None:
    if not value:
        return None
    code = normalize_language_code(value)
    if code is None:
        raise ValueError(f"NEWSMILL_LANGUAGE {value!r} is not a language code like 'fr' or 'pt-BR'")
    return code


def extract_document(item: RawDocument, learned: frozenset[str] = frozenset()) -> RawDocument:
    """The whole stage for one document; `newsmill explain` calls it too."""
    if item.skip_code:
        raise Rejected(item.skip_code, item.skip_reason or item.skip_code)
    try:
        text, item.encoding = decode(item.body, is_html=item.kind == HTML, content_type=item.declared_encoding)
    except Undecodable as exc:
        raise Rejected(exc.code, exc.reason) from exc
    try:
        item.extracted = _extract(item, text, learned)
    except MemoryError as exc:
        raise Rejected("too_much_memory", "extraction ran out of its memory cap") from exc
    except Exception as exc:  # an extractor bug must cost one document, not the run
        logger.debug("extractor failed on %s", item.place, exc_info=True)
        raise ExtractionFailed(f"extractor failed: {type(exc).__name__}: {exc}") from exc
    if item.extracted is None or not item.extracted.paragraphs:
        raise Rejected("not_article", "no article text found (empty, chrome only, or a listing page)")
    if item.extracted.language is None and item.language_hint:
        item.extracted.language = item.language_hint
    # the raw bytes are no longer needed; do not carry them through the remaining stages
    item.body = b""
    return item


def _extract(item: RawDocument, text: str, learned: frozenset[str]):
    if item.kind == TEXT:
        item.line_keys = frozenset(countable_lines(text))
        return clean_text_dump(text, repeated_lines=item.batch_repeats | learned, timezone=item.timezone)
    # imported at the first page: a run of text dumps never pays for trafilatura's import
    from pipelines.extractors.html import extract_html

    extracted = extract_html(text, url=item.url, timezone=item.timezone)
    if extracted is None:
        return None
    item.line_keys = short_line_keys(extracted.paragraphs)
    return drop_learned(extracted, learned)
