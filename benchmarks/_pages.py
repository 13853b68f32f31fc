"""Unique benchmark pages built at run time from the shared article-extraction set.

The shared pages are someone else's text: they are read from ../shared, never copied into
the repository. Variant k of a page shifts every letter of its text nodes by k places, so
each variant has the same structure and length (the same extraction work) but a text no
other variant shares (dedup stores each as a new article).
"""

from __future__ import annotations

import gzip
import re
import string
from pathlib import Path

SHARED_PAGES = Path(__file__).resolve().parents[2] / "shared" / "benchmarks" / "article-extraction" / "html"
_TEXT_NODE = re.compile(r">([^<]+)<")


def shared_pages() -> list[Path]:
    return sorted(SHARED_PAGES.glob("*.html.gz"))


def _shift(k: int):
    lower, upper = string.ascii_lowercase, string.ascii_uppercase
    table = str.maketrans(lower + upper, lower[k:] + lower[:k] + upper[k:] + upper[:k])
    return lambda match: ">" + match.group(1).translate(table) + "<"


def variant(html: str, k: int) -> str:
    if k % 26 == 0:
        return f"<!-- variant {k} -->" + html
    return f"<!-- variant {k} -->" + _TEXT_NODE.sub(_shift(k % 26), html)


def write_unique_pages(folder: Path, count: int) -> list[Path]:
    sources = shared_pages()
    if not sources:
        raise SystemExit(f"no benchmark pages under {SHARED_PAGES}")
    folder.mkdir(parents=True, exist_ok=True)
    originals = [gzip.decompress(path.read_bytes()).decode("utf-8", "replace") for path in sources]
    written = []
    for n in range(count):
        k, index = divmod(n, len(originals))
        path = folder / f"{n:06d}.html"
        path.write_text(variant(originals[index], k), encoding="utf-8")
        written.append(path)
    return written
