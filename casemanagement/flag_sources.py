"""Case-management records a flag may be about (registered with flags.sources in apps.py)."""

from django.urls import reverse

from .models import Referral


def record_url(source_type: str, source_id: int, patient_id: int) -> str | None:
    """The page of the record if it is this patient's, else None (unknown type: None too)."""
    if source_type == "referral" and Referral.objects.filter(pk=source_id, patient_id=patient_id).exists():
        return reverse("casemanagement_referral_detail", args=[patient_id, source_id])
    return None
