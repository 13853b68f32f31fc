"""The archive as users browse it: real Datasette (in-process client) on a real ingested file."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

import pytest
from datasette.app import Datasette

from crawler.cli import DATASETTE_METADATA
from storage.datasette_metadata import metadata_for
from tests.conftest import EXAMPLES, run_newsmill


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("datasette") / "newsmill.db"
    result = run_newsmill("ingest", EXAMPLES, "--db", db)
    assert result.returncode == 0, result.stderr
    return db


def browse(db: Path, *paths: str) -> list:
    async def fetch():
        datasette = Datasette([str(db)], metadata=metadata_for(db, DATASETTE_METADATA))
        await datasette.invoke_startup()
        return [await datasette.client.get(path) for path in paths]

    return asyncio.run(fetch())


def test_articles_table_has_search_facets_and_sorting(archive):
    name = archive.stem
    table, search = browse(
        archive,
        f"/{name}/articles.json?_shape=objects&_extra=facet_results",
        f"/{name}/articles.json?_search=port&_shape=objects",
    )
    assert table.status_code == 200
    body = table.json()
    assert "order by published desc" in body["query"]["sql"]
    facets = set(body["facet_results"])
    assert {"source", "site", "language", "section"} <= facets
    assert search.status_code == 200
    titles = [row["title"] for row in search.json()["rows"]]
    assert titles == ["Baku port to double container capacity by 2027"]


def test_canned_queries_answer(archive):
    name = archive.stem
    latest, search, odd_search, sightings, clusters, rejects = browse(
        archive,
        f"/{name}/latest.json?_shape=objects",
        f"/{name}/search.json?_shape=objects&q=night+train",
        f"/{name}/search.json?_shape=objects&q=U.S.+%22half-quoted+OR+(",
        f"/{name}/article_sightings.json?_shape=objects&id=1",
        f"/{name}/clusters.json?_shape=objects",
        f"/{name}/run_rejects.json?_shape=objects&run_id=",
    )
    responses = (latest, search, odd_search, sightings, clusters, rejects)
    assert [response.status_code for response in responses] == [200] * 6
    assert len(latest.json()["rows"]) == 8
    assert [row["title"] for row in search.json()["rows"]] == ["New Baku–Tbilisi night train to run three times a week"]
    assert "<<" in search.json()["rows"][0]["excerpt"]
    # punctuation in a query must not become an FTS syntax error
    assert odd_search.json()["rows"] == []
    assert {row["relation"] for row in sightings.json()["rows"]} == {"original", "duplicate"}
    assert [row["places"] for row in clusters.json()["rows"]] == [2]


def test_metadata_follows_the_archive_file_name(archive, tmp_path):
    renamed = tmp_path / "my-archive.db"
    shutil.copy(archive, renamed)
    (page,) = browse(renamed, "/my-archive/articles.json?_extra=facet_results")
    assert page.status_code == 200
    assert "section" in page.json()["facet_results"]


def test_hostile_titles_are_shown_inert(tmp_path):
    from storage import Archive, ArticleRecord

    db = tmp_path / "newsmill.db"
    archive = Archive.open(db)
    archive.store_batch(
        [
            ArticleRecord(
                text="<script>alert(1)</script> body'); DROP TABLE articles; --",
                content_hash="x" * 64,
                title='<img src=x onerror="alert(1)"><a href="javascript:alert(2)">click</a>',
                path="/tmp/hostile.txt",
            )
        ]
    )
    archive.close()
    (page,) = browse(db, "/newsmill/articles/1")
    assert page.status_code == 200
    assert "<script>alert(1)</script>" not in page.text
    assert '<img src=x onerror="alert(1)">' not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
