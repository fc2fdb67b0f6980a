import re
import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.contrib.sessions.middleware import SessionMiddleware
from django.http import HttpRequest, HttpResponse

from . import audit

_VALID_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestIdMiddleware:
    """Give every request an id (or keep a well-formed X-Request-ID) for the audit trail."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _VALID_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]  # set on every request here
        token = audit.request_id_var.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            audit.request_id_var.reset(token)
        response["X-Request-ID"] = request_id
        return response


def passive_session(view: Callable) -> Callable:
    """Mark a view (e.g. the unread-count poll) as not counting as activity: it does not renew
    the idle timeout, so a page left open still signs out after SESSION_IDLE_MINUTES."""

    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        request.passive_session = True  # type: ignore[attr-defined]  # read by the idle-timeout middleware
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


LAST_RENEWED = "_careteam_renewed"


class IdleTimeoutSessionMiddleware(SessionMiddleware):
    """Django's session middleware with the idle timeout (SESSION_COOKIE_AGE) renewed by
    activity: a request renews it when the last renewal is SESSION_RENEW_SECONDS old or more,
    so a session ends between SESSION_COOKIE_AGE and that much plus a minute after the last
    request, and pages do not each rewrite the session row. Passive requests (the unread-count
    poll) never renew it."""

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        if getattr(request, "passive_session", False):
            return response
        session = getattr(request, "session", None)
        if session is not None and session.accessed and not session.is_empty():
            now = int(time.time())
            if now - session.get(LAST_RENEWED, 0) >= settings.SESSION_RENEW_SECONDS:
                session[LAST_RENEWED] = now  # modified: saved, with a new expiry date
        return super().process_response(request, response)
