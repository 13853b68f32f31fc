"""HTML page -> `Extracted`, with trafilatura doing the heavy lifting.

The contract follows trafilatura's own: a page with no extractable article returns None
instead of raising, so a caller turns that into a reject with a reason.
"""

from __future__ import annotations

import logging

import trafilatura

from pipelines.extractors.result import Extracted

logger = logging.getLogger(__name__)


def extract_html(html: str, url: str | None = None) -> Extracted | None:
    document = trafilatura.bare_extraction(
        html,
        url=url,
        with_metadata=True,
        # trafilatura keeps reader comments by default; they are not part of the article
        include_comments=False,
    )
    if document is None or not document.text:
        return None
    paragraphs = [line.strip() for line in document.text.split("\n") if line.strip()]
    if not paragraphs:
        return None
    return Extracted(
        paragraphs=paragraphs,
        title=document.title or None,
        author=document.author or None,
        published=document.date or None,
        published_origin="htmldate" if document.date else None,
        language=document.language or None,
        section=(document.categories or [None])[0],
        site=document.sitename or document.hostname or None,
        canonical_url=document.url or None,
        tags=list(document.tags or []),
        method="trafilatura",
    )
