"""Plain extraction functions (no Scrapy): HTML pages and plain-text dumps to an `Extracted` record."""

from pipelines.extractors.result import Extracted, Removal

__all__ = ["Extracted", "Removal"]
