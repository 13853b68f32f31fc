"""Stage 1: bytes -> text -> Extracted (HTML through trafilatura, text dumps through our cleaner)."""

from __future__ import annotations

import logging

from crawler.items import HTML, TEXT, RawDocument
from pipelines.extractors.encoding import Undecodable, decode
from pipelines.extractors.html import extract_html
from pipelines.extractors.textdump import clean_text_dump
from pipelines.rejects import ExtractionFailed, Rejected

logger = logging.getLogger(__name__)


class ExtractPipeline:
    def __init__(self, stats):
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.stats)

    def process_item(self, item: RawDocument) -> RawDocument:
        self.stats.inc_value("newsmill/seen")
        if item.skip_code:
            raise Rejected(item.skip_code, item.skip_reason or item.skip_code)
        try:
            text, item.encoding = decode(item.body, is_html=item.kind == HTML, content_type=item.declared_encoding)
        except Undecodable as exc:
            raise Rejected(exc.code, exc.reason) from exc
        try:
            item.extracted = self._extract(item, text)
        except Exception as exc:  # an extractor bug must cost one document, not the run
            logger.debug("extractor failed on %s", item.place, exc_info=True)
            raise ExtractionFailed(f"extractor failed: {type(exc).__name__}: {exc}") from exc
        if item.extracted is None:
            raise Rejected("not_article", "no article text found (empty, chrome only, or a listing page)")
        # the raw bytes are no longer needed; do not carry them through the remaining stages
        item.body = b""
        return item

    @staticmethod
    def _extract(item: RawDocument, text: str):
        if item.kind == TEXT:
            return clean_text_dump(text, repeated_lines=item.batch_repeats)
        return extract_html(text, url=item.url)
