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
    # `YYYY-MM-DD` when only the day is known, else `YYYY-MM-DDTHH:MM:SSZ` in UTC (storage.dates)
    published: str | None = None
    # where `published` came from: "json-ld", "meta", "url", "dateline", "htmldate", ...; a time
    # given without a zone adds the zone it was read in: "dateline (no zone given, read as Europe/Paris)"
    published_origin: str | None = None
    # when the page says it was last changed (JSON-LD dateModified, article:modified_time, an
    # "Updated ..." dateline), in the same format; None when it does not say
    modified: str | None = None
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
