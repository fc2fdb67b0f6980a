"""Medication pages: the patient's medication page and the forms that change it.

Each view: access (404 off the team, 403 wrong role) → form → service → redirect with a message,
or the form again with status 400 and a message per field.
"""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from careteam import access, audit
from careteam.http import AuthenticatedHttpRequest
from careteam.roles import Perm
from careteam.viewutils import call_service, render_form
from patients import access as patient_access
from patients.forms import EnteredInErrorForm

from . import formulary, selectors, services
from .forms import (
    FORMULARY_LIST,
    AdherenceForm,
    AllergyForm,
    DiscontinueForm,
    OrderChangeForm,
    OrderForm,
    SideEffectForm,
    SideEffectStatusForm,
)

PAGE_SIZE = 50


def _done(request: HttpRequest, patient_id: int, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect("medication_page", patient_id=patient_id)


def _initial_order(request: HttpRequest) -> dict:
    """Preselect the order named in ``?order=`` (links from the medication page); an id that is
    not one of the patient's orders simply selects nothing."""
    raw = request.GET.get("order", "")
    return {"order": int(raw)} if raw.isdigit() else {}


@login_required
@require_http_methods(["GET"])
def medication_page(request: AuthenticatedHttpRequest, patient_id: int) -> HttpResponse:
    patient = patient_access.get_patient(request.user, patient_id, patient_access.VIEW_CLINICAL)
    until = patient_access.emergency_until(request.user, patient.pk)
    current = list(selectors.current_orders(patient=patient))
    history = Paginator(selectors.orders(patient=patient), PAGE_SIZE).get_page(
        request.GET.get("history_page")
    )
    adherence = Paginator(selectors.adherence_observations(patient=patient), PAGE_SIZE).get_page(
        request.GET.get("adherence_page")
    )
    side_effects = Paginator(selectors.side_effects(patient=patient), PAGE_SIZE).get_page(
        request.GET.get("side_effects_page")
    )
    shown_orders = {order.pk: order for order in [*current, *history.object_list]}
    audit.record_reads(
        actor=request.user,
        action=audit.Action.VIEW,
        object_type="medicationorder",
        objects=shown_orders.values(),
        patient_attr="patient_id",
    )
    audit.record_reads(
        actor=request.user,
        action=audit.Action.VIEW,
        object_type="adherenceobservation",
        objects=adherence.object_list,
        patient_attr="patient_id",
    )
    audit.record_reads(
        actor=request.user,
        action=audit.Action.VIEW,
        object_type="sideeffectreport",
        objects=side_effects.object_list,
        patient_attr="patient_id",
    )
    return render(
        request,
        "medication/medication_page.html",
        {
            "patient": patient,
            "current": current,
            "history": history,
            "adherence": adherence,
            "side_effects": side_effects,
            "can_prescribe": access.can(request.user, Perm.PRESCRIBE) and until is None,
            "status_form": SideEffectStatusForm(),
            # Emergency access (break-glass): read-only, under the banner.
            "read_only": until is not None,
            "emergency_until": until,
            "allergies": list(selectors.allergies(patient=patient)),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def order_create(request: AuthenticatedHttpRequest, patient_id: int) -> HttpResponse:
    patient = patient_access.get_patient(request.user, patient_id, patient_access.PRESCRIBE)
    form = OrderForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        order = call_service(
            form, services.medication_order_create, actor=request.user, patient=patient, **form.cleaned_data
        )
        if order is not None:
            return _done(request, patient.pk, f"{order.drug_name} {order.regimen} started.")
    return render_form(
        request,
        "medication/order_form.html",
        {
            "form": form,
            "patient": patient,
            "formulary": formulary.drugs(),
            "formulary_list": FORMULARY_LIST,
            "allergies": list(selectors.allergies(patient=patient)),
        },
    )


def _order_for_edit(request: AuthenticatedHttpRequest, patient_id: int, order_id: int):
    patient = patient_access.get_patient(request.user, patient_id, patient_access.PRESCRIBE)
    order = get_object_or_404(selectors.orders(patient=patient), pk=order_id)
    if request.method == "GET":
        audit.record(
            actor=request.user,
            action=audit.Action.VIEW,
            object_type="medicationorder",
            object_id=order.pk,
            patient_id=patient.pk,
        )
    return patient, order


@login_required
@require_http_methods(["GET", "POST"])
def order_change(request: AuthenticatedHttpRequest, patient_id: int, order_id: int) -> HttpResponse:
    patient, order = _order_for_edit(request, patient_id, order_id)
    form = OrderChangeForm.for_order(order, request.POST or None)
    if request.method == "POST" and form.is_valid():
        new_order = call_service(
            form,
            services.medication_order_change,
            actor=request.user,
            patient=patient,
            order=order,
            **form.cleaned_data,
        )
        if new_order is not None:
            return _done(request, patient.pk, f"{new_order.drug_name} changed: now {new_order.regimen}.")
    return render_form(
        request,
        "medication/order_change.html",
        {
            "form": form,
            "patient": patient,
            "order": order,
            "allergies": list(selectors.allergies(patient=patient)),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def order_discontinue(request: AuthenticatedHttpRequest, patient_id: int, order_id: int) -> HttpResponse:
    patient, order = _order_for_edit(request, patient_id, order_id)
    form = DiscontinueForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        stopped = call_service(
            form,
            services.medication_order_discontinue,
            actor=request.user,
            patient=patient,
            order=order,
            **form.cleaned_data,
        )
        if stopped is not None:
            return _done(request, patient.pk, f"{stopped.drug_name} discontinued.")
    return render_form(
        request, "medication/order_discontinue.html", {"form": form, "patient": patient, "order": order}
    )


@login_required
@require_http_methods(["GET", "POST"])
def adherence_create(request: AuthenticatedHttpRequest, patient_id: int) -> HttpResponse:
    patient = patient_access.get_patient(request.user, patient_id, patient_access.RECORD_CLINICAL)
    orders = selectors.orders(patient=patient)
    form = AdherenceForm(request.POST or None, orders=orders, initial=_initial_order(request))
    if request.method == "POST" and form.is_valid():
        observation = call_service(
            form, services.adherence_record, actor=request.user, patient=patient, **form.cleaned_data
        )
        if observation is not None:
            return _done(request, patient.pk, "Adherence observation recorded.")
    return render_form(request, "medication/adherence_form.html", {"form": form, "patient": patient})


@login_required
@require_http_methods(["GET", "POST"])
def side_effect_create(request: AuthenticatedHttpRequest, patient_id: int) -> HttpResponse:
    patient = patient_access.get_patient(request.user, patient_id, patient_access.RECORD_CLINICAL)
    orders = selectors.orders(patient=patient)
    form = SideEffectForm(request.POST or None, orders=orders, initial=_initial_order(request))
    if request.method == "POST" and form.is_valid():
        report = call_service(
            form, services.side_effect_report, actor=request.user, patient=patient, **form.cleaned_data
        )
        if report is not None:
            return _done(request, patient.pk, "Side effect reported.")
    return render_form(request, "medication/side_effect_form.html", {"form": form, "patient": patient})


@login_required
@require_http_methods(["GET", "POST"])
def side_effect_status(request: AuthenticatedHttpRequest, patient_id: int, report_id: int) -> HttpResponse:
    """Acknowledge or resolve a report (the medication page posts here from its buttons)."""
    patient = patient_access.get_patient(request.user, patient_id, patient_access.RECORD_CLINICAL)
    report = get_object_or_404(selectors.side_effects(patient=patient), pk=report_id)
    if request.method == "GET":
        audit.record(
            actor=request.user,
            action=audit.Action.VIEW,
            object_type="sideeffectreport",
            object_id=report.pk,
            patient_id=patient.pk,
        )
    form = SideEffectStatusForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        updated = call_service(
            form,
            services.side_effect_status_update,
            actor=request.user,
            patient=patient,
            report=report,
            **form.cleaned_data,
        )
        if updated is not None:
            return _done(request, patient.pk, f"Side effect marked {updated.get_status_display().lower()}.")
    return render_form(
        request, "medication/side_effect_status.html", {"form": form, "patient": patient, "report": report}
    )


@login_required
@require_http_methods(["GET", "POST"])
def allergy_create(request: AuthenticatedHttpRequest, patient_id: int) -> HttpResponse:
    patient = patient_access.get_patient(request.user, patient_id, patient_access.RECORD_CLINICAL)
    form = AllergyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        allergy = call_service(
            form, services.allergy_record, actor=request.user, patient=patient, **form.cleaned_data
        )
        if allergy is not None:
            return _done(request, patient.pk, f"Allergy to {allergy.substance} recorded.")
    return render_form(request, "medication/allergy_form.html", {"form": form, "patient": patient})


# --- corrections: entered in error ------------------------------------------------------------


def _entered_in_error_page(
    request: AuthenticatedHttpRequest, patient: Any, record: Any, noun: str, mark: Callable[..., Any]
) -> HttpResponse:
    form = EnteredInErrorForm(request.POST or None)
    valid = request.method == "POST" and form.is_valid()
    if valid and call_service(form, mark, reason=form.cleaned_data["reason"]) is not None:
        return _done(request, patient.pk, f"The {noun} is marked entered in error.")
    context = {"form": form, "patient": patient, "record": record, "noun": noun}
    return render_form(request, "medication/entered_in_error_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def order_entered_in_error(request: AuthenticatedHttpRequest, patient_id: int, order_id: int) -> HttpResponse:
    patient = patient_access.get_patient(request.user, patient_id, patient_access.PRESCRIBE)
    order = get_object_or_404(selectors.orders(patient=patient), pk=order_id)
    return _entered_in_error_page(
        request,
        patient,
        order,
        "order",
        lambda reason: services.medication_order_mark_entered_in_error(
            actor=request.user, patient=patient, order=order, reason=reason
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def adherence_entered_in_error(
    request: AuthenticatedHttpRequest, patient_id: int, observation_id: int
) -> HttpResponse:
    patient = patient_access.get_patient(request.user, patient_id, patient_access.RECORD_CLINICAL)
    observation = get_object_or_404(selectors.adherence_observations(patient=patient), pk=observation_id)
    services.author_check(actor=request.user, record=observation)
    return _entered_in_error_page(
        request,
        patient,
        observation,
        "adherence observation",
        lambda reason: services.adherence_mark_entered_in_error(
            actor=request.user, patient=patient, observation=observation, reason=reason
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def side_effect_entered_in_error(
    request: AuthenticatedHttpRequest, patient_id: int, report_id: int
) -> HttpResponse:
    patient = patient_access.get_patient(request.user, patient_id, patient_access.RECORD_CLINICAL)
    report = get_object_or_404(selectors.side_effects(patient=patient), pk=report_id)
    services.author_check(actor=request.user, record=report)
    return _entered_in_error_page(
        request,
        patient,
        report,
        "side-effect report",
        lambda reason: services.side_effect_mark_entered_in_error(
            actor=request.user, patient=patient, report=report, reason=reason
        ),
    )
