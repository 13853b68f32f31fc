"""Bytes -> text for files and responses: BOM, then what the document declares, then UTF-8,
then detection (charset-normalizer). Binary data is refused rather than decoded into noise.

The encoding name returned is what the archive keeps per sighting (`sightings.encoding`):
a codec name ("cp1252", "koi8-r", "utf-8"), optionally followed by one parenthesised note:

- "utf-8 (declared cp1252)": the page declared a legacy charset, but its bytes are valid
  UTF-8 with non-ASCII text in it; a stale declaration does not turn UTF-8 into mojibake
  (the declared name is w3lib's, which reads ISO-8859-1 as windows-1252 like browsers do).
- "cp1252 (tie: cp1250, cp1257)": charset-normalizer found several single-byte code pages
  equally likely (their chaos and coherence measures cannot tell "café crème" from
  "café crčme"); the one kept is the decoding whose letters belong to the text's language
  (pipelines/extractors/alphabets.py) in a code page that language was written in. The
  names after "tie:" are the other close candidates, whose decodings differ.
"""

from __future__ import annotations

import codecs

from charset_normalizer import from_bytes
from charset_normalizer.md import mess_ratio
from w3lib.encoding import html_body_declared_encoding, http_content_type_encoding, read_bom, resolve_encoding

from pipelines.extractors.alphabets import CODE_PAGES, code_page_rank, foreign_count, scored_characters
from pipelines.extractors.language import SAMPLE_CHARS, classify
from pipelines.reasons import Refusal

SNIFF_BYTES = 8192
# Share of control characters above which a "text" is really binary data.
MAX_CONTROL_SHARE = 0.05
# tab, newline, form feed, carriage return and escape appear in real text files
_CONTROL_BYTES = bytes(byte for byte in range(32) if byte not in (9, 10, 12, 13, 27))
# charset-normalizer candidates whose chaos is within this of the best one's are weighed by
# language; those also within COHERENCE_TIE of its coherence are recorded as a tie ...
CLOSE_CHAOS = 0.02
COHERENCE_TIE = 0.02
# ... and not weighed at all when their coherence is this much below the most coherent one's
COHERENCE_CLOSE = 0.25
# at most this many other candidates are named in a tie note
TIE_NAMES = 3
# candidate decodings are compared on this many characters (enough for any article)
SAMPLE_CHARS_SCORED = 100_000
# below this probability the language of the candidate decodings is unknown
MIN_LANGUAGE_PROBABILITY = 0.3
_UNICODE_FAMILY = ("utf-8", "utf-16", "utf-32", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be")


class Undecodable(Refusal, ValueError):
    """Bytes that are not text: code "binary" or "undecodable"."""


def decode(body: bytes, *, is_html: bool, content_type: str | None = None) -> tuple[str, str]:
    """Return (text, encoding name). Raises Undecodable with code "binary" or "undecodable"."""
    bom_encoding, bom = read_bom(body)
    if bom_encoding and bom is not None:  # w3lib gives both or neither
        return body[len(bom) :].decode(bom_encoding, errors="replace"), resolve_encoding(bom_encoding) or bom_encoding
    if _looks_binary(body[:SNIFF_BYTES]):
        raise Undecodable("binary", "binary data, not text (NUL or control bytes)")
    declared = http_content_type_encoding(content_type) if content_type else None
    if not declared and is_html:
        declared = html_body_declared_encoding(body[:SNIFF_BYTES])
    if declared:
        stale = _valid_utf8_beyond_ascii(body) if _legacy(declared) else None
        if stale is not None:
            return stale, f"utf-8 (declared {declared})"
        try:
            return body.decode(declared), declared
        except (UnicodeDecodeError, LookupError):
            pass  # a wrong declaration is common; fall through to UTF-8 and detection
    try:
        return body.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    return _detect(body)


def _legacy(declared: str) -> bool:
    try:
        return codecs.lookup(declared).name not in _UNICODE_FAMILY
    except LookupError:
        return False


def _valid_utf8_beyond_ascii(body: bytes) -> str | None:
    """The text when the bytes are valid UTF-8 and not all ASCII (where every ASCII-based
    charset reads the same), else None. Legacy text is almost never valid UTF-8 by chance:
    its accented letters would have to come in exactly UTF-8's lead/continuation pairs."""
    if body.isascii():
        return None
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _detect(body: bytes) -> tuple[str, str]:
    matches = list(from_bytes(body))
    if not matches or matches[0].encoding is None:
        raise Undecodable("undecodable", "text in an unknown encoding that no detector could read")
    best = matches[0]
    best_text = str(best)
    # one entry per distinct decoding, in charset-normalizer's order, with every code page
    # that gives it, and whether it tied with the best one
    decodings: dict[str, list[str]] = {}
    tied: dict[str, bool] = {}
    close = [match for match in matches if match.encoding and match.chaos <= best.chaos + CLOSE_CHAOS]
    # coherence cannot tell code pages of one script apart, but a decoding in which
    # charset-normalizer recognises no language at all is not close
    coherent = max(match.coherence for match in close) - COHERENCE_CLOSE
    for match in close:
        if match.coherence < coherent:
            continue
        text = str(match)
        names = decodings.setdefault(text, [])
        names.extend(_name(name) for name in [match.encoding, *match.could_be_from_charset] if name)
        tied[text] = tied.get(text, False) or abs(match.coherence - best.coherence) <= COHERENCE_TIE
    languages = {text: _language_of(text) for text in decodings}
    # the code pages of the language the detector is surest of are candidates too
    # (charset-normalizer stops early and may not have tried them), when their decoding
    # is as clean as the best one
    language = max(languages.values(), key=lambda found: found[1])[0]
    for page in CODE_PAGES.get(language or "", ()):
        if any(page in names for names in decodings.values()):
            continue
        try:
            text = body.decode(page)
        except (UnicodeDecodeError, LookupError):
            continue
        if text not in decodings and mess_ratio(text[:SAMPLE_CHARS_SCORED]) <= best.chaos + CLOSE_CHAOS:
            decodings[text], tied[text], languages[text] = [page], False, _language_of(text)

    # a decoding the detector is unsure of is read as the language it is surest of elsewhere
    languages = {text: found if found[0] else (language, 0.0) for text, found in languages.items()}

    def plausibility(item: tuple[int, tuple[str, list[str]]]) -> tuple[int, int, int, int]:
        # a right decoding writes only its language's letters; mojibake brings others in
        # (the language read from each decoding: mojibake still reads as its language)
        # then the code page that language was written in (charset-normalizer's own order
        # prefers mac-cyrillic or windows-1258 as often as not)
        order, (text, names) = item
        chars = scored_characters(text[:SAMPLE_CHARS_SCORED])
        rank, _page = code_page_rank(names, languages[text][0])
        return foreign_count(chars, languages[text][0]), foreign_count(chars, None), rank, order

    _order, (text, names) = min(enumerate(decodings.items()), key=plausibility)
    _rank, ranked_page = code_page_rank(names, languages[text][0])
    chosen = ranked_page or names[0]
    others = [
        other_names[0]
        for other, other_names in decodings.items()
        if other != text and (tied[other] or other == best_text)
    ]
    if not others:
        return text, chosen
    return text, f"{chosen} (tie: {', '.join(others[:TIE_NAMES])})"


def _language_of(text: str) -> tuple[str | None, float]:
    """(code, probability) of a decoding, code None when the detector is unsure."""
    code, probability = classify(text[:SAMPLE_CHARS]) or (None, 0.0)
    return (code if probability >= MIN_LANGUAGE_PROBABILITY else None), probability


def _name(encoding: str) -> str:
    try:
        return codecs.lookup(encoding).name
    except LookupError:
        return encoding


def _looks_binary(head: bytes) -> bool:
    if not head:
        return False
    if b"\x00" in head:
        return True
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))
    return controls / len(head) > MAX_CONTROL_SHARE
