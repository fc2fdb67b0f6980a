"""Synthetic flags with acknowledgements, and the registry's summary rows consistent with the
measures, contacts and flags the other parts wrote (runs last)."""

import collections
import datetime

from flags.models import Flag, FlagAcknowledgement
from patients import summary
from patients.models import PatientSummary

from .base import BATCH, PatientSeed, SeedContext

FLAG_MESSAGES = {
    "side_effect": "Side effect reported; please review the medication.",
    "missed_sessions": "Several missed sessions in a row.",
    "non_adherence": "Adherence has dropped.",
    "social": "Housing situation has changed.",
    "clinical_change": "PHQ-9 not improving; psychiatric review requested.",
}


def seed_chunk(ctx: SeedContext, chunk: list[PatientSeed]) -> None:
    rng = ctx.rng
    flags: list[Flag] = []
    acks: list[tuple[int, datetime.datetime | None]] = []  # per flag: (acker id, when) or (0, None)
    for p in chunk:
        if rng.random() >= 0.2:
            continue
        category = rng.choice(list(FLAG_MESSAGES))
        raised_at = ctx.days_ago(rng.uniform(1, 300))
        raiser = rng.randrange(3)
        acker = p.team_ids[(raiser + 1 + rng.randrange(2)) % 3] if rng.random() < 0.75 else 0
        ack_at = raised_at + datetime.timedelta(hours=rng.uniform(0.5, 72)) if acker else None
        flags.append(
            Flag(
                patient_id=p.id,
                raised_by_id=p.team_ids[raiser],
                category=category,
                severity="urgent" if rng.random() < 0.2 else "routine",
                message=FLAG_MESSAGES[category],
                status="acknowledged" if acker else "open",
                created_at=raised_at,
                acted_on_at=ack_at,
            )
        )
        acks.append((acker, ack_at))
    # A clinical-change flag puts the patient on the psychiatric review list (flags.services).
    review = {f.patient_id: f.created_at.date() for f in flags if f.category == "clinical_change"}
    # Every synthetic flag is still open (acknowledged or not): the summary counts them all.
    open_flags = collections.Counter(f.patient_id for f in flags)
    urgent_flags = collections.Counter(f.patient_id for f in flags if f.severity == "urgent")
    PatientSummary.objects.bulk_create(
        [_summary(p, review.get(p.id), open_flags[p.id], urgent_flags[p.id]) for p in chunk], batch_size=BATCH
    )
    flags = Flag.objects.bulk_create(flags, batch_size=BATCH)
    FlagAcknowledgement.objects.bulk_create(
        [
            FlagAcknowledgement(flag_id=flag.pk, user_id=acker, at=at)
            for flag, (acker, at) in zip(flags, acks, strict=True)
            if at is not None
        ],
        batch_size=BATCH,
    )


def _summary(
    p: PatientSeed, review_since: datetime.date | None, open_flags: int, urgent_flags: int
) -> PatientSummary:
    row = PatientSummary(
        patient_id=p.id,
        last_contact_at=p.last_contact_at,
        review_since=review_since,
        open_flags=open_flags,
        urgent_flags=urgent_flags,
        care_plan_review_on=p.care_plan_review_on,
        **summary.follow_up_fields(p.follow_ups),
    )
    for prefix, measures in (("phq9", p.phq9), ("gad7", p.gad7)):
        if not measures:
            continue
        ordered = sorted(measures)
        setattr(row, f"{prefix}_baseline_on", ordered[0][0])
        setattr(row, f"{prefix}_baseline", ordered[0][1])
        setattr(row, f"{prefix}_latest_on", ordered[-1][0])
        setattr(row, f"{prefix}_latest", ordered[-1][1])
        setattr(row, f"{prefix}_count", len(ordered))
    return row
