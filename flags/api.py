from django.db.models import QuerySet
from rest_framework import status
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from careteam import audit
from careteam.http import AuthenticatedRequest
from patients import access as patient_access

from . import access, selectors, services
from .models import Flag, Notification
from .serializers import (
    FlagResolveSerializer,
    FlagSerializer,
    NotificationSerializer,
    NotificationsReadAllSerializer,
)


class PatientFlagListView(ListAPIView):
    """GET: the patient's flags (``?status=open`` for unresolved ones). POST: raise a flag."""

    serializer_class = FlagSerializer
    request: AuthenticatedRequest

    def get_queryset(self) -> QuerySet[Flag]:
        patient = patient_access.get_patient(
            self.request.user, self.kwargs["patient_id"], patient_access.VIEW_CLINICAL
        )
        return selectors.flags_for_patient(
            actor=self.request.user, patient_id=patient.pk, status=self.request.query_params.get("status", "")
        )

    def list(self, request: Request, *args, **kwargs) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        audit.record(
            actor=self.request.user,
            action=audit.Action.LIST,
            object_type="flag",
            object_id="*",
            patient_id=int(self.kwargs["patient_id"]),
        )
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def post(self, request: AuthenticatedRequest, patient_id: int) -> Response:
        patient = patient_access.get_patient(request.user, patient_id, patient_access.RECORD_CLINICAL)
        serializer = FlagSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        flag = services.flag_raise(actor=request.user, patient=patient, **serializer.validated_data)
        return Response(
            FlagSerializer(selectors.flag_detail(flag_id=flag.pk)).data, status=status.HTTP_201_CREATED
        )


class FlagDetailView(APIView):
    serializer_class = FlagSerializer

    def get(self, request: AuthenticatedRequest, flag_id: int) -> Response:
        flag = access.get_flag(request.user, flag_id, patient_access.VIEW_CLINICAL)
        audit.record(
            actor=request.user,
            action=audit.Action.VIEW,
            object_type="flag",
            object_id=flag.pk,
            patient_id=flag.patient_id,
        )
        services.flag_notifications_read(actor=request.user, flag=flag)
        return Response(FlagSerializer(selectors.flag_detail(flag_id=flag.pk)).data)


class FlagAcknowledgeView(APIView):
    """POST: the caller, a care-team member the flag was sent to, acknowledges it."""

    serializer_class = FlagSerializer

    def post(self, request: AuthenticatedRequest, flag_id: int) -> Response:
        flag = access.get_flag(request.user, flag_id, patient_access.RECORD_CLINICAL)
        services.flag_acknowledge(actor=request.user, flag=flag)
        return Response(FlagSerializer(selectors.flag_detail(flag_id=flag.pk)).data)


class FlagResolveView(APIView):
    """POST {"note"}: any care-team member resolves the flag."""

    serializer_class = FlagResolveSerializer

    def post(self, request: AuthenticatedRequest, flag_id: int) -> Response:
        flag = access.get_flag(request.user, flag_id, patient_access.RECORD_CLINICAL)
        serializer = FlagResolveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.flag_resolve(actor=request.user, flag=flag, note=serializer.validated_data["note"])
        return Response(FlagSerializer(selectors.flag_detail(flag_id=flag.pk)).data)


class NotificationListView(ListAPIView):
    """The caller's own in-app notifications, newest first (``?unread=true`` for unread)."""

    serializer_class = NotificationSerializer
    request: AuthenticatedRequest

    def get_queryset(self) -> QuerySet[Notification]:
        unread = self.request.query_params.get("unread", "").lower() in {"1", "true", "yes"}
        return selectors.inbox(actor=self.request.user, unread_only=unread)

    def get_serializer_context(self) -> dict:
        # The flag's message only for patients still on the caller's care teams.
        my_patients = set(
            patient_access.team_patient_ids(self.request.user).values_list("content_object_id", flat=True)
        )
        return {**super().get_serializer_context(), "my_patients": my_patients}


class NotificationReadView(APIView):
    serializer_class = NotificationSerializer

    def post(self, request: AuthenticatedRequest, notification_id: int) -> Response:
        notification = access.get_own_notification(request.user, notification_id)
        services.notification_mark_read(actor=request.user, notification=notification)
        row = selectors.inbox(actor=request.user).get(pk=notification.pk)
        mine = set(patient_access.team_patient_ids(request.user).values_list("content_object_id", flat=True))
        return Response(NotificationSerializer(row, context={"my_patients": mine}).data)


class NotificationsReadAllView(APIView):
    """POST: mark every unread notification of the caller read → ``{"marked": n}``."""

    serializer_class = NotificationsReadAllSerializer

    def post(self, request: AuthenticatedRequest) -> Response:
        marked = services.notifications_mark_all_read(actor=request.user)
        return Response(NotificationsReadAllSerializer({"marked": marked}).data)
