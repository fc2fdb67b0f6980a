"""Synthetic medication orders (a fifth with a dose change: the first order "changed", the new one
superseding it) and adherence observations. See seed/synthetic/base.py."""

import datetime
from decimal import Decimal

from medication.models import AdherenceObservation, MedicationOrder

from .base import PatientSeed, SeedContext, bulk

DRUGS = (
    ("Sertraline", "ssri", Decimal(50)),
    ("Escitalopram", "ssri", Decimal(10)),
    ("Venlafaxine", "snri", Decimal(75)),
    ("Mirtazapine", "other_antidepressant", Decimal(15)),
    ("Lamotrigine", "mood_stabilizer", Decimal(100)),
    ("Quetiapine", "antipsychotic", Decimal(50)),
)
ADHERENCE = ("taken",) * 7 + ("partial",) * 2 + ("missed",)


def seed_chunk(ctx: SeedContext, chunk: list[PatientSeed]) -> None:
    rng = ctx.rng
    firsts = []
    changes: list[tuple[PatientSeed, int, datetime.date]] = []  # (patient, drug index, change date)
    for p in chunk:
        drug = rng.randrange(len(DRUGS))
        name, drug_class, dose = DRUGS[drug]
        start = ctx.today - datetime.timedelta(days=150 + p.index % 90)
        changed = rng.random() < 0.2
        change_on = start + datetime.timedelta(days=42)
        firsts.append(
            MedicationOrder(
                patient_id=p.id,
                drug_name=name,
                drug_class=drug_class,
                dose=dose,
                unit="mg",
                route="oral",
                frequency="once_daily",
                start_date=start,
                end_date=change_on if changed else None,
                status="changed" if changed else "active",
                prescriber_id=p.psychiatrist_id,
                indication="Depression",
            )
        )
        if changed:
            changes.append((p, drug, change_on))
    firsts = bulk(MedicationOrder, firsts)
    current = {order.patient_id: order for order in firsts}
    first_of = {order.patient_id: order for order in firsts}
    seconds = bulk(
        MedicationOrder,
        (
            MedicationOrder(
                patient_id=p.id,
                drug_name=DRUGS[drug][0],
                drug_class=DRUGS[drug][1],
                dose=DRUGS[drug][2] * 2,
                unit="mg",
                route="oral",
                frequency="once_daily",
                start_date=on,
                status="active",
                prescriber_id=p.psychiatrist_id,
                indication="Depression",
                supersedes_id=first_of[p.id].pk,
            )
            for p, drug, on in changes
        ),
    )
    current.update({order.patient_id: order for order in seconds})
    observations = []
    for p in chunk:
        order = current[p.id]
        for n in range(rng.randint(2, 8)):
            on = ctx.today - datetime.timedelta(days=7 * n + rng.randint(0, 6))
            if on < order.start_date:
                break
            observations.append(
                AdherenceObservation(
                    patient_id=p.id,
                    order_id=order.pk,
                    observed_on=on,
                    status=rng.choice(ADHERENCE),
                    observed_by_id=rng.choice(p.team_ids),
                )
            )
    bulk(AdherenceObservation, observations)
