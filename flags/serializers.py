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
    message = serializers.SerializerMethodField(
        help_text="The flag's message (shown in the app, never emailed); null for other kinds and "
        "for patients no longer on the caller's care teams."
    )
    flag_status = serializers.CharField(source="flag.status", read_only=True, allow_null=True, default=None)
    acknowledged_by = serializers.SerializerMethodField(help_text="Who acknowledged the flag, first first.")
    handled_by = serializers.SerializerMethodField(
        help_text="The first recipient whose role must act who acknowledged the flag (their name), or null."
    )
    pinned = serializers.SerializerMethodField(
        help_text="An open urgent flag nobody whose role must act has acknowledged yet."
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
            "message",
            "flag_status",
            "acknowledged_by",
            "handled_by",
            "pinned",
        ]
        read_only_fields = fields

    def get_read(self, obj: Notification) -> bool:
        return obj.read_at is not None

    def get_message(self, obj: Notification) -> str | None:
        mine = self.context.get("my_patients")
        if obj.flag is None or mine is None or obj.patient_id not in mine:
            return None
        return obj.flag.message

    def get_acknowledged_by(self, obj: Notification) -> list[dict]:
        if obj.flag is None:
            return []
        return [
            {"user": ack.user_id, "name": str(ack.user), "at": ack.at}
            for ack in obj.flag.acknowledgements.all()
        ]

    def get_handled_by(self, obj: Notification) -> str | None:
        return getattr(obj, "handled_by_name", None)

    def get_pinned(self, obj: Notification) -> bool:
        return bool(getattr(obj, "pinned", 0))


class NotificationsReadAllSerializer(serializers.Serializer):
    marked = serializers.IntegerField(read_only=True, help_text="How many notifications were unread.")
