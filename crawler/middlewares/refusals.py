"""Why a request was not fetched, in a form the spider's errback can record as a reject.

    IgnoreRequest (Scrapy)
     └── Refused   code + one-line reason: robots, unsafe_url, redirect_refused,
                   redirect_loop, too_large
"""

from __future__ import annotations

from scrapy.exceptions import IgnoreRequest


class Refused(IgnoreRequest):
    def __init__(self, code: str, reason: str):
        super().__init__(reason)
        self.code = code
        self.reason = reason
