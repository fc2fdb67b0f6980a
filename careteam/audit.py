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
        changes=changes or {},
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
        # costs a third of what building and inserting 50 model instances does.
        with connection.cursor() as cursor:
            cursor.execute(
                _insert_reads_sql(),
                [
                    timezone.now(),
                    actor.pk,
                    action,
                    object_type,
                    request_id,
                    _NO_CHANGES.get_db_prep_save({}, connection),
                    [str(obj.pk) for obj in objects],
                    [getattr(obj, patient_attr) for obj in objects],
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
        )
        for obj in objects
    )


_NO_CHANGES = AuditEvent._meta.get_field("changes")


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
