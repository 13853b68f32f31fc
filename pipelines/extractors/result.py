"""What every extractor returns, so the pipelines never care which one ran."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Removal:
    """A line or block an extractor dropped, with the rule that dropped it (for `newsmill explain`)."""

    text: str
    rule: str


@dataclass
class Metadata:
    """What an article says about itself besides its body; any field may be None."""

    title: str | None = None
    author: str | None = None
    # ISO-8601 date or datetime, UTC when a time is known
    published: str | None = None
    # where `published` came from: "json-ld", "meta", "url", "dateline", "htmldate", ...
    published_origin: str | None = None
    language: str | None = None
    section: str | None = None
    site: str | None = None
    canonical_url: str | None = None
    tags: list[str] = field(default_factory=list)


@dataclass(kw_only=True)
class Extracted(Metadata):
    """A cleaned article: `paragraphs` hold the body without chrome."""

    paragraphs: list[str]
    removed: list[Removal] = field(default_factory=list)
    # which extractor produced the body, e.g. "textdump", "trafilatura", "json-ld"
    method: str | None = None

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)
