"""Crawl components one at a time: feed and sitemap readers, the guard, Retry-After, failure
codes, the archive lookup and the news spider's callbacks on built responses."""

from __future__ import annotations

import asyncio
import gzip
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
from scrapy import Request, Spider
from scrapy.exceptions import DownloadTimeoutError, IgnoreRequest
from scrapy.http import HtmlResponse, Response
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.test import get_crawler
from twisted.python.failure import Failure

from crawler.items import RawDocument
from crawler.middlewares.guard import RedirectGuardMiddleware, UrlGuardMiddleware, is_internal_address
from crawler.middlewares.refusals import Refused
from crawler.middlewares.retry_after import retry_after_seconds
from crawler.spiders.news import NewsSpider
from crawler.spiders.news_failures import describe_failure
from crawler.spiders.news_feeds import NotAFeed, feed_links, robots_sitemaps, sitemap_links
from storage.archive import Archive
from storage.lookup import ArchiveLookup
from storage.records import ArticleRecord

# -- feeds and sitemaps ------------------------------------------------------------------


def test_rss_atom_and_rdf_links():
    rss = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>
        <item><title>a</title><link>https://n.test/2026/a.html</link></item>
        <item><title>b</title><guid isPermaLink="true">https://n.test/2026/b.html</guid></item>
        <item><title>a again</title><link> https://n.test/2026/a.html </link></item>
        </channel></rss>"""
    assert feed_links(rss) == ["https://n.test/2026/a.html", "https://n.test/2026/b.html"]
    atom = b"""<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>c</title>
        <link rel="alternate" href="https://n.test/2026/c.html"/><link rel="enclosure" href="https://n.test/c.jpg"/>
        </entry><entry><link href="https://n.test/2026/d.html"/></entry></feed>"""
    assert feed_links(atom) == ["https://n.test/2026/c.html", "https://n.test/2026/d.html"]
    rdf = b"""<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/">
        <item rdf:about="https://n.test/2026/e.html"><link>https://n.test/2026/e.html</link></item></rdf:RDF>"""
    assert feed_links(rdf) == ["https://n.test/2026/e.html"]


def test_feed_reader_refuses_html_and_does_not_expand_entities():
    with pytest.raises(NotAFeed):
        feed_links(b"<html><body><a href='/x'>x</a></body></html>")
    xxe = b"""<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/passwd">]>
        <rss><channel><item><link>https://n.test/&x;</link></item></channel></rss>"""
    assert all("root:" not in link for link in feed_links(xxe))


def test_sitemap_entries_come_newest_first():
    urlset = b"""<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
        <url><loc>https://n.test/2019/old.html</loc><lastmod>2019-01-02</lastmod></url>
        <url><loc>https://n.test/undated.html</loc></url>
        <url><loc>https://n.test/2026/new.html</loc><lastmod>2026-11-18T08:00:00+00:00</lastmod></url>
        </urlset>"""
    assert sitemap_links(urlset, 1 << 20).pages == [
        "https://n.test/2026/new.html",
        "https://n.test/2019/old.html",
        "https://n.test/undated.html",
    ]


def test_sitemap_index_news_sitemap_gzip_and_robots():
    index = b"""<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
        <sitemap><loc>https://n.test/news.xml</loc></sitemap></sitemapindex>"""
    assert sitemap_links(index, 1 << 20).sitemaps == ["https://n.test/news.xml"]
    news = b"""<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"><url><loc>https://n.test/2026/a.html</loc>
        <news:news><news:title>A</news:title></news:news></url></urlset>"""
    assert sitemap_links(news, 1 << 20).pages == ["https://n.test/2026/a.html"]
    assert sitemap_links(gzip.compress(news), 1 << 20).pages == ["https://n.test/2026/a.html"]
    with pytest.raises(NotAFeed) as caught:  # a gzipped sitemap past the cap is not expanded
        sitemap_links(gzip.compress(b" " * 5000 + news), 1000)
    assert caught.value.code == "too_large"


@pytest.mark.parametrize("body", [b"", b"not xml at all", b"\x1f\x8bgarbage", b"<html><body>x</body></html>"])
def test_unreadable_sitemaps_are_refused_with_a_code(body):
    with pytest.raises(NotAFeed) as caught:
        sitemap_links(body, 1 << 20)
    assert caught.value.code == "not_a_sitemap"
    robots = b"User-agent: *\nDisallow: /x/\nSitemap: /sitemap.xml\nsitemap: https://n.test/news.xml\n"
    assert robots_sitemaps(robots, "https://n.test/robots.txt") == [
        "https://n.test/sitemap.xml",
        "https://n.test/news.xml",
    ]


# -- Retry-After ---------------------------------------------------------------------------


def test_retry_after_values():
    now = datetime(2026, 11, 24, 3, 0, tzinfo=UTC)
    assert retry_after_seconds(b"1") == 1.0
    assert retry_after_seconds(format_datetime(now + timedelta(seconds=30), usegmt=True), now=now) == 30.0
    assert retry_after_seconds(format_datetime(now - timedelta(seconds=30), usegmt=True), now=now) == 0.0
    assert retry_after_seconds(b"soon") is None
    assert retry_after_seconds(None) is None


# -- guard ---------------------------------------------------------------------------------


class _Spider:
    source_hosts = frozenset({"127.0.0.1"})


def _guard() -> UrlGuardMiddleware:
    crawler = get_crawler()
    crawler.spider = _Spider()
    return UrlGuardMiddleware.from_crawler(crawler)


def _check(guard, url, **meta):
    return asyncio.run(guard.process_request(Request(url, meta=meta)))


@pytest.mark.parametrize(
    "address", ["127.0.0.1", "10.1.2.3", "192.168.0.1", "169.254.169.254", "::1", "::ffff:10.0.0.1", "0.0.0.0"]
)
def test_internal_addresses(address):
    assert is_internal_address(address)


def test_public_address_is_not_internal():
    assert not is_internal_address("93.184.216.34")


def test_guard_allows_the_sources_own_private_host():
    assert _check(_guard(), "http://127.0.0.1:8080/news/a.html") is None


@pytest.mark.parametrize(
    "url", ["http://10.0.0.5/admin", "http://169.254.169.254/latest/meta-data/", "http://[::1]:6379/"]
)
def test_guard_refuses_foreign_internal_hosts(url):
    with pytest.raises(Refused) as caught:
        _check(_guard(), url)
    assert caught.value.code == "unsafe_url"
    with pytest.raises(Refused) as caught:
        _check(_guard(), url, redirect_times=1)
    assert caught.value.code == "redirect_refused"


def test_guard_refuses_names_that_resolve_inside(monkeypatch):
    async def resolves_inside(host):
        return host == "intranet.test"

    guard = _guard()
    monkeypatch.setattr(guard, "_lookup", resolves_inside)
    with pytest.raises(Refused):
        _check(guard, "http://intranet.test/")
    assert _check(guard, "http://news.test/") is None


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://127.0.0.1/x", "data:text/html,hi"])
def test_guard_refuses_other_schemes(url):
    with pytest.raises(Refused):
        _check(_guard(), url)


def _redirect(location: bytes, url="http://127.0.0.1/a", **meta):
    request = Request(url, meta=meta)
    return request, Response(url, status=302, headers={"Location": location}, request=request)


def test_redirect_guard():
    guard = RedirectGuardMiddleware()
    request, response = _redirect(b"/b")
    assert guard.process_response(request, response) is response
    with pytest.raises(Refused) as caught:
        guard.process_response(*_redirect(b"file:///etc/passwd"))
    assert caught.value.code == "redirect_refused"
    with pytest.raises(Refused) as caught:
        guard.process_response(*_redirect(b"/a#top"))
    assert caught.value.code == "redirect_loop"
    with pytest.raises(Refused) as caught:
        guard.process_response(
            *_redirect(b"http://127.0.0.1/a", url="http://127.0.0.1/b", redirect_urls=["http://127.0.0.1/a"])
        )
    assert caught.value.code == "redirect_loop"


# -- failure codes -------------------------------------------------------------------------


def _failure(exc, url="https://n.test/a"):
    failure = Failure(exc)
    failure.request = Request(url)
    return failure


def test_failure_codes():
    response = HtmlResponse("https://n.test/a", status=503, body=b"")
    assert describe_failure(_failure(HttpError(response, "ignored"))) == ("http_503", "HTTP 503 Service Unavailable")
    assert describe_failure(_failure(Refused("robots", "forbidden")))[0] == "robots"
    assert describe_failure(_failure(DownloadTimeoutError("slow")))[0] == "timeout"
    assert describe_failure(_failure(IgnoreRequest("max redirections reached")))[0] == "too_many_redirects"
    assert describe_failure(_failure(ValueError("odd")))[0] == "fetch_error"


# -- archive lookup ------------------------------------------------------------------------


def _store(db, url, fetched_url=None, text="one two three"):
    archive = Archive.open(db)
    try:
        archive.store_batch(
            [
                ArticleRecord(
                    text=text, content_hash=str(hash(text)), url=url, fetched_url=fetched_url or url, source="t"
                )
            ]
        )
    finally:
        archive.close()


def test_lookup_finds_articles_and_sightings_read_only(tmp_path):
    db = tmp_path / "a.db"
    _store(db, "https://n.test/2026/a.html", fetched_url="https://n.test/2026/a.html?utm_source=x")
    with ArchiveLookup.open(db) as lookup:
        assert lookup.is_stored(["https://n.test/2026/a.html"])
        assert lookup.is_stored(["https://n.test/other", "https://n.test/2026/a.html?utm_source=x"])
        assert not lookup.is_stored(["https://n.test/2026/b.html", None])
        assert lookup.last_seen(["https://n.test/2026/a.html"]).startswith("20")
        with pytest.raises(Exception, match="readonly"):
            lookup.connection.execute("DELETE FROM articles")


# -- spider callbacks ----------------------------------------------------------------------

SOURCES = """
[sources.t]
start_urls = ["https://n.test/"]
allow = ["/20[0-9]{2}/"]
deny = ["/tag/"]
max_pages = 4
revisit = "%s"
"""

SECTION = b"""<html><body>
<a href="/2026/a.html">A</a> <a href="/2026/b.html">B</a> <a href="/2026/a.html#c">A again</a>
<a href="/section/x/">X</a> <a href="/tag/2026/t.html">T</a> <a href="https://other.test/2026/z.html">Z</a>
<a href="file:///etc/passwd">P</a> <a href="/2026/c.html">C</a> <a href="/2026/d.html">D</a>
</body></html>"""


def _spider(tmp_path, revisit="never", **settings):
    path = tmp_path / "sources.toml"
    path.write_text(SOURCES % revisit, encoding="utf-8")
    crawler = get_crawler(
        NewsSpider, {"NEWSMILL_SOURCES": str(path), "NEWSMILL_DB": str(tmp_path / "a.db"), **settings}
    )
    spider = NewsSpider.from_crawler(crawler, source="t")
    spider._open_lookup(spider)
    return spider


def _response(url, body, role, **meta):
    return HtmlResponse(
        url,
        body=body,
        encoding="utf-8",
        request=Request(url, meta={"newsmill_role": role, **meta}),
        headers={"Content-Type": "text/html; charset=utf-8"},
    )


def test_section_page_is_followed_not_yielded(tmp_path):
    spider = _spider(tmp_path)
    out = list(spider.parse_page(_response("https://n.test/", SECTION, "section", newsmill_hops=0)))
    assert not [item for item in out if isinstance(item, RawDocument)]
    urls = [request.url for request in out]
    # max_pages = 4: three articles and one section; denied, off-site and file: links never
    assert urls == [
        "https://n.test/2026/a.html",
        "https://n.test/2026/b.html",
        "https://n.test/section/x/",
        "https://n.test/2026/c.html",
    ]
    assert [request.meta["newsmill_role"] for request in out] == ["article", "article", "section", "article"]
    spider.closed("finished")


def test_article_pages_are_leaves_unless_asked(tmp_path):
    spider = _spider(tmp_path)
    out = list(spider.parse_page(_response("https://n.test/2026/x.html", SECTION, "article")))
    assert [type(item) for item in out] == [RawDocument]
    spider.closed("finished")
    spider = _spider(tmp_path, NEWSMILL_FOLLOW_ARTICLE_LINKS=True)
    out = list(spider.parse_page(_response("https://n.test/2026/x.html", SECTION, "article")))
    # article links only: an article page is no section, so sections are not followed from it
    assert [getattr(item, "url", None) for item in out[1:]] == [
        "https://n.test/2026/a.html",
        "https://n.test/2026/b.html",
        "https://n.test/2026/c.html",
        "https://n.test/2026/d.html",
    ]
    spider.closed("finished")


def test_article_page_is_yielded_with_its_bytes_and_content_type(tmp_path):
    spider = _spider(tmp_path)
    body = b"<html><body><article><p>Story.</p></article></body></html>"
    [document] = [
        item
        for item in spider.parse_page(_response("https://n.test/2026/a.html", body, "article"))
        if isinstance(item, RawDocument)
    ]
    assert (document.kind, document.source, document.url, document.body) == (
        "html",
        "t",
        "https://n.test/2026/a.html",
        body,
    )
    assert document.declared_encoding == "text/html; charset=utf-8" and document.fetched_at and not document.skip_code
    spider.closed("finished")


def test_stored_articles_are_not_fetched_again_unless_revisit(tmp_path):
    _store(tmp_path / "a.db", "https://n.test/2026/a.html")
    spider = _spider(tmp_path)
    urls = [
        request.url for request in spider.parse_page(_response("https://n.test/", SECTION, "section", newsmill_hops=0))
    ]
    assert "https://n.test/2026/a.html" not in urls and "https://n.test/2026/b.html" in urls
    spider.closed("finished")
    spider = _spider(tmp_path, revisit="always")
    urls = [
        request.url for request in spider.parse_page(_response("https://n.test/", SECTION, "section", newsmill_hops=0))
    ]
    assert "https://n.test/2026/a.html" in urls
    spider.closed("finished")
    spider = _spider(tmp_path, revisit="24h")  # stored moments ago: not due yet
    urls = [
        request.url for request in spider.parse_page(_response("https://n.test/", SECTION, "section", newsmill_hops=0))
    ]
    assert "https://n.test/2026/a.html" not in urls
    spider.closed("finished")


def test_errback_turns_a_failure_into_a_reject_item(tmp_path):
    spider = _spider(tmp_path)
    [document] = spider.on_error(
        _failure(Refused("robots", "forbidden by the site's robots.txt"), "https://n.test/2026/p.html")
    )
    assert (document.skip_code, document.url, document.source) == ("robots", "https://n.test/2026/p.html", "t")
    spider.closed("finished")


def test_retry_after_waits_capped_then_retries():
    import time

    from crawler.middlewares.retry_after import RetryAfterMiddleware

    crawler = get_crawler(settings_dict={"NEWSMILL_RETRY_AFTER_MAX": 0.2, "RETRY_TIMES": 1})
    crawler.spider = Spider.from_crawler(crawler, "t")
    middleware = RetryAfterMiddleware.from_crawler(crawler)
    request = Request("https://n.test/2026/a.html")
    response = Response(request.url, status=429, headers={"Retry-After": "3600"}, request=request)
    started = time.monotonic()
    retry = asyncio.run(middleware.process_response(request, response))
    assert 0.2 <= time.monotonic() - started < 2  # the server's hour, capped
    assert isinstance(retry, Request) and retry.meta["retry_times"] == 1
    started = time.monotonic()
    assert asyncio.run(middleware.process_response(retry, response)) is response  # retries used up: no wait
    assert time.monotonic() - started < 0.2


def test_sitemap_index_is_followed_newest_first_up_to_the_cap(tmp_path):
    spider = _spider(tmp_path, NEWSMILL_MAX_SITEMAPS=2)
    index = (
        b"""<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">"""
        + b"".join(
            b"<sitemap><loc>https://n.test/sitemap-2026-%02d.xml</loc><lastmod>2026-%02d-01</lastmod></sitemap>"
            % (m, m)
            for m in range(1, 6)
        )
        + b"</sitemapindex>"
    )
    response = Response("https://n.test/sitemap.xml", body=index, request=Request("https://n.test/sitemap.xml"))
    urls = [request.url for request in spider.parse_sitemap(response)]
    assert urls == ["https://n.test/sitemap-2026-05.xml", "https://n.test/sitemap-2026-04.xml"]
    spider.closed("finished")
