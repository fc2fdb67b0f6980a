"""Therapy endpoints under /api/v1/patients/<id>/. Each starts with careteam.access (404 off the
team, 403 for the wrong role, before the input is read), parses with a serializer, writes through
therapy.services and audits every read."""

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from careteam import audit
from careteam.api_common import based_on_version
from careteam.http import AuthenticatedRequest
from careteam.models import User
from patients import access as patient_access
from patients.api_base import EnteredInErrorRequest, PatientRecordListView
from patients.models import Patient

from . import selectors, services
from .models import Instrument
from .serializers import (
    AssessmentSerializer,
    ProgressNoteSerializer,
    PsychotherapyNoteSerializer,
    TherapyCourseSerializer,
    TherapySessionSerializer,
    TherapySessionUpdateSerializer,
)


def _versioned(data: dict, version: int) -> Response:
    return Response(data, headers={"ETag": f'"{version}"'})


# --- courses ----------------------------------------------------------------------------------


class TherapyCourseListView(PatientRecordListView):
    """GET: the patient's therapy courses (care team). POST: open one (therapist on the team)."""

    serializer_class = TherapyCourseSerializer
    object_type = "therapycourse"

    def rows(self, patient: Patient) -> QuerySet:
        return selectors.courses(patient=patient)

    def post(self, request: AuthenticatedRequest, patient_id: int) -> Response:
        patient = patient_access.get_patient(request.user, patient_id, patient_access.RECORD_THERAPY)
        serializer = TherapyCourseSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        fields = {k: v for k, v in serializer.validated_data.items() if k != "version"}
        course = services.therapy_course_create(actor=request.user, patient=patient, **fields)
        course = selectors.courses(patient=patient).get(pk=course.pk)
        return Response(TherapyCourseSerializer(course).data, status=status.HTTP_201_CREATED)


class TherapyCourseDetailView(APIView):
    """GET: one course (care team). PATCH: change it, with its version (therapist on the team)."""

    serializer_class = TherapyCourseSerializer

    def get(self, request: AuthenticatedRequest, patient_id: int, course_id: int) -> Response:
        patient = patient_access.get_patient(request.user, patient_id, patient_access.VIEW_CLINICAL)
        course = get_object_or_404(selectors.courses(patient=patient), pk=course_id)
        audit.record(
            actor=request.user,
            action=audit.Action.VIEW,
            object_type="therapycourse",
            object_id=course.pk,
            patient_id=patient.pk,
        )
        return _versioned(TherapyCourseSerializer(course).data, course.version)

    def patch(self, request: AuthenticatedRequest, patient_id: int, course_id: int) -> Response:
        patient = patient_access.get_patient(request.user, patient_id, patient_access.RECORD_THERAPY)
        course = get_object_or_404(selectors.courses(patient=patient), pk=course_id)
        version = based_on_version(request)
        serializer = TherapyCourseSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        fields = {k: v for k, v in serializer.validated_data.items() if k != "version"}
        services.therapy_course_update(actor=request.user, course=course, version=version, **fields)
        course = selectors.courses(patient=patient).get(pk=course.pk)
        return _versioned(TherapyCourseSerializer(course).data, course.version)


# --- sessions ---------------------------------------------------------------------------------


class TherapySessionListView(PatientRecordListView):
    """GET: the patient's sessions, newest first, with "session N of M" (care team).
    POST: record or schedule one (therapist on the team)."""

    serializer_class = TherapySessionSerializer
    object_type = "therapysession"

    def rows(self, patient: Patient) -> QuerySet:
        return selectors.sessions(patient=patient)

    def post(self, request: AuthenticatedRequest, patient_id: int) -> Response:
        patient = patient_access.get_patient(request.user, patient_id, patient_access.RECORD_THERAPY)
        serializer = TherapySessionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        session = services.therapy_session_create(
            actor=request.user, patient=patient, **serializer.validated_data
        )
        session = selectors.sessions(patient=patient).get(pk=session.pk)
        return Response(TherapySessionSerializer(session).data, status=status.HTTP_201_CREATED)


class TherapySessionDetailView(APIView):
    """GET: one session (care team). PATCH: e.g. record attendance and the alliance rating
    afterwards, with the version edited (therapist on the team)."""

    serializer_class = TherapySessionSerializer

    def get(self, request: AuthenticatedRequest, patient_id: int, session_id: int) -> Response:
        patient = patient_access.get_patient(request.user, patient_id, patient_access.VIEW_CLINICAL)
        session = get_object_or_404(selectors.sessions(patient=patient), pk=session_id)
        audit.record(
            actor=request.user,
            action=audit.Action.VIEW,
            object_type="therapysession",
            object_id=session.pk,
            patient_id=patient.pk,
        )
        return _versioned(TherapySessionSerializer(session).data, session.version)

    @extend_schema(request=TherapySessionUpdateSerializer, responses=TherapySessionSerializer)
    def patch(self, request: AuthenticatedRequest, patient_id: int, session_id: int) -> Response:
        patient = patient_access.get_patient(request.user, patient_id, patient_access.RECORD_THERAPY)
        session = get_object_or_404(selectors.sessions(patient=patient), pk=session_id)
        version = based_on_version(request)
        serializer = TherapySessionUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        fields = {k: v for k, v in serializer.validated_data.items() if k != "version"}
        services.therapy_session_update(actor=request.user, session=session, version=version, **fields)
        session = selectors.sessions(patient=patient).get(pk=session.pk)
        return _versioned(TherapySessionSerializer(session).data, session.version)


# --- progress notes ---------------------------------------------------------------------------


class ProgressNoteListView(PatientRecordListView):
    """GET: progress notes (care team). POST: write one (therapist on the team)."""

    serializer_class = ProgressNoteSerializer
    object_type = "progressnote"

    def rows(self, patient: Patient) -> QuerySet:
        return selectors.progress_notes(patient=patient)

    def post(self, request: AuthenticatedRequest, patient_id: int) -> Response:
        patient = patient_access.get_patient(request.user, patient_id, patient_access.RECORD_THERAPY)
        serializer = ProgressNoteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        note = services.progress_note_create(
            actor=request.user, patient=patient, text=data["text"], session_id=data.get("session_id")
        )
        return Response(ProgressNoteSerializer(note).data, status=status.HTTP_201_CREATED)


class ProgressNoteDetailView(APIView):
    serializer_class = ProgressNoteSerializer

    def get(self, request: AuthenticatedRequest, patient_id: int, note_id: int) -> Response:
        patient = patient_access.get_patient(request.user, patient_id, patient_access.VIEW_CLINICAL)
        note = get_object_or_404(selectors.progress_notes(patient=patient), pk=note_id)
        audit.record(
            actor=request.user,
            action=audit.Action.VIEW,
            object_type="progressnote",
            object_id=note.pk,
            patient_id=patient.pk,
        )
        return Response(ProgressNoteSerializer(note).data)


# --- psychotherapy notes ----------------------------------------------------------------------


class PsychotherapyNoteListView(PatientRecordListView):
    """GET: the caller's OWN psychotherapy notes on this patient; POST: write one. Therapists on
    the team only; nobody ever sees another person's notes. Every access is audited."""

    request: AuthenticatedRequest
    serializer_class = PsychotherapyNoteSerializer
    object_type = "psychotherapynote"
    read_action = patient_access.READ_PSYCHOTHERAPY_NOTES

    def rows(self, patient: Patient) -> QuerySet:
        return selectors.psychotherapy_notes(actor=self.request.user, patient=patient)

    def list(self, request: Request, *args, **kwargs) -> Response:
        response = super().list(request, *args, **kwargs)
        # The listing itself, also when it is empty (the notes read are audited one by one).
        audit.record(
            actor=self.request.user,
            action=audit.Action.LIST,
            object_type=self.object_type,
            object_id="*",
            patient_id=int(self.kwargs["patient_id"]),
        )
        return response

    def post(self, request: AuthenticatedRequest, patient_id: int) -> Response:
        patient = patient_access.get_patient(request.user, patient_id, patient_access.RECORD_THERAPY)
        serializer = PsychotherapyNoteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        note = services.psychotherapy_note_create(
            actor=request.user, patient=patient, text=serializer.validated_data["text"]
        )
        return Response(PsychotherapyNoteSerializer(note).data, status=status.HTTP_201_CREATED)


class PsychotherapyNoteDetailView(APIView):
    serializer_class = PsychotherapyNoteSerializer

    def get(self, request: AuthenticatedRequest, patient_id: int, note_id: int) -> Response:
        patient = patient_access.get_patient(request.user, patient_id, patient_access.OPEN_PSYCHOTHERAPY_NOTE)
        note = selectors.psychotherapy_note_open(actor=request.user, patient=patient, note_id=note_id)
        return Response(PsychotherapyNoteSerializer(note).data)


# --- measures ---------------------------------------------------------------------------------


class AssessmentListView(PatientRecordListView):
    """GET: the patient's PHQ-9 and GAD-7 scores, most recent first (``?instrument=PHQ9`` to
    filter). POST ``{"instrument", "answers", "administered_on"?}``: score and store one (any
    care-team member); 201 with ``total`` and ``severity``."""

    serializer_class = AssessmentSerializer
    object_type = "assessment"

    def rows(self, patient: Patient) -> QuerySet:
        instrument = self.request.query_params.get("instrument", "")
        if instrument and instrument not in Instrument.values:
            raise ValidationError({"instrument": [f"Filter by one of: {', '.join(Instrument.values)}."]})
        return selectors.assessments(patient=patient, instrument=instrument)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "instrument", str, enum=Instrument.values, description="Only this questionnaire."
            )
        ]
    )
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)

    def post(self, request: AuthenticatedRequest, patient_id: int) -> Response:
        patient = patient_access.get_patient(request.user, patient_id, patient_access.RECORD_CLINICAL)
        serializer = AssessmentSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        assessment = services.assessment_record(
            actor=request.user, patient=patient, **serializer.validated_data
        )
        return Response(AssessmentSerializer(assessment).data, status=status.HTTP_201_CREATED)


class AssessmentDetailView(APIView):
    serializer_class = AssessmentSerializer

    def get(self, request: AuthenticatedRequest, patient_id: int, assessment_id: int) -> Response:
        patient = patient_access.get_patient(request.user, patient_id, patient_access.VIEW_CLINICAL)
        assessment = get_object_or_404(selectors.assessments(patient=patient), pk=assessment_id)
        audit.record(
            actor=request.user,
            action=audit.Action.VIEW,
            object_type="assessment",
            object_id=assessment.pk,
            patient_id=patient.pk,
        )
        return Response(AssessmentSerializer(assessment).data)


# --- corrections: entered in error ------------------------------------------------------------


class _EnteredInErrorView(APIView):
    """POST ``{"reason"}``: mark the record entered in error. 200 with the record; its author
    only (others on the team 403, off the team 404); without a reason 400 and nothing written."""

    serializer_class = EnteredInErrorRequest
    response_serializer: type[serializers.BaseSerializer]

    def rows(self, patient: Patient) -> QuerySet:
        raise NotImplementedError

    def mark(self, *, actor: User, record: Any, reason: str) -> None:
        raise NotImplementedError

    def post(self, request: AuthenticatedRequest, patient_id: int, record_id: int) -> Response:
        patient = patient_access.get_patient(request.user, patient_id, patient_access.RECORD_CLINICAL)
        record = get_object_or_404(self.rows(patient), pk=record_id)
        serializer = EnteredInErrorRequest(data=request.data)
        serializer.is_valid(raise_exception=True)
        self.mark(actor=request.user, record=record, reason=serializer.validated_data.get("reason", ""))
        record = self.rows(patient).get(pk=record.pk)
        return Response(self.response_serializer(record).data)


class AssessmentEnteredInErrorView(_EnteredInErrorView):
    response_serializer = AssessmentSerializer

    def rows(self, patient: Patient) -> QuerySet:
        return selectors.assessments(patient=patient)

    @extend_schema(request=EnteredInErrorRequest, responses=AssessmentSerializer)
    def post(self, request: AuthenticatedRequest, patient_id: int, record_id: int) -> Response:
        return super().post(request, patient_id, record_id)

    def mark(self, *, actor: User, record: Any, reason: str) -> None:
        services.assessment_enter_in_error(actor=actor, assessment=record, reason=reason)


class TherapySessionEnteredInErrorView(_EnteredInErrorView):
    response_serializer = TherapySessionSerializer

    def rows(self, patient: Patient) -> QuerySet:
        return selectors.sessions(patient=patient)

    @extend_schema(request=EnteredInErrorRequest, responses=TherapySessionSerializer)
    def post(self, request: AuthenticatedRequest, patient_id: int, record_id: int) -> Response:
        return super().post(request, patient_id, record_id)

    def mark(self, *, actor: User, record: Any, reason: str) -> None:
        services.therapy_session_enter_in_error(actor=actor, session=record, reason=reason)


class ProgressNoteEnteredInErrorView(_EnteredInErrorView):
    response_serializer = ProgressNoteSerializer

    def rows(self, patient: Patient) -> QuerySet:
        return selectors.progress_notes(patient=patient)

    @extend_schema(request=EnteredInErrorRequest, responses=ProgressNoteSerializer)
    def post(self, request: AuthenticatedRequest, patient_id: int, record_id: int) -> Response:
        return super().post(request, patient_id, record_id)

    def mark(self, *, actor: User, record: Any, reason: str) -> None:
        services.progress_note_enter_in_error(actor=actor, note=record, reason=reason)
