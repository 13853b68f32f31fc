"""Stage 1: bytes -> text -> Extracted (HTML through trafilatura, text dumps through our cleaner)."""

from __future__ import annotations

import logging

from crawler.items import HTML, TEXT, RawDocument
from pipelines.extractors.encoding import Undecodable, decode
from pipelines.extractors.html import extract_html
from pipelines.extractors.textdump import clean_text_dump, countable_lines
from pipelines.learned_chrome import LearnedChrome, chrome_scope, drop_learned, short_line_keys
from pipelines.rejects import ExtractionFailed, Rejected
from storage.db import open_database

logger = logging.getLogger(__name__)


class ExtractPipeline:
    def __init__(self, stats, db_path: str | None, default_source: str | None = None):
        self.stats = stats
        self.db_path = db_path
        self.default_source = default_source
        self.db = None
        self.learned = LearnedChrome(None)

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        return cls(crawler.stats, settings.get("NEWSMILL_DB"), settings.get("NEWSMILL_SOURCE"))

    def open_spider(self):
        # a reader of its own: learned chrome is read once per scope, never written here
        if self.db_path:
            self.db = open_database(self.db_path)
            self.learned = LearnedChrome(self.db)

    def close_spider(self):
        if self.db is not None:
            self.db.close()
            self.db = None

    def process_item(self, item: RawDocument) -> RawDocument:
        self.stats.inc_value("newsmill/seen")
        item.chrome_scope = chrome_scope(item.source, item.url, item.path, self.default_source)
        return extract_document(item, self.learned.lines_for(item.chrome_scope))


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
    except Exception as exc:  # an extractor bug must cost one document, not the run
        logger.debug("extractor failed on %s", item.place, exc_info=True)
        raise ExtractionFailed(f"extractor failed: {type(exc).__name__}: {exc}") from exc
    if item.extracted is None or not item.extracted.paragraphs:
        raise Rejected("not_article", "no article text found (empty, chrome only, or a listing page)")
    # the raw bytes are no longer needed; do not carry them through the remaining stages
    item.body = b""
    return item


def _extract(item: RawDocument, text: str, learned: frozenset[str]):
    if item.kind == TEXT:
        item.line_keys = frozenset(countable_lines(text))
        return clean_text_dump(text, repeated_lines=item.batch_repeats | learned)
    extracted = extract_html(text, url=item.url)
    if extracted is None:
        return None
    item.line_keys = short_line_keys(extracted.paragraphs)
    return drop_learned(extracted, learned)
