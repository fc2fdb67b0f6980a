"""Roles as code: who may do what, readable at a glance.

A staff member has exactly one role. Two tables decide what that role can do:

* ``ROLE_PERMISSIONS``: model-level capabilities, held by the role's group (synced on migrate).
  They say what the role may do at all (only admins manage staff).
* ``TEAM_ROLE_PATIENT_PERMISSIONS``: object permissions on one patient, granted through
  django-guardian when someone joins that patient's care team and revoked when they leave.

Which of the two a request needs is decided in careteam/access.py, and only there.
"""

from django.db import models


class Role(models.TextChoices):
    THERAPIST = "therapist", "Therapist"
    PSYCHIATRIST = "psychiatrist", "Psychiatrist"
    CASE_MANAGER = "case_manager", "Case manager"
    ADMIN = "admin", "Admin"


CLINICAL_ROLES = (Role.THERAPIST, Role.PSYCHIATRIST, Role.CASE_MANAGER)

ROLE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    Role.ADMIN: (
        "careteam.manage_staff",
        "careteam.view_auditevent",
        "patients.add_patient",
        "patients.change_patient",
        "patients.manage_careteam",
        "patients.view_all_demographics",
        "casemanagement.manage_resources",
    ),
    Role.CASE_MANAGER: (
        "patients.add_patient",
        "casemanagement.manage_referrals",
        "casemanagement.manage_resources",
    ),
    Role.THERAPIST: ("therapy.record_therapy",),
    Role.PSYCHIATRIST: ("medication.prescribe",),
}

# Object permissions (codenames on patients.Patient) a care-team role grants on that patient.
TEAM_ROLE_PATIENT_PERMISSIONS: dict[str, tuple[str, ...]] = {
    Role.THERAPIST: ("view_patient", "change_patient", "edit_careplan"),
    Role.PSYCHIATRIST: ("view_patient", "change_patient", "edit_careplan"),
    Role.CASE_MANAGER: ("view_patient", "change_patient", "edit_careplan"),
}

# Which care-team roles a staff member of a given role may take on a patient's team.
TEAM_ROLES_FOR_STAFF_ROLE: dict[str, tuple[str, ...]] = {
    Role.THERAPIST: (Role.THERAPIST,),
    Role.PSYCHIATRIST: (Role.PSYCHIATRIST,),
    Role.CASE_MANAGER: (Role.CASE_MANAGER,),
    Role.ADMIN: (),
}

# Flags: which care-team roles must act on each category; everyone else on the team is informed.
FLAG_ACTING_ROLES: dict[str, tuple[str, ...]] = {
    "side_effect": (Role.PSYCHIATRIST,),
    "safety": (Role.THERAPIST, Role.PSYCHIATRIST, Role.CASE_MANAGER),
    "missed_sessions": (Role.CASE_MANAGER, Role.THERAPIST),
    "non_adherence": (Role.PSYCHIATRIST,),
    "social": (Role.CASE_MANAGER,),
    "clinical_change": (Role.PSYCHIATRIST,),
    "other": (),
}
