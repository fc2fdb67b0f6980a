from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.exceptions import ValidationError
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from . import access, selectors, services
from .forms import AuditFilterForm
from .roles import Perm
from .serializers import AuditEventSerializer, MeSerializer, StaffSerializer


class TokenView(ObtainAuthToken):
    """POST username and password, get a token. Wrong credentials: 400, no hint which part."""


class MeView(APIView):
    @extend_schema(responses=MeSerializer)
    def get(self, request: Request) -> Response:
        return Response(MeSerializer(request.user).data)


class StaffListView(ListAPIView):
    serializer_class = StaffSerializer

    def get_queryset(self):
        return selectors.staff_list(actor=self.request.user)

    def post(self, request: Request) -> Response:
        access.require(request.user, Perm.MANAGE_STAFF)
        serializer = StaffSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = services.staff_create(actor=request.user, **serializer.validated_data)
        return Response(StaffSerializer(user).data, status=status.HTTP_201_CREATED)


class StaffDetailView(APIView):
    serializer_class = StaffSerializer

    def _get(self, request: Request, staff_id: int):
        return get_object_or_404(selectors.staff_list(actor=request.user), pk=staff_id)

    def get(self, request: Request, staff_id: int) -> Response:
        return Response(StaffSerializer(self._get(request, staff_id)).data)

    def patch(self, request: Request, staff_id: int) -> Response:
        user = self._get(request, staff_id)
        serializer = StaffSerializer(user, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        user = services.staff_update(actor=request.user, user=user, **serializer.validated_data)
        return Response(StaffSerializer(user).data)


class AuditListView(ListAPIView):
    serializer_class = AuditEventSerializer

    def get_queryset(self):
        access.require(self.request.user, Perm.VIEW_AUDIT)
        form = AuditFilterForm(self.request.query_params)
        if not form.is_valid():
            raise ValidationError({field: list(errors) for field, errors in form.errors.items()})
        return selectors.audit_events(actor=self.request.user, **form.filters())
