"""The patient timeline page: everything that happened in one patient's care, newest first."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from . import access, audit
from .html import format_row
from .timeline import COMPONENTS, parse_filters, patient_timeline, query_string

# One table row per entry, written here rather than in the template's loop (the rows are the
# page's bulk; Django's admin builds its change-list rows the same way). format_row escapes.
ROW = ('<tr class="timeline-entry" data-component="{}" data-kind="{}"><td><time datetime="{}">{}'
       '</time></td><td>{}</td><td><a href="{}">{}</a></td><td>{}</td></tr>')


@login_required
@require_http_methods(["GET"])
def patient_timeline_page(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = access.get_patient(request.user, patient_id, access.VIEW_CLINICAL)
    filters, errors = parse_filters(request.GET)
    context = {
        "patient": patient,
        "components": [(code, label, filters.components is None or code in filters.components)
                       for code, label in COMPONENTS.items()],
        "values": {"from": request.GET.get("from", ""), "to": request.GET.get("to", "")},
        "errors": errors,
        "entries": [],
        "older_url": None,
        "paged": filters.before is not None,
    }
    if errors:
        return render(request, "careteam/timeline.html", context, status=400)
    page = patient_timeline(patient=patient, components=filters.components, since=filters.since,
                            until=filters.until, before=filters.before, limit=filters.limit)
    audit.record(actor=request.user, action=audit.Action.VIEW, object_type="timeline",
                 object_id=patient.pk, patient_id=patient.pk)
    context["entries"] = page.entries
    context["rows"] = [format_row(ROW, e.component, e.kind, e.at_iso, e.at_text, e.component_label,
                                   e.url, e.title, e.who) for e in page.entries]
    if page.next_cursor is not None:
        context["older_url"] = f"?{query_string(request.GET, before=page.next_cursor)}"
    return render(request, "careteam/timeline.html", context)
