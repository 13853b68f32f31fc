"""One line per skipped document, never the whole item (its body may be megabytes)."""

from __future__ import annotations

import logging
from typing import Any

from scrapy.http import Response
from scrapy.logformatter import LogFormatter, LogFormatterResult
from scrapy.spiders import Spider
from twisted.python.failure import Failure

from pipelines.rejects import Rejected


def one_line(text: object) -> str:
    """File names and messages may hold newlines or escapes; a report line must stay one line."""
    return "".join(repr(char)[1:-1] if ord(char) < 32 or ord(char) == 127 else char for char in str(text))


class NewsmillLogFormatter(LogFormatter):
    def dropped(
        self, item: Any, exception: BaseException, response: Response | Failure | None, spider: Spider
    ) -> LogFormatterResult:
        place = getattr(item, "place", None) or "<item>"
        level = getattr(exception, "level", logging.WARNING)
        code = getattr(exception, "code", "dropped") if isinstance(exception, Rejected) else type(exception).__name__
        return {
            "level": level,
            "msg": "skipped %(place)s: %(reason)s [%(code)s]",
            "args": {"place": one_line(place), "reason": one_line(exception), "code": code},
        }

    def item_error(
        self, item: Any, exception: BaseException, response: Response | Failure | None, spider: Spider
    ) -> LogFormatterResult:
        place = getattr(item, "place", None) or "<item>"
        return {
            "level": logging.ERROR,
            "msg": "error on %(place)s: %(error)s",
            "args": {"place": one_line(place), "error": one_line(f"{type(exception).__name__}: {exception}")},
        }
