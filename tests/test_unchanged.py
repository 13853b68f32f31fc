"""Files the archive already has byte for byte, from the same path, are not extracted again."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, query, run_newsmill

DOCUMENTS = 9


def ingest(folder: Path, db: Path, *extra: str):
    result = run_newsmill("ingest", folder, "--db", db, "-q", *extra)
    assert result.returncode == 0, result.stderr
    return result


def run_stats(db: Path) -> dict:
    ((stats,),) = query(db, "select stats from runs order by id desc limit 1")
    return json.loads(stats)


def counts(db: Path) -> tuple:
    return tuple(
        query(db, f"select count(*) from {table}")[0][0] for table in ("articles", "sightings", "versions", "rejects")
    )


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return Path(shutil.copytree(EXAMPLES, tmp_path / "dumps"))


@pytest.mark.slow
def test_a_rerun_marks_everything_seen_without_extracting_it(folder, db_path):
    ingest(folder, db_path)
    before = counts(db_path)
    first_seen = dict(query(db_path, "select id, last_seen_at from sightings"))

    result = ingest(folder, db_path)

    assert (
        f"already in archive          {DOCUMENTS} ({DOCUMENTS} with the same bytes: not extracted again)"
        in result.stdout
    )
    assert run_stats(db_path)["newsmill/extraction_skipped"] == DOCUMENTS
    assert counts(db_path) == before
    ((rerun_id,),) = query(db_path, "select max(id) from runs")
    for sighting_id, last_seen_at, run_id in query(db_path, "select id, last_seen_at, run_id from sightings"):
        assert last_seen_at >= first_seen[sighting_id] and run_id == rerun_id
    assert query(
        db_path, "select count(*) from articles where last_seen < (select max(last_seen_at) from sightings)"
    ) == [(0,)]


@pytest.mark.slow
def test_changed_bytes_are_extracted_and_judged_as_always(folder, db_path):
    ingest(folder, db_path)
    port = folder / "caspian-herald" / "001_port-expansion.txt"
    # the same story with other line endings: new bytes, the same text
    port.write_bytes(port.read_bytes().replace(b"\n", b"\r\n"))
    rail = folder / "caspian-herald" / "003_rail-timetable.txt"
    rail.write_text(
        rail.read_text(encoding="utf-8") + "\nThe ministry added two night trains on Sunday evening.\n",
        encoding="utf-8",
    )

    ingest(folder, db_path)

    stats = run_stats(db_path)
    assert stats["newsmill/extraction_skipped"] == DOCUMENTS - 2
    assert stats["newsmill/seen"] == DOCUMENTS and stats.get("newsmill/stored", 0) == 0
    # both are known by their new bytes from now on
    ingest(folder, db_path)
    assert run_stats(db_path)["newsmill/extraction_skipped"] == DOCUMENTS


@pytest.mark.slow
def test_a_copy_at_another_path_is_extracted(folder, db_path):
    ingest(folder, db_path)
    shutil.copy(folder / "html" / "solar-plant.html", folder / "html" / "solar-plant-again.html")

    result = ingest(folder, db_path)

    assert run_stats(db_path)["newsmill/extraction_skipped"] == DOCUMENTS
    assert "duplicates (new sightings)  1" in result.stdout


@pytest.mark.slow
def test_reextract_extracts_everything_and_changes_nothing(folder, db_path):
    ingest(folder, db_path)
    before = counts(db_path)

    result = ingest(folder, db_path, "--reextract")

    assert "newsmill/extraction_skipped" not in run_stats(db_path)
    assert f"already in archive          {DOCUMENTS}\n" in result.stdout
    assert counts(db_path) == before


@pytest.mark.slow
def test_an_archive_from_before_raw_hashes_learns_them_on_the_next_run(folder, db_path):
    ingest(folder, db_path)
    with sqlite3.connect(db_path) as connection:
        connection.execute("update sightings set raw_hash = null")

    ingest(folder, db_path)
    assert "newsmill/extraction_skipped" not in run_stats(db_path)
    assert query(db_path, "select count(*) from sightings where raw_hash is null") == [(0,)]

    ingest(folder, db_path)
    assert run_stats(db_path)["newsmill/extraction_skipped"] == DOCUMENTS


@pytest.mark.slow
def test_known_and_new_files_mix_in_a_run_with_worker_processes(folder, db_path):
    workers = ("-s", "NEWSMILL_WORKERS=2")
    ingest(folder, db_path, *workers)
    extra = folder / "later"
    extra.mkdir()
    solar = (folder / "html" / "solar-plant.html").read_text(encoding="utf-8")
    for n in range(3):
        # new files beside the known ones, each extracted by a worker
        page = solar.replace("Solar plant", f"Wind farm {n}").replace("solar", f"wind{n}")
        (extra / f"story-{n}.html").write_text(page.replace("<p>", f"<p>Update {n} of {n + 7}: ", 1), encoding="utf-8")

    result = ingest(folder, db_path, *workers)

    stats = run_stats(db_path)
    assert stats["newsmill/extraction_skipped"] == DOCUMENTS
    assert stats["newsmill/seen"] == DOCUMENTS + 3
    assert stats.get("newsmill/extraction_workers") == 2
    # extracted in the pool and judged: edited copies of the solar story
    assert "near duplicates (edited)    3" in result.stdout
    assert "errors                      0" in result.stdout
