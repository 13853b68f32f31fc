"""Datasette latency on a 100k-article archive while a real `newsmill ingest` writes into it.

    python benchmarks/serve_while_writing.py [--articles 100000] [--requests 300] [--keep DIR]

1. Builds the archive: synthetic articles written through `storage.Archive.store_batch` in
   big batches (the same writer and dedup checks as an ingest; the time is printed): 100k
   articles take 75-130 s on 2 cores (1,300-760 articles/s), 336 MB. `--keep DIR` reuses it.
2. Starts `newsmill serve` on 127.0.0.1 (a free port) and a real `newsmill ingest` of a folder
   of new stories into the same archive, rerun in a loop so the writer never stops.
3. Sends `--requests` requests of each kind with httpx, interleaved, within `--max-seconds`:
   search (`articles.json?_search=`), the `search` canned query, the table sorted by
   publication date, and single rows. Prints p50 / p95 per kind, the error count, and how
   many requests were answered while the ingest was writing. Goal: p95 < 200 ms, 0 errors.
   `--facet-indexes` first indexes the four facet columns of `articles` (a what-if for the
   schema: without them each facet scans every article).

All traffic goes to 127.0.0.1; the loops are bounded in count and time and stop by themselves.
"""

from __future__ import annotations

import argparse
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from hashlib import sha256
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import httpx  # noqa: E402  # after sys.path gets the repo

from benchmarks.soak import OBJECTS, PLACES, SECTIONS, SENTENCES, SUBJECTS, VERBS, _fill, write_corpus  # noqa: E402  # after sys.path gets the repo
from storage.archive import Archive  # noqa: E402  # after sys.path gets the repo
from storage.records import ArticleRecord  # noqa: E402  # after sys.path gets the repo

BUILD_BATCH = 5000
INGEST_FILES = 3000
REQUEST_TIMEOUT_SECONDS = 10
SERVE_START_SECONDS = 60
STOP_SECONDS = 30
GOAL_P95_MS = 200
FACET_COLUMNS = ("source", "site", "language", "section")  # as config/datasette.yml facets articles
SEARCH_WORDS = ["harbour", "bridge", "council", "ferry", "tender", "solar", "museum", "pension", "tram", "border"]
LANGUAGES = ["en", "ru", "az", "ka", "hy"]
EXTRA_WORDS = SEARCH_WORDS + ["lighthouse", "vineyard", "railway", "clinic", "stadium", "library", "canal", "orchard"]


def synthetic_records(count: int, seed: int):
    rng = random.Random(seed)
    for n in range(count):
        paragraphs = [" ".join(_fill(rng, template) for template in rng.sample(SENTENCES, 2)) for _ in range(4)]
        paragraphs.append(
            f"Reporters noted the {rng.choice(EXTRA_WORDS)} and the {rng.choice(EXTRA_WORDS)} story number {n}."
        )
        text = "\n\n".join(paragraphs)
        place = rng.choice(PLACES)
        yield ArticleRecord(
            text=text,
            content_hash=sha256(text.encode()).hexdigest(),
            source=f"site-{n % 7}",
            url=f"https://news-{n % 7}.example/{place.lower()}/{n}",
            title=f"{place} {rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)} ({n})",
            published=f"{rng.randint(2015, 2025)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T{rng.randint(0, 23):02d}:00:00+00:00",
            language=rng.choice(LANGUAGES),
            section=rng.choice(SECTIONS),
            site=f"news-{n % 7}.example",
        )


def build_archive(db: Path, count: int) -> float:
    started = time.monotonic()
    archive = Archive.open(db)
    try:
        batch = []
        for record in synthetic_records(count, seed=1):
            batch.append(record)
            if len(batch) == BUILD_BATCH:
                archive.store_batch(batch)
                batch = []
                print(
                    f"  {archive.db.execute('select count(*) from articles').fetchone()[0]} articles",
                    end="\r",
                    flush=True,
                )
        if batch:
            archive.store_batch(batch)
    finally:
        archive.close()
    return time.monotonic() - started


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(db: Path, port: int) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, "-m", "crawler.cli", "serve", "--db", str(db), "--port", str(port)],
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + SERVE_START_SECONDS
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/-/versions.json", timeout=2).status_code == 200:
                return process
        except httpx.TransportError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("newsmill serve did not start")


class Writer(threading.Thread):
    """`newsmill ingest` of the same folder again and again until told to stop: the first pass
    stores new articles, later passes refresh their sightings; the archive is always being written."""

    def __init__(self, folder: Path, db: Path):
        super().__init__(daemon=True)
        self.folder, self.db = folder, db
        self.stop = threading.Event()
        self.process: subprocess.Popen | None = None
        self.passes = 0
        self.failures: list[str] = []

    def run(self) -> None:
        while not self.stop.is_set():
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "crawler.cli",
                    "ingest",
                    str(self.folder),
                    "--db",
                    str(self.db),
                    "-q",
                    "-s",
                    "NEWSMILL_WORKERS=0",
                ],
                cwd=REPO,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                text=True,
            )
            _, stderr = self.process.communicate()
            if self.process.returncode not in (0, -signal.SIGTERM):
                self.failures.append(stderr.strip()[-300:])
            self.passes += 1

    @property
    def writing(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def finish(self) -> None:
        """Stop the ingest running now (SIGTERM: it commits its batch), and any the thread
        started meanwhile; never leave one behind holding the archive's writer lock."""
        self.stop.set()
        deadline = time.monotonic() + STOP_SECONDS
        while self.is_alive():
            process = self.process
            if process is not None and process.poll() is None:
                process.send_signal(signal.SIGTERM if time.monotonic() < deadline else signal.SIGKILL)
            self.join(timeout=1)


def measure(base: str, db_name: str, max_id: int, requests: int, max_seconds: float, writer: Writer) -> dict:
    rng = random.Random(2)
    kinds = {
        "search": lambda: f"/{db_name}/articles.json?_search={rng.choice(SEARCH_WORDS)}",
        "canned search": lambda: f"/{db_name}/search.json?q={rng.choice(SEARCH_WORDS)}",
        "table": lambda: f"/{db_name}/articles.json?_sort_desc=published",
        "row": lambda: f"/{db_name}/articles/{rng.randint(1, max_id)}.json",
    }
    timings = {kind: [] for kind in kinds}
    errors: list[str] = []
    while_writing = 0
    deadline = time.monotonic() + max_seconds
    with httpx.Client(base_url=base, timeout=REQUEST_TIMEOUT_SECONDS) as client:
        for _ in range(requests):
            for kind, path in kinds.items():
                if time.monotonic() > deadline:
                    break
                url = path()
                started = time.perf_counter()
                try:
                    response = client.get(url)
                    ok = response.status_code == 200
                    detail = f"{response.status_code} {response.text[:120]}"
                except httpx.HTTPError as exc:
                    ok, detail = False, f"{type(exc).__name__}: {exc}"
                timings[kind].append((time.perf_counter() - started) * 1000)
                while_writing += writer.writing
                if not ok:
                    errors.append(f"{url}: {detail}")
    return {"timings": timings, "errors": errors, "while_writing": while_writing}


def percentile(values: list[float], share: float) -> float:
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[int(share * 100) - 1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=300, help="requests of each kind")
    parser.add_argument("--max-seconds", type=float, default=300, help="stop sending requests after this long")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it (a kept archive is reused)")
    parser.add_argument(
        "--facet-indexes",
        action="store_true",
        help="what-if: index the facet columns (source, site, language, section) before serving",
    )
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="newsmill-serve-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    db = work / "bench.db"
    try:
        if not db.exists():
            print(f"building {args.articles} articles through Archive.store_batch (batches of {BUILD_BATCH}) ...")
            seconds = build_archive(db, args.articles)
            print(
                f"built {args.articles} articles in {seconds:.1f}s ({args.articles / seconds:.0f}/s), {db.stat().st_size / 1e6:.0f} MB"
            )
        corpus = work / "incoming"
        if not corpus.exists():
            write_corpus(corpus, INGEST_FILES, 30, seed=99)
        if args.facet_indexes:
            _index_facet_columns(db)
        max_id = _max_id(db)
        port = free_port()
        server = start_server(db, port)
        writer = Writer(corpus, db)
        try:
            writer.start()
            while not writer.writing:
                time.sleep(0.05)
            time.sleep(2)  # past its start-up: the ingest is writing batches now
            result = measure(f"http://127.0.0.1:{port}", db.stem, max_id, args.requests, args.max_seconds, writer)
        finally:
            writer.finish()
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
        report(result, writer)
        worst = max(percentile(values, 0.95) for values in result["timings"].values() if values)
        return 0 if not result["errors"] and worst < GOAL_P95_MS and not writer.failures else 1
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


def _index_facet_columns(db: Path) -> None:
    """Without these, each configured facet scans every article (~100 ms per facet at 100k)."""
    import sqlite3

    with sqlite3.connect(db) as connection:
        for column in FACET_COLUMNS:
            connection.execute(f"CREATE INDEX IF NOT EXISTS bench_articles_{column} ON articles ({column})")


def _max_id(db: Path) -> int:
    import sqlite3

    with sqlite3.connect(db) as connection:
        return connection.execute("select max(id) from articles").fetchone()[0]


def report(result: dict, writer: Writer) -> None:
    total = sum(len(values) for values in result["timings"].values())
    print(
        f"\n{total} requests, {result['while_writing']} of them while `newsmill ingest` was writing "
        f"({writer.passes} ingest passes)"
    )
    print(f"{'kind':<15} {'n':>5} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for kind, values in result["timings"].items():
        if values:
            print(
                f"{kind:<15} {len(values):>5} {percentile(values, 0.5):>8.1f} {percentile(values, 0.95):>8.1f} {max(values):>8.1f}"
            )
    print(f"errors: {len(result['errors'])}")
    for error in result["errors"][:10]:
        print(f"  {error}")
    for failure in writer.failures[:3]:
        print(f"ingest failed: {failure}")


if __name__ == "__main__":
    sys.exit(main())
