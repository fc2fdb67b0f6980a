"""API.md's treatment-status rule (treat-to-target), in SQL and in Python.

The SQL forms are the expressions of PatientSummary's generated columns (the database keeps them
in step with the PHQ-9 columns); the Python form is for one patient or a list of totals
(metrics). ``tests/patients/test_summary.py`` checks both at every threshold.
"""

from django.db.models import Case, ExpressionWrapper, F, FloatField, Q, Value, When
from django.db.models.functions import Cast

# (code, label), in the registry's order of attention: the one definition of the statuses.
STATUSES = [
    ("not-improving", "Not improving"),
    ("partial-response", "Partial response"),
    ("response", "Response"),
    ("remission", "Remission"),
    ("baseline-only", "Baseline only"),
    ("no-data", "No data"),
]
STATUS_CODES = tuple(code for code, _label in STATUSES)
STATUS_LABELS = dict(STATUSES)


def treatment_status_sql() -> Case:
    """The status from ``phq9_count``, ``phq9_baseline`` and ``phq9_latest``: no-data,
    baseline-only, remission (latest < 5), response (a drop of 50% or more), partial-response
    (25% or more), otherwise not-improving."""
    baseline = F("phq9_baseline")
    return Case(
        When(phq9_count=0, then=Value("no-data")),
        When(phq9_count=1, then=Value("baseline-only")),
        When(phq9_latest__lt=5, then=Value("remission")),
        When(
            Q(phq9_baseline__gt=0)
            & Q(phq9_latest__lte=ExpressionWrapper(baseline * 0.5, output_field=FloatField())),
            then=Value("response"),
        ),
        When(
            Q(phq9_baseline__gt=0)
            & Q(phq9_latest__lte=ExpressionWrapper(baseline * 0.75, output_field=FloatField())),
            then=Value("partial-response"),
        ),
        default=Value("not-improving"),
    )


def phq9_change_pct_sql() -> Case:
    """(latest - baseline) / baseline x 100; NULL without a usable baseline."""
    baseline = Cast(F("phq9_baseline"), FloatField())
    return Case(
        When(phq9_baseline__gt=0, then=(Cast(F("phq9_latest"), FloatField()) - baseline) * 100.0 / baseline),
        default=None,
        output_field=FloatField(),
    )


def treatment_status_of(*, count: int, baseline: int | None, latest: int | None) -> str:
    """The same rule in Python."""
    if not count:
        return "no-data"
    if count == 1:
        return "baseline-only"
    if latest is None:
        # Two or more scores always include a latest one (as before, comparing None is a TypeError).
        raise TypeError("treatment_status_of: a count of 2 or more needs a latest score")
    if latest < 5:
        return "remission"
    if baseline and latest <= baseline * 0.5:
        return "response"
    if baseline and latest <= baseline * 0.75:
        return "partial-response"
    return "not-improving"
