"""Running Scrapy crawls in this process and handing back their crawlers (stats, spider).

Twisted's reactor starts once per process: the CLI runs one invocation's crawlers in one
reactor, and the scheduler runs each crawl in a child process.
"""

from __future__ import annotations

from typing import Any

from scrapy.crawler import Crawler, CrawlerProcess
from scrapy.settings import Settings
from scrapy.spiders import Spider


def project_settings(overrides: dict[str, Any] | None = None) -> Settings:
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    if overrides:
        settings.setdict(overrides, priority="cmdline")
    return settings


def run_crawlers(settings: Settings, runs: list[tuple[str | type[Spider], dict[str, Any]]]) -> list[Crawler]:
    """Run (spider, spider arguments) pairs side by side in one reactor; return their crawlers."""
    process = CrawlerProcess(settings)
    crawlers = []
    for spider, spider_args in runs:
        crawler = process.create_crawler(spider)
        process.crawl(crawler, **spider_args)
        crawlers.append(crawler)
    process.start()
    return crawlers
