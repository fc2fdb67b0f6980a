"""PHQ-9 and GAD-7 scoring: every severity-band boundary, in the pure function and through the
API (201 with the same total and severity)."""

import pytest

from therapy import scoring
from therapy.models import Assessment


def answers_totalling(total: int, items: int) -> list[int]:
    """Answers (each 0–3) adding up to ``total``: threes first, then the remainder."""
    answers = []
    for _ in range(items):
        answer = min(3, total)
        answers.append(answer)
        total -= answer
    assert total == 0, "total too large for this many items"
    return answers


PHQ9_BOUNDARIES = [
    (0, "none-minimal"),
    (4, "none-minimal"),
    (5, "mild"),
    (9, "mild"),
    (10, "moderate"),
    (14, "moderate"),
    (15, "moderately-severe"),
    (19, "moderately-severe"),
    (20, "severe"),
    (27, "severe"),
]
GAD7_BOUNDARIES = [
    (0, "minimal"),
    (4, "minimal"),
    (5, "mild"),
    (9, "mild"),
    (10, "moderate"),
    (14, "moderate"),
    (15, "severe"),
    (21, "severe"),
]
CASES = [("PHQ9", 9, total, severity) for total, severity in PHQ9_BOUNDARIES] + [
    ("GAD7", 7, total, severity) for total, severity in GAD7_BOUNDARIES
]


@pytest.mark.parametrize(
    ("instrument", "items", "total", "severity"), CASES, ids=[f"{c[0]}={c[2]}" for c in CASES]
)
def test_band_boundaries(instrument, items, total, severity):
    result = scoring.score(instrument, answers_totalling(total, items))
    assert result == scoring.Score(total=total, severity=severity)


@pytest.mark.parametrize(
    ("instrument", "items", "total", "severity"), CASES, ids=[f"{c[0]}={c[2]}" for c in CASES]
)
def test_band_boundaries_through_the_api(world, api_client, instrument, items, total, severity):
    answers = answers_totalling(total, items)
    response = api_client(world.case_manager).post(
        f"/api/v1/patients/{world.patient.pk}/assessments/",
        {"instrument": instrument, "answers": answers},
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["total"], body["severity"], body["answers"]) == (total, severity, answers)
    stored = Assessment.objects.get(pk=body["id"])
    assert (stored.total, stored.severity, stored.answers) == (total, severity, answers)


def test_the_bands_cover_every_possible_total_exactly_once():
    for code, spec in scoring.INSTRUMENTS.items():
        covered = [t for band in spec.bands for t in range(band.low, band.high + 1)]
        assert covered == list(range(spec.max_total + 1)), code


def test_the_same_total_scores_the_same_whatever_the_items():
    assert scoring.score("PHQ9", [3, 3, 3, 1, 0, 0, 0, 0, 0]) == scoring.score(
        "PHQ9", [0, 0, 0, 0, 1, 3, 3, 3, 0]
    )


@pytest.mark.parametrize(
    ("instrument", "answers", "message"),
    [
        ("PHQ9", [1] * 8, "PHQ-9 has 9 items: got 8 answers."),
        ("PHQ9", [1] * 10, "PHQ-9 has 9 items: got 10 answers."),
        ("GAD7", [1] * 9, "GAD-7 has 7 items: got 9 answers."),
        ("PHQ9", [1, 1, 4, 1, 1, 1, 1, 1, 1], "Item 3: 4 is outside 0–3."),
        ("GAD7", [0, 0, 0, 0, 0, 0, -1], "Item 7: -1 is outside 0–3."),
        ("GAD7", [0, 0, "2", 0, 0, 0, 0], "Item 3: the answer must be a whole number from 0 to 3."),
        ("GAD7", [0, 0, True, 0, 0, 0, 0], "Item 3: the answer must be a whole number from 0 to 3."),
        ("GAD7", [0, 1.5, 0, 0, 0, 0, 0], "Item 2: the answer must be a whole number from 0 to 3."),
    ],
)
def test_answers_that_cannot_be_scored_name_the_problem(instrument, answers, message):
    assert message in scoring.answer_errors(instrument, answers)
    with pytest.raises(ValueError, match=message.split(":")[0]):
        scoring.score(instrument, answers)


def test_a_total_outside_the_scale_has_no_band():
    with pytest.raises(ValueError):
        scoring.severity_for("GAD7", 22)
