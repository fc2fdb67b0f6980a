"""Recording who read or wrote which record. Ids only; never names or clinical text."""

import functools
from collections.abc import Iterable
from contextvars import ContextVar
from typing import Any

from django.db import connection
from django.utils import timezone

from .models import AuditEvent, User

request_id_var: ContextVar[str] = ContextVar("request_id", default="")
Action = AuditEvent.Action

# Emergency access: patients/access.py notes on the user object (which lives for one request)
# which patients it let the user read under a break-glass grant; every audit row of that user on
# such a patient then says so: changes {"break_glass": grant id}. Kept on the user rather than in
# a context variable, so that nothing carries over from one request to the next in a thread.
_BREAK_GLASS_ATTR = "_careteam_break_glass"


def break_glass_mark(user: Any, patient_id: int, grant_id: int | None) -> None:
    """Access to ``patient_id`` was decided by grant ``grant_id`` (None: by care-team membership
    or a role capability; a mark left from an earlier check is dropped)."""
    if not isinstance(user, User):
        return
    marks: dict[int, int] = user.__dict__.setdefault(_BREAK_GLASS_ATTR, {})
    if grant_id is None:
        marks.pop(patient_id, None)
    else:
        marks[patient_id] = grant_id


def break_glass_grant_id(actor: Any, patient_id: int | None) -> int | None:
    """The grant the actor's access to the patient rests on in this request, if any."""
    if patient_id is None or not isinstance(actor, User):
        return None
    marks: dict[int, int] = actor.__dict__.get(_BREAK_GLASS_ATTR, {})
    return marks.get(patient_id)


def _with_break_glass(changes: dict | None, actor: Any, patient_id: int | None) -> dict:
    grant_id = break_glass_grant_id(actor, patient_id)
    if grant_id is None:
        return changes or {}
    return {**(changes or {}), "break_glass": grant_id}


def record(
    *,
    actor: User | None,
    action: str,
    object_type: str,
    object_id: Any,
    patient_id: int | None = None,
    changes: dict | None = None,
) -> AuditEvent:
    return AuditEvent.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        patient_id=patient_id,
        request_id=request_id_var.get(),
        changes=_with_break_glass(changes, actor, patient_id),
    )


def record_reads(
    *, actor: User, action: str, object_type: str, objects: Iterable[Any], patient_attr: str = "pk"
) -> None:
    """One audit row per record read, in a single INSERT (list pages stay at fixed cost)."""
    objects = list(objects)
    if not objects:
        return
    request_id = request_id_var.get()
    if connection.vendor == "postgresql":
        # The registry and other lists are read all day: one statement with the ids as arrays
        # costs a third of what building and inserting 50 model instances does. Rows read under
        # emergency access (one patient's lists) get their own statement, marked.
        groups: dict[int | None, list[Any]] = {}
        for obj in objects:
            groups.setdefault(break_glass_grant_id(actor, getattr(obj, patient_attr)), []).append(obj)
        now = timezone.now()
        with connection.cursor() as cursor:
            for grant_id, rows in groups.items():
                changes = {} if grant_id is None else {"break_glass": grant_id}
                cursor.execute(
                    _insert_reads_sql(),
                    [
                        now,
                        actor.pk,
                        action,
                        object_type,
                        request_id,
                        _CHANGES.get_db_prep_save(changes, connection),
                        [str(obj.pk) for obj in rows],
                        [getattr(obj, patient_attr) for obj in rows],
                    ],
                )
        return
    AuditEvent.objects.bulk_create(
        AuditEvent(
            actor=actor,
            action=action,
            object_type=object_type,
            object_id=str(obj.pk),
            patient_id=getattr(obj, patient_attr),
            request_id=request_id,
            changes=_with_break_glass(None, actor, getattr(obj, patient_attr)),
        )
        for obj in objects
    )


_CHANGES = AuditEvent._meta.get_field("changes")


@functools.cache
def _insert_reads_sql() -> str:
    """PostgreSQL: the same row for each (object id, patient id) pair of two arrays."""
    quote = connection.ops.quote_name
    fields = {field.name: field for field in AuditEvent._meta.concrete_fields}
    columns = ", ".join(
        quote(fields[name].column)
        for name in (
            "at",
            "actor",
            "action",
            "object_type",
            "object_id",
            "patient_id",
            "request_id",
            "changes",
        )
    )
    # Table and column names come from the model, every value is a parameter.
    return (
        f"INSERT INTO {quote(AuditEvent._meta.db_table)} ({columns}) "  # noqa: S608
        "SELECT %s, %s, %s, %s, ids.object_id, ids.patient_id, %s, %s "
        "FROM unnest(%s::text[], %s::bigint[]) AS ids (object_id, patient_id)"
    )


def field_changes(before: dict, after: dict, *, values: Iterable[str] = ()) -> dict:
    """Which fields changed. Values are kept only for the fields named in ``values`` (roles,
    statuses: never patient data); for the rest only the field name is recorded."""
    shown = set(values)
    changed = {}
    for name, old in before.items():
        new = after.get(name)
        if old != new:
            changed[name] = [old, new] if name in shown else "changed"
    return changed
