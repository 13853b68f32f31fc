"""The dedup decision for one record, inside the batch's write transaction: duplicate, near
duplicate, new version or new article, and the rows each one writes.

Identity rules, applied here for every collector (crawls, files, explain):

1. A URL is a claim of identity, not a proof: the URL a page was fetched from, and its
   canonical when pipelines.identity found it plausible (same registrable domain, not the
   home page, a section or a tag page). A file's path is a claim too.
2. A record is compared with the article of each of its claims (its URL's article, the
   article last seen at its fetched URL, the article last seen at its path). Same text:
   a duplicate. An edit of that text (storage.dedup.same_story.is_edit): a new version, if the
   record may replace the article's text (rule 3), else a near-duplicate sighting of it.
   Unrelated text: the claim is refused and written on the sighting (`identity_note`);
   the record goes on as if it had claimed nothing.
3. Only the kind of place that supplied an article's text may supply its next version: a
   crawl may replace text a crawl fetched, a file only text that came from the same path.
   A local file never replaces text a crawl fetched (`trust_canonical`, from `ingest
   --trust-canonical`, lifts this for a file whose canonical names the article).
4. Without a claim that holds: an exact duplicate (same normalised body), a near duplicate
   (storage.dedup.near_duplicates, storage.dedup.same_story.is_copy), or a new article. A new article
   takes the claimed URL only if no other article holds it (then its fetched URL, if free).

Whatever a record is, the article takes from it what it lacked (storage.dedup.best_fields).
Two different stories are never one article; when a claim and a text disagree, both are
kept and the sighting says why.
"""

from __future__ import annotations

import json
import logging

from sqlite_utils import Database

from storage.db import inserted_id
from storage.dedup import best_fields, same_story
from storage.dedup.minhash import BodyFingerprint
from storage.dedup.near_duplicates import DEFAULT_THRESHOLD, NearDuplicateIndex
from storage.dedup.normalize import word_count
from storage.records import (
    CRAWL,
    DUPLICATE,
    FILE,
    NEAR_DUPLICATE,
    NEW_VERSION,
    ORIGINAL,
    ArticleRecord,
    Decision,
)

logger = logging.getLogger(__name__)


class Decider:
    """Decides and writes one record at a time; the caller holds the write transaction."""

    def __init__(
        self, db: Database, near_duplicates: NearDuplicateIndex, near_duplicate_threshold: float = DEFAULT_THRESHOLD
    ):
        self.db = db
        self.near_duplicates = near_duplicates
        self.near_duplicate_threshold = near_duplicate_threshold

    def decide_and_write(
        self, record: ArticleRecord, fingerprint: BodyFingerprint, run_id: int | None, now: str
    ) -> Decision:
        threshold = record.near_duplicate_threshold or self.near_duplicate_threshold
        refused: list[str] = []
        place = record.fetched_url or record.url
        for article_id, claim in self._claims(record):
            known_hash = self.db.execute("SELECT content_hash FROM articles WHERE id = ?", [article_id]).fetchone()[0]
            here = self._sighting_here(article_id, record, place)
            # the text this place showed last time counts as unchanged too
            if record.content_hash in (known_hash, here and here[1]):
                return self._sight(article_id, DUPLICATE, record, run_id, now, here, similarity=1.0, place=place)
            found = self.near_duplicates.likeness_to(fingerprint, article_id)
            if found is None or not same_story.is_edit(found, threshold):
                jaccard = found.jaccard if found else 0.0
                refused.append(f"{claim} belongs to article {article_id}, an unrelated text (similarity {jaccard:.2f})")
                if claim.startswith("url ") and not record.fetched_url:
                    # a file's place is its path; the URL it claimed in vain stays in canonical_url
                    place = None
                continue
            similarity = round(found.similarity, 4)
            barrier = self._replacement_barrier(article_id, record, claim)
            if barrier is None:
                self._keep_old_text(article_id, record, run_id, now)
                self.near_duplicates.add(article_id, fingerprint)
                decision = self._sight(
                    article_id, NEW_VERSION, record, run_id, now, here, similarity=similarity, place=place
                )
                best_fields.set_text_source(self.db, article_id, decision.sighting_id)
                return decision
            note: str | None = f"an edit of article {article_id} ({claim}), kept as a copy: {barrier}"
            decision = self._sight(
                article_id, NEAR_DUPLICATE, record, run_id, now, here, similarity=similarity, note=note, place=place
            )
            if not decision.already_seen_here:
                assert decision.sighting_id is not None  # _sight records (or finds) one every time
                self.near_duplicates.add_copy(article_id, decision.sighting_id, fingerprint)
            return decision
        note = "; ".join(filter(None, [record.identity_note, *refused])) or None
        row = self.db.execute(
            "SELECT id FROM articles WHERE content_hash = ? ORDER BY id LIMIT 1",
            [record.content_hash],
        ).fetchone()
        if row:
            here = self._sighting_here(row[0], record, place)
            return self._sight(row[0], DUPLICATE, record, run_id, now, here, similarity=1.0, note=note, place=place)
        match = self.near_duplicates.find(fingerprint, threshold)
        if match:
            here = self._sighting_here(match.article_id, record, place)
            similarity = round(match.similarity, 4)
            decision = self._sight(
                match.article_id,
                NEAR_DUPLICATE,
                record,
                run_id,
                now,
                here,
                similarity=similarity,
                note=note,
                place=place,
            )
            if not decision.already_seen_here:
                assert decision.sighting_id is not None  # _sight records (or finds) one every time
                self.near_duplicates.add_copy(match.article_id, decision.sighting_id, fingerprint)
            return decision
        url = next((url for url in (record.url, record.fetched_url) if url and not self._url_taken(url)), None)
        article_id = self._insert_article(record, url, now)
        self.near_duplicates.add(article_id, fingerprint)
        # a new article has no sightings yet
        return self._sight(article_id, ORIGINAL, record, run_id, now, None, note=note, place=place)

    def _claims(self, record: ArticleRecord) -> list[tuple[int, str]]:
        """(article id, what the record claims of it), strongest claim first, each article once."""
        claims: dict[int, str] = {}
        if record.url:
            row = self.db.execute("SELECT id FROM articles WHERE url = ?", [record.url]).fetchone()
            if row:
                claims.setdefault(row[0], f"url {record.url}")
        if record.fetched_url and record.fetched_url != record.url and not record.path:
            row = self.db.execute(
                "SELECT article_id FROM sightings WHERE url = ? AND path IS NULL "
                "ORDER BY last_seen_at DESC, id DESC LIMIT 1",
                [record.fetched_url],
            ).fetchone()
            if row:
                claims.setdefault(row[0], f"fetched url {record.fetched_url}")
        if record.path:
            row = self.db.execute(
                "SELECT article_id FROM sightings WHERE path = ? ORDER BY last_seen_at DESC, id DESC LIMIT 1",
                [record.path],
            ).fetchone()
            if row:
                claims.setdefault(row[0], f"path {record.path}")
        return list(claims.items())

    def _replacement_barrier(self, article_id: int, record: ArticleRecord, claim: str) -> str | None:
        """Why this record may not replace the article's text (rule 3), or None if it may."""
        supplier = best_fields.text_source(self.db, article_id)
        if supplier is None:
            return None
        collector, path = supplier
        if record.collected_by == CRAWL:
            return None if collector == CRAWL else "its text came from a local file"
        if collector == FILE and path == record.path:
            return None
        if record.trust_canonical and claim.startswith("url "):
            return None
        if collector == CRAWL:
            return "a local file never replaces text a crawl fetched"
        return f"its text came from another file ({path})"

    def _url_taken(self, url: str) -> bool:
        return self.db.execute("SELECT 1 FROM articles WHERE url = ?", [url]).fetchone() is not None

    def _insert_article(self, record: ArticleRecord, url: str | None, now: str) -> int:
        cursor = self.db.execute(
            """
            INSERT INTO articles (url, title, text, author, published, published_origin, modified,
                language, section, site, tags, source, content_hash, word_count,
                first_seen, last_seen)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                url,
                record.title,
                record.text,
                record.author,
                record.published,
                record.published_origin,
                record.modified,
                record.language,
                record.section,
                record.site,
                json.dumps(record.tags, ensure_ascii=False) if record.tags else None,
                record.source,
                record.content_hash,
                word_count(record.text),
                now,
                now,
            ],
        )
        return inserted_id(cursor)

    def _keep_old_text(self, article_id: int, record: ArticleRecord, run_id: int | None, now: str) -> None:
        """The story at this place changed: keep the old text as a version, show the new one."""
        self.db.execute(
            """
            INSERT INTO versions (article_id, title, text, content_hash, first_seen, replaced_at, run_id)
            SELECT id, title, text, content_hash, last_seen, ?, ? FROM articles WHERE id = ?
            """,
            [now, run_id, article_id],
        )
        self.db.execute(
            "UPDATE articles SET title = coalesce(?, title), text = ?, content_hash = ?, "
            "word_count = ?, modified = coalesce(?, modified) WHERE id = ?",
            [record.title, record.text, record.content_hash, word_count(record.text), record.modified, article_id],
        )

    def _sighting_here(
        self, article_id: int, record: ArticleRecord, place: str | None
    ) -> tuple[int, str | None] | None:
        """(id, content_hash) of the article's sighting at this record's place (URL `place`,
        record.path), if it has one."""
        row: tuple[int, str | None] | None = self.db.execute(
            "SELECT id, content_hash FROM sightings WHERE article_id = ? AND ifnull(url, '') = ifnull(?, '') "
            "AND ifnull(path, '') = ifnull(?, '')",
            [article_id, place, record.path],
        ).fetchone()
        return row

    def _sight(
        self,
        article_id: int,
        relation: str,
        record: ArticleRecord,
        run_id: int | None,
        now: str,
        here: tuple[int, str | None] | None,
        similarity: float | None = None,
        note: str | None = None,
        place: str | None = None,
    ) -> Decision:
        """Record the record's place (URL `place`, record.path) as a sighting of the article;
        `here` is _sighting_here's answer."""
        if relation != ORIGINAL:  # a new article's last_seen is already now
            self.db.execute("UPDATE articles SET last_seen = ? WHERE id = ?", [now, article_id])
        if here:
            sighting_id = here[0]
            self.db.execute(
                "UPDATE sightings SET last_seen_at = ?, run_id = ?, content_hash = ?, "
                "raw_hash = coalesce(?, raw_hash), identity_note = coalesce(?, identity_note) WHERE id = ?",
                [now, run_id, record.content_hash, record.raw_hash, note, sighting_id],
            )
            best_fields.merge_from_copy(self.db, article_id, record, sighting_id)
            # A re-ingested place is not news, whatever the text-level relation was.
            relation = relation if relation == NEW_VERSION else DUPLICATE
            return Decision(
                article_id, relation, already_seen_here=True, similarity=similarity, sighting_id=sighting_id, note=note
            )
        cursor = self.db.execute(
            "INSERT INTO sightings (article_id, url, path, source, relation, similarity, seen_at, last_seen_at, "
            "run_id, content_hash, encoding, raw_hash, collector, canonical_url, identity_note) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                article_id,
                place,
                record.path,
                record.source,
                relation,
                similarity,
                now,
                now,
                run_id,
                record.content_hash,
                record.encoding,
                record.raw_hash,
                record.collected_by,
                record.canonical_url,
                note,
            ],
        )
        sighting_id = inserted_id(cursor)
        if relation == ORIGINAL:
            best_fields.record_origin(self.db, article_id, record, sighting_id)
        else:
            best_fields.merge_from_copy(self.db, article_id, record, sighting_id)
        return Decision(article_id, relation, similarity=similarity, sighting_id=sighting_id, note=note)
