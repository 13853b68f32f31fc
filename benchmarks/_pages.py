"""Unique benchmark pages built at run time from the shared article-extraction set.

The shared pages are someone else's text: they are read from ../shared, never copied into
the repository. Variant k of a page shuffles the words of every long text node (twelve
words or more: paragraphs), with a seed of its own, keeping the last word in place so a
sentence still ends like one. Each variant so has the same structure, lengths and links (the
same extraction work) and a body no other variant shares (dedup stores each as a new
article) at an address of its own (its canonical URL gets a `/variant-k` suffix; the
same address would make it a new version of one story), while what a real new page shares with its site stays as it was: short nodes
(menus, bylines, dates, captions), scripts and styles. Letter-shifting everything was tried
first; it broke every date and JSON-LD block, which sent each variant into the slowest date
search, a cost no real new page has.
"""

from __future__ import annotations

import gzip
import random
import re
from pathlib import Path

SHARED_PAGES = Path(__file__).resolve().parents[2] / "shared" / "benchmarks" / "article-extraction" / "html"
_TEXT_NODE = re.compile(r">([^<]+)<")
_CODE = re.compile(r"(<script\b.*?</script\s*>|<style\b.*?</style\s*>)", re.I | re.S)
LONG_NODE_WORDS = 12
_HEAD_TAG = re.compile(r"<(?:link|meta)\b[^>]*>", re.I)
_NAMES_ADDRESS = re.compile(r"""rel=["']?canonical|property=["']?og:url""", re.I)
_ADDRESS = re.compile(r"""(?:href|content)=["']?(https?://[^"' >]+)""", re.I)


def _own_addresses(html: str) -> set[str]:
    """The page's canonical and og:url addresses, attributes in any order."""
    return {
        address for tag in _HEAD_TAG.findall(html) if _NAMES_ADDRESS.search(tag) for address in _ADDRESS.findall(tag)
    }


def shared_pages() -> list[Path]:
    return sorted(SHARED_PAGES.glob("*.html.gz"))


def _shuffler(k: int):
    shuffle = random.Random(k).shuffle

    def shuffled(match: re.Match) -> str:
        words = match.group(1).split()
        if len(words) < LONG_NODE_WORDS:
            return match.group(0)
        head = words[:-1]
        shuffle(head)
        return ">" + " ".join(head + words[-1:]) + "<"

    return shuffled


def variant(html: str, k: int) -> str:
    if k == 0:
        return f"<!-- variant {k} -->" + html
    shuffled = _shuffler(k)
    for address in _own_addresses(html):
        html = html.replace(address, f"{address.rstrip('/')}/variant-{k}")
    # odd pieces of the split are scripts and styles
    pieces = _CODE.split(html)
    return f"<!-- variant {k} -->" + "".join(
        piece if index % 2 else _TEXT_NODE.sub(shuffled, piece) for index, piece in enumerate(pieces)
    )


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
