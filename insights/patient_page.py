"""The composed patient page: demographics and care team for whoever may see the patient, and
for the care team the care plan, open flags, the PHQ-9/GAD-7 trend and a section of each
component — all read through the apps' selectors, a fixed number of queries however long the
record, and one audit row naming every record shown."""

from typing import Any

from careteam import audit
from careteam.models import User
from casemanagement import selectors as casemanagement_selectors
from flags import selectors as flag_selectors
from medication import selectors as medication_selectors
from patients import selectors as patient_selectors
from patients import summary
from patients.access import PatientPage
from patients.models import PatientSummary
from therapy import selectors as therapy_selectors

from . import charts

RECENT_SESSIONS = 5
RECENT_COURSES = 3
MEDICATION_CHANGES = 8
SIDE_EFFECTS_SHOWN = 10
SHOWN_REFERRALS = 10


def gather(*, actor: User, page: PatientPage) -> dict[str, Any]:
    """The page's context, and its one audit row."""
    patient = page.patient
    context: dict[str, Any] = {
        "patient": patient,
        "on_team": page.clinical,
        "manage_team": page.manage_team,
        # Emergency access (break-glass): read-only, with the banner saying until when.
        "read_only": page.read_only,
        "emergency_until": page.emergency_until,
        "team": patient_selectors.care_team(patient=patient),
        "assignable_staff": (
            patient_selectors.assignable_staff(patient=patient) if page.manage_team else None
        ),
    }
    shown: dict[str, list[int]] = {}
    if page.clinical:
        context.update(_clinical(actor, patient, page, shown))
    audit.record(
        actor=actor,
        action=audit.Action.VIEW,
        object_type="patient",
        object_id=patient.pk,
        patient_id=patient.pk,
        changes={"shown": shown} if shown else None,
    )
    return context


def _clinical(actor: User, patient: Any, page: PatientPage, shown: dict[str, list[int]]) -> dict[str, Any]:
    open_flags = list(flag_selectors.flags_for_patient(actor=actor, patient_id=patient.pk, status="open"))
    # Therapy: course progress, recent sessions, latest PHQ-9 / GAD-7 (never psychotherapy notes).
    courses = list(therapy_selectors.courses(patient=patient)[:RECENT_COURSES])
    sessions = list(therapy_selectors.sessions(patient=patient)[:RECENT_SESSIONS])
    # Medication: the current list, the latest changes, unresolved side effects.
    current = list(medication_selectors.current_orders(patient=patient))
    changes = medication_selectors.medication_timeline(patient=patient, limit=MEDICATION_CHANGES)
    side_effects = list(medication_selectors.unresolved_side_effects(patient=patient)[:SIDE_EFFECTS_SHOWN])
    allergies = list(medication_selectors.allergies(patient=patient))
    # Case management: open needs, open referrals (overdue first), the last contact.
    needs = list(casemanagement_selectors.current_needs(patient=patient, open_only=True))
    referrals = list(casemanagement_selectors.open_referrals(patient=patient)[: SHOWN_REFERRALS + 1])
    last_contact = casemanagement_selectors.last_contact(patient=patient)
    orders = {order.pk for order in [*current, *(event.order for event in changes)]}
    shown.update(
        {
            "flag": [flag.pk for flag in open_flags],
            "therapysession": [session.pk for session in sessions],
            "medicationorder": sorted(orders),
            "allergy": [allergy.pk for allergy in allergies],
            "sideeffectreport": [report.pk for report in side_effects],
            "needassessment": [need.pk for need in needs],
            "referral": [referral.pk for referral in referrals[:SHOWN_REFERRALS]],
            "contact": [last_contact.pk] if last_contact else [],
        }
    )
    return {
        "plan": patient_selectors.care_plan(patient=patient),
        "open_flags": open_flags,
        "trend": {
            "chart": charts.trend_chart(patient_id=patient.pk),
            "review_since": (
                PatientSummary.objects.filter(summary.awaiting_review(), patient_id=patient.pk)
                .values_list("review_since", flat=True)
                .first()
            ),
            "can_review": page.prescribe,
        },
        "therapy": {
            "courses": courses,
            "sessions": sessions,
            "trends": therapy_selectors.measure_trends(patient=patient),
        },
        "medication": {
            "current": current,
            "timeline": changes,
            "side_effects": side_effects,
            "allergies": allergies,
            "can_prescribe": page.prescribe,
        },
        "casemanagement": {
            "needs": needs,
            "referrals": referrals[:SHOWN_REFERRALS],
            "more_referrals": len(referrals) > SHOWN_REFERRALS,
            "overdue_count": casemanagement_selectors.overdue_count(patient=patient),
            "last_contact": last_contact,
        },
    }
