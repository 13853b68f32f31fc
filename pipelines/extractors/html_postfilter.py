"""Drop page chrome that survives trafilatura: the headline echoed as the first paragraph,
"Related: …" link lines inside the body, and sign-off boxes (newsletter, follow us) at the end.

Each rule is deliberately narrow and structural (position + shape of the line) so it holds
across sites rather than fitting one page; phrase lists live in config via `match`.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable

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


def filter_paragraphs(
    paragraphs: list[str],
    title: str | None = None,
    match: Callable[[str], str | None] | None = None,
) -> tuple[list[str], list[Removal]]:
    kept: list[str] = []
    removed: list[Removal] = []
    title_tokens = _tokens(title or "")

    # the headline (and a repeat of it) above the body
    start = 0
    while start < min(2, len(paragraphs)) and _is_title_echo(paragraphs[start], title_tokens):
        removed.append(Removal(paragraphs[start], "title-echo"))
        start += 1

    for line in paragraphs[start:]:
        rule = match(line) if match else None
        if rule:
            removed.append(Removal(line, f"phrase:{rule}"))
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
        break
    removed.extend(reversed(tail_removed))
    return kept, removed
