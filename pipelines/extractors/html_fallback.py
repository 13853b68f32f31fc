"""A second opinion from readability-lxml, for pages where trafilatura stopped early.

Running readability on every page would cost about as much as trafilatura itself, so the
caller asks only when trafilatura kept clearly less prose than the page's paragraphs hold.
"""

from __future__ import annotations

import logging
from copy import deepcopy

from lxml.html import HtmlElement

logger = logging.getLogger(__name__)

_BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "td", "th", "dd", "dt", "figcaption"}
_CONTAINERS = _BLOCKS | {"div", "section", "article", "ul", "ol", "table", "tr", "tbody", "main", "figure", "dl"}
# <p> shorter than this is usually a caption, a teaser or a button rather than article prose
_PROSE_CHARS = 80


def prose_chars(tree: HtmlElement) -> int:
    """Characters in prose-like <p> elements: a cheap upper-bound guess of the article's length."""
    total = 0
    for node in tree.iter("p"):
        length = len(" ".join(node.text_content().split()))
        if length >= _PROSE_CHARS:
            total += length
    return total


def _has_block_child(node: HtmlElement) -> bool:
    return any(isinstance(child.tag, str) and child.tag in _CONTAINERS for child in node.iterdescendants())


def readability_paragraphs(tree: HtmlElement, url: str | None = None) -> list[str]:
    """Readability's article as paragraphs; [] when it finds nothing or fails."""
    try:
        from readability import Document
    except ImportError:  # optional dependency: without it there is simply no second opinion
        return []
    try:
        summary = Document(deepcopy(tree), url=url).summary(html_partial=True)
    except Exception as error:  # readability raises bare Exceptions on odd pages
        logger.debug("readability failed on %s: %s", url, error)
        return []
    from lxml.html import fromstring

    try:
        root = fromstring(summary)
    except Exception:
        return []
    paragraphs = []
    for node in root.iter():
        if not isinstance(node.tag, str):
            continue
        if node.tag in _BLOCKS and not _has_block_child(node):
            text = " ".join(node.text_content().split())
        elif node.tag == "div" and node.text and node.text.strip():
            text = " ".join(node.text.split())
        else:
            continue
        if text:
            paragraphs.append(text)
    return paragraphs
