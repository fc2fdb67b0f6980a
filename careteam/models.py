from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils import timezone

from .roles import Role
from .treatment import phq9_change_pct_sql, treatment_status_sql


class StaffManager(UserManager):
    def create_superuser(self, username, email=None, password=None, **extra_fields):
        # `manage.py createsuperuser` makes an admin: every staff member has exactly one role.
        extra_fields.setdefault("role", Role.ADMIN)
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    """A staff member. Patients never sign in."""

    class EmailPreference(models.TextChoices):
        ACTION = "action", "Flags I must act on, and urgent flags"
        URGENT = "urgent", "Urgent flags only"
        ALL = "all", "Every flag"
        OFF = "off", "No email (in-app only)"

    role = models.CharField(max_length=20, choices=Role.choices)
    email_notifications = models.CharField(
        max_length=10, choices=EmailPreference.choices, default=EmailPreference.ACTION,
        help_text="In-app notifications are always on.",
    )

    objects = StaffManager()

    class Meta:
        ordering = ["last_name", "first_name", "username"]
        permissions = [("manage_staff", "Can manage staff accounts, roles and deactivation")]
        constraints = [
            models.CheckConstraint(condition=models.Q(role__in=Role.values), name="user_role_valid"),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def role_label(self) -> str:
        return Role(self.role).label if self.role in Role.values else self.role


class AuditEvent(models.Model):
    """One read or write of a record. Ids and field names only: never patient data.

    Rows are written by careteam.audit and never changed: the admin and API are read-only, and
    on PostgreSQL a trigger refuses UPDATE and DELETE.
    """

    class Action(models.TextChoices):
        VIEW = "view", "Viewed"
        LIST = "list", "Listed"
        CREATE = "create", "Created"
        UPDATE = "update", "Updated"
        DELETE = "delete", "Deleted"
        GRANT = "grant", "Access granted"
        REVOKE = "revoke", "Access revoked"
        DEACTIVATE = "deactivate", "Deactivated"
        REACTIVATE = "reactivate", "Reactivated"
        CONFLICT = "conflict", "Stale edit refused"

    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="audit_events"
    )
    action = models.CharField(max_length=20, choices=Action.choices)
    object_type = models.CharField(max_length=50)
    object_id = models.CharField(max_length=64)
    # Plain ids, not foreign keys: the core does not depend on the component apps.
    patient_id = models.BigIntegerField(null=True, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    changes = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["patient_id", "-at"], name="audit_patient_at"),
            models.Index(fields=["actor", "-at"], name="audit_actor_at"),
            models.Index(fields=["object_type", "object_id"], name="audit_object"),
        ]

    def __str__(self) -> str:
        when = f"{self.at:%Y-%m-%d %H:%M:%S}"
        return f"{when} {self.actor_id} {self.action} {self.object_type}:{self.object_id}"


class Flag(models.Model):
    """Something a care-team member (or a rule) wants the team to know and act on."""

    class Category(models.TextChoices):
        SIDE_EFFECT = "side_effect", "Side effect"
        SAFETY = "safety", "Safety risk"
        MISSED_SESSIONS = "missed_sessions", "Missed sessions"
        NON_ADHERENCE = "non_adherence", "Non-adherence"
        SOCIAL = "social", "Social crisis"
        CLINICAL_CHANGE = "clinical_change", "Clinical change"
        OTHER = "other", "Other"

    class Severity(models.TextChoices):
        ROUTINE = "routine", "Routine"
        URGENT = "urgent", "Urgent"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        ACKNOWLEDGED = "acknowledged", "Acknowledged"
        RESOLVED = "resolved", "Resolved"

    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="flags")
    raised_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="flags_raised")
    category = models.CharField(max_length=20, choices=Category.choices)
    severity = models.CharField(max_length=10, choices=Severity.choices)
    message = models.TextField()
    # Optional link to the record the flag is about, e.g. ("side_effect", 12).
    source_type = models.CharField(max_length=40, blank=True)
    source_id = models.BigIntegerField(null=True, blank=True)
    # Set for flags raised by a rule, so the same event never raises two flags.
    rule_key = models.CharField(max_length=120, null=True, blank=True, unique=True)
    status = models.CharField(max_length=15, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(default=timezone.now)
    acted_on_at = models.DateTimeField(
        null=True, blank=True, help_text="First acknowledgement by a recipient whose role must act."
    )
    escalated_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    resolution_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(category__in=["side_effect", "safety", "missed_sessions",
                                                 "non_adherence", "social", "clinical_change",
                                                 "other"]),
                name="flag_category_valid",
            ),
            models.CheckConstraint(condition=models.Q(severity__in=["routine", "urgent"]),
                                   name="flag_severity_valid"),
            models.CheckConstraint(condition=models.Q(status__in=["open", "acknowledged", "resolved"]),
                                   name="flag_status_valid"),
        ]
        indexes = [
            models.Index(fields=["patient", "status", "-created_at"], name="flag_patient_status"),
            models.Index(fields=["patient", "-created_at", "-id"], name="flag_patient_created"),
            models.Index(fields=["severity", "status", "escalated_at", "created_at"],
                         name="flag_escalation_scan"),
        ]

    def __str__(self) -> str:
        return f"Flag {self.pk} ({self.category}, {self.severity}) on patient {self.patient_id}"


class FlagAcknowledgement(models.Model):
    flag = models.ForeignKey(Flag, on_delete=models.CASCADE, related_name="acknowledgements")
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]
        constraints = [models.UniqueConstraint(fields=["flag", "user"], name="flag_ack_once")]

    def __str__(self) -> str:
        return f"Flag {self.flag_id} acknowledged by {self.user_id}"


class Notification(models.Model):
    """One message to one person about one flag event, on one channel. The unique constraint
    makes delivery idempotent: a redelivered task finds the row and creates nothing."""

    class Channel(models.TextChoices):
        IN_APP = "in_app", "In-app"
        EMAIL = "email", "Email"

    class Event(models.TextChoices):
        RAISED = "raised", "New flag"
        ESCALATED = "escalated", "Escalated flag"

    recipient = models.ForeignKey(User, on_delete=models.PROTECT, related_name="notifications")
    flag = models.ForeignKey(Flag, on_delete=models.CASCADE, related_name="notifications")
    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(max_length=10, choices=Channel.choices)
    event = models.CharField(max_length=10, choices=Event.choices, default=Event.RAISED)
    action_required = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True, help_text="Email handed to the mail server.")

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["flag", "recipient", "channel", "event"],
                                    name="notification_once_per_flag_recipient_channel"),
        ]
        indexes = [
            models.Index(fields=["recipient", "channel", "-created_at"], name="notification_inbox"),
            models.Index(fields=["recipient", "channel", "read_at"], name="notification_unread"),
        ]

    def __str__(self) -> str:
        return f"Notification {self.pk} of flag {self.flag_id} to {self.recipient_id}"


class OutboxMessage(models.Model):
    """Work that must not be lost, committed with the change that caused it and then published.
    A beat job re-publishes what was not delivered (Redis down, worker killed)."""

    class Kind(models.TextChoices):
        FLAG_RAISED = "flag_raised", "Flag raised"
        FLAG_ESCALATED = "flag_escalated", "Flag escalated"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    flag = models.ForeignKey(Flag, on_delete=models.CASCADE, related_name="outbox")
    created_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(null=True, blank=True)
    publish_attempts = models.PositiveIntegerField(default=0)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["flag", "kind"], name="outbox_once_per_flag_kind")]
        indexes = [models.Index(fields=["delivered_at", "created_at"], name="outbox_undelivered")]

    def __str__(self) -> str:
        return f"Outbox {self.pk} {self.kind} flag {self.flag_id}"


class PatientSummary(models.Model):
    """One row per patient (opened with the patient) with the figures the caseload registry sorts
    and filters on, kept up to date by the services that record them (a measure, a contact, a
    flag, a referral's follow-up date), so the registry is a plain join whatever the caseload's
    size."""

    patient = models.OneToOneField("patients.Patient", on_delete=models.CASCADE,
                                   primary_key=True, related_name="summary")
    phq9_baseline = models.PositiveSmallIntegerField(null=True, blank=True)
    phq9_baseline_on = models.DateField(null=True, blank=True)
    phq9_latest = models.PositiveSmallIntegerField(null=True, blank=True)
    phq9_latest_on = models.DateField(null=True, blank=True)
    phq9_count = models.PositiveIntegerField(default=0)
    gad7_baseline = models.PositiveSmallIntegerField(null=True, blank=True)
    gad7_baseline_on = models.DateField(null=True, blank=True)
    gad7_latest = models.PositiveSmallIntegerField(null=True, blank=True)
    gad7_latest_on = models.DateField(null=True, blank=True)
    gad7_count = models.PositiveIntegerField(default=0)
    last_contact_at = models.DateTimeField(null=True, blank=True)
    # Open flags (acknowledged or not) and the urgent ones among them: careteam.flags recounts
    # them when a flag is raised or resolved.
    open_flags = models.PositiveIntegerField(default=0)
    urgent_flags = models.PositiveIntegerField(default=0)
    # The follow-up dates of a component's open items (case management: open referrals'
    # follow-ups), kept by that component: all of them (ISO dates, in order), to count the
    # overdue ones of a row, and the earliest, to filter and sort on. Before today a follow-up
    # is overdue, like the care plan's review date.
    follow_up_dates = models.JSONField(default=list, blank=True)
    follow_up_due_on = models.DateField(null=True, blank=True)
    # The care plan's next review date (patients.services keeps it).
    care_plan_review_on = models.DateField(null=True, blank=True)
    # Derived by the database from the PHQ-9 columns above, so they never disagree with them.
    treatment_status = models.GeneratedField(
        expression=treatment_status_sql(), output_field=models.CharField(max_length=20),
        db_persist=True)
    phq9_change_pct = models.GeneratedField(
        expression=phq9_change_pct_sql(), output_field=models.FloatField(), db_persist=True)
    # Psychiatric review list: since when the patient is on it, and when it was last done.
    review_since = models.DateField(null=True, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")

    class Meta:
        indexes = [
            models.Index(fields=["review_since"], name="summary_review_since"),
            models.Index(fields=["phq9_baseline_on"], name="summary_phq9_baseline_on"),
        ]

    def __str__(self) -> str:
        return f"Summary of patient {self.patient_id}"
