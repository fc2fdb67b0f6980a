"""Filters for therapy's templates (formatting only: no queries, no access decisions)."""

from django import template

register = template.Library()


@register.filter
def signed(value: int | None) -> str:
    """A change with its sign: +3, −6 (a true minus sign), 0."""
    if value is None:
        return ""
    if value > 0:
        return f"+{value}"
    if value < 0:
        return f"\u2212{abs(value)}"
    return "0"
