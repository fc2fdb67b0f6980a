"""Every refused request on a patient path leaves a trace (API.md "Sessions and tokens")."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from careteam import audit
from careteam.models import User

from . import access
from .models import Patient

REFUSED = (403, 404)


class DeniedAuditMiddleware:
    """A 403, or a 404 for a patient that exists, on any URL with a ``patient_id`` writes one
    audit row: action ``denied``, the caller, the patient's id, and only the status, method and
    the route's name (never the query string or the body).

    A 404 counts as a refusal when the caller is not on the patient's care team: a team member's
    404 on their own patient is a record or page that is not there (a page past the end), not a
    refusal. A 403 is always one (only access decisions answer 403).

    It runs after the view has returned, outside any transaction the view opened, so the row is
    kept when the view's own work was rolled back. Anonymous callers are not recorded: on every
    patient path they are sent to sign in (pages) or get 401 (API) before anything is looked up,
    and there is nobody to name. A 404 for a patient id that does not exist is not recorded
    either: it names no patient. The Django request's ``user`` is the DRF-authenticated one for
    API calls (DRF sets it on the underlying request when it authenticates).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code in REFUSED:
            self._record(request, response.status_code)
        return response

    def _record(self, request: HttpRequest, status: int) -> None:
        match = getattr(request, "resolver_match", None)
        user = getattr(request, "user", None)
        if match is None or not isinstance(user, User) or not user.is_authenticated:
            return
        patient_id = match.kwargs.get("patient_id")
        if not isinstance(patient_id, int):
            return
        if status == 404 and access.on_team(user, patient_id):
            return
        if not Patient.objects.filter(pk=patient_id).exists():
            return
        audit.record(
            actor=user,
            action=audit.Action.DENIED,
            object_type="patient",
            object_id=patient_id,
            patient_id=patient_id,
            changes={"status": status, "method": request.method, "route": match.url_name},
        )
