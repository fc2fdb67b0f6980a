import datetime
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from careteam.models import User
from careteam.records import REASON_MAX
from careteam.roles import CLINICAL_ROLES

from .models import CarePlan, Goal, Patient

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PatientForm(forms.ModelForm):
    class Meta:
        model = Patient
        fields = [
            "first_name",
            "last_name",
            "date_of_birth",
            "record_number",
            "phone",
            "email",
            "address",
            "status",
            "consent_to_share",
        ]
        widgets = {"date_of_birth": DATE, "address": forms.Textarea(attrs={"rows": 2})}

    def validate_unique(self) -> None:
        """Left to the service, which gives the same message to pages and API."""

    def clean_date_of_birth(self) -> datetime.date:
        value = self.cleaned_data["date_of_birth"]
        if value < datetime.date(1900, 1, 1):
            raise forms.ValidationError("Date of birth is before 1900.")
        if value > timezone.localdate():
            raise forms.ValidationError("Date of birth cannot be in the future.")
        return value


class CareTeamAddForm(forms.Form):
    user: "forms.ModelChoiceField[User]" = forms.ModelChoiceField(queryset=None, label="Staff member")
    role = forms.ChoiceField(choices=[(r.value, r.label) for r in CLINICAL_ROLES], label="Role on this team")
    is_primary = forms.BooleanField(required=False, label="Primary contact")

    def __init__(self, *args: Any, staff_queryset: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        user_field = self.fields["user"]  # the ModelChoiceField declared above
        if not isinstance(user_field, forms.ModelChoiceField):
            raise TypeError("CareTeamAddForm.user must be a ModelChoiceField")
        user_field.queryset = staff_queryset


class CarePlanForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = CarePlan
        fields = [
            "problems",
            "therapy_interventions",
            "medication_interventions",
            "case_management_interventions",
            "next_review_date",
        ]
        widgets = {
            "next_review_date": DATE,
            "problems": forms.Textarea(attrs={"rows": 3}),
            "therapy_interventions": forms.Textarea(attrs={"rows": 3}),
            "medication_interventions": forms.Textarea(attrs={"rows": 3}),
            "case_management_interventions": forms.Textarea(attrs={"rows": 3}),
        }


class GoalForm(forms.ModelForm):
    class Meta:
        model = Goal
        fields = ["description", "measurable_target", "target_date", "status"]
        widgets = {"target_date": DATE, "description": forms.Textarea(attrs={"rows": 2})}


class GoalEditForm(GoalForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


class EnteredInErrorForm(forms.Form):
    """The reason a clinical record is marked entered in error (every component's page form)."""

    reason = forms.CharField(
        label="Why is this record wrong?",
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Kept with the record and shown with it. This cannot be undone.",
    )
