"""Applying what the archive learned about a site's chrome (storage.chrome_memory) to one document."""

from __future__ import annotations

import os

from pipelines.extractors.result import Extracted, Removal
from pipelines.extractors.textdump import COUNTABLE_MAX_CHARS, line_key
from storage.chrome_memory import learned_chrome


def chrome_scope(source: str, url: str | None, path: str | None, default_source: str | None) -> str:
    """Crawled pages and named sources learn per source (one site); local dumps under the
    default source learn per folder, since an unnamed ingest may mix several sites."""
    if url or not path or source != default_source:
        return source
    return f"{source}|{os.path.dirname(path)}"


def short_line_keys(paragraphs: list[str]) -> frozenset[str]:
    return frozenset(key for text in paragraphs if len(text) <= COUNTABLE_MAX_CHARS and (key := line_key(text)))


def drop_learned(extracted: Extracted, learned: frozenset[str]) -> Extracted:
    if not learned:
        return extracted
    kept = []
    for paragraph in extracted.paragraphs:
        if len(paragraph) <= COUNTABLE_MAX_CHARS and line_key(paragraph) in learned:
            extracted.removed.append(Removal(paragraph, "learned-chrome"))
        else:
            kept.append(paragraph)
    extracted.paragraphs = kept
    return extracted


class LearnedChrome:
    """Per-run cache: each scope's lessons are read once, when its first document arrives."""

    def __init__(self, db):
        self.db = db
        self.cache: dict[str, frozenset[str]] = {}

    def lines_for(self, scope: str) -> frozenset[str]:
        if scope not in self.cache:
            self.cache[scope] = learned_chrome(self.db, scope) if self.db is not None else frozenset()
        return self.cache[scope]
