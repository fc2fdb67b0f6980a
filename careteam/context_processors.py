from django.http import HttpRequest

from . import access
from .models import User
from .roles import Perm


def navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if not isinstance(user, User):
        return {}
    return {
        "nav_staff": access.can(user, Perm.MANAGE_STAFF),
        "nav_audit": access.can(user, Perm.VIEW_AUDIT),
        "nav_follow_ups": access.can(user, Perm.MANAGE_REFERRALS),
        "nav_caseload": access.is_clinician(user),
        # Emergency access (break-glass) is for clinicians; its review for those who see the audit.
        "nav_emergency": access.is_clinician(user),
    }
