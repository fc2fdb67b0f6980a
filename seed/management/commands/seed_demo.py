"""Demo data for the embedded set-up: one login per role and a few patients with care plans.

Safe to run again: what exists already is left as it is. Demo passwords are printed (not with
``-v 0``: ``make run`` prints them once the server is up, see serve_demo); they are for a local
demo only (the command refuses to run with DEBUG off unless --force is given).

The demo's history is delivered in the app only: while it is seeded the demo staff take no email
(their preference is "off", then put back), so its flags leave in-app notifications and no
email rows, and nothing is printed by the console mail backend. Anything raised afterwards is
emailed by each person's preference, as in real use; password-reset mail is never affected.
"""

import contextlib
import datetime
from collections.abc import Callable, Iterable, Iterator

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, OutputWrapper
from django.db import transaction
from django.utils import timezone

from careteam import services as staff_services
from careteam.models import User
from careteam.roles import Role
from flags import services as flags
from flags.models import Flag
from patients import services as patient_services
from patients.models import Patient
from seed.demo import casemanagement as casemanagement_demo
from seed.demo import medication as medication_demo
from seed.demo import therapy as therapy_demo

# Each component's demo history for the newly created demo patients, in this order.
COMPONENT_DEMOS = (therapy_demo.seed, medication_demo.seed, casemanagement_demo.seed)

DEMO_STAFF = [
    ("admin", "Ada", "Admin", Role.ADMIN),
    ("therapist", "Theo", "Rivera", Role.THERAPIST),
    ("psychiatrist", "Priya", "Shah", Role.PSYCHIATRIST),
    ("casemanager", "Carmen", "Lopez", Role.CASE_MANAGER),
    ("therapist2", "Tom", "Okafor", Role.THERAPIST),
]
DEMO_PASSWORD = "{username}-Demo-2026!"

DEMO_PATIENTS = [
    (
        "Jordan",
        "Avery",
        datetime.date(1988, 4, 12),
        "MRN-1001",
        "Major depressive disorder, recurrent, moderate.",
        "CBT, 12 sessions weekly",
        "Sertraline, titrate to effect",
        "Housing stability; benefits application",
        [("PHQ-9 below 5 (remission)", "PHQ-9 < 5", 84), ("Back at work part-time", "20 h/week", 120)],
    ),
    (
        "Sam",
        "Brooks",
        datetime.date(1995, 9, 30),
        "MRN-1002",
        "Generalised anxiety disorder; insomnia.",
        "CBT for anxiety, sleep hygiene",
        "Consider SSRI if GAD-7 stays above 10",
        "Transport to appointments",
        [("GAD-7 below 10", "GAD-7 < 10", 60)],
    ),
    (
        "Riley",
        "Chen",
        datetime.date(1979, 1, 5),
        "MRN-1003",
        "Bipolar II disorder, current episode depressed.",
        "DBT skills group",
        "Lamotrigine",
        "Employment support referral",
        [("No hospital admissions", "0 admissions in 6 months", 180)],
    ),
    (
        "Morgan",
        "Diaz",
        datetime.date(2001, 7, 21),
        "MRN-1004",
        "PTSD; alcohol use.",
        "Trauma-focused therapy",
        "",
        "Support group; legal aid",
        [("PCL-5 drop of 10 points", "PCL-5 -10", 90)],
    ),
    (
        "Alex",
        "Evans",
        datetime.date(1984, 11, 2),
        "MRN-1005",
        "Major depressive disorder, single episode; now in remission.",
        "CBT, relapse prevention",
        "Sertraline, continue for six months",
        "",
        [("Stay in remission", "PHQ-9 < 5 for 6 months", 150)],
    ),
    (
        "Casey",
        "Flores",
        datetime.date(1999, 3, 14),
        "MRN-1006",
        "Referred last week for low mood; assessment pending.",
        "Initial assessment booked",
        "",
        "Benefits check",
        [("Complete the initial assessment", "Assessment done", 14)],
    ),
]


def write_logins(out: OutputWrapper, *, heading: Callable[[str], str] = str) -> None:
    """The demo logins table (one per role)."""
    out.write(heading("Demo logins (one per role):") + "\n")
    for username, _first, _last, role in DEMO_STAFF:
        password = DEMO_PASSWORD.format(username=username)
        out.write(f"  {Role(role).label:<13} {username:<13} password: {password}\n")


@contextlib.contextmanager
def demo_history_without_email(users: Iterable[User]) -> Iterator[None]:
    """While the demo's history is seeded, its staff take no email; their own preferences are
    put back afterwards (an unchanged end state, so no audit row: this is not anyone's choice)."""
    before = {user.pk: user.email_notifications for user in users}
    User.objects.filter(pk__in=before).update(email_notifications=User.EmailPreference.OFF)
    try:
        yield
    finally:
        for pk, preference in before.items():
            User.objects.filter(pk=pk).update(email_notifications=preference)


class Command(BaseCommand):
    help = "Load demo staff (one login per role) and patients; print the logins."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--force", action="store_true", help="run even with DEBUG off")

    def handle(self, *args, force: bool = False, **options) -> None:
        if not (settings.DEBUG or force):
            raise CommandError("Demo data is for local use: run with DEBUG=true (or --force).")
        with transaction.atomic():
            staff = self._staff()
        # Delivery runs on commit (in-process in the embedded set-up), inside the block below.
        with demo_history_without_email(staff.values()), transaction.atomic():
            created = self._patients(staff)
            for component_demo in COMPONENT_DEMOS if created else ():
                component_demo(staff=staff, patients=created, today=timezone.localdate())
            if created:
                self._flags(staff, created)
        if options.get("verbosity", 1) >= 1:
            write_logins(self.stdout, heading=self.style.SUCCESS)

    def _staff(self) -> dict[str, User]:
        staff = {}
        admin = User.objects.filter(username="admin").first()
        for username, first, last, role in DEMO_STAFF:
            user = User.objects.filter(username=username).first()
            if user is None:
                user = staff_services.staff_create(
                    actor=admin,
                    username=username,
                    first_name=first,
                    last_name=last,
                    email=f"{first.lower()}.{last.lower()}@example.org",
                    role=role,
                    password=DEMO_PASSWORD.format(username=username),
                )
            if username == "admin":
                admin = user
            staff[username] = user
        return staff

    def _flags(self, staff: dict[str, User], patients: list[Patient]) -> None:
        """A few hand-raised flags, open and acknowledged, so every clinician's inbox has
        something in it (components' demo data may raise automatic ones as well)."""
        first, second, *_rest = patients
        eviction = flags.flag_raise(
            actor=staff["casemanager"],
            patient=first,
            category="social",
            severity="urgent",
            message="Eviction notice received; may lose housing at the end of the month.",
        )
        flags.flag_raise(
            actor=staff["psychiatrist"],
            patient=second,
            category="clinical_change",
            severity="routine",
            message="Reports poorer sleep since the last review.",
        )
        flags.flag_raise(
            actor=staff["therapist"],
            patient=patients[-1],
            category="other",
            severity="routine",
            message="Asked for sessions to move to evenings.",
        )
        # Delivery happens after the commit (in-process in the embedded set-up); acknowledge the
        # eviction flag for the therapist then.
        transaction.on_commit(lambda: self._acknowledge(eviction.pk, staff["therapist"]))

    def _acknowledge(self, flag_id: int, user: User) -> None:
        flag = Flag.objects.get(pk=flag_id)
        if flag.notifications.filter(recipient=user).exists():
            flags.flag_acknowledge(actor=user, flag=flag)

    def _patients(self, staff: dict[str, User]) -> list[Patient]:
        """Create the demo patients that do not exist yet; return the ones created."""
        admin = staff["admin"]
        today = timezone.localdate()
        created = []
        for index, (first, last, dob, mrn, problems, therapy, meds, case_mgmt, goals) in enumerate(
            DEMO_PATIENTS
        ):
            if Patient.objects.filter(record_number=mrn).exists():
                continue
            patient = patient_services.patient_register(
                actor=admin,
                first_name=first,
                last_name=last,
                date_of_birth=dob,
                record_number=mrn,
                phone=f"555-01{index:02d}",
                consent_to_share=True,
            )
            # Every patient but the fourth shares one team; the fourth has the other therapist
            # and no psychiatrist, so each demo login sees a patient it cannot open.
            therapist = staff["therapist2"] if index == 3 else staff["therapist"]
            patient_services.care_team_add(actor=admin, patient=patient, user=therapist, role=Role.THERAPIST)
            if index != 3:
                patient_services.care_team_add(
                    actor=admin, patient=patient, user=staff["psychiatrist"], role=Role.PSYCHIATRIST
                )
            patient_services.care_team_add(
                actor=admin,
                patient=patient,
                user=staff["casemanager"],
                role=Role.CASE_MANAGER,
                is_primary=True,
            )
            patient_services.care_plan_update(
                actor=therapist,
                patient=patient,
                version=1,
                problems=problems,
                therapy_interventions=therapy,
                medication_interventions=meds,
                case_management_interventions=case_mgmt,
                next_review_date=today + datetime.timedelta(days=28 + 7 * index),
            )
            for description, target, days in goals:
                patient_services.goal_create(
                    actor=therapist,
                    patient=patient,
                    description=description,
                    measurable_target=target,
                    target_date=today + datetime.timedelta(days=days),
                )
            created.append(patient)
        return created
