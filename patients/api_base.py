"""Base views for the component apps' APIs. (Kept apart from api_common, which DRF imports
while it is still setting itself up.)"""

from typing import Any

from django.core.exceptions import ImproperlyConfigured
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.response import Response

from careteam import audit
from careteam.http import AuthenticatedRequest
from careteam.records import REASON_MAX

from . import access


class PatientRecordListView(ListAPIView):
    """A paginated list of one patient's records of one kind: access first (``read_action``),
    then every row on the page is audited as read. Subclasses give ``rows(patient)``, or build
    the records in their own ``get`` and answer with ``list_records``."""

    object_type = ""
    read_action = access.VIEW_CLINICAL
    request: AuthenticatedRequest

    def rows(self, patient: Any) -> Any:
        raise NotImplementedError

    def get_queryset(self) -> Any:
        patient = access.get_patient(self.request.user, self.kwargs["patient_id"], self.read_action)
        return self.rows(patient)

    def list(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        return self.list_records(request, self.get_queryset())

    def list_records(self, request: Any, records: Any) -> Response:
        page = self.paginate_queryset(records)
        if page is None:
            raise ImproperlyConfigured("Patient record lists are paginated (DEFAULT_PAGINATION_CLASS).")
        audit.record_reads(
            actor=request.user,
            action=audit.Action.LIST,
            object_type=self.object_type,
            objects=page,
            patient_attr="patient_id",
        )
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class EnteredInErrorFields(serializers.Serializer):
    """What every correctable record's serializer shows about its correction (mix it in and
    list CORRECTION_FIELDS in Meta.fields)."""

    entered_in_error = serializers.BooleanField(read_only=True)
    entered_in_error_at = serializers.DateTimeField(read_only=True, allow_null=True)
    entered_in_error_by = serializers.IntegerField(
        source="entered_in_error_by_id", read_only=True, allow_null=True, help_text="Who marked it (user id)."
    )
    entered_in_error_reason = serializers.CharField(read_only=True)


CORRECTION_FIELDS = [
    "entered_in_error",
    "entered_in_error_at",
    "entered_in_error_by",
    "entered_in_error_reason",
]


class EnteredInErrorRequest(serializers.Serializer):
    """POST …/entered-in-error/: why the record is wrong. Required: the service says so (one
    message for pages and API) when it is missing or blank."""

    reason = serializers.CharField(
        required=False,
        default="",
        allow_blank=True,
        trim_whitespace=False,
        max_length=REASON_MAX,
        help_text="Why this record is wrong (required; kept on the record and audited).",
    )
