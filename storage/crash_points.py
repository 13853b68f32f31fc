"""Deliberate crashes at named write points, for crash-safety tests only.

    NEWSMILL_CRASH_AT=<point>[:<n>]    os._exit(137) the n-th time (default 1st) <point> is reached

Points: after_begin, before_commit, after_commit (storage.db.write_transaction),
before_store_batch, after_store_batch (pipelines.store, around a batch and before the
chrome-learning transaction that follows it).

os._exit, like SIGKILL, skips every finally, atexit and SQLite close: the archive sees
exactly what a killed process leaves behind. The variable is read once per process; unset,
`reached` costs one comparison.
"""

from __future__ import annotations

import os
import sys

ENV_VAR = "NEWSMILL_CRASH_AT"
# what a shell reports for a process killed by SIGKILL (128 + 9)
CRASH_EXIT_STATUS = 137
POINTS = frozenset({"after_begin", "before_commit", "after_commit", "before_store_batch", "after_store_batch"})

_target: tuple[str, int] | None = None
_read = False
_counts: dict[str, int] = {}


def _parse(value: str) -> tuple[str, int] | None:
    point, _, nth = value.strip().partition(":")
    if not point:
        return None
    if point not in POINTS:
        raise ValueError(f"{ENV_VAR}={value}: unknown point (known: {', '.join(sorted(POINTS))})")
    return point, int(nth) if nth else 1


def reached(point: str) -> None:
    global _target, _read
    if not _read:
        _target, _read = _parse(os.environ.get(ENV_VAR, "")), True
    if _target is None or _target[0] != point:
        return
    _counts[point] = _counts.get(point, 0) + 1
    if _counts[point] == _target[1]:
        sys.stderr.write(f"newsmill: crashing on purpose at {point} #{_counts[point]} ({ENV_VAR})\n")
        sys.stderr.flush()
        os._exit(CRASH_EXIT_STATUS)
