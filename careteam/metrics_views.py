"""The team metrics page: figures for a period and a scope, with small server-side SVG charts."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from . import access, metrics


@login_required
@require_GET
def team_metrics(request: HttpRequest) -> HttpResponse:
    scope, errors = metrics.parse_scope(request.user, request.GET)
    context = {
        "errors": errors,
        "params": {name: request.GET.get(name, "") for name in ("start", "end", "clinician")},
        "clinicians": metrics.clinician_choices(request.user).order_by("last_name", "first_name"),
        "is_admin": access.can(request.user, "patients.view_all_demographics"),
    }
    if scope is None:
        return render(request, "careteam/metrics.html", context, status=400)
    result = metrics.team_metrics(request.user, scope)
    rates = [(key, f) for key, f in result["figures"].items() if f["kind"] == "rate"]
    others = [(key, f) for key, f in result["figures"].items() if f["kind"] != "rate"]
    context["params"].update(start=result["start"], end=result["end"])
    context.update(result=result, rates=rates, others=others, scope=scope,
                   chart_height=len(rates) * 28 + 8)
    return render(request, "careteam/metrics.html", context)
