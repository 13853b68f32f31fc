"""The one normalisation of a body that both the exact hash and the near-duplicate shingles use.

It folds what syndication and re-saving change without changing the story: Unicode
compatibility forms, quote styles, dashes, odd spaces, line endings, runs of whitespace, case.
Computed once per document and shared, because on a long article it costs as much as
everything else dedup does.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

_FOLD = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u00b4": "'",
        "`": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2015": "-",
        "\u2212": "-",
        "\u00a0": " ",
        "\u2009": " ",
        "\u202f": " ",
        "\u200b": "",
    }
)


def normalize_body(text: str) -> str:
    """Single spaces between words, nothing else in between; str.split() splits on exactly the
    characters a regex \\s+ matches, at a fraction of the cost."""
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    return " ".join(text.translate(_FOLD).split()).casefold()


def body_hash(normalized: str) -> str:
    return hashlib.sha256(normalized.encode("utf-8")).hexdigest()


def content_hash(text: str) -> str:
    """The exact-duplicate key of a body: the hash of its normalised form."""
    return body_hash(normalize_body(text))


# Scripts written without spaces between words: Han (CJK ideographs, extensions A-G and
# compatibility forms, with the marks 々 〆 〇), Hiragana, Katakana (with its phonetic
# extensions and the half-width forms). Hangul is not among them: Korean puts spaces between
# words (eojeol), so its words are whitespace-delimited like Latin ones.
_UNSPACED = (
    "\u3005-\u3007\u3040-\u309f\u30a0-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff"
    "\uf900-\ufaff\uff66-\uff9f\U00020000-\U0002fa1f\U00030000-\U0003134f"
)
_UNSPACED_RUN = re.compile(f"[{_UNSPACED}]+")
# the punctuation such text uses (、。「」（）！？ ...): left alone once the characters around it
# are counted, it would count as words of its own
_CJK_PUNCTUATION = re.compile("[\u3000-\u3004\u3008-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65]+")
# what one word of spaced text is worth in characters of Han or kana: an average Japanese or
# Chinese word is about two characters long, and a text translated from English takes about
# two such characters per English word
UNSPACED_CHARS_PER_WORD = 2


def word_count(text: str) -> int:
    """Words in a body, for the minimum-length rule and articles.word_count.

    Whitespace-delimited tokens, except in scripts written without spaces (Chinese,
    Japanese), where UNSPACED_CHARS_PER_WORD characters count as one word: whitespace alone
    finds 7 "words" in a Japanese article of 600 characters. Text without such characters is
    counted exactly as str.split() counts it.
    """
    if text.isascii():
        return len(text.split())
    characters = sum(len(run) for run in _UNSPACED_RUN.findall(text))
    if not characters:
        return len(text.split())
    rest = _CJK_PUNCTUATION.sub(" ", _UNSPACED_RUN.sub(" ", text))
    return len(rest.split()) + characters // UNSPACED_CHARS_PER_WORD
