"""Nothing lost, nothing doubled: `newsmill ingest` killed at random moments and at every
write point, then rerun, leaves exactly the expected archive.

Real processes, real SIGKILL, real SQLite files. `python3 tasks.py soak` runs the random
trials many more times (benchmarks/soak.py holds the corpus, the kill and the checks).
"""

from __future__ import annotations

import signal
import subprocess
import time

import pytest

from benchmarks.soak import (
    REPO,
    count_articles,
    ingest_command,
    problems,
    run_to_completion,
    trial,
    write_corpus,
)
from storage.crash_points import CRASH_EXIT_STATUS, POINTS
from tests.conftest import query

CI_TRIALS = 5
CORPUS_FILES = 2000
CORPUS_HTML = 40
POINT_FILES = 240
GRACEFUL_STOP_SECONDS = 30


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("corpus")
    return folder, write_corpus(folder, CORPUS_FILES, CORPUS_HTML, seed=7)


@pytest.mark.parametrize("seed", range(100, 100 + CI_TRIALS))
@pytest.mark.slow
def test_a_kill_at_a_random_moment_loses_and_doubles_nothing(corpus, tmp_path, seed):
    folder, titles = corpus
    # odd seeds extract in the worker pool, even ones inline
    result = trial(folder, titles, tmp_path, seed, pool=seed % 2 == 1)
    assert result.killed, f"the ingest ended before the kill ({result.jitter}s after {result.target} articles)"
    assert 0 < result.stored_at_kill < len(titles), "the kill did not land while it was writing"
    assert result.problems == []


@pytest.fixture(scope="module")
def small_corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("small")
    return folder, write_corpus(folder, POINT_FILES, 8, seed=11)


@pytest.mark.parametrize("point", sorted(POINTS))
@pytest.mark.slow
def test_a_crash_at_each_write_point_is_repaired_by_a_rerun(small_corpus, tmp_path, point):
    folder, titles = small_corpus
    db = tmp_path / "archive.db"
    command = ingest_command(folder, db, pool=False)
    # the 3rd time: past the migrations and the run row, inside the batches
    crashed = run_to_completion(command, env={"NEWSMILL_CRASH_AT": f"{point}:3"})
    assert crashed.returncode == CRASH_EXIT_STATUS, crashed.stderr
    assert f"crashing on purpose at {point} #3" in crashed.stderr
    assert count_articles(db) < len(titles)

    rerun = run_to_completion(command)
    assert rerun.returncode == 0, rerun.stderr
    assert "Traceback" not in rerun.stderr
    assert problems(db, titles) == []


@pytest.mark.slow
def test_sigterm_while_writing_stops_the_ingest_promptly_and_a_rerun_completes_it(small_corpus, tmp_path):
    """The graceful road (Ctrl-C, the scheduler's time limit): the batch in flight is committed,
    the run row says "shutdown", and the process ends instead of waiting for ever."""
    folder, titles = small_corpus
    db = tmp_path / "archive.db"
    command = ingest_command(folder, db, pool=False)
    process = subprocess.Popen(command, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while count_articles(db) == 0 and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    process.send_signal(signal.SIGTERM)
    try:
        _, stderr = process.communicate(timeout=GRACEFUL_STOP_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        pytest.fail(f"newsmill ingest still running {GRACEFUL_STOP_SECONDS}s after SIGTERM")
    assert "Traceback" not in stderr
    assert process.returncode in (0, 1), stderr
    # "finished": it may have ended on its own first, on a fast machine
    assert query(db, "select status from runs") in ([("shutdown",)], [("finished",)])
    rerun = run_to_completion(command)
    assert rerun.returncode == 0, rerun.stderr
    assert problems(db, titles) == []
