"""Errors the whole project shares: the stale edit, and the answer while the database cannot be
reached (a 503 with a short message and ``Retry-After``, never a traceback page)."""

import logging
import sys
from collections.abc import Callable
from typing import Any

from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string

log = logging.getLogger(__name__)

# What the database driver raises when the server is down, restarting or unreachable (psycopg's
# OperationalError and InterfaceError, as Django wraps them). Other database errors (integrity,
# programming) are bugs or bad input and keep their own answers.
DATABASE_UNAVAILABLE: tuple[type[Exception], ...] = (OperationalError, InterfaceError)

RETRY_AFTER_SECONDS = 30
UNAVAILABLE_MESSAGE = (
    "CareTeam cannot reach its database just now. Try again in a minute; "
    "if you were saving something, check that it was saved before saving it again."
)


class StaleEdit(Exception):
    """An edit based on a version that is no longer current. Nothing was written."""

    def __init__(self, *, current_version: int, message: str) -> None:
        super().__init__(message)
        self.current_version = current_version
        self.message = message


def is_database_unavailable(exc: BaseException | None) -> bool:
    return isinstance(exc, DATABASE_UNAVAILABLE)


def log_database_unavailable(request: Any, exc: BaseException) -> None:
    """One warning line: the exception class, the method and the request id; never the path's
    query string, the request body or the driver's message."""
    log.warning(
        "database unavailable (%s): %s request %s answered 503",
        type(exc).__name__,
        getattr(request, "method", "?"),
        getattr(request, "request_id", "-"),
    )


def database_unavailable_response(request: HttpRequest) -> HttpResponse:
    """503 for a page (templates/503.html, rendered without the request: no context processor
    may touch the database) or for the API ({"detail": ...})."""
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": UNAVAILABLE_MESSAGE}, status=503)
    else:
        response = HttpResponse(render_to_string("503.html", {"message": UNAVAILABLE_MESSAGE}), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def _note_unavailable(sender: Any, request: HttpRequest | None = None, **kwargs: Any) -> None:
    """Django turns an exception raised inside any middleware into a 500 (a traceback page under
    DEBUG) before it can reach an outer middleware; it sends this signal first, inside the
    ``except`` block, so the exception is at hand. Mark the request for the middleware below."""
    exc = sys.exc_info()[1]
    if request is not None and is_database_unavailable(exc):
        request.database_unavailable = exc  # type: ignore[attr-defined]  # read by the middleware below


got_request_exception.connect(_note_unavailable, dispatch_uid="careteam.errors.database_unavailable")


class DatabaseUnavailableMiddleware:
    """Answers 503 (page or JSON) when the database is down, wherever in the request it failed:
    a view (process_exception), or a middleware inside this one — session load or save,
    authentication — whose exception Django has already turned into a 500 response."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            response = self.get_response(request)
        except DATABASE_UNAVAILABLE as exc:  # raised past Django's own conversion (rare)
            return self._unavailable(request, exc)
        failure = getattr(request, "database_unavailable", None)
        if failure is not None and response.status_code >= 500:
            return self._unavailable(request, failure)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if is_database_unavailable(exception):
            return self._unavailable(request, exception)
        return None

    def _unavailable(self, request: HttpRequest, exc: BaseException) -> HttpResponse:
        # Nothing to renew or save on the way out while the database is down (the idle-timeout
        # session middleware leaves a passive request's session alone).
        request.passive_session = True  # type: ignore[attr-defined]  # read by careteam.middleware
        log_database_unavailable(request, exc)
        return database_unavailable_response(request)
