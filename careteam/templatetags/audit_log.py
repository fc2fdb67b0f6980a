"""The audit log's rows in words (careteam/audit_text.py): ``{% load audit_log %}`` then
``{{ event|audit_record }}`` ("Assessment 25") and ``{{ event|audit_changes }}``."""

from django import template

from careteam import audit_text
from careteam.models import AuditEvent

register = template.Library()


@register.filter
def audit_record(event: AuditEvent) -> str:
    return audit_text.record_text(event.object_type, event.object_id)


@register.filter
def audit_changes(event: AuditEvent) -> str:
    return audit_text.changes_text(event.changes, action=event.action)
