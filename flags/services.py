"""Flags and their notifications: the coordination layer's writes.

Raising a flag commits the flag and an outbox row in one transaction; after the commit the
outbox row is published to Celery. Delivery (``flag_event_deliver``) runs in a worker, creates one
notification per (flag, recipient, channel, event) — a database constraint makes a redelivered
task create nothing twice — and sends the emails. A beat job publishes again whatever was not
delivered (Redis was down, a worker died), and another escalates urgent flags nobody whose role
must act has acknowledged in time.

Nothing here logs, enqueues or emails patient data: ids only.
"""

import datetime
import functools
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Count, F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from careteam import audit
from careteam.models import User
from careteam.roles import FLAG_ACTING_ROLES, Role
from patients import summary
from patients.models import CareTeamMember, Patient

from . import sources
from .models import Flag, FlagAcknowledgement, FlagTrigger, Notification, OutboxMessage

log = logging.getLogger(__name__)

MESSAGE_MAX = 2000


@dataclass(frozen=True)
class Recipient:
    user: User
    action_required: bool


def acting_roles(category: str) -> tuple[str, ...]:
    return FLAG_ACTING_ROLES.get(category, ())


def flag_raise(
    *,
    actor: User | None,
    patient: Patient,
    category: str,
    severity: str,
    message: str,
    source_type: str = "",
    source_id: int | None = None,
    rule_key: str | None = None,
    reason_key: str | None = None,
) -> Flag:
    """Raise a flag on a patient. ``actor`` None means a rule raised it (nobody is left out of
    the notifications then). With a ``rule_key``, the same event never raises a second flag.
    With a ``reason_key`` (a rule's reason, e.g. "missed_sessions"), a new event while a flag
    for that reason is still open adds to that flag (``repeats``, ``last_repeated_at``, and the
    event's trigger) instead of raising another; the open flag is returned."""
    errors: dict[str, list[str]] = {}
    if category not in Flag.Category.values:
        errors["category"] = [f"Choose one of: {', '.join(Flag.Category.values)}."]
    if severity not in Flag.Severity.values:
        errors["severity"] = ["Choose routine or urgent."]
    message = (message or "").strip()
    if not message:
        errors["message"] = ["Say what the team needs to know."]
    elif len(message) > MESSAGE_MAX:
        errors["message"] = [f"Keep it under {MESSAGE_MAX} characters."]
    if rule_key is None and (source_type or source_id is not None):
        # A link chosen by a person must name one of this patient's records.
        if not source_type or source_id is None:
            errors["source_id"] = ["Give both the kind of record and its id, or neither."]
        elif sources.record_url(source_type, source_id, patient.pk) is None:
            errors["source_id"] = ["No such record of this patient."]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        if rule_key:
            existing = (
                Flag.objects.filter(rule_key=rule_key).first()
                or Flag.objects.filter(triggers__rule_key=rule_key).first()
            )
            if existing is not None:
                return existing
        if reason_key:
            # The summary row is the patient's lock: two events at once cannot both raise.
            summary.locked_row(patient.pk)
            still_open = (
                Flag.objects.select_for_update()
                .filter(patient=patient, reason_key=reason_key)
                .exclude(status=Flag.Status.RESOLVED)
                .first()
            )
            if still_open is not None:
                return _flag_repeat(flag=still_open, rule_key=rule_key)
        flag = Flag.objects.create(
            patient=patient,
            raised_by=actor,
            category=category,
            severity=severity,
            message=message,
            source_type=source_type,
            source_id=source_id,
            rule_key=rule_key,
            reason_key=reason_key,
        )
        outbox = OutboxMessage.objects.create(kind=OutboxMessage.Kind.FLAG_RAISED, flag=flag)
        summary_flags_recount(patient_id=patient.pk)
        if category == Flag.Category.CLINICAL_CHANGE:
            # A flag for psychiatric review puts the patient on the review list.
            summary.review_enter(patient_id=patient.pk)
        audit.record(
            actor=actor,
            action=audit.Action.CREATE,
            object_type="flag",
            object_id=flag.pk,
            patient_id=patient.pk,
            changes={
                "category": category,
                "severity": severity,
                **({"rule": rule_key.split(":", 1)[0]} if rule_key else {}),
            },
        )
        transaction.on_commit(lambda: outbox_publish(outbox_id=outbox.pk))
    return flag


def _flag_repeat(*, flag: Flag, rule_key: str | None) -> Flag:
    """One more event for an open flag raised by a rule (inside flag_raise's transaction)."""
    if rule_key:
        FlagTrigger.objects.create(flag=flag, rule_key=rule_key)
    flag.repeats += 1
    flag.last_repeated_at = timezone.now()
    flag.save(update_fields=["repeats", "last_repeated_at"])
    audit.record(
        actor=None,
        action=audit.Action.UPDATE,
        object_type="flag",
        object_id=flag.pk,
        patient_id=flag.patient_id,
        changes={"repeats": flag.repeats, **({"rule": rule_key.split(":", 1)[0]} if rule_key else {})},
    )
    return flag


def flags_resolve_for_record(
    *, actor: User | None, patient_id: int, source_type: str, source_id: int, note: str, rules_only: bool
) -> list[Flag]:
    """Resolve the open flags about one record (``rules_only``: only those a rule raised from
    it), with ``note`` saying why: e.g. the record was marked entered in error, or the side
    effect it reports has resolved. Inside the caller's transaction."""
    found = (
        Flag.objects.filter(patient_id=patient_id, source_type=source_type, source_id=source_id)
        .exclude(status=Flag.Status.RESOLVED)
        .order_by("id")
    )
    if rules_only:
        found = found.filter(rule_key__isnull=False)
    return [flag_resolve(actor=actor, flag=flag, note=note) for flag in found]


def outbox_publish(*, outbox_id: int) -> bool:
    """Hand one outbox row to Celery. A failure (Redis down) is logged and left to the
    re-publishing beat job: it never reaches the person who raised the flag."""
    from .tasks import deliver_flag_event

    OutboxMessage.objects.filter(pk=outbox_id).update(publish_attempts=F("publish_attempts") + 1)
    try:
        deliver_flag_event.apply_async(args=(outbox_id,), retry=False)
    except Exception:  # noqa: BLE001 - any broker failure; the outbox keeps the work
        log.warning("outbox %s: publish failed; the beat job will publish it again", outbox_id, exc_info=True)
        return False
    OutboxMessage.objects.filter(pk=outbox_id, published_at__isnull=True).update(published_at=timezone.now())
    return True


def outbox_republish(*, now: datetime.datetime | None = None, limit: int = 500) -> int:
    """Publish again every outbox row not delivered within OUTBOX_REPUBLISH_AFTER_SECONDS."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(seconds=settings.OUTBOX_REPUBLISH_AFTER_SECONDS)
    ids = list(
        OutboxMessage.objects.filter(delivered_at__isnull=True, created_at__lte=cutoff)
        .order_by("id")
        .values_list("id", flat=True)[:limit]
    )
    for outbox_id in ids:
        outbox_publish(outbox_id=outbox_id)
    return len(ids)


def _recipients(flag: Flag, event: str) -> list[Recipient]:
    members = (
        CareTeamMember.objects.filter(patient_id=flag.patient_id, user__is_active=True)
        .select_related("user")
        .order_by("id")
    )
    acting = acting_roles(flag.category)
    result = []
    for member in members:
        if member.user_id == flag.raised_by_id:
            continue  # nobody is notified of their own flag
        must_act = member.role in acting
        if event == Notification.Event.ESCALATED:
            must_act = must_act or member.is_primary
        result.append(Recipient(member.user, must_act))
    return result


def _wants_email(user: User, flag: Flag, event: str, action_required: bool) -> bool:
    if not user.email or user.email_notifications == User.EmailPreference.OFF:
        return False
    if user.email_notifications == User.EmailPreference.ALL:
        return True
    urgent = flag.severity == Flag.Severity.URGENT or event == Notification.Event.ESCALATED
    if user.email_notifications == User.EmailPreference.ACTION:
        return urgent or action_required
    return urgent


EVENT_FOR_KIND: dict[str, Notification.Event] = {
    OutboxMessage.Kind.FLAG_RAISED: Notification.Event.RAISED,
    OutboxMessage.Kind.FLAG_ESCALATED: Notification.Event.ESCALATED,
}


def flag_event_deliver(*, outbox_id: int) -> int:
    """Create the notifications of one outbox row and send its emails. Safe to run again:
    existing notifications are kept, emails already sent are not sent twice."""
    outbox = OutboxMessage.objects.select_related("flag").filter(pk=outbox_id).first()
    if outbox is None or outbox.delivered_at is not None:
        return 0
    if outbox.kind == OutboxMessage.Kind.TEAM_UPDATE:
        return _team_update_deliver(outbox)
    if outbox.kind == OutboxMessage.Kind.BREAK_GLASS:
        return _break_glass_deliver(outbox)
    flag, event = outbox.flag, EVENT_FOR_KIND[outbox.kind]
    if flag is None:  # the database's check constraint rules it out
        raise ValueError(f"outbox {outbox.pk}: a flag event without a flag")
    created = 0
    for recipient in _recipients(flag, event):
        channels = [Notification.Channel.IN_APP]
        if _wants_email(recipient.user, flag, event, recipient.action_required):
            channels.append(Notification.Channel.EMAIL)
        for channel in channels:
            _, made = Notification.objects.get_or_create(
                flag=flag,
                recipient=recipient.user,
                channel=channel,
                event=event,
                defaults={"patient_id": flag.patient_id, "action_required": recipient.action_required},
            )
            created += made
    for notification in Notification.objects.filter(
        flag=flag, event=event, channel=Notification.Channel.EMAIL, sent_at__isnull=True
    ).select_related("recipient", "flag"):
        _send_email(notification)
    OutboxMessage.objects.filter(pk=outbox.pk).update(delivered_at=timezone.now())
    log.info("outbox %s delivered: flag %s, %s new notifications", outbox.pk, flag.pk, created)
    return created


def team_update(
    *, actor: User, patient: Patient, kind: str, subject_id: int, summary: str, link: str
) -> OutboxMessage:
    """Tell the rest of the patient's care team, in the app and for information, about a change
    ``actor`` made (e.g. a medication order started, changed or stopped). Call it inside the
    service's transaction: the outbox row commits with the change, and the worker turns it into
    one in-app notification per other active member after the commit. ``summary`` is shown in
    the app only (never emailed, logged or put in a task); ``link`` is the page to open."""
    if (
        kind in (Notification.Kind.FLAG, Notification.Kind.BREAK_GLASS)
        or kind not in Notification.Kind.values
    ):
        raise ValueError(f"not a team-update kind: {kind}")
    outbox = OutboxMessage.objects.create(
        kind=OutboxMessage.Kind.TEAM_UPDATE,
        patient=patient,
        actor=actor,
        payload={"kind": kind, "subject_id": subject_id, "summary": summary[:200], "link": link[:200]},
    )
    transaction.on_commit(lambda: outbox_publish(outbox_id=outbox.pk))
    return outbox


def _team_update_deliver(outbox: OutboxMessage) -> int:
    """One in-app notification per active care-team member other than the one who made the
    change, none of them an action (idempotent through the outbox's unique key)."""
    payload = outbox.payload or {}
    created = 0
    members = CareTeamMember.objects.filter(patient=outbox.patient, user__is_active=True).order_by("id")
    if outbox.actor_id is not None:
        members = members.exclude(user_id=outbox.actor_id)
    for member in members:
        _, made = Notification.objects.get_or_create(
            outbox=outbox,
            recipient_id=member.user_id,
            channel=Notification.Channel.IN_APP,
            defaults={
                "kind": payload["kind"],
                "patient_id": outbox.patient_id,
                "subject_id": payload.get("subject_id"),
                "summary": payload.get("summary", ""),
                "link": payload.get("link", ""),
                "actor_id": outbox.actor_id,
                "action_required": False,
            },
        )
        created += made
    OutboxMessage.objects.filter(pk=outbox.pk).update(delivered_at=timezone.now())
    log.info("outbox %s delivered: team update, %s new notifications", outbox.pk, created)
    return created


def admins_notify_break_glass(
    *, actor: User, patient: Patient, grant_id: int, summary: str, link: str
) -> OutboxMessage:
    """Tell every active admin at once, in the app and by email, that ``actor`` opened emergency
    access (grant ``grant_id``) to a patient. Call it inside the grant's transaction: the outbox
    row commits with the grant and the worker delivers it exactly once per admin and channel.
    ``summary`` is for the app only; the email says only that there is a grant to review, with
    ``link`` (an id-based page, no patient data)."""
    outbox = OutboxMessage.objects.create(
        kind=OutboxMessage.Kind.BREAK_GLASS,
        patient=patient,
        actor=actor,
        payload={
            "kind": Notification.Kind.BREAK_GLASS,
            "subject_id": grant_id,
            "summary": summary[:200],
            "link": link[:200],
        },
    )
    transaction.on_commit(lambda: outbox_publish(outbox_id=outbox.pk))
    return outbox


def _break_glass_deliver(outbox: OutboxMessage) -> int:
    """One in-app and one email notification per active admin (emergency access is a security
    event: sent whatever the admin's email preference, to every admin with an address); the
    outbox's unique key makes a redelivered task create and send nothing twice."""
    payload = outbox.payload or {}
    created = 0
    admins = User.objects.filter(role=Role.ADMIN, is_active=True).order_by("id")
    for admin in admins:
        channels = [Notification.Channel.IN_APP]
        if admin.email:
            channels.append(Notification.Channel.EMAIL)
        for channel in channels:
            _, made = Notification.objects.get_or_create(
                outbox=outbox,
                recipient=admin,
                channel=channel,
                defaults={
                    "kind": Notification.Kind.BREAK_GLASS,
                    "patient_id": outbox.patient_id,
                    "subject_id": payload.get("subject_id"),
                    "summary": payload.get("summary", ""),
                    "link": payload.get("link", ""),
                    "actor_id": outbox.actor_id,
                    "action_required": True,
                },
            )
            created += made
    for notification in Notification.objects.filter(
        outbox=outbox, channel=Notification.Channel.EMAIL, sent_at__isnull=True
    ).select_related("recipient"):
        _send_break_glass_email(notification)
    OutboxMessage.objects.filter(pk=outbox.pk).update(delivered_at=timezone.now())
    log.info(
        "outbox %s delivered: break-glass grant %s, %s new notifications",
        outbox.pk,
        payload.get("subject_id"),
        created,
    )
    return created


def _send_break_glass_email(notification: Notification) -> None:
    """Subject and body say only that a grant waits for review: its id and a link to the
    review page, never who the patient is."""
    context = {
        "grant_id": notification.subject_id,
        "url": settings.SITE_URL.rstrip("/") + notification.link,
        "recipient": notification.recipient,
    }
    subject = " ".join(render_to_string("emails/break_glass_subject.txt", context).split())
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("emails/break_glass.txt", context),
        to=[notification.recipient.email],
    )
    message.attach_alternative(render_to_string("emails/break_glass.html", context), "text/html")
    message.send()
    Notification.objects.filter(pk=notification.pk).update(sent_at=timezone.now())


def _send_email(notification: Notification) -> None:
    """One email per email notification of a flag; subject and body say only that there is a
    flag. (Team updates are in the app only.)"""
    flag = notification.flag
    if flag is None:
        raise ValueError(f"notification {notification.pk}: only flags are emailed")
    context = {
        "urgent": flag.severity == Flag.Severity.URGENT,
        "escalated": notification.event == Notification.Event.ESCALATED,
        "action_required": notification.action_required,
        "url": settings.SITE_URL.rstrip("/") + reverse("flag_detail", args=[notification.flag_id]),
        "recipient": notification.recipient,
    }
    subject = " ".join(render_to_string("emails/flag_subject.txt", context).split())
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("emails/flag.txt", context),
        to=[notification.recipient.email],
    )
    message.attach_alternative(render_to_string("emails/flag.html", context), "text/html")
    message.send()
    Notification.objects.filter(pk=notification.pk).update(sent_at=timezone.now())


def flag_acknowledge(*, actor: User, flag: Flag) -> FlagAcknowledgement:
    """A recipient says "seen, on it". Only people the flag was sent to acknowledge."""
    with transaction.atomic():
        flag = Flag.objects.select_for_update().get(pk=flag.pk)
        mine = Notification.objects.filter(flag=flag, recipient=actor, channel=Notification.Channel.IN_APP)
        if not mine.exists():
            raise PermissionDenied("This flag was not sent to you.")
        ack, made = FlagAcknowledgement.objects.get_or_create(flag=flag, user=actor)
        now = timezone.now()
        mine.filter(read_at__isnull=True).update(read_at=now)
        if not made:
            return ack
        fields = []
        if flag.status == Flag.Status.OPEN:
            flag.status = Flag.Status.ACKNOWLEDGED
            fields.append("status")
        if flag.acted_on_at is None and mine.filter(action_required=True).exists():
            flag.acted_on_at = now
            fields.append("acted_on_at")
        if fields:
            flag.save(update_fields=fields)
        audit.record(
            actor=actor,
            action=audit.Action.UPDATE,
            object_type="flag",
            object_id=flag.pk,
            patient_id=flag.patient_id,
            changes={"acknowledged_by": actor.pk},
        )
    return ack


def flag_resolve(*, actor: User | None, flag: Flag, note: str) -> Flag:
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": ["Say how it was resolved."]})
    if len(note) > MESSAGE_MAX:
        raise ValidationError({"note": [f"Keep it to {MESSAGE_MAX} characters."]})
    with transaction.atomic():
        flag = Flag.objects.select_for_update().get(pk=flag.pk)
        if flag.status == Flag.Status.RESOLVED:
            raise ValidationError({"status": ["This flag is already resolved."]})
        flag.status = Flag.Status.RESOLVED
        flag.resolved_at = timezone.now()
        flag.resolved_by = actor
        flag.resolution_note = note
        flag.save(update_fields=["status", "resolved_at", "resolved_by", "resolution_note"])
        summary_flags_recount(patient_id=flag.patient_id)
        audit.record(
            actor=actor,
            action=audit.Action.UPDATE,
            object_type="flag",
            object_id=flag.pk,
            patient_id=flag.patient_id,
            changes={"status": ["open", "resolved"]},
        )
    return flag


def flags_escalate_due(*, now: datetime.datetime | None = None) -> list[int]:
    """Escalate, once, each urgent flag that no recipient whose role must act has acknowledged
    within FLAG_ESCALATION_MINUTES. Returns the escalated flags' ids."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(minutes=settings.FLAG_ESCALATION_MINUTES)
    escalated = []
    with transaction.atomic():
        due = (
            Flag.objects.select_for_update(skip_locked=True)
            .filter(
                severity=Flag.Severity.URGENT,
                acted_on_at__isnull=True,
                escalated_at__isnull=True,
                created_at__lte=cutoff,
            )
            .exclude(status=Flag.Status.RESOLVED)
            .order_by("id")
        )
        for flag in due:
            flag.escalated_at = now
            flag.save(update_fields=["escalated_at"])
            outbox, _ = OutboxMessage.objects.get_or_create(flag=flag, kind=OutboxMessage.Kind.FLAG_ESCALATED)
            audit.record(
                actor=None,
                action=audit.Action.UPDATE,
                object_type="flag",
                object_id=flag.pk,
                patient_id=flag.patient_id,
                changes={"escalated": True},
            )
            transaction.on_commit(functools.partial(outbox_publish, outbox_id=outbox.pk))
            escalated.append(flag.pk)
    return escalated


def notification_mark_read(*, actor: User, notification: Notification) -> Notification:
    """The recipient read the notification: marked read (once), and audited every time with ids
    only (who, which notification, whose patient)."""
    if notification.recipient_id != actor.pk:
        raise PermissionDenied("Not your notification.")
    with transaction.atomic():
        if notification.read_at is None:
            notification.read_at = timezone.now()
            notification.save(update_fields=["read_at"])
        audit.record(
            actor=actor,
            action=audit.Action.VIEW,
            object_type="notification",
            object_id=notification.pk,
            patient_id=notification.patient_id,
        )
    return notification


def summary_flags_recount(*, patient_id: int) -> None:
    """A flag of the patient was raised or resolved: recount the open and the urgent ones on the
    registry's summary row. The row is locked first, so two flags raised at once are both
    counted."""
    row = summary.locked_row(patient_id)
    counts = (
        Flag.objects.filter(patient_id=patient_id)
        .exclude(status=Flag.Status.RESOLVED)
        .aggregate(
            open=Count("pk"),
            urgent=Count("pk", filter=Q(severity=Flag.Severity.URGENT)),
            safety=Count("pk", filter=Q(category=Flag.Category.SAFETY)),
        )
    )
    row.open_flags, row.urgent_flags, row.safety_flags = counts["open"], counts["urgent"], counts["safety"]
    row.save(update_fields=["open_flags", "urgent_flags", "safety_flags"])


def flag_notifications_read(*, actor: User, flag: Flag) -> int:
    """The caller opened the flag: their notifications of it (raised, escalated) are read."""
    return Notification.objects.filter(
        flag=flag, recipient=actor, channel=Notification.Channel.IN_APP, read_at__isnull=True
    ).update(read_at=timezone.now())


def notifications_mark_all_read(*, actor: User) -> int:
    """Mark every unread in-app notification of the caller read; returns how many were. Each one
    marked is audited as read (ids only), in one INSERT however many there are."""
    with transaction.atomic():
        unread = list(
            Notification.objects.select_for_update()
            .filter(recipient=actor, channel=Notification.Channel.IN_APP, read_at__isnull=True)
            .only("pk", "patient_id")
            .order_by("pk")
        )
        if not unread:
            return 0
        Notification.objects.filter(pk__in=[note.pk for note in unread]).update(read_at=timezone.now())
        audit.record_reads(
            actor=actor,
            action=audit.Action.VIEW,
            object_type="notification",
            objects=unread,
            patient_attr="patient_id",
        )
    return len(unread)
