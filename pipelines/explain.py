"""`newsmill explain`: one document through the same stages as an ingest, nothing stored.

It answers "why is this line missing / still there" (every removed line with its rule) and
"what would the archive do with it" (the dedup decision, taken inside a transaction that is
rolled back).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from crawler.items import RawDocument
from crawler.loaders.batch import learn_batch_repeats
from crawler.loaders.discover import Skipped, discover
from crawler.loaders.limits import MAX_DECOMPRESSED_BYTES, MAX_FILE_BYTES
from crawler.loaders.read import read_document
from pipelines.core import RoadRules, process
from pipelines.rejects import Rejected
from pipelines.road import consult
from storage.archive import Archive
from storage.clock import utc_now
from storage.records import Decision
from storage.view import ArchiveView

DEFAULT_SOURCE = "local"


@dataclass
class Explanation:
    document: RawDocument
    rejected: Rejected | None = None
    decision: Decision | None = None
    matched_title: str | None = None
    notes: list[str] = field(default_factory=list)


def explain_file(path: str, *, db_path: str | None, rules: RoadRules, source: str | None = None) -> Explanation:
    source = source or DEFAULT_SOURCE
    found = next(iter(discover([path], max_bytes=MAX_FILE_BYTES)), None)
    if found is None or isinstance(found, Skipped):
        document = RawDocument(kind="file", source=source, path=os.path.abspath(path))
        if found is not None:
            document.skip_code, document.skip_reason = found.code, found.reason
    else:
        document = read_document(found, source=source, max_decompressed=MAX_DECOMPRESSED_BYTES, fetched_at=utc_now())
        document.batch_repeats = _folder_repeats(found.path)
    return explain_document(document, db_path=db_path, rules=rules)


def explain_document(document: RawDocument, *, db_path: str | None, rules: RoadRules) -> Explanation:
    """The run's own road (pipelines.core.process) and the archive's own decision
    (Archive.preview, rolled back under the writer lock). Known bytes are extracted anyway:
    explaining the extraction is the point."""
    explanation = Explanation(document)
    archive = Archive.open(db_path) if db_path and Path(db_path).exists() else None
    view = ArchiveView.open(db_path if archive is not None else None)
    try:
        if archive is None:
            explanation.notes.append("no archive: lines learned from earlier runs and dedup were not consulted")
        knowledge = consult(document, view, DEFAULT_SOURCE, reextract=True)
        outcome = process(document, knowledge, rules)
        if outcome.rejected is not None:
            explanation.rejected = outcome.rejected
            return explanation
        if archive is not None and outcome.record is not None:
            (explanation.decision,) = archive.preview([outcome.record])
            row = archive.db.execute(
                "SELECT title FROM articles WHERE id = ?", [explanation.decision.article_id]
            ).fetchone()
            # a new article's row is gone with the rollback: it has only its own title
            explanation.matched_title = row[0] if row else None
    finally:
        view.close()
        if archive is not None:
            archive.close()
    return explanation


def _folder_repeats(path: str) -> frozenset[str]:
    """The lines an ingest of this file's folder would learn as that batch's chrome."""
    folder = os.path.dirname(path)
    entries = [entry for entry in discover([folder], max_bytes=MAX_FILE_BYTES) if os.path.dirname(entry.path) == folder]
    return learn_batch_repeats(entries).get(folder, frozenset())


def describe(explanation: Explanation, *, full_text: bool = False) -> list[str]:
    document = explanation.document
    lines = [f"document: {document.place}  ({document.kind}{', ' + document.encoding if document.encoding else ''})"]
    extracted = document.extracted
    if extracted is not None:
        for name in ("title", "author", "published", "language", "section", "site", "canonical_url"):
            value = getattr(extracted, name)
            if name == "published" and value and extracted.published_origin:
                value = f"{value}  (from {extracted.published_origin})"
            lines.append(f"{name + ':':<15}{value if value else '-'}")
        if extracted.tags:
            lines.append(f"{'tags:':<15}{', '.join(extracted.tags)}")
        words = len(extracted.text.split())
        lines.append(f"{'body:':<15}{len(extracted.paragraphs)} paragraphs, {words} words (by {extracted.method})")
        shown = (
            extracted.paragraphs
            if full_text
            else extracted.paragraphs[:1] + (["…"] if len(extracted.paragraphs) > 2 else []) + extracted.paragraphs[-1:]
        )
        lines += [
            f"    | {_clip(paragraph, None if full_text else 160)}"
            for paragraph in (shown if len(extracted.paragraphs) > 1 or full_text else extracted.paragraphs)
        ]
        lines.append(f"removed: {len(extracted.removed)} lines or blocks")
        lines += [f"    [{removal.rule}] {_clip(removal.text, 120)}" for removal in extracted.removed]
    if explanation.rejected is not None:
        lines.append(f"verdict: skipped [{explanation.rejected.code}] {explanation.rejected.reason}")
    elif explanation.decision is not None:
        lines.append(f"verdict: {_verdict(explanation, explanation.decision)}")
        if explanation.decision.note:
            lines.append(f"identity: {explanation.decision.note}")
    else:
        lines.append("verdict: would be stored (no archive to compare with)")
    lines += [f"note: {note}" for note in explanation.notes]
    return lines


def _verdict(explanation: Explanation, decision: Decision) -> str:
    title = f'"{explanation.matched_title}"' if explanation.matched_title else ""
    if decision.already_seen_here:
        return f"already in the archive from this very place: article {decision.article_id} {title}"
    if decision.relation == "original":
        return "new article"
    similarity = f" (similarity {decision.similarity:.2f})" if decision.similarity is not None else ""
    readable = decision.relation.replace("_", " ")
    return f"{readable} of article {decision.article_id} {title}{similarity}"


def _clip(text: str, limit: int | None) -> str:
    text = " ".join(text.split())
    return text if limit is None or len(text) <= limit else text[: limit - 1] + "…"
