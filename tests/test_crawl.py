"""Live crawls against the fake Harbour Ledger on 127.0.0.1, asserted on the SQLite archive.

Each crawl is a subprocess (`newsmill crawl`): Twisted's reactor cannot restart in one
process. The three runs build on each other: a first crawl, an incremental second crawl,
and a third with revisit on after the site edited one article.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.fakesite import pages
from tests.fakesite.articles import GARDEN, MARKET, MUSEUM, STORIES
from tests.fakesite.server import FakeSite

ROOT = Path(__file__).resolve().parents[1]
NEWSMILL = [sys.executable, "-m", "crawler.cli"]

# Fast but still polite in shape: one connection, AutoThrottle on, tiny delays; a small
# size cap so the gzip bomb and the oversized page trip it; a short timeout for the hangs.
TEST_SETTINGS = {
    "DOWNLOAD_DELAY": "0",
    "AUTOTHROTTLE_START_DELAY": "0",
    "AUTOTHROTTLE_MAX_DELAY": "0.5",
    "DOWNLOAD_TIMEOUT": "1",
    "DOWNLOAD_MAXSIZE": str(1024 * 1024),
    "DOWNLOAD_WARNSIZE": "0",
    "NEWSMILL_BATCH_SECONDS": "0.5",
    # Extraction inline: starting worker processes costs seconds per run. The first run
    # keeps the default pool, so the crawl road is tested as users run it.
    "NEWSMILL_WORKERS": "0",
}

# Later runs meet the same hanging endpoints; retrying them again only costs time.
NO_RETRIES = {"RETRY_TIMES": "0"}

ARTICLE_PATHS = {story.path for story in STORIES}
FAULT_CODES = {
    pages.FAULTS["never"]: "timeout",
    pages.FAULTS["drip"]: "timeout",
    pages.FAULTS["bomb"]: "too_large",
    pages.FAULTS["huge"]: "too_large",
    pages.FAULTS["loop_b"]: "redirect_loop",
    pages.FAULTS["passwd"]: "redirect_refused",
    pages.FAULTS["gone"]: "http_404",
    pages.FAULTS["short"]: "too_short",
    pages.FAULTS["robots"]: "robots",
}


@dataclass
class Run:
    result: subprocess.CompletedProcess
    fetched: list[str]
    hits: list
    seconds: float


def sources_toml(site: FakeSite, revisit: str = "never") -> str:
    base = site.base
    return f"""
[sources.ledger]
start_urls = ["{base}/"]
feeds      = ["{base}/feed.xml", "{base}/atom.xml"]
sitemaps   = ["{base}/robots.txt"]
allow      = ["/20[0-9]{{2}}/[0-9]{{2}}/"]
deny       = ["/tag/"]
every      = "30m"
max_pages  = 100
language   = "en"
revisit    = "{revisit}"

[sources.ledger-feed]
feeds      = ["{base}/feed.xml"]
allow      = ["/20[0-9]{{2}}/"]
max_pages  = 5

[sources.ledger-business]
feeds      = ["{base}/atom.xml"]
allow      = ["^[^?]*/business/20[0-9]{{2}}/"]
schedule   = "*/15 * * * *"
"""


def crawl(site: FakeSite, tmp: Path, db: Path, *names: str, revisit: str = "never", command=None, settings=None) -> Run:
    sources = tmp / f"sources-{revisit}.toml"
    sources.write_text(sources_toml(site, revisit), encoding="utf-8")
    overrides = [
        arg for name, value in {**TEST_SETTINGS, **(settings or {})}.items() for arg in ("-s", f"{name}={value}")
    ]
    argv = command or [*NEWSMILL, "crawl", *names, "--sources", str(sources), "--db", str(db), *overrides]
    site.clear_log()
    started = time.monotonic()
    result = subprocess.run(
        argv,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    return Run(result, site.fetched(), list(site.hits), time.monotonic() - started)


def query(db: Path, sql: str, *params):
    with sqlite3.connect(db) as connection:
        return connection.execute(sql, params).fetchall()


def paths(site: FakeSite, urls) -> set[str]:
    return {url.removeprefix(site.base) for url in urls}


@pytest.fixture(scope="module")
def site():
    fake = FakeSite().start()
    yield fake
    fake.stop()


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    return tmp_path_factory.mktemp("crawl")


@pytest.fixture(scope="module")
def archive(workdir):
    return workdir / "archive.db"


@pytest.fixture(scope="module")
def first_run(site, workdir, archive) -> Run:
    run = crawl(site, workdir, archive, "ledger", settings={"NEWSMILL_WORKERS": "-1"})
    assert run.result.returncode == 0, run.result.stderr[-3000:]
    return run


@pytest.fixture(scope="module")
def second_run(site, workdir, archive, first_run) -> Run:
    run = crawl(site, workdir, archive, "ledger", settings=NO_RETRIES)
    assert run.result.returncode == 0, run.result.stderr[-3000:]
    return run


@pytest.fixture(scope="module")
def revisit_run(site, workdir, archive, second_run) -> Run:
    site.edited = True
    try:
        run = crawl(site, workdir, archive, "ledger", revisit="always", settings=NO_RETRIES)
    finally:
        site.edited = False
    assert run.result.returncode == 0, run.result.stderr[-3000:]
    return run


def test_first_crawl_stores_every_article_from_pages_feeds_and_sitemaps(site, archive, first_run):
    stored = paths(site, (url for (url,) in query(archive, "SELECT url FROM articles")))
    # feed-only (RSS), Atom-only and Google-News-sitemap-only stories included
    assert stored == ARTICLE_PATHS
    assert {pages.RIVER.path, pages.CRANES.path, pages.TRAM.path} <= stored
    # the wind-farm story filed under two sections: one article, two sightings
    sightings = dict(
        (url.removeprefix(site.base), relation)
        for url, relation in query(archive, "SELECT url, relation FROM sightings")
    )
    assert sightings[pages.WIND.path] == "original"
    assert sightings[pages.WIND_COPY_PATH] == "duplicate"
    assert query(archive, "SELECT DISTINCT source FROM articles") == [("ledger",)]
    assert "stored (new articles)       10" in first_run.result.stdout


def test_first_crawl_records_each_failed_or_refused_fetch_as_a_reject(site, archive, first_run):
    rejects = {
        url.removeprefix(site.base): (code, reason)
        for url, code, reason in query(archive, "SELECT url, code, reason FROM rejects")
    }
    codes = {path: code for path, (code, _) in rejects.items()}
    # an 11-word brief: the extractor may already call it no article, else validation too short
    assert codes.pop(pages.FAULTS["short"]) in ("too_short", "not_article")
    assert codes == {path: code for path, code in FAULT_CODES.items() if path != pages.FAULTS["short"]}
    assert all(reason for _, reason in rejects.values())
    run_ids = {run_id for (run_id,) in query(archive, "SELECT DISTINCT run_id FROM rejects")}
    assert run_ids == {1}


def test_first_crawl_run_row_holds_scrapy_stats(archive, first_run):
    [(kind, status, args, stats)] = query(archive, "SELECT kind, status, args, stats FROM runs")
    stats = json.loads(stats)
    assert (kind, status) == ("crawl", "finished")
    assert json.loads(args)["source_name"] == "ledger"
    assert stats["newsmill/stored"] == 10
    assert stats["newsmill/skipped/timeout"] == 2
    assert stats["retry/count"] >= 3  # 503 twice, 429 once (plus the hangs)
    assert stats["newsmill/retry_after/waits"] == 1
    assert stats["robotstxt/forbidden"] == 1


def test_first_crawl_is_polite_and_stays_on_the_site(site, first_run):
    fetched = first_run.fetched
    assert all(hit.host == site.base.removeprefix("http://") for hit in first_run.hits)  # never "localhost"
    assert all(hit.user_agent.startswith("newsmill/") for hit in first_run.hits)
    assert pages.FAULTS["robots"] not in fetched
    assert pages.DENIED_PATH not in fetched
    assert "/news/2026/11/mirror.html" not in fetched
    # 503 twice, then 200: three attempts; 429 then 200 after its Retry-After of 1 s
    assert fetched.count(MUSEUM.path) == 3
    market = [hit.at for hit in first_run.hits if hit.path == MARKET.path]
    assert len(market) == 2 and market[1] - market[0] >= 0.9
    # each article fetched once, even when linked from several pages, feeds and sitemaps
    assert all(fetched.count(path) == 1 for path in ARTICLE_PATHS - {MUSEUM.path, MARKET.path})


@pytest.mark.slow
def test_second_crawl_fetches_nothing_already_stored(site, archive, second_run):
    fetched = set(second_run.fetched)
    assert not fetched & ARTICLE_PATHS
    assert not fetched & {pages.WIND_COPY_PATH}
    # navigation is fetched again, or new stories could not be found
    assert {"/", "/feed.xml", "/atom.xml", "/sitemaps/news.xml"} <= fetched
    assert query(archive, "SELECT count(*) FROM articles") == [(10,)]
    assert query(archive, "SELECT count(*), max(status) FROM runs") == [(2, "finished")]
    assert "stored (new articles)       0" in second_run.result.stdout


@pytest.mark.slow
def test_revisit_turns_an_edited_article_into_a_new_version(site, archive, revisit_run):
    assert set(revisit_run.fetched) >= ARTICLE_PATHS
    [(article_id, text)] = query(archive, "SELECT id, text FROM articles WHERE url = ?", site.url(GARDEN.path))
    assert "Correction:" in text
    versions = query(archive, "SELECT text FROM versions WHERE article_id = ?", article_id)
    assert len(versions) == 1 and "Correction:" not in versions[0][0]
    assert query(archive, "SELECT count(*) FROM articles") == [(10,)]
    assert "updated (new versions)      1" in revisit_run.result.stdout
    # every stored page but the edited one came back byte for byte: not extracted again
    assert "already in archive          10 (10 with the same bytes: not extracted again)" in revisit_run.result.stdout


@pytest.mark.slow
def test_scrapy_crawl_news_works_like_any_scrapy_project(site, workdir):
    db = workdir / "scrapy.db"
    sources = workdir / "sources-scrapy.toml"
    sources.write_text(sources_toml(site), encoding="utf-8")
    overrides = [arg for name, value in TEST_SETTINGS.items() for arg in ("-s", f"{name}={value}")]
    command = [
        sys.executable,
        "-m",
        "scrapy",
        "crawl",
        "news",
        "-a",
        "source=ledger-feed",
        "-s",
        f"NEWSMILL_SOURCES={sources}",
        "-s",
        f"NEWSMILL_DB={db}",
        "-s",
        "LOG_LEVEL=WARNING",
        *overrides,
    ]
    run = crawl(site, workdir, db, command=command)
    assert run.result.returncode == 0, run.result.stderr[-3000:]
    stored = paths(site, (url for (url,) in query(db, "SELECT url FROM articles")))
    # the feed's two stories; their "Read next" links are not followed by default
    assert stored == {pages.LIBRARY.path, pages.RIVER.path}
    assert pages.FERRY.path not in run.fetched
    assert query(db, "SELECT kind, status FROM runs") == [("crawl", "finished")]


@pytest.mark.slow
def test_several_sources_share_one_run_with_a_runs_row_each(site, workdir):
    db = workdir / "two.db"
    run = crawl(site, workdir, db, "ledger-feed", "ledger-business")
    assert run.result.returncode == 0, run.result.stderr[-3000:]
    assert "source ledger-feed" in run.result.stdout and "source ledger-business" in run.result.stdout
    by_source = {}
    for url, source in query(db, "SELECT url, source FROM articles"):
        by_source.setdefault(source, set()).add(url.removeprefix(site.base))
    assert by_source == {
        "ledger-feed": {pages.LIBRARY.path, pages.RIVER.path},
        "ledger-business": {pages.BAKERY.path, pages.CRANES.path},
    }
    runs = query(db, "SELECT args, status FROM runs ORDER BY id")
    assert sorted(json.loads(args)["source_name"] for args, _ in runs) == ["ledger-business", "ledger-feed"]
    assert {status for _, status in runs} == {"finished"}


def test_unknown_source_is_one_line(site, workdir):
    sources = workdir / "sources-errors.toml"
    sources.write_text(sources_toml(site), encoding="utf-8")
    result = subprocess.run(
        [*NEWSMILL, "crawl", "nosuch", "--sources", str(sources), "--db", str(workdir / "x.db")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"newsmill: {sources}: no source named nosuch (defined: ledger, ledger-business, ledger-feed)"
    ]


def test_invalid_sources_file_is_one_line(workdir):
    sources = workdir / "sources-bad.toml"
    sources.write_text('[sources.x]\nfeeds = ["https://a.test/rss"]\nevry = "1h"\n', encoding="utf-8")
    result = subprocess.run(
        [*NEWSMILL, "crawl", "x", "--sources", str(sources), "--db", str(workdir / "x.db")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 2
    assert "source 'x': unknown key 'evry'" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
