"""Deduplication on a labelled set: exact copies, edited copies and different stories that share a
site's byline, agency intro and footer, ingested over two runs into one real SQLite file."""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from storage.archive import Archive
from storage.dedup import minhash
from storage.dedup.near_duplicates import LayoutMismatch
from storage.dedup.normalize import content_hash
from storage.records import DUPLICATE, NEAR_DUPLICATE, NEW_VERSION, ORIGINAL, ArticleRecord

FIXTURES = Path(__file__).parent / "fixtures" / "dedup"
MANIFEST = json.loads((FIXTURES / "variants.json").read_text(encoding="utf-8"))
CURLY = str.maketrans({"'": "\u2019"})

PRECISION_FLOOR = 1.0  # a wrong merge loses a story: none is acceptable on this set
RECALL_FLOOR = 0.98


def story_text(story: str) -> str:
    return (FIXTURES / f"{story}.txt").read_text(encoding="utf-8").strip()


def _curly(text: str) -> str:
    # opening and closing double quotes alternate through the text
    parts = text.split('"')
    text = "".join(part + ("\u201c" if i % 2 == 0 else "\u201d") for i, part in enumerate(parts[:-1])) + parts[-1]
    return text.translate(CURLY)


def copy_text(copy: dict) -> str:
    paragraphs = story_text(copy["story"]).split("\n\n")
    if "drop_paragraph" in copy:
        del paragraphs[copy["drop_paragraph"]]
    if copy.get("drop_last_paragraphs"):
        paragraphs = paragraphs[: -copy["drop_last_paragraphs"]]
    if copy.get("prepend"):
        paragraphs.insert(0, copy["prepend"])
    text = "\n\n".join(paragraphs)
    for old, new in copy.get("replace", []):
        assert old in text, (copy["id"], old)
        text = text.replace(old, new)
    if copy.get("curly_quotes"):
        text = _curly(text)
    if copy.get("double_spaces"):
        text = text.replace(". ", ".  ").replace(", ", ",  ")
    if copy.get("crlf"):
        text = text.replace("\n", "\r\n")
    return text


def record(text: str, meta: dict, path: str) -> ArticleRecord:
    return ArticleRecord(
        text=text,
        content_hash=content_hash(text),
        source="fixtures",
        url=meta.get("url"),
        path=None if meta.get("url") else path,
        title=meta.get("title"),
        author=meta.get("author"),
        published=meta.get("published"),
        published_origin=meta.get("published_origin"),
        section=meta.get("section"),
    )


def labelled_documents():
    """(document id, story, expected relation, run, record) for every original and copy."""
    documents = [
        (story, story, ORIGINAL, 1, record(story_text(story), meta, f"dumps/{story}.txt"))
        for story, meta in MANIFEST["stories"].items()
    ]
    for copy in MANIFEST["copies"]:
        meta = {**MANIFEST["stories"][copy["story"]], "url": None, **copy}
        documents.append(
            (
                copy["id"],
                copy["story"],
                copy["expect"],
                copy["run"],
                record(copy_text(copy), meta, f"copies/{copy['id']}.txt"),
            )
        )
    return documents


def ingest_in_two_runs(db_path: Path) -> dict[str, object]:
    """Each run opens the archive afresh, as a separate `newsmill ingest` would."""
    decisions = {}
    for run in (1, 2):
        archive = Archive.open(db_path)
        run_id = archive.start_run("ingest", {"run": run})
        batch = [(doc_id, rec) for doc_id, _story, _expect, doc_run, rec in labelled_documents() if doc_run == run]
        for (doc_id, _rec), decision in zip(batch, archive.store_batch([rec for _id, rec in batch], run_id=run_id)):
            decisions[doc_id] = decision
        archive.finish_run(run_id, "finished", {})
        archive.close()
    return decisions


@pytest.fixture(scope="module")
def ingested(tmp_path_factory):
    db_path = tmp_path_factory.mktemp("dedup") / "archive.db"
    return db_path, ingest_in_two_runs(db_path)


def pairwise_scores(truth: dict[str, str], predicted: dict[str, int]) -> tuple[float, float]:
    true_positive = false_positive = false_negative = 0
    for left, right in itertools.combinations(sorted(truth), 2):
        same_story = truth[left] == truth[right]
        same_article = predicted[left] == predicted[right]
        true_positive += same_story and same_article
        false_positive += same_article and not same_story
        false_negative += same_story and not same_article
    precision = true_positive / (true_positive + false_positive) if true_positive + false_positive else 1.0
    recall = true_positive / (true_positive + false_negative) if true_positive + false_negative else 1.0
    return precision, recall


def test_pairwise_precision_and_recall_on_labelled_set(ingested):
    _db_path, decisions = ingested
    truth = {doc_id: story for doc_id, story, *_ in labelled_documents()}
    predicted = {doc_id: decision.article_id for doc_id, decision in decisions.items()}
    precision, recall = pairwise_scores(truth, predicted)
    print(f"pairwise precision {precision:.3f} recall {recall:.3f} over {len(truth)} documents")
    assert precision >= PRECISION_FLOOR
    assert recall >= RECALL_FLOOR


@pytest.mark.parametrize("doc_id,expected", [(doc_id, expect) for doc_id, _s, expect, _r, _rec in labelled_documents()])
def test_each_document_gets_its_expected_relation(ingested, doc_id, expected):
    _db_path, decisions = ingested
    assert decisions[doc_id].relation == expected


def test_stories_sharing_byline_intro_and_footer_stay_apart(ingested):
    db_path, decisions = ingested
    originals = [decisions[story].article_id for story in MANIFEST["stories"]]
    assert len(set(originals)) == len(originals)
    worst = max(
        minhash.jaccard(minhash.shingles(story_text(a)), minhash.shingles(story_text(b)))
        for a, b in itertools.combinations(MANIFEST["stories"], 2)
    )
    assert worst < 0.5  # far from the threshold, even for two stories about one tram line


def test_similarity_is_recorded_on_each_sighting(ingested):
    db_path, decisions = ingested
    archive = Archive.open(db_path)
    try:
        rows = dict(archive.db.execute("SELECT id, similarity FROM sightings").fetchall())
        relations = dict(archive.db.execute("SELECT id, relation FROM sightings").fetchall())
    finally:
        archive.close()
    for decision in decisions.values():
        assert relations[decision.sighting_id] == decision.relation
        if decision.relation == NEAR_DUPLICATE:
            assert 0.8 <= rows[decision.sighting_id] < 1.0
        elif decision.relation == DUPLICATE:
            assert rows[decision.sighting_id] == 1.0
        else:
            assert rows[decision.sighting_id] is None


def test_article_keeps_the_best_of_its_copies(ingested):
    db_path, decisions = ingested
    archive = Archive.open(db_path)
    try:
        article = decisions["water_tariff"].article_id
        url, published, origin, author, section, title, sources = archive.db.execute(
            "SELECT url, published, published_origin, author, section, title, field_sources FROM articles WHERE id = ?",
            [article],
        ).fetchone()
    finally:
        archive.close()
    sources = json.loads(sources)
    twin = decisions["water-dropped-footer"].sighting_id
    # the text dump had neither; its HTML twin gave the date, the author and the canonical URL
    assert (published, origin, author, url) == (
        "2026-02-11",
        "htmldate",
        "Ilse Marrow",
        "https://coastpost.example/2026/02/water-tariff",
    )
    assert sources["published"] == sources["author"] == sources["url"] == twin
    # a dateline guess does not replace the page's date; the headline stays the first one
    assert title == "Water bills to rise by nine percent"
    assert sources["title"] == decisions["water_tariff"].sighting_id
    # the re-titled copy added the section nobody else had
    assert section == "City" and sources["section"] == decisions["water-new-headline"].sighting_id


def test_second_run_repeats_first_run_decisions(ingested, tmp_path):
    """The same documents into a fresh archive, all in one run: the same clusters."""
    db_path, decisions = ingested
    archive = Archive.open(tmp_path / "one-run.db")
    try:
        documents = labelled_documents()
        one_run = archive.store_batch([rec for *_rest, rec in sorted(documents, key=lambda doc: doc[3])])
    finally:
        archive.close()
    ids = [doc[0] for doc in sorted(documents, key=lambda doc: doc[3])]
    assert [d.relation for d in one_run] == [decisions[i].relation for i in ids]
    assert [d.article_id for d in one_run] == [decisions[i].article_id for i in ids]


def test_reingesting_everything_changes_nothing(ingested, tmp_path):
    db_path, _decisions = ingested
    archive = Archive.open(db_path)
    try:
        before = archive.db.execute("SELECT count(*) FROM articles").fetchone()[0]
        again = archive.store_batch([rec for *_rest, rec in labelled_documents()])
        after = archive.db.execute("SELECT count(*) FROM articles").fetchone()[0]
    finally:
        archive.close()
    assert before == after == len(MANIFEST["stories"])
    assert all(decision.already_seen_here and decision.relation == DUPLICATE for decision in again)


def test_changed_page_at_known_url_becomes_new_version(tmp_path):
    archive = Archive.open(tmp_path / "versions.db")
    try:
        first = story_text("tram_approved")
        changed = first.replace("next spring", "in the autumn")
        url = "https://harbourledger.example/news/tram-3-approved"
        original = archive.store_batch([record(first, {"url": url, "title": "Tram line 3 extension approved"}, "x")])[0]
        version = archive.store_batch(
            [record(changed, {"url": url, "title": "Tram extension approved, work from autumn"}, "x")]
        )[0]
        text, title = archive.db.execute(
            "SELECT text, title FROM articles WHERE id = ?", [original.article_id]
        ).fetchone()
        old = archive.db.execute("SELECT text FROM versions WHERE article_id = ?", [original.article_id]).fetchall()
        found = archive.db.execute("SELECT rowid FROM articles_fts WHERE articles_fts MATCH 'autumn'").fetchall()
    finally:
        archive.close()
    assert (version.article_id, version.relation) == (original.article_id, NEW_VERSION)
    assert 0.8 < version.similarity < 1.0
    assert text == changed and title == "Tram extension approved, work from autumn"
    assert old == [(first,)]
    assert found == [(original.article_id,)]


def test_threshold_is_configurable_per_record(tmp_path):
    archive = Archive.open(tmp_path / "threshold.db")
    try:
        base = story_text("school_meals")
        edited = base.replace("38,000", "36,500")
        first = archive.store_batch([record(base, {}, "a.txt")])[0]
        strict = record(edited, {}, "b.txt")
        strict.near_duplicate_threshold = 0.99
        decision = archive.store_batch([strict])[0]
    finally:
        archive.close()
    assert decision.relation == ORIGINAL and decision.article_id != first.article_id


def test_road_reads_threshold_setting():
    from scrapy.settings import Settings

    from pipelines.road import rules_from_settings

    assert rules_from_settings(Settings({"NEWSMILL_NEAR_DUP_THRESHOLD": "0.9"})).near_duplicate_threshold == 0.9
    assert rules_from_settings(Settings()).near_duplicate_threshold == 0.8


def test_signature_is_identical_in_other_processes():
    text = story_text("dredging")
    code = (
        "import sys, json; from storage.dedup.minhash import fingerprint; "
        "print(json.dumps(list(fingerprint(sys.stdin.read()).band_keys)))"
    )
    outputs = set()
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        result = subprocess.run(
            [sys.executable, "-c", code], input=text, capture_output=True, text=True, env=env, check=True
        )
        outputs.add(result.stdout.strip())
    outputs.add(json.dumps(list(minhash.fingerprint(text).band_keys)))
    assert len(outputs) == 1


def test_archive_with_other_layout_is_refused(tmp_path):
    archive = Archive.open(tmp_path / "layout.db")
    try:
        archive.store_batch([record(story_text("dredging"), {}, "a.txt")])
        archive.db.execute("UPDATE minhash_layout SET probe = 'something else'")
        archive.db.conn.commit()
    finally:
        archive.close()
    reopened = Archive.open(tmp_path / "layout.db")
    try:
        with pytest.raises(LayoutMismatch):
            reopened.store_batch([record(story_text("water_tariff"), {}, "b.txt")])
    finally:
        reopened.close()


@pytest.mark.slow
def test_newsmill_ingest_twice_links_copies_to_first_run_articles(tmp_path):
    """End to end through the CLI: originals as text dumps in one process, copies in another."""
    runs = {1: tmp_path / "run1", 2: tmp_path / "run2"}
    for folder in runs.values():
        folder.mkdir()
    truth = {}
    for story, meta in MANIFEST["stories"].items():
        path = runs[1] / f"{story}.txt"
        path.write_text(f"{meta['title']}\n\n{story_text(story)}\n", encoding="utf-8")
        truth[str(path)] = story
    for copy in MANIFEST["copies"]:
        path = runs[copy["run"]] / f"{copy['id']}.txt"
        title = copy.get("title", MANIFEST["stories"][copy["story"]]["title"])
        path.write_bytes(f"{title}\n\n{copy_text(copy)}\n".encode())
        truth[str(path)] = copy["story"]
    db_path = tmp_path / "cli.db"
    cli = Path(sys.executable).parent / "newsmill"
    outputs = [
        subprocess.run(
            [str(cli), "ingest", str(folder), "--db", str(db_path), "-q"], capture_output=True, text=True, check=True
        ).stdout
        for folder in runs.values()
    ]
    archive = Archive.open(db_path)
    try:
        predicted = dict(archive.db.execute("SELECT path, article_id FROM sightings").fetchall())
        relations = archive.db.execute("SELECT DISTINCT relation FROM sightings WHERE run_id = 2").fetchall()
    finally:
        archive.close()
    assert set(predicted) == set(truth)
    precision, recall = pairwise_scores(truth, {path: predicted[path] for path in truth})
    assert precision >= PRECISION_FLOOR and recall >= RECALL_FLOOR
    assert (ORIGINAL,) not in relations
    assert "near duplicates (edited)" in outputs[1]
