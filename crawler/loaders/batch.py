"""Lines that recur across the text dumps of one folder: that site's chrome, learned per batch."""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Iterator

from crawler.items import TEXT
from crawler.loaders.discover import Found, Skipped
from crawler.loaders.limits import MAX_DECOMPRESSED_BYTES
from crawler.loaders.read import ReadRefused, read_bytes
from pipelines.extractors.encoding import Undecodable, decode
from pipelines.extractors.textdump import learn_repeated_lines


def learn_batch_repeats(
    entries: list[Found | Skipped], max_decompressed: int = MAX_DECOMPRESSED_BYTES
) -> dict[str, frozenset[str]]:
    """Lines that recur across the text dumps of one folder are that site's chrome.

    A folder is the natural batch: dumps of one site land in one folder. Identical files
    count once, or a story saved twice would teach us its own lines are chrome.
    """
    by_folder: dict[str, list[Found]] = defaultdict(list)
    for entry in entries:
        if isinstance(entry, Found) and entry.kind == TEXT:
            by_folder[os.path.dirname(entry.path)].append(entry)
    learned = {}
    for folder, files in by_folder.items():
        if len(files) >= 3:
            learned[folder] = learn_repeated_lines(_distinct_texts(files, max_decompressed))
    return learned


def _distinct_texts(files: list[Found], max_decompressed: int) -> Iterator[str]:
    seen: set[int] = set()
    for found in files:
        try:
            text, _ = decode(read_bytes(found, max_decompressed=max_decompressed), is_html=False)
        except (ReadRefused, Undecodable):
            continue
        fingerprint = hash(text)
        if fingerprint not in seen:
            seen.add(fingerprint)
            yield text
