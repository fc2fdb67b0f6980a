"""Pages of the integrated views: the patient page, the caseload registry and psychiatric review
list, the patient timeline and team metrics. Each view asks the access modules once, gathers
what it shows through selectors, and writes its audit rows; templates only show."""

import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from careteam import access, audit
from careteam.html import format_row
from careteam.http import AuthenticatedHttpRequest
from careteam.paging import WindowCountPaginator
from careteam.roles import Perm
from patients import access as patient_access
from patients.forms import CareTeamAddForm
from patients.treatment import STATUS_LABELS

from . import caseload, metrics, patient_page, services
from .timeline import COMPONENTS, parse_filters, patient_timeline, query_string

# --- the patient page ----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET"])
def patient_detail(request: AuthenticatedHttpRequest, patient_id: int) -> HttpResponse:
    page = patient_access.patient_page(request.user, patient_id)
    context = patient_page.gather(actor=request.user, page=page)
    if page.manage_team:
        context["team_form"] = CareTeamAddForm(staff_queryset=context["assignable_staff"])
    return render(request, "insights/patient_detail.html", context)


# --- caseload ---------------------------------------------------------------------------------------

PAGE_SIZE = 50

# Sortable columns of the registry table: (heading, ordering key).
COLUMNS = [
    ("Patient", "name"),
    ("Status", "status"),
    ("PHQ-9", "phq9_latest"),
    ("Change", "change"),
    ("Weeks", "weeks"),
    ("Last contact", "last_contact"),
    ("Open flags", "open_flags"),
]


def _columns(ordering: str, sort_query: str) -> list[dict]:
    """Heading links: a click sorts by the column, a second click reverses it."""
    prefix = f"{sort_query}&" if sort_query else ""
    columns = []
    for label, key in COLUMNS:
        current = {key: "ascending", f"-{key}": "descending"}.get(ordering, "")
        target = f"-{key}" if ordering == key else key
        columns.append({"label": label, "key": key, "sort": current, "href": f"?{prefix}ordering={target}"})
    return columns


def _signed(value: float) -> str:
    """+3, -12, 0: the sign the registry shows on changes (whole numbers, halves away from 0)."""
    whole = int(Decimal(value).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    return f"+{whole}" if whole > 0 else str(whole)


CASELOAD_ROW = (
    '<tr data-patient="{}" data-status="{}"{}><td><a href="{}">{}, {}</a>{}</td><td>{}</td>'
    "<td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>"
)
SAFETY_ATTR = mark_safe(' data-safety="true"')  # noqa: S308 - a constant
SAFETY = mark_safe(' <strong class="urgent safety">Safety</strong>')  # noqa: S308 - a constant
MEASURE = '{} <small class="muted">{}</small>'
URGENT = '<strong class="urgent">{}</strong>'
PLACEHOLDER_ID = 987654321  # reversed once, replaced by each row's id


def _measure(score: int | None, on: datetime.date | None) -> str:
    """A latest score with its day, or a dash without one."""
    if score is None:
        return "—"
    if on is None:
        raise ValueError("A latest score has the day it was given (the summary sets both).")
    return format_row(MEASURE, score, on.isoformat())


def _table(rows: list[caseload.CaseloadRow]) -> list[SafeString]:
    """The registry table's rows as HTML, written here rather than in the template's loop: the
    table is the page's bulk, and this costs a fraction of rendering each cell through the
    template engine (Django's admin builds its change-list rows the same way). Every value is
    escaped by format_row."""
    patient_url = reverse("patient_detail", args=[PLACEHOLDER_ID])
    table = []
    for row in rows:
        change = "—"
        if row.phq9_change is not None and row.treatment_status != "baseline-only":
            change = f"{_signed(row.phq9_change)} points"
            if row.phq9_change_pct is not None:
                change += f" ({_signed(row.phq9_change_pct)}%)"
        flags: Any = "—"
        if row.urgent_flags:
            flags = format_row("{} open, " + URGENT, row.open_flags, f"{row.urgent_flags} urgent")
        elif row.open_flags:
            flags = f"{row.open_flags} open"
        table.append(
            format_row(
                CASELOAD_ROW,
                row.pk,
                row.treatment_status,
                SAFETY_ATTR if row.safety else "",
                patient_url.replace(str(PLACEHOLDER_ID), str(row.pk)),
                row.last_name,
                row.first_name,
                SAFETY if row.safety else "",
                row.treatment_status_label,
                _measure(row.phq9_latest, row.phq9_latest_on),
                _measure(row.gad7_latest, row.gad7_latest_on),
                change,
                "—" if row.weeks_in_treatment is None else row.weeks_in_treatment,
                timezone.localtime(row.last_contact).date().isoformat() if row.last_contact else "never",
                flags,
                format_row(URGENT, f"{row.overdue} overdue") if row.overdue else "—",
            )
        )
    return table


@login_required
@require_http_methods(["GET"])
def caseload_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    access.require_clinician(request.user)
    form = caseload.CaseloadFilterForm(request.GET)
    if not form.is_valid():
        return render(
            request,
            "insights/caseload.html",
            {
                "form": form,
                "page": None,
                "rows": [],
                "table": [],
                "attention_order": caseload.ATTENTION_ORDER,
                "columns": _columns("", ""),
            },
            status=400,
        )
    filters = form.filters()
    rows = caseload.caseload(actor=request.user, **filters)
    page = WindowCountPaginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    decorated = caseload.decorate(page.object_list)
    audit.record_reads(
        actor=request.user, action=audit.Action.LIST, object_type="caseload", objects=decorated
    )
    query = request.GET.copy()
    query.pop("page", None)
    sort_query = query.copy()
    sort_query.pop("ordering", None)
    return render(
        request,
        "insights/caseload.html",
        {
            "form": form,
            "page": page,
            "rows": decorated,
            "table": _table(decorated),
            "query": query.urlencode(),
            "columns": _columns(filters["ordering"], sort_query.urlencode()),
            "ordering": filters["ordering"],
            "attention_order": caseload.ATTENTION_ORDER,
        },
    )


def _review_list(request: AuthenticatedHttpRequest, *, status: int = 200) -> HttpResponse:
    form = caseload.ReviewFilterForm(request.GET)
    valid = form.is_valid()
    show = (form.cleaned_data.get("show") if valid else "") or "waiting"
    page = Paginator(caseload.review_list(actor=request.user, show=show), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = list(page.object_list)
    for row in rows:
        row.treatment_status_label = STATUS_LABELS[row.treatment_status]
    audit.record_reads(
        actor=request.user,
        action=audit.Action.LIST,
        object_type="psychiatricreview",
        objects=rows,
        patient_attr="patient_id",
    )
    return render(
        request,
        "insights/review_list.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "show": show,
            "can_review": access.can(request.user, Perm.PRESCRIBE),
        },
        status=status if valid else 400,
    )


@login_required
@require_http_methods(["GET"])
def review_list_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    access.require_clinician(request.user)
    return _review_list(request)


@login_required
@require_POST
def review_done(request: AuthenticatedHttpRequest, patient_id: int) -> HttpResponse:
    """Only the psychiatrist on the team (404 outside it, 403 for the other roles)."""
    patient = patient_access.get_patient(request.user, patient_id, patient_access.PRESCRIBE)
    try:
        services.psychiatric_review_done(actor=request.user, patient=patient)
    except ValidationError as exc:
        for errors in exc.message_dict.values():
            for error in errors:
                messages.error(request, error)
        return _review_list(request, status=400)
    messages.success(request, f"Psychiatric review of {patient.full_name} marked done.")
    return redirect("psychiatric_review_list")


# --- timeline ---------------------------------------------------------------------------------------

# One table row per entry, written here rather than in the template's loop (the rows are the
# page's bulk; Django's admin builds its change-list rows the same way). format_row escapes.
TIMELINE_ROW = (
    '<tr class="timeline-entry" data-component="{}" data-kind="{}"><td><time datetime="{}">{}'
    '</time></td><td>{}</td><td><a href="{}">{}</a></td><td>{}</td></tr>'
)
# A record entered in error: struck through and labelled, still on the timeline.
TIMELINE_ROW_IN_ERROR = (
    '<tr class="timeline-entry entered-in-error" data-component="{}" data-kind="{}"><td>'
    '<time datetime="{}">{}</time></td><td>{}</td><td><a href="{}"><del>{}</del></a> '
    '<strong class="in-error">Entered in error</strong></td><td>{}</td></tr>'
)


@login_required
@require_http_methods(["GET"])
def patient_timeline_page(request: AuthenticatedHttpRequest, patient_id: int) -> HttpResponse:
    patient = patient_access.get_patient(request.user, patient_id, patient_access.VIEW_CLINICAL)
    filters, errors = parse_filters(request.GET)
    context = {
        "patient": patient,
        "components": [
            (code, label, filters.components is None or code in filters.components)
            for code, label in COMPONENTS.items()
        ],
        "values": {"from": request.GET.get("from", ""), "to": request.GET.get("to", "")},
        "errors": errors,
        "entries": [],
        "older_url": None,
        "paged": filters.before is not None,
    }
    if errors:
        return render(request, "insights/timeline.html", context, status=400)
    page = patient_timeline(
        patient=patient,
        components=filters.components,
        since=filters.since,
        until=filters.until,
        before=filters.before,
        limit=filters.limit,
    )
    audit.record(
        actor=request.user,
        action=audit.Action.VIEW,
        object_type="timeline",
        object_id=patient.pk,
        patient_id=patient.pk,
    )
    context["entries"] = page.entries
    context["rows"] = [
        format_row(
            TIMELINE_ROW_IN_ERROR if e.entered_in_error else TIMELINE_ROW,
            e.component,
            e.kind,
            e.at_iso,
            e.at_text,
            e.component_label,
            e.url,
            e.title,
            e.who,
        )
        for e in page.entries
    ]
    if page.next_cursor is not None:
        context["older_url"] = f"?{query_string(request.GET, before=page.next_cursor)}"
    return render(request, "insights/timeline.html", context)


# --- metrics ----------------------------------------------------------------------------------------


@login_required
@require_GET
def team_metrics(request: AuthenticatedHttpRequest) -> HttpResponse:
    scope, errors = metrics.parse_scope(request.user, request.GET)
    params = {name: request.GET.get(name, "") for name in ("start", "end", "clinician")}
    context = {
        "errors": errors,
        "params": params,
        "clinicians": metrics.clinician_choices(request.user).order_by("last_name", "first_name"),
        "is_admin": access.sees_every_patient(request.user),
    }
    if scope is None:
        return render(request, "insights/metrics.html", context, status=400)
    result = metrics.team_metrics(request.user, scope)
    rates = [(key, f) for key, f in result["figures"].items() if f["kind"] == "rate"]
    others = [(key, f) for key, f in result["figures"].items() if f["kind"] != "rate"]
    params.update(start=result["start"], end=result["end"])
    context.update(result=result, rates=rates, others=others, scope=scope, chart_height=len(rates) * 28 + 8)
    return render(request, "insights/metrics.html", context)
