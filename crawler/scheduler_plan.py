"""When each source runs: its APScheduler trigger, and whether a run is due now.

`every` becomes an IntervalTrigger, a cron `schedule` a CronTrigger (UTC, like every date in
the archive). "Due" is what `newsmill schedule --once` and a freshly added job use: the source
never ran, or its interval has passed since its last run started, or the cron expression had a
firing time since then.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from crawler.sources import Source

# A source with neither `every` nor `schedule` is still crawled by the scheduler, once a day.
DEFAULT_EVERY_SECONDS = 86_400
# A timer firing with the source's own period (cron every 30 min for `every = "30m"`) lands a
# little less than one period after the last start; without slack every other run is skipped.
DUE_SLACK_FRACTION = 0.05
DUE_SLACK_MAX_SECONDS = 60


def trigger_for(source: Source) -> BaseTrigger:
    if source.schedule:
        return CronTrigger.from_crontab(source.schedule, timezone=UTC)
    return IntervalTrigger(seconds=source.every or DEFAULT_EVERY_SECONDS, timezone=UTC)


def describe(source: Source) -> str:
    if source.schedule:
        return f"cron {source.schedule}"
    return f"every {_duration(source.every or DEFAULT_EVERY_SECONDS)}"


def is_due(source: Source, last_started: datetime | None, now: datetime) -> bool:
    if last_started is None:
        return True
    if source.schedule:
        fire = trigger_for(source).get_next_fire_time(None, last_started + timedelta(seconds=1))
        return fire is not None and fire <= now
    every = source.every or DEFAULT_EVERY_SECONDS
    slack = min(every * DUE_SLACK_FRACTION, DUE_SLACK_MAX_SECONDS)
    return (now - last_started).total_seconds() >= every - slack


def next_due(source: Source, last_started: datetime | None, now: datetime) -> datetime:
    """When a new job first runs: now if due, else one interval after the last start (cron:
    its next firing), so adding a job never postpones a run the archive's history calls for."""
    if is_due(source, last_started, now):
        return now
    assert last_started is not None  # is_due: a source never started is due
    if source.schedule:
        fire: datetime = trigger_for(source).get_next_fire_time(None, now)
        return fire
    return last_started + timedelta(seconds=source.every or DEFAULT_EVERY_SECONDS)


def parse_utc(text: str) -> datetime:
    """Archive dates are ISO-8601 UTC text."""
    value = datetime.fromisoformat(text)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _duration(seconds: int) -> str:
    for unit, size in (("w", 604_800), ("d", 86_400), ("h", 3600), ("m", 60)):
        if seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"
