"""The therapy section of the patient page (patients/patient_detail.html), and small filters.

Rendered only for members of the patient's care team: course progress, recent sessions and the
latest PHQ-9 / GAD-7. Psychotherapy notes never appear here.
"""

from django import template

from careteam import access, audit
from patients.models import Patient
from therapy import selectors

register = template.Library()

RECENT_SESSIONS = 5
RECENT_COURSES = 3


@register.inclusion_tag("therapy/_patient_section.html", takes_context=True)
def therapy_section(context: template.Context, patient: Patient) -> dict:
    request = context["request"]
    if not access.on_team(request.user, patient.pk):
        return {"show": False}
    audit.record(actor=request.user, action=audit.Action.VIEW, object_type="therapysummary",
                 object_id=patient.pk, patient_id=patient.pk)
    return {
        "show": True,
        "patient": patient,
        "request": request,
        "courses": list(selectors.courses(patient=patient)[:RECENT_COURSES]),
        "sessions": list(selectors.sessions(patient=patient)[:RECENT_SESSIONS]),
        "trends": selectors.measure_trends(patient=patient),
    }


@register.filter
def signed(value: int | None) -> str:
    """A change with its sign: +3, −6 (a true minus sign), 0."""
    if value is None:
        return ""
    if value > 0:
        return f"+{value}"
    if value < 0:
        return f"\u2212{abs(value)}"
    return "0"
