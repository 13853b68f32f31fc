"""Identity rules (storage/archive.py): a URL or a path is a claim, a text decides.

Each case is one that merged or overwrote stories before the rules: pages sharing a CMS's
home-page canonical, a local file naming a crawled article, a dump replaced by a new story
under the same name, and a short article edited by two words. Real SQLite archives, real
`newsmill ingest` and `newsmill crawl` processes against the fake site on 127.0.0.1.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from html import escape
from pathlib import Path

import pytest

from storage.archive import Archive
from storage.dedup.normalize import content_hash
from storage.records import DUPLICATE, NEAR_DUPLICATE, NEW_VERSION, ORIGINAL, ArticleRecord
from tests.fakesite.server import FakeSite
from tests.test_crawl import crawl

ROOT = Path(__file__).resolve().parents[1]
NEWSMILL = [sys.executable, "-m", "crawler.cli"]

# Three stories of one invented town paper, nothing in common but the town.
STORIES = {
    "ferry": (
        "Night ferry to Osterholm returns after two winters",
        [
            "The night ferry between Kestrel Quay and Osterholm will sail again from March, the harbour "
            "board confirmed on Thursday, ending a two-year gap that forced shift workers onto a long detour "
            "by road around the northern inlet.",
            "The board said a second-hand vessel bought from a Norwegian operator had passed its sea trials "
            "and would carry up to 240 passengers and forty cars on each crossing, leaving Kestrel Quay at "
            "half past eleven and returning before dawn.",
            "Hospital porter Idris Vell, who has driven the detour five nights a week, said the news would "
            "give him back an hour of sleep every night and that most of his colleagues had already asked "
            "about season tickets.",
        ],
    ),
    "orchard": (
        "Volunteers save the old orchard on Pell Lane from housing plan",
        [
            "A group of volunteers has raised enough money to buy the derelict orchard on Pell Lane, two "
            "days before the deadline set by the owners, who had agreed to sell the land for housing if no "
            "other offer arrived by the end of the month.",
            "More than nine hundred people gave to the appeal, most of them small sums, and a local brewery "
            "matched the last ten thousand pounds. The orchard holds sixty apple and pear trees, some of "
            "them of varieties that no nursery sells any more.",
            "Organiser Bettina Crowe said the first task would be to clear brambles and replace the broken "
            "fence, and that the group hoped to hold an apple day in October with pressing, tasting and "
            "grafting lessons for anyone who wants to take a tree home.",
        ],
    ),
    "library": (
        "Library mobile van gets electric replacement",
        [
            "The district library will replace its thirty-year-old mobile van with an electric one that can "
            "visit eleven villages a week instead of seven, after the council approved the purchase at its "
            "budget meeting on Monday evening.",
            "The new van carries three thousand books, a small desk for printing and scanning, and a ramp "
            "for wheelchairs and prams. Its batteries are charged overnight at the depot, and a full charge "
            "is enough for the longest of the rounds with some to spare.",
            "Librarian Osric Menn said borrowers in the hill villages had waited years for a more frequent "
            "service, and that the old van would be offered to a museum of transport rather than scrapped.",
        ],
    ),
}


def page(title: str, paragraphs: list[str], canonical: str | None) -> str:
    link = f'<link rel="canonical" href="{escape(canonical)}">' if canonical else ""
    body = "\n".join(f"<p>{escape(paragraph)}</p>" for paragraph in paragraphs)
    return (
        f"<!doctype html><html lang=en><head><meta charset=utf-8><title>{escape(title)} | Kestrel Courier</title>{link}</head>"
        f"<body><nav><a href='/'>Home</a> <a href='/news/'>News</a></nav><article><h1>{escape(title)}</h1>{body}</article>"
        "<footer>Kestrel Courier, 4 Quay Street</footer></body></html>"
    )


def ingest(db: Path, *args: str) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [*NEWSMILL, "ingest", *args, "--db", str(db), "-q", "-s", "NEWSMILL_WORKERS=0"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert result.returncode == 0, result.stderr
    return result


def query(db: Path, sql: str, *params):
    with sqlite3.connect(db) as connection:
        return connection.execute(sql, params).fetchall()


def edit_words(text: str, *pairs: tuple[str, str]) -> str:
    for old, new in pairs:
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


@pytest.mark.parametrize(
    "canonical",
    ["https://courier.example/", "https://courier.example/news/", "https://courier.example/2026/03/one-story-for-all"],
    ids=["home-page", "section-page", "plausible-but-shared"],
)
@pytest.mark.slow
def test_unrelated_pages_under_one_canonical_stay_three_articles(tmp_path, canonical):
    folder = tmp_path / "saved"
    folder.mkdir()
    for name, (title, paragraphs) in STORIES.items():
        (folder / f"{name}.html").write_text(page(title, paragraphs, canonical), encoding="utf-8")
    db = tmp_path / "archive.db"
    ingest(db, str(folder))
    assert query(db, "SELECT count(*) FROM articles")[0][0] == 3
    assert query(db, "SELECT count(*) FROM versions")[0][0] == 0
    for word, story in (("Osterholm", "ferry"), ("brambles", "orchard"), ("wheelchairs", "library")):
        found = query(
            db, "SELECT a.title FROM articles_fts f JOIN articles a ON a.id = f.rowid WHERE articles_fts MATCH ?", word
        )
        assert len(found) == 1 and found[0][0].startswith(STORIES[story][0]), word
    # every sighting kept the canonical it declared, and the ones it could not follow say why
    sightings = query(db, "SELECT relation, canonical_url, identity_note FROM sightings ORDER BY id")
    assert {row[0] for row in sightings} == {ORIGINAL}
    assert all(row[1] == canonical for row in sightings)
    if canonical.endswith("one-story-for-all"):
        # believed (it could be an article), so the first page takes it and the others are refused it
        assert query(db, "SELECT count(*) FROM articles WHERE url = ?", canonical)[0][0] == 1
        notes = [row[2] for row in sightings if row[2]]
        assert len(notes) == 2 and all("an unrelated text" in note for note in notes)
    else:
        assert query(db, "SELECT count(*) FROM articles WHERE url IS NOT NULL")[0][0] == 0
        assert all("not believed" in row[2] for row in sightings)


# -- a local file claiming a crawled article ----------------------------------------------------


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    """A crawl of the fake site's feed source: (archive, workdir, site)."""
    site = FakeSite().start()
    workdir = tmp_path_factory.mktemp("identity-crawl")
    db = workdir / "crawled.db"
    run = crawl(site, workdir, db, "ledger-feed")
    assert run.result.returncode == 0, run.result.stderr
    yield db, workdir, site
    site.stop()


def copy_of(db: Path, target: Path) -> Path:
    with sqlite3.connect(db) as source, sqlite3.connect(target) as copy:
        source.backup(copy)
    return target


def a_crawled_article(db: Path) -> tuple[int, str, str, str]:
    return query(db, "SELECT id, url, title, text FROM articles WHERE url IS NOT NULL ORDER BY id LIMIT 1")[0]


def claiming_file(folder: Path, url: str, title: str, text: str) -> Path:
    folder.mkdir(exist_ok=True)
    path = folder / "claim.html"
    path.write_text(page(title, text.split("\n\n"), url), encoding="utf-8")
    return path


@pytest.mark.slow
def test_local_file_with_unrelated_text_never_rewrites_a_crawled_article(crawled, tmp_path):
    db = copy_of(crawled[0], tmp_path / "a.db")
    article_id, url, title, text = a_crawled_article(db)
    other_title, other_paragraphs = STORIES["orchard"]
    ingest(db, str(claiming_file(tmp_path / "files", url, other_title, "\n\n".join(other_paragraphs))))
    assert query(db, "SELECT title, text FROM articles WHERE id = ?", article_id) == [(title, text)]
    assert query(db, "SELECT count(*) FROM versions")[0][0] == 0
    new = query(db, "SELECT id, url FROM articles WHERE title LIKE ?", other_title + "%")
    assert len(new) == 1 and new[0][0] != article_id and new[0][1] is None
    (note,) = query(db, "SELECT identity_note FROM sightings WHERE article_id = ?", new[0][0])[0]
    assert f"url {url} belongs to article {article_id}" in note


@pytest.mark.slow
def test_local_file_with_an_edit_of_a_crawled_article_is_only_a_copy(crawled, tmp_path):
    db = copy_of(crawled[0], tmp_path / "b.db")
    article_id, url, title, text = a_crawled_article(db)
    words = text.split()
    edited = text.replace(words[10], "EDITED", 1).replace(words[-5], "CHANGED", 1)
    ingest(db, str(claiming_file(tmp_path / "files", url, "A headline someone else wrote", edited)))
    assert query(db, "SELECT title, text FROM articles WHERE id = ?", article_id) == [(title, text)]
    assert query(db, "SELECT count(*) FROM versions")[0][0] == 0
    relation, note, collector = query(
        db,
        "SELECT relation, identity_note, collector FROM sightings WHERE article_id = ? AND path IS NOT NULL",
        article_id,
    )[0]
    assert relation == NEAR_DUPLICATE and collector == "file"
    assert "a local file never replaces text a crawl fetched" in note


@pytest.mark.slow
def test_trust_canonical_lets_a_saved_snapshot_update_its_article(crawled, tmp_path):
    db = copy_of(crawled[0], tmp_path / "c.db")
    article_id, url, title, text = a_crawled_article(db)
    edited = text + "\n\nCorrection: an earlier version of this article misspelt a name."
    ingest(db, str(claiming_file(tmp_path / "files", url, title, edited)), "--trust-canonical")
    assert query(db, "SELECT text FROM versions WHERE article_id = ?", article_id) == [(text,)]
    assert "Correction:" in query(db, "SELECT text FROM articles WHERE id = ?", article_id)[0][0]


# -- text dumps at a path the archive knows ------------------------------------------------------


def dump(title: str, paragraphs: list[str]) -> str:
    return f"{title}\n\n" + "\n\n".join(paragraphs) + "\n"


@pytest.mark.slow
def test_edited_dump_at_the_same_path_is_a_new_version_and_a_new_story_a_new_article(tmp_path):
    folder = tmp_path / "dumps"
    folder.mkdir()
    title, paragraphs = STORIES["ferry"]
    (folder / "latest.txt").write_text(dump(title, paragraphs), encoding="utf-8")
    (folder / "story.txt").write_text(dump(*STORIES["library"]), encoding="utf-8")
    db = tmp_path / "archive.db"
    ingest(db, str(folder), "--source", "courier")
    # a corrected dump: one figure and one name changed
    corrected = [edit_words(paragraphs[1], ("240 passengers", "260 passengers")), *paragraphs[2:]]
    corrected = [paragraphs[0], *corrected[:1], edit_words(paragraphs[2], ("Idris Vell", "Idris Vellan"))]
    (folder / "latest.txt").write_text(dump(title, corrected), encoding="utf-8")
    ingest(db, str(folder), "--source", "courier")
    assert query(db, "SELECT count(*) FROM articles")[0][0] == 2
    ferry_id = query(db, "SELECT id FROM articles WHERE title LIKE ?", title + "%")[0][0]
    assert "260 passengers" in query(db, "SELECT text FROM articles WHERE id = ?", ferry_id)[0][0]
    (old_text,) = [row[0] for row in query(db, "SELECT text FROM versions WHERE article_id = ?", ferry_id)]
    assert "240 passengers" in old_text and "Idris Vell," in old_text
    # next day the same file holds another story: a new article, the ferry story untouched
    (folder / "latest.txt").write_text(dump(*STORIES["orchard"]), encoding="utf-8")
    ingest(db, str(folder), "--source", "courier")
    assert query(db, "SELECT count(*) FROM articles")[0][0] == 3
    assert query(db, "SELECT count(*) FROM versions")[0][0] == 1
    assert "260 passengers" in query(db, "SELECT text FROM articles WHERE id = ?", ferry_id)[0][0]
    orchard = query(db, "SELECT id FROM articles WHERE title LIKE ?", STORIES["orchard"][0] + "%")
    assert len(orchard) == 1
    note = query(db, "SELECT identity_note FROM sightings WHERE article_id = ?", orchard[0][0])[0][0]
    assert "latest.txt belongs to article" in note


# -- short articles: an edit of a few words is still the same story ---------------------------


SHORT = (
    "The coastguard rescued two kayakers off Gull Point on Sunday afternoon after a sudden squall "
    "overturned both boats about half a mile from the shore. A passing fishing crew raised the alarm "
    "and kept the pair afloat with a rope until the lifeboat arrived. Both were taken to hospital in "
    "Kestrel Quay as a precaution and released the same evening, the coastguard said."
)
BRIEF_TEMPLATE = (
    "Kestrel Courier briefs. {body} For more local news, follow the Kestrel Courier every morning. "
    "Tips and corrections go to the newsdesk."
)


def record(text: str, path: str) -> ArticleRecord:
    return ArticleRecord(text=text, content_hash=content_hash(text), source="t", path=path)


def store(archive: Archive, text: str, path: str):
    (decision,) = archive.store_batch([record(text, path)])
    return decision


def test_short_article_edited_by_two_or_three_words_is_the_same_story(tmp_path):
    assert 60 <= len(SHORT.split()) <= 75
    archive = Archive.open(tmp_path / "a.db")
    original = store(archive, SHORT, "wire/1.txt")
    two = store(archive, edit_words(SHORT, ("Sunday", "Saturday"), ("rope", "line")), "wire/2.txt")
    three = store(
        archive,
        edit_words(SHORT, ("two kayakers", "three kayakers"), ("half a mile", "a mile"), ("evening", "night")),
        "wire/3.txt",
    )
    fifty = " ".join(SHORT.split()[:50])
    base_fifty = store(archive, fifty, "wire/4.txt")  # a different length: its own article or a copy
    edited_fifty = store(
        archive, edit_words(fifty, ("squall", "storm"), ("fishing", "trawler"), ("alarm", "alert")), "wire/5.txt"
    )
    archive.close()
    assert original.relation == ORIGINAL
    assert (two.relation, two.article_id) == (NEAR_DUPLICATE, original.article_id)
    assert (three.relation, three.article_id) == (NEAR_DUPLICATE, original.article_id)
    assert edited_fifty.article_id == base_fifty.article_id
    assert two.similarity >= 0.9


def test_short_stories_sharing_a_template_stay_apart(tmp_path):
    archive = Archive.open(tmp_path / "a.db")
    bodies = [
        "The coastguard rescued two kayakers off Gull Point on Sunday after a squall overturned their boats.",
        "The town council will vote on Tuesday on closing the Pell Lane car park to build a new school.",
        "Police are looking for witnesses after a van struck a bus shelter on Quay Street late on Friday.",
        "The lighthouse museum reopens on Saturday with a new room about the keepers who lived there.",
    ]
    decisions = [store(archive, BRIEF_TEMPLATE.format(body=body), f"briefs/{n}.txt") for n, body in enumerate(bodies)]
    archive.close()
    assert [decision.relation for decision in decisions] == [ORIGINAL] * 4
    assert len({decision.article_id for decision in decisions}) == 4


def test_crawled_page_replaced_by_an_unrelated_story_is_a_new_article(tmp_path):
    archive = Archive.open(tmp_path / "a.db")
    url = "https://courier.example/2026/03/latest-news"

    def fetched(text: str) -> ArticleRecord:
        return ArticleRecord(text=text, content_hash=content_hash(text), source="t", url=url, fetched_url=url)

    ferry, orchard = ("\n\n".join(STORIES[name][1]) for name in ("ferry", "orchard"))
    (first,) = archive.store_batch([fetched(ferry)])
    (edit,) = archive.store_batch([fetched(ferry + "\n\nUpdate: the first sailing is on 3 March.")])
    (other,) = archive.store_batch([fetched(orchard)])
    (again,) = archive.store_batch([fetched(orchard)])
    rows = archive.db.execute("SELECT id, url FROM articles ORDER BY id").fetchall()
    archive.close()
    assert first.relation == ORIGINAL and (edit.relation, edit.article_id) == (NEW_VERSION, first.article_id)
    assert other.relation == ORIGINAL and other.article_id != first.article_id
    assert "an unrelated text" in other.note
    assert (again.relation, again.article_id, again.already_seen_here) == (DUPLICATE, other.article_id, True)
    assert rows == [(first.article_id, url), (other.article_id, None)]


# -- repair: archives the old rule built ------------------------------------------------------


def old_rule_new_version(archive: Archive, article_id: int, text: str, title: str, url: str | None, path: str | None):
    """What the rule before the identity rules wrote for any new text at a known URL or path:
    the article's text moved to `versions`, the new text took its place, a new_version sighting."""
    db = archive.db
    with db.conn:
        db.execute(
            "INSERT INTO versions (article_id, title, text, content_hash, first_seen, replaced_at) "
            "SELECT id, title, text, content_hash, last_seen, datetime('now') FROM articles WHERE id = ?",
            [article_id],
        )
        db.execute(
            "UPDATE articles SET title = ?, text = ?, content_hash = ?, word_count = ? WHERE id = ?",
            [title, text, content_hash(text), len(text.split()), article_id],
        )
        db.execute(
            "INSERT OR REPLACE INTO sightings (article_id, url, path, source, relation, seen_at, last_seen_at, content_hash) "
            "VALUES (?, ?, ?, 't', 'new_version', datetime('now'), datetime('now'), ?)",
            [article_id, url, path, content_hash(text)],
        )


def all_texts(db: Path) -> list[str]:
    return sorted(row[0] for row in query(db, "SELECT text FROM articles UNION ALL SELECT text FROM versions"))


@pytest.mark.slow
def test_repair_splits_what_the_old_rule_merged_and_loses_nothing(tmp_path):
    db = tmp_path / "old.db"
    archive = Archive.open(db)
    home = "https://courier.example/"
    ferry, orchard, library = ("\n\n".join(STORIES[name][1]) for name in ("ferry", "orchard", "library"))
    # three saved pages under the home-page canonical: one article, two versions
    (first,) = archive.store_batch(
        [
            ArticleRecord(
                text=ferry, content_hash=content_hash(ferry), source="t", url=home, path="p/ferry.html", title="Ferry"
            )
        ]
    )
    old_rule_new_version(archive, first.article_id, orchard, "Orchard", home, "p/orchard.html")
    old_rule_new_version(archive, first.article_id, library, "Library", home, "p/library.html")
    # a genuine edit at a crawled URL: one story, must stay one article
    url = "https://courier.example/2026/03/ferry-times"
    (crawled,) = archive.store_batch(
        [
            ArticleRecord(
                text=SHORT, content_hash=content_hash(SHORT), source="t", url=url, fetched_url=url, title="Kayakers"
            )
        ]
    )
    corrected = SHORT + "\n\nCorrection: the rescue was on Saturday."
    old_rule_new_version(archive, crawled.article_id, corrected, "Kayakers", url, None)
    archive.close()
    before = all_texts(db)
    sightings_before = query(db, "SELECT count(*) FROM sightings")[0][0]

    dry = subprocess.run(
        [*NEWSMILL, "repair", "--db", str(db), "--dry-run"], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert dry.returncode == 0, dry.stderr
    assert f"article {first.article_id} ({home}): 3 unrelated stories" in dry.stdout
    assert "1 merged articles; 2 stories would get an article of their own" in dry.stdout
    assert all_texts(db) == before and query(db, "SELECT count(*) FROM articles")[0][0] == 2

    done = subprocess.run([*NEWSMILL, "repair", "--db", str(db)], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "2 stories got an article of their own" in done.stdout
    # every text is still there, now as the text of its own story
    assert sorted(row[0] for row in query(db, "SELECT text FROM articles")) == sorted(
        [ferry, orchard, library, corrected]
    )
    assert query(db, "SELECT text FROM versions") == [(SHORT,)]
    assert all_texts(db) == before  # the same texts, each once: nothing lost
    for word in ("Osterholm", "brambles"):
        assert len(query(db, "SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?", word)) == 1
    # each split story has its own sighting at the place that showed it
    ferry_id = query(db, "SELECT id FROM articles WHERE text = ?", ferry)[0][0]
    assert query(db, "SELECT path FROM sightings WHERE article_id = ?", ferry_id) == [("p/ferry.html",)]
    assert query(db, "SELECT count(*) FROM sightings")[0][0] == sightings_before
    assert query(db, "SELECT kind, status FROM runs WHERE kind = 'repair'") == [("repair", "finished")]
    again = subprocess.run([*NEWSMILL, "repair", "--db", str(db)], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert "0 merged articles" in again.stdout
