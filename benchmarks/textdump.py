"""Text-dump cleaner vs bare trafilatura on the labelled dumps in tests/fixtures/dumps.

    .venv/bin/python benchmarks/textdump.py [DUMPS_DIR]

Each subfolder is one batch (lines repeating across it are learned as chrome); files at
the top level are each cleaned alone. Body F1 is the shingle metric of
benchmarks/_metric.py (tokens by regex \\w+, 4-token shingles, precision and recall per
dump averaged over dumps, F1 from the two averages); if that module is absent, a
set-based version of the same is used. "Chrome leaked" counts dump lines that are
neither body nor title and still come out as a body paragraph.
"""

from __future__ import annotations

import argparse
import html
import json
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from pipelines.extractors.textdump import clean_text_dump, learn_repeated_lines  # noqa: E402  # after sys.path gets the repo

DEFAULT_DIR = REPO / "tests" / "fixtures" / "dumps"
_TOKEN = re.compile(r"\w+")


@dataclass
class Case:
    path: Path
    text: str
    expected: dict
    batch: str


def load_cases(root: Path = DEFAULT_DIR) -> list[Case]:
    cases = []
    for path in sorted(root.rglob("*.txt")):
        expected_path = path.with_suffix(".expected.json")
        if not expected_path.exists():
            continue
        batch = str(path.parent.relative_to(root)) if path.parent != root else f"single:{path.stem}"
        cases.append(Case(path, path.read_text(encoding="utf-8"), json.loads(expected_path.read_text("utf-8")), batch))
    return cases


def batch_repeats(cases: list[Case]) -> dict[str, frozenset[str]]:
    batches: dict[str, list[str]] = {}
    for case in cases:
        batches.setdefault(case.batch, []).append(case.text)
    return {name: learn_repeated_lines(texts) for name, texts in batches.items()}


def shingles(text: str, size: int = 4) -> set[tuple[str, ...]]:
    tokens = _TOKEN.findall(text)
    if len(tokens) < size:
        return {tuple(tokens)} if tokens else set()
    return {tuple(tokens[i : i + size]) for i in range(len(tokens) - size + 1)}


def _set_precision_recall(gold: str, predicted: str) -> tuple[float, float]:
    got, want = shingles(predicted), shingles(gold)
    if not got:
        return (1.0 if not want else 0.0), (1.0 if not want else 0.0)
    overlap = len(got & want)
    return overlap / len(got), (overlap / len(want) if want else 1.0)


def body_scores(pairs: list[tuple[str, str]]) -> tuple[float, float, float, str]:
    """(precision, recall, F1, metric name) over [(gold, predicted), ...]."""
    try:
        from benchmarks import _metric
    except ImportError:
        results = [_set_precision_recall(gold, predicted) for gold, predicted in pairs]
        precision = sum(p for p, _ in results) / len(results)
        recall = sum(r for _, r in results) / len(results)
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return precision, recall, f1, "4-token shingle sets"
    result = _metric.score(pairs)
    return result.precision, result.recall, result.f1, "benchmarks/_metric.py 4-token shingles"


def _norm(line: str) -> str:
    return " ".join(line.split())


def chrome_lines(case: Case) -> list[str]:
    keep = {_norm(p) for p in case.expected["body"]} | {_norm(case.expected["title"] or "")}
    return [_norm(line) for line in case.text.splitlines() if _norm(line) and _norm(line) not in keep]


@dataclass
class Score:
    f1: float
    precision: float
    recall: float
    metric: str
    leaked: int
    chrome_total: int
    titles_exact: int
    dates_ok: int
    dates_total: int
    docs: int
    seconds: float

    @property
    def leaked_pct(self) -> float:
        return 100.0 * self.leaked / max(self.chrome_total, 1)

    @property
    def title_pct(self) -> float:
        return 100.0 * self.titles_exact / max(self.docs, 1)

    @property
    def dates_pct(self) -> float:
        return 100.0 * self.dates_ok / max(self.dates_total, 1)


def score(cases: list[Case], run) -> Score:
    """`run(case) -> (paragraphs, title, published)`; timing covers `run` only."""
    pairs = []
    leaked = chrome_total = titles = dates_ok = dates_total = 0
    seconds = 0.0
    for case in cases:
        started = time.perf_counter()
        paragraphs, title, published = run(case)
        seconds += time.perf_counter() - started
        pairs.append(("\n".join(case.expected["body"]), "\n".join(paragraphs)))
        got = {_norm(p) for p in paragraphs}
        chrome = chrome_lines(case)
        chrome_total += len(chrome)
        leaked += sum(line in got for line in chrome)
        titles += _norm(title or "") == _norm(case.expected["title"] or "")
        if case.expected.get("published"):
            dates_total += 1
            dates_ok += published == case.expected["published"]
    p, r, f1, metric = body_scores(pairs)
    return Score(f1, p, r, metric, leaked, chrome_total, titles, dates_ok, dates_total, len(cases), seconds)


def run_textdump(cases: list[Case]):
    repeats = batch_repeats(cases)

    def run(case: Case):
        result = clean_text_dump(case.text, repeated_lines=repeats[case.batch])
        if result is None:
            return [], None, None
        return result.paragraphs, result.title, result.published

    return run


def run_trafilatura(case: Case):
    import trafilatura

    paragraphs = [_norm(line) for line in case.text.split("\n\n") if _norm(line)]
    page = "<html><body>" + "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs) + "</body></html>"
    document = trafilatura.bare_extraction(page, with_metadata=True, include_comments=False)
    if document is None:
        return [], None, None
    lines = [_norm(line) for line in (document.text or "").split("\n") if _norm(line)]
    return lines, document.title or None, document.date or None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dumps", nargs="?", type=Path, default=DEFAULT_DIR)
    args = parser.parse_args(argv)
    cases = load_cases(args.dumps)
    if not cases:
        print(f"no labelled dumps under {args.dumps}")
        return 1
    ours = score(cases, run_textdump(cases))
    theirs = score(cases, run_trafilatura)
    batches = len({case.batch for case in cases})
    print(f"{len(cases)} labelled dumps, {batches} batches; body F1 by {ours.metric} (per-dump P/R averaged)")
    print(f"{'':24}{'textdump':>12}{'trafilatura':>14}")
    rows = [
        ("body F1", f"{ours.f1:.4f}", f"{theirs.f1:.4f}"),
        ("  precision", f"{ours.precision:.4f}", f"{theirs.precision:.4f}"),
        ("  recall", f"{ours.recall:.4f}", f"{theirs.recall:.4f}"),
        (
            "chrome leaked %",
            f"{ours.leaked_pct:.2f} ({ours.leaked}/{ours.chrome_total})",
            f"{theirs.leaked_pct:.2f} ({theirs.leaked})",
        ),
        ("title exact %", f"{ours.title_pct:.1f}", f"{theirs.title_pct:.1f}"),
        ("dates parsed %", f"{ours.dates_pct:.1f}", f"{theirs.dates_pct:.1f}"),
        ("dumps/s", f"{ours.docs / max(ours.seconds, 1e-9):.0f}", f"{theirs.docs / max(theirs.seconds, 1e-9):.0f}"),
    ]
    for name, left, right in rows:
        print(f"{name:24}{left:>12}{right:>14}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
