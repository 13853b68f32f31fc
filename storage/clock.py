from datetime import datetime, timezone


def utc_now() -> str:
    """ISO-8601 UTC with seconds: sortable as text and readable in Datasette."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")
