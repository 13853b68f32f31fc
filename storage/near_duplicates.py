"""The persisted near-duplicate index: MinHash-LSH bands in SQLite, candidates verified by Jaccard.

The index lives in two tables (migration m004): `article_bands` (band key, article id), a
WITHOUT ROWID table whose primary key is the lookup index, and `article_minhash` (one signature
BLOB per article). Nothing of the archive is held in memory, so a new article is compared with
everything any process ever stored, and memory does not grow with the archive.

A lookup is: band keys -> articles sharing at least one band -> signature estimate as a cheap
filter -> exact Jaccard of word shingles against the article's stored text, which alone decides.
Ties go to the oldest article, so the same archive and the same text always give the same answer.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass

from sqlite_utils import Database

from storage import minhash
from storage.minhash import BodyFingerprint

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
            stored = dict(zip(("algorithm", "shingle_words", "num_perm", "seed", "bands", "rows_per_band", "probe"), row))
            if stored != layout:
                raise LayoutMismatch(
                    f"near-duplicate index was built with {stored}, this code computes {layout}; "
                    "band keys would never match (did the MinHash library change?)"
                )
        self._layout_checked = True

    def find(self, fingerprint: BodyFingerprint, threshold: float, exclude: int | None = None) -> NearMatch | None:
        """The stored article most similar to `fingerprint`, if its Jaccard reaches `threshold`."""
        if not fingerprint.indexable:
            return None
        keys = fingerprint.band_keys
        candidates = [
            article_id
            for article_id, _hits in self.db.execute(
                f"SELECT article_id, count(*) AS hits FROM article_bands "
                f"WHERE band_key IN ({','.join('?' * len(keys))}) "
                f"GROUP BY article_id ORDER BY hits DESC, article_id LIMIT {MAX_CANDIDATES}",
                keys,
            )
            if article_id != exclude
        ]
        if not candidates:
            return None
        estimates = []
        for article_id, blob in self.db.execute(
            f"SELECT article_id, signature FROM article_minhash WHERE article_id IN ({','.join('?' * len(candidates))})",
            candidates,
        ):
            estimate = minhash.estimated_jaccard(fingerprint.signature, minhash.signature_from_blob(blob))
            if estimate >= threshold - ESTIMATE_MARGIN:
                estimates.append((-estimate, article_id))
        best: NearMatch | None = None
        for _negative_estimate, article_id in sorted(estimates)[:MAX_VERIFIED]:
            similarity = self._exact_similarity(fingerprint, article_id)
            if similarity < threshold:
                continue
            if best is None or (similarity, -article_id) > (best.similarity, -best.article_id):
                best = NearMatch(article_id, similarity)
        if best is not None:
            logger.debug("near duplicate of article %s (Jaccard %.3f)", best.article_id, best.similarity)
        return best

    def similarity_to(self, fingerprint: BodyFingerprint, article_id: int) -> float:
        return self._exact_similarity(fingerprint, article_id)

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
        self.db.conn.executemany(
            "INSERT OR IGNORE INTO article_bands (band_key, article_id) VALUES (?, ?)",
            [(key, article_id) for key in fingerprint.band_keys],
        )

    def _exact_similarity(self, fingerprint: BodyFingerprint, article_id: int) -> float:
        row = self.db.execute("SELECT text FROM articles WHERE id = ?", [article_id]).fetchone()
        if row is None:
            return 0.0
        return minhash.jaccard(fingerprint.shingles, minhash.shingles(row[0]))


def index_existing_articles(db: Database, batch_size: int = 1000) -> int:
    """Fingerprint and index every article not in the index yet (archives older than the index)."""
    index = NearDuplicateIndex(db)
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
        for article_id, text in rows:
            index.add(article_id, minhash.fingerprint(text))
        indexed += len(rows)
        last_id = rows[-1][0]
    if indexed:
        logger.info("near-duplicate index: indexed %d existing articles", indexed)
    return indexed
