"""Integrated views on the patient page: the PHQ-9/GAD-7 trend chart (careteam.caseload)."""

from typing import Any

from django import template

from careteam import access, audit, caseload, summary
from careteam.models import PatientSummary

register = template.Library()


@register.inclusion_tag("careteam/_trend_chart.html", takes_context=True)
def trend_chart(context: Any, patient: Any) -> dict:
    """The chart, for members of the patient's care team only (nothing for anyone else)."""
    request = context["request"]
    user = request.user
    if not access.on_team(user, patient.pk):
        return {"show": False}
    audit.record(actor=user, action=audit.Action.VIEW, object_type="measuretrend",
                 object_id=patient.pk, patient_id=patient.pk)
    waiting = (PatientSummary.objects.filter(summary.awaiting_review(), patient_id=patient.pk)
               .values_list("review_since", flat=True).first())
    return {
        "show": True,
        "patient": patient,
        "chart": caseload.trend_chart(patient_id=patient.pk),
        "review_since": waiting,
        "can_review": access.can(user, access.PRESCRIBE.role_perm or ""),
        "csrf_token": context.get("csrf_token"),
    }
