"""Integrated views on the patient page: the PHQ-9/GAD-7 trend chart (careteam.caseload)."""

from django import template

register = template.Library()


@register.inclusion_tag("careteam/_trend_chart.html", takes_context=True)
def trend_chart(context, patient):
    return {"patient": patient, "request": context["request"]}
