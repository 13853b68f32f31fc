"""Scrapy's robots.txt middleware, with its refusals tagged so the reject row says "robots"."""

from __future__ import annotations

from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest

from crawler.middlewares.refusals import Refused


class TaggedRobotsTxtMiddleware(RobotsTxtMiddleware):
    def process_request_2(self, rp, request) -> None:
        try:
            super().process_request_2(rp, request)
        except IgnoreRequest as exc:
            raise Refused("robots", "forbidden by the site's robots.txt") from exc
