"""Bytes -> text for files and responses: BOM, then what the document declares, then UTF-8,
then detection (charset-normalizer). Binary data is refused rather than decoded into noise."""

from __future__ import annotations

import codecs

from charset_normalizer import from_bytes
from w3lib.encoding import html_body_declared_encoding, http_content_type_encoding, read_bom, resolve_encoding

SNIFF_BYTES = 8192
# Share of control characters above which a "text" is really binary data.
MAX_CONTROL_SHARE = 0.05
# tab, newline, form feed, carriage return and escape appear in real text files
_CONTROL_BYTES = bytes(byte for byte in range(32) if byte not in (9, 10, 12, 13, 27))


class Undecodable(ValueError):
    def __init__(self, code: str, reason: str):
        super().__init__(reason)
        self.code = code
        self.reason = reason


def decode(body: bytes, *, is_html: bool, content_type: str | None = None) -> tuple[str, str]:
    """Return (text, encoding name). Raises Undecodable with code "binary" or "undecodable"."""
    bom_encoding, bom = read_bom(body)
    if bom_encoding:
        return body[len(bom):].decode(bom_encoding, errors="replace"), resolve_encoding(bom_encoding) or bom_encoding
    if _looks_binary(body[:SNIFF_BYTES]):
        raise Undecodable("binary", "binary data, not text (NUL or control bytes)")
    declared = http_content_type_encoding(content_type) if content_type else None
    if not declared and is_html:
        declared = html_body_declared_encoding(body[:SNIFF_BYTES])
    if declared:
        try:
            return body.decode(declared), declared
        except (UnicodeDecodeError, LookupError):
            pass  # a wrong declaration is common; fall through to UTF-8 and detection
    try:
        return body.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    best = from_bytes(body).best()
    if best is None or best.encoding is None:
        raise Undecodable("undecodable", "text in an unknown encoding that no detector could read")
    return str(best), codecs.lookup(best.encoding).name


def _looks_binary(head: bytes) -> bool:
    if not head:
        return False
    if b"\x00" in head:
        return True
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))
    return controls / len(head) > MAX_CONTROL_SHARE
