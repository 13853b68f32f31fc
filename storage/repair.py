"""Split articles that the old identity rule merged: `newsmill repair [--dry-run]`.

Before the identity rules of storage/dedup/decide.py, any new text at a known URL became a new
version of the article there: pages sharing a home-page canonical, a file claiming a crawled
URL, a `latest.txt` holding another story each day all ended up as one article whose
`versions` hold unrelated stories. Repair reads every article with versions, groups its texts
(the versions in order, then the current text) into stories with storage.dedup.same_story.is_edit,
and gives every story but the current one its own article:

- the story's latest text becomes the new article's text, its earlier texts stay its versions;
- sightings whose last text (`sightings.content_hash`) belongs to the story move with it; a
  story no sighting showed last gets a sighting at the place of the article's first one,
  marked in `identity_note` as split by repair;
- FTS rows follow through the triggers, the near-duplicate index gets the new article.

Nothing is deleted but the version rows whose text became an article's text. One write
transaction under the writer lock; a `runs` row (kind `repair`) records what was split.
Run it with --dry-run first: the report is the same, nothing is written.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from sqlite_utils import Database

from storage.clock import utc_now
from storage.db import inserted_id, write_transaction
from storage.dedup import minhash, same_story
from storage.dedup.near_duplicates import DEFAULT_THRESHOLD, NearDuplicateIndex
from storage.dedup.normalize import word_count


@dataclass
class Text:
    """One state of an article: a version row, or (version_id None) the article's current text."""

    version_id: int | None
    title: str | None
    text: str
    content_hash: str
    first_seen: str
    replaced_at: str | None


@dataclass
class Story:
    texts: list[Text] = field(default_factory=list)

    @property
    def latest(self) -> Text:
        return self.texts[-1]

    @property
    def hashes(self) -> set[str]:
        return {text.content_hash for text in self.texts}


@dataclass
class Split:
    article_id: int
    url: str | None
    stories: list[Story]
    # filled when applied: the article id each story ended up in, in the order of `stories`
    article_ids: list[int] = field(default_factory=list)

    def describe(self) -> list[str]:
        ids: list[int | None] = [*self.article_ids] or [None] * len(self.stories)
        lines = [f"article {self.article_id} ({self.url or 'no url'}): {len(self.stories)} unrelated stories"]
        for story, article_id in zip(self.stories, ids):
            where = f"-> article {article_id}" if article_id is not None else ""
            kept = "kept" if story is self.stories[-1] else "split"
            lines.append(
                f"    {kept} {where} {len(story.texts)} text(s), latest {story.latest.first_seen}: "
                f"{(story.latest.title or story.latest.text[:60]).strip()!r}".replace("  ", " ")
            )
        return lines


def find_merged(db: Database, threshold: float = DEFAULT_THRESHOLD) -> list[Split]:
    """Every article whose texts are more than one story, oldest article first."""
    splits = []
    article_ids = [row[0] for row in db.execute("SELECT DISTINCT article_id FROM versions ORDER BY article_id")]
    for article_id in article_ids:
        stories = _stories(_texts(db, article_id), threshold)
        if len(stories) > 1:
            url = db.execute("SELECT url FROM articles WHERE id = ?", [article_id]).fetchone()[0]
            splits.append(Split(article_id, url, stories))
    return splits


def repair(db: Database, *, dry_run: bool, threshold: float = DEFAULT_THRESHOLD) -> list[Split]:
    """Find the merged articles and, unless `dry_run`, split them in one write transaction."""
    if dry_run:
        return find_merged(db, threshold)
    with write_transaction(db):
        # decided inside the transaction: no writer can add a version in between
        splits = find_merged(db, threshold)
        if splits:
            index = NearDuplicateIndex(db)
            index.check_layout()
            now = utc_now()
            run_id = inserted_id(
                db.execute(
                    "INSERT INTO runs (kind, started_at, status, args) VALUES ('repair', ?, 'running', '{}')", [now]
                )
            )
            for split in splits:
                _apply(db, index, split, run_id, now)
            index.compact()
            stats = {
                "newsmill/repair/articles": len(splits),
                "newsmill/repair/new_articles": sum(len(split.stories) - 1 for split in splits),
                "splits": {str(split.article_id): split.article_ids for split in splits},
            }
            db.execute(
                "UPDATE runs SET finished_at = ?, status = 'finished', stats = ? WHERE id = ?",
                [utc_now(), json.dumps(stats, sort_keys=True), run_id],
            )
    return splits


def _texts(db: Database, article_id: int) -> list[Text]:
    texts = [
        Text(*row)
        for row in db.execute(
            "SELECT id, title, text, content_hash, first_seen, replaced_at FROM versions "
            "WHERE article_id = ? ORDER BY replaced_at, id",
            [article_id],
        )
    ]
    title, text, content_hash, last_seen = db.execute(
        "SELECT title, text, content_hash, last_seen FROM articles WHERE id = ?", [article_id]
    ).fetchone()
    first_seen = texts[-1].replaced_at if texts else last_seen
    assert first_seen is not None  # versions.replaced_at is NOT NULL (schema)
    return [*texts, Text(None, title, text, content_hash, first_seen, None)]


def _stories(texts: list[Text], threshold: float) -> list[Story]:
    """Texts in order, each joined to the latest story it is an edit of, else a story of its own.
    The story holding the current text comes last."""
    stories: list[Story] = []
    for text in texts:
        body = minhash.fingerprint(text.text)
        home = next(
            (
                story
                for story in reversed(stories)
                if text.content_hash in story.hashes
                or same_story.is_edit(same_story.likeness(body, story.latest.text), threshold)
            ),
            None,
        )
        if home is None:
            home = Story()
            stories.append(home)
        home.texts.append(text)
    current = next(story for story in stories if story.latest.version_id is None)
    return [story for story in stories if story is not current] + [current]


def _apply(db: Database, index: NearDuplicateIndex, split: Split, run_id: int, now: str) -> None:
    article_id = split.article_id
    source, site, language, first_place = db.execute(
        "SELECT a.source, a.site, a.language, "
        "(SELECT json_array(s.url, s.path, s.source, s.collector) FROM sightings s WHERE s.article_id = a.id ORDER BY s.id LIMIT 1) "
        "FROM articles a WHERE a.id = ?",
        [article_id],
    ).fetchone()
    for story in split.stories[:-1]:
        latest = story.latest
        new_id = inserted_id(
            db.execute(
                "INSERT INTO articles (url, title, text, source, site, language, content_hash, word_count, first_seen, last_seen) "
                "VALUES (NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    latest.title,
                    latest.text,
                    source,
                    site,
                    language,
                    latest.content_hash,
                    word_count(latest.text),
                    story.texts[0].first_seen,
                    latest.replaced_at or now,
                ],
            )
        )
        db.execute("DELETE FROM versions WHERE id = ?", [latest.version_id])
        earlier = [text.version_id for text in story.texts[:-1]]
        if earlier:
            db.execute(
                f"UPDATE versions SET article_id = ? WHERE id IN ({','.join('?' * len(earlier))})", [new_id, *earlier]
            )
        marks = ",".join("?" * len(story.hashes))
        moved = db.execute(
            f"UPDATE sightings SET article_id = ?, relation = CASE relation WHEN 'new_version' THEN 'original' ELSE relation END, "
            f"identity_note = ? WHERE article_id = ? AND content_hash IN ({marks})",
            [new_id, f"split from article {article_id} by newsmill repair", article_id, *story.hashes],
        ).rowcount
        note = f"split from article {article_id} by newsmill repair: the text this place showed before"
        if not moved and first_place:
            url, path, place_source, collector = json.loads(first_place)
            db.execute(
                "INSERT INTO sightings (article_id, url, path, source, relation, seen_at, last_seen_at, run_id, "
                "content_hash, collector, identity_note) VALUES (?, ?, ?, ?, 'original', ?, ?, ?, ?, ?, ?)",
                [
                    new_id,
                    url,
                    path,
                    place_source,
                    story.texts[0].first_seen,
                    latest.replaced_at or now,
                    run_id,
                    latest.content_hash,
                    collector,
                    note,
                ],
            )
        text_sighting = db.execute("SELECT min(id) FROM sightings WHERE article_id = ?", [new_id]).fetchone()[0]
        db.execute("UPDATE articles SET field_sources = ? WHERE id = ?", [json.dumps({"text": text_sighting}), new_id])
        index.add(new_id, minhash.fingerprint(latest.text))
        split.article_ids.append(new_id)
    split.article_ids.append(article_id)
