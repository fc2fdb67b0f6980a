"""API shapes for therapy. They parse types only: ranges and rules are checked by the services,
so the API and the pages give the same messages."""

from typing import Any

from rest_framework import serializers

from careteam.api_common import ModelSerializer, PlausibleDateField, PlausibleDateTimeField

from . import scoring
from .models import (
    NOTE_TEXT_MAX,
    Assessment,
    Instrument,
    Modality,
    ProgressNote,
    PsychotherapyNote,
    TherapyCourse,
    TherapySession,
)

IN_ERROR_FIELDS = [
    "entered_in_error",
    "entered_in_error_reason",
    "entered_in_error_at",
    "entered_in_error_by",
]


class CorrectableFields(ModelSerializer):
    """What a record marked entered in error shows: that it was, why, when and by whom."""

    entered_in_error = serializers.BooleanField(
        read_only=True, help_text="Marked entered in error: shown struck through, counted nowhere."
    )
    entered_in_error_reason = serializers.CharField(read_only=True)
    entered_in_error_at = serializers.DateTimeField(read_only=True, allow_null=True)
    entered_in_error_by = serializers.IntegerField(
        source="entered_in_error_by_id", read_only=True, allow_null=True, help_text="Who marked it (user id)."
    )


class TherapyCourseSerializer(ModelSerializer):
    modality = serializers.ChoiceField(choices=Modality.choices)
    status = serializers.ChoiceField(choices=TherapyCourse.Status.choices, required=False)
    planned_sessions = serializers.IntegerField(help_text="How many sessions the course plans (1–100).")
    attended_sessions = serializers.IntegerField(source="attended_count", read_only=True, default=0)
    version = serializers.IntegerField(
        required=False,
        help_text="On PATCH: the version you are editing (or send If-Match). "
        "An edit based on an older version is refused with 409/412.",
    )

    class Meta:
        model = TherapyCourse
        fields = [
            "id",
            "patient",
            "therapist",
            "modality",
            "planned_sessions",
            "start_date",
            "status",
            "attended_sessions",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "patient", "therapist", "created_at", "updated_at"]


class TherapySessionSerializer(CorrectableFields):
    course = serializers.IntegerField(
        source="course_id",
        required=False,
        allow_null=True,
        help_text="Id of one of this patient's therapy courses (optional, normally set).",
    )
    modality = serializers.ChoiceField(
        choices=Modality.choices, required=False, help_text="Defaults to the course's modality."
    )
    mode = serializers.ChoiceField(choices=TherapySession.Mode.choices)
    attendance = serializers.ChoiceField(choices=TherapySession.Attendance.choices, required=False)
    duration_minutes = serializers.IntegerField(help_text="1–480.")
    alliance_rating = serializers.IntegerField(
        required=False, allow_null=True, help_text="Therapeutic alliance 0–10; only for attended sessions."
    )
    session_number = serializers.IntegerField(
        read_only=True,
        allow_null=True,
        help_text='For an attended session of a course: N in "session N of M".',
    )
    planned_sessions = serializers.IntegerField(
        source="course.planned_sessions",
        read_only=True,
        allow_null=True,
        default=None,
        help_text='M in "session N of M": the course\'s planned number of sessions.',
    )

    class Meta:
        model = TherapySession
        fields = [
            "id",
            "patient",
            "course",
            "therapist",
            "starts_at",
            "modality",
            "mode",
            "duration_minutes",
            "attendance",
            "alliance_rating",
            "session_number",
            "planned_sessions",
            "version",
            "created_at",
            "updated_at",
            *IN_ERROR_FIELDS,
        ]
        read_only_fields = ["id", "patient", "therapist", "version", "created_at", "updated_at"]


class TherapySessionUpdateSerializer(serializers.Serializer):
    """PATCH of a session (e.g. attendance afterwards). Send the ``version`` you are editing (or
    an If-Match header): an edit based on an old version is refused with 409/412."""

    version = serializers.IntegerField(required=False, help_text="The version you are editing.")
    starts_at = PlausibleDateTimeField(required=False)
    modality = serializers.ChoiceField(choices=Modality.choices, required=False)
    mode = serializers.ChoiceField(choices=TherapySession.Mode.choices, required=False)
    duration_minutes = serializers.IntegerField(required=False, help_text="1–480.")
    attendance = serializers.ChoiceField(choices=TherapySession.Attendance.choices, required=False)
    alliance_rating = serializers.IntegerField(
        required=False, allow_null=True, help_text="0–10; only for attended sessions."
    )


class ProgressNoteSerializer(CorrectableFields):
    session = serializers.IntegerField(
        source="session_id",
        required=False,
        allow_null=True,
        help_text="Id of one of this patient's sessions (optional).",
    )
    text = serializers.CharField(allow_blank=True, trim_whitespace=False, max_length=NOTE_TEXT_MAX)
    author_name = serializers.CharField(source="author.get_full_name", read_only=True)

    class Meta:
        model = ProgressNote
        fields = ["id", "patient", "session", "author", "author_name", "text", "created_at", *IN_ERROR_FIELDS]
        read_only_fields = ["id", "patient", "author", "created_at"]


class PsychotherapyNoteSerializer(ModelSerializer):
    text = serializers.CharField(allow_blank=True, trim_whitespace=False, max_length=NOTE_TEXT_MAX)

    class Meta:
        model = PsychotherapyNote
        fields = ["id", "patient", "author", "text", "created_at"]
        read_only_fields = ["id", "patient", "author", "created_at"]


class AnswersField(serializers.ListField):
    """A list of item answers. The items themselves (how many, whole numbers 0–3) are checked by
    scoring.answer_errors through the service, which names each wrong item in one flat list."""

    child = serializers.IntegerField()

    def to_internal_value(self, data: Any) -> list[Any]:
        if not isinstance(data, list):
            raise serializers.ValidationError("Send the answers as a list of numbers from 0 to 3.")
        return list(data)  # checked item by item in scoring.answer_errors, via the service


class AssessmentSerializer(CorrectableFields):
    instrument = serializers.ChoiceField(choices=Instrument.choices)
    answers = AnswersField(
        help_text="One answer per item in questionnaire order, each 0–3 (9 for PHQ-9, 7 for GAD-7)."
    )
    administered_on = PlausibleDateField(
        required=False,
        help_text="Defaults to today; not in the future, nor before the patient's date of birth.",
    )
    severity_label = serializers.SerializerMethodField()

    class Meta:
        model = Assessment
        fields = [
            "id",
            "patient",
            "instrument",
            "answers",
            "total",
            "severity",
            "severity_label",
            "administered_on",
            "recorded_by",
            "created_at",
            *IN_ERROR_FIELDS,
        ]
        read_only_fields = ["id", "patient", "total", "severity", "recorded_by", "created_at"]

    def get_severity_label(self, obj: Assessment) -> str:
        return scoring.SEVERITY_LABELS.get(obj.severity, obj.severity)
