"""Every use of another library's internals, in one place.

Each use is one `PrivateUse` in USES below: what is used, where, why no public API does it,
the version it was checked on, and a check of whether it still holds on the installed
version. tests/test_private_apis.py runs every check and fails naming the API and the
installed version. The code that needs an internal calls the small accessor here instead
of reaching in itself; an accessor whose internal is gone logs one WARNING and lets the
caller fall back (a slower or less tidy road, never a wrong one).

Public APIs used instead of internals, for the record: scrapy.downloadermiddlewares.retry.
get_retry_request (not RetryMiddleware._retry), RobotsTxtMiddleware.process_request (not
its process_request_2), a bare NotConfigured for a disabled extension (Scrapy logs only
those with a message).

No Scrapy, APScheduler or trafilatura import at module level: pipelines/extractors import
this module and must run without Scrapy. storage/ never uses it (storage knows no Scrapy).
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import inspect
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # for annotations only: each accessor imports its library where it uses it
    from lxml import etree

logger = logging.getLogger(__name__)

_warned: set[str] = set()


def warn_once(key: str, message: str, *args: object) -> None:
    """A WARNING the first time `key` is seen in this process, nothing after."""
    if key not in _warned:
        _warned.add(key)
        logger.warning(message, *args)


@dataclass(frozen=True)
class PrivateUse:
    name: str  # what is used, as the library spells it
    distribution: str  # the installed distribution it belongs to
    checked_on: str  # the version it was written and checked against
    used_in: str
    why: str  # why no public API does it
    check: Callable[[], str | None]  # None while it applies; otherwise what changed

    def installed(self) -> str:
        try:
            return importlib.metadata.version(self.distribution)
        except importlib.metadata.PackageNotFoundError:
            return "not installed"

    def problem(self) -> str | None:
        try:
            return self.check()
        except Exception as exc:  # a check that cannot even run is a change too
            return f"{type(exc).__name__}: {exc}"


# ---------------------------------------------------------------------------------------
# Scrapy: the scraper slot of the running spider (crawler.engine.scraper.slot)


def _scraper_slot(crawler: object) -> Any:
    return getattr(getattr(getattr(crawler, "engine", None), "scraper", None), "slot", None)


def items_in_pipelines(crawler: object) -> int | None:
    """Items the item pipelines are processing now (Scraper.slot.itemproc_size); None while
    the spider has no scraper slot (not open yet, or closed)."""
    slot = _scraper_slot(crawler)
    if slot is None:
        return None
    size: int | None = getattr(slot, "itemproc_size", None)
    if size is None:
        warn_once("itemproc_size", "Scrapy's scraper slot has no itemproc_size any more: reading ahead is not bounded")
    return size


def close_idle_scraper(crawler: object) -> bool:
    """Close a closing scraper that is idle but was never told (Scraper._check_if_closing()).
    True if it was closed now."""
    scraper = getattr(getattr(crawler, "engine", None), "scraper", None)
    slot = getattr(scraper, "slot", None)
    closing = getattr(slot, "closing", None)
    if slot is None or closing is None or closing.called or not slot.is_idle():
        return False
    check_if_closing = getattr(scraper, "_check_if_closing", None)
    if check_if_closing is None:
        warn_once("_check_if_closing", "Scrapy's Scraper has no _check_if_closing any more: a stuck close is not ended")
        return False
    check_if_closing()
    return True


def _check_itemproc_size() -> str | None:
    from scrapy.core.scraper import Slot

    slot = Slot()
    if not isinstance(getattr(slot, "itemproc_size", None), int):
        return "scrapy.core.scraper.Slot has no int itemproc_size"
    if "itemproc_size" not in inspect.getsource(Slot.is_idle):
        return "Slot.is_idle() no longer counts itemproc_size"
    return None


def _check_if_closing() -> str | None:
    from scrapy.core.scraper import Scraper, Slot

    if not callable(getattr(Scraper, "_check_if_closing", None)):
        return "scrapy.core.scraper.Scraper has no _check_if_closing()"
    source = inspect.getsource(Scraper._check_if_closing)
    if "closing.callback" not in source or "is_idle" not in source:
        return "Scraper._check_if_closing() no longer fires slot.closing once the slot is idle"
    if not hasattr(Slot(), "closing") or not callable(getattr(Slot, "is_idle", None)):
        return "scrapy.core.scraper.Slot has no closing / is_idle()"
    return None


# ---------------------------------------------------------------------------------------
# APScheduler: the scheduler loop's pass over due jobs (BaseScheduler._process_jobs)


class NoPassAfterShutdown:
    """Mixin for an APScheduler 3 scheduler class, before it in the bases: a loop woken by
    shutdown() makes no last pass over the due jobs (BaseScheduler._process_jobs), which would
    submit them to the executor just shut down (an error per job) and move their next run
    times on in the job store, losing the run a restart should make."""

    # BaseScheduler's, set by the scheduler class this mixin goes before
    state: int

    def _process_jobs(self) -> float | None:
        from apscheduler.schedulers.base import STATE_STOPPED

        if self.state == STATE_STOPPED:
            return None
        wait: float | None = super()._process_jobs()  # type: ignore[misc]  # BaseScheduler's, next in the MRO of the class using this mixin
        return wait


def _check_process_jobs() -> str | None:
    from apscheduler.schedulers.background import BackgroundScheduler
    from apscheduler.schedulers.base import STATE_STOPPED, BaseScheduler

    if not callable(getattr(BaseScheduler, "_process_jobs", None)):
        return "apscheduler.schedulers.base.BaseScheduler has no _process_jobs()"
    loop = inspect.getsource(BackgroundScheduler._main_loop)
    if "self._process_jobs()" not in loop or "STATE_STOPPED" not in loop:
        return "BackgroundScheduler._main_loop() no longer calls _process_jobs() until the state is STATE_STOPPED"
    if not isinstance(STATE_STOPPED, int):
        return "apscheduler.schedulers.base.STATE_STOPPED is gone"
    return None


# ---------------------------------------------------------------------------------------
# trafilatura: its XPath expression lists (trafilatura.xpaths), patched in place


def trafilatura_xpath_list(name: str) -> list[Any] | None:
    """trafilatura's list of compiled expressions called `name`, the very list its extractors
    iterate (so a change in place is seen by all of them); None, with one WARNING, if gone."""
    from trafilatura import xpaths

    expressions = getattr(xpaths, name, None)
    if not isinstance(expressions, list):
        warn_once(f"xpaths.{name}", "trafilatura has no expression list %s any more: its twins are not used", name)
        return None
    return expressions


def expression_hash(source: str) -> str:
    return hashlib.sha256(source.encode("utf-8")).hexdigest()


def _check_xpath_lists() -> str | None:
    import trafilatura
    from trafilatura import xpaths

    from pipelines.extractors.xpath_twins import TWINS, Twin

    consumers = [getattr(trafilatura, name) for name in ("core", "external", "main_extractor", "metadata")]
    for list_name, index, expected, _ in TWINS:
        expressions = getattr(xpaths, list_name, None)
        if not isinstance(expressions, list) or index >= len(expressions):
            return f"trafilatura.xpaths.{list_name}[{index}] is gone"
        current = expressions[index]
        source = (current.xpath if isinstance(current, Twin) else current).path
        if expression_hash(source) != expected:
            return f"trafilatura.xpaths.{list_name}[{index}] changed (the twin must be re-checked against it)"
        for module in consumers:
            if hasattr(module, list_name) and getattr(module, list_name) is not expressions:
                return f"{module.__name__}.{list_name} is a copy, not trafilatura.xpaths' list: a twin put there is not seen"
    return None


# ---------------------------------------------------------------------------------------
# trafilatura + lxml: the parser load_html uses (trafilatura.utils.HTML_PARSER) and its
# element class lookup


def trafilatura_html_parser() -> etree.HTMLParser | None:
    """The lxml HTMLParser trafilatura's load_html parses with; None, with one WARNING, if gone."""
    from lxml import etree
    from trafilatura import utils

    parser = getattr(utils, "HTML_PARSER", None)
    if not isinstance(parser, etree.HTMLParser):
        warn_once("HTML_PARSER", "trafilatura has no HTML_PARSER any more: elements keep lxml.html's classes")
        return None
    return parser


def _check_html_parser() -> str | None:
    from lxml import etree
    from lxml.html import HtmlElement
    from trafilatura import utils

    from pipelines.extractors import element_classes

    parser = getattr(utils, "HTML_PARSER", None)
    if not isinstance(parser, etree.HTMLParser):
        return "trafilatura.utils.HTML_PARSER is not an lxml HTMLParser"

    class Probe(HtmlElement):  # type: ignore[misc]  # lxml ships no type hints: HtmlElement is Any here
        pass

    def form_class() -> type:
        tree = utils.load_html("<html><body><form id='f'><p>text</p></form></body></html>")
        if tree is None:
            raise ValueError("trafilatura.utils.load_html() parsed nothing")
        return type(tree.find(".//form"))

    plain_before = form_class() is HtmlElement
    parser.set_element_class_lookup(etree.ElementDefaultClassLookup(element=Probe))
    try:
        probed = form_class()
    finally:
        if plain_before:
            element_classes.use_plain_element_classes()
        else:
            element_classes.use_lxml_element_classes()
    if probed is not Probe:
        return "trafilatura.utils.load_html() no longer parses with HTML_PARSER (its class lookup is ignored)"
    return None


USES: list[PrivateUse] = [
    PrivateUse(
        name="scrapy.core.scraper.Slot.itemproc_size (crawler.engine.scraper.slot)",
        distribution="Scrapy",
        checked_on="2.19.0",
        used_in="crawler/spiders/files.py FilesSpider._wait_for_room",
        why="Scrapy has no public count of the items in the pipelines; counting item_scraped/"
        "dropped/error signals against the items yielded would wait for ever on items the engine "
        "drops once the spider closes",
        check=_check_itemproc_size,
    ),
    PrivateUse(
        name="scrapy.core.scraper.Scraper._check_if_closing (and Slot.closing, Slot.is_idle)",
        distribution="Scrapy",
        checked_on="2.19.0",
        used_in="pipelines/store.py _finish_stuck_close",
        why="works around scrapy/scrapy#7029 (an item yielded by start() never re-checks a closing "
        "scraper); the fix proposed upstream, scrapy/scrapy#7718, adds this very call",
        check=_check_if_closing,
    ),
    PrivateUse(
        name="apscheduler.schedulers.base.BaseScheduler._process_jobs",
        distribution="APScheduler",
        checked_on="3.11.3",
        used_in="crawler/scheduler.py Scheduler (through NoPassAfterShutdown)",
        why="APScheduler 3 has no public way to skip the last pass its loop makes when shutdown() wakes it",
        check=_check_process_jobs,
    ),
    PrivateUse(
        name="trafilatura.xpaths expression lists (patched in place)",
        distribution="trafilatura",
        checked_on="2.3.1",
        used_in="pipelines/extractors/xpath_twins.py install/uninstall",
        why="trafilatura takes no expressions as arguments: its extractors iterate these module lists",
        check=_check_xpath_lists,
    ),
    PrivateUse(
        name="trafilatura.utils.HTML_PARSER (its lxml element class lookup)",
        distribution="trafilatura",
        checked_on="2.3.1 (lxml 6.1.3)",
        used_in="pipelines/extractors/element_classes.py",
        why="load_html takes no parser argument; set_element_class_lookup is lxml's public API, "
        "the parser object is trafilatura's module global",
        check=_check_html_parser,
    ),
]
