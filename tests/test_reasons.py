"""One base for every skip and refusal: each carries a code and a one-line reason."""

from __future__ import annotations

from scrapy.exceptions import DropItem, IgnoreRequest

from crawler.loaders.discover import Skipped
from crawler.loaders.read import ReadRefused
from crawler.middlewares.refusals import Refused
from crawler.spiders.news_feeds import NotAFeed
from pipelines.extractors.encoding import Undecodable
from pipelines.reasons import Refusal
from pipelines.rejects import ExtractionFailed, Rejected


def _subclasses(cls: type) -> list[type]:
    found = []
    for sub in cls.__subclasses__():
        found += [sub, *_subclasses(sub)]
    return found


def test_every_refusal_carries_code_and_reason():
    for refusal, code in [
        (Rejected("too_short", "why"), "too_short"),
        (ExtractionFailed("why"), "extract_error"),
        (Undecodable("binary", "why"), "binary"),
        (ReadRefused("changed", "why"), "changed"),
        (Refused("robots", "why"), "robots"),
        (NotAFeed("why"), "not_a_feed"),
        (NotAFeed("why", "not_a_sitemap"), "not_a_sitemap"),
        (Skipped("a.txt", "empty", "why"), "empty"),
    ]:
        assert isinstance(refusal, Refusal), type(refusal)
        assert (refusal.code, refusal.reason, str(refusal)) == (code, "why", "why")


def test_the_library_exceptions_stay_what_scrapy_needs():
    assert isinstance(Rejected("empty", "why"), DropItem)
    assert Rejected("empty", "why").log_level == "WARNING"
    assert ExtractionFailed("why").log_level == "ERROR"
    assert isinstance(Refused("robots", "why"), IgnoreRequest)
    assert isinstance(Undecodable("binary", "why"), ValueError) and isinstance(NotAFeed("why"), ValueError)


def test_no_two_refusals_share_a_name():
    names = [cls.__name__ for cls in _subclasses(Refusal)]
    assert len(names) == len(set(names)), names


def test_a_skip_is_a_value():
    assert Skipped("a.txt", "empty", "why") == Skipped("a.txt", "empty", "why")
    assert len({Skipped("a.txt", "empty", "why"), Skipped("a.txt", "empty", "why")}) == 1
    assert Skipped("a.txt", "empty", "why") != Skipped("b.txt", "empty", "why")
