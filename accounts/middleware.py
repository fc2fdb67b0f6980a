from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect

from . import selectors


class MfaEnrolmentRequiredMiddleware:
    """A signed-in user whose role is in MFA_REQUIRED_ROLES and who has not set up two-factor
    sign-in reaches only the enrolment pages (and sign-out, static files) until they do: pages
    redirect to the account security page, the API answers 403 naming it. A session verified
    by a code costs nothing here; the others one query, and only for those roles. Token-signed
    API requests are checked by accounts.auth.TokenAuthentication (DRF authenticates later)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable, view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        if not settings.MFA_REQUIRED_ROLES or request.path.startswith("/" + settings.STATIC_URL.lstrip("/")):
            return None
        user: Any = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        match = request.resolver_match
        if match is not None and match.url_name in selectors.MFA_ENROLMENT_URL_NAMES | {"healthz"}:
            return None
        if not selectors.mfa_enrolment_pending(user):
            return None
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": selectors.MFA_ENROLMENT_MESSAGE}, status=403)
        if getattr(request, "htmx", False):
            # A poll from the page (htmx swaps no 4xx answer): nothing to show until enrolled.
            return HttpResponse(status=403)
        return redirect("account_security")
