"""Crawl throughput: `newsmill crawl` over N unique pages from a local server, against bare
trafilatura on 2 processes over the same pages, measured in the same run.

    .venv/bin/python benchmarks/crawl.py [--pages N] [--data DIR] [--concurrency C]

Pages are unique variants of the article-extraction-benchmark pages (read in place from
/work/shared/benchmarks/article-extraction, never copied): each variant gets its own URL
and an edition line in its first paragraph. The server runs on 127.0.0.1 in this process
and lists every page in one sitemap.

- ours: the whole road (fetch, robots.txt, extract, validate, dedupe, store in SQLite) in
  one `newsmill crawl` process, politeness relaxed for a local server (no delay, no
  AutoThrottle, C connections); articles/s = pages that reached the archive (new
  articles plus duplicate sightings) / the crawl's own elapsed time (Scrapy's stats,
  process start-up excluded).
- baseline: `trafilatura.bare_extraction(with_metadata=True)` on a pool of 2 processes over
  the same HTML, already in memory; pages/s = N / wall time.
- peak RSS: the crawl's main process (Scrapy's memusage/max, its own getrusage), and the
  largest of the crawl's processes including extraction workers (getrusage of children).
"""

from __future__ import annotations

import argparse
import gzip
import json
import multiprocessing
import os
import re
import resource
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = Path("/work/shared/benchmarks/article-extraction")
_FIRST_P = re.compile(rb"<p(\s[^>]*)?>", re.IGNORECASE)


def load_html(data: Path) -> list[bytes]:
    return [gzip.decompress(path.read_bytes()) for path in sorted((data / "html").glob("*.html.gz"))]


def make_variants(originals: list[bytes], count: int) -> list[bytes]:
    """`count` pages, each unique: the n-th copy of a page carries its edition in its first paragraph."""
    pages = []
    for i in range(count):
        html = originals[i % len(originals)]
        edition = f"Edition {i // len(originals) + 1}, page {i}. ".encode()
        match = _FIRST_P.search(html)
        pages.append(
            html[: match.end()] + edition + html[match.end() :] if match else html + b"<p>" + edition + b"</p>"
        )
    return pages


class _Site(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self, pages: list[bytes]):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.pages = pages
        self.base = f"http://127.0.0.1:{self.server_address[1]}"
        urls = "".join(f"<url><loc>{self.base}/p/{i}.html</loc></url>" for i in range(len(pages)))
        self.sitemap = (
            '<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"{urls}</urlset>"
        ).encode()

    def handle_error(self, request, client_address):
        pass


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):
        pass

    def do_GET(self):
        site: _Site = self.server
        body, kind = b"", "text/html; charset=utf-8"
        if self.path == "/robots.txt":
            body, kind = b"User-agent: *\nAllow: /\n", "text/plain"
        elif self.path == "/sitemap.xml":
            body, kind = site.sitemap, "application/xml"
        elif self.path.startswith("/p/") and self.path.endswith(".html"):
            try:
                body = site.pages[int(self.path[3:-5])]
            except (ValueError, IndexError):
                body = b""
        self.send_response(200 if body else 404)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def run_crawl(site: _Site, folder: Path, concurrency: int) -> dict:
    sources = folder / "sources.toml"
    sources.write_text(
        f'[sources.bench]\nsitemaps = ["{site.base}/sitemap.xml"]\nallow = ["^[^?#]*/p/[0-9]+[.]html$"]\nmax_pages = {len(site.pages) + 10}\n',
        encoding="utf-8",
    )
    db = folder / "bench.db"
    settings = {
        "DOWNLOAD_DELAY": 0,
        "AUTOTHROTTLE_ENABLED": False,
        "CONCURRENT_REQUESTS": concurrency,
        "CONCURRENT_REQUESTS_PER_DOMAIN": concurrency,
    }
    overrides = [arg for name, value in settings.items() for arg in ("-s", f"{name}={value}")]
    command = [
        sys.executable,
        "-m",
        "crawler.cli",
        "crawl",
        "bench",
        "--sources",
        str(sources),
        "--db",
        str(db),
        "-q",
        *overrides,
    ]
    started = time.perf_counter()
    result = subprocess.run(command, cwd=REPO, capture_output=True, text=True)
    wall = time.perf_counter() - started
    peak_rss_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if result.returncode not in (0, 1):
        raise SystemExit(f"crawl failed ({result.returncode}):\n{result.stderr[-3000:]}")
    with sqlite3.connect(db) as connection:
        (stats,) = connection.execute("SELECT stats FROM runs ORDER BY id DESC LIMIT 1").fetchone()
    stats = json.loads(stats)
    archived = sum(
        stats.get(f"newsmill/{key}", 0)
        for key in ("stored", "duplicates", "near_duplicates", "new_versions", "unchanged")
    )
    return {
        "archived": archived,
        "seen": stats.get("newsmill/seen", 0),
        "skipped": {k.split("/")[-1]: v for k, v in stats.items() if k.startswith("newsmill/skipped/")},
        "elapsed": stats.get("elapsed_time_seconds") or wall,
        "wall": wall,
        "workers": stats.get("newsmill/extraction_workers", 0),
        "main_rss_mib": stats.get("memusage/max", 0) / 2**20,
        "peak_rss_mib": peak_rss_kib / 1024,
    }


def _bare(html: bytes) -> bool:
    import trafilatura

    document = trafilatura.bare_extraction(html.decode("utf-8", errors="replace"), with_metadata=True)
    return document is not None and bool(document.text)


def run_baseline(pages: list[bytes], processes: int = 2) -> dict:
    with multiprocessing.get_context("fork").Pool(processes) as pool:
        pool.map(_bare, pages[:processes])  # warm up: imports and lazy models in every worker
        started = time.perf_counter()
        results = pool.map(_bare, pages, chunksize=4)
        wall = time.perf_counter() - started
    return {"extracted": sum(results), "elapsed": wall}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=300, help="unique pages to crawl (default 300)")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--concurrency", type=int, default=8, help="connections to the local server (default 8)")
    args = parser.parse_args(argv)
    if not (args.data / "html").is_dir():
        print(f"no benchmark pages in {args.data}/html", file=sys.stderr)
        return 2

    pages = make_variants(load_html(args.data), args.pages)
    site = _Site(pages)
    threading.Thread(target=site.serve_forever, daemon=True).start()
    try:
        with tempfile.TemporaryDirectory(prefix="newsmill-bench-") as folder:
            crawl = run_crawl(site, Path(folder), args.concurrency)
    finally:
        site.shutdown()
        site.server_close()
    baseline = run_baseline(pages)

    ours_rate = crawl["archived"] / crawl["elapsed"]
    base_rate = len(pages) / baseline["elapsed"]
    print(f"pages: {len(pages)} unique variants of {len(load_html(args.data))} benchmark pages, cpus: {os.cpu_count()}")
    print(
        f"newsmill crawl        {crawl['archived']:5d} archived / {crawl['seen']} seen in {crawl['elapsed']:6.2f}s  "
        f"{ours_rate:7.1f} articles/s   (process wall {crawl['wall']:.1f}s; extraction workers {crawl['workers']}; "
        f"skipped {crawl['skipped'] or 0})"
    )
    print(
        f"bare trafilatura x2   {baseline['extracted']:5d} extracted of {len(pages)} in {baseline['elapsed']:6.2f}s  {base_rate:7.1f} pages/s"
    )
    print(f"ratio ours/baseline: {ours_rate / base_rate:.2f}")
    print(
        f"peak RSS: crawl main process {crawl['main_rss_mib']:.0f} MiB, largest crawl process {crawl['peak_rss_mib']:.0f} MiB"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
