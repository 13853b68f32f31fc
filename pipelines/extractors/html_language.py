"""Body language as ISO 639-1: the page's declaration, overruled by the detector on long text.

Templates often declare lang="en" whatever the article is written in, so the detector
(pipelines/extractors/language.py, shared with text dumps) wins when it is sure; when it is
not (short or mixed text, or py3langid missing) the declaration stands.
"""

from __future__ import annotations

from pipelines.extractors.language import MIN_DETECT_CHARS, SAMPLE_CHARS
from pipelines.extractors.language import detect_language as _detect

__all__ = ["MIN_DETECT_CHARS", "detect_language"]


def detect_language(paragraphs: list[str], declared: str | None) -> str | None:
    return _detect(" ".join(paragraphs)[:SAMPLE_CHARS]) or declared
