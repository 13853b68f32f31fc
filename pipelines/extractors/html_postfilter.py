"""Drop page chrome that survives trafilatura: the headline echoed as the first paragraph,
bylines/datelines/reading times above the body, "Related: …" link lines, teasers for other
stories at the body's edges (a line that is wholly a link's text), and sign-off boxes
(newsletter, follow us, wire credits) at the end. Every drop is returned as a `Removal`.

Each rule is deliberately narrow and structural (position + shape of the line) so it holds
across sites rather than fitting one page; phrase lists live in config via `match`.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable

from pipelines.extractors.dateline import parse_dateline
from pipelines.extractors.result import Removal

logger = logging.getLogger(__name__)

_WORD = re.compile(r"\w+")
# A line that only points elsewhere: "Related: …", "READ MORE: …", "Also on rt.com …".
_LINK_LINE = re.compile(
    r"^\W*(?:related(?: (?:post|article|story|content|coverage|reading))?s?|read (?:more|also|next)|see (?:more|also)|"
    r"more|also|also read|also on \S+|don'?t miss|recommended|watch|listen|читайте (?:также|еще|ещё)|"
    r"смотрите также|по теме|leia (?:mais|também)|veja também|lesen sie auch|lire aussi|lee también)\b\s*[:|»>–—-]",
    re.IGNORECASE,
)
_LINK_LINE_MAX_WORDS = 25
# Invitations that close an article; only looked for in its last lines.
_TAIL = re.compile(
    r"\b(?:sign up|subscribe|newsletter|follow (?:us|\w+(?: \w+){0,4}) on (?:twitter|facebook|instagram)|"
    r"like this story|share (?:it|this)|get the latest|delivered to your inbox|download (?:our|the) app|"
    r"all rights reserved|copyright|©|подпис|подпишитесь)\b",
    re.IGNORECASE,
)
_TAIL_LINES = 3
_TAIL_MAX_WORDS = 45
# Lines at the edges of the body that are wholly the text of a link on the page are teasers
# for other stories ("- 15 Amazing Images of Stars"); inside the body such a line is rarer
# and more likely a real subheading, so only the edges are checked.
_EDGE_HEAD = 3
_EDGE_TAIL = 5
# One- and two-word links are emails, URLs, "Staff Reports": content as often as not.
_LINK_MIN_WORDS = 3
_HEAD_LINES = 3
_BYLINE = re.compile(r"^(?:by|por|von|par|от|автор:?)\s+\S+", re.IGNORECASE)
_BYLINE_MAX_WORDS = 8
_READING_TIME = re.compile(
    r"^\W*(?:\d+\s*min(?:ute)?s?\.?\s*(?:read|de leitura|de lectura|lesezeit)|"
    r"(?:reading time|read time|tempo de leitura|tiempo de lectura|lesezeit|temps de lecture|время чтения)\b)",
    re.IGNORECASE,
)
_READING_TIME_MAX_WORDS = 8
# Wire-service credits that close a story ("Reporting by …; Editing by …").
_CREDITS = re.compile(
    r"^\W*(?:(?:additional |with )?reporting by|editing by|writing by|compiled by|source:)|"
    r"contributed (?:reporting|to this (?:report|story))|"
    r"^\W*(?:the )?(?:associated press|ap) writers? .{0,200} contributed",
    re.IGNORECASE,
)
_CREDITS_MAX_WORDS = 40
_CONTACT_ONLY = re.compile(r"^\W*(?:\S+@\S+\.\w+|(?:https?://)?(?:www\.)?twitter\.com/\w+|@\w+)\W*$", re.IGNORECASE)


def _tokens(text: str) -> list[str]:
    return _WORD.findall(text.casefold())


def _is_title_echo(line: str, title_tokens: list[str]) -> bool:
    tokens = _tokens(line)
    if not tokens or not title_tokens:
        return False
    if tokens == title_tokens:
        return True
    # a headline with a kicker or site suffix still echoes the title
    joined, title = " ".join(tokens), " ".join(title_tokens)
    return len(tokens) >= 4 and (joined in title or (title in joined and len(tokens) <= len(title_tokens) + 6))


def link_key(text: str) -> str:
    """How a link's text and a paragraph are compared: word tokens, casefolded."""
    return " ".join(_tokens(text))


def _head_rule(line: str) -> str | None:
    words = len(line.split())
    if _BYLINE.match(line) and words <= _BYLINE_MAX_WORDS:
        return "byline"
    if _READING_TIME.match(line) and words <= _READING_TIME_MAX_WORDS:
        return "reading-time"
    if parse_dateline(line):
        return "dateline"
    return None


def filter_paragraphs(
    paragraphs: list[str],
    title: str | None = None,
    match: Callable[[str], str | None] | None = None,
    link_texts: set[str] | frozenset[str] = frozenset(),
    headings: list[str] | tuple[str, ...] = (),
) -> tuple[list[str], list[Removal]]:
    """`link_texts` holds `link_key` of every <a> on the page; `headings` are its <h1> texts,
    which may differ from the metadata title (a shorter og:title, a kicker)."""
    kept: list[str] = []
    removed: list[Removal] = []
    echoes = [tokens for tokens in (_tokens(text) for text in [title or "", *headings]) if tokens]

    # the headline (and a repeat of it) above the body
    start = 0
    while start < min(2, len(paragraphs)) and any(_is_title_echo(paragraphs[start], tokens) for tokens in echoes):
        removed.append(Removal(paragraphs[start], "title-echo"))
        start += 1

    count = len(paragraphs)
    for index in range(start, count):
        line = paragraphs[index]
        rule = match(line) if match else None
        if rule:
            removed.append(Removal(line, f"phrase:{rule}"))
            continue
        if index < _HEAD_LINES:
            rule = _head_rule(line)
            if rule:
                removed.append(Removal(line, rule))
                continue
        at_edge = index < _EDGE_HEAD or index >= count - _EDGE_TAIL
        if at_edge and link_texts and len(line.split()) >= _LINK_MIN_WORDS and link_key(line) in link_texts:
            removed.append(Removal(line, "link-teaser"))
            continue
        if _LINK_LINE.match(line) and len(_tokens(line)) <= _LINK_LINE_MAX_WORDS:
            removed.append(Removal(line, "link-line"))
            continue
        kept.append(line)

    # sign-off boxes, from the end backwards, stopping at the first real paragraph
    tail_removed: list[Removal] = []
    checked = 0
    while kept and checked < _TAIL_LINES:
        line = kept[-1]
        words = len(_tokens(line))
        if _CONTACT_ONLY.match(line) or (words <= _TAIL_MAX_WORDS and _TAIL.search(line)):
            tail_removed.append(Removal(kept.pop(), "tail-chrome"))
            checked += 1
            continue
        if words <= _CREDITS_MAX_WORDS and _CREDITS.search(line):
            tail_removed.append(Removal(kept.pop(), "credits"))
            checked += 1
            continue
        break
    removed.extend(reversed(tail_removed))
    return kept, removed
