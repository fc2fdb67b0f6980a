"""What every clinical record shares: it can be marked *entered in error*, and its dates must
be plausible.

A record entered in error stays where it is (lists, its page, the timeline show it struck
through and labelled) but counts nowhere else: the registry, charts, metrics and automatic
flag rules leave it out. Marking it keeps who did it, when and why; it cannot be undone (a new,
correct record is made instead) and it is audited.
"""

import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from . import audit
from .models import User

REASON_MAX = 500
# API.md "Robustness": a date outside this range is refused wherever a date is taken.
EARLIEST_DATE = datetime.date(1900, 1, 1)
LATEST_DATE = datetime.date(2100, 12, 31)


class Correctable(models.Model):
    """Mixin for a clinical record that can be marked entered in error."""

    entered_in_error_at = models.DateTimeField(null=True, blank=True)
    entered_in_error_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    entered_in_error_reason = models.CharField(max_length=REASON_MAX, blank=True)

    class Meta:
        abstract = True

    @property
    def entered_in_error(self) -> bool:
        return self.entered_in_error_at is not None


def counted(queryset: Any) -> Any:
    """The records of ``queryset`` that count (not entered in error)."""
    return queryset.filter(entered_in_error_at__isnull=True)


def entered_in_error_mark(
    *, actor: User, record: Correctable, reason: Any, object_type: str, patient_id: int
) -> Correctable:
    """Mark ``record`` (locked by the caller, inside its transaction) entered in error. The
    caller checks who may, recomputes what the record counted in, and resolves what it caused."""
    reason = reason.strip() if isinstance(reason, str) else ""
    if not reason:
        raise ValidationError({"reason": ["Say why this record is wrong."]})
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": [f"Keep it to {REASON_MAX} characters."]})
    if record.entered_in_error:
        raise ValidationError({"reason": ["This record is already marked entered in error."]})
    record.entered_in_error_at = timezone.now()
    record.entered_in_error_by = actor
    record.entered_in_error_reason = reason
    record.save(update_fields=["entered_in_error_at", "entered_in_error_by", "entered_in_error_reason"])
    audit.record(
        actor=actor,
        action=audit.Action.ENTERED_IN_ERROR,
        object_type=object_type,
        object_id=record.pk,
        patient_id=patient_id,
    )
    return record


def date_errors(
    value: datetime.date | None,
    *,
    field: str,
    born: datetime.date | None = None,
    happened: bool = True,
    today: datetime.date | None = None,
) -> dict[str, list[str]]:
    """The field error for a clinical date, if any: outside 1900–2100, before the patient was
    born, or — for something that has happened (``happened``) — in the future."""
    if value is None:
        return {}
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        return {field: [f"Enter a date between {EARLIEST_DATE.isoformat()} and {LATEST_DATE.isoformat()}."]}
    if born is not None and value < born:
        return {field: [f"This is before the patient's date of birth ({born.isoformat()})."]}
    if happened and value > (today or timezone.localdate()):
        return {field: ["This date is in the future: record it once it has happened."]}
    return {}
