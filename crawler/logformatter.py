"""One line per skipped document, never the whole item (its body may be megabytes)."""

from __future__ import annotations

import logging

from scrapy.logformatter import LogFormatter

from pipelines.rejects import Rejected


class NewsmillLogFormatter(LogFormatter):
    def dropped(self, item, exception, response, spider):
        place = getattr(item, "place", None) or "<item>"
        level = getattr(exception, "level", logging.WARNING)
        code = getattr(exception, "code", "dropped") if isinstance(exception, Rejected) else type(exception).__name__
        return {"level": level, "msg": "skipped %(place)s: %(reason)s [%(code)s]",
                "args": {"place": place, "reason": exception, "code": code}}

    def item_error(self, item, exception, response, spider):
        place = getattr(item, "place", None) or "<item>"
        return {"level": logging.ERROR, "msg": "error on %(place)s: %(error)s",
                "args": {"place": place, "error": f"{type(exception).__name__}: {exception}"}}
