"""PHQ-9 and GAD-7: the questions, and scoring item answers into a total and a severity band.

Pure functions with no database or Django imports, so the bands (../shared/API.md) are tested
on their own, boundary by boundary.
"""

from dataclasses import dataclass

PHQ9 = "PHQ9"
GAD7 = "GAD7"

STEM = "Over the last 2 weeks, how often have you been bothered by any of the following problems?"

# The four answers every item of both questionnaires offers, with the points each is worth.
ANSWER_CHOICES: tuple[tuple[int, str], ...] = (
    (0, "Not at all"),
    (1, "Several days"),
    (2, "More than half the days"),
    (3, "Nearly every day"),
)
MIN_ANSWER, MAX_ANSWER = 0, 3


@dataclass(frozen=True)
class Band:
    low: int
    high: int
    severity: str
    label: str


@dataclass(frozen=True)
class Instrument:
    code: str
    label: str
    items: tuple[str, ...]
    bands: tuple[Band, ...]

    @property
    def max_total(self) -> int:
        return MAX_ANSWER * len(self.items)


INSTRUMENTS: dict[str, Instrument] = {
    PHQ9: Instrument(
        code=PHQ9,
        label="PHQ-9",
        items=(
            "Little interest or pleasure in doing things",
            "Feeling down, depressed, or hopeless",
            "Trouble falling or staying asleep, or sleeping too much",
            "Feeling tired or having little energy",
            "Poor appetite or overeating",
            "Feeling bad about yourself, or that you are a failure or have let yourself or your family down",
            "Trouble concentrating on things, such as reading the newspaper or watching television",
            "Moving or speaking so slowly that other people could have noticed, or the opposite: "
            "being so fidgety or restless that you have been moving around a lot more than usual",
            "Thoughts that you would be better off dead, or of hurting yourself in some way",
        ),
        bands=(
            Band(0, 4, "none-minimal", "None to minimal"),
            Band(5, 9, "mild", "Mild"),
            Band(10, 14, "moderate", "Moderate"),
            Band(15, 19, "moderately-severe", "Moderately severe"),
            Band(20, 27, "severe", "Severe"),
        ),
    ),
    GAD7: Instrument(
        code=GAD7,
        label="GAD-7",
        items=(
            "Feeling nervous, anxious, or on edge",
            "Not being able to stop or control worrying",
            "Worrying too much about different things",
            "Trouble relaxing",
            "Being so restless that it is hard to sit still",
            "Becoming easily annoyed or irritable",
            "Feeling afraid, as if something awful might happen",
        ),
        bands=(
            Band(0, 4, "minimal", "Minimal"),
            Band(5, 9, "mild", "Mild"),
            Band(10, 14, "moderate", "Moderate"),
            Band(15, 21, "severe", "Severe"),
        ),
    ),
}

# PHQ-9 item 9 asks about thoughts of death or self-harm: any answer above 0 needs follow-up.
PHQ9_SELF_HARM_ITEM = 9

SEVERITY_LABELS: dict[str, str] = {
    band.severity: band.label for instrument in INSTRUMENTS.values() for band in instrument.bands
}


@dataclass(frozen=True)
class Score:
    total: int
    severity: str


def answer_errors(instrument: str, answers: object) -> list[str]:
    """What is wrong with a list of answers (empty when it can be scored), naming the items."""
    spec = INSTRUMENTS.get(instrument)
    if spec is None:
        return []  # the instrument itself is reported on its own field
    if not isinstance(answers, list | tuple):
        return [f"Send the {spec.label} answers as a list of {len(spec.items)} numbers from 0 to 3."]
    errors = []
    if len(answers) != len(spec.items):
        errors.append(f"{spec.label} has {len(spec.items)} items: got {len(answers)} answers.")
    for number, answer in enumerate(answers, start=1):
        if isinstance(answer, bool) or not isinstance(answer, int):
            errors.append(f"Item {number}: the answer must be a whole number from 0 to 3.")
        elif not MIN_ANSWER <= answer <= MAX_ANSWER:
            errors.append(f"Item {number}: {answer} is outside 0–3.")
    return errors


def severity_for(instrument: str, total: int) -> str:
    """The severity band a total falls in; ValueError for a total the instrument cannot have."""
    for band in INSTRUMENTS[instrument].bands:
        if band.low <= total <= band.high:
            return band.severity
    raise ValueError(f"{total} is not a possible {INSTRUMENTS[instrument].label} total")


def score(instrument: str, answers: list[int]) -> Score:
    """Total and severity of a complete set of answers; ValueError if they cannot be scored."""
    if instrument not in INSTRUMENTS:
        raise ValueError(f"unknown instrument {instrument!r}")
    errors = answer_errors(instrument, answers)
    if errors:
        raise ValueError(" ".join(errors))
    total = sum(answers)
    return Score(total=total, severity=severity_for(instrument, total))
