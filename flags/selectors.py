"""Reads of flags and notifications, already narrowed to what the caller may see."""

from django.db.models import Prefetch, QuerySet

from careteam.models import User

from .models import Flag, FlagAcknowledgement, Notification


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
        Prefetch(
            "acknowledgements", queryset=FlagAcknowledgement.objects.select_related("user").order_by("at")
        )
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
    return Notification.objects.filter(
        recipient=actor, channel=Notification.Channel.IN_APP, read_at__isnull=True
    ).count()
