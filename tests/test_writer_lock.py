"""One writer per archive, tested with real processes: a second writer waits its turn, or
is refused in one line when the wait runs out; never a traceback, never "database is locked"."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from benchmarks.soak import write_corpus
from storage import writer_lock
from tests.conftest import EXAMPLES, REPO, query, run_newsmill

EXAMPLE_STORIES = 8
# holds the lock until its stdin closes, then exits (which drops it)
HOLDER = """
import sys
from storage import writer_lock
writer_lock.acquire(sys.argv[1], command="newsmill ingest held-by-test")
print("held", flush=True)
sys.stdin.read()
"""


def hold_lock(db: Path) -> subprocess.Popen:
    """Another process holding the archive's writer lock until `release_lock`."""
    process = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(db)], cwd=REPO, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert process.stdout.readline().strip() == "held"
    return process


def release_lock(holder: subprocess.Popen) -> None:
    holder.stdin.close()
    holder.wait(timeout=30)


def newsmill_process(*args) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "crawler.cli", *map(str, args)],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def assert_clean(stderr: str) -> None:
    assert "Traceback" not in stderr, stderr
    assert "database is locked" not in stderr, stderr


@pytest.mark.slow
def test_a_second_writer_is_refused_in_one_line_when_the_wait_runs_out(db_path):
    db_path.parent.mkdir(parents=True)
    holder = hold_lock(db_path)
    try:
        started = time.monotonic()
        result = run_newsmill("ingest", EXAMPLES, "--db", db_path, "-s", "NEWSMILL_WRITER_WAIT=1")
        waited = time.monotonic() - started
    finally:
        release_lock(holder)
    assert result.returncode == 2
    assert_clean(result.stderr)
    lines = result.stderr.strip().splitlines()
    assert lines[0].startswith(f"WARNING: waiting for pid {holder.pid} (newsmill ingest held-by-test, since ")
    assert lines[0].endswith(f") to finish writing {db_path}")
    assert len(lines) == 2, lines
    assert lines[1].startswith(
        f"newsmill: {db_path} is being written by pid {holder.pid} (newsmill ingest held-by-test, since "
    )
    assert lines[1].endswith("gave up after 1 s (NEWSMILL_WRITER_WAIT)")
    assert waited < 20
    # refused before writing anything: not even a run row
    assert query(db_path, "select count(*) from runs") == [(0,)]


@pytest.mark.slow
def test_a_second_writer_waits_for_the_first_and_then_writes(db_path):
    db_path.parent.mkdir(parents=True)
    holder = hold_lock(db_path)
    second = newsmill_process("ingest", EXAMPLES, "--db", db_path)
    try:
        # printed once, when the wait gets long
        waiting = second.stderr.readline().strip()
        time.sleep(1)  # still waiting, still silent
    finally:
        release_lock(holder)
    out, rest = second.communicate(timeout=120)
    assert waiting.startswith(f"WARNING: waiting for pid {holder.pid} (newsmill ingest held-by-test, since ")
    assert waiting.endswith(f") to finish writing {db_path}")
    assert second.returncode == 0, rest
    assert_clean(rest)
    assert "waiting for" not in rest
    assert "stored (new articles)       8" in out
    assert query(db_path, "select count(*) from articles") == [(EXAMPLE_STORIES,)]


@pytest.mark.slow
def test_two_real_ingests_at_once_interleave_their_batches_and_both_land(db_path, tmp_path):
    corpus = tmp_path / "corpus"
    titles = write_corpus(corpus, 1200, 10, seed=3)
    first = newsmill_process("ingest", corpus, "--db", db_path, "-q", "-s", "NEWSMILL_WORKERS=0")
    deadline = time.monotonic() + 60
    while not writer_lock.is_held_elsewhere(db_path) and first.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    second = newsmill_process("ingest", EXAMPLES, "--db", db_path)
    _, second_err = second.communicate(timeout=240)
    _, first_err = first.communicate(timeout=240)
    assert first.returncode == second.returncode == 0, first_err + second_err
    assert_clean(first_err + second_err)
    assert query(db_path, "select count(*) from articles") == [(len(titles) + EXAMPLE_STORIES,)]
    runs = query(db_path, "select status from runs order by id")
    # runs do not exclude each other (a slow crawl must not hold up the rest): their batches
    # queue on the writer lock, each committed whole
    assert runs == [("finished",), ("finished",)]
    assert query(db_path, "pragma integrity_check") == [("ok",)]


def test_crawlers_of_one_process_share_the_hold_and_other_processes_see_it(tmp_path):
    db = tmp_path / "shared.db"
    probe = [
        sys.executable,
        "-c",
        "import sys; from storage import writer_lock; print(writer_lock.is_held_elsewhere(sys.argv[1]))",
        str(db),
    ]
    seen_from_outside = lambda: subprocess.run(probe, cwd=REPO, capture_output=True, text=True).stdout.strip()  # noqa: E731  # a one-line probe, read like the value it returns

    writer_lock.acquire(db, wait=0)
    writer_lock.acquire(db, wait=0)  # a second crawler of this process: no deadlock, no wait
    assert not writer_lock.is_held_elsewhere(db)
    assert seen_from_outside() == "True"
    assert writer_lock.holder(db)["pid"] == os.getpid()
    writer_lock.release(db)
    assert seen_from_outside() == "True"  # the first crawler is still writing
    writer_lock.release(db)
    assert seen_from_outside() == "False"
    writer_lock.release(db)  # one release too many is harmless


@pytest.mark.slow
def test_a_killed_writer_leaves_no_stale_lock(db_path):
    db_path.parent.mkdir(parents=True)
    holder = hold_lock(db_path)
    holder.kill()
    holder.wait()
    assert not writer_lock.is_held_elsewhere(db_path)
    result = run_newsmill("ingest", EXAMPLES, "--db", db_path, "-s", "NEWSMILL_WRITER_WAIT=0")
    assert result.returncode == 0, result.stderr


@pytest.fixture
def finished_archive(db_path):
    assert run_newsmill("ingest", EXAMPLES, "--db", db_path).returncode == 0
    return db_path


@pytest.mark.slow
def test_serve_immutable_is_refused_while_the_archive_is_written(finished_archive):
    holder = hold_lock(finished_archive)
    try:
        result = run_newsmill("serve", "--db", finished_archive, "--immutable", "--port", "9")
    finally:
        release_lock(holder)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"newsmill: --immutable refused: {finished_archive} is being written by pid {holder.pid} "
        f"(newsmill ingest held-by-test, since {writer_lock_since(result.stderr)}); serve it without --immutable"
    ]


@pytest.mark.slow
def test_serve_immutable_is_refused_while_another_process_has_a_write_ahead_log(finished_archive):
    import sqlite3

    other = sqlite3.connect(finished_archive)  # an open writer: its log outlives our check
    try:
        other.execute("insert into rejects (code, reason, at) values ('test', 'open writer', '2024-01-01')")
        other.commit()
        result = run_newsmill("serve", "--db", finished_archive, "--immutable", "--port", "9")
    finally:
        other.close()
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"newsmill: --immutable refused: {finished_archive}-wal is not empty (another process has the archive "
        "open for writing); serve it without --immutable"
    ]


def writer_lock_since(stderr: str) -> str:
    return stderr.split("since ", 1)[1].split(")", 1)[0]
