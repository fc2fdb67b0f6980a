from typing import cast

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone

from . import csvfile
from .models import LONG_TEXT, Category, CommunityResource, Contact, NeedAssessment, Referral
from .services import NEXT_STATUSES

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
NOTES = forms.Textarea(attrs={"rows": 3})
SEARCH_MAX = 200
MATCHES_SHOWN = 20  # resources a search shows at a time ("More matches" shows the next ones)


def notes_field(label: str = "Notes") -> forms.CharField:
    return forms.CharField(label=label, required=False, widget=NOTES, max_length=LONG_TEXT)


class NeedForm(forms.ModelForm):
    notes = notes_field()

    class Meta:
        model = NeedAssessment
        fields = ["domain", "priority", "status", "assessed_on", "notes"]
        labels = {"assessed_on": "Assessed on"}
        widgets = {"assessed_on": DATE, "notes": NOTES}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assessed_on"].initial = timezone.localdate()


class ContactForm(forms.ModelForm):
    contacted_at = forms.DateTimeField(
        label="Date and time", widget=DATETIME, input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
    )

    class Meta:
        model = Contact
        fields = ["contacted_at", "channel", "outcome", "notes"]
        widgets = {"notes": NOTES}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["contacted_at"].initial = timezone.localtime().replace(second=0, microsecond=0)


class ResourceChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: CommunityResource) -> str:
        return f"{obj.name} ({obj.get_category_display()})"


class ResourceSearchForm(forms.Form):
    """The referral form's search of the directory (htmx, or a plain GET without JavaScript)."""

    q = forms.CharField(required=False, label="Find a resource", max_length=SEARCH_MAX)
    page = forms.IntegerField(required=False, min_value=1, max_value=10_000)


class ReferralForm(forms.Form):
    # Any resource id validates here so that the service gives the message for an inactive one;
    # the form offers only the matches of a search of active resources (never the whole
    # directory: it has 100,000 entries).
    resource = ResourceChoiceField(
        queryset=CommunityResource.objects.all(),
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose a resource from the directory.",
            "invalid_choice": "Choose a resource from the directory: there is none with this id.",
        },
    )
    follow_up_on = forms.DateField(label="Follow up on", required=False, widget=DATE)
    note = notes_field("Note")

    def __init__(self, *args, offered=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = cast(ResourceChoiceField, self.fields["resource"])
        field.widget.choices = [(resource.pk, field.label_from_instance(resource)) for resource in offered]


class ReferralStatusForm(forms.Form):
    status = forms.ChoiceField(label="New status")
    reason = forms.ChoiceField(
        required=False,
        choices=[("", "---------"), *Referral.Reason.choices],
        help_text="Needed when declined, or closed without completion.",
    )
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=LONG_TEXT)
    follow_up_on = forms.DateField(
        label="Next follow-up", required=False, widget=DATE, help_text="Leave empty to keep the current one."
    )

    def __init__(self, *args, referral: Referral, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Offered: the next steps. Accepted: any status, so that the service can say which
        # steps are allowed when a request skips one.
        labels = dict(Referral.Status.choices)
        status = cast(forms.ChoiceField, self.fields["status"])  # the ChoiceField declared above
        status.choices = [("", "---------"), *Referral.Status.choices]
        status.widget.choices = [
            ("", "---------"),
            *((value, labels[value]) for value in NEXT_STATUSES[referral.status]),
        ]

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        kwargs = {"status": data["status"], "reason": data["reason"], "note": data["note"]}
        if data.get("follow_up_on"):
            kwargs["follow_up_on"] = data["follow_up_on"]
        return kwargs


class ResourceForm(forms.ModelForm):
    description = forms.CharField(required=False, widget=NOTES, max_length=LONG_TEXT)
    eligibility = forms.CharField(required=False, widget=NOTES, max_length=LONG_TEXT)
    website = forms.URLField(
        required=False, max_length=300, assume_scheme="https", help_text="e.g. https://example.org"
    )

    class Meta:
        model = CommunityResource
        fields = [
            "name",
            "category",
            "description",
            "address",
            "phone",
            "website",
            "eligibility",
            "hours",
            "is_active",
            "external_id",
        ]
        labels = {"is_active": "Active (offered for new referrals)", "external_id": "External id"}
        widgets = {"description": NOTES, "eligibility": NOTES}

    def _post_clean(self) -> None:
        """Model validation is the service's job (one set of messages for pages and API)."""


class ResourceEditForm(ResourceForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


class ResourceFilterForm(forms.Form):
    ACTIVE_CHOICES = [("yes", "Active only"), ("no", "Inactive only"), ("all", "Active and inactive")]

    q = forms.CharField(required=False, label="Search", max_length=SEARCH_MAX)
    category = forms.ChoiceField(required=False, choices=[("", "Any category"), *Category.choices])
    active = forms.ChoiceField(required=False, choices=ACTIVE_CHOICES, label="Status")

    def filters(self) -> dict:
        data = self.cleaned_data
        active = {"yes": True, "no": False}.get(data.get("active") or "yes")
        return {"search": data.get("q", ""), "category": data.get("category", ""), "active": active}


class ResourceImportForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text=(
            "UTF-8 CSV with a header row. Required columns: name, category. Optional: external_id, "
            "description, address, phone, website, eligibility, hours, active (yes/no)."
        ),
    )

    def clean_file(self) -> UploadedFile:
        upload = self.cleaned_data["file"]
        if upload.size > csvfile.MAX_BYTES:  # refused before it is read into memory
            raise forms.ValidationError(csvfile.TOO_BIG)
        return upload
