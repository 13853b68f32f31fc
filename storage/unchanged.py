"""Has this place given us exactly these bytes before? Then extracting them again would only
repeat what the archive holds: a re-run over a growing folder, or a revisited page that did
not change, costs a hash and an indexed lookup instead of an extraction.

The place is the file's path, or for a fetched page its URL (sightings.path / sightings.url
as the archive writes them). The bytes are compared before decoding, so anything that
could change the extraction's input changes the hash.
"""

from __future__ import annotations

import hashlib
import sqlite3

from storage.records import KnownCopy


def raw_hash(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def known_copy(connection: sqlite3.Connection, digest: str, path: str | None, url: str | None) -> KnownCopy | None:
    if path:
        where, place = "path = ?", path
    elif url:
        where, place = "url = ? AND path IS NULL", url
    else:
        return None
    row = connection.execute(
        f"SELECT article_id, id FROM sightings WHERE raw_hash = ? AND {where} ORDER BY last_seen_at DESC LIMIT 1",
        [digest, place],
    ).fetchone()
    return KnownCopy(article_id=row[0], sighting_id=row[1]) if row else None
