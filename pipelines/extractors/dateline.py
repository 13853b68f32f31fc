"""Dateline line -> ISO date, table-driven.

A dump's dateline is one short line ("Published on June 9, 2021", "13.09.2021 | 09:32",
"9 июня 2021, 14:32"). dateparser would read these too, but it is slow, guesses on
prose and is not a declared dependency; a dump only ever needs a few shapes.
The function refuses lines that carry much more than a date, so a body sentence that
merely mentions a date is never taken for the dateline.
"""

from __future__ import annotations

import logging
import re
from datetime import date, datetime, timezone

logger = logging.getLogger(__name__)

# Month stems per language. Matching by stem covers the nominative and genitive forms
# (июнь/июня, հունիս/հունիսի, ივნისი/ივნისის) without listing every inflection.
_MONTH_STEMS: tuple[tuple[str, int], ...] = (
    # English (full names and 3-letter abbreviations share a stem)
    ("jan", 1), ("feb", 2), ("mar", 3), ("apr", 4), ("may", 5), ("jun", 6),
    ("jul", 7), ("aug", 8), ("sep", 9), ("oct", 10), ("nov", 11), ("dec", 12),
    # Russian
    ("янв", 1), ("фев", 2), ("мар", 3), ("апр", 4), ("мая", 5), ("май", 5), ("июн", 6),
    ("июл", 7), ("авг", 8), ("сен", 9), ("окт", 10), ("ноя", 11), ("дек", 12),
    # Azerbaijani
    ("yanvar", 1), ("fevral", 2), ("mart", 3), ("aprel", 4), ("iyun", 6),
    ("iyul", 7), ("avqust", 8), ("sentyabr", 9), ("oktyabr", 10), ("noyabr", 11), ("dekabr", 12),
    # Armenian
    ("հունվ", 1), ("փետր", 2), ("մարտ", 3), ("ապրիլ", 4), ("մայիս", 5), ("հունիս", 6),
    ("հուլիս", 7), ("օգոստ", 8), ("սեպտ", 9), ("հոկտ", 10), ("նոյեմ", 11), ("դեկտ", 12),
    # Georgian
    ("იანვ", 1), ("თებერვ", 2), ("მარტ", 3), ("აპრილ", 4), ("მაის", 5), ("ივნის", 6),
    ("ივლის", 7), ("აგვისტ", 8), ("სექტემბ", 9), ("ოქტომბ", 10), ("ნოემბ", 11), ("დეკემბ", 12),
)

_MONTH_WORD = r"(?P<mon>[^\W\d_]{3,12}\.?)"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th|-?(?:го|е))?"
_YEAR = r"(?P<year>(?:19|20)\d{2})"
_TIME = re.compile(
    r"(?<!\d)(?P<h>[01]?\d|2[0-3])[:.h](?P<m>[0-5]\d)(?::[0-5]\d)?\s*(?P<ampm>[ap]\.?m\.?)?(?!\d)",
    re.IGNORECASE,
)

# Each pattern yields day/month/year groups; order matters only where shapes overlap.
_DATE_PATTERNS: tuple[re.Pattern[str], ...] = (
    re.compile(r"(?<!\d)(?P<year>(?:19|20)\d{2})-(?P<month>\d{1,2})-(?P<day>\d{1,2})(?:T(?P<h>\d{2}):(?P<m>\d{2}))?"),
    re.compile(r"(?<!\d)(?P<year>(?:19|20)\d{2})/(?P<month>\d{1,2})/(?P<day>\d{1,2})(?!\d)"),
    # 09.06.2021, 9-6-2021, 09/06/2021: day first, as the sites this project reads write it
    re.compile(r"(?<![\d.])(?P<day>\d{1,2})[./-](?P<month>\d{1,2})[./-]" + _YEAR + r"(?!\d)"),
    # June 9, 2021 / Jun 9th 2021
    re.compile(r"(?<!\w)" + _MONTH_WORD + r"\s+" + _DAY + r",?\s+" + _YEAR, re.IGNORECASE),
    # 9 June 2021 / 9 июня 2021 г. / 9 iyun 2021 / 9 ივნისი, 2021
    re.compile(r"(?<!\d)" + _DAY + r"\.?\s+" + _MONTH_WORD + r",?\s+" + _YEAR, re.IGNORECASE),
    # 2021 թ. հունիսի 9 (Armenian) / 2021 წლის 9 ივნისი (Georgian)
    re.compile(_YEAR + r"\s*(?:թ\.?|წლის)?\s+" + _MONTH_WORD + r"\s+" + _DAY + r"(?!\d)", re.IGNORECASE),
    re.compile(_YEAR + r"\s*(?:წლის)\s+" + _DAY + r"\s+" + _MONTH_WORD, re.IGNORECASE),
)

# Words a dateline may carry besides the date itself. Anything else left over beyond
# _MAX_LEFTOVER characters means the line is prose, not a dateline.
_FILLER = re.compile(
    r"\b(?:published|posted|updated|last updated|modified|created|date|on|at|by|am|pm|utc|gmt|"
    r"mon(?:day)?|tue(?:sday)?|wed(?:nesday)?|thu(?:rsday)?|fri(?:day)?|sat(?:urday)?|sun(?:day)?|"
    r"опубликовано|обновлено|дата|публикации|в|г|года|"
    r"понедельник|вторник|среда|четверг|пятница|суббота|воскресенье|"
    r"dərc|edilib|olunub|yenilənib|tarix|saat|il|"
    r"հրապարակվել|է|թ|ժ|"
    r"გამოქვეყნდა|განახლდა|წლის|წ)\b",
    re.IGNORECASE,
)
_MAX_LEFTOVER = 40
_MAX_LINE = 120


def _month_number(word: str) -> int | None:
    word = word.casefold().rstrip(".")
    for stem, number in _MONTH_STEMS:
        if word.startswith(stem):
            return number
    return None


def _today() -> date:
    return datetime.now(timezone.utc).date()


def parse_dateline(line: str) -> str | None:
    """ISO `YYYY-MM-DD` (or `YYYY-MM-DDTHH:MM` when a time is given) if `line` is a dateline."""
    text = " ".join(line.replace("\u00a0", " ").split())
    if not text or len(text) > _MAX_LINE:
        return None
    for pattern in _DATE_PATTERNS:
        match = pattern.search(text)
        if match is None:
            continue
        groups = match.groupdict()
        month = int(groups["month"]) if groups.get("month") else _month_number(groups.get("mon") or "")
        if month is None:
            continue
        try:
            found = date(int(groups["year"]), month, int(groups["day"]))
        except ValueError:
            continue
        if found > _today():
            logger.debug("dateline %r is in the future, ignored", text)
            return None
        rest = text[: match.start()] + " " + text[match.end():]
        hour_min = None
        if groups.get("h"):
            hour_min = (int(groups["h"]), int(groups["m"]))
        else:
            time_match = _TIME.search(rest)
            if time_match:
                hour, minute = int(time_match["h"]), int(time_match["m"])
                ampm = (time_match["ampm"] or "").lower().replace(".", "")
                if ampm == "pm" and hour < 12:
                    hour += 12
                elif ampm == "am" and hour == 12:
                    hour = 0
                if hour < 24:
                    hour_min = (hour, minute)
                rest = rest[: time_match.start()] + " " + rest[time_match.end():]
        leftover = re.sub(r"[\W\d_]+", " ", _FILLER.sub(" ", rest)).strip()
        if len(leftover) > _MAX_LEFTOVER:
            return None
        if hour_min is None:
            return found.isoformat()
        return f"{found.isoformat()}T{hour_min[0]:02d}:{hour_min[1]:02d}"
    return None
