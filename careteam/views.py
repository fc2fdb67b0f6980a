from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.views.decorators.http import require_http_methods, require_POST

from patients.models import CareTeamMember

from . import access, audit, flags, selectors, services
from .forms import (
    AuditFilterForm,
    FlagForm,
    FlagResolveForm,
    NotificationPreferenceForm,
    StaffCreateForm,
    StaffEditForm,
)
from .middleware import passive_session
from .models import Notification
from .roles import Role
from .viewutils import call_service, form_data


def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return redirect("patient_list")


@login_required
@require_http_methods(["GET"])
def staff_list(request: HttpRequest) -> HttpResponse:
    search = request.GET.get("q", "").strip()
    role = request.GET.get("role", "")
    staff = selectors.staff_list(actor=request.user, search=search,
                                 role=role if role in Role.values else "")
    page = Paginator(staff, 50).get_page(request.GET.get("page"))
    context = {"page": page, "search": search, "role": role, "roles": Role.choices}
    if request.htmx:
        return render(request, "careteam/_staff_rows.html", context)
    return render(request, "careteam/staff_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def staff_create(request: HttpRequest) -> HttpResponse:
    access.require(request.user, "careteam.manage_staff")
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
def staff_edit(request: HttpRequest, staff_id: int) -> HttpResponse:
    staff = get_object_or_404(selectors.staff_list(actor=request.user), pk=staff_id)
    initial = {name: getattr(staff, name) for name in services.STAFF_FIELDS}
    form = StaffEditForm(form_data(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        user = call_service(form, services.staff_update, actor=request.user, user=staff,
                            **form.cleaned_data)
        if user is not None:
            messages.success(request, f"Saved {user}.")
            return redirect("staff_list")
    code = 400 if form.errors else 200
    return render(request, "careteam/staff_form.html", {"form": form, "staff": staff},
                  status=code)


@login_required
@require_http_methods(["GET"])
def audit_log(request: HttpRequest) -> HttpResponse:
    access.require(request.user, "careteam.view_auditevent")
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
@require_http_methods(["GET"])
def notifications_inbox(request: HttpRequest) -> HttpResponse:
    unread_only = request.GET.get("show") == "unread"
    page = Paginator(selectors.inbox(actor=request.user, unread_only=unread_only), 50).get_page(
        request.GET.get("page"))
    # Patient names only for patients still on the caller's care teams.
    my_patients = set(CareTeamMember.objects.filter(user=request.user)
                      .values_list("patient_id", flat=True))
    return render(request, "careteam/inbox.html",
                  {"page": page, "unread_only": unread_only, "my_patients": my_patients})


@passive_session
@require_http_methods(["GET"])
def notifications_unread_count(request: HttpRequest) -> HttpResponse:
    """Polled by the page header (htmx); does not count as activity for the idle timeout.
    Once the session has expired it tells htmx to take the whole page to the sign-in form."""
    if not request.user.is_authenticated:
        return HttpResponse(status=204, headers={"HX-Redirect": resolve_url(settings.LOGIN_URL)})
    return render(request, "careteam/_unread_count.html",
                  {"unread_count": selectors.unread_count(actor=request.user)})


@login_required
@require_POST
def notification_read(request: HttpRequest, notification_id: int) -> HttpResponse:
    notification = access.get_own_notification(request.user, notification_id)
    flags.notification_mark_read(actor=request.user, notification=notification)
    return redirect("notifications_inbox")


@login_required
@require_http_methods(["GET", "POST"])
def notification_preferences(request: HttpRequest) -> HttpResponse:
    form = NotificationPreferenceForm(
        form_data(request), initial={"email_notifications": request.user.email_notifications})
    if request.method == "POST" and form.is_valid():
        services.notification_preference_set(
            actor=request.user, email_notifications=form.cleaned_data["email_notifications"])
        messages.success(request, "Notification settings saved.")
        return redirect("notification_preferences")
    code = 400 if form.errors else 200
    return render(request, "careteam/notification_preferences.html", {"form": form}, status=code)


@login_required
@require_http_methods(["GET", "POST"])
def flag_create(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = access.get_patient(request.user, patient_id, access.RECORD_CLINICAL)
    form = FlagForm(form_data(request), initial={"source_type": request.GET.get("source_type", ""),
                                                 "source_id": request.GET.get("source_id")})
    if request.method == "POST" and form.is_valid():
        flag = call_service(form, flags.flag_raise, actor=request.user, patient=patient,
                            **form.cleaned_data)
        if flag is not None:
            messages.success(request, "Flag raised: the care team is being notified.")
            return redirect("flag_detail", flag_id=flag.pk)
    code = 400 if form.errors else 200
    return render(request, "careteam/flag_form.html", {"form": form, "patient": patient},
                  status=code)


@login_required
@require_http_methods(["GET"])
def flag_detail(request: HttpRequest, flag_id: int) -> HttpResponse:
    flag = access.get_flag(request.user, flag_id, access.VIEW_CLINICAL)
    audit.record(actor=request.user, action=audit.Action.VIEW, object_type="flag",
                 object_id=flag.pk, patient_id=flag.patient_id)
    flag = selectors.flag_detail(flag_id=flag.pk)
    mine = Notification.objects.filter(flag=flag, recipient=request.user,
                                       channel=Notification.Channel.IN_APP)
    acknowledged = any(ack.user_id == request.user.pk for ack in flag.acknowledgements.all())
    return render(request, "careteam/flag_detail.html", {
        "flag": flag,
        "patient": flag.patient,
        "source_url": flags.linked_record_url(flag.source_type, flag.source_id, flag.patient_id),
        "can_acknowledge": mine.exists() and not acknowledged,
        "action_required": mine.filter(action_required=True).exists(),
        "resolve_form": FlagResolveForm() if flag.status != flag.Status.RESOLVED else None,
    })


@login_required
@require_POST
def flag_acknowledge(request: HttpRequest, flag_id: int) -> HttpResponse:
    flag = access.get_flag(request.user, flag_id, access.VIEW_CLINICAL)
    flags.flag_acknowledge(actor=request.user, flag=flag)
    messages.success(request, "Acknowledged: the team can see you are on it.")
    return redirect("flag_detail", flag_id=flag.pk)


@login_required
@require_POST
def flag_resolve(request: HttpRequest, flag_id: int) -> HttpResponse:
    flag = access.get_flag(request.user, flag_id, access.RECORD_CLINICAL)
    form = FlagResolveForm(request.POST)
    if form.is_valid() and call_service(form, flags.flag_resolve, actor=request.user, flag=flag,
                                        note=form.cleaned_data["note"]) is not None:
        messages.success(request, "Flag resolved.")
        return redirect("flag_detail", flag_id=flag.pk)
    flag = selectors.flag_detail(flag_id=flag.pk)
    return render(request, "careteam/flag_detail.html", {
        "flag": flag, "patient": flag.patient, "can_acknowledge": False,
        "action_required": False, "resolve_form": form}, status=400)
