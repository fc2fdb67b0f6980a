"""The patient page's PHQ-9/GAD-7 trend chart (server-side SVG geometry): measures from therapy,
medication changes as markers on the time axis."""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from .components import medication, therapy

# PHQ-9 severity bands (../shared/API.md): low, high, label, fill.
PHQ9_BANDS = [
    (0, 4, "None to minimal", "#e6f4ea"),
    (5, 9, "Mild", "#f3f7e0"),
    (10, 14, "Moderate", "#fdf4d8"),
    (15, 19, "Moderately severe", "#fce5d4"),
    (20, 27, "Severe", "#f9d9d9"),
]
Y_MAX = 27
SERIES = [("PHQ9", "PHQ-9", "#1f5fa8", ""), ("GAD7", "GAD-7", "#7a3e9d", "6 4")]
WIDTH, HEIGHT = 680, 280
LEFT, RIGHT, TOP, BOTTOM = 48, 120, 16, 44


@dataclass
class Chart:
    width: int = WIDTH
    height: int = HEIGHT
    plot: dict = field(default_factory=dict)
    bands: list = field(default_factory=list)
    y_ticks: list = field(default_factory=list)
    x_ticks: list = field(default_factory=list)
    series: list = field(default_factory=list)
    markers: list = field(default_factory=list)
    description: str = ""
    empty: bool = True


def _collect(patient_id: int) -> tuple[list, list]:
    points = therapy.measure_points(patient_id)
    changes = medication.medication_changes(patient_id)
    return sorted(points, key=lambda p: p[0]), sorted(changes, key=lambda c: c[0])


def trend_chart(*, patient_id: int, today: datetime.date | None = None) -> Chart:
    """Geometry of the PHQ-9/GAD-7 chart (server-side SVG): severity bands, one line per
    instrument, medication changes as markers on the time axis, and a text description."""
    points, changes = _collect(patient_id)
    dates = [p[0] for p in points] + [c[0] for c in changes]
    today = today or timezone.localdate()
    start, end = (min(dates), max(dates)) if dates else (today - datetime.timedelta(days=28), today)
    if start == end:
        start, end = start - datetime.timedelta(days=7), end + datetime.timedelta(days=7)
    span = (end - start).days
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(day: datetime.date) -> float:
        return round(LEFT + plot_w * (day - start).days / span, 1)

    def y(score: float) -> float:
        return round(TOP + plot_h * (1 - score / Y_MAX), 1)

    chart = Chart(
        plot={"x": LEFT, "y": TOP, "w": plot_w, "h": plot_h, "bottom": TOP + plot_h, "right": LEFT + plot_w},
        empty=not points,
    )
    for low, high, label, fill in PHQ9_BANDS:
        top_score = min(high + 1, Y_MAX)
        chart.bands.append(
            {
                "label": label,
                "fill": fill,
                "x": LEFT,
                "w": plot_w,
                "y": y(top_score),
                "h": round(y(low) - y(top_score), 1),
                "text_y": round((y(low) + y(top_score)) / 2 + 4, 1),
                "range": f"{low}–{high}",
            }
        )
    chart.y_ticks = [{"value": v, "y": y(v)} for v in (0, 5, 10, 15, 20, 27)]
    middle = start + datetime.timedelta(days=span // 2)
    chart.x_ticks = [
        {"label": d.isoformat(), "x": x(d), "anchor": anchor}
        for d, anchor in ((start, "start"), (middle, "middle"), (end, "end"))
    ]
    described = []
    for code, label, colour, dash in SERIES:
        mine = [(d, total) for d, instrument, total in points if instrument == code]
        if not mine:
            described.append(f"{label}: none recorded.")
            continue
        dots = [
            {"x": x(d), "y": y(total), "title": f"{label} {total} on {d.isoformat()}"} for d, total in mine
        ]
        chart.series.append(
            {
                "code": code,
                "label": label,
                "colour": colour,
                "dash": dash,
                "points": " ".join(f"{dot['x']},{dot['y']}" for dot in dots),
                "dots": dots,
            }
        )
        first, last = mine[0], mine[-1]
        if len(mine) == 1:
            described.append(f"{label}: one measure, {first[1]} on {first[0].isoformat()}.")
        else:
            described.append(
                f"{label}: {len(mine)} measures, from {first[1]} on "
                f"{first[0].isoformat()} to {last[1]} on {last[0].isoformat()}."
            )
    for day, label in changes:
        chart.markers.append({"x": x(day), "title": f"{day.isoformat()}: {label}"})
    if changes:
        described.append(
            "Medication changes: "
            + "; ".join(f"{label} on {day.isoformat()}" for day, label in changes)
            + "."
        )
    chart.description = " ".join(described)
    return chart
