from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from careteam import access, audit
from careteam.http import AuthenticatedHttpRequest
from careteam.roles import Perm
from careteam.viewutils import call_service, form_data, render_form
from patients import access as patient_access

from . import selectors, services
from .forms import CarePlanForm, CareTeamAddForm, GoalEditForm, GoalForm, PatientForm


@login_required
@require_http_methods(["GET", "POST"])
def patient_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The list, and the search by name or record number: the search term comes in a POST body
    (the form, htmx while typing, the pager of a search), never in the URL, where browsers,
    proxies and access logs would keep patient names. It writes nothing but the read audit."""
    params = request.POST if request.method == "POST" else request.GET
    search = request.POST.get("q", "").strip() if request.method == "POST" else ""
    patients = selectors.patient_list(actor=request.user, search=search)
    page = Paginator(patients, 50).get_page(params.get("page"))
    audit.record_reads(
        actor=request.user, action=audit.Action.LIST, object_type="patient", objects=page.object_list
    )
    context = {
        "page": page,
        "search": search,
        "all_patients": access.can(request.user, Perm.VIEW_ALL_DEMOGRAPHICS),
        "can_register": access.can(request.user, Perm.ADD_PATIENT),
    }
    if request.htmx:
        return render(request, "patients/_patient_rows.html", context)
    return render(request, "patients/patient_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def patient_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    access.require(request.user, Perm.ADD_PATIENT)
    form = PatientForm(form_data(request))
    if request.method == "POST" and form.is_valid():
        patient = call_service(form, services.patient_register, actor=request.user, **form.cleaned_data)
        if patient is not None:
            messages.success(request, "Patient registered.")
            return redirect("patient_detail", patient_id=patient.pk)
    return render_form(request, "patients/patient_form.html", {"form": form, "patient": None})


@login_required
@require_http_methods(["GET", "POST"])
def patient_edit(request: AuthenticatedHttpRequest, patient_id: int) -> HttpResponse:
    patient = patient_access.get_patient(request.user, patient_id, patient_access.CHANGE_DEMOGRAPHICS)
    if request.method == "GET":
        audit.record(
            actor=request.user,
            action=audit.Action.VIEW,
            object_type="patient",
            object_id=patient.pk,
            patient_id=patient.pk,
        )
    form = PatientForm(form_data(request), instance=patient)
    if request.method == "POST" and form.is_valid():
        done = call_service(
            form, services.patient_update, actor=request.user, patient=patient, **form.cleaned_data
        )
        if done is not None:
            messages.success(request, "Patient details saved.")
            return redirect("patient_detail", patient_id=patient.pk)
    return render_form(request, "patients/patient_form.html", {"form": form, "patient": patient})


@login_required
@require_POST
def care_team_add(request: AuthenticatedHttpRequest, patient_id: int) -> HttpResponse:
    patient = patient_access.get_patient(request.user, patient_id, patient_access.MANAGE_CARE_TEAM)
    form = CareTeamAddForm(request.POST, staff_queryset=selectors.assignable_staff(patient=patient))
    if form.is_valid():
        member = call_service(
            form, services.care_team_add, actor=request.user, patient=patient, **form.cleaned_data
        )
        if member is not None:
            messages.success(request, f"{member.user} joined the care team.")
            return redirect("patient_detail", patient_id=patient.pk)
    return render_form(request, "patients/care_team_form.html", {"form": form, "patient": patient})


@login_required
@require_POST
def care_team_remove(request: AuthenticatedHttpRequest, patient_id: int, member_id: int) -> HttpResponse:
    patient = patient_access.get_patient(request.user, patient_id, patient_access.MANAGE_CARE_TEAM)
    member = get_object_or_404(selectors.care_team(patient=patient), pk=member_id)
    services.care_team_remove(actor=request.user, member=member)
    messages.success(request, f"{member.user} left the care team.")
    return redirect("patient_detail", patient_id=patient.pk)


@login_required
@require_http_methods(["GET", "POST"])
def care_plan_edit(request: AuthenticatedHttpRequest, patient_id: int) -> HttpResponse:
    patient = patient_access.get_patient(request.user, patient_id, patient_access.EDIT_CARE_PLAN)
    plan = selectors.care_plan(patient=patient)
    if request.method == "GET":
        audit.record(
            actor=request.user,
            action=audit.Action.VIEW,
            object_type="careplan",
            object_id=plan.pk,
            patient_id=patient.pk,
        )
    form = CarePlanForm(form_data(request), instance=plan, initial={"version": plan.version})
    if request.method == "POST" and form.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        done = call_service(
            form,
            services.care_plan_update,
            actor=request.user,
            patient=patient,
            version=form.cleaned_data["version"],
            **fields,
        )
        if done is not None:
            messages.success(request, "Care plan saved.")
            return redirect("patient_detail", patient_id=patient.pk)
    context = {"form": form, "patient": patient, "current": selectors.care_plan(patient=patient)}
    return render_form(request, "patients/care_plan_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def goal_create(request: AuthenticatedHttpRequest, patient_id: int) -> HttpResponse:
    patient = patient_access.get_patient(request.user, patient_id, patient_access.EDIT_CARE_PLAN)
    form = GoalForm(form_data(request))
    if request.method == "POST" and form.is_valid():
        goal = call_service(
            form, services.goal_create, actor=request.user, patient=patient, **form.cleaned_data
        )
        if goal is not None:
            messages.success(request, "Goal added to the care plan.")
            return redirect("patient_detail", patient_id=patient.pk)
    return render_form(request, "patients/goal_form.html", {"form": form, "patient": patient, "goal": None})


@login_required
@require_http_methods(["GET", "POST"])
def goal_edit(request: AuthenticatedHttpRequest, patient_id: int, goal_id: int) -> HttpResponse:
    patient = patient_access.get_patient(request.user, patient_id, patient_access.EDIT_CARE_PLAN)
    goal = get_object_or_404(selectors.goals(patient=patient), pk=goal_id)
    if request.method == "GET":
        audit.record(
            actor=request.user,
            action=audit.Action.VIEW,
            object_type="goal",
            object_id=goal.pk,
            patient_id=patient.pk,
        )
    form = GoalEditForm(form_data(request), instance=goal, initial={"version": goal.version})
    if request.method == "POST" and form.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        done = call_service(
            form,
            services.goal_update,
            actor=request.user,
            goal=goal,
            version=form.cleaned_data["version"],
            **fields,
        )
        if done is not None:
            messages.success(request, "Goal saved.")
            return redirect("patient_detail", patient_id=patient.pk)
    context = {"form": form, "patient": patient, "goal": goal}
    return render_form(request, "patients/goal_form.html", context)


@login_required
@require_http_methods(["GET"])
def care_plan_history(request: AuthenticatedHttpRequest, patient_id: int) -> HttpResponse:
    patient = patient_access.get_patient(request.user, patient_id, patient_access.VIEW_CLINICAL)
    audit.record(
        actor=request.user,
        action=audit.Action.VIEW,
        object_type="careplanhistory",
        object_id=patient.pk,
        patient_id=patient.pk,
    )
    # 20 a page: a revision from before issue 10 holds a copy of the whole plan.
    revisions = Paginator(selectors.care_plan_revisions(patient=patient), 20).get_page(
        request.GET.get("page")
    )
    for revision in revisions:
        selectors.revision_describe(revision)
    return render(request, "patients/care_plan_history.html", {"patient": patient, "page": revisions})
