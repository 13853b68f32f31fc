"""`scrapy crawl news -a source=NAME`: one generic spider for every site in config/sources.toml.

Entry points are the source's start pages, feeds and sitemaps. Links found there (and on
the pages they lead to) are sorted by the source's allow/deny rules:

- article pages are fetched once and yielded as RawDocument items, onto the same
  ITEM_PIPELINES road as local files;
- other pages of the site (sections, home) are only followed, NEWSMILL_SECTION_HOPS deep,
  never yielded;
- article pages are leaves unless NEWSMILL_FOLLOW_ARTICLE_LINKS: new stories appear on
  sections, feeds and sitemaps, while "read next" boxes lead into years of archive (and
  extracting ~100 links per article was half the crawl's main-process time);
- denied and off-site links are never fetched.

Incremental: an article URL already in the archive (articles.url or sightings.url, compared
by canonical form) is not fetched again unless the source's `revisit` policy says so.
Every fetch that fails (HTTP error, robots, timeout, size cap, refused redirect) becomes a
RawDocument with skip_code set, so the store pipeline records it in `rejects`.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any, Self
from urllib.parse import urlsplit

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.http import HtmlResponse, Response, TextResponse
from scrapy.linkextractors import LinkExtractor
from scrapy.settings import BaseSettings
from twisted.python.failure import Failure

from crawler.items import HTML, RawDocument
from crawler.sources import Source, SourceError, load_sources
from crawler.spiders.news_failures import describe_failure
from crawler.spiders.news_feeds import NotAFeed, feed_links, robots_sitemaps, sitemap_links
from pipelines.identity import canonical_url
from storage.clock import utc_now
from storage.dates import is_zone
from storage.lookup import ArchiveLookup

logger = logging.getLogger(__name__)

ARTICLE, SECTION, FEED, SITEMAP, ROBOTS = "article", "section", "feed", "sitemap", "robots"
ROLE = "newsmill_role"
HOPS = "newsmill_hops"
# Defaults of NEWSMILL_SECTION_HOPS and NEWSMILL_MAX_SITEMAPS (crawler/settings.py)
DEFAULT_SECTION_HOPS = 2
DEFAULT_MAX_SITEMAPS = 20


class NewsSpider(scrapy.Spider):
    name = "news"

    def __init__(self, source: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if not source:
            raise ValueError("the news spider needs -a source=NAME (a [sources.NAME] table of the sources file)")
        self.source_name = source
        self.source: Source | None = None
        self.lookup: ArchiveLookup | None = None
        self.scheduled: set[str] = set()
        self.pages_left = 0
        self.sitemaps_left = 0
        self.timezone: str | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider._configure(crawler.settings)
        crawler.signals.connect(spider._open_lookup, signal=signals.spider_opened)
        return spider

    @property
    def configured(self) -> Source:
        """The source read by from_crawler, before any request is made."""
        if self.source is None:
            raise RuntimeError("the news spider is used before from_crawler read its source")
        return self.source

    def _configure(self, settings: BaseSettings) -> None:
        path = settings.get("NEWSMILL_SOURCES")
        sources = load_sources(path)
        if self.source_name not in sources:
            known = ", ".join(sorted(sources)) or "none"
            raise SourceError(f"{path}: no source named {self.source_name!r} (defined: {known})")
        self.source = source = sources[self.source_name]
        # The guard middleware lets the source's own hosts be private (intranet, test server).
        self.source_hosts = source.hosts
        # OffsiteMiddleware allows subdomains too: www.example.com and example.com are one site.
        self.allowed_domains = sorted({host.removeprefix("www.") for host in source.hosts})
        self.pages_left = source.max_pages
        self.section_hops = settings.getint("NEWSMILL_SECTION_HOPS", DEFAULT_SECTION_HOPS)
        self.sitemaps_left = settings.getint("NEWSMILL_MAX_SITEMAPS", DEFAULT_MAX_SITEMAPS)
        self.follow_article_links = settings.getbool("NEWSMILL_FOLLOW_ARTICLE_LINKS", False)
        self.db_path = settings.get("NEWSMILL_DB")
        # dates the site gives without a zone: the source's `timezone`, else the run's
        self.timezone = self.source.timezone or settings.get("NEWSMILL_TIMEZONE") or None
        if self.timezone and not is_zone(self.timezone):
            raise SourceError(
                f"NEWSMILL_TIMEZONE {self.timezone!r} is not an IANA time zone like 'Europe/Paris' or 'UTC'"
            )
        self.max_size = settings.getint("DOWNLOAD_MAXSIZE")
        self.links = LinkExtractor(deny=[pattern.pattern for pattern in source.deny], unique=True)

    def _open_lookup(self, spider: scrapy.Spider) -> None:
        self.lookup = ArchiveLookup.open(self.db_path)

    def closed(self, reason: str) -> None:
        if self.lookup is not None:
            self.lookup.close()
            self.lookup = None

    # -- entry points -------------------------------------------------------------------

    async def start(self) -> AsyncIterator[scrapy.Request]:
        source = self.configured
        # an upper bound: lets the extract stage skip starting worker processes for a small crawl
        self.crawler.stats.set_value("newsmill/documents_expected", source.max_pages)
        for url in source.start_urls:
            if request := self._request(url, SECTION, hops=0):
                yield request
        for url in source.feeds:
            if request := self._request(url, FEED):
                yield request
        for url in source.sitemaps:
            role = ROBOTS if url.rstrip("/").endswith("/robots.txt") else SITEMAP
            if request := self._request(url, role):
                yield request

    # -- callbacks ----------------------------------------------------------------------

    def parse_page(self, response: Response) -> Iterator[scrapy.Request | RawDocument]:
        role = response.meta.get(ROLE)
        if role == ARTICLE:
            yield self._document(response)
            if not self.follow_article_links:
                return
        if not isinstance(response, HtmlResponse):
            return
        hops = response.meta.get(HOPS, self.section_hops)
        for link in self.links.extract_links(response):
            if self._is_article(link.url):
                request = self._article_request(link.url)
            elif hops < self.section_hops and self._on_site(link.url) and not self.configured.is_denied(link.url):
                request = self._request(link.url, SECTION, hops=hops + 1)
            else:
                request = None
            if request:
                yield request

    def parse_feed(self, response: Response) -> Iterator[scrapy.Request | RawDocument]:
        try:
            links = feed_links(response.body)
        except NotAFeed as exc:
            yield self._skipped(response.url, exc.code, f"feed unreadable: {exc}")
            return
        self.crawler.stats.inc_value("newsmill/crawl/feed_links", len(links))
        # A feed lists articles by definition; deny rules and the site boundary still apply.
        for url in links:
            url = response.urljoin(url)
            if self._on_site(url) and not self.configured.is_denied(url) and (request := self._article_request(url)):
                yield request

    def parse_sitemap(self, response: Response) -> Iterator[scrapy.Request | RawDocument]:
        try:
            found = sitemap_links(response.body, self.max_size)
        except NotAFeed as exc:
            yield self._skipped(response.url, exc.code, f"sitemap unreadable: {exc}")
            return
        for url in found.sitemaps:
            if self.sitemaps_left <= 0:
                # an index of hundreds of monthly sitemaps must not spend the page budget
                self.crawler.stats.inc_value("newsmill/crawl/over_max_sitemaps")
                break
            if self._on_site(url) and (request := self._request(url, SITEMAP)):
                self.sitemaps_left -= 1
                yield request
        self.crawler.stats.inc_value("newsmill/crawl/sitemap_links", len(found.pages))
        for url in found.pages:
            if self._is_article(url) and (request := self._article_request(url)):
                yield request

    def parse_robots(self, response: Response) -> Iterator[scrapy.Request]:
        for url in robots_sitemaps(response.body, response.url):
            if self._on_site(url) and (request := self._request(url, SITEMAP)):
                yield request

    def on_error(self, failure: Failure) -> Iterator[RawDocument]:
        code, reason = describe_failure(failure)
        self.crawler.stats.inc_value(f"newsmill/crawl/failed/{code}")
        # Scrapy sets .request on the Failure it hands to an errback; twisted does not declare it
        yield self._skipped(failure.request.url, code, reason)  # type: ignore[attr-defined]

    # -- requests -----------------------------------------------------------------------

    def _article_request(self, url: str) -> scrapy.Request | None:
        if self._stored_recently(url):
            self.crawler.stats.inc_value("newsmill/crawl/already_stored")
            return None
        return self._request(url, ARTICLE)

    def _request(self, url: str, role: str, hops: int | None = None) -> scrapy.Request | None:
        key = canonical_url(url) or url
        if key in self.scheduled:
            return None
        if self.pages_left <= 0:
            self.crawler.stats.inc_value("newsmill/crawl/over_max_pages")
            return None
        self.scheduled.add(key)
        self.pages_left -= 1
        callback = {FEED: self.parse_feed, SITEMAP: self.parse_sitemap, ROBOTS: self.parse_robots}.get(
            role, self.parse_page
        )
        meta: dict[str, object] = {ROLE: role}
        if hops is not None:
            meta[HOPS] = hops
        if role == ROBOTS:
            # Reading robots.txt for its Sitemap: lines is what robots.txt is for.
            meta["dont_obey_robotstxt"] = True
        return scrapy.Request(url, callback=callback, errback=self.on_error, meta=meta)

    def _stored_recently(self, url: str) -> bool:
        """Stored, and the revisit policy does not ask for a fresh look yet."""
        revisit_after = self.configured.revisit_after
        if revisit_after == 0 or self.lookup is None:
            return False
        last_seen = self.lookup.last_seen((canonical_url(url), url))
        if last_seen is None:
            return False
        if revisit_after is None:
            return True
        return datetime.fromisoformat(last_seen) > datetime.now(UTC) - timedelta(seconds=revisit_after)

    def _is_article(self, url: str) -> bool:
        return self._on_site(url) and self.configured.is_article(url)

    def _on_site(self, url: str) -> bool:
        """http(s) on the source's own site: links elsewhere are never followed."""
        scheme, host = _scheme_and_host(url)
        if scheme not in ("http", "https"):
            return False
        return any(host == domain or host.endswith("." + domain) for domain in self.allowed_domains)

    # -- items --------------------------------------------------------------------------

    def _document(self, response: Response) -> RawDocument:
        if not isinstance(response, TextResponse):
            return self._skipped(
                response.url, "not_html", f"not an HTML page ({_content_type(response) or 'no Content-Type'})"
            )
        return RawDocument(
            kind=HTML,
            source=self.source_name,
            body=response.body,
            url=response.url,
            declared_encoding=_content_type(response),
            fetched_at=utc_now(),
            language_hint=self.configured.language,
            timezone=self.timezone,
        )

    def _skipped(self, url: str, code: str, reason: str) -> RawDocument:
        return RawDocument(
            kind=HTML, source=self.source_name, url=url, fetched_at=utc_now(), skip_code=code, skip_reason=reason
        )


def _scheme_and_host(url: str) -> tuple[str, str]:
    try:
        parts = urlsplit(url)
        return parts.scheme.lower(), (parts.hostname or "").lower()
    except ValueError:
        return "", ""


def _content_type(response: Response) -> str | None:
    value = response.headers.get(b"Content-Type")
    return value.decode("latin-1") if value else None
