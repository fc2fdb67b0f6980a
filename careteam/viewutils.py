"""Small helpers shared by the page views."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def call_service(form: forms.Form, service: Callable[..., Any], **kwargs: Any) -> Any | None:
    """Run a service; put its field errors on the form. Returns None when it refused."""
    try:
        return service(**kwargs)
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


def render_form(request: HttpRequest, template: str, context: dict, *,
                conflict: str | None = None) -> HttpResponse:
    """A form page: 409 after a stale edit (``conflict`` says why), 400 when the submitted input
    was refused, else 200."""
    if conflict:
        return render(request, template, {**context, "conflict": conflict}, status=409)
    code = 400 if request.method == "POST" and context["form"].errors else 200
    return render(request, template, context, status=code)
