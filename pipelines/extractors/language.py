"""Language of a text as an ISO 639-1 code: one detector for HTML pages, text dumps and the
encoding guesser.

A wrong language is worse than none downstream, so the detector (py3langid, character
n-grams) only answers on enough text, with a confident probability, and when both halves of
a long sample agree (a page of two languages gives None). Where the script alone tells the
language (Armenian, Georgian, Ukrainian and Kazakh letters, the Azerbaijani ə; Russian by
ы/э), or English its stop words, text dumps use that first and skip the detector's cost:
`text_language`.

py3langid is optional; without it only the script rules answer.
"""

from __future__ import annotations

import logging
import re
from typing import Any

logger = logging.getLogger(__name__)

# Below this many characters a character-n-gram detector guesses too often.
MIN_DETECT_CHARS = 200
# Detection reads this much of a text: more costs time and changes nothing.
SAMPLE_CHARS = 1200
# Probability (py3langid's, normalised) below which the answer is "unsure".
MIN_CONFIDENCE = 0.9
# A sample this long is read as two halves, which must agree (mixed texts give None).
SPLIT_CHARS = 2 * MIN_DETECT_CHARS
# ISO 639-1 or 639-2/3 code, optionally with a script and a region: fr, fra, pt-BR, sr-Latn
LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}(-[a-z]{4})?(-(?:[a-z]{2}|[0-9]{3}))?$", re.IGNORECASE)

# py3langid's LanguageIdentifier (no type hints), False without py3langid, None until loaded
_identifier: Any = None


def _detector() -> Any:
    """py3langid's identifier with normalised probabilities, loaded at first use; False
    when py3langid is missing."""
    global _identifier
    if _identifier is None:
        try:
            from py3langid import langid
        except ImportError:  # optional
            _identifier = False
            return _identifier
        try:
            _identifier = langid.LanguageIdentifier.from_model_file(langid.MODEL_FILE, norm_probs=True)
        except AttributeError:  # py3langid < 0.4
            _identifier = langid.LanguageIdentifier.from_pickled_model(langid.MODEL_FILE, norm_probs=True)
    return _identifier


def classify(text: str) -> tuple[str, float] | None:
    """(code, probability) from the detector for any text, however short; None without one."""
    detector = _detector()
    if not detector:
        return None
    try:
        code, probability = detector.classify(text)
    except Exception as error:
        logger.debug("language detection failed: %s", error)
        return None
    return (code, float(probability)) if code and code != "und" else None


def detect_language(text: str, *, min_chars: int = MIN_DETECT_CHARS) -> str | None:
    """The detector's language when it is sure of it, else None. A long sample is read as
    two halves (the cost of reading it once) that must agree: a mixed text gives None."""
    sample = text[:SAMPLE_CHARS]
    if len(sample.strip()) < min_chars:
        return None
    if len(sample) < SPLIT_CHARS:
        parts = [sample]
    else:
        middle = sample.rfind(" ", 0, len(sample) // 2) + 1 or len(sample) // 2
        parts = [sample[:middle], sample[middle:]]
    found = {classify(part) or ("", 0.0) for part in parts}
    codes = {code for code, _ in found}
    if len(codes) != 1 or min(probability for _, probability in found) < MIN_CONFIDENCE:
        return None
    return codes.pop() or None


def normalize_language_code(value: str) -> str | None:
    """'FR' -> 'fr', 'pt-br' -> 'pt-BR', 'sr-latn' -> 'sr-Latn'; None for anything that is not
    an ISO 639 code (with an optional script and region)."""
    value = value.strip()
    if not LANGUAGE_CODE.match(value):
        return None
    language, *rest = value.split("-")
    return "-".join([language.lower(), *(part.title() if len(part) == 4 else part.upper() for part in rest)])


# --- text dumps: the script first, where it tells ----------------------------------

_ENGLISH_STOPWORDS = frozenset(
    [
        "the",
        "of",
        "and",
        "to",
        "in",
        "a",
        "is",
        "that",
        "for",
        "on",
        "with",
        "as",
        "was",
        "by",
        "at",
        "it",
        "from",
        "he",
        "said",
        "his",
        "are",
        "be",
        "has",
        "have",
        "this",
        "an",
        "its",
        "were",
        "not",
        "will",
        "which",
        "their",
        "but",
        "they",
        "after",
        "been",
        "also",
        "who",
    ]
)
_LETTER_WORD = re.compile(r"[^\W\d_]+")
# Letters per script, counted with regexes: a per-character Python loop cost more than the
# rest of the text-dump cleaner together.
_SCRIPT_LETTERS = {
    "cyrillic": re.compile(r"[\u0400-\u04FF]"),
    "armenian": re.compile(r"[\u0530-\u058F]"),
    "georgian": re.compile(r"[\u10A0-\u10FF\u1C90-\u1CBF]"),
    "latin": re.compile(r"[A-Za-z\u00C0-\u024F\u0259]"),
}
# enough text to tell the script and the stop-word share of any dump
_SCRIPT_SAMPLE_CHARS = 4000


def text_language(text: str) -> str | None:
    """Language of a text dump: the script where it tells (hy, ka, uk, kk, az; ru by ы/э),
    English by its stop words, else the detector (None when it is unsure)."""
    text = text[:_SCRIPT_SAMPLE_CHARS]
    counts = {script: len(letters.findall(text)) for script, letters in _SCRIPT_LETTERS.items()}
    total = sum(counts.values())
    if total < 20:
        return None
    script, count = max(counts.items(), key=lambda item: item[1])
    if count / total < 0.6:
        return None
    lowered = text.casefold()
    if script == "armenian":
        return "hy"
    if script == "georgian":
        return "ka"
    if script == "cyrillic":
        # Kazakh letters first: Kazakh writes і too
        if re.search(r"[әғқңөұүһ]", lowered):
            return "kk"
        # і/ї/є/ґ without Belarusian's ў/ы/э: Ukrainian
        if re.search(r"[іїєґ]", lowered) and not re.search(r"[ўыэ]", lowered):
            return "uk"
        # ы/э without the letters above: Russian (the detector costs more than the cleaner)
        if re.search(r"[ыэ]", lowered) and not re.search(r"[іўјљњћђѓќѕџ]", lowered):
            return "ru"
    # ə is the Azerbaijani letter; ğ/ı/ş alone would also fit Turkish
    elif "ə" in lowered:
        return "az"
    else:
        # English by its stop words, a fifth of its words or more (other languages written
        # in Latin letters stay under a tenth): no detector needed
        words = _LETTER_WORD.findall(lowered)
        if len(words) >= 8 and sum(word in _ENGLISH_STOPWORDS for word in words) / len(words) >= 0.2:
            return "en"
    return detect_language(text)


def forced_language(value: str | None, option: str) -> str | None:
    """The language a run forces on every document (`ingest --language`, NEWSMILL_LANGUAGE),
    normalised; ValueError naming `option` for a value that is not a language code."""
    if not value:
        return None
    code = normalize_language_code(value)
    if code is None:
        raise ValueError(f"{option} {value!r} is not an ISO 639 language code like 'fr', 'deu' or 'pt-BR'")
    return code
