"""Why something was not taken: the one base of every skip and refusal.

    Refusal(Exception)   code: short and stable (the `rejects` row's code, the stats key
     │                   newsmill/skipped/<code>); reason: one line for people; str() is the reason
     ├── pipelines.rejects.Rejected          (also a Scrapy DropItem) a document the pipelines drop
     │    └── ExtractionFailed               the extractor itself raised: also an error
     ├── pipelines.extractors.encoding.Undecodable   (also a ValueError) bytes that are not text
     ├── crawler.loaders.discover.Skipped    a path skipped before any read (yielded, not raised)
     ├── crawler.loaders.read.ReadRefused    a listed file that cannot be read as listed
     ├── crawler.middlewares.refusals.Refused  (also a Scrapy IgnoreRequest) a request not fetched
     └── crawler.spiders.news_feeds.NotAFeed  (also a ValueError) a feed or sitemap not readable

No Scrapy here: pipelines/extractors and the file loaders import this module, and they must
run without Scrapy. Classes that must also be a library's exception (DropItem, IgnoreRequest)
put Refusal first in their bases, so Refusal.__init__ passes the reason on to that one.
"""

from __future__ import annotations


class Refusal(Exception):
    def __init__(self, code: str, reason: str):
        super().__init__(reason)
        self.code = code
        self.reason = reason
