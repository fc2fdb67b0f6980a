from rest_framework import serializers

from .models import AuditEvent, Flag, FlagAcknowledgement, Notification, User
from .roles import Role


class MeSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "username", "first_name", "last_name", "role"]


class StaffSerializer(serializers.ModelSerializer):
    password = serializers.CharField(write_only=True, required=False, style={"input_type": "password"})
    role = serializers.ChoiceField(choices=Role.choices)

    class Meta:
        model = User
        fields = ["id", "username", "first_name", "last_name", "email", "role", "is_active",
                  "password", "last_login", "date_joined"]
        read_only_fields = ["id", "last_login", "date_joined"]
        # Uniqueness is checked by the service (case-insensitively), with one message.
        extra_kwargs = {"username": {"validators": []}}

    def validate(self, attrs: dict) -> dict:
        if self.instance is None and not attrs.get("password"):
            raise serializers.ValidationError({"password": ["This field is required."]})
        if self.instance is not None and "password" in attrs:
            raise serializers.ValidationError(
                {"password": ["Passwords are set when the account is created."]}
            )
        return attrs


class AuditEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = AuditEvent
        fields = ["id", "at", "actor", "action", "object_type", "object_id", "patient_id",
                  "request_id", "changes"]


class FlagAcknowledgementSerializer(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username", read_only=True)

    class Meta:
        model = FlagAcknowledgement
        fields = ["user", "username", "at"]


class FlagSerializer(serializers.ModelSerializer):
    acknowledgements = FlagAcknowledgementSerializer(many=True, read_only=True)

    class Meta:
        model = Flag
        fields = ["id", "patient", "category", "severity", "message", "status", "raised_by",
                  "created_at", "source_type", "source_id", "acknowledgements", "acted_on_at",
                  "escalated_at", "resolved_at", "resolved_by", "resolution_note"]
        read_only_fields = [f for f in fields if f not in ("category", "severity", "message",
                                                         "source_type", "source_id")]


class FlagResolveSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=2000)


class NotificationSerializer(serializers.ModelSerializer):
    read = serializers.SerializerMethodField()
    created = serializers.DateTimeField(source="created_at", read_only=True)
    category = serializers.CharField(source="flag.category", read_only=True)
    severity = serializers.CharField(source="flag.severity", read_only=True)

    class Meta:
        model = Notification
        fields = ["id", "flag", "patient", "action_required", "read", "created", "event",
                  "category", "severity"]

    def get_read(self, obj: Notification) -> bool:
        return obj.read_at is not None
