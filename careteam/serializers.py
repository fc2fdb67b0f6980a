from typing import Any

from rest_framework import serializers

from .api_common import ModelSerializer
from .models import AuditEvent, User
from .roles import Role


class MeSerializer(ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "username", "first_name", "last_name", "role"]


class StaffSerializer(ModelSerializer):
    password = serializers.CharField(write_only=True, required=False, style={"input_type": "password"})
    role = serializers.ChoiceField(choices=Role.choices)

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "first_name",
            "last_name",
            "email",
            "role",
            "is_active",
            "password",
            "last_login",
            "date_joined",
        ]
        read_only_fields = ["id", "last_login", "date_joined"]
        # Uniqueness is checked by the service (case-insensitively), with one message.
        extra_kwargs: dict[str, dict[str, Any]] = {"username": {"validators": []}}

    def validate(self, attrs: dict) -> dict:
        if self.instance is None and not attrs.get("password"):
            raise serializers.ValidationError({"password": ["This field is required."]})
        if self.instance is None and attrs.pop("is_active", True) is False:
            # staff_create makes an active account; deactivating is an edit (staff_update).
            raise serializers.ValidationError(
                {"is_active": ["A new account is active: deactivate it once it is created."]}
            )
        if self.instance is not None and "password" in attrs:
            raise serializers.ValidationError(
                {"password": ["Passwords are set when the account is created."]}
            )
        return attrs


class AuditEventSerializer(ModelSerializer):
    class Meta:
        model = AuditEvent
        fields = [
            "id",
            "at",
            "actor",
            "action",
            "object_type",
            "object_id",
            "patient_id",
            "request_id",
            "changes",
        ]
