"""Access to flags and notifications: through the flag's patient (patients/access.py) and the
notification's recipient."""

from django.http import Http404

from careteam.access import StaffUser
from patients.access import PatientAction, check_patient

from .models import Flag, Notification


def get_flag(user: StaffUser, flag_id: int | str, action: PatientAction) -> Flag:
    """A flag, if the user may do ``action`` on its patient (404 outside the care team)."""
    try:
        pk = int(flag_id)
    except (TypeError, ValueError):
        raise Http404("No flag matches the given query.") from None
    flag = Flag.objects.select_related("patient").filter(pk=pk).first()
    if flag is None:
        raise Http404("No flag matches the given query.")
    check_patient(user, flag.patient_id, action)
    return flag


def get_own_notification(user: StaffUser, notification_id: int | str) -> Notification:
    """One of the user's own in-app notifications; anyone else's is "not found"."""
    notification = Notification.objects.filter(
        pk=notification_id,
        recipient_id=getattr(user, "pk", None),
        channel=Notification.Channel.IN_APP,
    ).first()
    if notification is None or not user.is_active:
        raise Http404("No notification matches the given query.")
    return notification
