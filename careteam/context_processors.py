from django.http import HttpRequest

from . import access


def navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "nav_staff": access.can(user, "careteam.manage_staff"),
        "nav_audit": access.can(user, "careteam.view_auditevent"),
    }
