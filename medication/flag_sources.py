"""Medication records a flag may be about (registered with flags.sources in apps.py)."""

from collections.abc import Collection

from django.urls import reverse

from flags.sources import Source, patients_by_id

from .models import MedicationOrder, SideEffectReport


def records(source_type: str, refs: Collection[tuple[int, int]]) -> dict[int, Source]:
    """The records among (id, patient id) that are that patient's, with their page and name, in
    one query (unknown type: none). A side-effect report opens its status page, where it can be
    acknowledged or resolved (which resolves its flag too)."""
    wanted = patients_by_id(refs)
    if source_type == "sideeffectreport":
        reports = SideEffectReport.objects.filter(pk__in=wanted).select_related("order")
        return {
            r.pk: Source(reverse("medication_side_effect_status", args=[r.patient_id, r.pk]), r.label)
            for r in reports
            if r.patient_id in wanted.get(r.pk, ())
        }
    if source_type == "medicationorder":
        orders = MedicationOrder.objects.filter(pk__in=wanted)
        return {
            o.pk: Source(reverse("medication_page", args=[o.patient_id]), o.label)
            for o in orders
            if o.patient_id in wanted.get(o.pk, ())
        }
    return {}
