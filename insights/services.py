"""Writes of the integrated views: marking a psychiatric review done."""

from django.core.exceptions import ValidationError
from django.db import transaction

from careteam.models import User
from flags import services as flag_services
from flags.models import Flag
from patients import summary
from patients.models import Patient, PatientSummary


def psychiatric_review_done(*, actor: User, patient: Patient) -> PatientSummary:
    """The psychiatrist has reviewed the patient: they leave the review list and the open
    clinical-change flags that put them there are resolved. The caller checks access
    (patients.access.PRESCRIBE) first."""
    with transaction.atomic():
        waiting = (
            PatientSummary.objects.select_for_update()
            .filter(summary.awaiting_review(), patient_id=patient.pk)
            .exists()
        )
        if not waiting:
            raise ValidationError({"patient": ["This patient is not waiting for a psychiatric review."]})
        open_flags = (
            Flag.objects.filter(patient=patient, category=Flag.Category.CLINICAL_CHANGE)
            .exclude(status=Flag.Status.RESOLVED)
            .order_by("id")
        )
        for flag in open_flags:
            flag_services.flag_resolve(actor=actor, flag=flag, note="Psychiatric review done")
        return summary.review_mark_done(actor=actor, patient_id=patient.pk)
