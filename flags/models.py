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
    message = models.TextField(max_length=2000)
    # Optional link to the record the flag is about, e.g. ("side_effect", 12).
    source_type = models.CharField(max_length=40, blank=True)
    source_id = models.BigIntegerField(null=True, blank=True)
    # Set for flags raised by a rule, so the same event never raises two flags.
    rule_key = models.CharField(max_length=120, null=True, blank=True, unique=True)
    # Set for flags a rule raises for a lasting reason (e.g. "missed_sessions"): while one is
    # open, the rule's next events add to it (repeats) instead of raising another.
    reason_key = models.CharField(max_length=60, null=True, blank=True)
    repeats = models.PositiveIntegerField(default=0, db_default=0)
    last_repeated_at = models.DateTimeField(null=True, blank=True)
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
    resolution_note = models.TextField(blank=True, max_length=2000)

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
            models.UniqueConstraint(
                fields=["patient", "reason_key"],
                condition=models.Q(reason_key__isnull=False) & ~models.Q(status="resolved"),
                name="flag_one_open_per_reason",
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


class FlagTrigger(models.Model):
    """An event a rule added to an open flag for the same reason (the first event is the
    flag's own rule_key): the same event never counts twice."""

    flag = models.ForeignKey(Flag, on_delete=models.CASCADE, related_name="triggers")
    rule_key = models.CharField(max_length=120, unique=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"Trigger {self.rule_key} of flag {self.flag_id}"


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
    """One message to one person, on one channel: about one flag event (kind "flag"), or, for
    information, about a change a colleague made to the patient's record (e.g. kind
    "medication": an order started, changed or stopped). The unique constraints make delivery
    idempotent: a redelivered task finds the row and creates nothing."""

    class Kind(models.TextChoices):
        FLAG = "flag", "Flag"
        MEDICATION = "medication", "Medication change"
        BREAK_GLASS = "break_glass", "Emergency access"

    class Channel(models.TextChoices):
        IN_APP = "in_app", "In-app"
        EMAIL = "email", "Email"

    class Event(models.TextChoices):
        RAISED = "raised", "New flag"
        ESCALATED = "escalated", "Escalated flag"

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="notifications"
    )
    # Database defaults on the columns added after the first release: code of the previous
    # release, still running during a deploy, inserts rows without them.
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.FLAG, db_default=Kind.FLAG)
    flag = models.ForeignKey(
        Flag, null=True, blank=True, on_delete=models.CASCADE, related_name="notifications"
    )
    # Other kinds: the outbox row that made it (its idempotency key), the record it is about
    # (an id in the kind's component), what happened in a line and where to see it. The line
    # is shown in the app only, never emailed.
    outbox = models.ForeignKey(
        "OutboxMessage", null=True, blank=True, on_delete=models.CASCADE, related_name="notifications"
    )
    subject_id = models.BigIntegerField(null=True, blank=True)
    summary = models.CharField(max_length=200, blank=True, db_default="")
    link = models.CharField(max_length=200, blank=True, db_default="")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
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
            models.UniqueConstraint(
                fields=["outbox", "recipient", "channel"],
                condition=models.Q(outbox__isnull=False),
                name="notification_once_per_outbox_recipient_channel",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(kind="flag", flag__isnull=False)
                    | (~models.Q(kind="flag") & models.Q(flag__isnull=True, outbox__isnull=False))
                ),
                name="notification_about_a_flag_or_an_update",
            ),
        ]
        indexes = [
            models.Index(fields=["recipient", "channel", "-created_at"], name="notification_inbox"),
            models.Index(fields=["recipient", "channel", "read_at"], name="notification_unread"),
        ]

    def __str__(self) -> str:
        about = f"flag {self.flag_id}" if self.flag_id else f"{self.kind} {self.subject_id}"
        return f"Notification {self.pk} of {about} to {self.recipient_id}"


class OutboxMessage(models.Model):
    """Work that must not be lost, committed with the change that caused it and then published.
    A beat job re-publishes what was not delivered (Redis down, worker killed)."""

    class Kind(models.TextChoices):
        FLAG_RAISED = "flag_raised", "Flag raised"
        FLAG_ESCALATED = "flag_escalated", "Flag escalated"
        TEAM_UPDATE = "team_update", "Care-team update"
        BREAK_GLASS = "break_glass", "Emergency access granted"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    flag = models.ForeignKey(Flag, null=True, blank=True, on_delete=models.CASCADE, related_name="outbox")
    # A team update (or an emergency-access grant, told to the admins): whose patient, who made
    # the change, and what the notifications will say (kind, subject_id, summary, link). Never put
    # in a task's arguments: the task gets the id.
    patient = models.ForeignKey(
        "patients.Patient", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    payload = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(null=True, blank=True)
    publish_attempts = models.PositiveIntegerField(default=0)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "careteam_outboxmessage"  # kept from when flags lived in careteam
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["flag", "kind"], name="outbox_once_per_flag_kind"),
            models.CheckConstraint(
                condition=(
                    models.Q(
                        kind__in=["team_update", "break_glass"], flag__isnull=True, patient__isnull=False
                    )
                    | (~models.Q(kind__in=["team_update", "break_glass"]) & models.Q(flag__isnull=False))
                ),
                name="outbox_about_a_flag_or_a_patient",
            ),
        ]
        indexes = [models.Index(fields=["delivered_at", "created_at"], name="outbox_undelivered")]

    def __str__(self) -> str:
        about = f"flag {self.flag_id}" if self.flag_id else f"patient {self.patient_id}"
        return f"Outbox {self.pk} {self.kind} {about}"
