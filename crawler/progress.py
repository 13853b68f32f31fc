"""A progress bar on stderr while many documents are ingested (NEWSMILL_PROGRESS)."""

from __future__ import annotations

from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.spiders import Spider
from scrapy.statscollectors import StatsCollector
from tqdm import tqdm


class ProgressBar:
    def __init__(self, stats: StatsCollector, enabled: bool) -> None:
        self.stats = stats
        self.enabled = enabled
        self.bar: tqdm[Any] | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ProgressBar:
        if not crawler.settings.getbool("NEWSMILL_PROGRESS"):
            # bare: Scrapy logs "Disabled ..." at WARNING only for a NotConfigured with a message
            raise NotConfigured
        extension = cls(crawler.stats, True)
        for signal in (signals.item_scraped, signals.item_dropped, signals.item_error):
            crawler.signals.connect(extension.advance, signal=signal)
        crawler.signals.connect(extension.close, signal=signals.spider_closed)
        return extension

    def advance(self, *args: object, **kwargs: object) -> None:
        if not self.enabled:
            return
        if self.bar is None:
            self.bar = tqdm(
                total=self.stats.get_value("newsmill/documents_expected"), unit="doc", leave=False, dynamic_ncols=True
            )
        self.bar.update(1)

    def close(self, spider: Spider, reason: str) -> None:
        if self.bar is not None:
            self.bar.close()
