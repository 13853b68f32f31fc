"""`newsmill explain URL`: one page fetched through Scrapy (robots, safety guard, timeouts,
size caps, retries), kept on the spider for the explanation instead of being stored."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy.http import Response
from twisted.python.failure import Failure

from crawler.items import HTML, RawDocument
from storage.clock import utc_now


class FetchOneSpider(scrapy.Spider):
    name = "fetch_one"
    # nothing is stored: the page only goes to `newsmill explain`
    custom_settings = {"ITEM_PIPELINES": {}}

    def __init__(self, url: str, source: str = "local", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.url = url
        self.source_name = source
        # the page's own host may be private (an intranet site): the user named it
        self.source_hosts = frozenset({(urlsplit(url).hostname or "").lower()})
        self.document: RawDocument | None = None

    async def start(self) -> AsyncIterator[scrapy.Request]:
        yield scrapy.Request(self.url, callback=self.keep, errback=self.failed, dont_filter=True)

    def keep(self, response: Response) -> None:
        content_type = (response.headers.get(b"Content-Type") or b"").decode("latin-1") or None
        self.document = RawDocument(
            kind=HTML,
            source=self.source_name,
            body=response.body,
            url=response.url,
            declared_encoding=content_type,
            fetched_at=utc_now(),
        )

    def failed(self, failure: Failure) -> None:
        reason = failure.getErrorMessage() or type(failure.value).__name__
        self.document = RawDocument(
            kind=HTML,
            source=self.source_name,
            url=self.url,
            fetched_at=utc_now(),
            skip_code="fetch_failed",
            skip_reason=f"could not fetch: {reason}",
        )
