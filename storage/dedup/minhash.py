"""A body's near-duplicate fingerprint: word shingles, a MinHash signature and its LSH band keys.

Only the cleaned body is fingerprinted, never chrome or the headline, so a re-titled copy
still matches and two stories sharing a site template do not.

Words are the body after storage.dedup.normalize (the same normalisation as the exact hash: quote
styles, dashes, doubled spaces and CRLF folded, case folded) split at spaces. Five-word
shingles: a corrected figure changes at most five of them, while two different stories
sharing an agency intro and a byline share only the handful of shingles inside that sentence.

The signature comes from rensa's RMinHash (a Rust MinHash): it hashes tokens with a fixed,
seeded hasher, so a signature is the same in every process and every run. That is what lets
band keys live in SQLite and be compared with anything ingested earlier; `LAYOUT.probe`
guards it (see storage/dedup/near_duplicates.py).
"""

from __future__ import annotations

import hashlib
import zlib
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import rensa

from storage.dedup.normalize import normalize_body

SHINGLE_WORDS = 5
NUM_PERM = 128
SEED = 20240611
# 20 bands of 5 rows: a pair at Jaccard 0.8 becomes a candidate with p > 0.999, at 0.6 with
# p = 0.80, at 0.3 with p = 0.05. Candidates are verified afterwards, so the bands only need
# recall above any sensible threshold; the threshold itself can change without re-indexing.
BANDS = 20
ROWS_PER_BAND = 5

_PROBE_TEXT = (
    "A fixed sentence whose signature must never change between processes, machines or "
    "releases, because every band key stored in the archive was derived the same way."
)


# Short bodies lose too much Jaccard to a small edit (each changed word removes five
# shingles: 3 words in 50 give J ~ 0.5, a candidate only half the time), so below
# SHORT_WORDS words a body is also indexed by winnowing: the smallest shingle hash of every
# WINNOW_WINDOW consecutive shingles. Two bodies sharing any run of WINNOW_WINDOW shingles
# (10 words) share a key for certain; 3 edits in 50 words leave a run of at least 12.
SHORT_WORDS = 150
WINNOW_WINDOW = 6


@dataclass(frozen=True)
class Layout:
    """Everything that decides a band key. An archive built with another layout cannot be
    queried with this one: its stored band keys would silently never match."""

    algorithm: str
    shingle_words: int
    num_perm: int
    seed: int
    bands: int
    rows_per_band: int
    probe: str


@dataclass(frozen=True)
class BodyFingerprint:
    shingle_list: list[str]  # may repeat a shingle: MinHash does not care, Jaccard uses the set
    signature: np.ndarray  # uint32[NUM_PERM]
    band_keys: tuple[int, ...]  # signed 64-bit, one per band; empty when the body has no words

    @property
    def shingles(self) -> frozenset[str]:
        # only candidates of a lookup need the set; most documents never build it
        return frozenset(self.shingle_list)

    @property
    def signature_blob(self) -> bytes:
        return self.signature.astype("<u4", copy=False).tobytes()

    @property
    def indexable(self) -> bool:
        return bool(self.band_keys)

    @property
    def is_short(self) -> bool:
        return len(self.shingle_list) + SHINGLE_WORDS - 1 < SHORT_WORDS

    @cached_property
    def lookup_keys(self) -> tuple[int, ...]:
        """Band keys, and for a short body its winnowing keys too (same key space, same tables)."""
        return self.band_keys + winnow_keys(self.shingle_list) if self.is_short else self.band_keys


def shingles(text: str) -> frozenset[str]:
    return frozenset(shingle_list(normalize_body(text)))


def shingle_list(normalized: str) -> list[str]:
    """Every run of SHINGLE_WORDS words of the normalised text (its words are single-spaced)."""
    if not normalized:
        return []
    words = normalized.split(" ")
    if len(words) < SHINGLE_WORDS:
        return [normalized]
    return list(map(" ".join, zip(*(words[offset:] for offset in range(SHINGLE_WORDS)))))


def fingerprint(text: str) -> BodyFingerprint:
    return fingerprint_of_normalized(normalize_body(text))


def fingerprint_of_normalized(normalized: str) -> BodyFingerprint:
    """For callers that already hold normalize_body(text), as the content hash needs it too."""
    shingle_runs = shingle_list(normalized)
    if not shingle_runs:
        return BodyFingerprint(shingle_runs, np.zeros(NUM_PERM, dtype=np.uint32), ())
    minhash = rensa.RMinHash(NUM_PERM, SEED)
    minhash.update(shingle_runs)
    signature = np.asarray(minhash.digest(), dtype=np.uint32)
    return BodyFingerprint(shingle_runs, signature, band_keys(signature))


_MERSENNE_61 = (1 << 61) - 1
_BAND_WIDTH = ROWS_PER_BAND * 4


def band_keys(signature: np.ndarray) -> tuple[int, ...]:
    """One key per band: the band's rows as one integer, the band number mixed in so equal rows
    in different bands never collide, reduced modulo a Mersenne prime. The rows are MinHash
    values, already uniform, so the reduction stays uniform; below 2**61 the key also fits
    SQLite's signed 64-bit INTEGER. Plain integer arithmetic: the same in every process."""
    raw = signature[: BANDS * ROWS_PER_BAND].astype("<u4", copy=False).tobytes()
    return tuple(
        (int.from_bytes(raw[offset : offset + _BAND_WIDTH], "little") + band * 0x9E3779B97F4A7C15) % _MERSENNE_61
        for band, offset in enumerate(range(0, len(raw), _BAND_WIDTH))
    )


def winnow_keys(shingle_runs: list[str]) -> tuple[int, ...]:
    """The smallest shingle hash of each window of WINNOW_WINDOW shingles (all of them for a
    body with fewer), as keys below 2**61 like the band keys. Two chained CRC-32s, not
    Python's hash(): the same in every process; 2.5x cheaper than blake2b, and a collision
    only costs a candidate that verification drops."""
    if not shingle_runs:
        return ()
    hashes = []
    for run in shingle_runs:
        data = run.encode("utf-8")
        low = zlib.crc32(data)
        hashes.append(((low << 32) | zlib.crc32(data, low ^ 0x5BD1E995)) % _MERSENNE_61)
    if len(hashes) <= WINNOW_WINDOW:
        return tuple(sorted(set(hashes)))
    chosen = {min(hashes[start : start + WINNOW_WINDOW]) for start in range(len(hashes) - WINNOW_WINDOW + 1)}
    return tuple(sorted(chosen))


def signature_from_blob(blob: bytes) -> np.ndarray:
    return np.frombuffer(blob, dtype="<u4")


def estimated_jaccard(left: np.ndarray, right: np.ndarray) -> float:
    if len(left) != len(right):
        return 0.0
    return float(np.count_nonzero(left == right)) / len(left)


def jaccard(left: frozenset[str], right: frozenset[str]) -> float:
    if not left and not right:
        return 1.0
    common = len(left & right)
    return common / (len(left) + len(right) - common)


def current_layout() -> Layout:
    probe = hashlib.sha256(fingerprint(_PROBE_TEXT).signature_blob).hexdigest()[:32]
    return Layout(
        algorithm="rensa.RMinHash",
        shingle_words=SHINGLE_WORDS,
        num_perm=NUM_PERM,
        seed=SEED,
        bands=BANDS,
        rows_per_band=ROWS_PER_BAND,
        probe=probe,
    )
