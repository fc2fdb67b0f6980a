"""API shapes. Serializers check types and choices only; the services apply the rules."""

from typing import TYPE_CHECKING

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from careteam.api_common import ModelSerializer, PlausibleDateField, StrictPrimaryKeyRelatedField

from .models import AdherenceObservation, MedicationOrder, SideEffectReport

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
            "supersedes",
            "superseded_by",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "id",
            "patient",
            "status",
            "prescriber",
            "discontinuation_reason",
            "supersedes",
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
        required=False, allow_blank=True, help_text="Why the order is discontinued (required then)."
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
        elif "reason" in attrs:
            raise serializers.ValidationError({"status": ['A reason goes with {"status": "discontinued"}.']})
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
            "created_at",
        ]
        read_only_fields = ["id", "patient", "observed_by", "created_at"]

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
