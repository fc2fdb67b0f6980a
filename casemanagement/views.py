from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from careteam import access, audit
from careteam.http import AuthenticatedHttpRequest
from careteam.roles import Perm
from careteam.viewutils import call_service, render_form
from patients import access as patient_access
from patients.forms import EnteredInErrorForm
from patients.models import Patient

from . import selectors, services
from .forms import (
    MATCHES_SHOWN,
    ContactForm,
    NeedForm,
    ReferralForm,
    ReferralStatusForm,
    ResourceEditForm,
    ResourceFilterForm,
    ResourceForm,
    ResourceImportForm,
    ResourceSearchForm,
)
from .models import CommunityResource, Contact, NeedAssessment, Referral

PAGE_SIZE = 50


def _status_form(referral: Referral, data=None) -> ReferralStatusForm:
    return ReferralStatusForm(data, referral=referral, auto_id=f"id_referral{referral.pk}_%s")


def _can_move(referral: Referral) -> bool:
    return bool(services.NEXT_STATUSES[referral.status]) and not referral.entered_in_error


# --- a patient's case management ----------------------------------------------------------------


@login_required
@require_http_methods(["GET"])
def patient_case_management(request: AuthenticatedHttpRequest, patient_id: int) -> HttpResponse:
    """Needs (current and history), referrals with their history, and the contact log."""
    patient = patient_access.get_patient(request.user, patient_id, patient_access.VIEW_CLINICAL)
    until = patient_access.emergency_until(request.user, patient.pk)  # emergency access: read-only
    manage = access.can(request.user, Perm.MANAGE_REFERRALS) and until is None
    current = list(selectors.current_needs(patient=patient))
    needs = Paginator(selectors.needs(patient=patient), PAGE_SIZE).get_page(request.GET.get("needs_page"))
    referrals = Paginator(selectors.referrals(patient=patient), PAGE_SIZE).get_page(
        request.GET.get("referrals_page")
    )
    contacts = Paginator(selectors.contacts(patient=patient), PAGE_SIZE).get_page(
        request.GET.get("contacts_page")
    )
    for referral in referrals:
        referral.status_form = _status_form(referral) if manage and _can_move(referral) else None
    for rows, kind in (
        (current, "needassessment"),
        (needs.object_list, "needassessment"),
        (referrals.object_list, "referral"),
        (contacts.object_list, "contact"),
    ):
        audit.record_reads(
            actor=request.user,
            action=audit.Action.VIEW,
            object_type=kind,
            objects=rows,
            patient_attr="patient_id",
        )
    overdue = [referral for referral in referrals if referral.is_overdue]
    return render(
        request,
        "casemanagement/patient_case_management.html",
        {
            "patient": patient,
            "current_needs": current,
            "needs": needs,
            "referrals": referrals,
            "contacts": contacts,
            "overdue": overdue,
            "manage_referrals": manage,
            "read_only": until is not None,
            "emergency_until": until,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def need_create(request: AuthenticatedHttpRequest, patient_id: int) -> HttpResponse:
    patient = patient_access.get_patient(request.user, patient_id, patient_access.RECORD_CLINICAL)
    form = NeedForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        need = call_service(
            form, services.need_record, actor=request.user, patient=patient, **form.cleaned_data
        )
        if need is not None:
            messages.success(request, f"{need.get_domain_display()} need recorded.")
            return redirect("casemanagement_patient", patient_id=patient.pk)
    return render_form(request, "casemanagement/need_form.html", {"form": form, "patient": patient})


@login_required
@require_http_methods(["GET", "POST"])
def contact_create(request: AuthenticatedHttpRequest, patient_id: int) -> HttpResponse:
    patient = patient_access.get_patient(request.user, patient_id, patient_access.RECORD_CLINICAL)
    form = ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        contact = call_service(
            form, services.contact_record, actor=request.user, patient=patient, **form.cleaned_data
        )
        if contact is not None:
            messages.success(request, "Contact logged.")
            return redirect(reverse("casemanagement_patient", args=[patient.pk]) + "#contacts")
    return render_form(request, "casemanagement/contact_form.html", {"form": form, "patient": patient})


def _matches(
    request: AuthenticatedHttpRequest, search: ResourceSearchForm
) -> tuple[list[CommunityResource], int | None]:
    """One page of the active resources matching the search (none without words), and the
    number of the next page if there is one."""
    words = search.cleaned_data.get("q") or ""
    if not words.strip():
        return [], None
    page = search.cleaned_data.get("page") or 1
    start = (page - 1) * MATCHES_SHOWN
    rows = list(
        selectors.resources(actor=request.user, search=words, active=True)[start : start + MATCHES_SHOWN + 1]
    )
    return rows[:MATCHES_SHOWN], (page + 1 if len(rows) > MATCHES_SHOWN else None)


def _search_context(
    search: ResourceSearchForm, matches: list, more: int | None, selected: int | None
) -> dict:
    return {
        "search": search,
        "q": search.cleaned_data.get("q", "") if search.is_valid() else "",
        "matches": matches,
        "more_page": more,
        "selected_id": selected,
    }


@login_required
@require_http_methods(["GET"])
def resource_search(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The referral form's resource picker (an htmx partial): up to MATCHES_SHOWN active
    resources matching the words, and a "More matches" button for the next ones."""
    search = ResourceSearchForm(request.GET)
    if not search.is_valid():
        return HttpResponseBadRequest(" ".join(str(m) for errors in search.errors.values() for m in errors))
    matches, more = _matches(request, search)
    return render(
        request, "casemanagement/_resource_matches.html", _search_context(search, matches, more, None)
    )


def _chosen_resource(data: dict) -> CommunityResource | None:
    value = str(data.get("resource", ""))
    if not value.isdigit() or len(value) > 18:
        return None
    return CommunityResource.objects.filter(pk=int(value)).first()


@login_required
@require_http_methods(["GET", "POST"])
def referral_create(request: AuthenticatedHttpRequest, patient_id: int) -> HttpResponse:
    """The resource is picked by searching the directory (htmx as one types; without
    JavaScript, the search button reloads this page with the matches)."""
    patient = patient_access.get_patient(request.user, patient_id, patient_access.MANAGE_REFERRALS)
    search = ResourceSearchForm(request.GET)
    if not search.is_valid():
        search = ResourceSearchForm({})
        search.is_valid()
    matches, more = _matches(request, search)
    chosen = _chosen_resource(request.POST) if request.method == "POST" else None
    offered = [*([chosen] if chosen and chosen not in matches else []), *matches]
    form = ReferralForm(request.POST or None, offered=offered)
    if request.method == "POST" and form.is_valid():
        referral = call_service(
            form, services.referral_create, actor=request.user, patient=patient, **form.cleaned_data
        )
        if referral is not None:
            messages.success(request, f"Referral to {referral.resource} saved as a draft.")
            return redirect(reverse("casemanagement_patient", args=[patient.pk]) + f"#referral-{referral.pk}")
    context = {
        "form": form,
        "patient": patient,
        **_search_context(search, offered, more, chosen.pk if chosen else None),
    }
    return render_form(request, "casemanagement/referral_form.html", context)


def _referral_page(
    request: HttpRequest,
    patient: Patient,
    referral: Referral,
    form: ReferralStatusForm | None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "casemanagement/referral_detail.html",
        {"patient": patient, "referral": referral, "form": form},
        status=status,
    )


@login_required
@require_http_methods(["GET"])
def referral_detail(request: AuthenticatedHttpRequest, patient_id: int, referral_id: int) -> HttpResponse:
    patient = patient_access.get_patient(request.user, patient_id, patient_access.VIEW_CLINICAL)
    referral = get_object_or_404(selectors.referrals(patient=patient), pk=referral_id)
    audit.record(
        actor=request.user,
        action=audit.Action.VIEW,
        object_type="referral",
        object_id=referral.pk,
        patient_id=patient.pk,
    )
    manage = access.can(request.user, Perm.MANAGE_REFERRALS)
    form = _status_form(referral) if manage and _can_move(referral) else None
    return _referral_page(request, patient, referral, form)


@login_required
@require_POST
def referral_status(request: AuthenticatedHttpRequest, patient_id: int, referral_id: int) -> HttpResponse:
    patient = patient_access.get_patient(request.user, patient_id, patient_access.MANAGE_REFERRALS)
    referral = get_object_or_404(selectors.referrals(patient=patient), pk=referral_id)
    form = _status_form(referral, request.POST)
    if form.is_valid():
        done = call_service(
            form,
            services.referral_status_change,
            actor=request.user,
            referral=referral,
            **form.service_kwargs(),
        )
        if done is not None:
            messages.success(
                request, f"Referral to {referral.resource} is now {done.get_status_display().lower()}."
            )
            return redirect(reverse("casemanagement_patient", args=[patient.pk]) + f"#referral-{referral.pk}")
    return _referral_page(request, patient, referral, form, status=400)


# --- corrections: entered in error --------------------------------------------------------------


def _entered_in_error_page(
    request: AuthenticatedHttpRequest,
    patient: Patient,
    record: NeedAssessment | Contact | Referral,
    noun: str,
    mark,
    anchor: str,
) -> HttpResponse:
    """The form (and its POST) marking one record entered in error: its author only."""
    services.author_check(actor=request.user, record=record)
    form = EnteredInErrorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = call_service(form, mark, reason=form.cleaned_data["reason"])
        if done is not None:
            messages.success(request, f"The {noun} is marked entered in error.")
            return redirect(reverse("casemanagement_patient", args=[patient.pk]) + anchor)
    return render_form(
        request,
        "casemanagement/entered_in_error_form.html",
        {"form": form, "patient": patient, "record": record, "noun": noun},
    )


@login_required
@require_http_methods(["GET", "POST"])
def need_entered_in_error(request: AuthenticatedHttpRequest, patient_id: int, record_id: int) -> HttpResponse:
    patient = patient_access.get_patient(request.user, patient_id, patient_access.RECORD_CLINICAL)
    need = get_object_or_404(selectors.needs(patient=patient), pk=record_id)

    def mark(*, reason: str) -> NeedAssessment:
        return services.need_entered_in_error(actor=request.user, need=need, reason=reason)

    return _entered_in_error_page(request, patient, need, "assessment", mark, "#needs-heading")


@login_required
@require_http_methods(["GET", "POST"])
def contact_entered_in_error(
    request: AuthenticatedHttpRequest, patient_id: int, record_id: int
) -> HttpResponse:
    patient = patient_access.get_patient(request.user, patient_id, patient_access.RECORD_CLINICAL)
    contact = get_object_or_404(selectors.contacts(patient=patient), pk=record_id)

    def mark(*, reason: str) -> Contact:
        return services.contact_entered_in_error(actor=request.user, contact=contact, reason=reason)

    return _entered_in_error_page(request, patient, contact, "contact", mark, "#contacts")


@login_required
@require_http_methods(["GET", "POST"])
def referral_entered_in_error(
    request: AuthenticatedHttpRequest, patient_id: int, record_id: int
) -> HttpResponse:
    patient = patient_access.get_patient(request.user, patient_id, patient_access.RECORD_CLINICAL)
    referral = get_object_or_404(selectors.referrals(patient=patient), pk=record_id)

    def mark(*, reason: str) -> Referral:
        return services.referral_entered_in_error(actor=request.user, referral=referral, reason=reason)

    return _entered_in_error_page(request, patient, referral, "referral", mark, f"#referral-{referral.pk}")


@login_required
@require_http_methods(["GET"])
def follow_ups(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The caller's overdue referral follow-ups across their caseload (case managers)."""
    access.require(request.user, Perm.MANAGE_REFERRALS)
    page = Paginator(selectors.overdue_referrals(actor=request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    audit.record_reads(
        actor=request.user,
        action=audit.Action.LIST,
        object_type="referral",
        objects=page.object_list,
        patient_attr="patient_id",
    )
    return render(request, "casemanagement/follow_ups.html", {"page": page})


# --- the resource directory ---------------------------------------------------------------------


@login_required
@require_http_methods(["GET"])
def resource_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ResourceFilterForm(request.GET)
    valid = form.is_valid()
    rows = selectors.resources(actor=request.user, **(form.filters() if valid else {"active": True}))
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "manage": access.can(request.user, Perm.MANAGE_RESOURCES),
    }
    if request.htmx:
        return render(request, "casemanagement/_resource_rows.html", context)
    return render(request, "casemanagement/resource_list.html", context, status=200 if valid else 400)


@login_required
@require_http_methods(["GET"])
def resource_detail(request: AuthenticatedHttpRequest, resource_id: int) -> HttpResponse:
    resource = get_object_or_404(selectors.resources(actor=request.user), pk=resource_id)
    return render(
        request,
        "casemanagement/resource_detail.html",
        {"resource": resource, "manage": access.can(request.user, Perm.MANAGE_RESOURCES)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def resource_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    access.require(request.user, Perm.MANAGE_RESOURCES)
    form = ResourceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        resource = call_service(form, services.resource_create, actor=request.user, **form.cleaned_data)
        if resource is not None:
            messages.success(request, f"{resource} added to the directory.")
            return redirect("casemanagement_resource_detail", resource_id=resource.pk)
    return render_form(request, "casemanagement/resource_form.html", {"form": form, "resource": None})


@login_required
@require_http_methods(["GET", "POST"])
def resource_edit(request: AuthenticatedHttpRequest, resource_id: int) -> HttpResponse:
    access.require(request.user, Perm.MANAGE_RESOURCES)
    resource = get_object_or_404(selectors.resources(actor=request.user), pk=resource_id)
    form = ResourceEditForm(request.POST or None, instance=resource, initial={"version": resource.version})
    if request.method == "POST" and form.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        done = call_service(
            form,
            services.resource_update,
            actor=request.user,
            resource=resource,
            version=form.cleaned_data["version"],
            **fields,
        )
        if done is not None:
            messages.success(request, f"{done} saved.")
            return redirect("casemanagement_resource_detail", resource_id=resource.pk)
    return render_form(request, "casemanagement/resource_form.html", {"form": form, "resource": resource})


# --- directory imports --------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def resource_imports(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Upload a CSV of the directory (checked before anything is queued); the latest imports."""
    access.require(request.user, Perm.MANAGE_RESOURCES)
    form = ResourceImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        job = call_service(
            form,
            services.resource_import_start,
            actor=request.user,
            filename=upload.name,
            content_type=upload.content_type or "",
            data=upload.read(),
        )
        if job is not None:
            messages.success(request, f"{job.filename}: {job.total_rows} rows queued for import.")
            return redirect("casemanagement_import_detail", import_id=job.pk)
    page = Paginator(selectors.resource_imports(actor=request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render_form(request, "casemanagement/import_list.html", {"form": form, "page": page})


@login_required
@require_http_methods(["GET"])
def resource_import_detail(request: AuthenticatedHttpRequest, import_id: int) -> HttpResponse:
    """The progress bar (htmx polls the partial every second until the job is done) and then
    the report."""
    access.require(request.user, Perm.MANAGE_RESOURCES)
    job = get_object_or_404(selectors.resource_imports(actor=request.user), pk=import_id)
    if request.htmx:
        return render(request, "casemanagement/_import_progress.html", {"job": job})
    return render(request, "casemanagement/import_detail.html", {"job": job})
