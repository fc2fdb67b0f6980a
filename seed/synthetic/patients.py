"""Synthetic staff, patients, care teams (with their guardian object permissions) and care plans.
See seed/synthetic/base.py for how the parts fit together."""

import datetime

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Permission

from careteam.models import User
from careteam.roles import TEAM_ROLE_PATIENT_PERMISSIONS, Role
from patients.models import CarePlan, CarePlanRevision, CareTeamMember, Patient, PatientUserObjectPermission

from .base import BATCH, PatientSeed, SeedContext, bulk

PATIENTS_PER_CLINICIAN = 150
PASSWORD = "Synthetic-Bench-2026!"  # noqa: S105 - printed for the benchmark; synthetic data only
FIRST = [
    "Alex",
    "Sam",
    "Jordan",
    "Riley",
    "Morgan",
    "Casey",
    "Jamie",
    "Taylor",
    "Robin",
    "Avery",
    "Quinn",
    "Charlie",
    "Drew",
    "Emery",
    "Harper",
    "Kai",
    "Logan",
    "Parker",
    "Reese",
    "Skyler",
]
LAST = [
    "Smith",
    "Jones",
    "Brown",
    "Garcia",
    "Miller",
    "Davis",
    "Lopez",
    "Wilson",
    "Chen",
    "Okafor",
    "Shah",
    "Rivera",
    "Nguyen",
    "Kim",
    "Novak",
    "Berg",
    "Costa",
    "Dubois",
    "Ivanova",
    "Moreau",
]
TEAM_ROLES = (Role.THERAPIST, Role.PSYCHIATRIST, Role.CASE_MANAGER)
ROLE_TAG: dict[str, str] = {Role.THERAPIST: "t", Role.PSYCHIATRIST: "p", Role.CASE_MANAGER: "c"}


def username(role: str, team: int) -> str:
    """e.g. synth_t_00001: the therapist of synthetic team 1."""
    return f"synth_{ROLE_TAG[role]}_{team:05d}"


def prepare(ctx: SeedContext) -> None:
    """One therapist, psychiatrist and case manager per team of ~150 patients."""
    teams = max(1, -(-ctx.patients // PATIENTS_PER_CLINICIAN))
    password = make_password(PASSWORD)  # one hash for all: hashing 2,000 times would take minutes
    users = bulk(
        User,
        (
            User(
                username=username(role, n),
                first_name=f"{Role(role).label.split()[0]}{n}",
                last_name="Synthetic",
                email=f"{username(role, n)}@example.org",
                role=role,
                password=password,
                is_active=True,
            )
            for n in range(1, teams + 1)
            for role in TEAM_ROLES
        ),
    )
    ids = [u.pk for u in users]
    ctx.teams = [(ids[i], ids[i + 1], ids[i + 2]) for i in range(0, len(ids), 3)]
    perms = Permission.objects.filter(content_type__app_label="patients", content_type__model="patient")
    by_codename = {p.codename: p.pk for p in perms}
    ctx.shared["patient_perm_ids"] = {
        role: [by_codename[c] for c in TEAM_ROLE_PATIENT_PERMISSIONS[role]] for role in TEAM_ROLES
    }


def seed_chunk(ctx: SeedContext, chunk: list[PatientSeed]) -> None:
    rng = ctx.rng
    created = ctx.days_ago(400)
    patients = Patient.objects.bulk_create(
        [
            Patient(
                first_name=rng.choice(FIRST),
                last_name=rng.choice(LAST),
                date_of_birth=datetime.date(1950, 1, 1) + datetime.timedelta(days=rng.randrange(20000)),
                record_number=f"SYN-{p.index:07d}",
                phone=f"555-{p.index % 10000:04d}",
                consent_to_share=True,
                created_at=created,
                updated_at=created,
            )
            for p in chunk
        ],
        batch_size=BATCH,
    )
    team_count = len(ctx.teams)
    for p, patient in zip(chunk, patients, strict=True):
        p.id = patient.pk
        # Consecutive patients share a team, so each clinician has ~150 of them.
        team = ctx.teams[min(p.index // PATIENTS_PER_CLINICIAN, team_count - 1)]
        p.therapist_id, p.psychiatrist_id, p.case_manager_id = team
    perm_ids = ctx.shared["patient_perm_ids"]
    CareTeamMember.objects.bulk_create(
        [
            CareTeamMember(
                patient_id=p.id,
                user_id=user_id,
                role=role,
                is_primary=role == Role.THERAPIST,
                added_at=created,
            )
            for p in chunk
            for role, user_id in zip(TEAM_ROLES, p.team_ids, strict=True)
        ],
        batch_size=BATCH,
    )
    bulk(
        PatientUserObjectPermission,
        (
            PatientUserObjectPermission(content_object_id=p.id, user_id=user_id, permission_id=perm_id)
            for p in chunk
            for role, user_id in zip(TEAM_ROLES, p.team_ids, strict=True)
            for perm_id in perm_ids[role]
        ),
    )
    review = ctx.today + datetime.timedelta(days=30)
    for p in chunk:
        p.care_plan_review_on = review + datetime.timedelta(days=p.index % 60)
    plans = CarePlan.objects.bulk_create(
        [
            CarePlan(
                patient_id=p.id,
                problems="Depressive episode, moderate.",
                therapy_interventions="CBT, 12 weekly sessions",
                medication_interventions="SSRI, titrate to effect",
                case_management_interventions="Housing and benefits support",
                next_review_date=p.care_plan_review_on,
                updated_at=created,
                updated_by_id=p.therapist_id,
            )
            for p in chunk
        ],
        batch_size=BATCH,
    )
    CarePlanRevision.objects.bulk_create(
        [
            CarePlanRevision(
                care_plan_id=plan.pk,
                number=1,
                summary="Care plan created",
                snapshot={"version": 1, "goals": []},
                changed_by_id=p.therapist_id,
                changed_at=created,
            )
            for p, plan in zip(chunk, plans, strict=True)
        ],
        batch_size=BATCH,
    )
