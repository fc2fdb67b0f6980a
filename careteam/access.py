"""Role capabilities: what a staff member's role lets them do at all.

A staff member has exactly one role; its capabilities are model-level permissions held by the
role's group (the table in careteam/roles.py). Access to one patient's record (care-team
membership: 404 outside the team, 403 for the wrong role) is decided in patients/access.py.
Views, API, selectors and tasks all ask here or there; none of them decides on its own.
"""

from django.contrib.auth.models import AnonymousUser, Permission
from django.core.exceptions import PermissionDenied

from .models import User
from .roles import CLINICAL_ROLES, Perm

StaffUser = User | AnonymousUser


def role_perms(user: StaffUser) -> frozenset[str]:
    """The model-level permissions of the user's role group (cached on the user object, which
    lives for one request). Superuser status grants nothing extra: an admin is an admin."""
    if not isinstance(user, User) or not user.is_active:
        return frozenset()
    cached: frozenset[str] | None = getattr(user, "_careteam_role_perms", None)
    if cached is None:
        rows = Permission.objects.filter(group__name=user.role).values_list(
            "content_type__app_label", "codename"
        )
        cached = frozenset(f"{app}.{codename}" for app, codename in rows)
        user._careteam_role_perms = cached  # type: ignore[attr-defined]  # per-request cache
    return cached


def can(user: StaffUser, perm: Perm) -> bool:
    return perm in role_perms(user)


def require(user: StaffUser, perm: Perm) -> None:
    if not can(user, perm):
        raise PermissionDenied("Your role may not do this.")


def is_clinician(user: StaffUser) -> bool:
    """Signed-in, active and holding a clinical role (therapist, psychiatrist, case manager)."""
    return bool(isinstance(user, User) and user.is_active and user.role in CLINICAL_ROLES)


def require_clinician(user: StaffUser) -> None:
    """Clinical lists (caseload, metrics of one's own patients) are for clinicians only."""
    if not is_clinician(user):
        raise PermissionDenied("The caseload is for clinicians on care teams.")


def sees_every_patient(user: StaffUser) -> bool:
    """Admins see every patient's demographics (and programme-wide figures); clinicians only
    their care teams' patients."""
    return can(user, Perm.VIEW_ALL_DEMOGRAPHICS)


def can_see_resources(user: StaffUser) -> bool:
    """The community resource directory: any clinician, and whoever manages it."""
    return is_clinician(user) or can(user, Perm.MANAGE_RESOURCES)
