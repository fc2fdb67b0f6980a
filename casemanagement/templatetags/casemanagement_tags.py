"""The casemanagement section of the patient page (patients/patient_detail.html).

Rendered only for members of the patient's care team. Filled in by the casemanagement component.
"""

from django import template

register = template.Library()


@register.inclusion_tag("casemanagement/_patient_section.html", takes_context=True)
def casemanagement_section(context, patient):
    return {"patient": patient, "request": context["request"]}
