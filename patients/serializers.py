import datetime
from typing import Any

from django.utils import timezone
from rest_framework import serializers

from careteam.api_common import ModelSerializer
from careteam.models import User
from careteam.roles import CLINICAL_ROLES

from .models import CarePlan, CareTeamMember, Goal, Patient


class PatientSerializer(ModelSerializer):
    class Meta:
        model = Patient
        fields = [
            "id",
            "first_name",
            "last_name",
            "date_of_birth",
            "record_number",
            "phone",
            "email",
            "address",
            "status",
            "consent_to_share",
            "created_at",
        ]
        read_only_fields = ["id", "created_at"]
        # The service checks record-number uniqueness (case-insensitively) with one message.
        extra_kwargs: dict[str, dict[str, Any]] = {"record_number": {"validators": []}}

    def validate_date_of_birth(self, value: datetime.date) -> datetime.date:
        if value < datetime.date(1900, 1, 1):
            raise serializers.ValidationError("Date of birth is before 1900.")
        if value > timezone.localdate():
            raise serializers.ValidationError("Date of birth cannot be in the future.")
        return value


class CareTeamMemberSerializer(ModelSerializer):
    role = serializers.ChoiceField(choices=[(r.value, r.label) for r in CLINICAL_ROLES])
    username = serializers.CharField(source="user.username", read_only=True)
    name = serializers.CharField(source="user.get_full_name", read_only=True)

    class Meta:
        model = CareTeamMember
        fields = ["id", "user", "username", "name", "role", "is_primary", "added_at"]
        read_only_fields = ["id", "added_at"]
        validators: list = []


class GoalSerializer(ModelSerializer):
    class Meta:
        model = Goal
        fields = ["id", "description", "measurable_target", "target_date", "status", "version", "updated_at"]
        read_only_fields = ["id", "version", "updated_at"]


class CarePlanSerializer(ModelSerializer):
    goals = GoalSerializer(many=True, read_only=True)
    updated_by: "serializers.PrimaryKeyRelatedField[User]" = serializers.PrimaryKeyRelatedField(
        read_only=True
    )

    class Meta:
        model = CarePlan
        fields = [
            "patient",
            "problems",
            "therapy_interventions",
            "medication_interventions",
            "case_management_interventions",
            "next_review_date",
            "version",
            "updated_at",
            "updated_by",
            "goals",
        ]
        read_only_fields = ["patient", "version", "updated_at", "updated_by", "goals"]
