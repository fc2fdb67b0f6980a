"""Case-management records a flag may be about (registered with flags.sources in apps.py)."""

from collections.abc import Collection

from django.urls import reverse

from flags.sources import Source, patients_by_id

from .models import Referral


def records(source_type: str, refs: Collection[tuple[int, int]]) -> dict[int, Source]:
    """The records among (id, patient id) that are that patient's, with their page and name, in
    one query (unknown type: none)."""
    if source_type != "referral":
        return {}
    wanted = patients_by_id(refs)
    referrals = Referral.objects.filter(pk__in=wanted).select_related("resource")
    return {
        r.pk: Source(reverse("casemanagement_referral_detail", args=[r.patient_id, r.pk]), r.label)
        for r in referrals
        if r.patient_id in wanted.get(r.pk, ())
    }
