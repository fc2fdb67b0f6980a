"""The therapy section of the patient page (patients/patient_detail.html).

Rendered only for members of the patient's care team. Filled in by the therapy component.
"""

from django import template

register = template.Library()


@register.inclusion_tag("therapy/_patient_section.html", takes_context=True)
def therapy_section(context, patient):
    return {"patient": patient, "request": context["request"]}
