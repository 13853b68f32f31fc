"""`scrapy crawl files -a path=DIR[,DIR...]`: local dumps onto the same road as crawled pages.

The spider yields RawDocument items straight from start(): no download happens, yet every
document passes the same ITEM_PIPELINES (extract -> validate -> dedupe -> store) as a page
fetched by a news spider.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Iterable
from typing import Any

import scrapy

from crawler.items import TEXT, RawDocument
from crawler.loaders.batch import learn_batch_repeats
from crawler.loaders.discover import Skipped, discover
from crawler.loaders.limits import MAX_DECOMPRESSED_BYTES
from crawler.loaders.read import read_document
from pipelines.private_apis import items_in_pipelines
from storage.clock import utc_now


class FilesSpider(scrapy.Spider):
    name = "files"

    def __init__(
        self,
        path: str | Iterable[str] | None = None,
        source: str | None = None,
        follow_symlinks: bool | str = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        if path is None:
            raise ValueError("the files spider needs -a path=FILE_OR_FOLDER[,...]")
        self.paths = path.split(",") if isinstance(path, str) else list(path)
        self.source_name = source
        self.follow_symlinks = str(follow_symlinks).lower() in ("1", "true", "yes")

    async def start(self) -> AsyncIterator[RawDocument]:
        settings = self.crawler.settings
        source = self.source_name or settings.get("NEWSMILL_SOURCE")
        max_bytes = settings.getint("NEWSMILL_MAX_FILE_BYTES")
        max_in_flight = settings.getint("NEWSMILL_MAX_IN_FLIGHT")
        max_decompressed = settings.getint("NEWSMILL_MAX_DECOMPRESSED_BYTES", MAX_DECOMPRESSED_BYTES)
        entries = list(discover(self.paths, max_bytes=max_bytes, follow_symlinks=self.follow_symlinks))
        self.crawler.stats.set_value("newsmill/documents_expected", len(entries))
        repeats = learn_batch_repeats(entries, max_decompressed)
        fetched_at = utc_now()
        # dates the files give without a zone are read in this one (`ingest --timezone`)
        zone = settings.get("NEWSMILL_TIMEZONE") or None
        for entry in entries:
            if isinstance(entry, Skipped):
                yield RawDocument(
                    kind="file", source=source, path=entry.path, skip_code=entry.code, skip_reason=entry.reason
                )
                continue
            document = read_document(
                entry, source=source, max_decompressed=max_decompressed, fetched_at=fetched_at, timezone=zone
            )
            if entry.kind == TEXT:
                document.batch_repeats = repeats.get(os.path.dirname(entry.path), frozenset())
            yield document
            await self._wait_for_room(max_in_flight)
        # Scrapy notices a finished spider on its 5 s heartbeat when the last items complete
        # asynchronously; ending start() only after them lets the run close at once.
        await self._wait_for_room(1)

    async def _wait_for_room(self, limit: int) -> None:
        """Start items are handed to the pipelines without waiting; with extraction in worker
        processes, reading ahead of them would hold every file of a big folder in memory."""
        while (in_flight := items_in_pipelines(self.crawler)) is not None and in_flight >= limit:
            await asyncio.sleep(0.005)
