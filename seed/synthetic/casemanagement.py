"""Synthetic community resources, needs assessments, referrals with their status history, and
contacts. See seed/synthetic/base.py."""

import datetime

from casemanagement.models import (
    OPEN_STATUSES,
    CommunityResource,
    Contact,
    Domain,
    NeedAssessment,
    Referral,
    ReferralStatusChange,
)

from .base import PatientSeed, SeedContext, bulk

RESOURCES = 200
# (path of statuses, final reason): how referrals end (or have not yet ended).
PATHS = (
    (("draft", "sent", "accepted", "in_progress", "completed"), ""),
    (("draft", "sent", "accepted", "in_progress", "completed", "closed"), ""),
    (("draft", "sent", "accepted", "in_progress", "completed"), ""),
    (("draft", "sent", "declined"), "no_capacity"),
    (("draft", "sent", "declined"), "not_eligible"),
    (("draft", "sent", "accepted", "closed"), "unreachable"),
    (("draft", "sent", "closed"), "patient_declined"),
    (("draft", "sent"), ""),
    (("draft", "sent", "accepted", "in_progress"), ""),
)
DOMAINS = [d for d in Domain.values if d != "other"]
CHANNELS = ("phone", "phone", "in_person", "video", "text_message")
OUTCOMES = ("reached", "reached", "no_answer", "left_message")


def prepare(ctx: SeedContext) -> None:
    categories = DOMAINS + ["support_group"]
    existing = list(CommunityResource.objects.values_list("pk", flat=True)[:RESOURCES])
    if not existing:
        existing = [
            r.pk
            for r in CommunityResource.objects.bulk_create(
                CommunityResource(
                    name=f"Synthetic service {n}",
                    category=categories[n % len(categories)],
                    match_key=CommunityResource.key_for(f"Synthetic service {n}", ""),
                )
                for n in range(1, RESOURCES + 1)
            )
        ]
    ctx.shared["resource_ids"] = existing


def seed_chunk(ctx: SeedContext, chunk: list[PatientSeed]) -> None:
    rng = ctx.rng
    resources = ctx.shared["resource_ids"]
    needs = []
    contacts = []
    referrals = []
    paths = []
    for p in chunk:
        for domain in rng.sample(DOMAINS, rng.randint(1, 3)):
            needs.append(
                NeedAssessment(
                    patient_id=p.id,
                    domain=domain,
                    priority=rng.choice(("low", "medium", "high")),
                    status="met" if rng.random() < 0.3 else "open",
                    assessed_on=ctx.today - datetime.timedelta(days=rng.randint(10, 200)),
                    assessed_by_id=p.case_manager_id,
                )
            )
        for _ in range(rng.randint(1, 4)):
            at = ctx.days_ago(rng.uniform(1, 200))
            outcome = rng.choice(OUTCOMES)
            p.contact(at)  # any logged contact counts (patients.summary.contact_recorded)
            contacts.append(
                Contact(
                    patient_id=p.id,
                    contacted_at=at,
                    channel=rng.choice(CHANNELS),
                    outcome=outcome,
                    recorded_by_id=p.case_manager_id,
                )
            )
        for _ in range(rng.choice((0, 1, 1, 2))):
            path, reason = rng.choice(PATHS)
            created = ctx.days_ago(rng.uniform(20, 240))
            final = path[-1]
            follow_up_on = (created + datetime.timedelta(days=30)).date()
            if final in OPEN_STATUSES:
                p.follow_ups.append(follow_up_on)  # patients.summary.follow_ups_set
            referrals.append(
                Referral(
                    patient_id=p.id,
                    resource_id=rng.choice(resources),
                    status=final,
                    reason=reason if final in ("declined", "closed") else "",
                    follow_up_on=follow_up_on,
                    created_by_id=p.case_manager_id,
                    created_at=created,
                    updated_at=created + datetime.timedelta(days=3 * (len(path) - 1)),
                )
            )
            paths.append((path, reason, p.case_manager_id))
    bulk(NeedAssessment, needs)
    bulk(Contact, contacts)
    referrals = bulk(Referral, referrals)
    bulk(
        ReferralStatusChange,
        (
            ReferralStatusChange(
                referral_id=referral.pk,
                from_status=path[i - 1] if i else "",
                to_status=status,
                reason=reason if status in ("declined", "closed") and i == len(path) - 1 else "",
                changed_by_id=by,
                changed_at=referral.created_at + datetime.timedelta(days=3 * i),
            )
            for referral, (path, reason, by) in zip(referrals, paths, strict=True)
            for i, status in enumerate(path)
        ),
    )
