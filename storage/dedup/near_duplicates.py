"""The persisted near-duplicate index: MinHash-LSH bands in SQLite, candidates verified by Jaccard.

The index lives in tables: band keys (band key, article id) in WITHOUT ROWID tables whose
primary key is the lookup index, kept in levels by storage/dedup/band_levels.py, and
`article_minhash` (one signature BLOB per article). Nothing of the archive is held in memory, so a new article is compared with
everything any process ever stored, and memory does not grow with the archive.

A lookup is: band keys -> articles sharing at least one band -> signature estimates as a cheap
filter -> exact Jaccard of word shingles against the article's stored text, which decides; when
that falls short, the estimate against an edited copy already merged into the article (its
signature in `copy_minhash`, its bands in `article_bands`) may still reach the threshold.
Ties go to the oldest article, so the same archive and the same text always give the same answer.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass

from sqlite_utils import Database

from storage.dedup import minhash, same_story
from storage.dedup.band_levels import BandLevels
from storage.dedup.minhash import BodyFingerprint
from storage.dedup.same_story import Likeness

logger = logging.getLogger(__name__)

DEFAULT_THRESHOLD = 0.8
# Articles sharing a band, most shared bands first, that get their signature compared.
MAX_CANDIDATES = 32
# The signature estimate has a standard error of ~0.035 at J = 0.8 with 128 permutations;
# 0.15 below the threshold is > 4 sigma, so the cheap filter never drops a true match.
ESTIMATE_MARGIN = 0.15
# Texts fetched and shingled for the exact check, best estimates first.
MAX_VERIFIED = 4


class LayoutMismatch(RuntimeError):
    """The archive's band keys were made with another MinHash layout than this code's."""


@dataclass(frozen=True)
class NearMatch:
    article_id: int
    similarity: float


class NearDuplicateIndex:
    def __init__(self, db: Database):
        self.db = db
        self.bands = BandLevels(db)
        self._layout_checked = False

    def check_layout(self) -> None:
        """Record the layout on first use; refuse an archive whose band keys this code cannot reproduce.
        Runs inside the caller's write transaction."""
        if self._layout_checked:
            return
        layout = asdict(minhash.current_layout())
        row = self.db.execute(
            "SELECT algorithm, shingle_words, num_perm, seed, bands, rows_per_band, probe "
            "FROM minhash_layout WHERE id = 1"
        ).fetchone()
        if row is None:
            self.db.execute(
                "INSERT INTO minhash_layout (id, algorithm, shingle_words, num_perm, seed, bands, rows_per_band, probe) "
                "VALUES (1, :algorithm, :shingle_words, :num_perm, :seed, :bands, :rows_per_band, :probe)",
                layout,
            )
        else:
            stored = dict(
                zip(("algorithm", "shingle_words", "num_perm", "seed", "bands", "rows_per_band", "probe"), row)
            )
            if stored != layout:
                raise LayoutMismatch(
                    f"near-duplicate index was built with {stored}, this code computes {layout}; "
                    "band keys would never match (did the MinHash library change?)"
                )
        self._layout_checked = True

    def find(self, fingerprint: BodyFingerprint, threshold: float) -> NearMatch | None:
        """The stored article most similar to `fingerprint`, if the similarity reaches `threshold`:
        exact Jaccard with the article's text, or else the estimate against one of its merged copies."""
        if not fingerprint.indexable:
            return None
        hits: dict[int, int] = {}
        for article_id in self.bands.article_ids(fingerprint.lookup_keys):
            hits[article_id] = hits.get(article_id, 0) + 1
        if not hits:
            return None
        candidates = sorted(hits, key=lambda article_id: (-hits[article_id], article_id))[:MAX_CANDIDATES]
        estimates = self._estimates(fingerprint, candidates)
        bar = threshold - ESTIMATE_MARGIN
        if fingerprint.is_short:
            # a short body's few allowed edits cost it more Jaccard: the bar is the least
            # Jaccard those edits can leave, less the same margin
            bar = min(bar, same_story.least_short_copy_jaccard(len(fingerprint.shingle_list)) - ESTIMATE_MARGIN)
        shortlist = sorted(
            (
                article_id
                for article_id, (text_estimate, copy_estimate) in estimates.items()
                if max(text_estimate, copy_estimate) >= bar
            ),
            key=lambda article_id: (-max(estimates[article_id]), -hits[article_id], article_id),
        )[:MAX_VERIFIED]
        best: NearMatch | None = None
        for article_id in shortlist:
            found = self.likeness_to(fingerprint, article_id)
            if found is not None and same_story.is_copy(found, threshold):
                similarity = found.similarity
            elif fingerprint.is_short:
                # short copies keep their words: an edit of a copy is judged word by word too
                similarity = self._short_copy_similarity(fingerprint, article_id, threshold)
            else:
                # the article's text is one copy; an edited copy already merged may be closer
                similarity = estimates[article_id][1]
            if similarity < threshold:
                continue
            if best is None or (similarity, -article_id) > (best.similarity, -best.article_id):
                best = NearMatch(article_id, similarity)
        if best is not None:
            logger.debug("near duplicate of article %s (similarity %.3f)", best.article_id, best.similarity)
        return best

    def _estimates(self, fingerprint: BodyFingerprint, candidates: list[int]) -> dict[int, tuple[float, float]]:
        """Per candidate: estimated Jaccard with its text, and the best with one of its copies."""
        marks = ",".join("?" * len(candidates))
        text_estimates = {
            article_id: minhash.estimated_jaccard(fingerprint.signature, minhash.signature_from_blob(blob))
            for article_id, blob in self.db.execute(
                f"SELECT article_id, signature FROM article_minhash WHERE article_id IN ({marks})", candidates
            )
        }
        copy_estimates: dict[int, float] = {}
        for article_id, blob in self.db.execute(
            f"SELECT article_id, signature FROM copy_minhash WHERE article_id IN ({marks})", candidates
        ):
            estimate = minhash.estimated_jaccard(fingerprint.signature, minhash.signature_from_blob(blob))
            copy_estimates[article_id] = max(estimate, copy_estimates.get(article_id, 0.0))
        return {
            article_id: (text_estimates.get(article_id, 0.0), copy_estimates.get(article_id, 0.0))
            for article_id in candidates
        }

    def _short_copy_similarity(self, fingerprint: BodyFingerprint, article_id: int, threshold: float) -> float:
        best = 0.0
        for (words,) in self.db.execute(
            "SELECT short_text FROM copy_minhash WHERE article_id = ? AND short_text IS NOT NULL", [article_id]
        ):
            found = same_story.likeness(fingerprint, words)
            if same_story.is_copy(found, threshold):
                best = max(best, found.similarity)
        return best

    def likeness_to(self, fingerprint: BodyFingerprint, article_id: int) -> Likeness | None:
        row = self.db.execute("SELECT text FROM articles WHERE id = ?", [article_id]).fetchone()
        return same_story.likeness(fingerprint, row[0]) if row else None

    def add(self, article_id: int, fingerprint: BodyFingerprint) -> None:
        """Index an article's text. Earlier texts' bands stay, so copies of an older version
        still find the article (and are then verified against its current text)."""
        if not fingerprint.indexable:
            return
        self.db.execute(
            "INSERT INTO article_minhash (article_id, signature) VALUES (?, ?) "
            "ON CONFLICT(article_id) DO UPDATE SET signature = excluded.signature",
            [article_id, fingerprint.signature_blob],
        )
        self.bands.insert([(key, article_id) for key in fingerprint.lookup_keys])

    def add_copy(self, article_id: int, sighting_id: int, fingerprint: BodyFingerprint) -> None:
        """An edited copy merged into the article: its bands lead later copies to the article too."""
        if not fingerprint.indexable:
            return
        self.db.execute(
            "INSERT OR IGNORE INTO copy_minhash (sighting_id, article_id, signature, short_text) VALUES (?, ?, ?, ?)",
            [
                sighting_id,
                article_id,
                fingerprint.signature_blob,
                " ".join(same_story.body_words(fingerprint)) if fingerprint.is_short else None,
            ],
        )
        self.bands.insert([(key, article_id) for key in fingerprint.lookup_keys])

    def compact(self) -> None:
        self.bands.compact()


def index_existing_articles(db: Database, batch_size: int = 1000) -> int:
    """Fingerprint and index every article not in the index yet (archives older than the index).
    Runs inside migration m004, before the band levels exist: keys go straight to the large table."""
    indexed = 0
    last_id = 0
    while True:
        rows = db.execute(
            "SELECT id, text FROM articles WHERE id > ? AND id NOT IN (SELECT article_id FROM article_minhash) "
            "ORDER BY id LIMIT ?",
            [last_id, batch_size],
        ).fetchall()
        if not rows:
            break
        signatures, bands = [], []
        for article_id, text in rows:
            fingerprint = minhash.fingerprint(text)
            if fingerprint.indexable:
                signatures.append((article_id, fingerprint.signature_blob))
                # band keys only: this is migration m004's index, as it shipped (m013 adds the rest)
                bands += [(key, article_id) for key in fingerprint.band_keys]
        db.conn.executemany("INSERT INTO article_minhash (article_id, signature) VALUES (?, ?)", signatures)
        db.conn.executemany("INSERT OR IGNORE INTO article_bands (band_key, article_id) VALUES (?, ?)", sorted(bands))
        indexed += len(rows)
        last_id = rows[-1][0]
    if indexed:
        logger.info("near-duplicate index: indexed %d existing articles", indexed)
    return indexed
