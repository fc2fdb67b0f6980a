"""The casemanagement section of the patient page (patients/patient_detail.html).

Rendered only for members of the patient's care team: current open needs by priority, open
referrals with their follow-up dates (overdue ones first and marked), and the last contact.
A fixed number of queries, whatever the patient's history.
"""

from django import template

from careteam import audit
from casemanagement import selectors
from patients.models import Patient

register = template.Library()

SHOWN_REFERRALS = 10


@register.inclusion_tag("casemanagement/_patient_section.html", takes_context=True)
def casemanagement_section(context: template.Context, patient: Patient) -> dict:
    request = context["request"]
    referrals = list(selectors.open_referrals(patient=patient)[:SHOWN_REFERRALS + 1])
    audit.record(actor=request.user, action=audit.Action.VIEW, object_type="casemanagement",
                 object_id=patient.pk, patient_id=patient.pk)
    return {
        "patient": patient,
        "request": request,
        "needs": list(selectors.current_needs(patient=patient, open_only=True)),
        "referrals": referrals[:SHOWN_REFERRALS],
        "more_referrals": len(referrals) > SHOWN_REFERRALS,
        "overdue_count": selectors.overdue_count(patient=patient),
        "last_contact": selectors.contacts(patient=patient).first(),
    }
