"""The road decides today what it decided when tests/fixtures/road_snapshot.json was written:
every stored field, relation, similarity, encoding, identity note and reject code, for the
examples, the test fixtures and (when present) the two shared extraction sets, over two
`newsmill ingest` runs.

A change meant to alter extraction or dedup (a better rule) regenerates the snapshot in the
same commit, and says so:

    .venv/bin/python benchmarks/road_snapshot.py --write tests/fixtures/road_snapshot.json
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks.road_snapshot import SETS, snapshot

SNAPSHOT = Path(__file__).parent / "fixtures" / "road_snapshot.json"

pytestmark = pytest.mark.slow


def test_the_road_decides_what_the_snapshot_says():
    expected = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    present = {name: folder for name, folder in SETS.items() if folder.is_dir()}
    actual = snapshot(present)
    changed = [
        f"{name}/{document}: {expected[name].get(document)} -> {actual[name].get(document)}"
        for name in present
        for document in sorted(set(expected.get(name, {})) | set(actual[name]))
        if expected.get(name, {}).get(document) != actual[name].get(document)
    ]
    assert not changed, f"{len(changed)} documents decided differently:\n" + "\n".join(changed[:40])
