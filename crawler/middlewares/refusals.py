"""Why a request was not fetched, in a form the spider's errback can record as a reject.

Refusal (pipelines/reasons.py), IgnoreRequest (Scrapy)
 └── Refused   code + one-line reason: robots, unsafe_url, redirect_refused,
               redirect_loop, too_large
"""

from __future__ import annotations

from scrapy.exceptions import IgnoreRequest

from pipelines.reasons import Refusal


class Refused(Refusal, IgnoreRequest):
    """Refusal.__init__(code, reason) passes the reason on to IgnoreRequest as its message."""
