"""Page forms. They parse types only; ranges and rules come from therapy.services, so pages and
API give the same messages (put on the fields by careteam.viewutils.call_service)."""

import json

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


def _items_phrase(numbers: list[int]) -> str:
    """[3] -> "item 3"; [3, 7] -> "items 3 and 7"; [1, 2, 5] -> "items 1, 2 and 5"."""
    if len(numbers) == 1:
        return f"item {numbers[0]}"
    *head, last = numbers
    return f"items {', '.join(str(n) for n in head)} and {last}"


def missing_answers_message(numbers: list[int]) -> str:
    """The one message for unanswered items, e.g. "Answer every question: 2 are unanswered
    (items 3 and 7)." (not "This field is required." once per item)."""
    if len(numbers) == 1:
        return f"Answer every question: 1 is unanswered ({_items_phrase(numbers)})."
    return f"Answer every question: {len(numbers)} are unanswered ({_items_phrase(numbers)})."


class AssessmentForm(forms.Form):
    """One radio group per questionnaire item (``item_1`` ... ``item_N``), answers 0–3.

    The items are not ``required`` field by field: unanswered items give one message for the
    form (``unanswered`` lists them, ``error_target`` is the first one's fieldset id, for the
    error summary's link)."""

    answer_choices = scoring.ANSWER_CHOICES  # the grid's column headers

    administered_on = forms.DateField(
        label="Completed on", required=False, widget=DATE, help_text="Leave empty for today."
    )

    def __init__(self, *args, instrument: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.instrument = scoring.INSTRUMENTS[instrument]
        self.unanswered: list[int] = []
        self.error_target = ""
        for number, question in enumerate(self.instrument.items, start=1):
            self.fields[f"item_{number}"] = forms.TypedChoiceField(
                label=question,
                choices=scoring.ANSWER_CHOICES,
                coerce=int,
                required=False,
                empty_value=None,
                widget=forms.RadioSelect,
            )
        self.order_fields(self._item_names())

    def _item_names(self) -> list[str]:
        return [f"item_{n}" for n in range(1, len(self.instrument.items) + 1)]

    def clean(self) -> dict:
        cleaned = super().clean() or {}
        self.unanswered = [
            n
            for n, name in enumerate(self._item_names(), start=1)
            if name not in self.errors and cleaned.get(name) is None
        ]
        if self.unanswered:
            self.error_target = self[f"item_{self.unanswered[0]}"].auto_id
            raise forms.ValidationError(missing_answers_message(self.unanswered), code="unanswered")
        return cleaned

    def item_fields(self) -> list[tuple[int, forms.BoundField]]:
        return [(n, self[name]) for n, name in enumerate(self._item_names(), start=1)]

    def answers(self) -> list[int]:
        return [self.cleaned_data[name] for name in self._item_names()]

    def given_answers(self) -> dict[int, int]:
        """The answers the (bound) form holds so far, valid ones only: item number -> points."""
        if not self.is_bound:
            return {}
        given = {}
        for n, name in enumerate(self._item_names(), start=1):
            value = self.data.get(self.add_prefix(name))
            if value in {str(points) for points, _ in scoring.ANSWER_CHOICES}:
                given[n] = int(value)
        return given

    def running_total(self) -> dict:
        """Total and band of the answers given so far, as the page shows them before JS runs
        (measure-form.js then keeps them current from the same bands, in ``bands_json``)."""
        given = self.given_answers()
        total = sum(given.values())
        band = next(b for b in self.instrument.bands if b.low <= total <= b.high)
        return {
            "total": total,
            "answered": len(given),
            "items": len(self.instrument.items),
            "band": band.label,
            "severity": band.severity,
        }

    def bands_json(self) -> str:
        """The instrument's severity bands for measure-form.js: one source, therapy.scoring."""
        return json.dumps(
            [
                {"low": b.low, "high": b.high, "severity": b.severity, "label": b.label}
                for b in self.instrument.bands
            ]
        )

    def self_harm_item(self) -> int | None:
        """The item whose answer above 0 raises an urgent safety flag (PHQ-9 item 9), if any."""
        return scoring.PHQ9_SELF_HARM_ITEM if self.instrument.code == scoring.PHQ9 else None

    def self_harm_positive(self) -> bool:
        item = self.self_harm_item()
        return item is not None and self.given_answers().get(item, 0) > 0
