"""The one normalisation of a body that both the exact hash and the near-duplicate shingles use.

It folds what syndication and re-saving change without changing the story: Unicode
compatibility forms, quote styles, dashes, odd spaces, line endings, runs of whitespace, case.
Computed once per document and shared, because on a long article it costs as much as
everything else dedup does.
"""

from __future__ import annotations

import hashlib
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
