"""Which files under the given paths are documents, and which are skipped before any read.

Everything is decided from lstat/stat, so FIFOs and devices are never opened (opening a
FIFO blocks) and oversized files are refused without reading them.

Symbolic links inside a folder are not followed unless asked (`--follow-symlinks`), and even
then only to files and folders inside the folders given on the command line: a dump that
links to /etc/passwd.txt or ~/.ssh must not put them in an archive served over HTTP. A path
named on the command line is taken as given, links and all.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from crawler.items import HTML, TEXT
from pipelines.reasons import Refusal

SUFFIX_KINDS = {
    ".txt": TEXT,
    ".text": TEXT,
    ".html": HTML,
    ".htm": HTML,
    ".xhtml": HTML,
}


@dataclass(frozen=True)
class Found:
    path: str
    kind: str
    gzipped: bool
    size: int
    # what was listed, so the reader can tell a file swapped for another since (0: unknown)
    device: int = 0
    inode: int = 0


class Skipped(Refusal):
    """A path skipped before any read. discover() yields it rather than raising it: the walk
    goes on. Compared, hashed and shown by value, like the record it is."""

    def __init__(self, path: str, code: str, reason: str):
        super().__init__(code, reason)
        self.path = path

    def _key(self) -> tuple[str, str, str]:
        return self.path, self.code, self.reason

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Skipped):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return f"Skipped(path={self.path!r}, code={self.code!r}, reason={self.reason!r})"


def printable_path(path: str) -> str:
    """Paths may hold bytes that are not UTF-8; SQLite and terminals need text."""
    return path.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def kind_of(name: str) -> tuple[str, bool] | None:
    lowered = name.lower()
    gzipped = lowered.endswith(".gz")
    if gzipped:
        lowered = lowered[:-3]
    kind = SUFFIX_KINDS.get(os.path.splitext(lowered)[1])
    return (kind, gzipped) if kind else None


def discover(
    paths: Iterable[str | os.PathLike[str]], *, max_bytes: int, follow_symlinks: bool = False
) -> Iterator[Found | Skipped]:
    """Yield every candidate file, depth first in sorted order so runs are reproducible.

    Paths named explicitly are taken as given (a named symlink is followed). Inside a
    folder, symlinks are followed only with `follow_symlinks`; a folder is never entered
    twice, which also breaks symlink loops.
    """
    entered: set[tuple[int, int]] = set()
    # absolute, so a sighting names the same file whatever folder newsmill ran from
    given_paths = [os.path.abspath(os.fspath(given)) for given in paths]
    roots = tuple(os.path.realpath(path) for path in given_paths if os.path.isdir(path))
    for path in given_paths:
        try:
            info = os.stat(path)
        except OSError as exc:
            yield Skipped(printable_path(path), "unreadable", f"cannot stat: {exc.strerror or exc}")
            continue
        if stat.S_ISDIR(info.st_mode):
            yield from _walk(path, info, max_bytes, follow_symlinks, entered, roots)
        else:
            yield _classify(path, info, max_bytes, named=True)


def _inside(path: str, roots: tuple[str, ...]) -> bool:
    real = os.path.realpath(path)
    return any(real == root or real.startswith(root.rstrip(os.sep) + os.sep) for root in roots)


def _walk(
    directory: str,
    info: os.stat_result,
    max_bytes: int,
    follow_symlinks: bool,
    entered: set[tuple[int, int]],
    roots: tuple[str, ...],
) -> Iterator[Found | Skipped]:
    identity = (info.st_dev, info.st_ino)
    if identity in entered:
        return
    entered.add(identity)
    try:
        with os.scandir(directory) as scanner:
            entries = sorted(scanner, key=lambda entry: entry.name)
    except OSError as exc:
        yield Skipped(printable_path(directory), "unreadable", f"cannot list folder: {exc.strerror or exc}")
        return
    for entry in entries:
        path = entry.path
        try:
            if entry.is_symlink():
                if not follow_symlinks:
                    if kind_of(entry.name) or _is_dir_following(path):
                        yield Skipped(
                            printable_path(path), "symlink", "symbolic link not followed (use --follow-symlinks)"
                        )
                    continue
                target_info = os.stat(path)
                if not _inside(path, roots) and (kind_of(entry.name) or stat.S_ISDIR(target_info.st_mode)):
                    yield Skipped(
                        printable_path(path), "symlink_outside", "symbolic link out of the given folders: not followed"
                    )
                    continue
            else:
                target_info = entry.stat(follow_symlinks=False)
        except OSError as exc:
            yield Skipped(printable_path(path), "unreadable", f"cannot stat: {exc.strerror or exc}")
            continue
        if stat.S_ISDIR(target_info.st_mode):
            yield from _walk(path, target_info, max_bytes, follow_symlinks, entered, roots)
        elif kind_of(entry.name):
            yield _classify(path, target_info, max_bytes, named=False)
        # other files in a folder (images, sidecars) are not documents: silently passed over


def _is_dir_following(path: str) -> bool:
    try:
        return stat.S_ISDIR(os.stat(path).st_mode)
    except OSError:
        return False


def _classify(path: str, info: os.stat_result, max_bytes: int, *, named: bool) -> Found | Skipped:
    shown = printable_path(path)
    if not stat.S_ISREG(info.st_mode):
        return Skipped(shown, "not_a_file", "not a regular file (FIFO, device or socket): not opened")
    detected = kind_of(Path(path).name)
    if detected is None:
        return Skipped(shown, "unsupported_type", "not a .txt, .html, .htm or .gz of those")
    if info.st_size == 0:
        return Skipped(shown, "empty", "empty file")
    if info.st_size > max_bytes:
        return Skipped(shown, "too_large", f"{info.st_size} bytes exceeds the {max_bytes}-byte limit")
    kind, gzipped = detected
    return Found(path, kind, gzipped, info.st_size, info.st_dev, info.st_ino)
