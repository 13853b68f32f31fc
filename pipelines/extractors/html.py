"""HTML page -> `Extracted`: trafilatura for the body, with a second opinion and a chrome filter.

The page is parsed once; trafilatura, readability and the metadata readers share that tree.
trafilatura runs with `favor_precision` and without comments (both measurably cleaner on the
article-extraction benchmark); when it keeps clearly less prose than the page holds,
readability is asked and its longer body taken if it contains trafilatura's (or if
trafilatura only found a stub). A JSON-LD articleBody replaces a body only when it is real
(long, not a teaser) and more than twice as long: on pages where both exist, trafilatura's
body is cleaner (publishers' articleBody carries captions and promos).
trafilatura's own metadata pass is skipped (with_metadata=False): it costs as much as the
extraction, and metadata.py reads JSON-LD and <meta> first, calling htmldate only as a last
resort. Listing pages (teasers, no prose) return None.

The contract follows trafilatura's own: a page with no extractable article returns None
instead of raising, so a caller turns that into a reject with a reason.
"""

from __future__ import annotations

import dataclasses
import logging
import re
from collections.abc import Callable

import trafilatura
from lxml.html import HtmlElement
from trafilatura.utils import load_html

from pipelines.extractors.element_classes import use_plain_element_classes
from pipelines.extractors.html_fallback import prose_chars, readability_paragraphs
from pipelines.extractors.html_jsonld import parse_jsonld
from pipelines.extractors.html_language import detect_language
from pipelines.extractors.html_listing import looks_like_listing
from pipelines.extractors.html_postfilter import filter_paragraphs, link_key
from pipelines.extractors.metadata import extract_metadata
from pipelines.extractors.result import Extracted, Metadata
from pipelines.extractors.xpath_twins import install as install_xpath_twins

logger = logging.getLogger(__name__)

# the same results as trafilatura's own parser and XPaths, for less time (see both modules)
use_plain_element_classes()
install_xpath_twins()

# Ask readability only when trafilatura kept less than this share of the page's prose ...
# (about 6 % of the pages of both shared sets). trafilatura's own comparison (fast=False) runs
# its readability fork on every page besides, so those pages see readability twice. Running it
# once was measured (439 pages; AE = article-extraction F1, FU = fundus-multilingual
# bag-of-tokens body F1, ms per page of extract_html, interleaved):
#   today, ~1.06 runs/page                                   AE 0.9788  FU 96.46   82 / 201 ms
#   fast=True (no trafilatura comparison, no justext)        AE 0.9578  FU 95.57   61 / 158 ms
#   our second opinion reads trafilatura's readability       AE 0.9703  FU 96.41   69 / 179 ms
#   no second opinion of ours                                AE 0.9703  FU 96.43   69 / 181 ms
#   trafilatura's comparison without readability (patched)   AE 0.9735  FU 95.93   73 / 190 ms
#   readability-lxml once, fed to both                       AE 0.9748  FU 96.13  159 / 408 ms
# Each run rescues different pages (ours: trafilatura's fork works on a pruned tree and misses
# whole articles on 3 + 4 pages; theirs: 6 + 6 others), so no single run holds F1; both stay.
SECOND_OPINION_BELOW = 0.6
# ... and take its body only when it is this much longer and repeats trafilatura's text.
SECOND_OPINION_LONGER = 1.3
SECOND_OPINION_AGREES = 0.8
# Below this many characters trafilatura's text is a stub (a notice, a caption), not an
# article readability should have to agree with.
STUB_CHARS = 300
# A JSON-LD body shorter than this is a teaser, not the article.
JSONLD_MIN_CHARS = 600
# ... and it replaces trafilatura's body only when that holds less than this share of it.
JSONLD_OVER_SHARE = 0.5
_WORD = re.compile(r"\w+")

_chrome_match: Callable[[str], str | None] | None = None
_chrome_loaded = False


def _chrome() -> Callable[[str], str | None] | None:
    """The shared chrome phrase list, if it is available; the filter works without it."""
    global _chrome_match, _chrome_loaded
    if not _chrome_loaded:
        _chrome_loaded = True
        try:
            from pipelines.extractors.chrome import default_phrases

            _chrome_match = default_phrases().match
        except Exception as error:  # a broken phrase file must not stop extraction
            logger.warning("chrome phrases unavailable: %s", error)
            _chrome_match = None
    return _chrome_match


def _shingles(text: str, size: int = 4) -> set[str]:
    words = _WORD.findall(text.casefold())
    return {" ".join(words[i : i + size]) for i in range(max(0, len(words) - size + 1))}


def _contains(outer: str, inner: str) -> float:
    """Share of `inner`'s 4-word shingles that also occur in `outer`."""
    inner_shingles = _shingles(inner)
    if not inner_shingles:
        return 0.0
    return len(inner_shingles & _shingles(outer)) / len(inner_shingles)


def _split(text: str | None) -> list[str]:
    return [" ".join(line.split()) for line in (text or "").split("\n") if line.strip()]


def _length(paragraphs: list[str]) -> int:
    return sum(len(p) for p in paragraphs)


def _second_opinion(tree: HtmlElement, url: str | None, paragraphs: list[str]) -> list[str] | None:
    have = _length(paragraphs)
    if have >= SECOND_OPINION_BELOW * prose_chars(tree):
        return None
    other = readability_paragraphs(tree, url)
    if _length(other) < SECOND_OPINION_LONGER * have:
        return None
    if have >= STUB_CHARS and _contains("\n".join(other), "\n".join(paragraphs)) < SECOND_OPINION_AGREES:
        return None
    return other


def _jsonld_body(body: str | None, paragraphs: list[str]) -> list[str] | None:
    if not body or len(body) < JSONLD_MIN_CHARS or body.rstrip().endswith(("...", "…")):
        return None
    candidate = _split(body)
    # publishers' bodies carry captions, embeds and promos; trust them only over a failed extraction
    if _length(paragraphs) >= JSONLD_OVER_SHARE * _length(candidate):
        return None
    return candidate


def extract_html(html: str, url: str | None = None, timezone: str | None = None) -> Extracted | None:
    """`timezone`: the IANA zone of dates the page gives without one (UTC when None)."""
    try:
        tree = load_html(html)
    except Exception as error:  # lxml refuses some inputs outright; that is "no article"
        logger.debug("unparsable HTML %s: %s", url, error)
        return None
    if tree is None:
        return None
    try:
        jsonld = parse_jsonld(tree)
    except Exception as error:  # publishers' JSON-LD is free-form; never let it cost the body
        logger.debug("unreadable JSON-LD on %s: %s", url, error)
        jsonld = None
    try:
        document = trafilatura.bare_extraction(
            tree,
            url=url,
            # our own metadata readers are cheaper and try JSON-LD first
            with_metadata=False,
            # reader comments are not part of the article
            include_comments=False,
            favor_precision=True,
        )
    except Exception as error:
        logger.warning("trafilatura failed on %s: %s", url, error)
        return None
    # as_dict is off: a Document or None, never the dict form
    assert not isinstance(document, dict)
    paragraphs = _split(document.text if document is not None else None)
    method = "trafilatura"

    other = _second_opinion(tree, url, paragraphs)
    if other:
        paragraphs, method = other, "readability"
    from_jsonld = _jsonld_body(jsonld.body if jsonld else None, paragraphs)
    if from_jsonld:
        paragraphs, method = from_jsonld, "json-ld"

    if looks_like_listing(paragraphs):
        logger.debug("listing page, not an article: %s", url)
        return None
    try:
        link_texts = {link_key(anchor.text_content()) for anchor in tree.iter("a")}
        headings = [" ".join(node.text_content().split()) for node in tree.iter("h1")]
    except Exception as error:  # text_content() chokes on a few malformed trees
        logger.debug("no link texts for %s: %s", url, error)
        link_texts, headings = set(), []
    try:
        meta = extract_metadata(tree, url, jsonld, timezone)
    except Exception as error:  # a body without metadata is still worth keeping
        logger.warning("metadata extraction failed on %s: %s", url, error)
        meta = Metadata(canonical_url=url)
    paragraphs, removed = filter_paragraphs(paragraphs, meta.title, _chrome(), link_texts, headings)
    if not paragraphs or looks_like_listing(paragraphs):
        return None
    # an Extracted is its Metadata plus the body
    fields = dataclasses.asdict(meta)
    fields["language"] = detect_language(paragraphs, meta.language)
    return Extracted(paragraphs=paragraphs, removed=removed, method=method, **fields)
