"""Synthetic data at scale (``manage.py seed_synthetic``): the shared context, and the core's part
(PatientSummary rows consistent with the measures, flags with acknowledgements).

Each app that holds records has a ``<app>/synthetic.py`` with ``ORDER`` (dependency order: lower
runs first), an optional ``prepare(ctx)`` run once and ``seed_chunk(ctx, chunk)`` run for every
chunk of patients. Parts pass what later parts need (measures, last contact) on the
``PatientSeed`` rows, so the core never imports a component app. Rows are written with
``bulk_create`` in large batches: no services, no audit rows, no notifications.
"""

import collections
import datetime
import itertools
import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import models

from . import summary
from .models import Flag, FlagAcknowledgement, PatientSummary

ORDER = 90  # after every component: the summary needs their measures and contacts
BATCH = 5000


@dataclass(slots=True)
class PatientSeed:
    """One synthetic patient while its chunk is being written."""

    index: int
    id: int = 0
    therapist_id: int = 0
    psychiatrist_id: int = 0
    case_manager_id: int = 0
    # (administered_on, total), appended by the part that records measures
    phq9: list[tuple[datetime.date, int]] = field(default_factory=list)
    gad7: list[tuple[datetime.date, int]] = field(default_factory=list)
    last_contact_at: datetime.datetime | None = None
    care_plan_review_on: datetime.date | None = None
    # follow-up dates of open items (careteam.summary.follow_ups_set)
    follow_ups: list[datetime.date] = field(default_factory=list)

    @property
    def team_ids(self) -> tuple[int, int, int]:
        return (self.therapist_id, self.psychiatrist_id, self.case_manager_id)

    def contact(self, at: datetime.datetime) -> None:
        if self.last_contact_at is None or at > self.last_contact_at:
            self.last_contact_at = at



@dataclass
class SeedContext:
    """What every part sees: the random generator (fixed seed), "now", the staff and whatever a
    part's ``prepare`` leaves in ``shared`` for its own chunks."""

    patients: int
    rng: random.Random
    now: datetime.datetime
    # teams[i] = (therapist id, psychiatrist id, case manager id), filled by patients.synthetic
    teams: list[tuple[int, int, int]] = field(default_factory=list)
    shared: dict[str, Any] = field(default_factory=dict)

    @property
    def today(self) -> datetime.date:
        return self.now.date()

    def days_ago(self, days: float) -> datetime.datetime:
        return self.now - datetime.timedelta(days=days)


def bulk(model: type[models.Model], objs: Iterable[models.Model], batch: int = BATCH) -> list:
    """bulk_create in batches without holding more than one batch of unsaved objects."""
    created: list = []
    iterator = iter(objs)
    while True:
        part = list(itertools.islice(iterator, batch))
        if not part:
            return created
        created.extend(model.objects.bulk_create(part, batch_size=batch))


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
    raisers: list[tuple[int, int]] = []  # (raiser index in team, acker id or 0)
    for p in chunk:
        if rng.random() >= 0.2:
            continue
        category = rng.choice(list(FLAG_MESSAGES))
        raised_at = ctx.days_ago(rng.uniform(1, 300))
        raiser = rng.randrange(3)
        acker = p.team_ids[(raiser + 1 + rng.randrange(2)) % 3] if rng.random() < 0.75 else 0
        ack_at = raised_at + datetime.timedelta(hours=rng.uniform(0.5, 72)) if acker else None
        flags.append(Flag(
            patient_id=p.id, raised_by_id=p.team_ids[raiser], category=category,
            severity="urgent" if rng.random() < 0.2 else "routine",
            message=FLAG_MESSAGES[category], status="acknowledged" if acker else "open",
            created_at=raised_at, acted_on_at=ack_at))
        raisers.append((raiser, acker))
    # A clinical-change flag puts the patient on the psychiatric review list (careteam.flags).
    review = {f.patient_id: f.created_at.date() for f in flags if f.category == "clinical_change"}
    # Every synthetic flag is still open (acknowledged or not): the summary counts them all.
    open_flags = collections.Counter(f.patient_id for f in flags)
    urgent_flags = collections.Counter(f.patient_id for f in flags if f.severity == "urgent")
    PatientSummary.objects.bulk_create(
        [_summary(p, review.get(p.id), open_flags[p.id], urgent_flags[p.id]) for p in chunk],
        batch_size=BATCH)
    flags = Flag.objects.bulk_create(flags, batch_size=BATCH)
    FlagAcknowledgement.objects.bulk_create(
        [FlagAcknowledgement(flag_id=flag.pk, user_id=acker, at=flag.acted_on_at)
         for flag, (_raiser, acker) in zip(flags, raisers, strict=True) if acker],
        batch_size=BATCH)


def _summary(p: PatientSeed, review_since: datetime.date | None, open_flags: int,
             urgent_flags: int) -> PatientSummary:
    row = PatientSummary(patient_id=p.id, last_contact_at=p.last_contact_at,
                         review_since=review_since, open_flags=open_flags,
                         urgent_flags=urgent_flags, care_plan_review_on=p.care_plan_review_on,
                         **summary.follow_up_fields(p.follow_ups))
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
