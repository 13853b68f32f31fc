"""Scrapy's decompression, with its size cap tagged so the reject row says "too_large".

DOWNLOAD_MAXSIZE bounds the bytes on the wire; HttpCompressionMiddleware applies the same
cap while decompressing (Scrapy >= 2.11.1), so a small gzip body that expands to gigabytes
(a "bomb") stops at the cap instead of filling memory.
"""

from __future__ import annotations

from scrapy.downloadermiddlewares.httpcompression import HttpCompressionMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request, Response

from crawler.middlewares.refusals import Refused


class CappedHttpCompressionMiddleware(HttpCompressionMiddleware):
    # called without the spider argument Scrapy (>= 2.13) deprecates; the base class still declares it
    def process_response(self, request: Request, response: Response) -> Request | Response:  # type: ignore[override]
        try:
            return super().process_response(request, response)
        except IgnoreRequest as exc:
            raise Refused("too_large", "body larger than DOWNLOAD_MAXSIZE once decompressed") from exc
