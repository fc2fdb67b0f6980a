"""Therapy pages. Each starts with careteam.access (404 off the team, 403 for the wrong role),
then form → service → redirect with a message; refused input re-renders the form with 400."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from careteam import access, audit
from careteam.http import AuthenticatedHttpRequest
from careteam.records import REASON_MAX
from careteam.roles import Perm
from careteam.viewutils import call_service, form_data, render_form
from patients import access as patient_access
from patients.models import Patient

from . import scoring, selectors, services
from .forms import (
    AssessmentForm,
    CourseEditForm,
    CourseForm,
    ProgressNoteForm,
    PsychotherapyNoteForm,
    SessionEditForm,
    SessionForm,
)
from .models import Instrument, TherapySession

PAGE_SIZE = 50
RECENT_SESSIONS_FOR_NOTES = 20


def _page(request: HttpRequest, rows: QuerySet, param: str) -> Page:
    return Paginator(rows, PAGE_SIZE).get_page(request.GET.get(param))


@login_required
@require_http_methods(["GET"])
def therapy_overview(request: AuthenticatedHttpRequest, patient_id: int) -> HttpResponse:
    """Courses, sessions ("session N of M"), progress notes and measures over time. Each list is
    paged on its own (``page``, ``notes_page``, ``measures_page``)."""
    patient = patient_access.get_patient(request.user, patient_id, patient_access.VIEW_CLINICAL)
    until = patient_access.emergency_until(request.user, patient.pk)
    courses = list(selectors.courses(patient=patient))
    sessions = _page(request, selectors.sessions(patient=patient), "page")
    notes = _page(request, selectors.progress_notes(patient=patient), "notes_page")
    measures = _page(request, selectors.assessments(patient=patient), "measures_page")
    for object_type, rows in (
        ("therapycourse", courses),
        ("therapysession", sessions),
        ("progressnote", notes),
        ("assessment", measures),
    ):
        audit.record_reads(
            actor=request.user,
            action=audit.Action.LIST,
            object_type=object_type,
            objects=rows,
            patient_attr="patient_id",
        )
    context = {
        "patient": patient,
        "courses": courses,
        "sessions": sessions,
        "notes": notes,
        "measures": measures,
        "trends": selectors.measure_trends(patient=patient),
        "can_record_therapy": access.can(request.user, Perm.RECORD_THERAPY) and until is None,
        "instruments": Instrument.choices,
        # Emergency access (break-glass): read-only, under the banner.
        "read_only": until is not None,
        "emergency_until": until,
        "reason_max": REASON_MAX,
    }
    return render(request, "therapy/overview.html", context)


# --- courses ----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def therapy_course_create(request: AuthenticatedHttpRequest, patient_id: int) -> HttpResponse:
    patient = patient_access.get_patient(request.user, patient_id, patient_access.RECORD_THERAPY)
    form = CourseForm(
        form_data(request), initial={"planned_sessions": 12, "start_date": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        course = call_service(
            form, services.therapy_course_create, actor=request.user, patient=patient, **form.cleaned_data
        )
        if course is not None:
            messages.success(request, "Therapy course opened.")
            return redirect("therapy_overview", patient_id=patient.pk)
    return render_form(
        request, "therapy/course_form.html", {"form": form, "patient": patient, "course": None}
    )


@login_required
@require_http_methods(["GET", "POST"])
def therapy_course_edit(request: AuthenticatedHttpRequest, patient_id: int, course_id: int) -> HttpResponse:
    patient = patient_access.get_patient(request.user, patient_id, patient_access.RECORD_THERAPY)
    course = get_object_or_404(selectors.courses(patient=patient), pk=course_id)
    if request.method == "GET":
        audit.record(
            actor=request.user,
            action=audit.Action.VIEW,
            object_type="therapycourse",
            object_id=course.pk,
            patient_id=patient.pk,
        )
    initial = {name: getattr(course, name) for name in services.COURSE_FIELDS}
    form = CourseEditForm(form_data(request), initial={**initial, "version": course.version})
    if request.method == "POST" and form.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        done = call_service(
            form,
            services.therapy_course_update,
            actor=request.user,
            course=course,
            version=form.cleaned_data["version"],
            **fields,
        )
        if done is not None:
            messages.success(request, "Therapy course saved.")
            return redirect("therapy_overview", patient_id=patient.pk)
    return render_form(
        request, "therapy/course_form.html", {"form": form, "patient": patient, "course": course}
    )


# --- sessions ---------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def therapy_session_create(request: AuthenticatedHttpRequest, patient_id: int) -> HttpResponse:
    patient = patient_access.get_patient(request.user, patient_id, patient_access.RECORD_THERAPY)
    courses = list(selectors.courses(patient=patient))
    active = next((c for c in courses if c.status == c.Status.ACTIVE), None)
    initial = {
        "course": active.pk if active else None,
        "starts_at": timezone.localtime().replace(minute=0, second=0, microsecond=0),
        "mode": TherapySession.Mode.IN_PERSON,
        "duration_minutes": 50,
        "attendance": TherapySession.Attendance.ATTENDED,
    }
    form = SessionForm(form_data(request), courses=courses, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        session = call_service(
            form,
            services.therapy_session_create,
            actor=request.user,
            patient=patient,
            course_id=data.pop("course"),
            modality=data.pop("modality") or None,
            **data,
        )
        if session is not None:
            messages.success(request, "Session recorded.")
            return redirect("therapy_overview", patient_id=patient.pk)
    return render_form(
        request, "therapy/session_form.html", {"form": form, "patient": patient, "session": None}
    )


@login_required
@require_http_methods(["GET", "POST"])
def therapy_session_edit(request: AuthenticatedHttpRequest, patient_id: int, session_id: int) -> HttpResponse:
    """Edit a session, e.g. to record attendance and the alliance rating afterwards."""
    patient = patient_access.get_patient(request.user, patient_id, patient_access.RECORD_THERAPY)
    session = get_object_or_404(selectors.sessions(patient=patient), pk=session_id)
    if request.method == "GET":
        audit.record(
            actor=request.user,
            action=audit.Action.VIEW,
            object_type="therapysession",
            object_id=session.pk,
            patient_id=patient.pk,
        )
    initial = {name: getattr(session, name) for name in services.SESSION_FIELDS}
    initial["starts_at"] = timezone.localtime(session.starts_at)
    form = SessionEditForm(form_data(request), initial={**initial, "version": session.version})
    if request.method == "POST" and form.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        done = call_service(
            form,
            services.therapy_session_update,
            actor=request.user,
            session=session,
            version=form.cleaned_data["version"],
            **fields,
        )
        if done is not None:
            messages.success(request, "Session saved.")
            return redirect("therapy_overview", patient_id=patient.pk)
    return render_form(
        request,
        "therapy/session_form.html",
        {
            "form": form,
            "patient": patient,
            "session": session,
            "may_mark_in_error": session.therapist_id == request.user.pk,
            "reason_max": REASON_MAX,
        },
    )


# --- progress notes ---------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def therapy_progress_note_create(request: AuthenticatedHttpRequest, patient_id: int) -> HttpResponse:
    patient = patient_access.get_patient(request.user, patient_id, patient_access.RECORD_THERAPY)
    recent = selectors.sessions(patient=patient)[:RECENT_SESSIONS_FOR_NOTES]
    form = ProgressNoteForm(
        form_data(request), sessions=recent, initial={"session": request.GET.get("session")}
    )
    if request.method == "POST" and form.is_valid():
        note = call_service(
            form,
            services.progress_note_create,
            actor=request.user,
            patient=patient,
            text=form.cleaned_data["text"],
            session_id=form.cleaned_data["session"],
        )
        if note is not None:
            messages.success(request, "Progress note added.")
            return redirect("therapy_overview", patient_id=patient.pk)
    return render_form(request, "therapy/progress_note_form.html", {"form": form, "patient": patient})


# --- measures ---------------------------------------------------------------------------------


def _instrument(slug: str) -> str:
    code = slug.upper()
    if code not in Instrument.values:
        raise Http404("No such questionnaire.")
    return code


@login_required
@require_http_methods(["GET", "POST"])
def therapy_assessment_create(
    request: AuthenticatedHttpRequest, patient_id: int, instrument: str
) -> HttpResponse:
    """The questionnaire item by item; any care-team member may record one."""
    patient = patient_access.get_patient(request.user, patient_id, patient_access.RECORD_CLINICAL)
    code = _instrument(instrument)
    form = AssessmentForm(form_data(request), instrument=code)
    if request.method == "POST" and form.is_valid():
        assessment = call_service(
            form,
            services.assessment_record,
            actor=request.user,
            patient=patient,
            instrument=code,
            answers=form.answers(),
            administered_on=form.cleaned_data["administered_on"],
        )
        if assessment is not None:
            messages.success(request, f"{assessment.get_instrument_display()} recorded.")
            return redirect("therapy_assessment_detail", patient_id=patient.pk, assessment_id=assessment.pk)
    return render_form(
        request,
        "therapy/assessment_form.html",
        {"form": form, "patient": patient, "spec": form.instrument, "stem": scoring.STEM},
    )


@login_required
@require_http_methods(["GET"])
def therapy_assessment_detail(
    request: AuthenticatedHttpRequest, patient_id: int, assessment_id: int
) -> HttpResponse:
    patient = patient_access.get_patient(request.user, patient_id, patient_access.VIEW_CLINICAL)
    assessment = get_object_or_404(selectors.assessments(patient=patient), pk=assessment_id)
    audit.record(
        actor=request.user,
        action=audit.Action.VIEW,
        object_type="assessment",
        object_id=assessment.pk,
        patient_id=patient.pk,
    )
    return render(
        request,
        "therapy/assessment_detail.html",
        {
            "patient": patient,
            "assessment": assessment,
            "severity_label": scoring.SEVERITY_LABELS[assessment.severity],
            "may_mark_in_error": assessment.recorded_by_id == request.user.pk
            and not assessment.entered_in_error,
            "reason_max": REASON_MAX,
        },
    )


# --- psychotherapy notes (author only) --------------------------------------------------------


@login_required
@require_http_methods(["GET"])
def therapy_psychotherapy_note_list(request: AuthenticatedHttpRequest, patient_id: int) -> HttpResponse:
    """The signed-in therapist's own psychotherapy notes on this patient; nobody else's."""
    patient = patient_access.get_patient(request.user, patient_id, patient_access.READ_PSYCHOTHERAPY_NOTES)
    page = _page(request, selectors.psychotherapy_notes(actor=request.user, patient=patient), "page")
    audit.record(
        actor=request.user,
        action=audit.Action.LIST,
        object_type="psychotherapynote",
        object_id="*",
        patient_id=patient.pk,
    )
    audit.record_reads(
        actor=request.user,
        action=audit.Action.LIST,
        object_type="psychotherapynote",
        objects=page,
        patient_attr="patient_id",
    )
    return render(request, "therapy/psychotherapy_note_list.html", {"patient": patient, "page": page})


@login_required
@require_http_methods(["GET", "POST"])
def therapy_psychotherapy_note_create(request: AuthenticatedHttpRequest, patient_id: int) -> HttpResponse:
    patient = patient_access.get_patient(request.user, patient_id, patient_access.RECORD_THERAPY)
    form = PsychotherapyNoteForm(form_data(request))
    if request.method == "POST" and form.is_valid():
        note = call_service(
            form,
            services.psychotherapy_note_create,
            actor=request.user,
            patient=patient,
            text=form.cleaned_data["text"],
        )
        if note is not None:
            messages.success(request, "Private psychotherapy note saved.")
            return redirect("therapy_psychotherapy_note_detail", patient_id=patient.pk, note_id=note.pk)
    return render_form(request, "therapy/psychotherapy_note_form.html", {"form": form, "patient": patient})


@login_required
@require_http_methods(["GET"])
def therapy_psychotherapy_note_detail(
    request: AuthenticatedHttpRequest, patient_id: int, note_id: int
) -> HttpResponse:
    """One of the signed-in therapist's own notes; 404 for anybody else (audited either way)."""
    patient = patient_access.get_patient(request.user, patient_id, patient_access.OPEN_PSYCHOTHERAPY_NOTE)
    note = selectors.psychotherapy_note_open(actor=request.user, patient=patient, note_id=note_id)
    return render(request, "therapy/psychotherapy_note_detail.html", {"patient": patient, "note": note})


# --- corrections: entered in error (the record's author only) ----------------------------------


def _entered_in_error_page(
    request: AuthenticatedHttpRequest,
    *,
    patient: Patient,
    record: Any,
    author_id: int,
    noun: str,
    description: str,
    mark: Callable[..., Any],
    back: str,
) -> HttpResponse:
    """GET: the form (reason required). POST: mark the record, back to ``back`` with a message;
    without a reason 400 with the form again and nothing written. Others than the author: 403."""
    services.entered_in_error_check(actor=request.user, author_id=author_id, noun=noun)
    errors: list[str] = []
    if request.method == "POST":
        try:
            mark(actor=request.user, reason=request.POST.get("reason", ""))
        except ValidationError as exc:
            errors = [message for messages_ in exc.message_dict.values() for message in messages_]
        else:
            messages.success(request, f"The {noun} is marked entered in error.")
            return redirect(back)
    context = {
        "patient": patient,
        "record": record,
        "noun": noun,
        "description": description,
        "back": back,
        "in_error_errors": errors,
        "reason_max": REASON_MAX,
    }
    return render(request, "therapy/entered_in_error_form.html", context, status=400 if errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def therapy_assessment_entered_in_error(
    request: AuthenticatedHttpRequest, patient_id: int, record_id: int
) -> HttpResponse:
    patient = patient_access.get_patient(request.user, patient_id, patient_access.RECORD_CLINICAL)
    assessment = get_object_or_404(selectors.assessments(patient=patient), pk=record_id)
    return _entered_in_error_page(
        request,
        patient=patient,
        record=assessment,
        author_id=assessment.recorded_by_id,
        noun="questionnaire",
        description=f"{assessment.get_instrument_display()} of {assessment.administered_on:%Y-%m-%d}, "
        f"score {assessment.total}.",
        mark=lambda **kw: services.assessment_enter_in_error(assessment=assessment, **kw),
        back=reverse("therapy_assessment_detail", args=[patient.pk, assessment.pk]),
    )


@login_required
@require_http_methods(["GET", "POST"])
def therapy_session_entered_in_error(
    request: AuthenticatedHttpRequest, patient_id: int, record_id: int
) -> HttpResponse:
    patient = patient_access.get_patient(request.user, patient_id, patient_access.RECORD_CLINICAL)
    session = get_object_or_404(selectors.sessions(patient=patient), pk=record_id)
    return _entered_in_error_page(
        request,
        patient=patient,
        record=session,
        author_id=session.therapist_id,
        noun="session",
        description=f"The session of {timezone.localtime(session.starts_at):%Y-%m-%d %H:%M} "
        f"({session.get_attendance_display().lower()}).",
        mark=lambda **kw: services.therapy_session_enter_in_error(session=session, **kw),
        back=reverse("therapy_overview", args=[patient.pk]) + "#sessions-heading",
    )


@login_required
@require_http_methods(["GET", "POST"])
def therapy_progress_note_entered_in_error(
    request: AuthenticatedHttpRequest, patient_id: int, record_id: int
) -> HttpResponse:
    patient = patient_access.get_patient(request.user, patient_id, patient_access.RECORD_CLINICAL)
    note = get_object_or_404(selectors.progress_notes(patient=patient), pk=record_id)
    return _entered_in_error_page(
        request,
        patient=patient,
        record=note,
        author_id=note.author_id,
        noun="progress note",
        description=f"Your progress note of {timezone.localtime(note.created_at):%Y-%m-%d %H:%M}.",
        mark=lambda **kw: services.progress_note_enter_in_error(note=note, **kw),
        back=reverse("therapy_overview", args=[patient.pk]) + "#notes-heading",
    )
