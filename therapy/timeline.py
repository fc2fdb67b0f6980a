"""Therapy's part of the patient timeline (careteam/timeline.py): sessions with their attendance
and the PHQ-9 / GAD-7 measures. Psychotherapy notes are never read here, nor progress notes'
text: the timeline shows what happened, not what was written."""

import datetime

from django.urls import reverse

from careteam.timeline import Cursor, Entry, start_of_day, window_q

from .models import Assessment, TherapySession

COMPONENT = "therapy"


def timeline_entries(*, patient_id: int, since: datetime.date | None, until: datetime.date | None,
                     before: Cursor | None, limit: int) -> list[Entry]:
    sessions = (TherapySession.objects.filter(patient_id=patient_id)
                .filter(window_q("starts_at", is_date=False, source="therapy.session", since=since,
                                 until=until, before=before))
                .only("id", "starts_at", "modality", "mode", "attendance", "therapist")
                .order_by("-starts_at", "-id")[:limit])
    measures = (Assessment.objects.filter(patient_id=patient_id)
                .filter(window_q("administered_on", is_date=True, source="therapy.assessment",
                                 since=since, until=until, before=before))
                .only("id", "administered_on", "instrument", "total", "severity", "recorded_by")
                .order_by("-administered_on", "-id")[:limit])
    overview = reverse("therapy_overview", kwargs={"patient_id": patient_id})
    entries = [
        Entry(at=session.starts_at, component=COMPONENT, kind="therapy_session",
              title=(f"{session.get_modality_display()} session "
                     f"({session.get_mode_display().lower()}): {session.get_attendance_display()}"),
              who_id=session.therapist_id, url=f"{overview}#sessions-heading",
              source="therapy.session", id=session.pk)
        for session in sessions
    ]
    entries += [
        Entry(at=start_of_day(measure.administered_on), component=COMPONENT, kind="measure",
              title=(f"{measure.get_instrument_display()} {measure.total} "
                     f"({measure.get_severity_display().lower()})"),
              who_id=measure.recorded_by_id,
              url=reverse("therapy_assessment_detail",
                          kwargs={"patient_id": patient_id, "assessment_id": measure.pk}),
              source="therapy.assessment", id=measure.pk)
        for measure in measures
    ]
    return entries
