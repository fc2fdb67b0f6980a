"""Demo data for case management (called by `manage.py seed_demo`): a small directory imported
from resources.csv through the import service, needs assessed and re-assessed, referrals in
every state (one with an overdue follow-up) and contact logs, for the four demo patients."""

import datetime
from collections.abc import Sequence
from pathlib import Path

from django.utils import timezone

from careteam.models import User
from casemanagement import services
from casemanagement.models import CommunityResource
from patients.models import Patient

CSV = Path(__file__).with_name("resources.csv")


def _resources(admin: User) -> dict[str, CommunityResource]:
    job = services.resource_import_start(
        actor=admin, filename=CSV.name, content_type="text/csv", data=CSV.read_bytes()
    )
    # Run it now (the referrals below need the directory); the queued job then finds it done.
    services.resource_import_process(import_id=job.pk)
    demo = CommunityResource.objects.filter(external_id__startswith="DEMO-")
    return {r.external_id: r for r in demo if r.external_id is not None}


def _at(today: datetime.date, days_ago: int, hour: int) -> datetime.datetime:
    day = today - datetime.timedelta(days=days_ago)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 15)))


def seed(*, staff: dict[str, User], patients: list[Patient], today: datetime.date) -> None:
    resources = _resources(staff["admin"])
    carmen = staff["casemanager"]
    days = datetime.timedelta

    def need(
        patient: Patient,
        domain: str,
        priority: str,
        days_ago: int,
        notes: str,
        status: str = "open",
        by: User = carmen,
    ) -> None:
        services.need_record(
            actor=by,
            patient=patient,
            domain=domain,
            priority=priority,
            status=status,
            assessed_on=today - days(days=days_ago),
            notes=notes,
        )

    def refer(
        patient: Patient,
        external_id: str,
        steps: Sequence[tuple[str, str, str]] = (),
        follow_up: datetime.date | None = None,
        note: str = "",
    ) -> None:
        referral = services.referral_create(
            actor=carmen, patient=patient, resource=resources[external_id], follow_up_on=follow_up, note=note
        )
        for status, reason, step_note in steps:
            referral = services.referral_status_change(
                actor=carmen, referral=referral, status=status, reason=reason, note=step_note
            )

    def contact(
        patient: Patient,
        days_ago: int,
        channel: str,
        outcome: str,
        notes: str,
        by: User = carmen,
        hour: int = 10,
    ) -> None:
        services.contact_record(
            actor=by,
            patient=patient,
            contacted_at=_at(today, days_ago, hour),
            channel=channel,
            outcome=outcome,
            notes=notes,
        )

    jordan, sam, riley, morgan = patients[:4]

    # Jordan: housing got worse, benefits pending (the overdue follow-up), back-to-work later.
    need(jordan, "housing", "high", 40, "Rent arrears of two months; landlord has written.")
    need(jordan, "income", "high", 40, "Benefits stopped after missed reassessment.")
    need(jordan, "employment", "medium", 40, "Wants to return to part-time work once mood lifts.")
    need(jordan, "housing", "urgent", 6, "Notice to quit received; risk of eviction within 8 weeks.")
    refer(
        jordan,
        "DEMO-001",
        [
            ("sent", "", "Referral form emailed."),
            ("accepted", "", "Caseworker assigned."),
            ("in_progress", "", "First appointment attended."),
        ],
        follow_up=today + days(days=10),
    )
    refer(
        jordan,
        "DEMO-005",
        [("sent", "", "Sent with consent form.")],
        follow_up=today - days(days=4),
        note="Appeal of stopped benefits.",
    )
    refer(jordan, "DEMO-003", follow_up=today + days(days=30), note="Start when PHQ-9 is below 10.")
    contact(jordan, 12, "phone", "no_answer", "")
    contact(jordan, 11, "phone", "reached", "Agreed to housing referral.")
    contact(jordan, 5, "in_person", "reached", "Brought the notice to quit; copied for the file.")

    # Sam: transport sorted out; some isolation.
    need(sam, "transport", "medium", 30, "Misses appointments: two buses needed.")
    need(sam, "social_support", "low", 30, "Few friends locally since moving.")
    need(sam, "transport", "low", 3, "Ride scheme working well.", status="met")
    refer(
        sam,
        "DEMO-007",
        [
            ("sent", "", ""),
            ("accepted", "", ""),
            ("in_progress", "", ""),
            ("completed", "", "Regular rides booked."),
            ("closed", "", ""),
        ],
    )
    refer(sam, "DEMO-008", [("sent", "", "")], follow_up=today + days(days=7))
    contact(sam, 20, "text_message", "left_message", "")
    contact(sam, 2, "video", "reached", "Using the ride scheme weekly.")

    # Riley: employment declined once, then accepted elsewhere.
    need(riley, "employment", "high", 25, "Lost job during last episode.")
    need(riley, "education", "low", 25, "Interested in a bookkeeping course.")
    refer(
        riley,
        "DEMO-003",
        [("sent", "", ""), ("declined", "no_capacity", "Waiting list closed until spring.")],
    )
    refer(
        riley,
        "DEMO-004",
        [("sent", "", ""), ("accepted", "", "Starts next term.")],
        follow_up=today + days(days=21),
    )
    contact(riley, 9, "email", "reached", "Sent course details.")

    # Morgan (other therapist, no psychiatrist): support group and legal advice.
    need(morgan, "social_support", "high", 15, "Isolated; alcohol use at weekends.")
    need(morgan, "legal", "medium", 15, "Court date for a driving offence.")
    need(morgan, "food", "medium", 15, "Skipping meals at month end.")
    refer(morgan, "DEMO-010", [("sent", "", "")], follow_up=today + days(days=5))
    refer(morgan, "DEMO-009", note="Draft: waiting for consent to share the court letter.")
    refer(morgan, "DEMO-006", [("sent", "", ""), ("closed", "unreachable", "Did not attend twice.")])
    contact(morgan, 14, "phone", "wrong_number", "Number on file is out of date.")
    contact(morgan, 13, "letter", "other", "Letter sent asking to get in touch.")
    contact(morgan, 8, "phone", "reached", "New number recorded by the front desk.", by=staff["therapist2"])
