"""careteam.widgets.QuickSelect writes the markup Django's Select writes."""

from html.parser import HTMLParser

import pytest
from django import forms

from careteam.widgets import QuickSelect

CHOICES = [("", "Any"), ("a&b", "A & B"), ("<x>", "<X>"), ("3", "Three")]


def _form(widget):
    class Filter(forms.Form):
        pick = forms.ChoiceField(required=False, choices=CHOICES, widget=widget, label="Pick one")

    return Filter


class _Parts(HTMLParser):
    """Tags with their attributes (in any order) and text, blank text between tags left out."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.parts: list = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.parts.append((tag, sorted(attrs, key=lambda a: a[0])))

    def handle_endtag(self, tag):
        self.parts.append(("/", tag))

    def handle_data(self, data):
        if data.strip():
            self.parts.append(("text", data))


def _squash(html: str) -> list:
    return _Parts(html).parts


@pytest.mark.parametrize("data", [{}, {"pick": "a&b"}, {"pick": "3"}, {"pick": "nope"}])
def test_same_markup_as_djangos_select(data):
    quick, plain = _form(QuickSelect)(data), _form(forms.Select)(data)
    quick.is_valid(), plain.is_valid()
    assert _squash(str(quick["pick"])) == _squash(str(plain["pick"]))
    if data.get("pick") == "nope":  # an error: aria-invalid on both
        assert 'aria-invalid="true"' in str(quick["pick"])


def test_values_and_labels_are_escaped():
    html = str(_form(QuickSelect)({"pick": "<x>"})["pick"])
    assert '<option value="&lt;x&gt;" selected>&lt;X&gt;</option>' in html
    assert "<x>" not in html and "<X>" not in html
