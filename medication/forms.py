"""Page forms. They check types and choices; the services check the rules (dose above zero,
dates in order, the order still active) so pages and API give the same messages."""

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from .models import (
    INDICATION_MAX,
    NOTES_MAX,
    REACTION_MAX,
    REASON_MAX,
    SUBSTANCE_MAX,
    SYMPTOM_MAX,
    AdherenceObservation,
    Allergy,
    MedicationOrder,
    SideEffectReport,
    plain_dose,
)
from .services import CHANGE_REASON_REQUIRED, REASON_REQUIRED

FORMULARY_LIST = "formulary-drugs"  # the <datalist> id on the order form


def _override_field() -> forms.CharField:
    return forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=REASON_MAX,
        label="Override reason",
        help_text="Only if a safety warning is shown: why this order is right for the patient.",
    )


DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DOSE = forms.NumberInput(attrs={"step": "any", "min": "0"})


class OrderChoiceField(forms.ModelChoiceField):
    """The patient's orders, labelled by drug and regimen (never shown outside the team)."""

    def label_from_instance(self, obj: MedicationOrder) -> str:
        label = f"{obj.drug_name} {obj.regimen}"
        if obj.status != MedicationOrder.Status.ACTIVE:
            label += f" ({obj.get_status_display().lower()} {obj.end_date:%Y-%m-%d})"
        return label


def _order_field(form: forms.Form) -> OrderChoiceField:
    """The form's ``order`` field (an OrderChoiceField, declared on the class)."""
    field = form.fields["order"]
    if not isinstance(field, OrderChoiceField):
        raise TypeError(f"{type(form).__name__}.order must be an OrderChoiceField")
    return field


class OrderForm(forms.Form):
    drug_name = forms.CharField(
        max_length=120,
        label="Drug name",
        widget=forms.TextInput(attrs={"list": FORMULARY_LIST, "autocomplete": "off"}),
        help_text="Type to pick from the formulary; a drug outside it needs an override reason.",
    )
    drug_class = forms.ChoiceField(
        choices=[("", "From the formulary"), *MedicationOrder.DrugClass.choices],
        label="Class",
        required=False,
        help_text="Needed only for a drug that is not in the formulary.",
    )
    dose = forms.DecimalField(max_digits=10, decimal_places=3, widget=DOSE)
    unit = forms.ChoiceField(choices=MedicationOrder.Unit.choices)
    route = forms.ChoiceField(choices=MedicationOrder.Route.choices)
    frequency = forms.ChoiceField(choices=MedicationOrder.Frequency.choices)
    start_date = forms.DateField(widget=DATE, label="Start date")
    end_date = forms.DateField(
        widget=DATE,
        required=False,
        label="Planned end date",
        help_text="Leave empty unless the course has a planned end.",
    )
    indication = forms.CharField(max_length=INDICATION_MAX, required=False)
    override_reason = _override_field()

    def __init__(self, *args, **kwargs) -> None:
        kwargs["initial"] = {"start_date": timezone.localdate(), **(kwargs.get("initial") or {})}
        super().__init__(*args, **kwargs)


class OrderChangeForm(forms.Form):
    """Prefilled with the current values; whatever differs makes the new order."""

    dose = forms.DecimalField(max_digits=10, decimal_places=3, widget=DOSE, label="New dose")
    unit = forms.ChoiceField(choices=MedicationOrder.Unit.choices)
    route = forms.ChoiceField(choices=MedicationOrder.Route.choices)
    frequency = forms.ChoiceField(choices=MedicationOrder.Frequency.choices)
    effective_date = forms.DateField(widget=DATE, label="Change takes effect on")
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=REASON_MAX,
        error_messages={"required": CHANGE_REASON_REQUIRED},
        label="Reason for the change",
    )
    override_reason = _override_field()

    @classmethod
    def for_order(cls, order: MedicationOrder, data: dict | None = None) -> "OrderChangeForm":
        return cls(
            data,
            initial={
                "dose": plain_dose(order.dose),
                "unit": order.unit,
                "route": order.route,
                "frequency": order.frequency,
                "effective_date": timezone.localdate(),
            },
        )


class DiscontinueForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=REASON_MAX,
        error_messages={"required": REASON_REQUIRED},
        label="Reason for discontinuing",
    )
    effective_date = forms.DateField(widget=DATE, label="Discontinued on")

    def __init__(self, *args, **kwargs) -> None:
        kwargs["initial"] = {"effective_date": timezone.localdate(), **(kwargs.get("initial") or {})}
        super().__init__(*args, **kwargs)


class AdherenceForm(forms.Form):
    order = OrderChoiceField(queryset=MedicationOrder.objects.none(), label="Medication")
    observed_on = forms.DateField(widget=DATE, label="Date")
    status = forms.ChoiceField(choices=AdherenceObservation.Status.choices, label="Adherence")
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=NOTES_MAX)

    def __init__(self, *args, orders: QuerySet[MedicationOrder], **kwargs) -> None:
        kwargs["initial"] = {"observed_on": timezone.localdate(), **(kwargs.get("initial") or {})}
        super().__init__(*args, **kwargs)
        _order_field(self).queryset = orders


class SideEffectForm(forms.Form):
    order = OrderChoiceField(queryset=MedicationOrder.objects.none(), label="Suspected medication")
    symptom = forms.CharField(max_length=SYMPTOM_MAX)
    severity = forms.ChoiceField(choices=SideEffectReport.Severity.choices)
    onset_date = forms.DateField(widget=DATE, label="Onset date")
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=NOTES_MAX)

    def __init__(self, *args, orders: QuerySet[MedicationOrder], **kwargs) -> None:
        kwargs["initial"] = {"onset_date": timezone.localdate(), **(kwargs.get("initial") or {})}
        super().__init__(*args, **kwargs)
        _order_field(self).queryset = orders


class SideEffectStatusForm(forms.Form):
    status = forms.ChoiceField(
        choices=[
            (SideEffectReport.Status.ACKNOWLEDGED, "Acknowledged"),
            (SideEffectReport.Status.RESOLVED, "Resolved"),
        ],
        label="New status",
    )


class AllergyForm(forms.Form):
    substance = forms.CharField(
        max_length=SUBSTANCE_MAX,
        label="Substance",
        help_text="A drug name (e.g. Sertraline) or a drug class (e.g. SSRI).",
    )
    reaction = forms.CharField(max_length=REACTION_MAX, label="Reaction")
    severity = forms.ChoiceField(choices=Allergy.Severity.choices)
