"""Extraction in real worker processes: same results as inline, and a bad document costs
one reject, never the run."""

from __future__ import annotations

import pytest

from crawler.items import TEXT, RawDocument
from pipelines.core import Knowledge, RoadRules
from pipelines.rejects import Rejected
from pipelines.workers import ExtractionPool
from tests import worker_faults
from tests.conftest import EXAMPLES, query, run_newsmill


def stored(db):
    return query(
        db, "select a.title, s.relation, s.path from sightings s join articles a on a.id = s.article_id order by s.path"
    )


@pytest.mark.slow
def test_worker_pool_gives_the_same_archive_as_inline_extraction(tmp_path):
    inline, pooled = tmp_path / "inline.db", tmp_path / "pooled.db"
    first = run_newsmill("ingest", EXAMPLES, "--db", inline, "-s", "NEWSMILL_WORKERS=0")
    second = run_newsmill(
        "ingest", EXAMPLES, "--db", pooled, "-s", "NEWSMILL_WORKERS=2", "-s", "NEWSMILL_MAX_IN_FLIGHT=3"
    )
    assert first.returncode == second.returncode == 0, second.stderr
    assert stored(inline) == stored(pooled)
    stats = query(pooled, "select json_extract(stats, '$.\"newsmill/extraction_workers\"') from runs")
    assert stats == [(2,)]


@pytest.fixture(scope="module")
def pool():
    pool = ExtractionPool(workers=1, timeout=2.0, memory_mb=512, max_tasks=0)
    yield pool
    pool.close()


def document() -> RawDocument:
    return RawDocument(kind=TEXT, source="test", body=b"Headline\n\nBody text.", path="/dumps/x.txt")


@pytest.mark.parametrize(
    ("work", "code"),
    [
        (worker_faults.hang, "timeout"),
        (worker_faults.die, "worker_died"),
        (worker_faults.hog_memory, "too_much_memory"),
    ],
)
@pytest.mark.slow
def test_a_bad_document_becomes_a_reject_and_the_pool_goes_on(pool, work, code):
    item = document()
    outcome = pool.outcome(pool.submit(item, Knowledge(), RoadRules(), work=work), item)
    assert isinstance(outcome.rejected, Rejected) and outcome.rejected.code == code
    # the replaced worker takes the next document
    echoed = pool.outcome(pool.submit(item, Knowledge(), RoadRules(), work=worker_faults.echo), item)
    assert echoed.rejected is None and echoed.document.path == "/dumps/x.txt"
