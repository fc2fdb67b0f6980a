from django.conf import settings
from django.db import models
from django.utils import timezone
from guardian.models import UserObjectPermissionBase

from careteam.roles import CLINICAL_ROLES

from .treatment import phq9_change_pct_sql, treatment_status_sql


class Patient(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        INACTIVE = "inactive", "Inactive"
        DISCHARGED = "discharged", "Discharged"

    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    date_of_birth = models.DateField()
    record_number = models.CharField(max_length=40, unique=True)
    phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)
    address = models.TextField(blank=True, max_length=500)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACTIVE)
    consent_to_share = models.BooleanField(
        default=False, help_text="Consent to share information within the care team."
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["last_name", "first_name", "id"]
        permissions = [
            ("manage_careteam", "Can assign and remove care-team members"),
            ("view_all_demographics", "Can see every patient's demographics"),
            ("edit_careplan", "Can edit the care plan"),
        ]
        indexes = [models.Index(fields=["last_name", "first_name", "id"], name="patient_name")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["active", "inactive", "discharged"]),
                name="patient_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class PatientUserObjectPermission(UserObjectPermissionBase):
    """Guardian's direct foreign-key permission model: indexed joins, no casts."""

    content_object = models.ForeignKey(Patient, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        indexes = [models.Index(fields=["user", "content_object"], name="patient_uop_user_obj")]


class CareTeamMember(models.Model):
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="team_members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="care_team_memberships"
    )
    role = models.CharField(max_length=20, choices=[(r.value, r.label) for r in CLINICAL_ROLES])
    is_primary = models.BooleanField(default=False)
    added_at = models.DateTimeField(default=timezone.now)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["role", "id"]
        constraints = [
            models.UniqueConstraint(fields=["patient", "user"], name="careteam_member_once"),
            models.UniqueConstraint(
                fields=["patient"],
                condition=models.Q(is_primary=True),
                name="careteam_one_primary_contact",
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=[r.value for r in CLINICAL_ROLES]),
                name="careteam_member_role_valid",
            ),
        ]
        indexes = [models.Index(fields=["user", "patient"], name="careteam_user_patient")]

    def __str__(self) -> str:
        return f"{self.user_id} as {self.role} on patient {self.patient_id}"


class CarePlan(models.Model):
    """The shared plan. ``version`` goes up with every edit of the plan's own fields (goals have
    their own); every change to either leaves a numbered revision saying what changed."""

    patient = models.OneToOneField(Patient, on_delete=models.CASCADE, related_name="care_plan")
    problems = models.TextField(blank=True, max_length=4000)
    therapy_interventions = models.TextField(blank=True, max_length=4000)
    medication_interventions = models.TextField(blank=True, max_length=4000)
    case_management_interventions = models.TextField(blank=True, max_length=4000)
    next_review_date = models.DateField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        indexes = [models.Index(fields=["next_review_date"], name="careplan_review_date")]

    def __str__(self) -> str:
        return f"Care plan of patient {self.patient_id} v{self.version}"


class Goal(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        MET = "met", "Met"
        NOT_MET = "not_met", "Not met"
        DISCONTINUED = "discontinued", "Discontinued"

    care_plan = models.ForeignKey(CarePlan, on_delete=models.CASCADE, related_name="goals")
    description = models.TextField(max_length=1000)
    measurable_target = models.CharField(max_length=200, help_text='e.g. "PHQ-9 below 5"')
    target_date = models.DateField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACTIVE)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["target_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["active", "met", "not_met", "discontinued"]),
                name="goal_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"Goal {self.pk} of care plan {self.care_plan_id}"


class CarePlanRevision(models.Model):
    """One change of the plan: the history. ``changes`` holds what changed — the plan's changed
    fields as ``{"fields": {name: [old, new]}}`` and goal changes as ``{"goals": [{"id", "added"
    | "fields": ...}]}``. Revisions written before issue 10 have a full ``snapshot`` of the plan
    (and its goals) instead and no ``changes``: the history page reads both."""

    care_plan = models.ForeignKey(CarePlan, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    snapshot = models.JSONField(null=True, blank=True)
    changes = models.JSONField(null=True, blank=True)
    summary = models.CharField(max_length=200)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["care_plan", "number"], name="careplan_revision_once"),
        ]
        # the patient timeline (keyset on changed_at, id)
        indexes = [models.Index(fields=["care_plan", "-changed_at", "-id"], name="careplan_revision_at")]

    def __str__(self) -> str:
        return f"Revision {self.number} of care plan {self.care_plan_id}"


class PatientSummary(models.Model):
    """One row per patient (opened with the patient) with the figures the caseload registry sorts
    and filters on, kept up to date by the services that record them (a measure, a contact, a
    flag, a referral's follow-up date), so the registry is a plain join whatever the caseload's
    size."""

    patient = models.OneToOneField(
        Patient, on_delete=models.CASCADE, primary_key=True, related_name="summary"
    )
    phq9_baseline = models.PositiveSmallIntegerField(null=True, blank=True)
    phq9_baseline_on = models.DateField(null=True, blank=True)
    phq9_latest = models.PositiveSmallIntegerField(null=True, blank=True)
    phq9_latest_on = models.DateField(null=True, blank=True)
    phq9_count = models.PositiveIntegerField(default=0)
    gad7_baseline = models.PositiveSmallIntegerField(null=True, blank=True)
    gad7_baseline_on = models.DateField(null=True, blank=True)
    gad7_latest = models.PositiveSmallIntegerField(null=True, blank=True)
    gad7_latest_on = models.DateField(null=True, blank=True)
    gad7_count = models.PositiveIntegerField(default=0)
    last_contact_at = models.DateTimeField(null=True, blank=True)
    # Open flags (acknowledged or not) and the urgent ones among them: flags.services recounts
    # them when a flag is raised or resolved.
    open_flags = models.PositiveIntegerField(default=0)
    urgent_flags = models.PositiveIntegerField(default=0)
    # Open safety flags (recounted with the others), and the date of the latest PHQ-9 whose
    # item 9 (thoughts of self-harm) was above 0: either puts the patient first in the registry
    # (the latter for 30 days).
    safety_flags = models.PositiveIntegerField(default=0, db_default=0)
    safety_answer_on = models.DateField(null=True, blank=True)
    # The follow-up dates of a component's open items (case management: open referrals'
    # follow-ups), kept by that component: all of them (ISO dates, in order), to count the
    # overdue ones of a row, and the earliest, to filter and sort on. Before today a follow-up
    # is overdue, like the care plan's review date.
    follow_up_dates = models.JSONField(default=list, blank=True)
    follow_up_due_on = models.DateField(null=True, blank=True)
    # The care plan's next review date (patients.services keeps it).
    care_plan_review_on = models.DateField(null=True, blank=True)
    # Derived by the database from the PHQ-9 columns above, so they never disagree with them.
    treatment_status = models.GeneratedField(
        expression=treatment_status_sql(), output_field=models.CharField(max_length=20), db_persist=True
    )
    phq9_change_pct = models.GeneratedField(
        expression=phq9_change_pct_sql(), output_field=models.FloatField(), db_persist=True
    )
    # Psychiatric review list: since when the patient is on it, and when it was last done.
    review_since = models.DateField(null=True, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        db_table = "careteam_patientsummary"  # kept from when it lived in careteam
        indexes = [
            models.Index(fields=["review_since"], name="summary_review_since"),
            models.Index(fields=["phq9_baseline_on"], name="summary_phq9_baseline_on"),
        ]

    def __str__(self) -> str:
        return f"Summary of patient {self.patient_id}"


class BreakGlassGrant(models.Model):
    """Emergency access: a clinician off the patient's care teams stated a reason and may read
    (never write) the patient's record until ``expires_at``. Access decisions read it in
    patients/access.py; the grant itself is made and reviewed by the emergency app's services."""

    clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="break_glass_grants"
    )
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="break_glass_grants")
    reason = models.TextField(max_length=1000)
    started_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_at__gt=models.F("started_at")),
                name="break_glass_expires_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(reviewed_by__isnull=True, reviewed_at__isnull=True)
                | models.Q(reviewed_by__isnull=False, reviewed_at__isnull=False),
                name="break_glass_reviewed_by_and_at",
            ),
        ]
        indexes = [
            # The access check: a live grant of this clinician on this patient.
            models.Index(fields=["clinician", "patient", "expires_at"], name="break_glass_live"),
            models.Index(fields=["-started_at", "-id"], name="break_glass_review_list"),
        ]

    def __str__(self) -> str:
        return f"Break-glass {self.pk}: user {self.clinician_id} on patient {self.patient_id}"
