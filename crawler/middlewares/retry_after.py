"""Retries that honour Retry-After (429, 503), which Scrapy's RetryMiddleware ignores.

The wait is awaited inside the middleware chain, so the reactor keeps serving other
requests meanwhile; the slot of the throttled site stays quiet, which is what the server
asked for. A server asking for more than NEWSMILL_RETRY_AFTER_MAX seconds gets that cap:
one run must not hang on one page for an hour.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from scrapy.downloadermiddlewares.retry import RetryMiddleware, get_retry_request
from scrapy.exceptions import NotConfigured
from scrapy.http import Request, Response
from scrapy.settings import BaseSettings
from scrapy.utils.asyncio import sleep
from scrapy.utils.response import response_status_message

logger = logging.getLogger(__name__)

DEFAULT_RETRY_AFTER_MAX = 60.0


def retry_after_seconds(value: bytes | str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header: delta-seconds or an HTTP date; None if absent or unreadable."""
    if not value:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class RetryAfterMiddleware(RetryMiddleware):
    def __init__(self, settings: BaseSettings) -> None:
        super().__init__(settings)
        self.max_wait = settings.getfloat("NEWSMILL_RETRY_AFTER_MAX", DEFAULT_RETRY_AFTER_MAX)
        if self.max_wait < 0:
            raise NotConfigured("NEWSMILL_RETRY_AFTER_MAX must not be negative")

    # Scrapy (>= 2.13) awaits a coroutine process_response and calls it without the spider
    # argument it deprecates; RetryMiddleware's annotation is the synchronous form with spider
    async def process_response(self, request: Request, response: Response) -> Request | Response:  # type: ignore[override]
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response
        wait = retry_after_seconds(response.headers.get(b"Retry-After"))
        if wait and self._retries_left(request):
            wait = min(wait, self.max_wait)
            logger.debug("%s answered %s with Retry-After; waiting %.1fs", request.url, response.status, wait)
            self.crawler.stats.inc_value("newsmill/retry_after/waits")
            await sleep(wait)
        return self._retry_request(request, response_status_message(response.status)) or response

    def _retry_request(self, request: Request, reason: str) -> Request | None:
        """RetryMiddleware's own retry (its private _retry), through the public get_retry_request:
        the request's meta overrides the settings, as in RetryMiddleware."""
        meta = request.meta
        assert self.crawler.spider is not None  # as in RetryMiddleware._retry: called while crawling
        return get_retry_request(
            request,
            spider=self.crawler.spider,
            reason=reason,
            max_retry_times=meta.get("max_retry_times", self.max_retry_times),
            priority_adjust=meta.get("priority_adjust", self.priority_adjust),
            give_up_log_level=meta.get("give_up_log_level", self.give_up_log_level),
        )

    def _retries_left(self, request: Request) -> bool:
        retry_times: int = request.meta.get("retry_times", 0)
        max_retry_times: int = request.meta.get("max_retry_times", self.max_retry_times)
        return retry_times < max_retry_times
