"""What a language writes with, for telling a right legacy decoding from its mojibake.

Single-byte code pages agree on ASCII and differ on the upper half: the same bytes give
"café crème" in windows-1252 and "café crčme" in windows-1250. A decoding is plausible for
a language when the letters it produces outside ASCII are that language's letters, and the
code page is one that language was written in. Keys are ISO 639-1 codes, as the language
detector gives them; codec names are Python's (codecs.lookup(...).name).
"""

from __future__ import annotations

import re
from collections import Counter

_LATIN = {
    # loanwords and names are common in English and German news
    "en": "àáâäçèéêëíîïñóôöùúûüæœ",
    "fr": "àâæçéèêëîïôœùûüÿ",
    "de": "äöüßé",
    "es": "áéíóúüñ",
    "pt": "áâãàçéêíóôõúü",
    "it": "àèéìíîòóùú",
    "ca": "àçèéíïòóúü",
    "gl": "áéíóúñü",
    "eu": "ñü",
    "oc": "àáçèéíòóúü",
    "nl": "áàäçéèêëíïóöúü",
    "af": "áéèêëíîïóôöúûü",
    "lb": "äëéèôûü",
    "da": "æøåé",
    "nb": "æøåéèóôò",
    "nn": "æøåéèóôò",
    "no": "æøåéèóôò",
    "sv": "åäöé",
    "fi": "äöåšž",
    "is": "áðéíóúýþæö",
    "fo": "áðíóúýæø",
    "ga": "áéíóú",
    "cy": "âêîôûŵŷáéíóúàèìòùäëïöüÿ",
    "mt": "ċġħżàèìòù",
    "eo": "ĉĝĥĵŝŭ",
    "sq": "çë",
    "pl": "ąćęłńóśźż",
    "cs": "áčďéěíňóřšťúůýž",
    "sk": "áäčďéíĺľňóôŕšťúýž",
    "hu": "áéíóöőúüű",
    "sl": "čšžćđ",
    "hr": "čćđšž",
    "bs": "čćđšž",
    "ro": "ăâîșțşţ",
    "et": "äöõüšž",
    "lv": "āčēģīķļņšūž",
    "lt": "ąčęėįšųūž",
    "tr": "çğıöşüâîû",
    # ä: the 1991-92 Latin alphabet, and legacy windows-1254 texts that had no ə
    "az": "çəğıöşüä",
    "ku": "çêîşû",
    "tk": "äçňöşüýž",
    "ms": "é",
    "id": "é",
    "tl": "ñ",
    "sw": "",
    "la": "",
}
_RU = "абвгдеёжзийклмнопрстуфхцчшщъыьэюя"
_CYRILLIC = {
    "ru": _RU,
    "uk": "абвгґдеєжзиіїйклмнопрстуфхцчшщьюя",
    "be": "абвгдеёжзійклмнопрстуўфхцчшыьэюя",
    "bg": "абвгдежзийклмнопрстуфхцчшщъьюя",
    "mk": "абвгдѓежзѕијклљмнњопрстќуфхцчџш",
    "sr": "абвгдђежзијклљмнњопрстћуфхцчџш" + "čćđšž",
    "kk": _RU + "әғқңөұүһі",
    "ky": _RU + "ңөү",
    "mn": _RU + "өү",
}
_GREEK = {"el": "αβγδεζηθικλμνξοπρσςτυφχψωάέήίόύώϊϋΐΰ"}


def _with_capitals(letters: str) -> frozenset[str]:
    capitals = {letter.upper() for letter in letters if len(letter.upper()) == 1}
    return frozenset(letters) | capitals


ALPHABETS: dict[str, frozenset[str]] = {
    code: _with_capitals(letters) for table in (_LATIN, _CYRILLIC, _GREEK) for code, letters in table.items()
}
for _code in ("tr", "az"):
    ALPHABETS[_code] |= {"İ"}

_WEST = ("cp1252", "iso8859-15", "iso8859-1")
_CENTRAL = ("cp1250", "iso8859-2")
_TURKIC = ("cp1254", "iso8859-9")
_BALTIC = ("cp1257", "iso8859-13", "iso8859-4")
_CYRILLIC_PAGES = ("cp1251", "koi8-r", "koi8-u", "iso8859-5", "mac-cyrillic", "cp866")
# the code pages each language was written in before UTF-8, most common first
CODE_PAGES: dict[str, tuple[str, ...]] = {
    **{
        code: _WEST
        for code in [
            "en",
            "fr",
            "de",
            "es",
            "pt",
            "it",
            "ca",
            "gl",
            "eu",
            "oc",
            "nl",
            "af",
            "lb",
            "da",
            "nb",
            "nn",
            "no",
            "sv",
            "fi",
            "is",
            "fo",
            "ga",
            "ms",
            "id",
            "tl",
            "sw",
            "la",
        ]
    },
    "cy": _WEST + ("iso8859-14",),
    "mt": ("iso8859-3",),
    "eo": ("iso8859-3",),
    "sq": _CENTRAL + _WEST,
    **{code: _CENTRAL for code in ["pl", "cs", "sk", "hu", "sl", "hr", "bs"]},
    "ro": ("cp1250", "iso8859-16", "iso8859-2"),
    **{code: _TURKIC for code in ["tr", "az", "ku", "tk"]},
    **{code: _BALTIC for code in ["et", "lv", "lt"]},
    **{code: _CYRILLIC_PAGES for code in ["ru", "bg", "mk", "be", "ky", "mn"]},
    "uk": ("cp1251", "koi8-u", "koi8-r", "iso8859-5"),
    "sr": _CYRILLIC_PAGES + _CENTRAL,
    "kk": ("kz1048", "ptcp154", "cp1251"),
    "el": ("cp1253", "iso8859-7"),
    "he": ("cp1255", "iso8859-8"),
    **{code: ("cp1256", "iso8859-6") for code in ["ar", "fa", "ur"]},
    "vi": ("cp1258",),
    "th": ("cp874", "tis-620"),
}
# when the language is unknown: the legacy code pages by how common they were on the web
DEFAULT_CODE_PAGES = ("cp1252", "cp1251", "cp1250", "cp1254", "cp1256", "cp1253", "cp1255", "cp1257", "cp1258")

# Scored characters: Latin-1 supplement to Cyrillic, and Latin extended additional; other
# scripts (CJK, Arabic, Hebrew, Thai) and general punctuation (“ ” – € …) are neutral.
_SCORED = re.compile(r"[\u0080-\u052F\u1E00-\u1EFF]")
# symbols of that range that real news text uses
# (not ±, ¼, ¶, ¦ …, which are what Central European letters become in the wrong code page)
_COMMON_SYMBOLS = frozenset("\u00a0\u00ad«»°§©®·¿¡£")


def scored_characters(text: str) -> Counter[str]:
    return Counter(_SCORED.findall(text))


def foreign_count(chars: Counter[str], language: str | None) -> int:
    """How many of these characters a text in `language` would not contain; for an unknown
    language, the fewest over all the alphabets known here."""
    if language in ALPHABETS:
        return _foreign(chars, ALPHABETS[language])
    return min(_foreign(chars, alphabet) for alphabet in ALPHABETS.values())


def _foreign(chars: Counter[str], alphabet: frozenset[str]) -> int:
    # letters, combining marks (windows-1258's, in a text that is not Vietnamese), symbols,
    # superscripts and C1 controls alike
    return sum(count for char, count in chars.items() if char not in alphabet and char not in _COMMON_SYMBOLS)


def code_page_rank(names: list[str], language: str | None) -> tuple[int, str | None]:
    """(rank, name): the best of `names` among the code pages of `language` (or the common
    ones), with its position; (len, None) when none of them is one."""
    pages = CODE_PAGES.get(language or "", DEFAULT_CODE_PAGES)
    for rank, page in enumerate(pages):
        if page in names:
            return rank, page
    return len(pages), None
