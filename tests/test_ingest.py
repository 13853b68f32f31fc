"""`newsmill ingest` end to end: real files, a real SQLite file, the real command."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, SEEDS, query, run_newsmill

EXAMPLE_STORIES = 8  # 9 documents, one of them a syndicated copy


def ingest(*paths, db: Path, extra=()):
    result = run_newsmill("ingest", *paths, "--db", db, *extra)
    assert "Traceback" not in result.stderr, result.stderr
    return result


def test_examples_are_stored_once_each_and_searchable(db_path):
    result = ingest(EXAMPLES, db=db_path)
    assert result.returncode == 0, result.stderr
    assert "stored (new articles)       8" in result.stdout
    assert "duplicates (new sightings)  1" in result.stdout
    assert f"newsmill serve --db {db_path}" in result.stdout

    assert query(db_path, "select count(*) from articles") == [(EXAMPLE_STORIES,)]
    assert query(db_path, "select count(*) from sightings") == [(9,)]
    copies = query(
        db_path,
        "select a.title, s.relation from sightings s join articles a on a.id = s.article_id "
        "where s.path like '%port-expansion-copy.txt'",
    )
    assert copies == [("Baku port to double container capacity by 2027", "duplicate")]
    found = query(
        db_path,
        "select articles.title from articles_fts join articles on articles.rowid = articles_fts.rowid "
        "where articles_fts match 'ртвели'",
    )
    assert found == [("В Кахетии начался сезон ртвели",)]
    assert query(db_path, "pragma journal_mode") == [("wal",)]


@pytest.mark.slow
def test_stored_article_has_no_chrome_and_keeps_metadata(db_path):
    ingest(EXAMPLES, db=db_path)
    ((title, section, text, published, language),) = query(
        db_path, "select title, section, text, published, language from articles where title like 'В Тбилиси%'"
    )
    assert section == "Транспорт"
    assert published.startswith("2024-05-12")
    assert language == "ru"
    for chrome in ("Поделиться", "Читайте также", "Все права защищены", "Telegram"):
        assert chrome not in text
    assert text.startswith("В Тбилиси в субботу открыли")
    ((html_text,),) = query(db_path, "select text from articles where title like 'Solar plant%'")
    for chrome in ("Leave a Reply", "We use cookies", "All rights reserved", "Back to top"):
        assert chrome not in html_text


@pytest.mark.slow
def test_rerun_adds_nothing_and_a_new_place_adds_only_a_sighting(db_path, tmp_path):
    ingest(EXAMPLES, db=db_path)
    before = query(db_path, "select id, content_hash, text from articles order by id")

    again = ingest(EXAMPLES, db=db_path)
    assert again.returncode == 0
    assert "stored (new articles)       0" in again.stdout
    assert "already in archive          9" in again.stdout
    assert query(db_path, "select id, content_hash, text from articles order by id") == before
    assert query(db_path, "select count(*) from sightings") == [(9,)]

    elsewhere = tmp_path / "mirror"
    elsewhere.mkdir()
    shutil.copy(EXAMPLES / "caspian-herald" / "002_wine-festival.txt", elsewhere / "festival.txt")
    moved = ingest(elsewhere, db=db_path)
    assert "stored (new articles)       0" in moved.stdout
    assert "duplicates (new sightings)  1" in moved.stdout
    assert query(db_path, "select count(*) from articles") == [(EXAMPLE_STORIES,)]
    assert query(db_path, "select count(*) from sightings") == [(10,)]
    runs = query(db_path, "select kind, status, stats from runs order by id")
    assert [(kind, status) for kind, status, _ in runs] == [("ingest", "finished")] * 3
    assert json.loads(runs[-1][2])["newsmill/duplicates"] == 1


@pytest.mark.slow
def test_bad_input_is_skipped_with_a_reason_and_nothing_is_lost(db_path, tmp_path):
    ingest(EXAMPLES, db=db_path)
    before = query(db_path, "select id, text from articles order by id")

    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "empty.txt").write_bytes(b"")
    (bad / "binary.txt").write_bytes(bytes(range(256)) * 20)
    (bad / "not-gzip.html.gz").write_bytes(b"this is not gzip at all")
    (bad / "only-chrome.txt").write_text("Trending\n\nShare\n\nLeave a Reply\n\nBack to top button\n", encoding="utf-8")
    (bad / "short.txt").write_text("Headline here\n\nOne short sentence only.\n", encoding="utf-8")
    (bad / "folder.html").mkdir()
    (bad / "folder.html" / "inside.txt").write_bytes(b"")
    os.mkfifo(bad / "pipe.txt")
    (bad / "dangling.txt").symlink_to(bad / "missing-target.txt")
    with open(bad / "huge.html", "wb") as handle:
        handle.truncate(11 * 1024 * 1024)  # sparse: refused by size before any read
    (bad / "odd name\nwith newline.txt").write_bytes(b"")
    # a name that is not UTF-8: bytes as the file system holds them
    with open(os.path.join(os.fsencode(bad), b"latin1-\xe9.txt"), "wb"):
        pass

    result = ingest(bad, tmp_path / "does-not-exist.txt", db=db_path)
    assert result.returncode == 0, result.stderr
    skipped = dict(query(db_path, "select code, count(*) from rejects group by code"))
    assert skipped == {
        "empty": 4,
        "binary": 1,
        "corrupt": 1,
        "not_article": 1,
        "too_short": 1,
        "not_a_file": 1,
        "symlink": 1,
        "too_large": 1,
        "unreadable": 1,
    }
    for line in result.stderr.strip().splitlines():
        assert line.startswith("WARNING: skipped "), line
    assert "skipped                     12" in result.stdout
    assert query(db_path, "select id, text from articles order by id") == before
    assert query(db_path, "pragma integrity_check") == [("ok",)]


def test_an_unusable_archive_path_is_one_clear_line(tmp_path):
    folder = tmp_path / "a-folder.db"
    folder.mkdir()
    result = run_newsmill("ingest", EXAMPLES, "--db", folder)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [f"newsmill: --db {folder} is a folder, not a file"]


@pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/seeds not present")
@pytest.mark.slow
def test_seed_dumps_come_out_clean(db_path):
    result = ingest(SEEDS, db=db_path)
    assert result.returncode == 0, result.stderr
    rows = dict(query(db_path, "select title, text from articles"))
    reeker = rows["Reeker: U.S. ready to assist in Azerbaijan-Armenia border demarcation"]
    assert reeker.startswith("Washington is ready")
    assert reeker.endswith("extended this year too.")
    assert "\n\nAzerbaijan strong US partner\n\n" in reeker
    for chrome in (
        "Leave a Reply",
        "Your email address",
        "Trending",
        "Exit mobile version",
        "\n\nPublished\n\n",
        "\n\non\n\n",
    ):
        assert chrome not in reeker
    rubin = rows[
        "Eric Rubin: US security assistance to Azerbaijan should not be used for offensive purposes against Armenia"
    ]
    assert rubin.startswith("\u201cWhere we do provide")
    assert rubin.endswith("more constructive phase of negotiations.\u201d")
    assert "Show More" not in rubin and "Back to top" not in rubin
    assert query(db_path, "select section from articles where title like 'Reeker%'") == [("Nagorno-Karabakh",)]


@pytest.mark.slow
def test_undeclared_legacy_encodings_come_out_right_and_are_recorded(db_path, tmp_path):
    folder = tmp_path / "legacy"
    folder.mkdir()
    apricots = (EXAMPLES / "kavkaz-vestnik" / "02_apricots.txt").read_text(encoding="utf-8")
    (folder / "cp1251.txt").write_bytes(apricots.encode("cp1251"))
    rtveli = (EXAMPLES / "kavkaz-vestnik" / "03_rtveli.txt").read_text(encoding="utf-8")
    # KOI8-R has no typographic dashes or guillemets
    rtveli = rtveli.replace("\u2014", "-").replace("\u00ab", '"').replace("\u00bb", '"')
    (folder / "koi8.txt").write_bytes(rtveli.encode("koi8-r"))
    result = ingest(folder, db=db_path)
    assert result.returncode == 0, result.stderr
    rows = query(
        db_path, "select s.encoding, a.title from sightings s join articles a on a.id = s.article_id order by s.path"
    )
    assert rows == [
        ("cp1251", "Армения ожидает рекордный урожай абрикосов"),
        ("koi8-r", "В Кахетии начался сезон ртвели"),
    ]
