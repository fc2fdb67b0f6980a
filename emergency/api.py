"""Break-glass API: a clinician opens emergency access; admins list and review the grants."""

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from rest_framework import status
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from careteam import audit
from careteam.http import AuthenticatedRequest
from patients import access as patient_access
from patients.models import BreakGlassGrant

from . import selectors, services
from .serializers import BreakGlassGrantSerializer, BreakGlassOpenedSerializer, BreakGlassRequestSerializer


class BreakGlassOpenView(APIView):
    """POST {"reason"}: read-only access to a patient off the caller's care teams for
    BREAK_GLASS_MINUTES → 201 {"id", "patient", "expires"}. Clinicians only (403); a clinician
    already on the team → 400 on ``patient``; no reason → 400 on ``reason``."""

    serializer_class = BreakGlassRequestSerializer

    def post(self, request: AuthenticatedRequest, patient_id: int) -> Response:
        patient = patient_access.break_glass_patient(request.user, patient_id)
        serializer = BreakGlassRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        grant = services.break_glass_open(
            actor=request.user, patient=patient, reason=serializer.validated_data["reason"]
        )
        return Response(BreakGlassOpenedSerializer(grant).data, status=status.HTTP_201_CREATED)


class BreakGlassListView(ListAPIView):
    """GET: every grant, newest first, with its clinician, patient id, reason, start, expiry and
    number of reads (admins only)."""

    serializer_class = BreakGlassGrantSerializer
    request: AuthenticatedRequest

    def get_queryset(self) -> QuerySet[BreakGlassGrant]:
        return selectors.grants_for_review(actor=self.request.user)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response = super().list(request, *args, **kwargs)
        audit.record(
            actor=self.request.user, action=audit.Action.LIST, object_type="breakglassgrant", object_id="*"
        )
        return response


class BreakGlassReviewView(APIView):
    """POST: an admin marks the grant reviewed → 200 with the grant."""

    serializer_class = BreakGlassGrantSerializer

    def post(self, request: AuthenticatedRequest, grant_id: int) -> Response:
        grants = selectors.grants_for_review(actor=request.user)
        grant = grants.filter(pk=grant_id).first()
        if grant is None:
            raise Http404("No grant matches the given query.")
        services.break_glass_review(actor=request.user, grant=grant)
        return Response(BreakGlassGrantSerializer(grants.get(pk=grant.pk)).data)
