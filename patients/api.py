from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from careteam import access, audit
from careteam.api_common import based_on_version
from careteam.http import AuthenticatedRequest
from careteam.roles import Perm
from patients import access as patient_access

from . import selectors, services
from .models import CarePlan, Patient
from .serializers import (
    CarePlanSerializer,
    CareTeamMemberSerializer,
    GoalSerializer,
    PatientSerializer,
)


class PatientListView(ListAPIView):
    """GET: patients on the caller's care teams (admins: all, demographics only).
    POST: register a patient (admins and case managers)."""

    serializer_class = PatientSerializer
    request: AuthenticatedRequest

    def get_queryset(self) -> QuerySet[Patient]:
        return selectors.patient_list(
            actor=self.request.user, search=self.request.query_params.get("search", "")
        )

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        if page is None:
            raise ImproperlyConfigured("The patient list is paginated (DEFAULT_PAGINATION_CLASS).")
        audit.record_reads(
            actor=self.request.user, action=audit.Action.LIST, object_type="patient", objects=page
        )
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def post(self, request: AuthenticatedRequest) -> Response:
        access.require(request.user, Perm.ADD_PATIENT)
        serializer = PatientSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        patient = services.patient_register(actor=request.user, **serializer.validated_data)
        return Response(PatientSerializer(patient).data, status=status.HTTP_201_CREATED)


class PatientDetailView(APIView):
    serializer_class = PatientSerializer

    def get(self, request: AuthenticatedRequest, patient_id: int) -> Response:
        patient = patient_access.get_patient(request.user, patient_id, patient_access.VIEW_DEMOGRAPHICS)
        audit.record(
            actor=request.user,
            action=audit.Action.VIEW,
            object_type="patient",
            object_id=patient.pk,
            patient_id=patient.pk,
        )
        return Response(PatientSerializer(patient).data)

    def patch(self, request: AuthenticatedRequest, patient_id: int) -> Response:
        patient = patient_access.get_patient(request.user, patient_id, patient_access.CHANGE_DEMOGRAPHICS)
        serializer = PatientSerializer(patient, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        patient = services.patient_update(actor=request.user, patient=patient, **serializer.validated_data)
        return Response(PatientSerializer(patient).data)


class CareTeamView(APIView):
    serializer_class = CareTeamMemberSerializer

    def get(self, request: AuthenticatedRequest, patient_id: int) -> Response:
        patient = patient_access.get_patient(request.user, patient_id, patient_access.VIEW_CARE_TEAM)
        members = selectors.care_team(patient=patient)
        audit.record(
            actor=request.user,
            action=audit.Action.VIEW,
            object_type="careteam",
            object_id=patient.pk,
            patient_id=patient.pk,
        )
        return Response(CareTeamMemberSerializer(members, many=True).data)

    def post(self, request: AuthenticatedRequest, patient_id: int) -> Response:
        patient = patient_access.get_patient(request.user, patient_id, patient_access.MANAGE_CARE_TEAM)
        serializer = CareTeamMemberSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        member = services.care_team_add(
            actor=request.user,
            patient=patient,
            user=data["user"],
            role=data["role"],
            is_primary=data.get("is_primary", False),
        )
        return Response(CareTeamMemberSerializer(member).data, status=status.HTTP_201_CREATED)


class CareTeamMemberView(APIView):
    serializer_class = CareTeamMemberSerializer

    def delete(self, request: AuthenticatedRequest, patient_id: int, member_id: int) -> Response:
        patient = patient_access.get_patient(request.user, patient_id, patient_access.MANAGE_CARE_TEAM)
        member = get_object_or_404(selectors.care_team(patient=patient), pk=member_id)
        services.care_team_remove(actor=request.user, member=member)
        return Response(status=status.HTTP_204_NO_CONTENT)


def _plan_response(plan: CarePlan) -> Response:
    return Response(CarePlanSerializer(plan).data, headers={"ETag": f'"{plan.version}"'})


class CarePlanView(APIView):
    """The shared care plan. PATCH needs the version it is based on (``version`` or If-Match);
    a stale edit gets 409 (412 with If-Match) and changes nothing."""

    serializer_class = CarePlanSerializer

    def get(self, request: AuthenticatedRequest, patient_id: int) -> Response:
        patient = patient_access.get_patient(request.user, patient_id, patient_access.VIEW_CLINICAL)
        plan = selectors.care_plan(patient=patient)
        audit.record(
            actor=request.user,
            action=audit.Action.VIEW,
            object_type="careplan",
            object_id=plan.pk,
            patient_id=patient.pk,
        )
        return _plan_response(plan)

    def patch(self, request: AuthenticatedRequest, patient_id: int) -> Response:
        patient = patient_access.get_patient(request.user, patient_id, patient_access.EDIT_CARE_PLAN)
        version = based_on_version(request)
        serializer = CarePlanSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        services.care_plan_update(
            actor=request.user, patient=patient, version=version, **serializer.validated_data
        )
        return _plan_response(selectors.care_plan(patient=patient))


class GoalListView(APIView):
    serializer_class = GoalSerializer

    @extend_schema(operation_id="patients_care_plan_goals_list", responses=GoalSerializer(many=True))
    def get(self, request: AuthenticatedRequest, patient_id: int) -> Response:
        patient = patient_access.get_patient(request.user, patient_id, patient_access.VIEW_CLINICAL)
        audit.record(
            actor=request.user,
            action=audit.Action.LIST,
            object_type="goal",
            object_id="*",
            patient_id=patient.pk,
        )
        return Response(GoalSerializer(selectors.goals(patient=patient), many=True).data)

    def post(self, request: AuthenticatedRequest, patient_id: int) -> Response:
        patient = patient_access.get_patient(request.user, patient_id, patient_access.EDIT_CARE_PLAN)
        serializer = GoalSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        goal = services.goal_create(actor=request.user, patient=patient, **serializer.validated_data)
        return Response(GoalSerializer(goal).data, status=status.HTTP_201_CREATED)


class GoalDetailView(APIView):
    serializer_class = GoalSerializer

    def get(self, request: AuthenticatedRequest, patient_id: int, goal_id: int) -> Response:
        patient = patient_access.get_patient(request.user, patient_id, patient_access.VIEW_CLINICAL)
        goal = get_object_or_404(selectors.goals(patient=patient), pk=goal_id)
        audit.record(
            actor=request.user,
            action=audit.Action.VIEW,
            object_type="goal",
            object_id=goal.pk,
            patient_id=patient.pk,
        )
        return Response(GoalSerializer(goal).data, headers={"ETag": f'"{goal.version}"'})

    def patch(self, request: AuthenticatedRequest, patient_id: int, goal_id: int) -> Response:
        patient = patient_access.get_patient(request.user, patient_id, patient_access.EDIT_CARE_PLAN)
        goal = get_object_or_404(selectors.goals(patient=patient), pk=goal_id)
        version = based_on_version(request)
        serializer = GoalSerializer(goal, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        goal = services.goal_update(
            actor=request.user, goal=goal, version=version, **serializer.validated_data
        )
        return Response(GoalSerializer(goal).data, headers={"ETag": f'"{goal.version}"'})
