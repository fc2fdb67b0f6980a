"""Reads of flags and notifications, already narrowed to what the caller may see."""

from django.db.models import (
    Case,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Concat, Trim

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


def _acting_acknowledgements() -> QuerySet[FlagAcknowledgement]:
    """Acknowledgements of the outer row's flag by a recipient whose role must act (one whose
    notification of the flag asked for action), first first."""
    asked_to_act = Notification.objects.filter(
        flag_id=OuterRef("flag_id"), recipient_id=OuterRef("user_id"), action_required=True
    )
    return (
        FlagAcknowledgement.objects.filter(flag_id=OuterRef("flag_id"))
        .filter(Exists(asked_to_act))
        .order_by("at", "id")
    )


def inbox(*, actor: User, unread_only: bool = False, pinned_first: bool = False) -> QuerySet[Notification]:
    """The caller's own in-app notifications, newest first; with ``pinned_first``, the open urgent
    flags nobody whose role must act has acknowledged yet come first (the inbox page).

    Each row carries ``pinned`` (0/1), ``handled_by_id`` and ``handled_by_name`` (the first
    recipient whose role must act who acknowledged the flag, or None) and its flag's
    acknowledgements with their users: a fixed number of queries however many rows."""
    notes = Notification.objects.filter(recipient=actor, channel=Notification.Channel.IN_APP)
    if unread_only:
        notes = notes.filter(read_at__isnull=True)
    handler = _acting_acknowledgements()
    notes = notes.annotate(
        pinned=Case(
            When(
                Q(
                    kind=Notification.Kind.FLAG,
                    flag__severity=Flag.Severity.URGENT,
                    flag__acted_on_at__isnull=True,
                )
                & ~Q(flag__status=Flag.Status.RESOLVED),
                then=Value(1),
            ),
            default=Value(0),
            output_field=IntegerField(),
        ),
        handled_by_id=Subquery(handler.values("user_id")[:1]),
        handled_by_name=Subquery(
            handler.annotate(
                name=Case(
                    When(Q(user__first_name="") & Q(user__last_name=""), then="user__username"),
                    default=Trim(Concat("user__first_name", Value(" "), "user__last_name")),
                )
            ).values("name")[:1]
        ),
    )
    order = ["-pinned", "-created_at", "-id"] if pinned_first else ["-created_at", "-id"]
    return (
        notes.select_related("flag", "patient")
        .prefetch_related(
            Prefetch(
                "flag__acknowledgements",
                queryset=FlagAcknowledgement.objects.select_related("user").order_by("at", "id"),
            )
        )
        .order_by(*order)
    )


def unread_count(*, actor: User) -> int:
    return Notification.objects.filter(
        recipient=actor, channel=Notification.Channel.IN_APP, read_at__isnull=True
    ).count()
