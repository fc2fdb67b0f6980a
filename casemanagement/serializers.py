from django.core.files.uploadedfile import UploadedFile
from django.urls import reverse
from rest_framework import serializers

from careteam.api_common import ModelSerializer, PlausibleDateField, StrictPrimaryKeyRelatedField
from patients.api_base import CORRECTION_FIELDS, EnteredInErrorFields

from . import csvfile
from .models import (
    LONG_TEXT,
    CommunityResource,
    Contact,
    NeedAssessment,
    Referral,
    ReferralStatusChange,
    ResourceImport,
)


class NeedSerializer(EnteredInErrorFields, ModelSerializer):
    assessed_by_name = serializers.CharField(source="assessed_by.get_full_name", read_only=True)
    notes = serializers.CharField(required=False, allow_blank=True, max_length=LONG_TEXT)

    class Meta:
        model = NeedAssessment
        fields = [
            "id",
            "domain",
            "priority",
            "status",
            "assessed_on",
            "notes",
            "assessed_by",
            "assessed_by_name",
            "created_at",
            *CORRECTION_FIELDS,
        ]
        read_only_fields = ["id", "assessed_by", "created_at"]


class ContactSerializer(EnteredInErrorFields, ModelSerializer):
    recorded_by_name = serializers.CharField(source="recorded_by.get_full_name", read_only=True)
    notes = serializers.CharField(required=False, allow_blank=True, max_length=LONG_TEXT)

    class Meta:
        model = Contact
        fields = [
            "id",
            "contacted_at",
            "channel",
            "outcome",
            "notes",
            "recorded_by",
            "recorded_by_name",
            "created_at",
            *CORRECTION_FIELDS,
        ]
        read_only_fields = ["id", "recorded_by", "created_at"]


class ResourceSerializer(ModelSerializer):
    description = serializers.CharField(required=False, allow_blank=True, max_length=LONG_TEXT)
    eligibility = serializers.CharField(required=False, allow_blank=True, max_length=LONG_TEXT)

    class Meta:
        model = CommunityResource
        fields = [
            "id",
            "external_id",
            "name",
            "category",
            "description",
            "address",
            "phone",
            "website",
            "eligibility",
            "hours",
            "is_active",
            "version",
            "updated_at",
        ]
        read_only_fields = ["id", "version", "updated_at"]
        # The service checks external-id uniqueness, with the same message as the pages.
        extra_kwargs: dict[str, dict[str, object]] = {"external_id": {"validators": []}}


class ReferralStatusChangeSerializer(ModelSerializer):
    # Plain strings (the values of the referral's ``status``; "" for the creation step) so that
    # the schema names that choice set once.
    from_status = serializers.CharField(read_only=True)
    to_status = serializers.CharField(read_only=True)
    changed_by_name = serializers.CharField(source="changed_by.get_full_name", read_only=True)

    class Meta:
        model = ReferralStatusChange
        fields = [
            "id",
            "from_status",
            "to_status",
            "reason",
            "note",
            "changed_by",
            "changed_by_name",
            "changed_at",
        ]
        read_only_fields = fields


class ReferralSerializer(EnteredInErrorFields, ModelSerializer):
    """A referral with its status history (oldest step first). On create: ``resource`` (an
    active one), optional ``follow_up_on`` and a ``note`` kept on the first history entry."""

    resource = StrictPrimaryKeyRelatedField(queryset=CommunityResource.objects.all())
    resource_name = serializers.CharField(source="resource.name", read_only=True)
    note = serializers.CharField(write_only=True, required=False, allow_blank=True, max_length=LONG_TEXT)
    overdue = serializers.BooleanField(source="is_overdue", read_only=True)
    history = ReferralStatusChangeSerializer(many=True, read_only=True)

    class Meta:
        model = Referral
        fields = [
            "id",
            "patient",
            "resource",
            "resource_name",
            "status",
            "reason",
            "follow_up_on",
            "overdue",
            "note",
            "created_by",
            "created_at",
            "updated_at",
            "history",
            *CORRECTION_FIELDS,
        ]
        read_only_fields = ["id", "patient", "status", "reason", "created_by", "created_at", "updated_at"]


class ReferralStatusInputSerializer(serializers.Serializer):
    """A step along the lifecycle. The service checks that the step is allowed and that a
    decline or a closing without completion gives a reason."""

    # Any status a referral can move to (a referral is only ever created as a draft).
    status = serializers.ChoiceField(
        choices=[(value, label) for value, label in Referral.Status.choices if value != "draft"]
    )
    reason = serializers.ChoiceField(choices=Referral.Reason.choices, required=False, allow_blank=True)
    note = serializers.CharField(required=False, allow_blank=True, max_length=LONG_TEXT)
    follow_up_on = PlausibleDateField(required=False, allow_null=True)


class ResourceImportSerializer(ModelSerializer):
    total = serializers.IntegerField(source="total_rows", read_only=True)
    processed = serializers.IntegerField(source="processed_rows", read_only=True)
    created = serializers.IntegerField(source="created_count", read_only=True)
    updated = serializers.IntegerField(source="updated_count", read_only=True)
    unchanged = serializers.IntegerField(source="unchanged_count", read_only=True)
    rejected = serializers.IntegerField(source="rejected_count", read_only=True)
    rejected_rows = serializers.ListField(child=serializers.DictField(), read_only=True)
    ignored_columns = serializers.ListField(child=serializers.CharField(), read_only=True)
    progress_url = serializers.SerializerMethodField()

    class Meta:
        model = ResourceImport
        fields = [
            "id",
            "filename",
            "status",
            "total",
            "processed",
            "created",
            "updated",
            "unchanged",
            "rejected",
            "rejected_rows",
            "ignored_columns",
            "error",
            "uploaded_by",
            "uploaded_at",
            "started_at",
            "finished_at",
            "progress_url",
        ]
        read_only_fields = fields

    def get_progress_url(self, obj: ResourceImport) -> str:
        return reverse("api_resource_import_detail", args=[obj.pk])


class ResourceImportUploadSerializer(serializers.Serializer):
    """multipart/form-data with ``file``; or, for clients that cannot send files, JSON with the
    CSV text in ``content`` and its ``filename``."""

    file = serializers.FileField(required=False)
    filename = serializers.CharField(required=False, max_length=255)
    content = serializers.CharField(required=False, trim_whitespace=False)

    def validate_file(self, upload: UploadedFile) -> UploadedFile:
        # Refused before it is read into memory (a size unknown is checked once read).
        if upload.size is not None and upload.size > csvfile.MAX_BYTES:
            raise serializers.ValidationError(csvfile.TOO_BIG)
        return upload

    def validate(self, attrs: dict) -> dict:
        if attrs.get("file") is None and not attrs.get("content"):
            raise serializers.ValidationError({"file": ["Upload a CSV file."]})
        if attrs.get("file") is None and not attrs.get("filename"):
            raise serializers.ValidationError({"filename": ["Give the file's name (.csv)."]})
        return attrs

    def upload(self) -> dict:
        """The service's arguments: filename, content_type, data."""
        data = self.validated_data
        if data.get("file") is not None:
            upload = data["file"]
            return {"filename": upload.name, "content_type": upload.content_type or "", "data": upload.read()}
        return {
            "filename": data["filename"],
            "content_type": "text/csv",
            "data": data["content"].encode("utf-8"),
        }
