from typing import Any

from django import forms

from .models import AuditEvent, User
from .roles import Role


class StaffCreateForm(forms.Form):
    username = forms.CharField(max_length=150)
    first_name = forms.CharField(max_length=150)
    last_name = forms.CharField(max_length=150)
    email = forms.EmailField(required=False)
    role = forms.ChoiceField(choices=Role.choices)
    password = forms.CharField(
        widget=forms.PasswordInput(render_value=False),
        help_text="At least 10 characters; not a common or all-numeric password.",
    )


class StaffEditForm(forms.Form):
    username = forms.CharField(max_length=150)
    first_name = forms.CharField(max_length=150)
    last_name = forms.CharField(max_length=150)
    email = forms.EmailField(required=False)
    role = forms.ChoiceField(choices=Role.choices)
    is_active = forms.BooleanField(
        required=False,
        label="Active",
        help_text="Unticking signs this person out everywhere at once and ends their API tokens.",
    )


class AuditFilterForm(forms.Form):
    actor = forms.ModelChoiceField(queryset=User.objects.all(), required=False, label="Staff member")
    patient = forms.IntegerField(required=False, min_value=1, label="Patient id")
    action = forms.ChoiceField(choices=[("", "Any action"), *AuditEvent.Action.choices], required=False)
    object_type = forms.CharField(required=False, max_length=50, label="Record type")
    since = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}), label="From")
    until = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}), label="To")

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            self.add_error("until", "The end date is before the start date.")
        return data

    def filters(self) -> dict:
        data = self.cleaned_data
        return {
            "actor_id": data["actor"].pk if data.get("actor") else None,
            "patient_id": data.get("patient"),
            "action": data.get("action") or "",
            "object_type": data.get("object_type") or "",
            "since": data.get("since"),
            "until": data.get("until"),
        }


class NotificationPreferenceForm(forms.Form):
    email_notifications = forms.ChoiceField(
        choices=User.EmailPreference.choices, widget=forms.RadioSelect, label="Email me about"
    )
