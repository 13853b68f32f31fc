"""Stage 3: give the document its identity (canonical URL, content hash) as an ArticleRecord.

The decision itself (new, duplicate, new version) is taken by the archive inside the write
transaction, where it sees every row stored before, including earlier rows of the same batch.
"""

from __future__ import annotations

from crawler.items import RawDocument
from pipelines.fingerprint import choose_url, content_hash
from storage.records import ArticleRecord


class DedupePipeline:
    @classmethod
    def from_crawler(cls, crawler):
        return cls()

    def process_item(self, item: RawDocument) -> RawDocument:
        extracted = item.extracted
        text = extracted.text
        item.record = ArticleRecord(
            text=text,
            content_hash=content_hash(text),
            source=item.source,
            url=choose_url(extracted.canonical_url, item.url),
            fetched_url=item.url,
            path=item.path,
            title=extracted.title,
            author=extracted.author,
            published=extracted.published,
            published_origin=extracted.published_origin,
            language=extracted.language,
            section=extracted.section,
            site=extracted.site,
            tags=extracted.tags,
        )
        return item
