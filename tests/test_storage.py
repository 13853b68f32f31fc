"""The archive without Scrapy: schema contract, atomic batches, WAL readers."""

from __future__ import annotations

import sqlite3

import pytest

from storage import Archive, ArticleRecord, RejectRecord
from storage.db import write_transaction

CONTRACT = {
    "articles": {
        "id",
        "url",
        "title",
        "text",
        "author",
        "published",
        "language",
        "section",
        "site",
        "content_hash",
        "first_seen",
        "last_seen",
    },
    "sightings": {"id", "article_id", "url", "path", "source", "relation", "seen_at", "run_id"},
    "runs": {"id", "kind", "started_at", "finished_at", "stats"},
    "rejects": {"id", "run_id", "url", "path", "reason", "at"},
}


def record(n: int, **fields) -> ArticleRecord:
    return ArticleRecord(text=f"story number {n} " * 30, content_hash=f"{n:064x}", path=f"/dumps/{n}.txt", **fields)


def test_schema_keeps_the_contract_and_migrations_are_idempotent(tmp_path):
    db_file = tmp_path / "a.db"
    Archive.open(db_file).close()
    archive = Archive.open(db_file)  # second open must not re-run migrations
    for table, columns in CONTRACT.items():
        assert columns <= set(archive.db[table].columns_dict), table
    assert archive.db["articles"].detect_fts() == "articles_fts"
    assert archive.db.execute("pragma journal_mode").fetchone() == ("wal",)
    archive.close()


def test_a_failing_batch_leaves_nothing_half_written(tmp_path):
    archive = Archive.open(tmp_path / "a.db")
    run_id = archive.start_run("ingest")
    archive.store_batch([record(1)], run_id=run_id)
    broken = record(3)
    broken.content_hash = None  # violates NOT NULL half-way through the batch
    with pytest.raises(sqlite3.IntegrityError):
        archive.store_batch([record(2), broken], [RejectRecord("empty", "empty file", path="/x")], run_id=run_id)
    assert archive.db.execute("select count(*) from articles").fetchone() == (1,)
    assert archive.db.execute("select count(*) from sightings").fetchone() == (1,)
    assert archive.db.execute("select count(*) from rejects").fetchone() == (0,)
    assert archive.db.execute("select count(*) from articles_fts").fetchone() == (1,)
    archive.close()


def test_readers_are_not_blocked_while_a_batch_is_open(tmp_path):
    path = tmp_path / "a.db"
    archive = Archive.open(path)
    archive.store_batch([record(1)])
    reader = sqlite3.connect(path, timeout=0.1)
    with write_transaction(archive.db):
        archive.db.execute("insert into runs (kind, started_at) values ('crawl', 'now')")
        # WAL: the reader sees the last committed state at once, without waiting for the writer
        assert reader.execute("select count(*) from articles").fetchone() == (1,)
        assert reader.execute("select count(*) from runs").fetchone() == (0,)
    assert reader.execute("select count(*) from runs").fetchone() == (1,)
    reader.close()
    archive.close()


def test_same_url_with_an_edited_text_becomes_a_version(tmp_path):
    # an unrelated text at the same URL is another article: tests/test_identity.py
    archive = Archive.open(tmp_path / "a.db")
    url = "https://news.example/a"
    text = " ".join(f"sentence {n} of the story about the harbour." for n in range(20))
    first = ArticleRecord(text=text, content_hash="1" * 64, url=url, fetched_url=url, title="Old headline")
    changed = ArticleRecord(
        text=text + " A late correction.", content_hash="2" * 64, url=url, fetched_url=url, title="New headline"
    )
    (original,) = archive.store_batch([first])
    (update,) = archive.store_batch([changed])
    assert (original.relation, update.relation) == ("original", "new_version")
    assert update.article_id == original.article_id
    row = archive.db.execute("select title, content_hash from articles").fetchone()
    assert row == ("New headline", changed.content_hash)
    assert archive.db.execute("select title, content_hash from versions").fetchall() == [
        ("Old headline", first.content_hash)
    ]
    archive.close()
