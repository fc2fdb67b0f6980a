"""REST endpoints for medication orders, adherence and side effects (paths in ../shared/API.md).

Every endpoint first asks careteam.access for the patient (404 off the team, 403 wrong role),
then validates, then calls a service. Reads are audited, one row per record returned.
"""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from careteam import access, audit
from careteam.http import AuthenticatedRequest
from patients import access as patient_access
from patients.api_base import EnteredInErrorRequest, PatientRecordListView

from . import formulary, selectors, services
from .models import AdherenceObservation, MedicationOrder, SideEffectReport
from .serializers import (
    AdherenceObservationSerializer,
    AllergySerializer,
    FormularyDrugSerializer,
    MedicationOrderPatchSerializer,
    MedicationOrderSerializer,
    SideEffectReportSerializer,
    SideEffectStatusSerializer,
)

ERRORS = {
    400: OpenApiResponse(description='Invalid input: {"field": ["message"]}; nothing written.'),
    401: OpenApiResponse(description="Not signed in."),
    403: OpenApiResponse(description="On the care team, but the role may not do this."),
    404: OpenApiResponse(description="No such patient or record on the caller's care teams."),
}
READ_ERRORS = {code: ERRORS[code] for code in (401, 404)}


def _status_filter(request: Request, choices: list[str]) -> str | None:
    value = request.query_params.get("status") or None
    if value is not None and value not in choices:
        raise ValidationError({"status": [f"Unknown status. Choose one of: {', '.join(choices)}."]})
    return value


class MedicationOrderListView(PatientRecordListView):
    """GET: the patient's medication orders, newest first — with no filter the full history
    (changed and discontinued orders included), with ``?status=active`` the current list.
    POST: start a new order (psychiatrist on the care team)."""

    serializer_class = MedicationOrderSerializer
    object_type = "medicationorder"

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "status",
                str,
                enum=MedicationOrder.Status.values,
                description="Only orders in this status (active: the current medication list).",
            )
        ],
        responses={200: MedicationOrderSerializer(many=True), **READ_ERRORS},
    )
    def get(self, request: Request, patient_id: int) -> Response:
        patient = patient_access.get_patient(request.user, patient_id, patient_access.VIEW_CLINICAL)
        wanted = _status_filter(request, MedicationOrder.Status.values)
        return self.list_records(request, selectors.orders(patient=patient, status=wanted))

    @extend_schema(request=MedicationOrderSerializer, responses={201: MedicationOrderSerializer, **ERRORS})
    def post(self, request: AuthenticatedRequest, patient_id: int) -> Response:
        patient = patient_access.get_patient(request.user, patient_id, patient_access.PRESCRIBE)
        serializer = MedicationOrderSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        order = services.medication_order_create(
            actor=request.user, patient=patient, **serializer.validated_data
        )
        return Response(MedicationOrderSerializer(order).data, status=status.HTTP_201_CREATED)


class MedicationOrderDetailView(APIView):
    serializer_class = MedicationOrderSerializer

    @extend_schema(responses={200: MedicationOrderSerializer, **READ_ERRORS})
    def get(self, request: AuthenticatedRequest, patient_id: int, order_id: int) -> Response:
        patient = patient_access.get_patient(request.user, patient_id, patient_access.VIEW_CLINICAL)
        order = get_object_or_404(selectors.orders(patient=patient), pk=order_id)
        audit.record(
            actor=request.user,
            action=audit.Action.VIEW,
            object_type="medicationorder",
            object_id=order.pk,
            patient_id=patient.pk,
        )
        return Response(MedicationOrderSerializer(order).data)

    @extend_schema(
        request=MedicationOrderPatchSerializer,
        responses={
            200: OpenApiResponse(
                MedicationOrderSerializer,
                description="A change returns the NEW active order (its `supersedes` is this order, "
                "which is now `changed` with its end date set); a discontinuation returns "
                "this order, now `discontinued`.",
            ),
            **ERRORS,
        },
        description="Psychiatrist on the care team. A change needs a `reason` (400 without it); "
        "the new dose is checked against the formulary maximum and the allergies like a new "
        "order (400 unless `override_reason`). An order that is no longer active (already "
        "changed or discontinued, e.g. by a colleague a moment ago) cannot be changed "
        "or discontinued: 400 on `status`, nothing written.",
    )
    def patch(self, request: AuthenticatedRequest, patient_id: int, order_id: int) -> Response:
        patient = patient_access.get_patient(request.user, patient_id, patient_access.PRESCRIBE)
        order = get_object_or_404(selectors.orders(patient=patient), pk=order_id)
        serializer = MedicationOrderPatchSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        effective_date = data.pop("effective_date", None)
        if data.pop("status", None) == MedicationOrder.Status.DISCONTINUED:
            data.pop("override_reason", None)
            result = services.medication_order_discontinue(
                actor=request.user,
                patient=patient,
                order=order,
                reason=data.get("reason", ""),
                effective_date=effective_date,
            )
        else:
            result = services.medication_order_change(
                actor=request.user, patient=patient, order=order, effective_date=effective_date, **data
            )
        result = selectors.orders(patient=patient).get(pk=result.pk)
        return Response(MedicationOrderSerializer(result).data)


class AdherenceListView(PatientRecordListView):
    """GET: adherence observations, newest first (``?order=<id>`` for one order).
    POST: record an observation (any care-team member; the observer is the caller)."""

    serializer_class = AdherenceObservationSerializer
    object_type = "adherenceobservation"

    @extend_schema(
        parameters=[OpenApiParameter("order", int, description="Only this order's.")],
        responses={200: AdherenceObservationSerializer(many=True), **READ_ERRORS},
    )
    def get(self, request: Request, patient_id: int) -> Response:
        patient = patient_access.get_patient(request.user, patient_id, patient_access.VIEW_CLINICAL)
        raw = request.query_params.get("order")
        if raw is not None and not raw.isdigit():
            raise ValidationError({"order": ["Give a medication order id."]})
        records = selectors.adherence_observations(patient=patient, order_id=int(raw) if raw else None)
        return self.list_records(request, records)

    @extend_schema(
        request=AdherenceObservationSerializer, responses={201: AdherenceObservationSerializer, **ERRORS}
    )
    def post(self, request: AuthenticatedRequest, patient_id: int) -> Response:
        patient = patient_access.get_patient(request.user, patient_id, patient_access.RECORD_CLINICAL)
        serializer = AdherenceObservationSerializer(
            data=request.data, context={"orders": selectors.orders(patient=patient)}
        )
        serializer.is_valid(raise_exception=True)
        observation = services.adherence_record(
            actor=request.user, patient=patient, **serializer.validated_data
        )
        return Response(AdherenceObservationSerializer(observation).data, status=status.HTTP_201_CREATED)


class SideEffectListView(PatientRecordListView):
    """GET: side-effect reports, newest onset first (``?status=open`` etc.).
    POST: report a side effect of one of the patient's orders (any care-team member)."""

    serializer_class = SideEffectReportSerializer
    object_type = "sideeffectreport"

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "status", str, enum=SideEffectReport.Status.values, description="Only reports in this status."
            )
        ],
        responses={200: SideEffectReportSerializer(many=True), **READ_ERRORS},
    )
    def get(self, request: Request, patient_id: int) -> Response:
        patient = patient_access.get_patient(request.user, patient_id, patient_access.VIEW_CLINICAL)
        wanted = _status_filter(request, SideEffectReport.Status.values)
        return self.list_records(request, selectors.side_effects(patient=patient, status=wanted))

    @extend_schema(request=SideEffectReportSerializer, responses={201: SideEffectReportSerializer, **ERRORS})
    def post(self, request: AuthenticatedRequest, patient_id: int) -> Response:
        patient = patient_access.get_patient(request.user, patient_id, patient_access.RECORD_CLINICAL)
        serializer = SideEffectReportSerializer(
            data=request.data, context={"orders": selectors.orders(patient=patient)}
        )
        serializer.is_valid(raise_exception=True)
        report = services.side_effect_report(actor=request.user, patient=patient, **serializer.validated_data)
        return Response(SideEffectReportSerializer(report).data, status=status.HTTP_201_CREATED)


class SideEffectDetailView(APIView):
    serializer_class = SideEffectReportSerializer

    @extend_schema(responses={200: SideEffectReportSerializer, **READ_ERRORS})
    def get(self, request: AuthenticatedRequest, patient_id: int, report_id: int) -> Response:
        patient = patient_access.get_patient(request.user, patient_id, patient_access.VIEW_CLINICAL)
        report = get_object_or_404(selectors.side_effects(patient=patient), pk=report_id)
        audit.record(
            actor=request.user,
            action=audit.Action.VIEW,
            object_type="sideeffectreport",
            object_id=report.pk,
            patient_id=patient.pk,
        )
        return Response(SideEffectReportSerializer(report).data)

    @extend_schema(
        request=SideEffectStatusSerializer,
        responses={200: SideEffectReportSerializer, **ERRORS},
        description="Acknowledge or resolve (any care-team member). Status only moves "
        "forward; anything else is 400 on `status`.",
    )
    def patch(self, request: AuthenticatedRequest, patient_id: int, report_id: int) -> Response:
        patient = patient_access.get_patient(request.user, patient_id, patient_access.RECORD_CLINICAL)
        report = get_object_or_404(selectors.side_effects(patient=patient), pk=report_id)
        serializer = SideEffectStatusSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.side_effect_status_update(
            actor=request.user, patient=patient, report=report, status=serializer.validated_data["status"]
        )
        report = selectors.side_effects(patient=patient).get(pk=report.pk)
        return Response(SideEffectReportSerializer(report).data)


class FormularyView(ListAPIView):
    """GET: the drugs CareTeam knows (any clinician), by name; ``?search=`` by part of a name."""

    serializer_class = FormularyDrugSerializer
    request: AuthenticatedRequest

    @extend_schema(
        parameters=[OpenApiParameter("search", str, description="Part of a drug name, any case.")],
        responses={200: FormularyDrugSerializer(many=True), **{c: ERRORS[c] for c in (401, 403)}},
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> Any:
        if not access.is_clinician(self.request.user):
            raise PermissionDenied("The formulary is for clinicians.")
        return formulary.search(self.request.query_params.get("search", ""))


class AllergyListView(PatientRecordListView):
    """GET: the patient's allergies and intolerances. POST: record one (any care-team member)."""

    serializer_class = AllergySerializer
    object_type = "allergy"

    def rows(self, patient: Any) -> Any:
        return selectors.allergies(patient=patient)

    @extend_schema(responses={200: AllergySerializer(many=True), **READ_ERRORS})
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(request=AllergySerializer, responses={201: AllergySerializer, **ERRORS})
    def post(self, request: AuthenticatedRequest, patient_id: int) -> Response:
        patient = patient_access.get_patient(request.user, patient_id, patient_access.RECORD_CLINICAL)
        serializer = AllergySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        allergy = services.allergy_record(actor=request.user, patient=patient, **serializer.validated_data)
        return Response(AllergySerializer(allergy).data, status=status.HTTP_201_CREATED)


def _reason(request: Request) -> str:
    serializer = EnteredInErrorRequest(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data["reason"]


EIE_DOC = (
    "Mark the record entered in error with a `reason`: it stays in lists and the timeline, "
    "marked, and counts nowhere; flags a rule raised from it are resolved. 403 for others on "
    "the team, 404 off it, 400 without a reason."
)


class MedicationOrderEnteredInErrorView(APIView):
    serializer_class = MedicationOrderSerializer

    @extend_schema(
        request=EnteredInErrorRequest,
        responses={200: MedicationOrderSerializer, **ERRORS},
        description=EIE_DOC + " Orders: the team's psychiatrist.",
    )
    def post(self, request: AuthenticatedRequest, patient_id: int, order_id: int) -> Response:
        patient = patient_access.get_patient(request.user, patient_id, patient_access.PRESCRIBE)
        order = get_object_or_404(selectors.orders(patient=patient), pk=order_id)
        services.medication_order_mark_entered_in_error(
            actor=request.user, patient=patient, order=order, reason=_reason(request)
        )
        return Response(MedicationOrderSerializer(selectors.orders(patient=patient).get(pk=order.pk)).data)


class AdherenceEnteredInErrorView(APIView):
    serializer_class = AdherenceObservationSerializer

    @extend_schema(
        request=EnteredInErrorRequest,
        responses={200: AdherenceObservationSerializer, **ERRORS},
        description=EIE_DOC + " Adherence: its observer.",
    )
    def post(self, request: AuthenticatedRequest, patient_id: int, observation_id: int) -> Response:
        patient = patient_access.get_patient(request.user, patient_id, patient_access.RECORD_CLINICAL)
        observation: AdherenceObservation = get_object_or_404(
            selectors.adherence_observations(patient=patient), pk=observation_id
        )
        services.author_check(actor=request.user, record=observation)
        marked = services.adherence_mark_entered_in_error(
            actor=request.user, patient=patient, observation=observation, reason=_reason(request)
        )
        return Response(AdherenceObservationSerializer(marked).data)


class SideEffectEnteredInErrorView(APIView):
    serializer_class = SideEffectReportSerializer

    @extend_schema(
        request=EnteredInErrorRequest,
        responses={200: SideEffectReportSerializer, **ERRORS},
        description=EIE_DOC + " Side effects: their reporter.",
    )
    def post(self, request: AuthenticatedRequest, patient_id: int, report_id: int) -> Response:
        patient = patient_access.get_patient(request.user, patient_id, patient_access.RECORD_CLINICAL)
        report: SideEffectReport = get_object_or_404(selectors.side_effects(patient=patient), pk=report_id)
        services.author_check(actor=request.user, record=report)
        marked = services.side_effect_mark_entered_in_error(
            actor=request.user, patient=patient, report=report, reason=_reason(request)
        )
        return Response(SideEffectReportSerializer(marked).data)
