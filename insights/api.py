"""API of the integrated views: caseload registry, psychiatric review list, patient timeline
and team metrics."""

import datetime
import functools
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from careteam import access, audit
from careteam.api_common import WindowCountPagination
from careteam.http import AuthenticatedRequest
from patients import access as patient_access
from patients.treatment import STATUSES

from . import caseload, metrics, services
from .timeline import COMPONENTS, parse_filters, patient_timeline, query_string

# --- caseload ---------------------------------------------------------------------------------------


class CaseloadRowSerializer(serializers.Serializer):
    patient = serializers.IntegerField(source="pk")
    patient_name = serializers.SerializerMethodField()
    phq9_baseline = serializers.IntegerField(allow_null=True)
    phq9_baseline_on = serializers.DateField(allow_null=True)
    phq9_latest = serializers.IntegerField(allow_null=True)
    phq9_latest_on = serializers.DateField(allow_null=True)
    phq9_change = serializers.IntegerField(allow_null=True, help_text="Points since baseline.")
    phq9_change_pct = serializers.SerializerMethodField()
    gad7_baseline = serializers.IntegerField(allow_null=True)
    gad7_latest = serializers.IntegerField(allow_null=True)
    gad7_latest_on = serializers.DateField(allow_null=True)
    gad7_change = serializers.IntegerField(allow_null=True)
    treatment_status = serializers.ChoiceField(choices=STATUSES)
    weeks_in_treatment = serializers.IntegerField(allow_null=True)
    last_contact = serializers.DateTimeField(allow_null=True)
    open_flags = serializers.IntegerField()
    urgent_flags = serializers.IntegerField()
    overdue = serializers.IntegerField(help_text="Overdue review dates and follow-ups.")
    safety = serializers.BooleanField(
        help_text="An open safety flag, or a PHQ-9 answer about self-harm (item 9 above 0) "
        "in the last 30 days."
    )

    def get_patient_name(self, row: caseload.CaseloadRow) -> str:
        return row.full_name

    def get_phq9_change_pct(self, row: caseload.CaseloadRow) -> float | None:
        """Change since baseline in percent (negative = better), one decimal."""
        return None if row.phq9_change_pct is None else round(row.phq9_change_pct, 1)

    def to_representation(self, row: caseload.CaseloadRow) -> dict[str, Any]:
        """The fields above, written out directly: a page of 50 rows is built in a fraction of
        the time the generic field-by-field path takes (the registry is read all day)."""
        return {
            "patient": row.pk,
            "patient_name": row.full_name,
            "phq9_baseline": row.phq9_baseline,
            "phq9_baseline_on": _iso(row.phq9_baseline_on),
            "phq9_latest": row.phq9_latest,
            "phq9_latest_on": _iso(row.phq9_latest_on),
            "phq9_change": row.phq9_change,
            "phq9_change_pct": self.get_phq9_change_pct(row),
            "gad7_baseline": row.gad7_baseline,
            "gad7_latest": row.gad7_latest,
            "gad7_latest_on": _iso(row.gad7_latest_on),
            "gad7_change": row.gad7_change,
            "treatment_status": row.treatment_status,
            "weeks_in_treatment": row.weeks_in_treatment,
            "last_contact": self._last_contact.to_representation(row.last_contact)
            if row.last_contact is not None
            else None,
            "open_flags": row.open_flags,
            "urgent_flags": row.urgent_flags,
            "overdue": row.overdue,
            "safety": row.safety,
        }

    @functools.cached_property
    def _last_contact(self) -> serializers.DateTimeField:
        field = self.fields["last_contact"]  # the DateTimeField declared above
        if not isinstance(field, serializers.DateTimeField):
            raise TypeError("CaseloadRowSerializer.last_contact must be a DateTimeField")
        return field


def _iso(day: datetime.date | None) -> str | None:
    return None if day is None else day.isoformat()


def _errors(form: Any) -> ValidationError:
    return ValidationError({name: list(errors) for name, errors in form.errors.items()})


@extend_schema(
    parameters=[
        OpenApiParameter("status", enum=[code for code, _ in STATUSES]),
        OpenApiParameter("urgent", enum=["true", "false"], description="has open urgent flags"),
        OpenApiParameter("overdue", enum=["true", "false"], description="has overdue items"),
        OpenApiParameter("ordering", enum=[code for code, _ in caseload.ORDERING_CHOICES]),
    ]
)
class CaseloadView(ListAPIView):
    """The caller's caseload registry, the patients who need attention first by default."""

    serializer_class = CaseloadRowSerializer
    pagination_class = WindowCountPagination
    request: AuthenticatedRequest

    def get_queryset(self) -> Any:
        access.require_clinician(self.request.user)
        form = caseload.CaseloadFilterForm(self.request.query_params)
        if not form.is_valid():
            raise _errors(form)
        return caseload.caseload(actor=self.request.user, **form.filters())

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = caseload.decorate(self.paginate_queryset(self.get_queryset()))
        audit.record_reads(
            actor=self.request.user, action=audit.Action.LIST, object_type="caseload", objects=page
        )
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class ReviewRowSerializer(serializers.Serializer):
    patient = serializers.IntegerField(source="patient_id")
    patient_name = serializers.SerializerMethodField()
    review_since = serializers.DateField(help_text="When the patient entered the review list.")
    reviewed = serializers.SerializerMethodField()
    reviewed_at = serializers.DateTimeField(allow_null=True)
    reviewed_by = serializers.IntegerField(source="reviewed_by_id", allow_null=True)
    phq9_baseline = serializers.IntegerField(allow_null=True)
    phq9_latest = serializers.IntegerField(allow_null=True)
    treatment_status = serializers.SerializerMethodField()

    def get_patient_name(self, row: Any) -> str:
        return row.patient.full_name

    def get_reviewed(self, row: Any) -> bool:
        return bool(row.reviewed_at and timezone.localtime(row.reviewed_at).date() >= row.review_since)

    def get_treatment_status(self, row: Any) -> str:
        return row.treatment_status


@extend_schema(parameters=[OpenApiParameter("show", enum=["waiting", "reviewed"])])
class ReviewListView(ListAPIView):
    """The caller's patients waiting for a psychiatric review (``?show=reviewed``: reviewed)."""

    serializer_class = ReviewRowSerializer
    request: AuthenticatedRequest

    def get_queryset(self) -> Any:
        access.require_clinician(self.request.user)
        form = caseload.ReviewFilterForm(self.request.query_params)
        if not form.is_valid():
            raise _errors(form)
        return caseload.review_list(actor=self.request.user, show=form.cleaned_data.get("show") or "waiting")

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        if page is None:
            raise ImproperlyConfigured("The review list is paginated (DEFAULT_PAGINATION_CLASS).")
        audit.record_reads(
            actor=self.request.user,
            action=audit.Action.LIST,
            object_type="psychiatricreview",
            objects=page,
            patient_attr="patient_id",
        )
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class ReviewDoneView(APIView):
    """POST: the psychiatrist on the team marks the patient's psychiatric review done."""

    serializer_class = ReviewRowSerializer

    @extend_schema(request=None, responses=ReviewRowSerializer)
    def post(self, request: AuthenticatedRequest, patient_id: int) -> Response:
        patient = patient_access.get_patient(request.user, patient_id, patient_access.PRESCRIBE)
        row = services.psychiatric_review_done(actor=request.user, patient=patient)
        row.patient = patient
        return Response(ReviewRowSerializer(row).data)


# --- timeline ---------------------------------------------------------------------------------------


class TimelineEntrySerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    component = serializers.ChoiceField(choices=list(COMPONENTS))
    kind = serializers.CharField()
    title = serializers.CharField()
    who = serializers.CharField()
    url = serializers.CharField(help_text="The page of the record this entry is about.")
    entered_in_error = serializers.BooleanField(
        help_text="The record was marked entered in error: shown, but it counts nowhere."
    )
    date_only = serializers.BooleanField(
        help_text="The record is dated by day only: `at` is midnight of that day, not a time."
    )


class PatientTimelineView(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter(
                "component",
                OpenApiTypes.STR,
                many=True,
                enum=list(COMPONENTS),
                description="Only these components (repeat the parameter).",
            ),
            OpenApiParameter("from", OpenApiTypes.DATE, description="From this day (included)."),
            OpenApiParameter("to", OpenApiTypes.DATE, description="To this day (included)."),
            OpenApiParameter(
                "before", OpenApiTypes.STR, description="Cursor from a previous page's `next` link."
            ),
            OpenApiParameter("page_size", OpenApiTypes.INT, description="1 to 200, default 50."),
        ],
        responses=inline_serializer(
            "PatientTimelinePage",
            {
                "next": serializers.CharField(allow_null=True),
                "results": TimelineEntrySerializer(many=True),
            },
        ),
    )
    def get(self, request: AuthenticatedRequest, patient_id: int) -> Response:
        patient = patient_access.get_patient(request.user, patient_id, patient_access.VIEW_CLINICAL)
        filters, errors = parse_filters(request.query_params)
        if errors:
            raise ValidationError(errors)
        page = patient_timeline(
            patient=patient,
            components=filters.components,
            since=filters.since,
            until=filters.until,
            before=filters.before,
            limit=filters.limit,
        )
        audit.record(
            actor=request.user,
            action=audit.Action.VIEW,
            object_type="timeline",
            object_id=patient.pk,
            patient_id=patient.pk,
        )
        next_url = None
        if page.next_cursor is not None:
            next_url = request.build_absolute_uri(
                f"{request.path}?{query_string(request.query_params, before=page.next_cursor)}"
            )
        return Response(
            {
                "next": next_url,
                "results": TimelineEntrySerializer(page.entries, many=True).data,
            }
        )


# --- metrics ----------------------------------------------------------------------------------------


class TeamMetricsView(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter("start", OpenApiTypes.DATE, description="default: 89 days before end"),
            OpenApiParameter("end", OpenApiTypes.DATE, description="default: today"),
            OpenApiParameter(
                "clinician",
                OpenApiTypes.INT,
                description="a clinician sharing a care team with you (admins: any)",
            ),
        ],
        responses={200: OpenApiTypes.OBJECT, 400: OpenApiTypes.OBJECT, 401: OpenApiTypes.OBJECT},
    )
    def get(self, request: AuthenticatedRequest) -> Response:
        scope, errors = metrics.parse_scope(request.user, request.query_params)
        if scope is None:
            raise ValidationError(errors)
        return Response(metrics.team_metrics(request.user, scope))
