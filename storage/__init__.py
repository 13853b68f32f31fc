"""SQLite archive: schema, batched writes, exact-duplicate decisions, full-text search.

Nothing here imports Scrapy, so the CLI, tests and notebooks can use it directly.
"""

from storage.archive import Archive
from storage.db import open_database
from storage.records import ArticleRecord, Decision, RejectRecord

__all__ = ["Archive", "ArticleRecord", "Decision", "RejectRecord", "open_database"]
