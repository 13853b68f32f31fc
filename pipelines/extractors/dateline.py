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
import unicodedata
from datetime import UTC, date, datetime

from storage.dates import normalize

logger = logging.getLogger(__name__)

# Month names of the Latin-script languages, written folded (no case, no accents, Turkish ı
# as i) and matched as whole words the same way: a stem would take Spanish "martes" (Tuesday) or
# French "mardi" for "mar"(ch). Abbreviations are listed where they do not collide with
# another language's month; the ones that do ("mar", "mai", "may") mean the same month in
# every language that uses them.
_MONTH_WORDS: dict[str, int] = {}
for _number, _names in enumerate(
    (
        # English, French, German, Spanish, Turkish, Azerbaijani; abbreviations after the names
        "january jan janvier janv januar janner jaenner enero ene ocak oca yanvar",
        "february feb febr fevrier fevr fev februar febrero subat sub fevral",
        "march mar mars marz maerz marzo mart",
        "april apr avril avr abril abr nisan nis aprel",
        "may mai mayo mayis",
        "june jun juin juni junio haziran haz iyun",
        "july jul juillet juil juli julio temmuz tem iyul",
        "august aug aout agosto ago agustos agu avqust",
        "september sep sept septembre septiembre setiembre eylul eyl sentyabr",
        "october oct octobre oktober okt octubre ekim eki oktyabr",
        "november nov novembre noviembre kasim kas noyabr",
        "december dec decembre dezember dez diciembre dic aralik ara dekabr",
    ),
    start=1,
):
    for _name in _names.split():
        _MONTH_WORDS[_name] = _number

# Month stems of the inflecting languages in their own scripts (no collisions across
# scripts). A stem covers the nominative and genitive forms (июнь/июня, հունիս/հունիսի,
# ივნისი/ივნისის) without listing every inflection.
_MONTH_STEMS: tuple[tuple[str, int], ...] = (
    # Russian
    ("янв", 1),
    ("фев", 2),
    ("мар", 3),
    ("апр", 4),
    ("мая", 5),
    ("май", 5),
    ("июн", 6),
    ("июл", 7),
    ("авг", 8),
    ("сен", 9),
    ("окт", 10),
    ("ноя", 11),
    ("дек", 12),
    # Azerbaijani (its Latin names are whole words above; these are their inflected forms)
    ("yanvar", 1),
    ("fevral", 2),
    ("aprel", 4),
    ("iyun", 6),
    ("iyul", 7),
    ("avqust", 8),
    ("sentyabr", 9),
    ("oktyabr", 10),
    ("noyabr", 11),
    ("dekabr", 12),
    # Armenian
    ("հունվ", 1),
    ("փետր", 2),
    ("մարտ", 3),
    ("ապրիլ", 4),
    ("մայիս", 5),
    ("հունիս", 6),
    ("հուլիս", 7),
    ("օգոստ", 8),
    ("սեպտ", 9),
    ("հոկտ", 10),
    ("նոյեմ", 11),
    ("դեկտ", 12),
    # Georgian
    ("იანვ", 1),
    ("თებერვ", 2),
    ("მარტ", 3),
    ("აპრილ", 4),
    ("მაის", 5),
    ("ივნის", 6),
    ("ივლის", 7),
    ("აგვისტ", 8),
    ("სექტემბ", 9),
    ("ოქტომბ", 10),
    ("ნოემბ", 11),
    ("დეკემბ", 12),
)

_MONTH_WORD = r"(?P<mon>[^\W\d_]{3,12}\.?)"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th|er|-?(?:го|е))?"
_YEAR = r"(?P<year>(?:19|20)\d{2})"
_TIME = re.compile(
    r"(?<!\d)(?P<h>[01]?\d|2[0-3])[:.h](?P<m>[0-5]\d)(?::[0-5]\d)?\s*(?P<ampm>[ap]\.?m\.?)?(?!\d)",
    re.IGNORECASE,
)

# Each pattern yields day/month/year groups; order matters only where shapes overlap.
_DATE_PATTERNS: tuple[re.Pattern[str], ...] = (
    re.compile(
        r"(?<!\d)(?P<year>(?:19|20)\d{2})-(?P<month>\d{1,2})-(?P<day>\d{1,2})"
        r"(?:T(?P<h>\d{2}):(?P<m>\d{2})(?::\d{2}(?:\.\d+)?)?(?P<iso_zone>Z|[+-]\d\d:?\d\d)?)?"
    ),
    re.compile(r"(?<!\d)(?P<year>(?:19|20)\d{2})/(?P<month>\d{1,2})/(?P<day>\d{1,2})(?!\d)"),
    # 09.06.2021, 9-6-2021, 09/06/2021: day first, as the sites this project reads write it
    re.compile(r"(?<![\d.])(?P<day>\d{1,2})[./-](?P<month>\d{1,2})[./-]" + _YEAR + r"(?!\d)"),
    # June 9, 2021 / Jun 9th 2021
    re.compile(r"(?<!\w)" + _MONTH_WORD + r"\s+" + _DAY + r",?\s+" + _YEAR, re.IGNORECASE),
    # 9 June 2021 / 9 июня 2021 г. / 9 iyun 2021 / 9 ივნისი, 2021 / 3. Juni 2024 / 3 de junio de 2024
    re.compile(r"(?<!\d)" + _DAY + r"\.?\s+(?:de\s+)?" + _MONTH_WORD + r",?\s+(?:del?\s+)?" + _YEAR, re.IGNORECASE),
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
    r"dərc|edilib|olunub|yenilənib|yeniləndi|tarix|tarixi|saat|il|"
    r"bazar|ertəsi|çərşənbə|axşamı|cümə|şənbə|"
    r"publié|publiée|publie|le|mis|mise|à|jour|modifié|par|"
    r"lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|"
    r"veröffentlicht|aktualisiert|zuletzt|am|um|uhr|stand|von|"
    r"montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag|"
    r"publicado|publicada|actualizado|actualizada|el|a|las|de|del|hrs|horas|"
    r"lunes|martes|miércoles|jueves|viernes|sábado|domingo|"
    r"yayınlanma|yayınlandı|yayın|güncellendi|güncelleme|son|"
    r"pazartesi|salı|çarşamba|perşembe|cuma|cumartesi|pazar|"
    r"հրապարակվել|է|թ|ժ|"
    r"გამოქვეყნდა|განახლდა|წლის|წ)\b",
    re.IGNORECASE,
)
_MAX_LEFTOVER = 40
_MAX_LINE = 120


# a time zone the dateline states: "14:32 GMT", "UTC+4", "GMT+04:00"
_ZONE = re.compile(
    r"(?<!\w)(?:UTC|GMT)(?:\s*(?P<sign>[+-])\s*(?P<oh>\d{1,2})(?::?(?P<om>\d\d))?)?(?!\w)", re.IGNORECASE
)


def _fold(word: str) -> str:
    """Case and accents folded, Turkish dotless ı as i: "Mayıs", "MAYIS" and "mayis" are one word."""
    folded = unicodedata.normalize("NFKD", word.casefold().replace("ı", "i"))
    return "".join(char for char in folded if not unicodedata.combining(char))


def _month_number(word: str) -> int | None:
    word = word.casefold().rstrip(".")
    number = _MONTH_WORDS.get(_fold(word))
    if number is not None:
        return number
    for stem, number in _MONTH_STEMS:
        if word.startswith(stem):
            return number
    return None


def _zone_suffix(text: str) -> str | None:
    """ "Z" or "+04:00" when the dateline states its zone, else None (local time)."""
    match = _ZONE.search(text)
    if match is None:
        return None
    if not match["sign"]:
        return "Z"
    hours, minutes = int(match["oh"]), int(match["om"] or 0)
    if hours > 14 or minutes > 59:
        return None
    return "Z" if hours == minutes == 0 else f"{match['sign']}{hours:02d}:{minutes:02d}"


def _iso_zone(value: str | None) -> str | None:
    if not value:
        return None
    if value == "Z":
        return "Z"
    return f"{value[:3]}:{value[-2:]}"


def _today() -> date:
    return datetime.now(UTC).date()


def parse_dateline(line: str) -> str | None:
    """ISO `YYYY-MM-DD` if `line` is a dateline; `YYYY-MM-DDTHH:MM` when it gives a time, local
    to the site unless the line states a zone (`...T14:32Z`, `...T14:32+04:00`).

    The caller turns it into the archive's format with the source's zone (storage.dates)."""
    text = " ".join(line.replace("\u00a0", " ").split())
    if not text or len(text) > _MAX_LINE:
        return None
    for match in (found for pattern in _DATE_PATTERNS for found in pattern.finditer(text)):
        groups = match.groupdict()
        month = int(groups["month"]) if groups.get("month") else _month_number(groups.get("mon") or "")
        if month is None:
            continue
        # the finder only reads the numbers; storage.dates says whether they are a day
        day = normalize(f"{int(groups['year']):04d}-{month:02d}-{int(groups['day']):02d}")
        if day is None:
            continue
        if day.text > _today().isoformat():
            logger.debug("dateline %r is in the future, ignored", text)
            return None
        rest = text[: match.start()] + " " + text[match.end() :]
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
                rest = rest[: time_match.start()] + " " + rest[time_match.end() :]
        zone = None
        if hour_min is not None:
            zone = _iso_zone(groups.get("iso_zone")) or _zone_suffix(rest)
        leftover = re.sub(r"[\W\d_]+", " ", _FILLER.sub(" ", _ZONE.sub(" ", rest))).strip()
        if len(leftover) > _MAX_LEFTOVER:
            return None
        if hour_min is None:
            return day.text
        return f"{day.text}T{hour_min[0]:02d}:{hour_min[1]:02d}{zone or ''}"
    return None


# A dateline that gives the last change rather than the publication ("Updated: ...").
_UPDATED = re.compile(
    r"^[\W_]*(?:last\s+)?(?:updated|modified|обновлено|изменено|yenilənib|yeniləndi|"
    r"mis\s+à\s+jour|mise\s+à\s+jour|modifié|(?:zuletzt\s+)?aktualisiert|actualizado|actualizada|"
    r"güncellendi|güncelleme|განახლდა)(?!\w)",
    re.IGNORECASE,
)


def is_update_line(line: str) -> bool:
    """True for "Updated: 9 June 2021", "Mis à jour le 4 juin 2024", "Обновлено: ..."."""
    return bool(_UPDATED.match(line))
