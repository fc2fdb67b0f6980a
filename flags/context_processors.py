from django.http import HttpRequest

from careteam.models import User

from . import selectors


def unread_notifications(request: HttpRequest) -> dict:
    """The header's unread count (the header polls it through htmx as well)."""
    user = getattr(request, "user", None)
    if not isinstance(user, User):
        return {}
    return {"unread_count": selectors.unread_count(actor=user)}
