"""Stage 2: is what the extractor found worth storing?"""

from __future__ import annotations

from crawler.items import RawDocument
from pipelines.rejects import Rejected


class ValidatePipeline:
    def __init__(self, min_words: int):
        self.min_words = min_words

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.settings.getint("NEWSMILL_MIN_WORDS"))

    def process_item(self, item: RawDocument) -> RawDocument:
        if item.known:  # validated when it was first stored
            return item
        words = len(item.extracted.text.split())
        if words < self.min_words:
            raise Rejected("too_short", f"body has {words} words, fewer than the {self.min_words} required")
        return item
