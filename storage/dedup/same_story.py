"""Are two bodies the same story? Two questions, two bars.

*A copy* (`is_copy`): a text with no identity in common with the article (another site's
syndicated copy, a re-saved dump) must be nearly the same text: Jaccard of five-word shingles
at the threshold (0.8 by default). Short bodies are judged word by word instead, since every
changed word costs five shingles: a body under SHORT_WORDS words is the same story when at
most MAX_SHORT_EDITS words differ and the word-level ratio stays at MIN_SHORT_RATIO or above
(a 2-word edit of 71 words: Jaccard 0.74, ratio 0.97).

*An edit* (`is_edit`): a text that claims the article's identity (same URL, same file path)
is a later state of the same story when it kept much of it: Jaccard at EDIT_JACCARD, or most
of the shorter text contained in the longer one (a teaser that became the full story, a story
that grew by an update), or the copy rule above. An unrelated story at the same URL (a
"latest" page, a reused slug, a canonical shared by a whole site) shares a byline and a
footer at most, far below either bar.
"""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher

from storage.dedup import minhash
from storage.dedup.normalize import normalize_body

SHORT_WORDS = minhash.SHORT_WORDS
MAX_SHORT_EDITS = 3
MIN_SHORT_RATIO = 0.9
EDIT_JACCARD = 0.5
EDIT_CONTAINMENT = 0.8
# containment of a handful of shingles proves nothing
MIN_CONTAINED_SHINGLES = 20


@dataclass(frozen=True)
class Likeness:
    jaccard: float
    # shared shingles / shingles of the shorter text
    containment: float
    # difflib ratio of the word sequences, only computed when both bodies are short
    word_ratio: float | None
    word_edits: float | None
    smaller: int

    @property
    def similarity(self) -> float:
        """The figure recorded on the sighting: Jaccard, or the word ratio where that decided."""
        if self.word_ratio is not None and self.short_match:
            return max(self.jaccard, self.word_ratio)
        return self.jaccard

    @property
    def short_match(self) -> bool:
        return (
            self.word_ratio is not None
            and self.word_edits is not None
            and self.word_edits <= MAX_SHORT_EDITS
            and self.word_ratio >= MIN_SHORT_RATIO
        )


def likeness(left: minhash.BodyFingerprint, right_text: str) -> Likeness:
    """How much of the story `left` (a fingerprint) shares with a stored text."""
    right_normalized = normalize_body(right_text)
    right_runs = minhash.shingle_list(right_normalized)
    left_set, right_set = left.shingles, frozenset(right_runs)
    common = len(left_set & right_set)
    union = len(left_set) + len(right_set) - common
    smaller = min(len(left_set), len(right_set))
    jaccard = common / union if union else 1.0
    containment = common / smaller if smaller else 0.0
    word_ratio = word_edits = None
    left_words = body_words(left)
    right_words = right_normalized.split(" ") if right_normalized else []
    if max(len(left_words), len(right_words)) < SHORT_WORDS and left_words and right_words:
        matcher = SequenceMatcher(None, left_words, right_words, autojunk=False)
        matched = sum(block.size for block in matcher.get_matching_blocks())
        word_ratio = 2 * matched / (len(left_words) + len(right_words))
        # a substitution counts one, an inserted or dropped word a half on each side
        word_edits = (len(left_words) + len(right_words) - 2 * matched) / 2
    return Likeness(jaccard, containment, word_ratio, word_edits, smaller)


def least_short_copy_jaccard(shingle_count: int) -> float:
    """The lowest Jaccard a short copy can have: each of its MAX_SHORT_EDITS changed words
    removes up to SHINGLE_WORDS shingles on each side."""
    lost = MAX_SHORT_EDITS * minhash.SHINGLE_WORDS
    kept = shingle_count - lost
    return max(0.0, kept / (shingle_count + lost)) if shingle_count else 0.0


def is_copy(found: Likeness, threshold: float) -> bool:
    return found.jaccard >= threshold or found.short_match


def is_edit(found: Likeness, threshold: float) -> bool:
    return (
        is_copy(found, threshold)
        or found.jaccard >= EDIT_JACCARD
        or (found.smaller >= MIN_CONTAINED_SHINGLES and found.containment >= EDIT_CONTAINMENT)
    )


def body_words(fingerprint: minhash.BodyFingerprint) -> list[str]:
    """The body's words again, from its shingles (consecutive runs overlap by all but one word)."""
    runs = fingerprint.shingle_list
    if not runs:
        return []
    if len(runs) == 1:
        return runs[0].split(" ")
    return runs[0].split(" ") + [run.rsplit(" ", 1)[-1] for run in runs[1:]]
