"""Shared pieces of the REST API: pagination, error shapes, the service-call wrapper, and the
input rules every endpoint shares (API.md "Robustness"): a JSON body is an object with no NUL
character, a date lies in 1900-01-01 … 2100-12-31, an id is a whole number."""

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.http import Http404
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .errors import (
    RETRY_AFTER_SECONDS,
    UNAVAILABLE_MESSAGE,
    StaleEdit,
    is_database_unavailable,
    log_database_unavailable,
)
from .paging import WindowCountPaginator

# careteam.records holds the range (it imports the models, so it is not imported from here).
EARLIEST_DATE = datetime.date(1900, 1, 1)
LATEST_DATE = datetime.date(2100, 12, 31)
# The largest id a primary key column holds (a signed 64-bit integer: BigAutoField).
MAX_ID = 2**63 - 1


class PlausibleDateField(serializers.DateField):
    """A date in 1900-01-01 … 2100-12-31 (API.md "Robustness"); the rules of a clinical date
    (not before birth, not in the future) are the services' (careteam.records.date_errors)."""

    default_error_messages = {
        "implausible": f"Enter a date between {EARLIEST_DATE.isoformat()} and {LATEST_DATE.isoformat()}.",
    }

    def to_internal_value(self, value: Any) -> datetime.date:
        day = super().to_internal_value(value)
        if not EARLIEST_DATE <= day <= LATEST_DATE:
            self.fail("implausible")
        return day


class PlausibleDateTimeField(serializers.DateTimeField):
    """A moment whose date lies in 1900-01-01 … 2100-12-31 (as PlausibleDateField)."""

    default_error_messages = PlausibleDateField.default_error_messages

    def to_internal_value(self, value: Any) -> datetime.datetime:
        moment = super().to_internal_value(value)
        if not EARLIEST_DATE <= moment.date() <= LATEST_DATE:
            self.fail("implausible")
        return moment


def strict_id(value: Any) -> int | None:
    """``value`` as an id if it is a whole number (an int, not a bool, or a string of digits)
    that fits a primary key; None otherwise: ``1.5`` is not silently id 1."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, int) and 1 <= value <= MAX_ID:
        return value
    return None


class StrictPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """A PrimaryKeyRelatedField that takes only a whole-number id: ``1.5``, ``true``, ``"x"`` or
    an id too large for the column is a 400, where DRF would look up id 1 (or fail with a 500)."""

    def to_internal_value(self, data: Any) -> Any:
        if self.pk_field is None:
            pk = strict_id(data)
            if pk is None:
                self.fail("incorrect_type", data_type=type(data).__name__)
            data = pk
        return super().to_internal_value(data)


class ModelSerializer(serializers.ModelSerializer):
    """The project's ModelSerializer: model dates are PlausibleDateFields (moments
    PlausibleDateTimeFields) and related ids StrictPrimaryKeyRelatedFields. Declare explicit
    fields with those classes as well (tests/test_robustness.py checks every serializer)."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.DateField: PlausibleDateField,
        models.DateTimeField: PlausibleDateTimeField,
    }
    serializer_related_field = StrictPrimaryKeyRelatedField


class StandardPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_number(self, request: Any, paginator: Any) -> Any:
        """The page asked for; one whose first row lies beyond any table (``?page=10**20``: an
        offset the database cannot take) is past the end, a 404 like any page past the end."""
        number = super().get_page_number(request, paginator)
        try:
            past_any_table = (int(number) - 1) * paginator.per_page > MAX_ID
        except (TypeError, ValueError):
            return number  # the paginator answers "Invalid page." (404)
        if past_any_table:
            raise NotFound(self.invalid_page_message)
        return number


class WindowCountPagination(StandardPagination):
    """For querysets made with careteam.paging.with_total: the page and the count in one query."""

    django_paginator_class = WindowCountPaginator


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if is_database_unavailable(exc):
        # The database is down or restarting (careteam.errors): 503 with a message, whether it
        # failed in authentication, a permission check or the view.
        log_database_unavailable(context.get("request"), exc)
        return Response(
            {"detail": UNAVAILABLE_MESSAGE},
            status=status.HTTP_503_SERVICE_UNAVAILABLE,
            headers={"Retry-After": str(RETRY_AFTER_SECONDS), "Cache-Control": "no-store"},
        )
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
        version = int(str(raw).strip().strip("W/").strip('"'))
    except ValueError:
        raise ValidationError({field: ["Must be a whole number."]}) from None
    if not 0 <= version <= MAX_ID:
        raise ValidationError({field: ["Must be a whole number from 0."]})
    return version
