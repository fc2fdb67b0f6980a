"""GET /api/v1/patients/<id>/timeline/: the patient timeline, keyset-paginated (``next``)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from . import access, audit
from .timeline import COMPONENTS, parse_filters, patient_timeline, query_string


class TimelineEntrySerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    component = serializers.ChoiceField(choices=list(COMPONENTS))
    kind = serializers.CharField()
    title = serializers.CharField()
    who = serializers.CharField()
    url = serializers.CharField(help_text="The page of the record this entry is about.")


class PatientTimelineView(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter("component", OpenApiTypes.STR, many=True, enum=list(COMPONENTS),
                             description="Only these components (repeat the parameter)."),
            OpenApiParameter("from", OpenApiTypes.DATE, description="From this day (included)."),
            OpenApiParameter("to", OpenApiTypes.DATE, description="To this day (included)."),
            OpenApiParameter("before", OpenApiTypes.STR,
                             description="Cursor from a previous page's `next` link."),
            OpenApiParameter("page_size", OpenApiTypes.INT, description="1 to 200, default 50."),
        ],
        responses=inline_serializer("PatientTimelinePage", {
            "next": serializers.CharField(allow_null=True),
            "results": TimelineEntrySerializer(many=True),
        }),
    )
    def get(self, request: Request, patient_id: int) -> Response:
        patient = access.get_patient(request.user, patient_id, access.VIEW_CLINICAL)
        filters, errors = parse_filters(request.query_params)
        if errors:
            raise ValidationError(errors)
        page = patient_timeline(patient=patient, components=filters.components,
                                since=filters.since, until=filters.until, before=filters.before,
                                limit=filters.limit)
        audit.record(actor=request.user, action=audit.Action.VIEW, object_type="timeline",
                     object_id=patient.pk, patient_id=patient.pk)
        next_url = None
        if page.next_cursor is not None:
            next_url = request.build_absolute_uri(
                f"{request.path}?{query_string(request.query_params, before=page.next_cursor)}")
        return Response({
            "next": next_url,
            "results": TimelineEntrySerializer(page.entries, many=True).data,
        })
