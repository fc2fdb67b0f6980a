"""Dates on pages, one format everywhere (careteam/dates.py): ``{% load dates %}`` then
``{{ value|day }}`` (3 Dec 2026), ``{{ value|moment }}`` (3 Dec 2026, 14:05), ``{{ value|ago }}``
(3 days ago) and ``{{ value|iso }}`` for a ``<time datetime>`` attribute."""

import datetime

from django import template
from django.utils import timezone

from careteam import dates

register = template.Library()


@register.filter
def day(value: datetime.date | datetime.datetime | None) -> str:
    return dates.day_text(value) if isinstance(value, datetime.date) else ""


@register.filter
def moment(value: datetime.date | datetime.datetime | None) -> str:
    return dates.moment_text(value) if isinstance(value, datetime.date) else ""


@register.filter
def ago(value: datetime.date | datetime.datetime | None) -> str:
    return dates.ago_text(value) if isinstance(value, datetime.date) else ""


@register.filter
def iso(value: datetime.date | datetime.datetime | None) -> str:
    """The machine-readable form for ``<time datetime="...">`` (a moment in local time)."""
    if isinstance(value, datetime.datetime):
        return (timezone.localtime(value) if timezone.is_aware(value) else value).isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return ""
