"""Hostile files handed to `newsmill ingest`: each is skipped with a one-line reason, nothing
hangs, nothing crashes, and the good files next to them are stored.

Unreadable files: the tests run as root, for whom chmod 000 changes nothing, so a file
"becomes unreadable" the ways root meets too: it vanishes, or is swapped for a folder, a
FIFO or another file between listing and reading (tested on the loaders directly, since the
window inside a real run is too short to hit on purpose).
"""

from __future__ import annotations

import os
import stat
import struct
import time
import zlib
from pathlib import Path

import pytest

from benchmarks.soak import make_stories, render
from crawler.loaders.discover import Found, Skipped, discover
from crawler.loaders.read import gunzip_capped, read_document
from tests.conftest import query, run_newsmill

MAX_BYTES = 10 * 1024 * 1024
MIB = 1 << 20
BOMB_MIB = 1024  # 1 GiB of zeros
RUN_SECONDS = 60  # a hang shows up as a timeout long before pytest's own


def gzip_bomb(mebibytes: int) -> bytes:
    """A valid one-member gzip file of `mebibytes` MiB of zeros, about 1 KB per MiB.

    After a full flush the compressor forgets its history, so every further MiB of zeros
    compresses to the same bytes: the bomb is built by repetition in well under a second."""
    chunk = bytes(MIB)
    deflate = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = deflate.compress(chunk) + deflate.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    for _ in range(mebibytes):
        crc = zlib.crc32(chunk, crc)
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
    trailer = struct.pack("<II", crc, (mebibytes * MIB) & 0xFFFFFFFF)
    return header + block * mebibytes + deflate.flush() + trailer


def test_the_bomb_is_real():
    small = gzip_bomb(3)
    assert zlib.decompress(small, wbits=31) == bytes(3 * MIB)  # valid, CRC included
    assert len(gzip_bomb(BOMB_MIB)) < 2 * MIB


STORIES = make_stories(8, 2, seed=5)


def story(index: int) -> bytes:
    return render(STORIES[index]).encode("utf-8")


@pytest.fixture
def hostile(tmp_path) -> dict:
    """A folder of every kind of hostile file, plus good stories under odd names."""
    folder = tmp_path / "dumps"
    outside = tmp_path / "outside"
    folder.mkdir()
    outside.mkdir()
    text_stories = [s for s in STORIES if not s.html]
    (outside / "secret.txt").write_bytes(render(text_stories[0]).encode())
    (folder / "good.txt").write_bytes(render(text_stories[1]).encode())
    # odd names, good content: stored, and named on one line in every message
    (folder / "story with spaces.txt").write_bytes(render(text_stories[2]).encode())
    (folder / "story\nwith a newline.txt").write_bytes(render(text_stories[3]).encode())
    with open(os.path.join(os.fsencode(folder), b"latin1-\xe9t\xe9.txt"), "wb") as handle:
        handle.write(render(text_stories[4]).encode())
    (folder / "sub").mkdir()
    (folder / "sub" / "inside.txt").write_bytes(render(text_stories[5]).encode())

    # symbolic links: out of the folder, inside it, loops, and onto a device
    (folder / "passwd.txt").symlink_to(outside / "secret.txt")
    (folder / "outside-folder").symlink_to(outside)
    (folder / "alias.txt").symlink_to(folder / "sub" / "inside.txt")
    (folder / "loop").symlink_to(folder)
    (folder / "self.txt").symlink_to(folder / "self.txt")
    (folder / "zero.txt").symlink_to("/dev/zero")
    # special files under document names: never opened
    os.mkfifo(folder / "pipe.html")
    if os.geteuid() == 0:
        os.mknod(folder / "zero-device.txt", stat.S_IFCHR | 0o600, os.makedev(1, 5))  # what /dev/zero is
    # too big on disk (sparse: costs nothing), and too big once decompressed
    with open(folder / "huge.html", "wb") as handle:
        handle.truncate(20 * 1024**3)
    (folder / "bomb.html.gz").write_bytes(gzip_bomb(BOMB_MIB))
    # the same bomb as 64 gzip members of 16 MiB each: the cap counts them all
    (folder / "bomb-members.html.gz").write_bytes(gzip_bomb(16) * 64)
    # a legitimate two-member gzip (`cat a.gz b.gz`): read whole
    page = story(0)
    half = len(page) // 2
    (folder / "two-members.html.gz").write_bytes(_gzip(page[:half]) + _gzip(page[half:]))
    (folder / "truncated.html.gz").write_bytes(_gzip(story(1))[:-40])
    return {"folder": folder, "outside": outside}


def _gzip(data: bytes) -> bytes:
    compressor = zlib.compressobj(6, zlib.DEFLATED, 31)
    return compressor.compress(data) + compressor.flush()


def ingest(db, *paths, extra=()):
    started = time.monotonic()
    result = run_newsmill("ingest", *paths, "--db", db, *extra, timeout=RUN_SECONDS)
    assert time.monotonic() - started < RUN_SECONDS
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    for line in result.stderr.strip().splitlines():
        assert line.startswith("WARNING: skipped "), line
    return result


def stored_titles(db) -> set[str]:
    return {title for (title,) in query(db, "select title from articles")}


def rejects(db) -> dict[str, str]:
    return {Path(path).name: code for path, code in query(db, "select path, code from rejects")}


def expected_titles(*indexes) -> set[str]:
    text_stories = [s for s in STORIES if not s.html]
    return {text_stories[i].title for i in indexes} | {STORIES[0].title}


@pytest.mark.slow
def test_hostile_folder_without_following_links(hostile, db_path):
    folder = hostile["folder"]
    result = ingest(db_path, folder)
    refused = rejects(db_path)
    assert refused == {
        "passwd.txt": "symlink",
        "outside-folder": "symlink",
        "alias.txt": "symlink",
        "loop": "symlink",
        "self.txt": "symlink",
        "zero.txt": "symlink",
        "pipe.html": "not_a_file",
        **({"zero-device.txt": "not_a_file"} if os.geteuid() == 0 else {}),
        "huge.html": "too_large",
        "bomb.html.gz": "too_large",
        "bomb-members.html.gz": "too_large",
        "truncated.html.gz": "corrupt",
    }
    # good stories, odd names included, and the two-member page, whole
    assert stored_titles(db_path) == expected_titles(1, 2, 3, 4, 5)
    paths = {path for (path,) in query(db_path, "select path from sightings")}
    assert str(folder / "story\nwith a newline.txt") in paths
    assert str(folder / "latin1-\ufffdt\ufffd.txt") in paths  # not UTF-8 on disk: shown with U+FFFD
    ((text,),) = query(db_path, "select text from articles where title = ?", [STORIES[0].title])
    assert text.rstrip().endswith(STORIES[0].paragraphs[-1])
    assert "symbolic link not followed (use --follow-symlinks)" in result.stderr
    assert f"skipped {folder}/bomb.html.gz: decompresses to more than {MAX_BYTES} bytes [too_large]" in result.stderr
    assert query(db_path, "pragma integrity_check") == [("ok",)]


@pytest.mark.slow
def test_following_links_stays_inside_the_given_folders(hostile, db_path):
    folder = hostile["folder"]
    ingest(db_path, folder, extra=["--follow-symlinks"])
    refused = rejects(db_path)
    assert {name: refused[name] for name in ("passwd.txt", "outside-folder", "zero.txt", "self.txt")} == {
        "passwd.txt": "symlink_outside",
        "outside-folder": "symlink_outside",
        "zero.txt": "symlink_outside",
        "self.txt": "unreadable",  # a link to itself: "too many levels of symbolic links"
    }
    assert "loop" not in refused  # a link back up the tree: that folder is already walked
    # the secret outside never gets in; the link inside is followed (a second sighting)
    assert stored_titles(db_path) == expected_titles(1, 2, 3, 4, 5)
    sightings = query(
        db_path,
        "select count(distinct article_id), count(*) from sightings where path in (?, ?)",
        [str(folder / "alias.txt"), str(folder / "sub" / "inside.txt")],
    )
    assert sightings == [(1, 2)]


@pytest.mark.slow
def test_named_paths_are_taken_as_given_but_devices_and_fifos_are_never_opened(tmp_path, db_path):
    fifo = tmp_path / "named-pipe.txt"
    os.mkfifo(fifo)
    link = tmp_path / "dev-zero.txt"
    link.symlink_to("/dev/zero")
    result = ingest(db_path, fifo, link, "/dev/zero", tmp_path / "missing.txt")
    assert sorted(code for (code,) in query(db_path, "select code from rejects")) == [
        "not_a_file",
        "not_a_file",
        "not_a_file",
        "unreadable",
    ]
    assert "not a regular file (FIFO, device or socket): not opened" in result.stderr


# -- the window between listing and reading -------------------------------------------------


def listed(path: Path) -> Found:
    (found,) = discover([path], max_bytes=MAX_BYTES)
    assert isinstance(found, Found)
    return found


def read(found: Found):
    document = read_document(found, source="test", max_decompressed=MAX_BYTES, fetched_at="2024-01-01T00:00:00+00:00")
    return document.skip_code, document.skip_reason


@pytest.fixture
def listed_file(tmp_path):
    path = tmp_path / "story.txt"
    path.write_bytes(story(1))
    return path, listed(path)


def test_a_file_swapped_for_a_fifo_is_not_opened_in_blocking_mode(listed_file):
    path, found = listed_file
    path.unlink()
    os.mkfifo(path)
    started = time.monotonic()
    assert read(found) == ("not_a_file", "no longer a regular file (replaced since it was listed): not read")
    assert time.monotonic() - started < 1


def test_a_file_swapped_for_a_folder(listed_file):
    path, found = listed_file
    path.unlink()
    path.mkdir()
    assert read(found)[0] == "not_a_file"


def test_a_file_that_vanished(listed_file):
    path, found = listed_file
    path.unlink()
    assert read(found) == ("unreadable", "cannot open: No such file or directory")


def test_a_file_swapped_for_a_link_to_another_file(listed_file, tmp_path):
    path, found = listed_file
    other = tmp_path / "elsewhere.txt"
    other.write_bytes(story(1))
    path.unlink()
    path.symlink_to(other)
    assert read(found) == ("changed", "replaced by another file since it was listed: not read")


def test_a_file_that_grows_after_listing(listed_file):
    path, found = listed_file
    with open(path, "ab") as handle:
        handle.write(b"\nmore text arriving\n")
    assert read(found)[0] == "changed"


def test_gunzip_stops_at_the_cap_without_inflating_the_rest():
    bomb = gzip_bomb(BOMB_MIB)
    started = time.monotonic()
    with pytest.raises(Exception) as refused:
        gunzip_capped(bomb, MAX_BYTES)
    assert refused.value.code == "too_large"
    assert time.monotonic() - started < 2
    assert gunzip_capped(_gzip(b"one") + _gzip(b" two"), MAX_BYTES) == b"one two"
    # padding after the last member (tar blocks, a trailing newline) is ignored, as gzip(1) does
    assert gunzip_capped(_gzip(b"one") + bytes(512), MAX_BYTES) == b"one"


def test_discover_refuses_oversized_files_by_stat(tmp_path):
    big = tmp_path / "big.txt"
    with open(big, "wb") as handle:
        handle.truncate(MAX_BYTES + 1)
    (refused,) = discover([big], max_bytes=MAX_BYTES)
    assert isinstance(refused, Skipped) and refused.code == "too_large"
