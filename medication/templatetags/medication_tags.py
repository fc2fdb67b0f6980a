"""The medication section of the patient page (patients/patient_detail.html).

Rendered only for members of the patient's care team: the current medication list, the latest
changes and the unresolved side effects, each a single query whatever the history's length.
"""

from django import template

from careteam import access, audit
from medication import selectors

register = template.Library()

TIMELINE_LENGTH = 8
SIDE_EFFECTS_SHOWN = 10


@register.inclusion_tag("medication/_patient_section.html", takes_context=True)
def medication_section(context: template.Context, patient) -> dict:
    request = context["request"]
    current = list(selectors.current_orders(patient=patient))
    timeline = selectors.medication_timeline(patient=patient, limit=TIMELINE_LENGTH)
    side_effects = list(selectors.unresolved_side_effects(patient=patient)[:SIDE_EFFECTS_SHOWN])
    # The section shows records: audit them like any other read of them.
    shown = {order.pk: order for order in [*current, *(event.order for event in timeline)]}
    audit.record_reads(actor=request.user, action=audit.Action.VIEW, object_type="medicationorder",
                       objects=shown.values(), patient_attr="patient_id")
    audit.record_reads(actor=request.user, action=audit.Action.VIEW, object_type="sideeffectreport",
                       objects=side_effects, patient_attr="patient_id")
    return {
        "patient": patient,
        "request": request,
        "current": current,
        "timeline": timeline,
        "side_effects": side_effects,
        "can_prescribe": access.can(request.user, "medication.prescribe"),
    }
