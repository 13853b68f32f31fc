"""SQLite archive: schema, batched writes, exact-duplicate decisions, full-text search.

Nothing here imports Scrapy, so the CLI, tests and notebooks can use it directly.
"""

from storage.archive import Archive, ArticleRecord, Decision, RejectRecord
from storage.db import open_database

__all__ = ["Archive", "ArticleRecord", "Decision", "RejectRecord", "open_database"]
