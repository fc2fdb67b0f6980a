"""Shared pieces of the REST API: pagination, error shapes, the service-call wrapper."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .errors import StaleEdit
from .paging import WindowCountPaginator


class StandardPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class WindowCountPagination(StandardPagination):
    """For querysets made with careteam.paging.with_total: the page and the count in one query."""

    django_paginator_class = WindowCountPaginator


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DjangoValidationError):
        # Services raise Django's ValidationError; the API shows it as {"field": [messages]}.
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        exc = ValidationError(detail=detail)
    if isinstance(exc, StaleEdit):
        request = context.get("request")
        precondition = request is not None and "If-Match" in request.headers
        return Response(
            {"detail": exc.message, "current_version": exc.current_version},
            status=status.HTTP_412_PRECONDITION_FAILED if precondition else status.HTTP_409_CONFLICT,
            headers={"ETag": f'"{exc.current_version}"'},
        )
    if isinstance(exc, Http404):
        return Response({"detail": "Not found."}, status=status.HTTP_404_NOT_FOUND)
    if isinstance(exc, PermissionDenied):
        return Response(
            {"detail": str(exc) or "You do not have permission to perform this action."},
            status=status.HTTP_403_FORBIDDEN,
        )
    return drf_exception_handler(exc, context)


def based_on_version(request: Any) -> int:
    """The version an edit is based on: the If-Match header (an ETag) or a ``version`` field."""
    raw = request.headers.get("If-Match")
    field = "If-Match"
    if raw is None:
        raw = request.data.get("version")
        field = "version"
    if raw in (None, ""):
        raise ValidationError(
            {
                "version": [
                    "Send the version you are editing (the `version` field or an If-Match header), "
                    "so a colleague's change is never overwritten."
                ]
            }
        )
    try:
        return int(str(raw).strip().strip("W/").strip('"'))
    except ValueError:
        raise ValidationError({field: ["Must be a whole number."]}) from None
