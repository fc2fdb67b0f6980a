"""Page forms. They parse types only; ranges and rules come from therapy.services, so pages and
API give the same messages (put on the fields by careteam.viewutils.call_service)."""

from django import forms

from . import scoring
from .models import (
    MAX_ALLIANCE_RATING,
    MAX_PLANNED_SESSIONS,
    MAX_SESSION_MINUTES,
    NOTE_TEXT_MAX,
    Modality,
    TherapyCourse,
    TherapySession,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def _number(low: int, high: int) -> forms.NumberInput:
    return forms.NumberInput(attrs={"min": low, "max": high})


def _choice_field(form: forms.Form, name: str) -> forms.ChoiceField:
    """The form's field ``name``, a ChoiceField declared on the class (choices set per form)."""
    field = form.fields[name]
    if not isinstance(field, forms.ChoiceField):
        raise TypeError(f"{type(form).__name__}.{name} must be a ChoiceField")
    return field


class CourseForm(forms.Form):
    modality = forms.ChoiceField(choices=Modality.choices)
    planned_sessions = forms.IntegerField(
        label="Planned number of sessions", widget=_number(1, MAX_PLANNED_SESSIONS)
    )
    start_date = forms.DateField(widget=DATE)


class CourseEditForm(CourseForm):
    status = forms.ChoiceField(choices=TherapyCourse.Status.choices)
    version = forms.IntegerField(widget=forms.HiddenInput)


def course_label(course: TherapyCourse) -> str:
    """E.g. "CBT from 2026-01-05 (7 of 12 attended)"; ``course`` comes from selectors.courses."""
    state = (
        "" if course.status == TherapyCourse.Status.ACTIVE else (f", {course.get_status_display().lower()}")
    )
    attended = course.attended_count  # type: ignore[attr-defined]  # annotated by selectors.courses
    return (
        f"{course.get_modality_display()} from {course.start_date:%Y-%m-%d} "
        f"({attended} of {course.planned_sessions} attended{state})"
    )


class SessionEditForm(forms.Form):
    starts_at = forms.DateTimeField(label="Date and time", widget=DATETIME)
    modality = forms.ChoiceField(choices=Modality.choices)
    mode = forms.ChoiceField(choices=TherapySession.Mode.choices)
    duration_minutes = forms.IntegerField(label="Duration (minutes)", widget=_number(1, MAX_SESSION_MINUTES))
    attendance = forms.ChoiceField(choices=TherapySession.Attendance.choices)
    alliance_rating = forms.IntegerField(
        label="Therapeutic alliance (0–10)",
        required=False,
        widget=_number(0, MAX_ALLIANCE_RATING),
        help_text="Only for an attended session; leave empty if not rated.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class SessionForm(SessionEditForm):
    """A new session. The course is optional; without a modality the course's is used."""

    course = forms.TypedChoiceField(coerce=int, required=False, empty_value=None)
    field_order = [
        "course",
        "starts_at",
        "modality",
        "mode",
        "duration_minutes",
        "attendance",
        "alliance_rating",
    ]

    def __init__(self, *args, courses=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["version"]
        _choice_field(self, "course").choices = [("", "No course")] + [
            (course.pk, course_label(course)) for course in courses
        ]
        self.fields["modality"].required = False
        _choice_field(self, "modality").choices = [("", "Same as the course"), *Modality.choices]


class ProgressNoteForm(forms.Form):
    session = forms.TypedChoiceField(coerce=int, required=False, empty_value=None, label="About the session")
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}),
        strip=False,
        max_length=NOTE_TEXT_MAX,
        label="Progress note",
        help_text="Visible to the whole care team.",
    )

    def __init__(self, *args, sessions=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _choice_field(self, "session").choices = [("", "Not about one session")] + [
            (session.pk, f"{session.starts_at:%Y-%m-%d %H:%M} · {session.get_attendance_display()}")
            for session in sessions
        ]


class PsychotherapyNoteForm(forms.Form):
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 8}),
        strip=False,
        max_length=NOTE_TEXT_MAX,
        label="Psychotherapy note",
        help_text="Private: only you can ever read this note.",
    )


class AssessmentForm(forms.Form):
    """One radio group per questionnaire item (``item_1`` ... ``item_N``), answers 0–3."""

    administered_on = forms.DateField(
        label="Completed on", required=False, widget=DATE, help_text="Leave empty for today."
    )

    def __init__(self, *args, instrument: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.instrument = scoring.INSTRUMENTS[instrument]
        for number, question in enumerate(self.instrument.items, start=1):
            self.fields[f"item_{number}"] = forms.TypedChoiceField(
                label=question, choices=scoring.ANSWER_CHOICES, coerce=int, widget=forms.RadioSelect
            )
        self.order_fields([f"item_{n}" for n in range(1, len(self.instrument.items) + 1)])

    def item_fields(self) -> list[tuple[int, forms.BoundField]]:
        return [(n, self[f"item_{n}"]) for n in range(1, len(self.instrument.items) + 1)]

    def answers(self) -> list[int]:
        return [self.cleaned_data[f"item_{n}"] for n in range(1, len(self.instrument.items) + 1)]
