"""Medication records a flag may be about (registered with flags.sources in apps.py)."""

from django.urls import reverse

from .models import MedicationOrder, SideEffectReport

MODELS: dict[str, type[MedicationOrder] | type[SideEffectReport]] = {
    "medicationorder": MedicationOrder,
    "sideeffectreport": SideEffectReport,
}


def record_url(source_type: str, source_id: int, patient_id: int) -> str | None:
    """The page of the record if it is this patient's, else None (unknown type: None too). A
    side-effect report opens its status page, where it can be acknowledged or resolved (which
    resolves its flag too)."""
    model = MODELS.get(source_type)
    if model is None or not model.objects.filter(pk=source_id, patient_id=patient_id).exists():
        return None
    if source_type == "sideeffectreport":
        return reverse("medication_side_effect_status", args=[patient_id, source_id])
    return reverse("medication_page", args=[patient_id])
