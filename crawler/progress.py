"""A progress bar on stderr while many documents are ingested (NEWSMILL_PROGRESS)."""

from __future__ import annotations

from scrapy import signals
from scrapy.exceptions import NotConfigured
from tqdm import tqdm


class ProgressBar:
    def __init__(self, stats, enabled: bool):
        self.stats = stats
        self.enabled = enabled
        self.bar: tqdm | None = None

    @classmethod
    def from_crawler(cls, crawler):
        if not crawler.settings.getbool("NEWSMILL_PROGRESS"):
            # bare: Scrapy logs "Disabled ..." at WARNING only for a NotConfigured with a message
            raise NotConfigured
        extension = cls(crawler.stats, True)
        for signal in (signals.item_scraped, signals.item_dropped, signals.item_error):
            crawler.signals.connect(extension.advance, signal=signal)
        crawler.signals.connect(extension.close, signal=signals.spider_closed)
        return extension

    def advance(self, *args, **kwargs):
        if not self.enabled:
            return
        if self.bar is None:
            self.bar = tqdm(
                total=self.stats.get_value("newsmill/documents_expected"), unit="doc", leave=False, dynamic_ncols=True
            )
        self.bar.update(1)

    def close(self, spider, reason):
        if self.bar is not None:
            self.bar.close()
