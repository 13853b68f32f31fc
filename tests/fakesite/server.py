"""The fake site's HTTP server: 127.0.0.1, a free port, one thread per connection.

Faults are endpoints, so a crawl meets them the way it would meet a real site:
503 twice then 200, 429 with Retry-After once, a page that never answers, a 1 byte/s drip,
a gzip bomb, an oversized page, a redirect loop, a redirect to file:///etc/passwd, a 404,
a too-short page and a robots.txt Disallow. `edited = True` changes one article's text.
Every request is logged, so tests can tell what a crawl fetched.
"""

from __future__ import annotations

import contextlib
import gzip
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tests.fakesite import pages
from tests.fakesite.articles import GARDEN, GARDEN_EDITED, MARKET, MUSEUM, SHORT_BRIEF, STORIES, Story

BOMB_EXPANDED_BYTES = 64 * 1024 * 1024
HUGE_BYTES = 3 * 1024 * 1024


@dataclass(frozen=True)
class Hit:
    path: str
    host: str
    user_agent: str
    at: float


class FakeSite:
    def __init__(self):
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.server.daemon_threads = True
        self.server.block_on_close = False
        self.server.site = self
        # a crawler hanging up on a slow endpoint is expected, not worth a traceback
        self.server.handle_error = lambda request, client_address: None
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.edited = False
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        self.hits: list[Hit] = []
        self._counts: dict[str, int] = {}
        self.bomb = gzip.compress(b" " * BOMB_EXPANDED_BYTES, compresslevel=9)
        self._thread = threading.Thread(target=self.server.serve_forever, name="fakesite", daemon=True)

    def start(self) -> FakeSite:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        self.server.shutdown()
        self.server.server_close()

    def record(self, hit: Hit) -> int:
        """Log a request; return how many times this path was asked for, this one included."""
        with self._lock:
            self.hits.append(hit)
            self._counts[hit.path] = self._counts.get(hit.path, 0) + 1
            return self._counts[hit.path]

    def fetched(self) -> list[str]:
        with self._lock:
            return [hit.path for hit in self.hits]

    def clear_log(self) -> None:
        with self._lock:
            self.hits.clear()

    def url(self, path: str) -> str:
        return self.base + path


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "HarbourLedger/1.0"

    def log_message(self, format, *args):  # keep test output clean
        pass

    @property
    def site(self) -> FakeSite:
        return self.server.site

    def do_GET(self):
        path = self.path.split("?", 1)[0]
        count = self.site.record(
            Hit(path, self.headers.get("Host", ""), self.headers.get("User-Agent", ""), time.monotonic())
        )
        base = self.site.base
        stories = {story.path: story for story in STORIES}
        titles = {path: story.title for path, story in stories.items()} | {pages.WIND_COPY_PATH: pages.WIND.title}
        faults = pages.FAULTS

        if path == "/robots.txt":
            return self._send(pages.robots_txt(base), "text/plain")
        if path == "/":
            return self._send(pages.home_html(base, titles))
        if path in pages.SECTIONS:
            return self._send(pages.section_html(path, titles))
        if path == "/about.html":
            return self._send(pages.about_html())
        if path == "/feed.xml":
            return self._send(pages.rss(base, (pages.LIBRARY, *pages.FEED_ONLY)), "application/rss+xml")
        if path == "/atom.xml":
            return self._send(pages.atom(base, (pages.BAKERY, *pages.ATOM_ONLY)), "application/atom+xml")
        if path == "/sitemap_index.xml":
            return self._send(pages.sitemap_index(base), "application/xml")
        if path == "/sitemaps/news.xml":
            return self._send(pages.news_sitemap(base, (pages.FERRY, *pages.SITEMAP_ONLY)), "application/xml")
        if path == "/sitemaps/pages.xml":
            return self._send(pages.pages_sitemap(base), "application/xml")

        if path == MUSEUM.path and count <= 2:
            return self._send("<h1>Service unavailable</h1>", status=503)
        if path == MARKET.path and count == 1:
            return self._send("<h1>Slow down</h1>", status=429, headers={"Retry-After": "1"})
        if path == GARDEN.path:
            return self._send(pages.article_html(GARDEN_EDITED if self.site.edited else GARDEN))
        if path == pages.WIND_COPY_PATH:
            return self._send(pages.article_html(pages.WIND))
        if path in stories:
            return self._send(pages.article_html(stories[path]))

        if path == faults["never"]:
            self.site.stopping.wait(60)
            return None
        if path == faults["drip"]:
            return self._drip()
        if path == faults["bomb"]:
            return self._send(self.site.bomb, headers={"Content-Encoding": "gzip"})
        if path == faults["huge"]:
            return self._send(b"<html><body>" + b"<p>gallery</p>" * (HUGE_BYTES // 14) + b"</body></html>")
        if path == faults["loop"]:
            return self._redirect(faults["loop_b"])
        if path == faults["loop_b"]:
            return self._redirect(faults["loop"])
        if path == faults["passwd"]:
            return self._redirect("file:///etc/passwd")
        if path == faults["short"]:
            return self._send(pages.article_html(SHORT_BRIEF))
        if path == faults["robots"]:
            return self._send(
                pages.article_html(Story("leaked-memo", "private", "Memo", "X", "2026-11-01", ("secret",) * 200))
            )
        return self._send("<h1>Not found</h1>", status=404)

    def _send(self, body: str | bytes, content_type: str = "text/html; charset=utf-8", status: int = 200, headers=None):
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.wfile.write(data)

    def _redirect(self, location: str):
        self.send_response(302)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _drip(self):
        body = pages.article_html(pages.FERRY).encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            for byte in body:
                if self.site.stopping.wait(1.0):
                    return
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            pass
