"""Case-management records for tests, made through the services (so they are valid and audited)."""

import datetime
import itertools

from django.utils import timezone

from casemanagement import services
from casemanagement.models import CommunityResource, Referral

_numbers = itertools.count(1)


def make_resource(*, actor, **overrides) -> CommunityResource:
    n = next(_numbers)
    fields = {
        "name": f"Resource {n}",
        "category": "housing",
        "address": f"{n} Main Street",
        "phone": "555-0100",
        "website": "https://example.org/",
        "description": "Helps.",
        "eligibility": "Adults",
        "hours": "Mon-Fri 9-5",
    }
    fields.update(overrides)
    return services.resource_create(actor=actor, **fields)


def make_referral(*, actor, patient, resource=None, steps=(), follow_up_on=None, **kwargs) -> Referral:
    """A referral moved through ``steps``: statuses, or (status, reason) pairs."""
    resource = resource or make_resource(actor=actor)
    referral = services.referral_create(
        actor=actor, patient=patient, resource=resource, follow_up_on=follow_up_on, **kwargs
    )
    for step in steps:
        status, reason = step if isinstance(step, tuple) else (step, "")
        referral = services.referral_status_change(
            actor=actor, referral=referral, status=status, reason=reason
        )
    return referral


def make_need(*, actor, patient, domain="housing", priority="high", days_ago=0, **kwargs):
    return services.need_record(
        actor=actor,
        patient=patient,
        domain=domain,
        priority=priority,
        assessed_on=timezone.localdate() - datetime.timedelta(days=days_ago),
        **kwargs,
    )


def make_contact(*, actor, patient, hours_ago=1, **kwargs):
    fields = {"channel": "phone", "outcome": "reached", "notes": ""}
    fields.update(kwargs)
    return services.contact_record(
        actor=actor,
        patient=patient,
        contacted_at=timezone.now() - datetime.timedelta(hours=hours_ago),
        **fields,
    )


def csv_bytes(rows, header="name,category,address,website") -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode("utf-8")
