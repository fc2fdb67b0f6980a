import json
import re
import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.contrib.sessions.middleware import SessionMiddleware
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse, QueryDict

from . import audit
from .parsers import NUL_MESSAGE, OBJECT_MESSAGE, has_nul

# A client's request id is kept only in the canonical UUID form: anything else (a name, an
# address, free text) could carry patient data into every audit row of the request.
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


def request_id_from(incoming: str) -> str:
    """The client's X-Request-ID when it is a UUID (lower-cased), otherwise a new one."""
    if _UUID.fullmatch(incoming):
        return str(uuid.UUID(incoming))
    return str(uuid.uuid4())


class RequestIdMiddleware:
    """Give every request an id (or keep a client's UUID X-Request-ID) for the audit trail."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = request_id_from(request.headers.get("X-Request-ID", ""))
        request.request_id = request_id  # type: ignore[attr-defined]  # set on every request here
        token = audit.request_id_var.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            audit.request_id_var.reset(token)
        response["X-Request-ID"] = request_id
        return response


class SecurityHeadersMiddleware:
    """Headers for every response of the app itself (static files are answered by whitenoise
    above this middleware and keep their long caching):

    - ``Cache-Control: no-store``: pages and API responses carry patient data, and no browser,
      proxy or back-button cache may keep a copy. Every response gets it rather than a list of
      the ones with patient data, which would go stale as pages are added.
    - ``Permissions-Policy``: every powerful browser feature off (settings.PERMISSIONS_POLICY).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.permissions_policy = ", ".join(f"{feature}=()" for feature in settings.PERMISSIONS_POLICY)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response["Cache-Control"] = "no-store"
        if self.permissions_policy:
            response.setdefault("Permissions-Policy", self.permissions_policy)
        return response


FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
BODY_METHODS = ("POST", "PUT", "PATCH", "DELETE")


def _has_nul(params: QueryDict) -> bool:
    return any("\x00" in key or any("\x00" in value for value in values) for key, values in params.lists())


def _small_body(request: HttpRequest) -> bool:
    """Whether the body is one Django reads into memory (the rest is left to the parsers)."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return False
    return 0 < length <= settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def _form(request: HttpRequest) -> QueryDict:
    """The form fields: request.POST for a POST; Django parses no other method's form, so a
    PUT or PATCH of an urlencoded form is parsed here (a multipart one by DRF's parser, whose
    CharFields refuse a NUL)."""
    if request.method == "POST":
        return request.POST
    if request.content_type == "application/x-www-form-urlencoded" and _small_body(request):
        return QueryDict(request.body, encoding=request.encoding)
    return QueryDict()


def _json_refusal(request: HttpRequest) -> str | None:
    """Why a JSON body is refused (not an object, or a NUL in it), checked even where the view
    never reads its body. Not JSON at all is left to the parser (DRF's 400 "JSON parse error"); so
    is a body too large to read here, which the parser checks the same way when it reads it."""
    if not _small_body(request):
        return None
    try:
        data = json.loads(request.body)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return OBJECT_MESSAGE
    return NUL_MESSAGE if has_nul(data) else None


class RejectBadInputMiddleware:
    """API.md "Robustness", on every route, before any view or the database sees the input:
    a NUL character in a query-string or form parameter (PostgreSQL can neither store nor
    compare one), or in a JSON body, and a JSON body that is not an object, are a 400. An
    uploaded file's content is the view's to judge."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        refusal = NUL_MESSAGE if _has_nul(request.GET) else None
        if refusal is None and request.method in BODY_METHODS:
            if request.content_type in FORM_TYPES:
                refusal = NUL_MESSAGE if _has_nul(_form(request)) else None
            elif request.content_type == "application/json":
                refusal = _json_refusal(request)
        if refusal is None:
            return self.get_response(request)
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": refusal}, status=400)
        return HttpResponseBadRequest(refusal, content_type="text/plain; charset=utf-8")


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
