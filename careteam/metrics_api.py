"""GET /api/v1/metrics/: the team metrics as JSON (see careteam/metrics.py)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from . import metrics


class TeamMetricsView(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter("start", OpenApiTypes.DATE, description="default: 89 days before end"),
            OpenApiParameter("end", OpenApiTypes.DATE, description="default: today"),
            OpenApiParameter("clinician", OpenApiTypes.INT,
                             description="a clinician sharing a care team with you (admins: any)"),
        ],
        responses={200: OpenApiTypes.OBJECT, 400: OpenApiTypes.OBJECT, 401: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request) -> Response:
        scope, errors = metrics.parse_scope(request.user, request.query_params)
        if scope is None:
            raise ValidationError(errors)
        return Response(metrics.team_metrics(request.user, scope))
