"""Body language as ISO 639-1: the page's declaration, overruled by a detector on long text.

Templates often declare lang="en" whatever the article is written in, so a detector wins
when there is enough text to trust it. py3langid is optional; without it the declaration stands.
"""

from __future__ import annotations

import logging

logger = logging.getLogger(__name__)

# Below this many characters a character-n-gram detector guesses too often.
MIN_DETECT_CHARS = 200
_SAMPLE_CHARS = 1200

try:
    import py3langid
except ImportError:  # optional
    py3langid = None


def detect_language(paragraphs: list[str], declared: str | None) -> str | None:
    if py3langid is None:
        return declared
    sample = " ".join(paragraphs)[:_SAMPLE_CHARS]
    if len(sample) < MIN_DETECT_CHARS:
        return declared
    try:
        detected, _score = py3langid.classify(sample)
    except Exception as error:
        logger.debug("language detection failed: %s", error)
        return declared
    return detected or declared
