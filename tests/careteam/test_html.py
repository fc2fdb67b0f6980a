"""careteam.html.format_row escapes exactly as Django's format_html."""

import pytest
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from careteam.html import format_row

TEMPLATE = '<td title="{}">{}</td><td>{}</td>'


@pytest.mark.parametrize(
    "values",
    [
        ("plain", 42, None),
        ("<script>alert('x')</script>", 'say "hi" & bye', 3.5),
        (mark_safe("<b>kept</b>"), format_html("<i>{}</i>", "<safe?>"), "O'Brien"),
    ],
)
def test_same_output_as_format_html(values):
    assert format_row(TEMPLATE, *values) == format_html(TEMPLATE, *values)
    assert hasattr(format_row(TEMPLATE, *values), "__html__")  # safe to put in a template
