"""Therapy: courses and sessions, progress notes (team), psychotherapy notes (author only) and
the PHQ-9 / GAD-7 measures."""

import operator
from functools import reduce

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from careteam.dates import day_text
from careteam.records import REASON_MAX, Correctable

from . import scoring

MAX_SESSION_MINUTES = 480
MAX_PLANNED_SESSIONS = 100
MAX_ALLIANCE_RATING = 10
# The longest free text a note may hold (progress and psychotherapy notes): enforced by the page
# forms, the API serializers (stated in the OpenAPI schema) and the services.
NOTE_TEXT_MAX = 10_000


class TherapyCorrectable(Correctable):
    """careteam.records.Correctable, with a database default on the reason so that code of the
    previous release can still insert rows while the new columns are being rolled out."""

    entered_in_error_reason = models.CharField(max_length=REASON_MAX, blank=True, db_default="")

    class Meta:
        abstract = True


class Modality(models.TextChoices):
    CBT = "cbt", "CBT"
    DBT = "dbt", "DBT"
    PSYCHODYNAMIC = "psychodynamic", "Psychodynamic"
    OTHER = "other", "Other"


class TherapyCourse(models.Model):
    """A planned course of therapy, e.g. 12 weekly CBT sessions. ``version`` guards edits."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        COMPLETED = "completed", "Completed"
        ENDED_EARLY = "ended_early", "Ended early"

    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="therapy_courses")
    therapist = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    modality = models.CharField(max_length=20, choices=Modality.choices)
    planned_sessions = models.PositiveSmallIntegerField()
    start_date = models.DateField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACTIVE)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-start_date", "-id"]
        permissions = [("record_therapy", "Can record therapy sessions and notes")]
        constraints = [
            models.CheckConstraint(
                condition=Q(modality__in=Modality.values), name="therapycourse_modality_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["active", "completed", "ended_early"]),
                name="therapycourse_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(planned_sessions__gte=1, planned_sessions__lte=MAX_PLANNED_SESSIONS),
                name="therapycourse_planned_sessions_range",
            ),
        ]
        indexes = [models.Index(fields=["patient", "-start_date", "-id"], name="therapycourse_patient_start")]

    def __str__(self) -> str:
        return f"Therapy course {self.pk} of patient {self.patient_id}"


class TherapySession(TherapyCorrectable):
    class Mode(models.TextChoices):
        IN_PERSON = "in_person", "In person"
        VIDEO = "video", "Video"
        PHONE = "phone", "Phone"

    class Attendance(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        ATTENDED = "attended", "Attended"
        NO_SHOW = "no_show", "No-show"
        CANCELLED_BY_PATIENT = "cancelled_by_patient", "Cancelled by patient"
        CANCELLED_BY_CLINIC = "cancelled_by_clinic", "Cancelled by clinic"

    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="therapy_sessions")
    course = models.ForeignKey(
        TherapyCourse, null=True, blank=True, on_delete=models.PROTECT, related_name="sessions"
    )
    therapist = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    starts_at = models.DateTimeField()
    modality = models.CharField(max_length=20, choices=Modality.choices)
    mode = models.CharField(max_length=20, choices=Mode.choices)
    duration_minutes = models.PositiveSmallIntegerField()
    attendance = models.CharField(max_length=30, choices=Attendance.choices, default=Attendance.SCHEDULED)
    alliance_rating = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Therapeutic alliance, 0–10; attended sessions only."
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-starts_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(modality__in=Modality.values), name="therapysession_modality_valid"
            ),
            models.CheckConstraint(
                condition=Q(mode__in=["in_person", "video", "phone"]), name="therapysession_mode_valid"
            ),
            models.CheckConstraint(
                condition=Q(
                    attendance__in=[
                        "scheduled",
                        "attended",
                        "no_show",
                        "cancelled_by_patient",
                        "cancelled_by_clinic",
                    ]
                ),
                name="therapysession_attendance_valid",
            ),
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=1, duration_minutes__lte=MAX_SESSION_MINUTES),
                name="therapysession_duration_range",
            ),
            models.CheckConstraint(
                condition=Q(alliance_rating__isnull=True)
                | Q(alliance_rating__gte=0, alliance_rating__lte=MAX_ALLIANCE_RATING, attendance="attended"),
                name="therapysession_alliance_attended_0_10",
            ),
        ]
        indexes = [
            models.Index(fields=["patient", "-starts_at", "-id"], name="therapysession_patient_at"),
            models.Index(fields=["course", "starts_at", "id"], name="therapysession_course_at"),
        ]

    def __str__(self) -> str:
        return f"Therapy session {self.pk} of patient {self.patient_id}"

    # What the record is, in words, wherever a page names it (timeline, flags, inbox): one
    # place per record. Staff pages only; never in logs, URLs or emails (it holds clinical detail).
    @property
    def label(self) -> str:
        """e.g. "CBT session of 3 Dec 2026 (video): no-show"."""
        return (
            f"{self.get_modality_display()} session of {day_text(self.starts_at)} "
            f"({self.get_mode_display().lower()}): {self.get_attendance_display().lower()}"
        )

    @property
    def session_number(self) -> int | None:
        """ "Session N" of its course for an attended session, from the selector's annotation."""
        ordinal = getattr(self, "attended_ordinal", None)
        if (
            not ordinal
            or self.course_id is None
            or self.attendance != self.Attendance.ATTENDED
            or self.entered_in_error
        ):
            return None
        return ordinal


class ProgressNote(TherapyCorrectable):
    """A note for the whole care team. Notes are not edited: a wrong one is marked entered in
    error and a new note written."""

    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="progress_notes")
    session = models.ForeignKey(
        TherapySession, null=True, blank=True, on_delete=models.PROTECT, related_name="progress_notes"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.CheckConstraint(condition=~Q(text=""), name="progressnote_text_set")]
        indexes = [models.Index(fields=["patient", "-created_at", "-id"], name="progressnote_patient_at")]

    def __str__(self) -> str:
        return f"Progress note {self.pk} of patient {self.patient_id}"


class PsychotherapyNote(models.Model):
    """The therapist's private process notes: readable by their author and nobody else.

    Only therapy/selectors.py:psychotherapy_notes reads this table (always narrowed to one
    author), and no other model points at it, so it cannot surface through a join, a count or
    a related manager elsewhere.
    """

    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.CheckConstraint(condition=~Q(text=""), name="psychotherapynote_text_set")]
        indexes = [
            models.Index(
                fields=["author", "patient", "-created_at", "-id"], name="psychnote_author_patient_at"
            )
        ]

    def __str__(self) -> str:
        return f"Psychotherapy note {self.pk}"


class Instrument(models.TextChoices):
    PHQ9 = scoring.PHQ9, "PHQ-9"
    GAD7 = scoring.GAD7, "GAD-7"


class Severity(models.TextChoices):
    NONE_MINIMAL = "none-minimal", "None to minimal"
    MINIMAL = "minimal", "Minimal"
    MILD = "mild", "Mild"
    MODERATE = "moderate", "Moderate"
    MODERATELY_SEVERE = "moderately-severe", "Moderately severe"
    SEVERE = "severe", "Severe"


def _bands_hold() -> Q:
    """Total and severity agree with the instrument's bands (therapy/scoring.py)."""
    return reduce(
        operator.or_,
        (
            Q(instrument=code, total__gte=band.low, total__lte=band.high, severity=band.severity)
            for code, spec in scoring.INSTRUMENTS.items()
            for band in spec.bands
        ),
    )


class Assessment(TherapyCorrectable):
    """One completed PHQ-9 or GAD-7: the item answers and their score."""

    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="assessments")
    instrument = models.CharField(max_length=10, choices=Instrument.choices)
    answers = models.JSONField(help_text="Item answers in questionnaire order, each 0–3.")
    total = models.PositiveSmallIntegerField()
    severity = models.CharField(max_length=20, choices=Severity.choices)
    administered_on = models.DateField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-administered_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(instrument__in=Instrument.values), name="assessment_instrument_valid"
            ),
            models.CheckConstraint(condition=_bands_hold(), name="assessment_total_severity_band"),
        ]
        indexes = [
            models.Index(fields=["patient", "-administered_on", "-id"], name="assessment_patient_date"),
            models.Index(
                fields=["patient", "instrument", "administered_on", "id"], name="assessment_patient_instr"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_instrument_display()} {self.pk} of patient {self.patient_id}"

    # What the record is, in words, wherever a page names it (timeline, flags, inbox): one
    # place per record. Staff pages only; never in logs, URLs or emails (it holds clinical detail).
    @property
    def label(self) -> str:
        """e.g. "PHQ-9 of 3 Dec 2026: 14, moderate"."""
        return (
            f"{self.get_instrument_display()} of {day_text(self.administered_on)}: "
            f"{self.total}, {self.get_severity_display().lower()}"
        )

    @property
    def spec(self) -> scoring.Instrument:
        return scoring.INSTRUMENTS[self.instrument]

    @property
    def items(self) -> list[tuple[int, str, int, str]]:
        """(number, question, answer, answer label) for each item, for the detail page."""
        labels = dict(scoring.ANSWER_CHOICES)
        return [
            (n, question, answer, labels.get(answer, str(answer)))
            for n, (question, answer) in enumerate(zip(self.spec.items, self.answers, strict=False), start=1)
        ]

    @property
    def self_harm_item_positive(self) -> bool:
        if self.instrument != Instrument.PHQ9 or len(self.answers) < scoring.PHQ9_SELF_HARM_ITEM:
            return False
        return self.answers[scoring.PHQ9_SELF_HARM_ITEM - 1] > 0
