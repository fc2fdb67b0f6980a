from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models

from careteam.models import User


class StaffSession(AbstractBaseSession):
    """A browser session (Django's database session) that also records whose it is, so that all
    of one user's sessions can be deleted at once: on deactivation, a role change and a password
    change or reset (accounts.services.credentials_revoke). An anonymous session has no user."""

    user = models.ForeignKey(User, null=True, blank=True, on_delete=models.CASCADE, related_name="+")

    @classmethod
    def get_session_store_class(cls):
        from .sessions import SessionStore

        return SessionStore
