"""Request types for views behind sign-in: the user is a staff member, not AnonymousUser.

Page views are wrapped in ``login_required`` (and run after django-htmx's middleware); API views
run after DRF's authentication with ``IsAuthenticated`` as the default permission. Annotating
their ``request`` with these types says so to mypy, as healthchecks does with its
AuthenticatedHttpRequest, instead of checking ``is_authenticated`` again in every view.
"""

from typing import TYPE_CHECKING

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails
from rest_framework.request import Request

from .models import User


class AuthenticatedHttpRequest(HttpRequest):
    """A page request of a signed-in staff member."""

    user: User
    htmx: HtmxDetails


if TYPE_CHECKING:

    class AuthenticatedRequest(Request):
        """An API request of an authenticated staff member."""

        @property
        def user(self) -> User: ...

        @user.setter
        def user(self, value: User) -> None: ...

else:
    AuthenticatedRequest = Request
