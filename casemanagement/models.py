"""Case management: needs assessments, the community resource directory (and its CSV imports),
referrals with a closed-loop status history, and the contact log."""

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from careteam.dates import day_text
from careteam.records import REASON_MAX, Correctable
from patients.models import Patient

if TYPE_CHECKING:
    from .forms import ReferralStatusForm

LONG_TEXT = 2000  # notes, descriptions, eligibility: enforced by the services (model validation)


def in_error_reason() -> models.CharField:
    """Correctable's reason, with a database default: code of the previous release still
    inserts rows without the column during a rolling deploy."""
    return models.CharField(max_length=REASON_MAX, blank=True, default="", db_default="")


class Domain(models.TextChoices):
    HOUSING = "housing", "Housing"
    EMPLOYMENT = "employment", "Employment"
    EDUCATION = "education", "Education"
    INCOME = "income", "Income"
    FOOD = "food", "Food"
    TRANSPORT = "transport", "Transport"
    SOCIAL_SUPPORT = "social_support", "Social support"
    LEGAL = "legal", "Legal"
    OTHER = "other", "Other"


class Category(models.TextChoices):
    """What a community resource offers: the need domains plus support groups."""

    HOUSING = "housing", "Housing"
    EMPLOYMENT = "employment", "Employment"
    EDUCATION = "education", "Education"
    INCOME = "income", "Income"
    FOOD = "food", "Food"
    TRANSPORT = "transport", "Transport"
    SOCIAL_SUPPORT = "social_support", "Social support"
    LEGAL = "legal", "Legal"
    OTHER = "other", "Other"
    SUPPORT_GROUP = "support_group", "Support group"


class NeedAssessment(Correctable, models.Model):
    """One assessment of one need domain. Never edited: a re-assessment is a new row, and the
    patient's current need in a domain is the latest row for it."""

    class Priority(models.TextChoices):
        LOW = "low", "Low"
        MEDIUM = "medium", "Medium"
        HIGH = "high", "High"
        URGENT = "urgent", "Urgent"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        MET = "met", "Met"

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="need_assessments")
    domain = models.CharField(max_length=20, choices=Domain.choices)
    priority = models.CharField(max_length=10, choices=Priority.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    notes = models.TextField(blank=True, validators=[MaxLengthValidator(LONG_TEXT)])
    assessed_on = models.DateField()
    assessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    entered_in_error_reason = in_error_reason()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-assessed_on", "-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(domain__in=Domain.values), name="need_domain_valid"),
            models.CheckConstraint(
                condition=Q(priority__in=["low", "medium", "high", "urgent"]), name="need_priority_valid"
            ),
            models.CheckConstraint(condition=Q(status__in=["open", "met"]), name="need_status_valid"),
        ]
        indexes = [
            # history (newest first) and "latest per domain"
            models.Index(fields=["patient", "-assessed_on", "-created_at"], name="need_patient_date"),
            models.Index(
                fields=["patient", "domain", "-assessed_on", "-created_at"], name="need_patient_domain_date"
            ),
            # the patient timeline (keyset on date, id)
            models.Index(fields=["patient", "-assessed_on", "-id"], name="need_patient_date_id"),
        ]

    def __str__(self) -> str:
        return f"Need assessment {self.pk} ({self.domain}) of patient {self.patient_id}"

    # What the record is, in words, wherever a page names it (timeline, flags, inbox): one
    # place per record. Staff pages only; never in logs, URLs or emails (it holds clinical detail).
    @property
    def label(self) -> str:
        """e.g. "Housing need of 3 Dec 2026: high priority, open"."""
        return (
            f"{self.get_domain_display()} need of {day_text(self.assessed_on)}: "
            f"{self.get_priority_display().lower()} priority, {self.get_status_display().lower()}"
        )


class CommunityResource(models.Model):
    """A community service in the directory (not patient data). ``version`` goes up with every
    change so that a colleague's edit is never overwritten silently."""

    external_id = models.CharField(
        max_length=100,
        null=True,
        blank=True,
        help_text="A stable id from the source of an imported directory (optional, unique).",
    )
    name = models.CharField(max_length=200)
    category = models.CharField(max_length=20, choices=Category.choices)
    description = models.TextField(blank=True, validators=[MaxLengthValidator(LONG_TEXT)])
    address = models.CharField(max_length=300, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    website = models.URLField(max_length=300, blank=True)
    eligibility = models.TextField(blank=True, validators=[MaxLengthValidator(LONG_TEXT)])
    hours = models.CharField(max_length=200, blank=True)
    is_active = models.BooleanField(default=True, verbose_name="active")
    # Name and address, case-folded: how an import row without an external id finds its
    # resource (set by the services; the same answer on SQLite and PostgreSQL).
    match_key = models.CharField(max_length=510, editable=False, default="")
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["name", "id"]
        permissions = [
            ("manage_resources", "Can add and edit community resources and import the directory"),
            ("manage_referrals", "Can make and update referrals of the patients they case-manage"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["external_id"],
                name="resource_external_id_unique",
                condition=Q(external_id__isnull=False),
            ),
            models.CheckConstraint(condition=~Q(external_id=""), name="resource_external_id_not_blank"),
            models.CheckConstraint(condition=~Q(name=""), name="resource_name_not_blank"),
            models.CheckConstraint(condition=Q(category__in=Category.values), name="resource_category_valid"),
        ]
        indexes = [
            models.Index(fields=["is_active", "category", "name"], name="resource_active_category"),
            models.Index(fields=["category", "name"], name="resource_category_name"),
            models.Index(fields=["name", "id"], name="resource_name"),
            models.Index(fields=["match_key"], name="resource_match_key"),
        ]

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def key_for(name: str, address: str) -> str:
        return f"{(name or '').strip().casefold()}\x1f{(address or '').strip().casefold()}"


class ResourceImport(models.Model):
    """A CSV upload of the directory, processed by a Celery job in chunks. The file's text is
    kept on the row, so the job needs nothing but this row's id."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    filename = models.CharField(max_length=255)
    content = models.TextField()
    chunk_size = models.PositiveIntegerField(default=100)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    unchanged_count = models.PositiveIntegerField(default=0)
    rejected_count = models.PositiveIntegerField(default=0)
    # [{"line": 7, "reason": "Unknown category ..."}]: line numbers and reasons, no row data.
    rejected_rows = models.JSONField(default=list, blank=True)
    ignored_columns = models.JSONField(default=list, blank=True)
    error = models.CharField(max_length=300, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["queued", "running", "done", "failed"]), name="import_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(processed_rows__lte=F("total_rows")), name="import_processed_within_total"
            ),
            models.CheckConstraint(
                condition=Q(
                    processed_rows=F("created_count")
                    + F("updated_count")
                    + F("unchanged_count")
                    + F("rejected_count")
                ),
                name="import_counts_add_up",
            ),
            models.CheckConstraint(condition=Q(chunk_size__gte=1), name="import_chunk_size_positive"),
        ]
        indexes = [models.Index(fields=["-uploaded_at", "-id"], name="import_uploaded")]

    def __str__(self) -> str:
        return f"Resource import {self.pk} ({self.status})"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def percent(self) -> int:
        return 100 if not self.total_rows else int(100 * self.processed_rows / self.total_rows)


class Referral(Correctable, models.Model):
    """A patient's referral to a community resource, followed until the loop is closed."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SENT = "sent", "Sent"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        IN_PROGRESS = "in_progress", "In progress"
        COMPLETED = "completed", "Completed"
        CLOSED = "closed", "Closed"

    class Reason(models.TextChoices):
        NO_CAPACITY = "no_capacity", "No capacity"
        NOT_ELIGIBLE = "not_eligible", "Not eligible"
        PATIENT_DECLINED = "patient_declined", "Patient declined"
        UNREACHABLE = "unreachable", "Unreachable"
        OTHER = "other", "Other"

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="referrals")
    resource = models.ForeignKey(CommunityResource, on_delete=models.PROTECT, related_name="referrals")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    # Why it was declined or closed without completion; empty otherwise.
    reason = models.CharField(max_length=20, choices=Reason.choices, blank=True)
    follow_up_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    entered_in_error_reason = in_error_reason()
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    # Not a column: the patient's case-management page attaches each listed referral's status
    # form (None when the caller may not move it) for its template.
    status_form: "ReferralStatusForm | None"

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    status__in=["draft", "sent", "accepted", "declined", "in_progress", "completed", "closed"]
                ),
                name="referral_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(
                    reason__in=["", "no_capacity", "not_eligible", "patient_declined", "unreachable", "other"]
                ),
                name="referral_reason_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status="declined") | ~Q(reason=""), name="referral_declined_has_reason"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["declined", "closed"]) | Q(reason=""),
                name="referral_reason_only_when_ended",
            ),
        ]
        indexes = [
            models.Index(fields=["patient", "-created_at", "-id"], name="referral_patient_created"),
            models.Index(fields=["status", "follow_up_on"], name="referral_status_follow_up"),
        ]

    def __str__(self) -> str:
        return f"Referral {self.pk} of patient {self.patient_id} ({self.status})"

    # What the record is, in words, wherever a page names it (timeline, flags, inbox): one
    # place per record. Staff pages only; never in logs, URLs or emails (it holds clinical detail).
    @property
    def label(self) -> str:
        """e.g. "Referral to Harbour Housing (sent)" (reads the resource's name)."""
        return f"Referral to {self.resource.name} ({self.get_status_display().lower()})"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES and not self.entered_in_error

    @property
    def is_overdue(self) -> bool:
        """A follow-up date in the past on a referral that is still open."""
        return self.follow_up_on is not None and self.is_open and self.follow_up_on < timezone.localdate()


# Still waiting on someone: these can be overdue, and can be closed without completion.
OPEN_STATUSES = (
    Referral.Status.DRAFT,
    Referral.Status.SENT,
    Referral.Status.ACCEPTED,
    Referral.Status.IN_PROGRESS,
)


class ReferralStatusChange(models.Model):
    """One step in a referral's history (the first one, from "", is its creation)."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="history")
    from_status = models.CharField(max_length=20, choices=Referral.Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Referral.Status.choices)
    reason = models.CharField(max_length=20, choices=Referral.Reason.choices, blank=True)
    note = models.TextField(blank=True, validators=[MaxLengthValidator(LONG_TEXT)])
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["changed_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(from_status=F("to_status")), name="referral_change_changes_status"
            ),
            models.CheckConstraint(
                condition=Q(
                    to_status__in=[
                        "draft",
                        "sent",
                        "accepted",
                        "declined",
                        "in_progress",
                        "completed",
                        "closed",
                    ]
                ),
                name="referral_change_to_valid",
            ),
            models.CheckConstraint(
                condition=~Q(to_status="declined") | ~Q(reason=""), name="referral_change_decline_reason"
            ),
            models.CheckConstraint(
                condition=~Q(to_status="closed") | Q(from_status="completed") | ~Q(reason=""),
                name="referral_change_close_reason",
            ),
        ]
        indexes = [models.Index(fields=["referral", "changed_at", "id"], name="referral_change_order")]

    def __str__(self) -> str:
        return f"Referral {self.referral_id}: {self.from_status or 'new'} → {self.to_status}"


class Contact(Correctable, models.Model):
    """One attempt to reach the patient (or reaching them), by any member of the team."""

    class Channel(models.TextChoices):
        PHONE = "phone", "Phone"
        IN_PERSON = "in_person", "In person"
        VIDEO = "video", "Video"
        TEXT_MESSAGE = "text_message", "Text message"
        EMAIL = "email", "Email"
        LETTER = "letter", "Letter"

    class Outcome(models.TextChoices):
        REACHED = "reached", "Reached"
        NO_ANSWER = "no_answer", "No answer"
        LEFT_MESSAGE = "left_message", "Left message"
        WRONG_NUMBER = "wrong_number", "Wrong number"
        OTHER = "other", "Other"

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="contacts")
    contacted_at = models.DateTimeField()
    channel = models.CharField(max_length=20, choices=Channel.choices)
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    notes = models.TextField(blank=True, validators=[MaxLengthValidator(LONG_TEXT)])
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    entered_in_error_reason = in_error_reason()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-contacted_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(channel__in=["phone", "in_person", "video", "text_message", "email", "letter"]),
                name="contact_channel_valid",
            ),
            models.CheckConstraint(
                condition=Q(outcome__in=["reached", "no_answer", "left_message", "wrong_number", "other"]),
                name="contact_outcome_valid",
            ),
        ]
        indexes = [models.Index(fields=["patient", "-contacted_at", "-id"], name="contact_patient_at")]

    def __str__(self) -> str:
        return f"Contact {self.pk} with patient {self.patient_id}"
