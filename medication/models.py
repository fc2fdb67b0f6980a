"""Medication orders and their changes, adherence observations and side-effect reports.

An order is never edited in place: a change of dose, unit, route or frequency ends the current
order (status "changed") and starts a new one that ``supersedes`` it, so the chain of orders is
the medication's history.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from careteam.dates import day_text
from careteam.records import Correctable
from patients.models import Patient

# Stated maximum lengths of free text (API.md "Robustness"): model, form, serializer and service.
INDICATION_MAX = 200
REASON_MAX = 500
NOTES_MAX = 2000
SYMPTOM_MAX = 200
SUBSTANCE_MAX = 120
REACTION_MAX = 200


def plain_dose(dose: Decimal) -> str:
    """ "50" rather than "50.000"; "0.125" stays as it is."""
    text = format(dose, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def format_dose(dose: Decimal, unit: str) -> str:
    return f"{plain_dose(dose)} {unit}"


class DrugClass(models.TextChoices):
    SSRI = "ssri", "SSRI"
    SNRI = "snri", "SNRI"
    OTHER_ANTIDEPRESSANT = "other_antidepressant", "Other antidepressant"
    ANTIPSYCHOTIC = "antipsychotic", "Antipsychotic"
    ANXIOLYTIC = "anxiolytic", "Anxiolytic"
    MOOD_STABILIZER = "mood_stabilizer", "Mood stabilizer"
    STIMULANT = "stimulant", "Stimulant"
    HYPNOTIC = "hypnotic", "Hypnotic"
    OTHER = "other", "Other"


class DoseUnit(models.TextChoices):
    MG = "mg", "mg"
    MCG = "mcg", "mcg"
    G = "g", "g"
    ML = "mL", "mL"
    UNITS = "units", "units"


class Route(models.TextChoices):
    ORAL = "oral", "Oral"
    SUBLINGUAL = "sublingual", "Sublingual"
    IM = "im", "IM injection"
    IV = "iv", "IV"
    TRANSDERMAL = "transdermal", "Transdermal"
    OTHER = "other", "Other"


class Frequency(models.TextChoices):
    ONCE_DAILY = "once_daily", "once daily"
    TWICE_DAILY = "twice_daily", "twice daily"
    THREE_TIMES_DAILY = "three_times_daily", "three times daily"
    FOUR_TIMES_DAILY = "four_times_daily", "four times daily"
    EVERY_MORNING = "every_morning", "every morning"
    AT_BEDTIME = "at_bedtime", "at bedtime"
    AS_NEEDED = "as_needed", "as needed"
    WEEKLY = "weekly", "weekly"
    EVERY_2_WEEKS = "every_2_weeks", "every 2 weeks"
    EVERY_4_WEEKS = "every_4_weeks", "every 4 weeks"


class OrderStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    CHANGED = "changed", "Changed"
    DISCONTINUED = "discontinued", "Discontinued"


class MedicationOrder(Correctable):
    DrugClass = DrugClass
    Unit = DoseUnit
    Route = Route
    Frequency = Frequency
    Status = OrderStatus

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="medication_orders")
    drug_name = models.CharField(max_length=120)
    drug_class = models.CharField(max_length=30, choices=DrugClass.choices)
    dose = models.DecimalField(max_digits=10, decimal_places=3)
    unit = models.CharField(max_length=10, choices=Unit.choices)
    route = models.CharField(max_length=20, choices=Route.choices)
    frequency = models.CharField(max_length=20, choices=Frequency.choices)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    indication = models.CharField(max_length=INDICATION_MAX, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACTIVE)
    prescriber = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    discontinuation_reason = models.TextField(blank=True, max_length=REASON_MAX)
    # Why the prescriber went ahead despite the safety checks' warnings ("" when none fired).
    override_reason = models.CharField(max_length=REASON_MAX, blank=True, db_default="")
    # Why this order replaced the one it supersedes ("" for a first order).
    change_reason = models.CharField(max_length=REASON_MAX, blank=True, db_default="")
    # One-to-one: an order is replaced at most once, so the history is a simple chain.
    supersedes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-start_date", "-id"]
        permissions = [("prescribe", "Can prescribe, change and discontinue medication")]
        indexes = [
            models.Index(fields=["patient", "status", "drug_name"], name="medorder_patient_status"),
            models.Index(fields=["patient", "-start_date", "-id"], name="medorder_patient_start"),
            # the timeline's "stopped" entries
            models.Index(fields=["patient", "-end_date", "-id"], name="medorder_patient_end"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(dose__gt=0), name="medorder_dose_positive"),
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True) | models.Q(end_date__gte=models.F("start_date")),
                name="medorder_end_not_before_start",
            ),
            models.CheckConstraint(
                condition=models.Q(status="active") | models.Q(end_date__isnull=False),
                name="medorder_ended_has_end_date",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="discontinued") | ~models.Q(discontinuation_reason=""),
                name="medorder_discontinued_has_reason",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=OrderStatus.values), name="medorder_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(drug_class__in=DrugClass.values), name="medorder_drug_class_valid"
            ),
            models.CheckConstraint(condition=models.Q(unit__in=DoseUnit.values), name="medorder_unit_valid"),
            models.CheckConstraint(condition=models.Q(route__in=Route.values), name="medorder_route_valid"),
            models.CheckConstraint(
                condition=models.Q(frequency__in=Frequency.values), name="medorder_frequency_valid"
            ),
            # Never two active orders of the same drug for one patient: change the one there is.
            models.UniqueConstraint(
                "patient",
                Lower("drug_name"),
                condition=models.Q(status="active", entered_in_error_at__isnull=True),
                name="medorder_one_active_per_drug",
            ),
        ]

    def __str__(self) -> str:
        return f"Medication order {self.pk} of patient {self.patient_id}"

    # What the record is, in words, wherever a page names it (timeline, flags, inbox): one
    # place per record. Staff pages only; never in logs, URLs or emails (it holds clinical detail).
    @property
    def label(self) -> str:
        """e.g. "Sertraline 50 mg oral once daily, from 3 Dec 2026"."""
        return f"{self.drug_name} {self.regimen}, from {day_text(self.start_date)}"

    @property
    def dose_display(self) -> str:
        return format_dose(self.dose, self.unit)

    @property
    def regimen(self) -> str:
        """e.g. "50 mg oral once daily"."""
        return f"{self.dose_display} {self.get_route_display().lower()} {self.get_frequency_display()}"

    @property
    def successor(self) -> "MedicationOrder | None":
        """The order that replaced this one after a change, if any."""
        try:
            return self.superseded_by
        except MedicationOrder.DoesNotExist:
            return None

    @property
    def change_summary(self) -> str:
        """What changed from the order this one superseded ("" for a first order)."""
        if self.supersedes is None:
            return ""
        return "; ".join(self.changes_from(self.supersedes)) or "order renewed"

    def changes_from(self, previous: "MedicationOrder") -> list[str]:
        """What this order changed from the one it supersedes, in words."""
        changes = []
        if (previous.dose, previous.unit) != (self.dose, self.unit):
            changes.append(f"dose changed from {previous.dose_display} to {self.dose_display}")
        if previous.route != self.route:
            changes.append(f"route changed from {previous.get_route_display()} to {self.get_route_display()}")
        if previous.frequency != self.frequency:
            changes.append(
                f"frequency changed from {previous.get_frequency_display()} to {self.get_frequency_display()}"
            )
        return changes


class AdherenceStatus(models.TextChoices):
    TAKEN = "taken", "Taken as prescribed"
    PARTIAL = "partial", "Partial"
    MISSED = "missed", "Missed"


class AdherenceObservation(Correctable):
    Status = AdherenceStatus

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="adherence_observations")
    order = models.ForeignKey(
        MedicationOrder, on_delete=models.PROTECT, related_name="adherence_observations"
    )
    observed_on = models.DateField()
    status = models.CharField(max_length=20, choices=Status.choices)
    observed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    notes = models.TextField(blank=True, max_length=NOTES_MAX)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-observed_on", "-id"]
        indexes = [
            models.Index(fields=["patient", "-observed_on", "-id"], name="adherence_patient_date"),
            models.Index(fields=["order", "-observed_on"], name="adherence_order_date"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=AdherenceStatus.values), name="adherence_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"Adherence observation {self.pk} of patient {self.patient_id}"

    # What the record is, in words, wherever a page names it (timeline, flags, inbox): one
    # place per record. Staff pages only; never in logs, URLs or emails (it holds clinical detail).
    @property
    def label(self) -> str:
        """e.g. "Adherence to Sertraline on 3 Dec 2026: partial" (reads the order's drug name)."""
        status = self.get_status_display().lower()
        return f"Adherence to {self.order.drug_name} on {day_text(self.observed_on)}: {status}"


class Severity(models.TextChoices):
    MILD = "mild", "Mild"
    MODERATE = "moderate", "Moderate"
    SEVERE = "severe", "Severe"


class SideEffectStatus(models.TextChoices):
    OPEN = "open", "Open"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    RESOLVED = "resolved", "Resolved"


class SideEffectReport(Correctable):
    Severity = Severity
    Status = SideEffectStatus

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="side_effect_reports")
    order = models.ForeignKey(MedicationOrder, on_delete=models.PROTECT, related_name="side_effect_reports")
    symptom = models.CharField(max_length=SYMPTOM_MAX)
    severity = models.CharField(max_length=20, choices=Severity.choices)
    onset_date = models.DateField()
    notes = models.TextField(blank=True, max_length=NOTES_MAX)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reported_at = models.DateTimeField(default=timezone.now)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-onset_date", "-id"]
        indexes = [
            models.Index(fields=["patient", "status", "-onset_date"], name="sideeffect_patient_status"),
            models.Index(fields=["patient", "-onset_date", "-id"], name="sideeffect_patient_onset"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(severity__in=Severity.values), name="sideeffect_severity_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=SideEffectStatus.values), name="sideeffect_status_valid"
            ),
            models.CheckConstraint(
                condition=~models.Q(status="acknowledged") | models.Q(acknowledged_at__isnull=False),
                name="sideeffect_acknowledged_has_time",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="resolved") | models.Q(resolved_at__isnull=False),
                name="sideeffect_resolved_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"Side-effect report {self.pk} of patient {self.patient_id}"

    # What the record is, in words, wherever a page names it (timeline, flags, inbox): one
    # place per record. Staff pages only; never in logs, URLs or emails (it holds clinical detail).
    @property
    def label(self) -> str:
        """e.g. "Side effect of Sertraline from 3 Dec 2026: tremor (mild)" (reads the order)."""
        return (
            f"Side effect of {self.order.drug_name} from {day_text(self.onset_date)}: "
            f"{self.symptom} ({self.get_severity_display().lower()})"
        )


class Allergy(models.Model):
    """An allergy or intolerance of a patient to a drug (by name) or a whole drug class."""

    Severity = Severity

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="allergies")
    substance = models.CharField(max_length=SUBSTANCE_MAX, help_text="A drug name or a drug class.")
    reaction = models.CharField(max_length=REACTION_MAX)
    severity = models.CharField(max_length=20, choices=Severity.choices)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["substance", "id"]
        indexes = [models.Index(fields=["patient", "substance"], name="allergy_patient_substance")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(severity__in=Severity.values), name="allergy_severity_valid"
            ),
            models.CheckConstraint(condition=~models.Q(substance=""), name="allergy_substance_not_empty"),
        ]

    def __str__(self) -> str:
        return f"Allergy {self.pk} of patient {self.patient_id}"
