"""Links out of RSS 2.0, RSS 1.0 (RDF), Atom feeds and sitemaps, read with real XML parsers.

Feeds go through lxml with entity expansion and network access off (no XXE, no billion
laughs); sitemaps through Scrapy's own Sitemap reader, which handles sitemap indexes and
Google News sitemaps (<news:news> children are ignored, <loc> is what we follow).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from lxml import etree
from scrapy.utils.gz import gunzip
from scrapy.utils.sitemap import Sitemap, sitemap_urls_from_robots

from pipelines.reasons import Refusal

logger = logging.getLogger(__name__)

GZIP_MAGIC = b"\x1f\x8b"

_ITEM_LINKS = etree.XPath(
    "//*[local-name()='item']/*[local-name()='link']/text()"
    " | //*[local-name()='item'][not(*[local-name()='link'])]/*[local-name()='guid'][not(@isPermaLink='false')]/text()"
    " | //*[local-name()='item']/@*[local-name()='about']"
)
_ENTRY_LINKS = etree.XPath("//*[local-name()='entry']/*[local-name()='link'][not(@rel) or @rel='alternate']/@href")


class NotAFeed(Refusal, ValueError):
    """A feed or sitemap that cannot be read; `code` is the reject code."""

    def __init__(self, reason: str, code: str = "not_a_feed"):
        super().__init__(code, reason)


def feed_links(body: bytes) -> list[str]:
    """Article links of a feed, in feed order, without repeats."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, recover=True, huge_tree=False)
    try:
        root = etree.fromstring(body, parser=parser)
    except etree.XMLSyntaxError as exc:
        raise NotAFeed(f"unreadable XML: {exc}") from exc
    if root is None:
        raise NotAFeed("empty or unreadable XML")
    name = etree.QName(root).localname.lower()
    if name not in ("rss", "rdf", "feed", "channel"):
        raise NotAFeed(f"root element <{name}> is not RSS or Atom")
    links = [str(link).strip() for link in (*_ITEM_LINKS(root), *_ENTRY_LINKS(root))]
    return list(dict.fromkeys(link for link in links if link))


@dataclass
class SitemapLinks:
    """Links of one sitemap, newest first when it gives <lastmod> dates."""

    sitemaps: list[str] = field(default_factory=list)  # nested sitemaps to fetch
    pages: list[str] = field(default_factory=list)


def sitemap_links(body: bytes, max_size: int) -> SitemapLinks:
    if body[:2] == GZIP_MAGIC:
        # a .xml.gz served without Content-Encoding; capped like any decompression
        try:
            body = gunzip(body, max_size=max_size)
        except ValueError as exc:  # Scrapy's cap exception is a ValueError
            raise NotAFeed("sitemap larger than DOWNLOAD_MAXSIZE once decompressed", "too_large") from exc
        except (OSError, EOFError) as exc:
            raise NotAFeed(f"corrupt gzip: {exc}", "not_a_sitemap") from exc
    found = SitemapLinks()
    try:
        sitemap = Sitemap(body)
        if sitemap.type not in ("sitemapindex", "urlset"):
            raise NotAFeed(f"root element <{sitemap.type}> is not a sitemap", "not_a_sitemap")
        entries = [(entry["loc"], entry.get("lastmod") or "") for entry in sitemap if entry.get("loc")]
    except (etree.LxmlError, StopIteration) as exc:
        # StopIteration: lxml found no element at all
        raise NotAFeed(f"unreadable XML: {exc or 'no element found'}", "not_a_sitemap") from exc
    # Plain sitemaps often list the oldest pages first; a run's page budget belongs to the
    # newest. W3C datetimes sort as text; undated entries keep their order, after dated ones.
    entries.sort(key=lambda entry: entry[1], reverse=True)
    links = [loc for loc, _ in entries]
    if sitemap.type == "sitemapindex":
        found.sitemaps = links
    else:
        found.pages = links
    return found


def robots_sitemaps(body: bytes, base_url: str) -> list[str]:
    return list(dict.fromkeys(sitemap_urls_from_robots(body, base_url=base_url)))
