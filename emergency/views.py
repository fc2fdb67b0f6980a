"""Break-glass pages: a clinician asks for emergency access by record number; admins review."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from careteam import audit
from careteam.http import AuthenticatedHttpRequest
from careteam.viewutils import call_service, form_data, render_form
from patients import access as patient_access

from . import selectors, services
from .forms import BreakGlassForm


@login_required
@require_http_methods(["GET", "POST"])
def break_glass_request(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Clinicians only (403 for anyone else, before the input is looked at)."""
    patient_access.require_may_break_glass(request.user)
    form = BreakGlassForm(form_data(request))
    if request.method == "POST" and form.is_valid():
        patient = patient_access.break_glass_patient_by_record_number(
            request.user, form.cleaned_data["record_number"]
        )
        if patient is None:
            form.add_error("record_number", "No patient has this record number.")
        else:
            grant = call_service(
                form,
                services.break_glass_open,
                actor=request.user,
                patient=patient,
                reason=form.cleaned_data["reason"],
            )
            if grant is not None:
                messages.warning(request, "Emergency access granted. The admins have been told.")
                return redirect("patient_detail", patient_id=patient.pk)
    return render_form(request, "emergency/break_glass_form.html", {"form": form})


@login_required
@require_http_methods(["GET"])
def break_glass_review(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Admins: every grant with its reads, and a "Mark reviewed" button (403 for others)."""
    grants = list(selectors.grants_for_review(actor=request.user)[:200])
    audit.record(actor=request.user, action=audit.Action.LIST, object_type="breakglassgrant", object_id="*")
    return render(request, "emergency/review.html", {"grants": grants})


@login_required
@require_POST
def break_glass_mark_reviewed(request: AuthenticatedHttpRequest, grant_id: int) -> HttpResponse:
    grant = selectors.grants_for_review(actor=request.user).filter(pk=grant_id).first()
    if grant is None:
        raise Http404("No grant matches the given query.")
    services.break_glass_review(actor=request.user, grant=grant)
    messages.success(request, f"Grant {grant.pk} marked reviewed.")
    return redirect("break_glass_review")
