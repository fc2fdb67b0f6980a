"""Flags, acknowledgements, notifications and the outbox.

The tables keep the names they had when these models lived in the careteam app (db_table), so
moving them here kept every row and id.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone


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
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="flags_raised"
    )
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
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolution_note = models.TextField(blank=True)

    class Meta:
        db_table = "careteam_flag"  # kept from when flags lived in careteam
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    category__in=[
                        "side_effect",
                        "safety",
                        "missed_sessions",
                        "non_adherence",
                        "social",
                        "clinical_change",
                        "other",
                    ]
                ),
                name="flag_category_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(severity__in=["routine", "urgent"]), name="flag_severity_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["open", "acknowledged", "resolved"]), name="flag_status_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["patient", "status", "-created_at"], name="flag_patient_status"),
            models.Index(fields=["patient", "-created_at", "-id"], name="flag_patient_created"),
            models.Index(
                fields=["severity", "status", "escalated_at", "created_at"], name="flag_escalation_scan"
            ),
        ]

    def __str__(self) -> str:
        return f"Flag {self.pk} ({self.category}, {self.severity}) on patient {self.patient_id}"


class FlagAcknowledgement(models.Model):
    flag = models.ForeignKey(Flag, on_delete=models.CASCADE, related_name="acknowledgements")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "careteam_flagacknowledgement"  # kept from when flags lived in careteam
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

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="notifications"
    )
    flag = models.ForeignKey(Flag, on_delete=models.CASCADE, related_name="notifications")
    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(max_length=10, choices=Channel.choices)
    event = models.CharField(max_length=10, choices=Event.choices, default=Event.RAISED)
    action_required = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True, help_text="Email handed to the mail server.")

    class Meta:
        db_table = "careteam_notification"  # kept from when flags lived in careteam
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["flag", "recipient", "channel", "event"],
                name="notification_once_per_flag_recipient_channel",
            ),
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
        db_table = "careteam_outboxmessage"  # kept from when flags lived in careteam
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["flag", "kind"], name="outbox_once_per_flag_kind")]
        indexes = [models.Index(fields=["delivered_at", "created_at"], name="outbox_undelivered")]

    def __str__(self) -> str:
        return f"Outbox {self.pk} {self.kind} flag {self.flag_id}"
