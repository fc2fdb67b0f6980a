from rest_framework import serializers

from careteam.api_common import ModelSerializer

from .models import Flag, FlagAcknowledgement, Notification


class FlagAcknowledgementSerializer(ModelSerializer):
    username = serializers.CharField(source="user.username", read_only=True)

    class Meta:
        model = FlagAcknowledgement
        fields = ["user", "username", "at"]


class FlagSerializer(ModelSerializer):
    acknowledgements = FlagAcknowledgementSerializer(many=True, read_only=True)

    class Meta:
        model = Flag
        fields = [
            "id",
            "patient",
            "category",
            "severity",
            "message",
            "status",
            "raised_by",
            "created_at",
            "source_type",
            "source_id",
            "acknowledgements",
            "acted_on_at",
            "escalated_at",
            "resolved_at",
            "resolved_by",
            "resolution_note",
        ]
        read_only_fields = [
            f for f in fields if f not in ("category", "severity", "message", "source_type", "source_id")
        ]


class FlagResolveSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=2000)


class NotificationSerializer(ModelSerializer):
    read = serializers.SerializerMethodField()
    created = serializers.DateTimeField(source="created_at", read_only=True)
    category = serializers.CharField(source="flag.category", read_only=True, allow_null=True, default=None)
    severity = serializers.CharField(source="flag.severity", read_only=True, allow_null=True, default=None)
    subject = serializers.IntegerField(
        source="subject_id",
        read_only=True,
        allow_null=True,
        help_text="What a notification of another kind is about: for kind medication, the order's id.",
    )
    summary = serializers.CharField(
        read_only=True, help_text="What happened (team updates; empty for flags)."
    )

    class Meta:
        model = Notification
        fields = [
            "id",
            "kind",
            "flag",
            "subject",
            "patient",
            "action_required",
            "read",
            "created",
            "event",
            "category",
            "severity",
            "summary",
            "link",
        ]
        read_only_fields = fields

    def get_read(self, obj: Notification) -> bool:
        return obj.read_at is not None
