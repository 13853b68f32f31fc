"""Is this a section front or search results rather than an article?

Extractors given a listing page return its teasers as if they were an article. A listing
gives itself away by the same short line under every teaser ("2 hours ago Read more") in a
body without a single paragraph of prose. Lengths are in characters, not words, so that
Chinese and Japanese text (no spaces) is measured the same way.
Returning None for these is better for the archive than storing the teasers.
"""

from __future__ import annotations

import logging
from collections import Counter

logger = logging.getLogger(__name__)

# A line repeated this often, making up this share of all lines, is teaser furniture ...
REPEAT_MIN = 3
REPEAT_SHARE = 0.25
REPEAT_MAX_CHARS = 60
# ... unless the body also holds a paragraph of prose this long (interviews repeat questions)
PROSE_CHARS = 250
# ... or is longer than a page of teasers (meal plans and schedules repeat their headings).
LISTING_MAX_CHARS = 4000
# Fragments only and shorter than a news brief: not an article either.
BRIEF_CHARS = 400
BRIEF_PROSE_CHARS = 120


def looks_like_listing(paragraphs: list[str]) -> bool:
    if not paragraphs:
        return False
    longest = max(len(line) for line in paragraphs)
    if longest >= PROSE_CHARS:
        return False
    counts = Counter(" ".join(line.casefold().split()) for line in paragraphs)
    repeated = sum(count for line, count in counts.items() if count >= REPEAT_MIN and len(line) <= REPEAT_MAX_CHARS)
    total = sum(len(line) for line in paragraphs)
    if repeated >= REPEAT_MIN and repeated >= REPEAT_SHARE * len(paragraphs) and total < LISTING_MAX_CHARS:
        return True
    return longest < BRIEF_PROSE_CHARS and total < BRIEF_CHARS
