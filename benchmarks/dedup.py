"""Dedup + store cost per article as the archive grows, against the cost of extraction.

    .venv/bin/python benchmarks/dedup.py                     # 10k, 100k stored articles (~2-3 min)
    .venv/bin/python benchmarks/dedup.py --max 1000000 --words 120   # adds 1M (long: ~1 h)

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

from pipelines.fingerprint import content_hash  # noqa: E402
from storage.archive import Archive  # noqa: E402
from storage.minhash import fingerprint  # noqa: E402
from storage.records import ArticleRecord  # noqa: E402

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
    return ArticleRecord(
        text=text,
        content_hash=content_hash(text),
        fingerprint=fingerprint(text),
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
    """A news page as sites serve them: header, menus, sidebar, 600-word article, related links, footer."""
    def links(n: int) -> str:
        return "".join(f'<li><a href="/section/{rng.randrange(10**6)}">{corpus.body()[:60]}</a></li>' for _ in range(n))

    article_words = Corpus(600, seed=rng.randrange(10**6)).body().split("\n\n")
    paragraphs = "".join(f"<p>{p}</p>" for p in article_words)
    return f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Harbour authority widens channel</title>
<meta property="og:title" content="Harbour authority widens channel"><meta name="author" content="Staff reporter">
<meta property="article:published_time" content="2026-03-02T08:00:00Z"><link rel="canonical" href="https://news.example/a/1">
<script>{"var tracking = {};" * 400}</script><style>{".nav{color:red}" * 400}</style></head><body>
<header><nav><ul>{links(60)}</ul></nav></header>
<div class="layout"><aside class="sidebar"><h3>Most read</h3><ul>{links(40)}</ul></aside>
<main><article><h1>Harbour authority widens channel</h1><div class="byline">By Staff reporter, 2 March 2026</div>
<div class="article-body">{paragraphs}</div></article>
<section class="related"><h2>Related</h2><ul>{links(30)}</ul></section>
<section class="comments"><h2>Comments</h2>{"<div class='comment'><p>Great article, thanks.</p></div>" * 20}</section></main></div>
<footer><ul>{links(50)}</ul><p>Copyright 2026 News Example. All rights reserved.</p></footer></body></html>"""


def extraction_cpu_ms(pages: list[str]) -> float:
    import trafilatura

    trafilatura.bare_extraction(pages[0], with_metadata=True)  # warm-up: imports and caches
    start = time.process_time()
    for page in pages:
        trafilatura.bare_extraction(page, with_metadata=True, include_comments=False)
    return (time.process_time() - start) / len(pages) * 1000


def measure(archive: Archive, corpus: Corpus, stored_texts_sample: list[str], count: int, first_number: int,
            batch_size: int, rng: random.Random):
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
    parser.add_argument("--max", type=int, default=100_000, help="largest archive size measured (ladder 10k, 100k, 1M up to it)")
    parser.add_argument("--words", type=int, default=200, help="words per synthetic body (default 200)")
    parser.add_argument("--batch", type=int, default=200, help="records per store_batch (the pipeline's default)")
    parser.add_argument("--sample", type=int, default=3000, help="articles measured at each checkpoint")
    parser.add_argument("--pages", type=int, default=20, help="typical pages extracted at each checkpoint")
    parser.add_argument("--db", help="archive file (default: a temporary file, removed afterwards)")
    args = parser.parse_args(argv)

    ladder = [size for size in LADDER if size <= args.max] or [args.max]
    workdir = tempfile.TemporaryDirectory(prefix="newsmill-bench-")
    db_path = Path(args.db) if args.db else Path(workdir.name) / "bench.db"
    rng = random.Random(11)
    corpus = Corpus(args.words)
    pages = [typical_page(rng, corpus) for _ in range(args.pages)]
    archive = Archive.open(db_path)
    stored = 0
    kept: list[str] = []  # a bounded sample of stored bodies to copy from
    rows = []
    print(f"bodies of {args.words} words, batches of {args.batch}, {args.sample} measured per checkpoint, db {db_path}")
    fill_started = time.perf_counter()
    for checkpoint in ladder:
        while stored < checkpoint:
            count = min(10_000, checkpoint - stored)
            texts = [corpus.body() for _ in range(count)]
            store(archive, texts, stored, args.batch)
            stored += count
            kept = (kept + rng.sample(texts, min(50, count)))[-500:]
            print(f"  filled {stored:>9,} ({time.perf_counter() - fill_started:.0f}s)", file=sys.stderr, flush=True)
        cpu_ms, wall_ms, relations, texts = measure(archive, corpus, kept, args.sample, stored, args.batch, rng)
        extract_ms = extraction_cpu_ms(pages)
        rows.append((checkpoint, cpu_ms, wall_ms, extract_ms, rss_mib(), relations))
        stored += args.sample
    archive.close()
    size_mib = sum(p.stat().st_size for p in db_path.parent.glob(db_path.name + "*")) / 2**20

    print()
    print(f"{'stored':>10} {'dedup+store CPU':>16} {'wall':>9} {'extract CPU':>12} {'ratio':>6} {'RSS':>9}  decisions in sample")
    for stored_at, cpu_ms, wall_ms, extract_ms, rss, relations in rows:
        print(
            f"{stored_at:>10,} {cpu_ms:>13.3f} ms {wall_ms:>6.3f} ms {extract_ms:>9.2f} ms {cpu_ms / extract_ms:>6.1%} "
            f"{rss:>6.0f} MiB  " + ", ".join(f"{k} {v}" for k, v in sorted(relations.items()))
        )
    first, last = rows[0], rows[-1]
    print(f"time per article at {last[0]:,} / at {first[0]:,}: CPU x{last[1] / first[1]:.2f}, wall x{last[2] / first[2]:.2f}; "
          f"RSS {first[4]:.0f} -> {last[4]:.0f} MiB; archive {size_mib:,.0f} MiB")
    workdir.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
