"""HTML article extraction: ours (`extract_html`) vs bare trafilatura, side by side.

    .venv/bin/python benchmarks/extraction.py [--data DIR] [--limit N] [--worst N]

Data: the article-extraction-benchmark pages (181, MIT) in /work/shared/benchmarks/article-extraction,
read in place. Metric as upstream (see benchmarks/_metric.py). Besides all pages, the figures
are repeated on two fixed halves (page id starting 0-7 vs 8-f) so that a change that only
helps one half, i.e. one tuned to particular pages, shows up. Speed is pages/s of extraction
alone (decompression excluded), each extractor warmed up on one page first.
"""

from __future__ import annotations

import argparse
import gzip
import json
import logging
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import trafilatura  # noqa: E402  # after sys.path gets the repo

from benchmarks._metric import Score, page_counts, score  # noqa: E402  # after sys.path gets the repo
from pipelines.extractors import element_classes, xpath_twins  # noqa: E402  # after sys.path gets the repo
from pipelines.extractors.html import extract_html  # noqa: E402  # after sys.path gets the repo

DEFAULT_DATA = Path("/work/shared/benchmarks/article-extraction")


def load_pages(data: Path, limit: int | None = None) -> list[tuple[str, str, str, str]]:
    """[(id, url, html, truth)] sorted by id; `limit` takes every k-th page so both halves stay represented."""
    truth = json.loads((data / "ground-truth.json").read_text("utf-8"))
    ids = sorted(truth)
    if limit and limit < len(ids):
        step = len(ids) / limit
        ids = [ids[int(i * step)] for i in range(limit)]
    pages = []
    for page_id in ids:
        with gzip.open(data / "html" / f"{page_id}.html.gz", "rb") as handle:
            html = handle.read().decode("utf-8", errors="replace")
        pages.append((page_id, truth[page_id].get("url"), html, truth[page_id].get("articleBody") or ""))
    return pages


def ours(html: str, url: str | None) -> str:
    xpath_twins.install()
    element_classes.use_plain_element_classes()
    result = extract_html(html, url=url)
    return result.text if result else ""


def bare_trafilatura(html: str, url: str | None) -> str:
    # bare means trafilatura's own XPaths and parser, not our faster equivalents
    xpath_twins.uninstall()
    element_classes.use_lxml_element_classes()
    document = trafilatura.bare_extraction(html, url=url, with_metadata=True)
    return (document.text or "") if document is not None else ""


def run_side_by_side(extractors: dict, pages) -> dict[str, tuple[dict[str, str], float]]:
    """Every page through every extractor in turn, so load from other processes on the machine
    falls on both alike and the speed ratio stays meaningful on a busy box."""
    for extractor in extractors.values():
        extractor(pages[0][2], pages[0][1])  # imports, lazy models, caches
    outputs: dict[str, dict[str, str]] = {name: {} for name in extractors}
    seconds = dict.fromkeys(extractors, 0.0)
    for page_id, url, html, _truth in pages:
        for name, extractor in extractors.items():
            start = time.perf_counter()
            outputs[name][page_id] = extractor(html, url)
            seconds[name] += time.perf_counter() - start
    return {name: (outputs[name], len(pages) / seconds[name]) for name in extractors}


def held_out(page_id: str) -> str:
    return "0-7" if page_id[0] in "01234567" else "8-f"


def _row(name: str, result: Score, speed: float | None = None) -> str:
    speed_text = f"{speed:8.1f}" if speed is not None else " " * 8
    return f"{name:<28} {result.precision:7.4f} {result.recall:7.4f} {result.f1:7.4f} {result.accuracy:7.3f} {result.pages:6d} {speed_text}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--limit", type=int, default=None, help="evaluate N pages spread over the set")
    parser.add_argument("--worst", type=int, default=0, help="list the N pages where ours scores lowest")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.ERROR)
    if not (args.data / "ground-truth.json").exists():
        print(f"no benchmark data in {args.data}", file=sys.stderr)
        return 2

    pages = load_pages(args.data, args.limit)
    truth = {page_id: body for page_id, _url, _html, body in pages}
    results = run_side_by_side({"trafilatura (bare)": bare_trafilatura, "newsmill extract_html": ours}, pages)

    print(f"{'extractor':<28} {'P':>7} {'R':>7} {'F1':>7} {'acc':>7} {'pages':>6} {'pages/s':>8}")
    for split in ("all", "0-7", "8-f"):
        ids = [page_id for page_id in truth if split == "all" or held_out(page_id) == split]
        if split != "all":
            print(f"-- held-out half: ids {split}")
        for name, (outputs, speed) in results.items():
            result = score([(truth[i], outputs[i]) for i in ids])
            print(_row(name, result, speed if split == "all" else None))
    base_speed = results["trafilatura (bare)"][1]
    our_speed = results["newsmill extract_html"][1]
    print(f"speed ratio ours/trafilatura: {our_speed / base_speed:.2f}")

    if args.worst:
        outputs = results["newsmill extract_html"][0]
        urls = {page_id: url for page_id, url, _html, _truth in pages}
        worst = sorted(truth, key=lambda i: page_counts(truth[i], outputs[i])[0])[: args.worst]
        print(f"\nworst {args.worst} pages (ours): tp fp fn share")
        for page_id in worst:
            tp, fp, fn = page_counts(truth[page_id], outputs[page_id])
            print(f"{page_id[:12]} {tp:.2f} {fp:.2f} {fn:.2f} {urls[page_id]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
