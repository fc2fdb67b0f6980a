"""How pages write dates and times: one format everywhere, written here once.

A day is "3 Dec 2026", a moment "3 Dec 2026, 14:05" (in the server's time zone), and where it
helps (the inbox, flags) a relative time such as "3 days ago". Templates use the filters of
careteam/templatetags/dates.py (``|day``, ``|moment``, ``|ago``); Python that names records
(the timeline, flag sources) calls these functions, so both read the same.
"""

import datetime

from django.utils import timezone

# Month names written out, not from the C library's locale.
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def day_text(value: datetime.date | datetime.datetime | None) -> str:
    """ "3 Dec 2026" (a datetime: its day in the server's time zone); "" for None."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        value = value.date()
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def moment_text(value: datetime.datetime | datetime.date | None) -> str:
    """ "3 Dec 2026, 14:05" in the server's time zone; a date alone has no time: "3 Dec 2026"."""
    if value is None:
        return ""
    if not isinstance(value, datetime.datetime):
        return day_text(value)
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    return f"{day_text(local)}, {local:%H:%M}"


def ago_text(value: datetime.datetime | datetime.date | None, *, now: datetime.datetime | None = None) -> str:
    """How long ago, in words: "just now", "5 minutes ago", "2 hours ago", "yesterday",
    "3 days ago", "2 weeks ago", "4 months ago", "2 years ago"; "in 3 days" for the future.
    A date alone counts in days."""
    if value is None:
        return ""
    now = now or timezone.now()
    if not isinstance(value, datetime.datetime):
        days = (timezone.localtime(now).date() - value).days
        return _days_text(days)
    seconds = (now - value).total_seconds()
    if abs(seconds) < 60:
        return "just now"
    if abs(seconds) < 3600:
        return _count(int(abs(seconds) // 60), "minute", future=seconds < 0)
    if abs(seconds) < 86400:
        return _count(int(abs(seconds) // 3600), "hour", future=seconds < 0)
    days = (timezone.localtime(now).date() - timezone.localtime(value).date()).days
    return _days_text(days)


def _days_text(days: int) -> str:
    if days == 0:
        return "today"
    if days == 1:
        return "yesterday"
    if days == -1:
        return "tomorrow"
    future, n = days < 0, abs(days)
    if n < 14:
        return _count(n, "day", future=future)
    if n < 60:
        return _count(n // 7, "week", future=future)
    if n < 730:
        return _count(n // 30, "month", future=future)
    return _count(n // 365, "year", future=future)


def _count(n: int, unit: str, *, future: bool) -> str:
    words = f"{n} {unit}{'' if n == 1 else 's'}"
    return f"in {words}" if future else f"{words} ago"
