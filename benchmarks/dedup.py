"""Dedup + store cost per article as the archive grows, against the cost of extraction.

    .venv/bin/python benchmarks/dedup.py                     # 10k, 100k stored articles (4-8 min on 2 busy cores)
    .venv/bin/python benchmarks/dedup.py --max 1000000 --words 120   # adds 1M (~20-25 min, 3 GB temp)

Synthetic articles (Zipf-distributed words from a fixed vocabulary, seeded) are stored through
Archive.store_batch in batches, exactly as the store pipeline does. At each checkpoint of the
ladder (10k, 100k, 1M articles stored) a sample of further articles is measured: most new,
some exact copies and some edited copies of stored ones, so every branch of the decision runs.
Measured per article: content hash + MinHash fingerprint + store_batch (decision and writes),
in CPU and wall time; the process RSS; and, in the same run, trafilatura.bare_extraction of a
typical news page (chrome, menus, related links, a 600-word article), the cost dedup must stay
well under.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from storage.archive import Archive  # noqa: E402  # after sys.path gets the repo
from storage.dedup.minhash import fingerprint_of_normalized  # noqa: E402  # after sys.path gets the repo
from storage.dedup.normalize import body_hash, normalize_body  # noqa: E402  # after sys.path gets the repo
from storage.records import ArticleRecord  # noqa: E402  # after sys.path gets the repo

LADDER = (10_000, 100_000, 1_000_000)
VOCABULARY_SIZE = 20_000


class Corpus:
    """Deterministic synthetic bodies: paragraphs of Zipf-distributed words."""

    def __init__(self, words_per_article: int, seed: int = 7):
        self.rng = np.random.default_rng(seed)
        letters = np.array(list("abcdefghijklmnopqrstuvwxyz"))
        lengths = self.rng.integers(2, 11, VOCABULARY_SIZE)
        self.vocabulary = np.array(["".join(self.rng.choice(letters, n)) for n in lengths])
        ranks = np.arange(1, VOCABULARY_SIZE + 1)
        weights = 1.0 / ranks**1.05
        self.cumulative = np.cumsum(weights / weights.sum())
        self.words = words_per_article

    def body(self) -> str:
        picks = np.searchsorted(self.cumulative, self.rng.random(self.words))
        chosen = self.vocabulary[np.minimum(picks, VOCABULARY_SIZE - 1)]
        paragraphs = [" ".join(chosen[start : start + 40]) + "." for start in range(0, self.words, 40)]
        return "\n\n".join(paragraphs)


def edited_copy(text: str, rng: random.Random) -> str:
    """A syndicated copy: an UPDATED line, two changed words, the last paragraph dropped when long."""
    paragraphs = text.split("\n\n")
    if len(paragraphs) > 5:
        paragraphs = paragraphs[:-1]
    words = "\n\n".join(paragraphs).split(" ")
    for _ in range(2):
        words[rng.randrange(len(words))] = "corrected"
    return "UPDATED: figures corrected.\n\n" + " ".join(words)


def make_record(text: str, number: int) -> ArticleRecord:
    """As pipelines/dedupe.py builds it: one normalisation for the hash and the fingerprint."""
    normalized = normalize_body(text)
    return ArticleRecord(
        text=text,
        content_hash=body_hash(normalized),
        fingerprint=fingerprint_of_normalized(normalized),
        source="bench",
        path=f"bench/{number}.txt",
        title=f"Article {number}",
    )


def store(archive: Archive, texts: list[str], first_number: int, batch_size: int):
    decisions = []
    for start in range(0, len(texts), batch_size):
        chunk = texts[start : start + batch_size]
        records = [make_record(text, first_number + start + i) for i, text in enumerate(chunk)]
        decisions += archive.store_batch(records)
    return decisions


def rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def typical_page(rng: random.Random, corpus: Corpus) -> str:
    """A news page as sites serve them (~120 KB): head with JSON-LD, inline config and analytics
    scripts, a mega-menu, a sidebar, a 600-word article, related links, comments and a footer."""

    def links(n: int) -> str:
        return "".join(
            f'<li class="menu-item"><a class="menu-link" href="/section/{rng.randrange(10**6)}">'
            f"<span>{corpus.body()[:50]}</span></a></li>"
            for _ in range(n)
        )

    article = Corpus(600, seed=rng.randrange(10**6)).body().split("\n\n")
    paragraphs = "".join(f"<p>{paragraph}</p>" for paragraph in article)
    config = "".join(
        f'"key{i}": {{"id": {rng.randrange(10**9)}, "enabled": true, "path": "/static/{i}.js"}}, ' for i in range(300)
    )
    return f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Harbour authority widens channel</title>
<meta property="og:title" content="Harbour authority widens channel"><meta name="author" content="Staff reporter">
<meta property="article:published_time" content="2026-03-02T08:00:00Z"><link rel="canonical" href="https://news.example/a/1">
<script type="application/ld+json">{{"@context": "https://schema.org", "@type": "NewsArticle", "headline": "Harbour authority widens channel",
"datePublished": "2026-03-02T08:00:00Z", "author": {{"@type": "Person", "name": "Staff reporter"}}}}</script>
<script>window.__CONFIG__ = {{{config}}};</script><script>{"window.dataLayer.push({event: 'view'});" * 300}</script>
<style>{".nav .item{{color:#123;margin:0 4px}} " * 400}</style></head><body>
<header><div class="top-bar"><ul>{links(20)}</ul></div><nav class="mega-menu"><ul>{links(160)}</ul></nav></header>
<div class="layout"><aside class="sidebar"><h3>Most read</h3><ul>{links(40)}</ul><div class="ad">Advertisement</div></aside>
<main><article><h1>Harbour authority widens channel</h1><div class="byline">By Staff reporter, 2 March 2026</div>
<div class="share"><a href="#">Share</a><a href="#">Tweet</a><a href="#">Email</a></div>
<div class="article-body">{paragraphs}</div></article>
<section class="related"><h2>Related</h2><ul>{links(40)}</ul></section>
<section class="comments"><h2>Comments</h2>{"<div class='comment'><p>Great article, thanks.</p></div>" * 30}</section></main></div>
<footer><ul>{links(80)}</ul><p>Copyright 2026 News Example. All rights reserved.</p></footer></body></html>"""


def extract_pages(pages: list[str]) -> tuple[float, list[str]]:
    """CPU ms per page of trafilatura.bare_extraction as pipelines/extractors/html.py calls it,
    and the extracted article texts."""
    import trafilatura

    trafilatura.bare_extraction(pages[0], with_metadata=True)  # warm-up: imports and caches
    start = time.process_time()
    documents = [trafilatura.bare_extraction(page, with_metadata=True, include_comments=False) for page in pages]
    return (time.process_time() - start) / len(pages) * 1000, [document.text for document in documents]


def page_articles_cpu_ms(archive: Archive, texts: list[str], first_number: int) -> float:
    """Dedup + store of the pages' own articles: the cost to set against their extraction."""
    start = time.process_time()
    store(archive, texts, first_number, len(texts))
    return (time.process_time() - start) / len(texts) * 1000


def measure(
    archive: Archive,
    corpus: Corpus,
    stored_texts_sample: list[str],
    count: int,
    first_number: int,
    batch_size: int,
    rng: random.Random,
):
    texts = []
    for _ in range(count):
        roll = rng.random()
        if roll < 0.1 and stored_texts_sample:
            texts.append(rng.choice(stored_texts_sample))
        elif roll < 0.2 and stored_texts_sample:
            texts.append(edited_copy(rng.choice(stored_texts_sample), rng))
        else:
            texts.append(corpus.body())
    cpu0, wall0 = time.process_time(), time.perf_counter()
    decisions = store(archive, texts, first_number, batch_size)
    cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    relations = {}
    for decision in decisions:
        relations[decision.relation] = relations.get(decision.relation, 0) + 1
    return cpu / count * 1000, wall / count * 1000, relations, texts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--max", type=int, default=100_000, help="largest archive size measured (ladder 10k, 100k, 1M up to it)"
    )
    parser.add_argument("--words", type=int, default=200, help="words per synthetic body (default 200)")
    parser.add_argument("--batch", type=int, default=200, help="records per store_batch (the pipeline's default)")
    parser.add_argument("--sample", type=int, default=3000, help="articles measured at each checkpoint")
    parser.add_argument(
        "--pages", type=int, default=200, help="typical pages extracted (and their articles stored) at each checkpoint"
    )
    parser.add_argument("--db", help="archive file (default: a temporary file, removed afterwards)")
    args = parser.parse_args(argv)

    ladder = [size for size in LADDER if size <= args.max] or [args.max]
    workdir = tempfile.TemporaryDirectory(prefix="newsmill-bench-")
    db_path = Path(args.db) if args.db else Path(workdir.name) / "bench.db"
    rng = random.Random(11)
    corpus = Corpus(args.words)
    archive = Archive.open(db_path)
    stored = 0
    kept: list[str] = []  # a bounded sample of stored bodies to copy from
    rows = []
    page_bytes = len(typical_page(random.Random(0), corpus))
    print(
        f"synthetic bodies of {args.words} words, batches of {args.batch}, {args.sample} measured per checkpoint; "
        f"{args.pages} typical pages of ~{page_bytes // 1024} KB (600-word article) per checkpoint; db {db_path}"
    )
    fill_started = time.perf_counter()
    for checkpoint in ladder:
        fill_cpu, filled = 0.0, 0
        while stored < checkpoint:
            count = min(10_000, checkpoint - stored)
            texts = [corpus.body() for _ in range(count)]
            cpu_started = time.process_time()
            store(archive, texts, stored, args.batch)
            fill_cpu += time.process_time() - cpu_started
            filled += count
            stored += count
            kept = (kept + rng.sample(texts, min(50, count)))[-500:]
            print(f"  filled {stored:>9,} ({time.perf_counter() - fill_started:.0f}s)", file=sys.stderr, flush=True)
        cpu_ms, wall_ms, relations, texts = measure(archive, corpus, kept, args.sample, stored, args.batch, rng)
        stored += args.sample
        extract_ms, page_texts = extract_pages([typical_page(rng, corpus) for _ in range(args.pages)])
        page_ms = page_articles_cpu_ms(archive, page_texts, stored)
        stored += len(page_texts)
        amortized_ms = fill_cpu / filled * 1000 if filled else float("nan")
        rows.append((checkpoint, cpu_ms, wall_ms, page_ms, extract_ms, rss_mib(), relations, amortized_ms))
    archive.close()
    size_mib = sum(p.stat().st_size for p in db_path.parent.glob(db_path.name + "*")) / 2**20

    print()
    print(
        f"{'stored':>10} {'dedup+store CPU':>16} {'wall':>9} {'fill CPU':>9} {'RSS':>8} | "
        f"{'page article':>12} {'extract':>9} {'ratio':>6} | decisions in sample"
    )
    for stored_at, cpu_ms, wall_ms, page_ms, extract_ms, rss, relations, amortized_ms in rows:
        print(
            f"{stored_at:>10,} {cpu_ms:>13.3f} ms {wall_ms:>6.3f} ms {amortized_ms:>6.3f} ms {rss:>4.0f} MiB | "
            f"{page_ms:>9.3f} ms {extract_ms:>6.2f} ms {page_ms / extract_ms:>6.1%} | "
            + ", ".join(f"{k} {v}" for k, v in sorted(relations.items()))
        )
    first, last = rows[0], rows[-1]
    print(
        f"per article at {last[0]:,} vs {first[0]:,}: sample CPU x{last[1] / first[1]:.2f}, wall x{last[2] / first[2]:.2f}, "
        f"fill CPU x{last[7] / first[7]:.2f}; RSS {first[5]:.0f} -> {last[5]:.0f} MiB; archive {size_mib:,.0f} MiB on disk"
    )
    print(
        "dedup+store CPU / wall: content hash + MinHash + store_batch per article of the measured sample (new, exact and"
    )
    print("edited copies) at that size; fill CPU: the same per new article over the whole fill since the previous")
    print("checkpoint, band-level merges included; page article: the same for the 600-word article extracted from each")
    print("typical page; ratio: page article / trafilatura.bare_extraction of its page")
    workdir.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
