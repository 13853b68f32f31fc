"""Where a live crawl may go: http(s) only, and never into someone's private network.

Two middlewares share one policy, because a redirect is checked twice:

- UrlGuardMiddleware (engine side, before robots.txt is fetched) checks every request,
  redirected ones included: the scheme must be http or https, and a host other than the
  source's own must not resolve to a loopback, private, link-local or reserved address
  (a page or redirect pointing at 127.0.0.1:6379 or 169.254.169.254 is an attack, not news).
- RedirectGuardMiddleware (downloader side, before RedirectMiddleware) reads Location:
  Scrapy silently hands back a redirect to file:/ftp:/data: as a plain 3xx response, and
  drops a redirect back to an already-seen URL in its duplicate filter. Refusing both here
  leaves a reject row with the reason instead of nothing.

The source's own hosts come from the spider (`source_hosts`): a site served from a private
address on purpose (an intranet, the test server) is allowed to be itself.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
from urllib.parse import urljoin

from scrapy.crawler import Crawler
from scrapy.http import Request, Response
from scrapy.utils.asyncio import run_in_thread
from scrapy.utils.httpobj import urlparse_cached
from w3lib.url import safe_url_string

from crawler.middlewares.refusals import Refused

logger = logging.getLogger(__name__)

ALLOWED_SCHEMES = frozenset({"http", "https"})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})


def is_internal_address(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_reserved or ip.is_multicast or ip.is_unspecified


def _own_hosts(crawler: Crawler) -> frozenset[str]:
    return frozenset(getattr(crawler.spider, "source_hosts", ()) or ())


class UrlGuardMiddleware:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        # host -> resolves to an internal address; one lookup per host and crawl
        self._internal: dict[str, bool] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> UrlGuardMiddleware:
        return cls(crawler)

    async def process_request(self, request: Request) -> None:
        code = "redirect_refused" if request.meta.get("redirect_times") else "unsafe_url"
        parts = urlparse_cached(request)
        if parts.scheme not in ALLOWED_SCHEMES:
            raise Refused(code, f"{parts.scheme}: URLs are never fetched")
        host = (parts.hostname or "").lower()
        if not host:
            raise Refused(code, "URL without a host")
        if host in _own_hosts(self.crawler):
            return None
        if await self._resolves_internal(host):
            self.crawler.stats.inc_value("newsmill/guard/internal_host")
            raise Refused(code, f"{host} is not this source's host and resolves to a private or loopback address")
        return None

    async def _resolves_internal(self, host: str) -> bool:
        if host not in self._internal:
            self._internal[host] = await self._lookup(host)
        return self._internal[host]

    @staticmethod
    async def _lookup(host: str) -> bool:
        try:
            return is_internal_address(host)
        except ValueError:
            pass  # a name, not an address literal
        try:
            # getaddrinfo blocks: run it off the reactor thread
            infos = await run_in_thread(socket.getaddrinfo, host, None, proto=socket.IPPROTO_TCP)
        except OSError:
            return False  # unresolvable: the download itself fails and says so
        return any(is_internal_address(str(info[4][0])) for info in infos)


class RedirectGuardMiddleware:
    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RedirectGuardMiddleware:
        return cls()

    def process_response(self, request: Request, response: Response) -> Response:
        location = response.headers.get(b"Location")
        if response.status not in REDIRECT_STATUSES or not location or request.meta.get("dont_redirect"):
            return response
        target = urljoin(request.url, safe_url_string(location.decode("latin-1").strip()))
        scheme = target.split(":", 1)[0].lower()
        if scheme not in ALLOWED_SCHEMES:
            raise Refused("redirect_refused", f"redirect to a {scheme}: URL refused")
        visited = {_without_fragment(url) for url in (*request.meta.get("redirect_urls", ()), request.url)}
        if _without_fragment(target) in visited:
            raise Refused("redirect_loop", f"redirect loop back to {target}")
        return response


def _without_fragment(url: str) -> str:
    return url.split("#", 1)[0]
