"""Plain-text dump of a news page -> `Extracted`, with the page chrome dropped.

A dump is the visible text of a page, one paragraph per line, blank lines between:
section label, headline, dateline, body, then footer chrome. The cleaner works on
lines in three passes:

1. line rules: whole-line chrome phrases (config/chrome_phrases.toml), lines the
   caller learned repeat across a batch of dumps, datelines;
2. structure: the headline is the first substantial line; short lines before it are the
   section label/breadcrumbs, short lines between it and the first real paragraph are
   bylines and captions;
3. tail: the body ends at the last sentence-like paragraph (or at a "stop" heading such as
   a comment form); the run of short lines after it is footer chrome.

Short lines *inside* the body are kept: they are subheadings.
"""

from __future__ import annotations

import functools
import logging
import re
import unicodedata
from collections.abc import Container, Iterable
from dataclasses import dataclass, field

from pipelines.extractors.chrome import ChromePhrases, default_phrases
from pipelines.extractors.dateline import is_update_line, parse_dateline
from pipelines.extractors.language import text_language
from pipelines.extractors.result import Extracted, Removal
from storage.dates import normalize, with_zone_note

logger = logging.getLogger(__name__)

_WORD = re.compile(r"\w+")
# sentence end, allowing closing quotes/brackets after the stop: …negotiations.”
# (։ is the Armenian full stop)
_SENTENCE_END = re.compile(r"[.!?…։][\"'”’»)\]]*$")
_PERIOD_END = re.compile(r"[.։][\"'”’»)\]]*$")
_BREADCRUMB_SEP = re.compile(r"\s+(?:>|»|›|/|→|\|)\s+")
_BYLINE = re.compile(
    r"(?:by|written by|author|автор|müəllif|հեղինակ|ავტორი)\s*[:՝]?\s+(?P<name>[^\W\d_][\w.'’ -]{1,60})",
    re.IGNORECASE,
)

# a line this long is never chrome worth counting across dumps: it is a paragraph
COUNTABLE_MAX_CHARS = 160
_DATELINE_MAX_CHARS = 120
_SECTION_MAX_WORDS = 5


def _collapse(line: str) -> str:
    return " ".join(line.split())


_DIGITS = re.compile(r"\d+")


# Chrome lines recur in every dump of a site, and each dump's short lines are keyed twice
# (batch learning, then cleaning): the cache turns most calls into a lookup.
@functools.lru_cache(maxsize=1 << 16)
def line_key(line: str) -> str:
    """Identity of a line across dumps: case, spacing, punctuation and numbers do not count,
    so "© 2021 Foo" and "© 2022 Foo", or "Views: 12" and "Views: 340", are one line."""
    text = unicodedata.normalize("NFKC", line).casefold()
    return " ".join(_WORD.findall(_DIGITS.sub("0", text)))


def _lines(text: str) -> list[str]:
    return [line for line in (_collapse(raw) for raw in text.splitlines()) if line]


def countable_lines(text: str) -> set[str]:
    """line_key()s of a dump's short lines: the candidates for "repeats across a batch"."""
    keys = {line_key(line) for line in _lines(text) if len(line) <= COUNTABLE_MAX_CHARS}
    keys.discard("")
    return keys


def learn_repeated_lines(texts: Iterable[str], min_docs: int = 3, min_share: float = 0.5) -> frozenset[str]:
    """Keys of short lines found in at least `min_docs` dumps and `min_share` of the batch.

    Both floors matter: the count stops a pair of dumps from defining chrome, the share
    stops a big batch from calling a common subheading chrome.
    """
    counts: dict[str, int] = {}
    total = 0
    for text in texts:
        total += 1
        for key in countable_lines(text):
            counts[key] = counts.get(key, 0) + 1
    if total == 0:
        return frozenset()
    floor = max(min_docs, min_share * total)
    return frozenset(key for key, count in counts.items() if count >= floor)


def _word_count(line: str) -> int:
    return len(_WORD.findall(line))


def _is_sentence(line: str) -> bool:
    # a full stop marks prose even in a three-word closing line; tail headlines use ?/! at most
    if _PERIOD_END.search(line):
        return _word_count(line) >= 3
    return _word_count(line) >= 4 and bool(_SENTENCE_END.search(line))


def _is_paragraph(line: str) -> bool:
    """Body text for sure: a sentence, or too long to be anything else."""
    return _is_sentence(line) or _word_count(line) >= 30 or len(line) >= 200


def _is_headline(line: str) -> bool:
    # headlines rarely end with a full stop; a question or exclamation is fine
    return (_word_count(line) >= 4 or len(line) >= 30) and len(line) <= 300 and not _PERIOD_END.search(line)


def _is_label(line: str) -> bool:
    return _word_count(line) <= _SECTION_MAX_WORDS and len(line) <= 60 and not _SENTENCE_END.search(line)


def _breadcrumb(line: str, phrases: ChromePhrases) -> list[str] | None:
    """Parts of a "Home > World > Europe" line. The last part may be the article's own title."""
    parts = _BREADCRUMB_SEP.split(line)
    if len(parts) < 2 or not all(part and _word_count(part) <= 4 for part in parts[:-1]):
        return None
    # two parts are only a trail when the first is a home link; else "Analysis | Baku" is a title
    if len(parts) == 2 and phrases.match(parts[0]) is None:
        return None
    if _word_count(parts[-1]) > 4 and not _is_headline(parts[-1]):
        return None
    return parts


def _section_from_crumbs(crumbs: list[str], phrases: ChromePhrases) -> str | None:
    labels = [crumb for crumb in crumbs if _word_count(crumb) <= 4 and phrases.match(crumb) is None]
    if _word_count(crumbs[-1]) > 4:
        # the trail ends in the headline; the section is the crumb before it
        labels = [crumb for crumb in labels if crumb != crumbs[-1]]
    return labels[-1] if labels else None


@dataclass
class _Dump:
    """A dump's lines and the rule that removed each (None = still content)."""

    lines: list[str]
    rules: list[str | None]
    stops: list[int] = field(default_factory=list)
    dates: list[tuple[int, str]] = field(default_factory=list)
    author: str | None = None
    title_index: int | None = None
    section: str | None = None


def _mark_lines(dump: _Dump, phrases: ChromePhrases, repeated_lines: Container[str]) -> None:
    """Pass 1: rules that judge a line on its own."""
    link_of: str | None = None
    for index, line in enumerate(dump.lines):
        rule = phrases.match_rule(line)
        if rule is not None:
            dump.rules[index] = f"phrase:{rule.name}"
            if rule.stop:
                dump.stops.append(index)
            link_of = rule.name if rule.next_line else None
            continue
        if link_of is not None and not _is_sentence(line):
            dump.rules[index] = f"phrase:{link_of}-link"
            link_of = None
            continue
        link_of = None
        if len(line) <= COUNTABLE_MAX_CHARS and line_key(line) in repeated_lines:
            dump.rules[index] = "repeated-in-batch"
        elif _word_count(line) <= 6 and (byline := _BYLINE.fullmatch(line)):
            dump.rules[index] = "structure:byline"
            dump.author = dump.author or byline["name"].strip()
        elif len(line) <= _DATELINE_MAX_CHARS and (found := parse_dateline(line)):
            dump.rules[index] = "structure:dateline"
            dump.dates.append((index, found))


def _mark_head(dump: _Dump, phrases: ChromePhrases) -> None:
    """Pass 2: the headline, and the section label or breadcrumb trail above it."""
    lines, rules = dump.lines, dump.rules
    pre_title: list[int] = []
    crumbs_at: dict[int, list[str]] = {}
    for index, line in enumerate(lines):
        if rules[index] not in (None, "repeated-in-batch"):
            continue
        if rules[index] is None:
            if crumbs := _breadcrumb(line, phrases):
                rules[index] = "structure:breadcrumb"
                crumbs_at[index] = crumbs
                pre_title.append(index)
                continue
            if _is_headline(line):
                dump.title_index = index
                break
            if _is_paragraph(line):
                break
        # a repeated line may still be the section label, so it stays a candidate
        pre_title.append(index)
    if dump.title_index is None:
        # a headline too short to tell from a label ("Storm hits Baku"): the last label wins
        labels = [index for index in pre_title if rules[index] is None]
        # a lone one-word label ("Politics") above a title-less brief is a section, not a title
        if labels and (len(labels) > 1 or len(lines[labels[-1]].split()) > 1):
            dump.title_index = labels[-1]
            pre_title = [index for index in pre_title if index < dump.title_index]
    if pre_title:
        # the section is whatever labels the page right above the headline
        last = pre_title[-1]
        if last in crumbs_at:
            dump.section = _section_from_crumbs(crumbs_at[last], phrases)
        elif _is_label(lines[last]):
            dump.section = lines[pre_title.pop()]
            rules[last] = "structure:section"
    for index in pre_title:
        rules[index] = rules[index] or "structure:pre-title"
    if dump.title_index is not None:
        rules[dump.title_index] = "structure:title"
        # pages often print the headline twice (og:title, then the h1)
        title_key = line_key(lines[dump.title_index])
        for index in range(dump.title_index + 1, len(lines)):
            if rules[index] is None and line_key(lines[index]) == title_key:
                rules[index] = "structure:title-repeat"


def _mark_body(dump: _Dump) -> tuple[int, int, int] | None:
    """Pass 3: (first body line, last body line, stop heading or end); None if no body."""
    lines, rules = dump.lines, dump.rules
    start_from = dump.title_index + 1 if dump.title_index is not None else 0
    body_start = None
    for index in range(start_from, len(lines)):
        if rules[index] is None and (_is_paragraph(lines[index]) or _word_count(lines[index]) >= 10):
            body_start = index
            break
        if rules[index] is None:
            rules[index] = "structure:post-title"
    if body_start is None:
        return None
    stop = next((index for index in dump.stops if index > body_start), len(lines))
    for index in range(stop + 1, len(lines)):
        if rules[index] is None:
            rules[index] = "tail:after-stop"
    body_end = next(
        (
            index
            for index in range(stop - 1, body_start - 1, -1)
            if rules[index] is None and _is_paragraph(lines[index])
        ),
        body_start,
    )
    for index in range(body_end + 1, stop):
        if rules[index] is None:
            rules[index] = "tail:short-lines" if len(lines[index]) <= COUNTABLE_MAX_CHARS else "tail:after-body"
    return body_start, body_end, stop


def clean_text_dump(
    text: str,
    *,
    repeated_lines: Container[str] = frozenset(),
    phrases: ChromePhrases | None = None,
    timezone: str | None = None,
) -> Extracted | None:
    """The article in a plain-text dump, or None if nothing article-like is left.

    A dateline's time without a zone is the site's local time, read in `timezone` (UTC when None)."""
    if phrases is None:
        phrases = default_phrases()
    lines = _lines(text)
    if not lines:
        return None
    dump = _Dump(lines, [None] * len(lines))
    _mark_lines(dump, phrases, repeated_lines)
    _mark_head(dump, phrases)
    bounds = _mark_body(dump)
    if bounds is None:
        logger.debug("no body paragraph in dump")
        return None
    body_start, body_end, stop = bounds
    paragraphs = [lines[index] for index in range(body_start, body_end + 1) if dump.rules[index] is None]
    if not paragraphs:
        return None
    # the article's own dateline sits above the body; dates after a stop heading are comments'
    head_dates = [(index, found) for index, found in dump.dates if index < body_start]
    late_dates = [(index, found) for index, found in dump.dates if body_start <= index < stop]
    dates = head_dates or late_dates
    # "Updated: ..." is the last change; the publication date is the first other dateline
    updates = [found for index, found in dates if is_update_line(lines[index])]
    candidates = [found for index, found in dates if not is_update_line(lines[index])] or [found for _, found in dates]
    first = candidates[0] if candidates else None
    published = normalize(first, timezone) if first else None
    modified = normalize(updates[0], timezone) if updates and updates[0] != first else None
    title = lines[dump.title_index] if dump.title_index is not None else None
    removed = [
        Removal(line, rule)
        for line, rule in zip(lines, dump.rules)
        if rule is not None and rule not in ("structure:title", "structure:section")
    ]
    return Extracted(
        paragraphs=paragraphs,
        title=title,
        author=dump.author,
        published=published.text if published else None,
        published_origin=with_zone_note("dateline", published) if published else None,
        modified=modified.text if modified else None,
        language=text_language(" ".join(([title] if title else []) + paragraphs)),
        section=dump.section,
        removed=removed,
        method="textdump",
    )
