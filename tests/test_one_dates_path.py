"""One dates path: the finders (JSON-LD, <meta>, <time>, the URL, htmldate, a dump's dateline)
only locate a date; storage.dates reads every one of them."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from pipelines.extractors.dateline import parse_dateline
from pipelines.extractors.metadata import date_from_url, parse_date
from storage.dates import EARLIEST, FUTURE_SLACK, plausible

EXTRACTORS = Path(__file__).resolve().parents[1] / "pipelines" / "extractors"
# what a second date parser would need
_PARSING = re.compile(
    r"(?:import|from) (?:dateutil|dateparser)|strptime\(|fromisoformat\(|parsedate|(?<![.\w])date\(|datetime\(\s*int"
)

NOW = datetime(2024, 6, 3, 12, 0, tzinfo=UTC)


def test_no_extractor_parses_dates_itself():
    offenders = [
        f"{path.name}:{number}: {line.strip()}"
        for path in sorted(EXTRACTORS.glob("*.py"))
        for number, line in enumerate(path.read_text("utf-8").splitlines(), 1)
        if _PARSING.search(line) and not line.lstrip().startswith("#")
    ]
    assert offenders == []


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-06-03T14:30:00+02:00", "2024-06-03T12:30:00Z"),
        ("2024-06-03", "2024-06-03"),
        ("0001-01-01T00:00:00Z", None),  # a CMS placeholder
        ("1994-12-31", None),  # before the web
        ("2024-06-04T11:59:00Z", "2024-06-04T11:59:00Z"),  # within a day of now: scheduled posts, clock drift
        ("2024-06-04T12:01:00Z", None),
        ("not a date", None),
        (None, None),
    ],
)
def test_plausible_is_normalize_without_impossible_dates(value, expected):
    found = plausible(value, None, NOW)
    assert (found.text if found else None) == expected
    assert parse_date(value, NOW) == expected


def test_the_bounds_are_storage_s():
    assert datetime(1995, 1, 1, tzinfo=UTC) == EARLIEST
    assert FUTURE_SLACK.days == 1


def test_a_dateline_day_that_is_no_day_is_refused_by_storage_dates():
    assert parse_dateline("31.02.2021") is None
    assert parse_dateline("2021-13-01") is None
    assert parse_dateline("29.02.2024") == "2024-02-29"
    assert parse_dateline("June 9, 2021 14:32 GMT") == "2021-06-09T14:32Z"


def test_a_url_date_goes_through_the_same_reader():
    assert date_from_url("https://example.com/2021/6/9/story") == "2021-06-09"
    assert date_from_url("https://example.com/2099/06/09/story") is None
