"""The article-extraction-benchmark metric (Scrapinghub), shared by the benchmark and the tests.

Tokens are `\\w+` matches; each text becomes a multiset of overlapping 4-token shingles.
Per page TP/FP/FN are normalised to sum to 1 so that long pages do not dominate;
precision and recall are averaged over pages and F1 is taken from the two averages,
exactly as the upstream evaluate.py does, so our numbers compare with published ones.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from statistics import mean

_TOKEN = re.compile(r"\w+", re.UNICODE)


def tokens(text: str | None) -> list[str]:
    return _TOKEN.findall(text or "")


def shingles(text: str | None, size: int = 4) -> Counter[str]:
    words = tokens(text)
    return Counter(" ".join(words[i : i + size]) for i in range(max(1, len(words) - size + 1)) if words[i : i + size])


def page_counts(truth: str, predicted: str) -> tuple[float, float, float]:
    true_sh, pred_sh = shingles(truth), shingles(predicted)
    tp = fp = fn = 0
    for key in true_sh.keys() | pred_sh.keys():
        t, p = true_sh.get(key, 0), pred_sh.get(key, 0)
        tp += min(t, p)
        fp += max(0, p - t)
        fn += max(0, t - p)
    total = tp + fp + fn
    if total:
        return tp / total, fp / total, fn / total
    return 0.0, 0.0, 0.0


def _precision(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    if tp == fp == 0:
        return 0.0
    return tp / (tp + fp)


def _recall(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    if tp == fn == 0:
        return 0.0
    return tp / (tp + fn)


@dataclass
class Score:
    precision: float
    recall: float
    f1: float
    accuracy: float
    pages: int


def score(pairs: list[tuple[str, str]]) -> Score:
    """`pairs` is [(truth, predicted), ...]; an empty prediction is the empty string."""
    if not pairs:
        return Score(0.0, 0.0, 0.0, 0.0, 0)
    counts = [page_counts(truth, predicted) for truth, predicted in pairs]
    precision = mean(_precision(*c) for c in counts)
    recall = mean(_recall(*c) for c in counts)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    accuracy = mean(1.0 if tokens(t) == tokens(p) else 0.0 for t, p in pairs)
    return Score(precision, recall, f1, accuracy, len(pairs))
