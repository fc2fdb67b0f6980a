from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.views.decorators.http import require_http_methods, require_POST

from careteam import audit
from careteam.http import AuthenticatedHttpRequest
from careteam.middleware import passive_session
from careteam.viewutils import call_service, form_data
from patients import access as patient_access

from . import access, selectors, services, sources
from .forms import FlagForm, FlagResolveForm
from .models import Flag, Notification


@login_required
@require_http_methods(["GET"])
def notifications_inbox(request: AuthenticatedHttpRequest) -> HttpResponse:
    unread_only = request.GET.get("show") == "unread"
    page = Paginator(
        selectors.inbox(actor=request.user, unread_only=unread_only, pinned_first=True), 50
    ).get_page(request.GET.get("page"))
    # Patient names only for patients still on the caller's care teams.
    my_patients = set(
        patient_access.team_patient_ids(request.user).values_list("content_object_id", flat=True)
    )
    # The record each flag is about, named, for the rows whose patient the caller may see: one
    # query per record type on the page, however many rows.
    shown = [(note, note.flag) for note in page if note.flag is not None and note.patient_id in my_patients]
    about = sources.records((flag.source_type, flag.source_id, flag.patient_id) for _, flag in shown)
    for note, flag in shown:
        key = (flag.source_type, flag.source_id or 0)
        note.about = about.get(key)  # type: ignore[attr-defined]  # shown by the template only
    return render(
        request, "flags/inbox.html", {"page": page, "unread_only": unread_only, "my_patients": my_patients}
    )


@passive_session
@require_http_methods(["GET"])
def notifications_unread_count(request: HttpRequest) -> HttpResponse:
    """Polled by the page header (htmx); does not count as activity for the idle timeout.
    Once the session has expired it tells htmx to take the whole page to the sign-in form."""
    if not request.user.is_authenticated:
        return HttpResponse(status=204, headers={"HX-Redirect": resolve_url(settings.LOGIN_URL)})
    return render(
        request, "flags/_unread_count.html", {"unread_count": selectors.unread_count(actor=request.user)}
    )


@login_required
@require_POST
def notification_read(request: AuthenticatedHttpRequest, notification_id: int) -> HttpResponse:
    notification = access.get_own_notification(request.user, notification_id)
    services.notification_mark_read(actor=request.user, notification=notification)
    return redirect("notifications_inbox")


@login_required
@require_POST
def notifications_read_all(request: AuthenticatedHttpRequest) -> HttpResponse:
    marked = services.notifications_mark_all_read(actor=request.user)
    messages.success(request, f"{marked} marked read." if marked else "Nothing was unread.")
    return redirect("notifications_inbox")


@login_required
@require_http_methods(["GET", "POST"])
def flag_create(request: AuthenticatedHttpRequest, patient_id: int) -> HttpResponse:
    patient = patient_access.get_patient(request.user, patient_id, patient_access.RECORD_CLINICAL)
    form = FlagForm(
        form_data(request),
        initial={
            "source_type": request.GET.get("source_type", ""),
            "source_id": request.GET.get("source_id"),
        },
    )
    if request.method == "POST" and form.is_valid():
        flag = call_service(
            form, services.flag_raise, actor=request.user, patient=patient, **form.cleaned_data
        )
        if flag is not None:
            messages.success(request, "Flag raised: the care team is being notified.")
            return redirect("flag_detail", flag_id=flag.pk)
    code = 400 if form.errors else 200
    return render(request, "flags/flag_form.html", {"form": form, "patient": patient}, status=code)


@login_required
@require_http_methods(["GET"])
def flag_detail(request: AuthenticatedHttpRequest, flag_id: int) -> HttpResponse:
    flag = access.get_flag(request.user, flag_id, patient_access.VIEW_CLINICAL)
    audit.record(
        actor=request.user,
        action=audit.Action.VIEW,
        object_type="flag",
        object_id=flag.pk,
        patient_id=flag.patient_id,
    )
    services.flag_notifications_read(actor=request.user, flag=flag)
    flag = selectors.flag_detail(flag_id=flag.pk)
    mine = Notification.objects.filter(flag=flag, recipient=request.user, channel=Notification.Channel.IN_APP)
    acknowledged = any(ack.user_id == request.user.pk for ack in flag.acknowledgements.all())
    return render(
        request,
        "flags/flag_detail.html",
        {
            "flag": flag,
            "patient": flag.patient,
            **_source_context(flag),
            "can_acknowledge": mine.exists() and not acknowledged,
            "action_required": mine.filter(action_required=True).exists(),
            # Emergency access (off the team) is read-only: no resolve form.
            "resolve_form": (
                FlagResolveForm()
                if flag.status != flag.Status.RESOLVED
                and patient_access.on_team(request.user, flag.patient_id)
                else None
            ),
        },
    )


@login_required
@require_POST
def flag_acknowledge(request: AuthenticatedHttpRequest, flag_id: int) -> HttpResponse:
    flag = access.get_flag(request.user, flag_id, patient_access.RECORD_CLINICAL)
    services.flag_acknowledge(actor=request.user, flag=flag)
    messages.success(request, "Acknowledged: the team can see you are on it.")
    return redirect("flag_detail", flag_id=flag.pk)


@login_required
@require_POST
def flag_resolve(request: AuthenticatedHttpRequest, flag_id: int) -> HttpResponse:
    flag = access.get_flag(request.user, flag_id, patient_access.RECORD_CLINICAL)
    form = FlagResolveForm(request.POST)
    if (
        form.is_valid()
        and call_service(
            form, services.flag_resolve, actor=request.user, flag=flag, note=form.cleaned_data["note"]
        )
        is not None
    ):
        messages.success(request, "Flag resolved.")
        return redirect("flag_detail", flag_id=flag.pk)
    flag = selectors.flag_detail(flag_id=flag.pk)
    return render(
        request,
        "flags/flag_detail.html",
        {
            "flag": flag,
            "patient": flag.patient,
            **_source_context(flag),
            "can_acknowledge": False,
            "action_required": False,
            "resolve_form": form,
        },
        status=400,
    )


def _source_context(flag: Flag) -> dict[str, object]:
    """The record the flag is about: its page and name, or (gone, or a type without a page) its
    type and id."""
    source = sources.record(flag.source_type, flag.source_id, flag.patient_id)
    return {
        "source_url": source.url if source else None,
        "source_label": source.label if source else sources.fallback_label(flag.source_type, flag.source_id),
    }
