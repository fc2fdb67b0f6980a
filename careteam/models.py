from typing import ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils import timezone

from .roles import Role


class StaffManager(UserManager["User"]):
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
        max_length=10,
        choices=EmailPreference.choices,
        default=EmailPreference.ACTION,
        help_text="In-app notifications are always on.",
    )

    objects: ClassVar[StaffManager] = StaffManager()

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
        ENTERED_IN_ERROR = "entered_in_error", "Marked entered in error"
        # A refused request on a patient-scoped path (403, or 404 for an existing patient).
        DENIED = "denied", "Access refused"
        BREAK_GLASS = "break_glass", "Emergency access granted"
        REVIEW = "review", "Reviewed"
        SIGN_IN = "sign_in", "Signed in"
        SIGN_OUT = "sign_out", "Signed out"
        PASSWORD_CHANGE = "password_change", "Password changed"
        PASSWORD_RESET = "password_reset", "Password reset"
        MFA_ENROL = "mfa_enrol", "Two-factor sign-in set up"

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
