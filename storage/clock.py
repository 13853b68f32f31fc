from datetime import UTC, datetime


def utc_now() -> str:
    """ISO-8601 UTC with seconds: sortable as text and readable in Datasette."""
    return datetime.now(UTC).isoformat(timespec="seconds")
