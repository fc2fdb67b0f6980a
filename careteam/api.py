from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from . import access, selectors, services
from .forms import AuditFilterForm
from .http import AuthenticatedRequest
from .models import AuditEvent, User
from .roles import Perm
from .serializers import AuditEventSerializer, MeSerializer, StaffSerializer


class MeView(APIView):
    @extend_schema(responses=MeSerializer)
    def get(self, request: AuthenticatedRequest) -> Response:
        return Response(MeSerializer(request.user).data)


class StaffListView(ListAPIView):
    serializer_class = StaffSerializer
    request: AuthenticatedRequest

    def get_queryset(self) -> QuerySet[User]:
        return selectors.staff_list(actor=self.request.user)

    def post(self, request: AuthenticatedRequest) -> Response:
        access.require(request.user, Perm.MANAGE_STAFF)
        serializer = StaffSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = services.staff_create(actor=request.user, **serializer.validated_data)
        return Response(StaffSerializer(user).data, status=status.HTTP_201_CREATED)


class StaffDetailView(APIView):
    serializer_class = StaffSerializer

    def _get(self, request: AuthenticatedRequest, staff_id: int) -> User:
        return get_object_or_404(selectors.staff_list(actor=request.user), pk=staff_id)

    def get(self, request: AuthenticatedRequest, staff_id: int) -> Response:
        return Response(StaffSerializer(self._get(request, staff_id)).data)

    def patch(self, request: AuthenticatedRequest, staff_id: int) -> Response:
        user = self._get(request, staff_id)
        serializer = StaffSerializer(user, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        user = services.staff_update(actor=request.user, user=user, **serializer.validated_data)
        return Response(StaffSerializer(user).data)


class AuditListView(ListAPIView):
    serializer_class = AuditEventSerializer
    request: AuthenticatedRequest

    def get_queryset(self) -> QuerySet[AuditEvent]:
        access.require(self.request.user, Perm.VIEW_AUDIT)
        form = AuditFilterForm(self.request.query_params)
        if not form.is_valid():
            raise ValidationError(
                {field: [str(message) for message in errors] for field, errors in form.errors.items()}
            )
        return selectors.audit_events(actor=self.request.user, **form.filters())
