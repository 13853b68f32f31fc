"""An article keeps the best of its copies' metadata, and remembers which copy gave what.

A text dump has no date, its HTML twin does; one copy names the author, another the section.
Each copy fills what the article still lacks. A known value is never replaced by a guess of
the same or a weaker kind; only a publication date from a more reliable origin (structured
data over a heuristic) replaces one. `articles.field_sources` maps each field to the sighting
that gave it, e.g. {"published": 12, "author": 7}.
"""

from __future__ import annotations

import json
import logging

from sqlite_utils import Database

from storage.records import ArticleRecord

logger = logging.getLogger(__name__)

# Filled when missing, never replaced. The title is the first copy's: a later re-titled copy
# is not a better headline, and a changed page (new version) replaces it on its own road.
FILL_ONLY = ("title", "author", "section", "language", "site")
PUBLISHED = "published"
URL = "url"
# the sighting whose text the article shows (storage.dedup.decide, identity rule 3)
TEXT = "text"

# How much a date's origin is worth: structured data beats the page's own meta tags, which
# beat a heuristic on the HTML, which beats a date guessed from a URL or a dump's dateline.
_ORIGIN_RANK = {"json-ld": 5, "meta": 4, "htmldate": 3, "url": 2, "dateline": 2}
_UNKNOWN_ORIGIN_RANK = 1


def origin_rank(origin: str | None) -> int:
    """Ranked by the origin's first word: "dateline (no zone given, read as Europe/Paris)" is a dateline."""
    kind = origin.split(None, 1)[0] if origin and origin.strip() else None
    return _ORIGIN_RANK.get(kind, _UNKNOWN_ORIGIN_RANK) if kind else _UNKNOWN_ORIGIN_RANK


def record_origin(db: Database, article_id: int, record: ArticleRecord, sighting_id: int) -> None:
    """A new article: every field it has, its text included, came from its first sighting."""
    sources = {name: sighting_id for name in (URL, PUBLISHED, *FILL_ONLY) if getattr(record, name)}
    sources[TEXT] = sighting_id
    db.execute(
        "UPDATE articles SET field_sources = ? WHERE id = ?",
        [json.dumps(sources, sort_keys=True), article_id],
    )


def merge_from_copy(db: Database, article_id: int, record: ArticleRecord, sighting_id: int) -> list[str]:
    """Give the article what this copy knows better; return the names of the fields it took."""
    row = db.execute(
        f"SELECT url, published, published_origin, field_sources, {', '.join(FILL_ONLY)} FROM articles WHERE id = ?",
        [article_id],
    ).fetchone()
    if row is None:
        return []
    url, published, published_origin, sources_json = row[:4]
    current = dict(zip(FILL_ONLY, row[4:]))
    updates: dict[str, object] = {}
    for name in FILL_ONLY:
        value = getattr(record, name)
        if value and not current[name]:
            updates[name] = value
    if record.published and (not published or origin_rank(record.published_origin) > origin_rank(published_origin)):
        updates[PUBLISHED] = record.published
        updates["published_origin"] = record.published_origin
    if record.url and not url and not _url_taken(db, record.url):
        updates[URL] = record.url
    if not updates:
        return []
    sources = json.loads(sources_json) if sources_json else {}
    taken = [name for name in updates if name != "published_origin"]
    for name in taken:
        sources[name] = sighting_id
    updates["field_sources"] = json.dumps(sources, sort_keys=True)
    db.execute(
        f"UPDATE articles SET {', '.join(f'{name} = ?' for name in updates)} WHERE id = ?",
        [*updates.values(), article_id],
    )
    logger.debug("article %s took %s from sighting %s", article_id, ", ".join(taken), sighting_id)
    return taken


def _url_taken(db: Database, url: str) -> bool:
    return db.execute("SELECT 1 FROM articles WHERE url = ?", [url]).fetchone() is not None


def set_text_source(db: Database, article_id: int, sighting_id: int | None) -> None:
    """The article now shows this sighting's text (a new version)."""
    row = db.execute("SELECT field_sources FROM articles WHERE id = ?", [article_id]).fetchone()
    sources = json.loads(row[0]) if row and row[0] else {}
    sources[TEXT] = sighting_id
    db.execute("UPDATE articles SET field_sources = ? WHERE id = ?", [json.dumps(sources, sort_keys=True), article_id])


def text_source(db: Database, article_id: int) -> tuple[str, str | None] | None:
    """(collector, path) of the sighting that supplied the article's current text. Archives
    from before field_sources named it: the latest original or new-version sighting."""
    row = db.execute("SELECT field_sources FROM articles WHERE id = ?", [article_id]).fetchone()
    sighting_id = (json.loads(row[0]) if row and row[0] else {}).get(TEXT)
    if sighting_id is not None:
        found = db.execute("SELECT collector, path FROM sightings WHERE id = ?", [sighting_id]).fetchone()
    else:
        found = db.execute(
            "SELECT collector, path FROM sightings WHERE article_id = ? AND relation IN ('original', 'new_version') "
            "ORDER BY id DESC LIMIT 1",
            [article_id],
        ).fetchone()
    return (found[0], found[1]) if found else None
