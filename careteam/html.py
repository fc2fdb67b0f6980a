"""HTML built in Python for the rows of long tables."""

import html
from typing import Any

from django.utils.safestring import SafeString, mark_safe


def format_row(template: str, *values: Any) -> SafeString:
    """``django.utils.html.format_html(template, *values)`` with the same escaping (what has
    ``__html__``, such as a SafeString, goes in as it is; everything else through html.escape,
    quotes included), at a fraction of its cost per value: it adds up over a 50-row table."""
    escaped = (
        value.__html__() if hasattr(value, "__html__") else html.escape(str(value)) for value in values
    )
    return mark_safe(template.format(*escaped))  # noqa: S308 - every value is escaped above
