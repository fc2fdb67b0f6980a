"""Reads of the core (staff, audit log), already narrowed to what the caller may see."""

import datetime

from django.db.models import QuerySet

from . import access
from .models import AuditEvent, User
from .roles import Perm


def staff_list(
    *, actor: User, search: str = "", role: str = "", active: bool | None = None
) -> QuerySet[User]:
    access.require(actor, Perm.MANAGE_STAFF)
    users = User.objects.all()
    if search:
        users = (
            users.filter(username__icontains=search)
            | users.filter(last_name__icontains=search)
            | users.filter(first_name__icontains=search)
        )
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
    access.require(actor, Perm.VIEW_AUDIT)
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
