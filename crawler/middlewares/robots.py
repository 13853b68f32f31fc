"""Scrapy's robots.txt middleware, with its refusals tagged so the reject row says "robots"."""

from __future__ import annotations

from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request

from crawler.middlewares.refusals import Refused


class TaggedRobotsTxtMiddleware(RobotsTxtMiddleware):
    # called without the spider argument Scrapy (>= 2.13) deprecates; the base class still declares it
    async def process_request(self, request: Request) -> None:  # type: ignore[override]
        # only the robots.txt check raises IgnoreRequest here: robot_parser() turns a robots.txt
        # that cannot be fetched (refused, offsite, errors) into "no rules"
        try:
            await super().process_request(request)
        except IgnoreRequest as exc:
            raise Refused("robots", "forbidden by the site's robots.txt") from exc
