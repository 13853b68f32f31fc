"""One format for every date the archive stores (`articles.published`, `articles.modified`).

    YYYY-MM-DD              when only the day is known
    YYYY-MM-DDTHH:MM:SSZ    otherwise, in UTC

Whatever a page or dump gives (ISO 8601 with or without an offset, "+0200" offsets,
fractional seconds, a space for the "T", RFC 2822 as in feeds, a dateline's "2024-06-03T14:30")
goes through normalize(). A time without a zone is read in the zone the caller names (a
source's `timezone`, `ingest --timezone`; UTC when none), and the result says so, so that
the date's origin can tell the reader the zone was assumed (see with_zone_note()).

Pure: no Scrapy, no pipelines; the extractors and the migration that rewrites old archives
share it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_ZONE = "UTC"
# plausible(): dates before the web are parse accidents ("0001-01-01" placeholders) ...
EARLIEST = datetime(1995, 1, 1, tzinfo=UTC)
# ... and one day of slack before "future" means wrong
FUTURE_SLACK = timedelta(days=1)

_ISO = re.compile(
    r"^(?P<y>\d{4})-?(?P<mo>\d\d)-?(?P<d>\d\d)"
    r"(?:[T ]\s*(?P<h>\d\d):?(?P<mi>\d\d)(?::?(?P<s>\d\d)(?:[.,]\d+)?)?)?"
    r"\s*(?P<zone>[Zz]|(?:UTC|GMT)?\s*[+-]\d\d(?::?\d\d)?|UTC|GMT)?$"
)
_DATE_PREFIX = re.compile(r"^(\d{4})-?(\d\d)-?(\d\d)")
# RFC 2822 as feeds write it, "Mon, 03 Jun 2024 14:30:00 +0200"; strict, because the email
# parser reads "November 19, 2019, 07:47 PM EST" as 07:47 without a zone
_RFC2822 = re.compile(
    r"^(?:[A-Za-z]{3},\s*)?\d{1,2}\s+[A-Za-z]{3}\s+\d{4}\s+\d\d:\d\d(?::\d\d)?\s*(?:[+-]\d{4}|GMT|UTC?|Z)?$"
)
# JavaScript's Date.toString(): "Tue Nov 19 2019 03:05:46 GMT+0000 (Coordinated Universal Time)"
_JS_DATE = re.compile(
    r"^[A-Za-z]{3}\s+(?P<mon>[A-Za-z]{3})\s+(?P<d>\d{1,2})\s+(?P<y>\d{4})\s+(?P<h>\d\d):(?P<mi>\d\d):(?P<s>\d\d)"
    r"\s+GMT(?P<zone>[+-]\d{4})(?:\s+\(.*\))?$"
)
_MONTHS = {
    name: number
    for number, name in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1
    )
}
_OFFSET = re.compile(r"([+-])(\d\d):?(\d\d)?$")


@dataclass(frozen=True)
class Canonical:
    """A date in the archive's format, and the zone a zoneless time was read in (if one was)."""

    text: str
    assumed_zone: str | None = None

    @property
    def has_time(self) -> bool:
        return "T" in self.text

    def instant(self) -> datetime:
        """The moment (midnight UTC for a bare day), for plausibility checks and comparisons."""
        day = date.fromisoformat(self.text[:10])
        if self.has_time:
            clock = datetime.strptime(self.text[11:19], "%H:%M:%S").time()
            return datetime.combine(day, clock, tzinfo=UTC)
        return datetime(day.year, day.month, day.day, tzinfo=UTC)


@lru_cache(maxsize=64)
def zone_info(name: str) -> ZoneInfo:
    """The IANA zone `name`; ValueError naming it when there is no such zone."""
    if not isinstance(name, str) or not name.strip():
        raise ValueError(f"{name!r} is not an IANA time zone like 'Europe/Paris' or 'UTC'")
    try:
        return ZoneInfo(name.strip())
    except (ZoneInfoNotFoundError, ValueError, OSError) as exc:
        raise ValueError(f"{name!r} is not an IANA time zone like 'Europe/Paris' or 'UTC'") from exc


def is_zone(name: object) -> bool:
    try:
        zone_info(name)  # lru_cache takes any hashable; an unhashable name raises TypeError
    except (ValueError, TypeError):
        return False
    return True


def _offset(text: str) -> timezone:
    if text.upper() in ("Z", "UTC", "GMT"):
        return UTC
    match = _OFFSET.search(text)
    assert match is not None  # the zones _ISO and _JS_DATE capture all end in an offset _OFFSET reads
    sign = -1 if match[1] == "-" else 1
    return timezone(sign * timedelta(hours=int(match[2]), minutes=int(match[3] or 0)))


def _from_string(value: str) -> datetime | date | None:
    text = " ".join(value.split())
    if not text:
        return None
    match = _ISO.match(text)
    if match:
        try:
            if match["h"] is None:
                return date(int(match["y"]), int(match["mo"]), int(match["d"]))
            moment = datetime(
                int(match["y"]),
                int(match["mo"]),
                int(match["d"]),
                int(match["h"]),
                int(match["mi"]),
                int(match["s"] or 0),
            )
        except ValueError:
            return None
        return moment.replace(tzinfo=_offset(match["zone"])) if match["zone"] else moment
    if _RFC2822.match(text):
        try:
            return parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
    js = _JS_DATE.match(text)
    if js and js["mon"].lower() in _MONTHS:
        try:
            moment = datetime(
                int(js["y"]), _MONTHS[js["mon"].lower()], int(js["d"]), int(js["h"]), int(js["mi"]), int(js["s"])
            )
        except ValueError:
            return None
        return moment.replace(tzinfo=_offset(js["zone"]))
    prefix = _DATE_PREFIX.match(text)
    if prefix:
        # a day followed by something unreadable: the day is still known
        try:
            return date(int(prefix[1]), int(prefix[2]), int(prefix[3]))
        except ValueError:
            return None
    return None


def normalize(value: str | datetime | date | None, default_zone: str | None = None) -> Canonical | None:
    """`value` in the archive's format, or None when it is not a date.

    A time without a zone is taken in `default_zone` (UTC when None); the result's
    `assumed_zone` names that zone. Raises ValueError for an unknown `default_zone`."""
    if value is None:
        return None
    if isinstance(value, str):
        parsed = _from_string(value)
    elif isinstance(value, (datetime, date)):
        parsed = value
    else:
        return None
    if parsed is None:
        return None
    if not isinstance(parsed, datetime):
        return Canonical(parsed.isoformat())
    assumed = None
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        assumed = (default_zone or DEFAULT_ZONE).strip()
        parsed = parsed.replace(tzinfo=zone_info(assumed))
    try:
        moment = parsed.astimezone(UTC)
    except (OverflowError, ValueError):
        return None
    return Canonical(f"{moment.date().isoformat()}T{moment:%H:%M:%S}Z", assumed)


def plausible(
    value: str | datetime | date | None, default_zone: str | None = None, now: datetime | None = None
) -> Canonical | None:
    """normalize(), refusing dates no article has: before the web (EARLIEST, the "0001-01-01"
    placeholders) or more than FUTURE_SLACK after `now` (publishers schedule posts, clocks drift).

    The one reader of the dates the HTML extractors find (JSON-LD, <meta>, <time>, the URL, htmldate)."""
    found = normalize(value, default_zone)
    if found is None:
        return None
    moment = found.instant()
    if moment < EARLIEST or moment > (now or datetime.now(UTC)) + FUTURE_SLACK:
        return None
    return found


def canonical(value: str | datetime | date | None, default_zone: str | None = None) -> str | None:
    """normalize()'s text: the one string the archive stores for `value`."""
    result = normalize(value, default_zone)
    return result.text if result else None


def with_zone_note(origin: str, result: Canonical | None) -> str:
    """`origin` with the assumed zone noted: "dateline (no zone given, read as Europe/Paris)".

    The origin's first word stays first, so storage.dedup.best_fields still ranks it."""
    if result is None or result.assumed_zone is None:
        return origin
    return f"{origin} (no zone given, read as {result.assumed_zone})"
