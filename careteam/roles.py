"""Roles as code: who may do what, readable at a glance.

A staff member has exactly one role. Two tables decide what that role can do:

* ``ROLE_PERMISSIONS``: model-level capabilities, held by the role's group (synced on migrate).
  They say what the role may do at all (only admins manage staff).
* ``TEAM_ROLE_PATIENT_PERMISSIONS``: object permissions on one patient, granted through
  django-guardian when someone joins that patient's care team and revoked when they leave.

Which of the two a request needs is decided in the access modules, and only there:
careteam/access.py (role capabilities) and patients/access.py (one patient: 404 or 403).
"""

import enum

from django.db import models


class Role(models.TextChoices):
    THERAPIST = "therapist", "Therapist"
    PSYCHIATRIST = "psychiatrist", "Psychiatrist"
    CASE_MANAGER = "case_manager", "Case manager"
    ADMIN = "admin", "Admin"


CLINICAL_ROLES = (Role.THERAPIST, Role.PSYCHIATRIST, Role.CASE_MANAGER)


class Perm(enum.StrEnum):
    """Role capabilities: model-level permissions ("app_label.codename") held by role groups."""

    MANAGE_STAFF = "careteam.manage_staff"
    VIEW_AUDIT = "careteam.view_auditevent"
    ADD_PATIENT = "patients.add_patient"
    CHANGE_ANY_PATIENT = "patients.change_patient"
    MANAGE_CARE_TEAM = "patients.manage_careteam"
    VIEW_ALL_DEMOGRAPHICS = "patients.view_all_demographics"
    MANAGE_RESOURCES = "casemanagement.manage_resources"
    MANAGE_REFERRALS = "casemanagement.manage_referrals"
    RECORD_THERAPY = "therapy.record_therapy"
    PRESCRIBE = "medication.prescribe"


class PatientPerm(enum.StrEnum):
    """Object permissions on one patient (codenames on patients.Patient), held through
    care-team membership."""

    VIEW = "view_patient"
    CHANGE = "change_patient"
    EDIT_CARE_PLAN = "edit_careplan"


ROLE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    Role.ADMIN: (
        Perm.MANAGE_STAFF,
        Perm.VIEW_AUDIT,
        Perm.ADD_PATIENT,
        Perm.CHANGE_ANY_PATIENT,
        Perm.MANAGE_CARE_TEAM,
        Perm.VIEW_ALL_DEMOGRAPHICS,
        Perm.MANAGE_RESOURCES,
    ),
    Role.CASE_MANAGER: (
        Perm.ADD_PATIENT,
        Perm.MANAGE_REFERRALS,
        Perm.MANAGE_RESOURCES,
    ),
    Role.THERAPIST: (Perm.RECORD_THERAPY,),
    Role.PSYCHIATRIST: (Perm.PRESCRIBE,),
}

# Object permissions (codenames on patients.Patient) a care-team role grants on that patient.
TEAM_ROLE_PATIENT_PERMISSIONS: dict[str, tuple[str, ...]] = {
    Role.THERAPIST: (PatientPerm.VIEW, PatientPerm.CHANGE, PatientPerm.EDIT_CARE_PLAN),
    Role.PSYCHIATRIST: (PatientPerm.VIEW, PatientPerm.CHANGE, PatientPerm.EDIT_CARE_PLAN),
    Role.CASE_MANAGER: (PatientPerm.VIEW, PatientPerm.CHANGE, PatientPerm.EDIT_CARE_PLAN),
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
