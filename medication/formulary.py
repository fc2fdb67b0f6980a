"""The formulary: the psychiatric drugs CareTeam knows, with their class and usual maximum
daily dose (medication/formulary.json, each with the prescribing information it comes from).

Loaded once per process and cached; lookups are by name, case-insensitive.
"""

import json
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

DATA = Path(__file__).with_name("formulary.json")


@dataclass(frozen=True)
class Drug:
    name: str
    drug_class: str
    max_daily_dose: Decimal | None  # None: dosed by weight, no fixed maximum to check
    unit: str
    source: str


@cache
def drugs() -> tuple[Drug, ...]:
    """Every drug, by name."""
    raw = json.loads(DATA.read_text(encoding="utf-8"))["drugs"]
    loaded = [
        Drug(
            name=item["name"],
            drug_class=item["drug_class"],
            max_daily_dose=Decimal(item["max_daily_dose"]) if item["max_daily_dose"] is not None else None,
            unit=item["unit"],
            source=item["source"],
        )
        for item in raw
    ]
    return tuple(sorted(loaded, key=lambda drug: drug.name.lower()))


@cache
def _by_name() -> dict[str, Drug]:
    return {drug.name.lower(): drug for drug in drugs()}


def lookup(name: str) -> Drug | None:
    """The formulary entry for ``name`` (any case, surrounding spaces ignored), or None."""
    return _by_name().get((name or "").strip().lower())


def search(text: str = "") -> list[Drug]:
    """Drugs whose name contains ``text`` (all of them for no text)."""
    needle = (text or "").strip().lower()
    return [drug for drug in drugs() if needle in drug.name.lower()]
