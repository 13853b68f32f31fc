"""Reading one discovered file into a RawDocument, within the size limits.

Between listing a file and reading it, it may have been replaced (by a FIFO, a device, a
folder, a link elsewhere) or still be growing. The reader trusts nothing discover saw: it
opens without blocking (a FIFO would block a plain open), checks with fstat on the open
descriptor that it holds the same regular file, and reads at most the listed size + 1 byte.
"""

from __future__ import annotations

import os
import stat
import zlib

from crawler.items import RawDocument
from crawler.loaders.discover import Found, printable_path
from pipelines.reasons import Refusal

GZIP_MAGIC = b"\x1f\x8b"


class ReadRefused(Refusal):
    """A listed file that cannot be read as listed: unreadable, changed, not_a_file, corrupt, too_large."""


def read_bytes(found: Found, *, max_decompressed: int) -> bytes:
    try:
        # O_NONBLOCK: opening a FIFO swapped in since discover would otherwise wait for a writer
        fd = os.open(found.path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as exc:
        raise ReadRefused("unreadable", f"cannot open: {exc.strerror or exc}") from exc
    try:
        _check_same_file(found, os.fstat(fd))
        with os.fdopen(fd, "rb", closefd=False) as handle:
            # +1 so a file that grew after it was listed is noticed
            data = handle.read(found.size + 1)
    except OSError as exc:
        raise ReadRefused("unreadable", f"cannot read: {exc.strerror or exc}") from exc
    finally:
        os.close(fd)
    if len(data) != found.size:
        raise ReadRefused("changed", f"changed while being read ({found.size} bytes when listed): still being written?")
    if found.gzipped:
        data = gunzip_capped(data, max_decompressed)
    return data


def _check_same_file(found: Found, info: os.stat_result) -> None:
    if not stat.S_ISREG(info.st_mode):
        raise ReadRefused("not_a_file", "no longer a regular file (replaced since it was listed): not read")
    if found.inode and (info.st_dev, info.st_ino) != (found.device, found.inode):
        raise ReadRefused("changed", "replaced by another file since it was listed: not read")


def gunzip_capped(data: bytes, limit: int) -> bytes:
    """Decompress every gzip member (`cat a.gz b.gz` is valid gzip), stopping past `limit`
    bytes of output, so a few megabytes that expand to gigabytes cost at most `limit`."""
    out = bytearray()
    remaining = data
    while True:
        # wbits=47: gzip or zlib header, detected automatically
        decompressor = zlib.decompressobj(wbits=47)
        try:
            out += decompressor.decompress(remaining, limit + 1 - len(out))
        except zlib.error as exc:
            raise ReadRefused("corrupt", f"not valid gzip: {exc}") from exc
        if len(out) > limit:
            raise ReadRefused("too_large", f"decompresses to more than {limit} bytes")
        if not decompressor.eof:
            raise ReadRefused("corrupt", "gzip data ends early (truncated file)")
        remaining = decompressor.unused_data
        # anything after the last member that is not another member (padding) is ignored, as gzip(1) does
        if not remaining.startswith(GZIP_MAGIC):
            return bytes(out)


def read_document(
    found: Found, *, source: str, max_decompressed: int, fetched_at: str, timezone: str | None = None
) -> RawDocument:
    document = RawDocument(
        kind=found.kind, source=source, path=printable_path(found.path), fetched_at=fetched_at, timezone=timezone
    )
    try:
        document.body = read_bytes(found, max_decompressed=max_decompressed)
    except ReadRefused as refused:
        document.skip_code, document.skip_reason = refused.code, refused.reason
    return document
