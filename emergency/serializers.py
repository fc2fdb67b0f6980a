from rest_framework import serializers

from patients.models import BreakGlassGrant

from .services import REASON_MAX


class BreakGlassRequestSerializer(serializers.Serializer):
    """POST …/break-glass/: why. Required: the service says so (one message for pages and API)
    when it is missing or blank."""

    reason = serializers.CharField(
        required=False,
        default="",
        allow_blank=True,
        trim_whitespace=False,
        max_length=REASON_MAX,
        help_text="Why you need emergency access to this patient's record (required; admins review it).",
    )


class BreakGlassOpenedSerializer(serializers.ModelSerializer):
    expires = serializers.DateTimeField(source="expires_at", read_only=True)

    class Meta:
        model = BreakGlassGrant
        fields = ["id", "patient", "expires"]
        read_only_fields = fields


class BreakGlassGrantSerializer(serializers.ModelSerializer):
    """One grant on the admins' review list."""

    clinician_name = serializers.SerializerMethodField()
    start = serializers.DateTimeField(source="started_at", read_only=True)
    expires = serializers.DateTimeField(source="expires_at", read_only=True)
    reads = serializers.IntegerField(read_only=True, help_text="Reads audited under this grant.")

    class Meta:
        model = BreakGlassGrant
        fields = [
            "id",
            "clinician",
            "clinician_name",
            "patient",
            "reason",
            "start",
            "expires",
            "reads",
            "reviewed_by",
            "reviewed_at",
        ]
        read_only_fields = fields

    def get_clinician_name(self, grant: BreakGlassGrant) -> str:
        return grant.clinician.get_full_name() or grant.clinician.username
