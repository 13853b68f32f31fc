"""News sources from config/sources.toml, validated once on load.

The file's shape is a contract (scripts outside the code base write it):

    [sources.NAME]
    start_urls = [...]   pages whose links are followed
    feeds      = [...]   RSS / Atom feeds
    sitemaps   = [...]   sitemaps, sitemap indexes, Google News sitemaps, or a site's
                         robots.txt (its Sitemap: lines are followed)
    allow      = [...]   regexes (searched in the full URL) of article pages
    deny       = [...]   regexes of URLs never fetched
    every      = "30m"   or schedule = "*/30 * * * *" (5-field cron), not both
    max_pages  = 500     pages fetched per run, navigation pages included
    language   = "en"
    timezone   = "Europe/Paris"   IANA zone of the site's dates that give no zone (default:
                                  NEWSMILL_TIMEZONE, UTC)
    revisit    = "never" | "always" | "24h"   re-fetch stored articles? (default never)

Every error names the source and the key, so a typo costs one line to find.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

DEFAULT_MAX_PAGES = 500
NEVER = "never"
ALWAYS = "always"

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhdw])\s*$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
_URL_LISTS = ("start_urls", "feeds", "sitemaps")


class SourceError(ValueError):
    """A sources file that cannot be used as written."""


@dataclass(frozen=True)
class Source:
    name: str
    start_urls: tuple[str, ...] = ()
    feeds: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    allow: tuple[re.Pattern[str], ...] = ()
    deny: tuple[re.Pattern[str], ...] = ()
    every: int | None = None  # seconds between runs
    schedule: str | None = None  # 5-field cron
    max_pages: int = DEFAULT_MAX_PAGES
    language: str | None = None
    # IANA zone of dates the site gives without one (None: NEWSMILL_TIMEZONE)
    timezone: str | None = None
    # None: never re-fetch a stored URL; 0: always; N: when last seen more than N seconds ago
    revisit_after: int | None = None
    hosts: frozenset[str] = field(default_factory=frozenset)

    def is_denied(self, url: str) -> bool:
        return any(pattern.search(url) for pattern in self.deny)

    def is_article(self, url: str) -> bool:
        """With no allow rules, every page the spider reaches is a candidate article."""
        if self.is_denied(url):
            return False
        return not self.allow or any(pattern.search(url) for pattern in self.allow)

    @property
    def entry_urls(self) -> tuple[str, ...]:
        return self.start_urls + self.feeds + self.sitemaps


def load_sources(path: str | Path) -> dict[str, Source]:
    path = Path(path)
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError as exc:
        raise SourceError(f"{path}: no such sources file") from exc
    except tomllib.TOMLDecodeError as exc:
        raise SourceError(f"{path}: not valid TOML: {exc}") from exc
    return parse_sources(data, origin=str(path))


def parse_sources(data: dict[str, Any], origin: str = "sources") -> dict[str, Source]:
    unknown = set(data) - {"sources"}
    if unknown:
        raise SourceError(
            f"{origin}: unknown top-level key(s) {', '.join(sorted(unknown))}; expected [sources.NAME] tables"
        )
    tables = data.get("sources", {})
    if not isinstance(tables, dict):
        raise SourceError(f"{origin}: 'sources' must be a table of [sources.NAME] tables")
    return {name: parse_source(name, table, origin) for name, table in tables.items()}


def parse_source(name: str, table: dict[str, Any], origin: str = "sources") -> Source:
    where = f"{origin}: source {name!r}"
    if not _NAME.match(name):
        raise SourceError(f"{where}: name may hold only letters, digits, '.', '_' and '-'")
    if not isinstance(table, dict):
        raise SourceError(f"{where}: must be a table")
    known = {
        "start_urls",
        "feeds",
        "sitemaps",
        "allow",
        "deny",
        "every",
        "schedule",
        "max_pages",
        "language",
        "timezone",
        "revisit",
    }
    unknown = sorted(set(table) - known)
    if unknown:
        raise SourceError(f"{where}: unknown key {unknown[0]!r} (known: {', '.join(sorted(known))})")

    urls = {key: _url_list(table, key, where) for key in _URL_LISTS}
    if not any(urls.values()):
        raise SourceError(f"{where}: needs at least one of start_urls, feeds, sitemaps")
    if "every" in table and "schedule" in table:
        raise SourceError(f"{where}: key 'schedule': give either 'every' or 'schedule', not both")
    # _url_list refused every URL without a host
    hosts = frozenset(host for values in urls.values() for url in values if (host := urlsplit(url).hostname))
    return Source(
        name=name,
        start_urls=urls["start_urls"],
        feeds=urls["feeds"],
        sitemaps=urls["sitemaps"],
        allow=_patterns(table, "allow", where),
        deny=_patterns(table, "deny", where),
        every=parse_duration(table["every"], f"{where}: key 'every'") if "every" in table else None,
        schedule=_cron(table["schedule"], where) if "schedule" in table else None,
        max_pages=_max_pages(table, where),
        language=_language(table, where),
        timezone=_timezone(table, where),
        revisit_after=_revisit(table.get("revisit", NEVER), where),
        hosts=hosts,
    )


def parse_duration(value: object, where: str) -> int:
    """'90s', '30m', '1.5h', '2d', '1w' -> seconds."""
    match = _DURATION.match(value) if isinstance(value, str) else None
    if not match:
        raise SourceError(f"{where}: {value!r} is not a duration like '45s', '30m', '6h', '1d' or '1w'")
    seconds = float(match.group(1)) * _UNIT_SECONDS[match.group(2)]
    if seconds < 1:
        raise SourceError(f"{where}: {value!r} is shorter than one second")
    return int(seconds)


def _url_list(table: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
    values = _string_list(table, key, where)
    for url in values:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise SourceError(f"{where}: key {key!r}: {url!r} is not an http(s) URL")
    return values


def _string_list(table: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = table.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(item, str) and item.strip() for item in value):
        raise SourceError(f"{where}: key {key!r} must be a list of non-empty strings")
    return tuple(item.strip() for item in value)


def _patterns(table: dict[str, Any], key: str, where: str) -> tuple[re.Pattern[str], ...]:
    compiled = []
    for pattern in _string_list(table, key, where):
        try:
            compiled.append(re.compile(pattern))
        except re.error as exc:
            raise SourceError(f"{where}: key {key!r}: bad regex {pattern!r}: {exc}") from exc
    return tuple(compiled)


def _cron(value: object, where: str) -> str:
    from apscheduler.triggers.cron import CronTrigger

    if not isinstance(value, str) or len(value.split()) != 5:
        raise SourceError(f"{where}: key 'schedule': {value!r} is not a 5-field cron expression like '*/30 * * * *'")
    try:
        CronTrigger.from_crontab(value, timezone="UTC")
    except ValueError as exc:
        raise SourceError(f"{where}: key 'schedule': {value!r}: {exc}") from exc
    return value


def _max_pages(table: dict[str, Any], where: str) -> int:
    value = table.get("max_pages", DEFAULT_MAX_PAGES)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise SourceError(f"{where}: key 'max_pages' must be a positive integer, not {value!r}")
    return value


def _language(table: dict[str, Any], where: str) -> str | None:
    value = table.get("language")
    if value is not None and not (
        isinstance(value, str) and re.fullmatch(r"[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*", value)
    ):
        raise SourceError(f"{where}: key 'language' must be a language code like 'en' or 'pt-BR', not {value!r}")
    return value


def _timezone(table: dict[str, Any], where: str) -> str | None:
    from storage.dates import is_zone

    value = table.get("timezone")
    if value is not None and not (isinstance(value, str) and is_zone(value)):
        raise SourceError(
            f"{where}: key 'timezone' must be an IANA time zone like 'Europe/Paris' or 'UTC', not {value!r}"
        )
    return value.strip() if value is not None else None


def _revisit(value: object, where: str) -> int | None:
    if value == NEVER:
        return None
    if value == ALWAYS:
        return 0
    return parse_duration(value, f"{where}: key 'revisit' ('never', 'always' or a duration)")
