from django import forms

from .models import Flag


class FlagForm(forms.Form):
    category = forms.ChoiceField(choices=Flag.Category.choices)
    severity = forms.ChoiceField(
        choices=Flag.Severity.choices,
        initial=Flag.Severity.ROUTINE,
        help_text="Urgent flags are emailed at once and escalate if "
        "nobody who must act acknowledges them in time.",
    )
    message = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text="What the team needs to know. Stays inside CareTeam: emails only say that there is a flag.",
    )
    # Set when the flag is raised from a record's page ("Raise a flag about this ...").
    source_type = forms.CharField(required=False, max_length=40, widget=forms.HiddenInput)
    source_id = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)


class FlagResolveForm(forms.Form):
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), max_length=2000, label="How was it resolved?"
    )
