from django.http import HttpRequest

from . import access, selectors


def navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "nav_staff": access.can(user, "careteam.manage_staff"),
        "nav_audit": access.can(user, "careteam.view_auditevent"),
        "nav_follow_ups": access.can(user, "casemanagement.manage_referrals"),
        "nav_caseload": access.is_clinician(user),
        "unread_count": selectors.unread_count(actor=user),
    }
