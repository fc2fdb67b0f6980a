"""Therapy records a flag may be about (registered with flags.sources in apps.py)."""

from collections.abc import Collection

from django.urls import reverse

from flags.sources import Source, patients_by_id

from .models import Assessment, TherapySession


def records(source_type: str, refs: Collection[tuple[int, int]]) -> dict[int, Source]:
    """The records among (id, patient id) that are that patient's, with their page and name, in
    one query (unknown type: none)."""
    wanted = patients_by_id(refs)
    if source_type == "therapysession":
        sessions = TherapySession.objects.filter(pk__in=wanted).only(
            "id", "patient", "starts_at", "modality", "mode", "attendance"
        )
        return {
            s.pk: Source(reverse("therapy_overview", args=[s.patient_id]), s.label)
            for s in sessions
            if s.patient_id in wanted.get(s.pk, ())
        }
    if source_type == "assessment":
        measures = Assessment.objects.filter(pk__in=wanted).only(
            "id", "patient", "instrument", "administered_on", "total", "severity"
        )
        return {
            a.pk: Source(reverse("therapy_assessment_detail", args=[a.patient_id, a.pk]), a.label)
            for a in measures
            if a.patient_id in wanted.get(a.pk, ())
        }
    return {}
