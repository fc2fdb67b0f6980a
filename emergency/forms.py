from django import forms

from .services import REASON_MAX


class BreakGlassForm(forms.Form):
    """Emergency access: the patient's exact record number, and why."""

    record_number = forms.CharField(
        max_length=40, help_text="The patient's record number, exactly as on their record."
    )
    reason = forms.CharField(
        label="Reason (required)",
        required=False,
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Why you need this record now. Admins are told at once and review every grant.",
    )
