"""Running one Scrapy crawl in this process and handing back its stats.

Twisted's reactor starts once per process: the CLI runs one crawl per invocation, and the
scheduler runs each crawl in a child process.
"""

from __future__ import annotations

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings


def project_settings(overrides: dict | None = None) -> Settings:
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    if overrides:
        settings.setdict(overrides, priority="cmdline")
    return settings


def run_crawl(spider: str | type, settings: Settings, **spider_args) -> dict:
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(spider)
    process.crawl(crawler, **spider_args)
    process.start()
    return crawler.stats.get_stats()
