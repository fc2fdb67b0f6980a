"""CareTeam's own 404 and 500 pages, with DEBUG on as well.

With DEBUG off Django answers with the site's handlers (templates/404.html, 403.html and
``server_error`` below). With DEBUG on it answers a missing page and an unhandled exception with
its technical pages instead — every URL pattern, settings and local variables, which hold
patient data — so ``make run`` would not show what users see. The middleware below answers them
with the same handlers under DEBUG (a 403 already is). A 500's traceback is still logged to the
console (django.request, as Django logs it), where a developer reads it; the page is the user's.
Django's technical 400 page (SuspiciousOperation under DEBUG) is left as it is.
"""

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation
from django.core.signals import got_request_exception
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseServerError
from django.http.multipartparser import MultiPartParserError
from django.template.loader import render_to_string
from django.urls import get_resolver, get_urlconf
from django.utils.log import log_response


def server_error(request: HttpRequest) -> HttpResponse:
    """templates/500.html, rendered without the request: no context processor (which may query
    the database that failed) runs. The request id lets a user quote the failure."""
    context = {"request_id": getattr(request, "request_id", "")}
    return HttpResponseServerError(render_to_string("500.html", context))


def _handler(status: int) -> Callable[..., HttpResponse]:
    return get_resolver(get_urlconf()).resolve_error_handler(status)


class DebugErrorPagesMiddleware:
    """Under DEBUG only: CareTeam's 404 page for a URL nothing matches or a view's Http404, and
    its 500 page for a view's unhandled exception (logged with its traceback, and signalled as
    Django does, so the test client and the database-outage middleware still see it)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if settings.DEBUG and response.status_code == 404 and request.resolver_match is None:
            # No URL pattern matched (the view's own 404s are answered in process_exception).
            return _handler(404)(request, Http404())
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not settings.DEBUG or settings.DEBUG_PROPAGATE_EXCEPTIONS:
            return None
        if isinstance(exception, Http404):
            return _handler(404)(request, exception)
        if isinstance(exception, PermissionDenied) or not _is_server_error(exception):
            return None  # 403: Django uses handler403 under DEBUG too; 400s are Django's.
        got_request_exception.send(sender=None, request=request)
        response = _handler(500)(request)
        log_response(
            "%s: %s",
            response.reason_phrase,
            request.path,
            response=response,
            request=request,
            exception=exception,
        )
        return response


def _is_server_error(exception: Exception) -> bool:
    return not isinstance(exception, (BadRequest, SuspiciousOperation, MultiPartParserError))
