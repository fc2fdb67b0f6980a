"""API token authentication: django-rest-knox's, with one indexed lookup per request."""

from typing import Any

from django.utils import timezone
from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from rest_framework import exceptions

from . import selectors


class TokenAuthentication(KnoxTokenAuthentication):
    """knox's token check (the first characters of the token find the row by an index, the
    SHA-512 digest is compared in constant time), without knox's per-request sweep of the user's
    other tokens: that is a second query on every request. Expired tokens of the user are
    deleted when they sign in again (accounts.services.token_sign_in); an expired token seen
    here is deleted as knox does.

    A user whose role must use two-factor sign-in and who has not set it up gets a 403 naming
    the enrolment page on every endpoint but the enrolment and sign-out ones
    (selectors.mfa_enrolment_pending, one more query only for those roles)."""

    def _cleanup_token(self, auth_token: Any) -> bool:
        if auth_token.expiry is not None and auth_token.expiry < timezone.now():
            auth_token.delete()
            return True
        return False

    def authenticate(self, request: Any) -> tuple[Any, Any] | None:
        result = super().authenticate(request)
        if result is not None:
            user = result[0]
            match = getattr(request._request, "resolver_match", None)
            url_name = match.url_name if match is not None else None
            if url_name not in selectors.MFA_ENROLMENT_URL_NAMES and selectors.mfa_enrolment_pending(user):
                raise exceptions.PermissionDenied(selectors.MFA_ENROLMENT_MESSAGE)
        return result
