"""Small helpers shared by the page views."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .errors import StaleEdit

STALE_EDIT = "stale_edit"  # the form attribute holding a refused stale edit's message


def call_service(form: forms.BaseForm, service: Callable[..., Any], **kwargs: Any) -> Any | None:
    """Run a service; put its field errors on the form, or the message of a refused stale edit
    (render_form answers 409 with it). Returns None when it refused."""
    try:
        return service(**kwargs)
    except StaleEdit as exc:
        setattr(form, STALE_EDIT, exc.message)
        return None
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            for field, errors in exc.error_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, exc)
        return None


def form_data(request: Any) -> Any:
    """What to bind a form to: the POST data on a POST (even an empty one, which must then be
    refused field by field), nothing on a GET."""
    return request.POST if request.method == "POST" else None


def render_form(request: HttpRequest, template: str, context: dict) -> HttpResponse:
    """A form page: 409 after a stale edit (``conflict`` in the page says why), 400 when the
    submitted input was refused, else 200. The one place a page turns a stale edit into 409."""
    conflict = getattr(context["form"], STALE_EDIT, None)
    if conflict:
        return render(request, template, {**context, "conflict": conflict}, status=409)
    code = 400 if request.method == "POST" and context["form"].errors else 200
    return render(request, template, context, status=code)
