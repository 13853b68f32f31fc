"""Why a document was not stored.

    Refusal (pipelines/reasons.py), DropItem (Scrapy)
     └── Rejected            one-line reason + short code; recorded in `rejects`, counted
          │                  in stats as newsmill/skipped/<code>
          └── ExtractionFailed  the extractor itself raised: also counted as an error

Codes in use: unreadable, not_a_file, unsupported_type, empty, too_large, corrupt,
symlink, binary, undecodable, not_article, too_short, extract_error, timeout,
worker_died, too_much_memory, and for crawls the
HTTP-level codes their middlewares record.
"""

from __future__ import annotations

import logging

from scrapy.exceptions import DropItem

from pipelines.reasons import Refusal


class Rejected(Refusal, DropItem):
    # Scrapy logs drops at this level; the log formatter turns it into one line.
    level = logging.WARNING

    def __init__(self, code: str, reason: str):
        super().__init__(code, reason)  # Refusal, then DropItem with the reason as its message
        self.log_level = logging.getLevelName(self.level)


class ExtractionFailed(Rejected):
    level = logging.ERROR
    CODE = "extract_error"

    def __init__(self, reason: str):
        super().__init__(self.CODE, reason)
