"""Reading one discovered file into a RawDocument, within the size limits."""

from __future__ import annotations

import zlib

from crawler.items import RawDocument
from crawler.loaders.discover import Found, printable_path


class ReadRefused(Exception):
    def __init__(self, code: str, reason: str):
        super().__init__(reason)
        self.code = code
        self.reason = reason


def read_bytes(found: Found, *, max_decompressed: int) -> bytes:
    try:
        with open(found.path, "rb") as handle:
            # +1 so a file that grew after stat is still caught as too large
            data = handle.read(found.size + 1)
    except OSError as exc:
        raise ReadRefused("unreadable", f"cannot read: {exc.strerror or exc}") from exc
    if found.gzipped:
        data = gunzip_capped(data, max_decompressed)
    return data


def gunzip_capped(data: bytes, limit: int) -> bytes:
    # wbits=47: gzip or zlib header, detected automatically
    decompressor = zlib.decompressobj(wbits=47)
    try:
        out = decompressor.decompress(data, limit + 1)
    except zlib.error as exc:
        raise ReadRefused("corrupt", f"not valid gzip: {exc}") from exc
    if len(out) > limit:
        raise ReadRefused("too_large", f"decompresses to more than {limit} bytes")
    return out


def read_document(found: Found, *, source: str, max_decompressed: int, fetched_at: str) -> RawDocument:
    document = RawDocument(kind=found.kind, source=source, path=printable_path(found.path), fetched_at=fetched_at)
    try:
        document.body = read_bytes(found, max_decompressed=max_decompressed)
    except ReadRefused as refused:
        document.skip_code, document.skip_reason = refused.code, refused.reason
    return document
