"""The building blocks of team metrics: a rate figure as every component returns it, and the
period's bounds."""

import datetime
from typing import Any

from django.utils import timezone

RECENT_MEASURE_DAYS = 30


def rate(numerator: int, denominator: int) -> float | None:
    return round(numerator / denominator, 4) if denominator else None


def figure(label: str, numerator: int, denominator: int, definition: str) -> dict[str, Any]:
    """A rate figure as every provider returns it (value 0-1, None with nothing to count)."""
    return {
        "label": label,
        "kind": "rate",
        "value": rate(numerator, denominator),
        "numerator": numerator,
        "denominator": denominator,
        "definition": definition,
    }


def day_bounds(start: datetime.date, end: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """[start 00:00, the day after end 00:00) as aware datetimes in the site's time zone."""
    tz = timezone.get_current_timezone()
    return (
        datetime.datetime.combine(start, datetime.time.min, tzinfo=tz),
        datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz),
    )
