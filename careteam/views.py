from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from . import access, selectors, services
from .forms import AuditFilterForm, NotificationPreferenceForm, StaffCreateForm, StaffEditForm
from .http import AuthenticatedHttpRequest
from .roles import Perm, Role
from .viewutils import call_service, form_data


def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    return redirect("patient_list")


@login_required
@require_http_methods(["GET"])
def staff_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    search = request.GET.get("q", "").strip()
    role = request.GET.get("role", "")
    staff = selectors.staff_list(actor=request.user, search=search, role=role if role in Role.values else "")
    page = Paginator(staff, 50).get_page(request.GET.get("page"))
    context = {"page": page, "search": search, "role": role, "roles": Role.choices}
    if request.htmx:
        return render(request, "careteam/_staff_rows.html", context)
    return render(request, "careteam/staff_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def staff_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    access.require(request.user, Perm.MANAGE_STAFF)
    form = StaffCreateForm(form_data(request))
    if request.method == "POST" and form.is_valid():
        user = call_service(form, services.staff_create, actor=request.user, **form.cleaned_data)
        if user is not None:
            messages.success(request, f"{user} ({user.role_label}) can now sign in.")
            return redirect("staff_list")
    code = 400 if form.errors else 200
    return render(request, "careteam/staff_form.html", {"form": form, "staff": None}, status=code)


@login_required
@require_http_methods(["GET", "POST"])
def staff_edit(request: AuthenticatedHttpRequest, staff_id: int) -> HttpResponse:
    staff = get_object_or_404(selectors.staff_list(actor=request.user), pk=staff_id)
    initial = {name: getattr(staff, name) for name in services.STAFF_FIELDS}
    form = StaffEditForm(form_data(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        user = call_service(form, services.staff_update, actor=request.user, user=staff, **form.cleaned_data)
        if user is not None:
            messages.success(request, f"Saved {user}.")
            return redirect("staff_list")
    code = 400 if form.errors else 200
    return render(request, "careteam/staff_form.html", {"form": form, "staff": staff}, status=code)


@login_required
@require_http_methods(["GET"])
def audit_log(request: AuthenticatedHttpRequest) -> HttpResponse:
    access.require(request.user, Perm.VIEW_AUDIT)
    form = AuditFilterForm(request.GET or None)
    filters = form.filters() if form.is_valid() else {}
    events = selectors.audit_events(actor=request.user, **filters)
    page = Paginator(events, 100).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode()}
    if request.htmx:
        return render(request, "careteam/_audit_rows.html", context)
    code = 400 if form.errors else 200
    return render(request, "careteam/audit_log.html", context, status=code)


@login_required
@require_http_methods(["GET", "POST"])
def notification_preferences(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = NotificationPreferenceForm(
        form_data(request), initial={"email_notifications": request.user.email_notifications}
    )
    if request.method == "POST" and form.is_valid():
        services.notification_preference_set(
            actor=request.user, email_notifications=form.cleaned_data["email_notifications"]
        )
        messages.success(request, "Notification settings saved.")
        return redirect("notification_preferences")
    code = 400 if form.errors else 200
    return render(request, "careteam/notification_preferences.html", {"form": form}, status=code)
