"""Scrapy's decompression, with its size cap tagged so the reject row says "too_large".

DOWNLOAD_MAXSIZE bounds the bytes on the wire; HttpCompressionMiddleware applies the same
cap while decompressing (Scrapy >= 2.11.1), so a small gzip body that expands to gigabytes
(a "bomb") stops at the cap instead of filling memory.
"""

from __future__ import annotations

from scrapy.downloadermiddlewares.httpcompression import HttpCompressionMiddleware
from scrapy.exceptions import IgnoreRequest

from crawler.middlewares.refusals import Refused


class CappedHttpCompressionMiddleware(HttpCompressionMiddleware):
    def process_response(self, request, response):
        try:
            return super().process_response(request, response)
        except IgnoreRequest as exc:
            raise Refused("too_large", "body larger than DOWNLOAD_MAXSIZE once decompressed") from exc
