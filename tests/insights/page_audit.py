"""The composed patient page writes one audit row per view, naming every record it showed."""

from careteam.models import AuditEvent


def patient_page_audit(*, actor, patient) -> AuditEvent:
    """The one audit row of ``actor``'s view of ``patient``'s page (fails unless exactly one)."""
    rows = list(AuditEvent.objects.filter(actor=actor, patient_id=patient.pk, action="view"))
    assert len(rows) == 1, [(row.object_type, row.object_id) for row in rows]
    assert (rows[0].object_type, rows[0].object_id) == ("patient", str(patient.pk))
    return rows[0]


def shown(*, actor, patient, kind: str) -> set[str]:
    """The ids of the records of one kind the page showed (as strings, like object_id)."""
    ids = patient_page_audit(actor=actor, patient=patient).changes.get("shown", {}).get(kind, [])
    return {str(pk) for pk in ids}
