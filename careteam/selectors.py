"""Reads of the coordination core, already narrowed to what the caller may see."""

import datetime

from django.db.models import Prefetch, QuerySet

from . import access
from .models import AuditEvent, Flag, FlagAcknowledgement, Notification, User


def staff_list(*, actor: User, search: str = "", role: str = "",
               active: bool | None = None) -> QuerySet[User]:
    access.require(actor, "careteam.manage_staff")
    users = User.objects.all()
    if search:
        users = users.filter(username__icontains=search) | users.filter(
            last_name__icontains=search
        ) | users.filter(first_name__icontains=search)
    if role:
        users = users.filter(role=role)
    if active is not None:
        users = users.filter(is_active=active)
    return users.order_by("last_name", "first_name", "username")


def audit_events(
    *,
    actor: User,
    actor_id: int | None = None,
    patient_id: int | None = None,
    action: str = "",
    object_type: str = "",
    since: datetime.date | None = None,
    until: datetime.date | None = None,
) -> QuerySet[AuditEvent]:
    access.require(actor, "careteam.view_auditevent")
    events = AuditEvent.objects.select_related("actor")
    if actor_id:
        events = events.filter(actor_id=actor_id)
    if patient_id:
        events = events.filter(patient_id=patient_id)
    if action:
        events = events.filter(action=action)
    if object_type:
        events = events.filter(object_type=object_type)
    if since:
        events = events.filter(at__date__gte=since)
    if until:
        events = events.filter(at__date__lte=until)
    return events.order_by("-at", "-id")


def flags_for_patient(*, actor: User, patient_id: int, status: str = "") -> QuerySet[Flag]:
    """Flags of one patient (the caller's access to the patient is checked by the view)."""
    flags = Flag.objects.filter(patient_id=patient_id)
    if status == "open":
        flags = flags.exclude(status=Flag.Status.RESOLVED)
    elif status:
        flags = flags.filter(status=status)
    return _with_flag_details(flags).order_by("-created_at", "-id")


def _with_flag_details(flags: QuerySet[Flag]) -> QuerySet[Flag]:
    return flags.select_related("raised_by", "resolved_by").prefetch_related(
        Prefetch("acknowledgements",
                 queryset=FlagAcknowledgement.objects.select_related("user").order_by("at"))
    )


def flag_detail(*, flag_id: int) -> Flag:
    return _with_flag_details(Flag.objects.filter(pk=flag_id)).get()


def inbox(*, actor: User, unread_only: bool = False) -> QuerySet[Notification]:
    """The caller's own in-app notifications, newest first."""
    notes = Notification.objects.filter(recipient=actor, channel=Notification.Channel.IN_APP)
    if unread_only:
        notes = notes.filter(read_at__isnull=True)
    return notes.select_related("flag", "patient").order_by("-created_at", "-id")


def unread_count(*, actor: User) -> int:
    return Notification.objects.filter(recipient=actor, channel=Notification.Channel.IN_APP,
                                       read_at__isnull=True).count()
