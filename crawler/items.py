"""The one item type every collector yields and every pipeline stage fills in further."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pipelines.extractors.result import Extracted
    from storage.records import ArticleRecord, KnownCopy

HTML = "html"
TEXT = "text"


@dataclass
class RawDocument:
    """A page or file as collected, before any cleaning.

    A collector that already knows the document is unusable (unreadable file, too large,
    binary) still yields it with `skip_code`/`skip_reason`, so the reject is recorded on
    the same road as every other decision.
    """

    kind: str  # HTML or TEXT
    source: str
    body: bytes = b""
    url: str | None = None
    path: str | None = None
    declared_encoding: str | None = None
    fetched_at: str | None = None
    # line_key()s that repeat across this document's batch: learned chrome
    batch_repeats: frozenset[str] = field(default_factory=frozenset)
    skip_code: str | None = None
    skip_reason: str | None = None
    # the source's declared language, used when the document itself does not tell
    language_hint: str | None = None
    # IANA zone of the document's dates that give none (a source's `timezone`, NEWSMILL_TIMEZONE)
    timezone: str | None = None

    # filled by the pipelines
    # where this document's chrome is learned: a crawl's source, or a source + folder of dumps
    chrome_scope: str | None = None
    # line keys of the document's short lines, counted into the scope once it is stored
    line_keys: frozenset[str] = field(default_factory=frozenset)
    encoding: str | None = None
    # SHA-256 of `body` as collected; `known` when the archive already has these bytes from here
    raw_hash: str | None = None
    known: KnownCopy | None = None
    extracted: Extracted | None = None
    record: ArticleRecord | None = None

    @property
    def place(self) -> str:
        """How a person recognises the document in a message."""
        return self.url or self.path or "<unnamed document>"
