"""Recording who read or wrote which record. Ids only; never names or clinical text."""

from collections.abc import Iterable
from contextvars import ContextVar
from typing import Any

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
    request_id = request_id_var.get()
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
