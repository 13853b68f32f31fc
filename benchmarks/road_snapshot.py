"""What the road decides for a fixed set of documents, as one digest per document.

    .venv/bin/python benchmarks/road_snapshot.py                 # print the digests as JSON
    .venv/bin/python benchmarks/road_snapshot.py --write FILE    # keep them (tests/fixtures/road_snapshot.json)

Every document goes through `newsmill ingest` (two runs, as a user would: the second one finds
everything known), so refactoring the road can be checked to change nothing: per document,
every field stored in its article, its sighting's relation, similarity, encoding and identity
note (articles named by the place they were first seen, not by id), or its reject code. Documents: the bundled examples,
the test fixtures, and, when present beside the repo, the two shared extraction sets.
Text is digested (SHA-256), never kept: the shared pages are someone else's.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "benchmarks"
SETS = {
    "examples": REPO / "examples",
    "fixtures-html": REPO / "tests" / "fixtures" / "html",
    "fixtures-dumps": REPO / "tests" / "fixtures" / "dumps",
    "shared-article-extraction": SHARED / "article-extraction" / "html",
    "shared-fundus-multilingual": SHARED / "fundus-multilingual" / "pages",
}
ARTICLE_FIELDS = (
    "url",
    "title",
    "text",
    "author",
    "published",
    "published_origin",
    "modified",
    "language",
    "section",
    "site",
    "tags",
    "content_hash",
    "word_count",
)
SIGHTING_FIELDS = ("relation", "similarity", "encoding", "canonical_url", "identity_note", "collector")


def digest(value: object) -> str:
    return hashlib.sha256(json.dumps(value, ensure_ascii=False, sort_keys=True).encode("utf-8")).hexdigest()[:16]


def snapshot(sets: dict[str, Path]) -> dict[str, dict[str, str]]:
    present = {name: folder for name, folder in sets.items() if folder.is_dir()}
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "snapshot.db"
        newsmill = Path(sys.executable).parent / "newsmill"
        for _run in (1, 2):
            # one ingest of every set per run, as a user ingesting several folders would
            subprocess.run(
                [str(newsmill), "ingest", *map(str, present.values()), "--db", str(db), "--source", "snapshot", "-q"],
                check=False,
                capture_output=True,
                text=True,
                env={**os.environ, "NEWSMILL_CRASH_AT": ""},
            )
        return _read(db, present)


def _read(db: Path, present: dict[str, Path]) -> dict[str, dict[str, str]]:
    connection = sqlite3.connect(db)
    articles = {row[0]: row[1:] for row in connection.execute(f"SELECT id, {', '.join(ARTICLE_FIELDS)} FROM articles")}
    out: dict[str, dict[str, str]] = {name: {} for name in present}

    def relative(path: str) -> tuple[str, str] | None:
        for name, folder in present.items():
            if path.startswith(str(folder) + os.sep):
                return name, path[len(str(folder)) + 1 :]
        return None

    # article ids differ between code versions whenever one more or one fewer document is
    # stored before: articles are named by the first place each was seen instead, in the
    # article itself and in the identity notes that mention one
    first_place: dict[int, str] = {}
    sightings = connection.execute(
        f"SELECT article_id, path, run_id, {', '.join(SIGHTING_FIELDS)} FROM sightings ORDER BY id"
    ).fetchall()
    for article_id, path, *_rest in sightings:
        first_place.setdefault(article_id, path or "")

    def place_of(article_id: int) -> str:
        found = relative(first_place.get(article_id, ""))
        return "/".join(found) if found else "?"

    def without_ids(note: str | None) -> str | None:
        """A note as it reads in any checkout: no article ids, no absolute folders."""
        if not note:
            return note
        note = re.sub(r"article (\d+)", lambda match: f"article at {place_of(int(match.group(1)))}", note)
        for name, folder in present.items():
            note = note.replace(str(folder), name)
        return note

    for article_id, path, _run_id, *fields in sightings:
        place = relative(path or "")
        if place is None:
            continue
        name, rel = place
        article = dict(zip(ARTICLE_FIELDS, articles[article_id], strict=True))
        sighting = dict(zip(SIGHTING_FIELDS, fields, strict=True))
        sighting["identity_note"] = without_ids(sighting["identity_note"])
        record = {"article": digest(article), "article_first_seen_at": place_of(article_id), "sighting": sighting}
        out[name][rel] = digest(record)
    for path, code in connection.execute("SELECT path, code FROM rejects ORDER BY id"):
        place = relative(path or "")
        if place is not None:
            out[place[0]].setdefault(place[1], f"reject:{code}")
    connection.close()
    return {name: dict(sorted(documents.items())) for name, documents in out.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--write", type=Path, help="write the snapshot to this file")
    args = parser.parse_args()
    result = snapshot(SETS)
    text = json.dumps(result, indent=1, sort_keys=True) + "\n"
    if args.write:
        args.write.write_text(text, encoding="utf-8")
        print(f"{sum(map(len, result.values()))} documents in {len(result)} sets -> {args.write}")
    else:
        sys.stdout.write(text)


if __name__ == "__main__":
    main()
