"""The road of one document, from collected bytes to a record the archive can store.

    process(document, knowledge, rules) -> Outcome

runs, once per document and in this order: the byte-for-byte check (the archive already holds
these bytes from this place: nothing to do), decode, extract (HTML through trafilatura, text
dumps through our cleaner, then what the archive learned of the site's chrome), validate
(long enough to be an article), identify (the URL it may claim, its content hash and MinHash
fingerprint). It knows no Scrapy and no command line, and it writes nothing: what the archive
already knows comes in as `Knowledge`, read from an `ArchiveView` (storage.view) before the
call, so the same function runs inline or in an extraction worker process. The dedup decision
itself is the archive's, inside the write transaction (storage.dedup.decide); `newsmill explain`
asks for it with Archive.preview.

Every stage that refuses a document raises Rejected with a code and a one-line reason;
process turns that into Outcome.rejected, so callers never see an extractor's exception.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field

from crawler.items import HTML, TEXT, RawDocument
from pipelines.extractors.encoding import Undecodable, decode
from pipelines.extractors.result import Extracted, Removal
from pipelines.extractors.textdump import COUNTABLE_MAX_CHARS, clean_text_dump, countable_lines, line_key
from pipelines.identity import claim_url
from pipelines.rejects import ExtractionFailed, Rejected
from storage.dedup.minhash import fingerprint_of_normalized
from storage.dedup.near_duplicates import DEFAULT_THRESHOLD
from storage.dedup.normalize import body_hash, normalize_body, word_count
from storage.records import CRAWL, FILE, ArticleRecord, KnownCopy

logger = logging.getLogger(__name__)

DEFAULT_MIN_WORDS = 15


@dataclass(frozen=True)
class RoadRules:
    """A run's settings for the road (NEWSMILL_MIN_WORDS, NEWSMILL_NEAR_DUP_THRESHOLD, ...)."""

    min_words: int = DEFAULT_MIN_WORDS
    near_duplicate_threshold: float = DEFAULT_THRESHOLD
    trust_canonical: bool = False
    # NEWSMILL_LANGUAGE (`ingest --language`): every document's language, detected or not
    language: str | None = None

    def __post_init__(self) -> None:
        if not 0.0 < self.near_duplicate_threshold <= 1.0:
            raise ValueError(f"NEWSMILL_NEAR_DUP_THRESHOLD must be in (0, 1], got {self.near_duplicate_threshold}")


@dataclass(frozen=True)
class Knowledge:
    """What the archive knew about one document before it was processed: picklable, so it
    travels with the document into a worker process."""

    known: KnownCopy | None = None
    learned_chrome: frozenset[str] = field(default_factory=frozenset)


@dataclass
class Outcome:
    document: RawDocument
    # exactly one of these is set
    record: ArticleRecord | None = None
    known: KnownCopy | None = None
    rejected: Rejected | None = None


def process(document: RawDocument, knowledge: Knowledge, rules: RoadRules) -> Outcome:
    """The whole road for one document, as described above."""
    if knowledge.known is not None:
        document.known = knowledge.known
        document.body = b""
        return Outcome(document, known=knowledge.known)
    try:
        extracted = extract(document, knowledge.learned_chrome)
        if rules.language:
            extracted.language = rules.language
        validate(extracted, rules.min_words)
    except Rejected as rejected:
        return Outcome(document, rejected=rejected)
    document.record = identify(document, extracted, rules)
    return Outcome(document, record=document.record)


def extract(document: RawDocument, learned: frozenset[str] = frozenset()) -> Extracted:
    """Decode and extract; raises Rejected. Leaves the Extracted on the document too."""
    if document.skip_code:
        raise Rejected(document.skip_code, document.skip_reason or document.skip_code)
    try:
        text, document.encoding = decode(
            document.body, is_html=document.kind == HTML, content_type=document.declared_encoding
        )
    except Undecodable as exc:
        raise Rejected(exc.code, exc.reason) from exc
    try:
        extracted = _extract(document, text, learned)
    except MemoryError as exc:
        raise Rejected("too_much_memory", "extraction ran out of its memory cap") from exc
    except Exception as exc:  # an extractor bug must cost one document, not the run
        logger.debug("extractor failed on %s", document.place, exc_info=True)
        raise ExtractionFailed(f"extractor failed: {type(exc).__name__}: {exc}") from exc
    if extracted is None or not extracted.paragraphs:
        raise Rejected("not_article", "no article text found (empty, chrome only, or a listing page)")
    if extracted.language is None and document.language_hint:
        extracted.language = document.language_hint
    document.extracted = extracted
    # the raw bytes are no longer needed; do not carry them through the remaining stages
    document.body = b""
    return extracted


def validate(extracted: Extracted, min_words: int) -> None:
    """Long enough to be an article: at least `min_words` words, counted as articles.word_count
    counts them (storage.dedup.normalize.word_count: in Chinese and Japanese, two characters
    to a word)."""
    words = word_count(extracted.text)
    if words < min_words:
        raise Rejected("too_short", f"body has {words} words, fewer than the {min_words} required")


def identify(document: RawDocument, extracted: Extracted, rules: RoadRules) -> ArticleRecord:
    """The record the archive decides on: the URL the document may claim (pipelines.identity),
    the hash of its normalised body and its MinHash fingerprint, computed here so that their
    CPU cost is paid outside the write transaction."""
    text = extracted.text
    # one normalisation for both the exact hash and the shingles
    normalized = normalize_body(text)
    claim = claim_url(extracted.canonical_url, document.url)
    return ArticleRecord(
        text=text,
        content_hash=body_hash(normalized),
        source=document.source,
        url=claim.url,
        canonical_url=claim.canonical,
        identity_note=claim.note,
        collector=FILE if document.path else CRAWL,
        trust_canonical=rules.trust_canonical,
        fetched_url=document.url,
        path=document.path,
        title=extracted.title,
        author=extracted.author,
        published=extracted.published,
        published_origin=extracted.published_origin,
        modified=extracted.modified,
        language=extracted.language,
        section=extracted.section,
        site=extracted.site,
        tags=extracted.tags,
        encoding=document.encoding,
        raw_hash=document.raw_hash,
        fingerprint=fingerprint_of_normalized(normalized),
        near_duplicate_threshold=rules.near_duplicate_threshold,
        chrome_scope=document.chrome_scope,
        line_keys=document.line_keys,
    )


def chrome_scope(source: str, url: str | None, path: str | None, default_source: str | None) -> str:
    """Where a document's chrome is learned. Crawled pages and named sources learn per source
    (one site); local dumps under the default source learn per folder, since an unnamed
    ingest may mix several sites."""
    if url or not path or source != default_source:
        return source
    return f"{source}|{os.path.dirname(path)}"


def _extract(document: RawDocument, text: str, learned: frozenset[str]) -> Extracted | None:
    if document.kind == TEXT:
        document.line_keys = frozenset(countable_lines(text))
        return clean_text_dump(text, repeated_lines=document.batch_repeats | learned, timezone=document.timezone)
    # imported at the first page: a run of text dumps never pays for trafilatura's import
    from pipelines.extractors.html import extract_html

    extracted = extract_html(text, url=document.url, timezone=document.timezone)
    if extracted is None:
        return None
    document.line_keys = _short_line_keys(extracted.paragraphs)
    return _drop_learned(extracted, learned)


def _short_line_keys(paragraphs: list[str]) -> frozenset[str]:
    return frozenset(key for text in paragraphs if len(text) <= COUNTABLE_MAX_CHARS and (key := line_key(text)))


def _drop_learned(extracted: Extracted, learned: frozenset[str]) -> Extracted:
    """Paragraphs the archive learned as this site's chrome (storage.chrome_memory) go."""
    if not learned:
        return extracted
    kept = []
    for paragraph in extracted.paragraphs:
        if len(paragraph) <= COUNTABLE_MAX_CHARS and line_key(paragraph) in learned:
            extracted.removed.append(Removal(paragraph, "learned-chrome"))
        else:
            kept.append(paragraph)
    extracted.paragraphs = kept
    return extracted
