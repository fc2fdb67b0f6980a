"""Synthetic data at scale (``manage.py seed_synthetic``): the context every part shares.

Each part (seed/synthetic/<app>.py) has an optional ``prepare(ctx)`` run once and
``seed_chunk(ctx, chunk)`` run for every chunk of patients; the command runs them in the order
of its PARTS. Parts pass what later parts need (measures, last contact) on the ``PatientSeed``
rows. Rows are written with ``bulk_create`` in large batches: no services, no audit rows, no
notifications.
"""

import datetime
import itertools
import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.db import models

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
    # follow-up dates of open items (patients.summary.follow_ups_set)
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


M = TypeVar("M", bound=models.Model)


def bulk(model: type[M], objs: Iterable[M], batch: int = BATCH) -> list[M]:
    """bulk_create in batches without holding more than one batch of unsaved objects."""
    created: list[M] = []
    iterator = iter(objs)
    while True:
        part = list(itertools.islice(iterator, batch))
        if not part:
            return created
        created.extend(model._default_manager.bulk_create(part, batch_size=batch))
