from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.generics import ListAPIView
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from careteam import access, audit
from careteam.api_common import based_on_version
from careteam.http import AuthenticatedRequest
from careteam.parsers import ObjectJSONParser
from careteam.roles import Perm
from patients import access as patient_access
from patients.api_base import EnteredInErrorRequest, PatientRecordListView
from patients.models import Patient

from . import selectors, services
from .forms import ResourceFilterForm
from .models import CommunityResource, ResourceImport
from .serializers import (
    ContactSerializer,
    NeedSerializer,
    ReferralSerializer,
    ReferralStatusInputSerializer,
    ResourceImportSerializer,
    ResourceImportUploadSerializer,
    ResourceSerializer,
)


@extend_schema(
    parameters=[
        OpenApiParameter(
            "current",
            OpenApiTypes.BOOL,
            description="Only the latest assessment in each domain (the patient's current needs).",
        )
    ]
)
class NeedListView(PatientRecordListView):
    """GET: the patient's needs assessments, newest first (?current=true: the latest per domain).
    POST: record an assessment (any care-team member)."""

    serializer_class = NeedSerializer
    object_type = "needassessment"

    def rows(self, patient: Patient) -> QuerySet:
        if self.request.query_params.get("current", "").lower() in ("1", "true", "yes"):
            return selectors.current_needs(patient=patient)
        return selectors.needs(patient=patient)

    def post(self, request: AuthenticatedRequest, patient_id: int) -> Response:
        patient = patient_access.get_patient(request.user, patient_id, patient_access.RECORD_CLINICAL)
        serializer = NeedSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        need = services.need_record(actor=request.user, patient=patient, **serializer.validated_data)
        return Response(NeedSerializer(need).data, status=status.HTTP_201_CREATED)


class ContactListView(PatientRecordListView):
    """GET: the patient's contact log, newest first. POST: log a contact (any care-team member)."""

    serializer_class = ContactSerializer
    object_type = "contact"

    def rows(self, patient: Patient) -> QuerySet:
        return selectors.contacts(patient=patient)

    def post(self, request: AuthenticatedRequest, patient_id: int) -> Response:
        patient = patient_access.get_patient(request.user, patient_id, patient_access.RECORD_CLINICAL)
        serializer = ContactSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        contact = services.contact_record(actor=request.user, patient=patient, **serializer.validated_data)
        return Response(ContactSerializer(contact).data, status=status.HTTP_201_CREATED)


class ReferralListView(PatientRecordListView):
    """GET: the patient's referrals (care team). POST: refer the patient to an active resource
    (the case manager on the team); it starts as a draft."""

    serializer_class = ReferralSerializer
    object_type = "referral"

    def rows(self, patient: Patient) -> QuerySet:
        return selectors.referrals(patient=patient)

    def post(self, request: AuthenticatedRequest, patient_id: int) -> Response:
        patient = patient_access.get_patient(request.user, patient_id, patient_access.MANAGE_REFERRALS)
        serializer = ReferralSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        referral = services.referral_create(actor=request.user, patient=patient, **serializer.validated_data)
        referral = selectors.referrals(patient=patient).get(pk=referral.pk)
        return Response(ReferralSerializer(referral).data, status=status.HTTP_201_CREATED)


class ReferralDetailView(APIView):
    """A referral with its complete status history, oldest step first."""

    serializer_class = ReferralSerializer

    def get(self, request: AuthenticatedRequest, patient_id: int, referral_id: int) -> Response:
        patient = patient_access.get_patient(request.user, patient_id, patient_access.VIEW_CLINICAL)
        referral = get_object_or_404(selectors.referrals(patient=patient), pk=referral_id)
        audit.record(
            actor=request.user,
            action=audit.Action.VIEW,
            object_type="referral",
            object_id=referral.pk,
            patient_id=patient.pk,
        )
        return Response(ReferralSerializer(referral).data)


class ReferralStatusView(APIView):
    """POST {"status", "reason"?, "note"?, "follow_up_on"?}: the next step of the referral (the
    case manager on the team). A skipped step, or a decline/closing without a reason: 400."""

    serializer_class = ReferralSerializer

    @extend_schema(request=ReferralStatusInputSerializer, responses=ReferralSerializer)
    def post(self, request: AuthenticatedRequest, patient_id: int, referral_id: int) -> Response:
        patient = patient_access.get_patient(request.user, patient_id, patient_access.MANAGE_REFERRALS)
        referral = get_object_or_404(selectors.referrals(patient=patient, with_history=False), pk=referral_id)
        serializer = ReferralStatusInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.referral_status_change(actor=request.user, referral=referral, **serializer.validated_data)
        return Response(ReferralSerializer(selectors.referrals(patient=patient).get(pk=referral.pk)).data)


class EnteredInErrorView(APIView):
    """POST {"reason"}: mark one of the patient's records entered in error (its author only:
    others on the team 403, outsiders 404; no reason: 400). 200 with the record."""

    serializer_class: type = NeedSerializer
    kind = ""

    def _record(self, patient: Patient, record_id: int) -> Any:
        raise NotImplementedError

    def _mark(self, request: AuthenticatedRequest, record: Any, reason: str) -> Any:
        raise NotImplementedError

    @extend_schema(request=EnteredInErrorRequest)
    def post(self, request: AuthenticatedRequest, patient_id: int, record_id: int) -> Response:
        patient = patient_access.get_patient(request.user, patient_id, patient_access.RECORD_CLINICAL)
        record = self._record(patient, record_id)
        services.author_check(actor=request.user, record=record)
        serializer = EnteredInErrorRequest(data=request.data)
        serializer.is_valid(raise_exception=True)
        self._mark(request, record, serializer.validated_data["reason"])
        return Response(self.serializer_class(self._record(patient, record_id)).data)


class NeedEnteredInErrorView(EnteredInErrorView):
    serializer_class = NeedSerializer

    def _record(self, patient: Patient, record_id: int) -> Any:
        return get_object_or_404(selectors.needs(patient=patient), pk=record_id)

    def _mark(self, request: AuthenticatedRequest, record: Any, reason: str) -> Any:
        return services.need_entered_in_error(actor=request.user, need=record, reason=reason)


class ContactEnteredInErrorView(EnteredInErrorView):
    serializer_class = ContactSerializer

    def _record(self, patient: Patient, record_id: int) -> Any:
        return get_object_or_404(selectors.contacts(patient=patient), pk=record_id)

    def _mark(self, request: AuthenticatedRequest, record: Any, reason: str) -> Any:
        return services.contact_entered_in_error(actor=request.user, contact=record, reason=reason)


class ReferralEnteredInErrorView(EnteredInErrorView):
    serializer_class = ReferralSerializer

    def _record(self, patient: Patient, record_id: int) -> Any:
        return get_object_or_404(selectors.referrals(patient=patient), pk=record_id)

    def _mark(self, request: AuthenticatedRequest, record: Any, reason: str) -> Any:
        return services.referral_entered_in_error(actor=request.user, referral=record, reason=reason)


class FollowUpListView(ListAPIView):
    """The caller's overdue referral follow-ups across their caseload (case managers)."""

    serializer_class = ReferralSerializer
    request: AuthenticatedRequest

    def list(self, request: Request, *args, **kwargs) -> Response:
        user = self.request.user
        access.require(user, Perm.MANAGE_REFERRALS)
        page = self.paginate_queryset(
            selectors.overdue_referrals(actor=user).prefetch_related(selectors.HISTORY)
        )
        if page is None:
            raise ImproperlyConfigured("The follow-up list is paginated (DEFAULT_PAGINATION_CLASS).")
        audit.record_reads(
            actor=user,
            action=audit.Action.LIST,
            object_type="referral",
            objects=page,
            patient_attr="patient_id",
        )
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


def _resource_filters(request: Request) -> dict:
    params = request.query_params
    form = ResourceFilterForm(
        {
            "q": params.get("search", ""),
            "category": params.get("category", ""),
            "active": {"true": "yes", "false": "no"}.get(params.get("active", "").lower(), "all"),
        }
    )
    if not form.is_valid():
        raise ValidationError(
            {field: [str(message) for message in errors] for field, errors in form.errors.items()}
        )
    return form.filters()


@extend_schema(
    parameters=[
        OpenApiParameter("search", str, description="Words to find in name, description or address"),
        OpenApiParameter("category", str, description="One category"),
        OpenApiParameter("active", OpenApiTypes.BOOL, description="Only active (or inactive) ones"),
    ]
)
class ResourceListView(ListAPIView):
    """GET: the community resource directory (any clinician, admins). POST: add a resource
    (case managers and admins)."""

    serializer_class = ResourceSerializer
    request: AuthenticatedRequest

    def get_queryset(self) -> QuerySet[CommunityResource]:
        return selectors.resources(actor=self.request.user, **_resource_filters(self.request))

    def post(self, request: AuthenticatedRequest) -> Response:
        access.require(request.user, Perm.MANAGE_RESOURCES)
        serializer = ResourceSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        resource = services.resource_create(actor=request.user, **serializer.validated_data)
        return Response(ResourceSerializer(resource).data, status=status.HTTP_201_CREATED)


class ResourceDetailView(APIView):
    """GET a directory entry. PATCH (case managers, admins) needs the ``version`` it is based on
    (or If-Match): a stale edit gets 409 (412 with If-Match) and changes nothing."""

    serializer_class = ResourceSerializer

    def _get(self, request: AuthenticatedRequest, resource_id: int) -> CommunityResource:
        return get_object_or_404(selectors.resources(actor=request.user), pk=resource_id)

    def get(self, request: AuthenticatedRequest, resource_id: int) -> Response:
        resource = self._get(request, resource_id)
        return Response(ResourceSerializer(resource).data, headers={"ETag": f'"{resource.version}"'})

    def patch(self, request: AuthenticatedRequest, resource_id: int) -> Response:
        access.require(request.user, Perm.MANAGE_RESOURCES)
        resource = self._get(request, resource_id)
        version = based_on_version(request)
        serializer = ResourceSerializer(resource, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        resource = services.resource_update(
            actor=request.user, resource=resource, version=version, **serializer.validated_data
        )
        return Response(ResourceSerializer(resource).data, headers={"ETag": f'"{resource.version}"'})


class ResourceImportListView(ListAPIView):
    """GET: the directory imports, newest first. POST: upload a CSV (multipart ``file``) to
    import; it is checked at once (not CSV, or required columns missing: 400, nothing queued)
    and then imported by a background job: follow ``progress_url``."""

    serializer_class = ResourceImportSerializer
    parser_classes = [MultiPartParser, FormParser, ObjectJSONParser]
    request: AuthenticatedRequest

    def get_queryset(self) -> QuerySet[ResourceImport]:
        return selectors.resource_imports(actor=self.request.user)

    @extend_schema(
        request={
            "multipart/form-data": ResourceImportUploadSerializer,
            "application/json": ResourceImportUploadSerializer,
        },
        responses={201: ResourceImportSerializer},
    )
    def post(self, request: AuthenticatedRequest) -> Response:
        access.require(request.user, Perm.MANAGE_RESOURCES)
        serializer = ResourceImportUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        job = services.resource_import_start(actor=request.user, **serializer.upload())
        data = ResourceImportSerializer(job).data
        return Response(data, status=status.HTTP_201_CREATED, headers={"Location": data["progress_url"]})


class ResourceImportDetailView(APIView):
    """The progress of an import, and when done its report: counts and the rejected rows (line
    number and reason)."""

    serializer_class = ResourceImportSerializer

    def get(self, request: AuthenticatedRequest, import_id: int) -> Response:
        job = get_object_or_404(selectors.resource_imports(actor=request.user), pk=import_id)
        return Response(ResourceImportSerializer(job).data)
