"""API shapes. Serializers check types and choices only; the services apply the rules."""

from typing import TYPE_CHECKING

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from careteam.api_common import ModelSerializer, PlausibleDateField, StrictPrimaryKeyRelatedField

from .models import (
    NOTES_MAX,
    REASON_MAX,
    AdherenceObservation,
    Allergy,
    MedicationOrder,
    SideEffectReport,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

ORDER_ID_MESSAGES: "dict[str, StrOrPromise]" = {
    "does_not_exist": "No medication order {pk_value} for this patient.",
    "incorrect_type": "Give the id of one of this patient's medication orders.",
}


class MedicationOrderSerializer(ModelSerializer):
    """A medication order. Written only by POST (start); later states come from PATCH."""

    prescriber_name = serializers.CharField(source="prescriber.get_full_name", read_only=True)
    superseded_by = serializers.IntegerField(
        source="superseded_by.pk",
        read_only=True,
        allow_null=True,
        help_text="The order that replaced this one after a change (null if none).",
    )
    dose_display = serializers.CharField(read_only=True, help_text='e.g. "50 mg"')
    drug_class = serializers.ChoiceField(
        choices=MedicationOrder.DrugClass.choices,
        required=False,
        help_text="Taken from the formulary for a drug it has; required for one it has not.",
    )
    override_reason = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=REASON_MAX,
        help_text="Why the order is right despite the safety checks' warnings (formulary, daily "
        "dose, same class, allergy); kept on the order.",
    )
    entered_in_error = serializers.BooleanField(read_only=True)

    class Meta:
        model = MedicationOrder
        fields = [
            "id",
            "patient",
            "drug_name",
            "drug_class",
            "dose",
            "unit",
            "dose_display",
            "route",
            "frequency",
            "start_date",
            "end_date",
            "indication",
            "status",
            "prescriber",
            "prescriber_name",
            "discontinuation_reason",
            "override_reason",
            "change_reason",
            "supersedes",
            "superseded_by",
            "entered_in_error",
            "entered_in_error_at",
            "entered_in_error_reason",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "id",
            "patient",
            "status",
            "prescriber",
            "discontinuation_reason",
            "change_reason",
            "supersedes",
            "entered_in_error_at",
            "entered_in_error_reason",
            "created_at",
            "updated_at",
        ]
        extra_kwargs = {
            "end_date": {
                "help_text": "Planned end of the course; set when the order is changed or discontinued."
            },
            "supersedes": {"help_text": "The earlier order this one replaced after a change."},
        }
        validators: list = []  # the service gives the duplicate-drug message


class MedicationOrderPatchSerializer(serializers.Serializer):
    """Either a change — any of dose, unit, route, frequency (and ``effective_date``): the order
    becomes "changed" and a NEW active order is returned — or a discontinuation —
    ``{"status": "discontinued", "reason": "..."}`` (and ``effective_date``): the same order is
    returned, discontinued. Other order fields cannot be edited: start a new order instead."""

    dose = serializers.DecimalField(max_digits=10, decimal_places=3, required=False)
    unit = serializers.ChoiceField(choices=MedicationOrder.Unit.choices, required=False)
    route = serializers.ChoiceField(choices=MedicationOrder.Route.choices, required=False)
    frequency = serializers.ChoiceField(choices=MedicationOrder.Frequency.choices, required=False)
    status = serializers.ChoiceField(
        choices=[(MedicationOrder.Status.DISCONTINUED, "Discontinued")],
        required=False,
        help_text='Only "discontinued" may be set.',
    )
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=REASON_MAX,
        help_text="Why the order is changed or discontinued (required for both).",
    )
    override_reason = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=REASON_MAX,
        help_text="For a change: why the new dose is right despite the dose or allergy warnings.",
    )
    effective_date = PlausibleDateField(
        required=False, help_text="When the change or discontinuation takes effect (default today)."
    )

    CHANGE = ("dose", "unit", "route", "frequency")
    FIXED = (
        "drug_name",
        "drug_class",
        "start_date",
        "end_date",
        "indication",
        "prescriber",
        "supersedes",
        "patient",
    )

    def validate(self, attrs: dict) -> dict:
        fixed = [name for name in self.FIXED if name in self.initial_data]
        if fixed:
            raise serializers.ValidationError(
                {
                    name: ["Cannot be edited on an existing order: discontinue it and start a new order."]
                    for name in fixed
                }
            )
        changes = [name for name in self.CHANGE if name in attrs]
        if attrs.get("status") == MedicationOrder.Status.DISCONTINUED:
            if changes:
                raise serializers.ValidationError(
                    {name: ["Discontinue or change an order, not both in one request."] for name in changes}
                )
        elif not changes:
            raise serializers.ValidationError(
                {
                    "non_field_errors": [
                        'Send a new dose, unit, route or frequency, or {"status": "discontinued", '
                        '"reason": "..."}.'
                    ]
                }
            )
        return attrs


@extend_schema_field(
    {
        "type": "string",
        "enum": SideEffectReport.Status.values,
        "description": "open → acknowledged → resolved (or open → resolved)",
    },
    component_name="SideEffectReportStatusEnum",
)
class SideEffectReportStatusField(serializers.ChoiceField):
    """A named schema of its own: flags share these values but not their meaning."""

    def __init__(self, **kwargs) -> None:
        super().__init__(choices=SideEffectReport.Status.choices, **kwargs)


def _order_field(serializer: serializers.Serializer) -> serializers.PrimaryKeyRelatedField:
    """The serializer's ``order`` field (a PrimaryKeyRelatedField, declared on the class)."""
    field = serializer.fields["order"]
    if not isinstance(field, serializers.PrimaryKeyRelatedField):
        raise TypeError(f"{type(serializer).__name__}.order must be a PrimaryKeyRelatedField")
    return field


class AdherenceObservationSerializer(ModelSerializer):
    order = StrictPrimaryKeyRelatedField(
        queryset=MedicationOrder.objects.none(), error_messages=ORDER_ID_MESSAGES
    )
    observed_by_name = serializers.CharField(source="observed_by.get_full_name", read_only=True)
    notes = serializers.CharField(required=False, allow_blank=True, max_length=NOTES_MAX)
    entered_in_error = serializers.BooleanField(read_only=True)

    class Meta:
        model = AdherenceObservation
        fields = [
            "id",
            "patient",
            "order",
            "observed_on",
            "status",
            "observed_by",
            "observed_by_name",
            "notes",
            "entered_in_error",
            "entered_in_error_at",
            "entered_in_error_reason",
            "created_at",
        ]
        read_only_fields = [
            "id",
            "patient",
            "observed_by",
            "entered_in_error_at",
            "entered_in_error_reason",
            "created_at",
        ]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if "orders" in self.context:
            _order_field(self).queryset = self.context["orders"]


class SideEffectReportSerializer(ModelSerializer):
    order = StrictPrimaryKeyRelatedField(
        queryset=MedicationOrder.objects.none(), error_messages=ORDER_ID_MESSAGES
    )
    reported_by_name = serializers.CharField(source="reported_by.get_full_name", read_only=True)
    status = SideEffectReportStatusField(read_only=True)
    notes = serializers.CharField(required=False, allow_blank=True, max_length=NOTES_MAX)
    entered_in_error = serializers.BooleanField(read_only=True)

    class Meta:
        model = SideEffectReport
        fields = [
            "id",
            "patient",
            "order",
            "symptom",
            "severity",
            "onset_date",
            "notes",
            "status",
            "reported_by",
            "reported_by_name",
            "reported_at",
            "acknowledged_by",
            "acknowledged_at",
            "resolved_by",
            "resolved_at",
            "entered_in_error",
            "entered_in_error_at",
            "entered_in_error_reason",
        ]
        read_only_fields = [
            "id",
            "patient",
            "status",
            "reported_by",
            "reported_at",
            "acknowledged_by",
            "acknowledged_at",
            "resolved_by",
            "resolved_at",
            "entered_in_error_at",
            "entered_in_error_reason",
        ]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if "orders" in self.context:
            _order_field(self).queryset = self.context["orders"]


class SideEffectStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=[
            (SideEffectReport.Status.ACKNOWLEDGED, "Acknowledged"),
            (SideEffectReport.Status.RESOLVED, "Resolved"),
        ],
        help_text="Forward only: open → acknowledged → resolved (or open → resolved).",
    )


@extend_schema_field(
    {"type": "string", "enum": Allergy.Severity.values, "description": "mild, moderate or severe"},
    component_name="AllergySeverityEnum",
)
class AllergySeverityField(serializers.ChoiceField):
    """A named schema of its own: flags have a "severity" with other values."""

    def __init__(self, **kwargs) -> None:
        super().__init__(choices=Allergy.Severity.choices, **kwargs)


class AllergySerializer(ModelSerializer):
    severity = AllergySeverityField()
    recorded_by_name = serializers.CharField(source="recorded_by.get_full_name", read_only=True)

    class Meta:
        model = Allergy
        fields = [
            "id",
            "patient",
            "substance",
            "reaction",
            "severity",
            "recorded_by",
            "recorded_by_name",
            "recorded_at",
        ]
        read_only_fields = ["id", "patient", "recorded_by", "recorded_at"]


class FormularyDrugSerializer(serializers.Serializer):
    name = serializers.CharField()
    drug_class = serializers.ChoiceField(choices=MedicationOrder.DrugClass.choices)
    max_daily_dose = serializers.DecimalField(
        max_digits=10, decimal_places=3, allow_null=True, help_text="null: dosed by weight, not checked."
    )
    unit = serializers.CharField()
    source = serializers.CharField(  # type: ignore[assignment]  # a declared field: DRF's metaclass pops it off the class
        help_text="The prescribing information the maximum comes from."
    )
