"""Edits of versioned records (the care plan, goals, therapy courses and sessions, directory
entries): one way to refuse a stale edit and to make a fresh one.

Every versioned model has ``version`` (up by one with every saved change) and ``updated_at``.
An edit names the version it was based on: if a colleague saved in between, nothing is written,
the refused edit is audited (action "conflict") and ``StaleEdit`` says so; pages answer 409 and
the API 409 (412 with If-Match) from it, each in one place (careteam.viewutils,
careteam.api_common).
"""

import datetime
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Protocol, TypeVar

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from . import audit
from .errors import StaleEdit
from .models import User

Errors = dict[str, list[str]]


class Versioned(Protocol):
    pk: Any
    version: int
    updated_at: datetime.datetime

    def save(self, *, update_fields: Iterable[str]) -> None: ...


V = TypeVar("V", bound=Versioned)


def stale_message(*, noun: str, based_on: int, current: int, by: object | None = None) -> str:
    """The one message of a refused stale edit."""
    who = f" by {by}" if by else ""
    return (
        f"This {noun} was changed{who} since you opened it (you edited version {based_on}, "
        f"it is now version {current}). Your changes were not saved: reload, review the "
        "current version and make your change again."
    )


def no_errors(obj: object) -> Errors:
    return {}


def _default_save(obj: Versioned, update_fields: list[str]) -> None:
    obj.save(update_fields=update_fields)


def versioned_update(
    *,
    actor: User,
    lock: Callable[[], V],
    version: int,
    fields: Mapping[str, Any],
    allowed: Sequence[str],
    kind: str,
    noun: str,
    patient_id: int | None | Callable[[V], int | None],
    validate: Callable[[V], Errors] = no_errors,
    audited_values: Iterable[str] = (),
    audit_changes: Callable[[dict[str, Any], dict[str, Any], list[str], V], dict] | None = None,
    stamp_user: bool = False,
    save: Callable[[V, list[str]], None] = _default_save,
    after_change: Callable[[V, list[str]], object] | None = None,
) -> V:
    """Set ``fields`` (a subset of ``allowed``) on the record ``lock()`` returns, locked, in one
    transaction, if ``version`` is still its version. ``patient_id`` is the record's patient
    (or how to find it on the locked record), for the audit rows.

    ``validate`` returns field errors (or raises ValidationError); ``stamp_user`` also records
    who changed it (``updated_by``, named in the stale message); ``save`` writes the changed
    fields; ``after_change`` runs in the transaction when something changed; the audit row
    keeps values only for ``audited_values`` unless ``audit_changes`` says what to keep. The
    StaleEdit is raised after the transaction, so the audit row of the refused edit is kept.
    """
    unknown = set(fields) - set(allowed)
    if unknown:
        raise ValueError(f"not {noun} fields: {sorted(unknown)}")
    stale = None
    with transaction.atomic():
        obj = lock()
        patient = patient_id(obj) if callable(patient_id) else patient_id
        if version != obj.version:
            audit.record(
                actor=actor,
                action=audit.Action.CONFLICT,
                object_type=kind,
                object_id=obj.pk,
                patient_id=patient,
                changes={"based_on": version, "current": obj.version},
            )
            stale = StaleEdit(
                current_version=obj.version,
                message=stale_message(
                    noun=noun,
                    based_on=version,
                    current=obj.version,
                    by=getattr(obj, "updated_by", None) if stamp_user else None,
                ),
            )
        else:
            before = {name: getattr(obj, name) for name in allowed}
            for name, value in fields.items():
                setattr(obj, name, value)
            errors = validate(obj)
            if errors:
                raise ValidationError(errors)
            changed = [name for name in allowed if getattr(obj, name) != before[name]]
            if changed:
                obj.version += 1
                stamps = ["version", "updated_at"]
                obj.updated_at = timezone.now()
                if stamp_user:
                    setattr(obj, "updated_by", actor)  # noqa: B010 - not every Versioned has it
                    stamps.append("updated_by")
                save(obj, [*changed, *stamps])
                after = {name: getattr(obj, name) for name in allowed}
                audit.record(
                    actor=actor,
                    action=audit.Action.UPDATE,
                    object_type=kind,
                    object_id=obj.pk,
                    patient_id=patient,
                    changes=(
                        audit_changes(before, after, changed, obj)
                        if audit_changes
                        else audit.field_changes(before, after, values=audited_values)
                    ),
                )
                if after_change is not None:
                    after_change(obj, changed)
    if stale is not None:
        raise stale
    return obj
