"""The medication section of the patient page (patients/patient_detail.html).

Rendered only for members of the patient's care team. Filled in by the medication component.
"""

from django import template

register = template.Library()


@register.inclusion_tag("medication/_patient_section.html", takes_context=True)
def medication_section(context, patient):
    return {"patient": patient, "request": context["request"]}
