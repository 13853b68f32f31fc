"""Ingest throughput: `newsmill ingest` end to end against bare trafilatura, same files, one run.

    python benchmarks/throughput.py [--pages 600] [--dumps 5000] [--rounds 3] [--keep DIR]

Prints pages/s of bare `trafilatura.bare_extraction(with_metadata=True)` on 1 and 2 processes,
of the whole `newsmill ingest` command (process start, extraction, dedup, SQLite writes), the
ratio to the bare two-process figure, and peak RSS of the ingest's main process and of its
largest worker. Then the same for plain-text dumps (dumps/s).

A shared 2-core machine drifts by 10-20 % within minutes, so the two-process baseline and the
ingest alternate for `--rounds` rounds (each ingest into a new archive) and the ratio quoted
is the median of the rounds' ratios.
"""

from __future__ import annotations

import argparse
import multiprocessing
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._pages import write_unique_pages
from benchmarks._rss import run_measured

REPO = Path(__file__).resolve().parents[1]
DUMPS = REPO / "tests" / "fixtures" / "dumps"


def _bare(path: str) -> bool:
    import trafilatura

    html = Path(path).read_text(encoding="utf-8")
    return trafilatura.bare_extraction(html, with_metadata=True) is not None


def bare_rate(paths: list[Path], processes: int) -> float:
    started = time.perf_counter()
    if processes == 1:
        for path in paths:
            _bare(str(path))
    else:
        with multiprocessing.get_context("spawn").Pool(processes) as pool:
            pool.map(_bare, [str(path) for path in paths], chunksize=8)
    return len(paths) / (time.perf_counter() - started)


def ingest(folder: Path, db: Path, *settings: str):
    command = [sys.executable, "-m", "crawler.cli", "ingest", str(folder), "--db", str(db), "-q"]
    for setting in settings:
        command += ["-s", setting]
    result, seconds, main_kib, child_kib = run_measured(command, cwd=REPO)
    if result.returncode != 0:
        raise SystemExit(f"ingest failed: {result.stderr[-2000:]}")
    return seconds, main_kib, child_kib, result.stdout


def write_dump_variants(folder: Path, count: int) -> int:
    """Unique text dumps from the labelled set: copy n shuffles the words of every body line
    (the last word stays, so a sentence still ends like one) with its own seed, so each copy
    is a new story to the archive while the chrome lines stay as the site printed them."""
    originals = sorted(DUMPS.rglob("*.txt"))
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(count):
        source = originals[n % len(originals)]
        shuffler = random.Random(n)
        lines = []
        for line in source.read_text(encoding="utf-8").splitlines():
            words = line.split()
            if len(words) >= 12:
                head = words[:-1]
                shuffler.shuffle(head)
                line = " ".join(head + words[-1:])
            lines.append(line)
        target = folder / f"batch{n % 40:02d}" / f"{n:06d}.txt"
        target.parent.mkdir(exist_ok=True)
        target.write_text("\n".join(lines), encoding="utf-8")
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=600)
    parser.add_argument("--dumps", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=3, help="alternations of bare x2 and ingest (median ratio)")
    parser.add_argument("--keep", type=Path, help="keep the generated files and archives here")
    args = parser.parse_args()

    work = args.keep or Path(tempfile.mkdtemp(prefix="newsmill-throughput-"))
    try:
        pages = write_unique_pages(work / "pages", args.pages)
        one = bare_rate(pages, 1)
        print(f"HTML pages: {len(pages)} unique pages")
        print(f"  bare_extraction, 1 process     {one:7.1f} pages/s")
        ratios = []
        for round_number in range(1, args.rounds + 1):
            two = bare_rate(pages, 2)
            seconds, main_kib, child_kib, summary = ingest(work / "pages", work / f"pages-{round_number}.db")
            ours = len(pages) / seconds
            ratios.append(ours / two)
            print(
                f"  round {round_number}: bare_extraction, 2 processes {two:7.1f} pages/s"
                f"   newsmill ingest (end to end) {ours:7.1f} pages/s   ratio {ours / two:.2f}"
            )
            print(
                f"    peak RSS: ingest main {main_kib / 1024:.0f} MiB, largest worker {child_kib / 1024:.0f} MiB;"
                f" {summary.strip().splitlines()[0]}"
            )
        print(f"  ratio newsmill ingest / bare x2, median of {len(ratios)}: {statistics.median(ratios):.2f}")

        dumps = write_dump_variants(work / "dumps", args.dumps)
        seconds, main_kib, child_kib, summary = ingest(work / "dumps", work / "dumps.db")
        print(f"Text dumps: {dumps} unique dumps")
        print(f"  newsmill ingest (end to end)   {dumps / seconds:7.1f} dumps/s")
        print(f"  peak RSS: ingest main {main_kib / 1024:.0f} MiB, largest worker {child_kib / 1024:.0f} MiB")
        print("  " + summary.strip().splitlines()[0])
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
