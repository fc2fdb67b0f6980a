"""The patient timeline: one chronological list of everything that happened in a patient's care,
across the components, newest first.

Each component's provider is a ``timeline_entries(*, patient_id, since, until, before, limit)
-> list[Entry]`` in insights/components/, listed in ``PROVIDERS`` below (imported, not looked up).

Every provider query is narrowed to one patient and a date range, ordered newest first on an
index and cut to ``limit`` rows, so a page costs a fixed number of queries however long the
history. Paging is by keyset: ``before`` is the last entry's (when, source, id), so page N
costs what page 1 costs. Psychotherapy notes are never asked for (they are their author's
alone).
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from careteam.records import EARLIEST_DATE, LATEST_DATE

from .components import care_plan, casemanagement, flags, medication, therapy
from .entries import COMPONENTS, MAX_LIMIT, Cursor, Entry, Page, staff_names

# --- merging ---------------------------------------------------------------------------------------

Provider = Callable[..., list[Entry]]

PROVIDERS: tuple[tuple[str, Provider], ...] = (
    (flags.COMPONENT, flags.timeline_entries),
    (care_plan.COMPONENT, care_plan.timeline_entries),
    (therapy.COMPONENT, therapy.timeline_entries),
    (medication.COMPONENT, medication.timeline_entries),
    (casemanagement.COMPONENT, casemanagement.timeline_entries),
)


def providers(components: Iterable[str] | None = None) -> list[tuple[str, Provider]]:
    """(component, timeline_entries) of every provider, narrowed to ``components`` if given."""
    wanted = set(components) if components is not None else None
    return [(component, fn) for component, fn in PROVIDERS if wanted is None or component in wanted]


def patient_timeline(
    *,
    patient: Any,
    components: Iterable[str] | None = None,
    since: datetime.date | None = None,
    until: datetime.date | None = None,
    before: Cursor | None = None,
    limit: int = 50,
) -> Page:
    """One page of the patient's timeline, newest first. Access is the caller's business
    (patients.access.VIEW_CLINICAL); this reads for whoever asks."""
    limit = max(1, min(int(limit), MAX_LIMIT))
    entries: list[Entry] = []
    for _component, provide in providers(components):
        entries += provide(patient_id=patient.pk, since=since, until=until, before=before, limit=limit + 1)
    entries.sort(key=lambda e: e.sort_key, reverse=True)
    page = entries[:limit]
    names = staff_names({e.who_id for e in page if e.who_id is not None})
    for entry in page:
        entry.who = names.get(entry.who_id, "System") if entry.who_id is not None else "System"
    next_cursor = page[-1].cursor if len(entries) > limit else None
    return Page(entries=page, next_cursor=next_cursor)


# --- filters from a query string (page and API) -----------------------------------------------------


@dataclass
class Filters:
    components: list[str] | None = None
    since: datetime.date | None = None
    until: datetime.date | None = None
    before: Cursor | None = None
    limit: int = 50


def parse_filters(params: Any, *, default_limit: int = 50) -> tuple[Filters, dict[str, list[str]]]:
    """Filters from GET parameters ``component`` (repeated), ``from``, ``to`` (YYYY-MM-DD),
    ``before`` (a cursor) and ``page_size``; and the errors, one list per field."""
    errors: dict[str, list[str]] = {}
    filters = Filters(limit=default_limit)
    chosen = [c for c in params.getlist("component") if c != ""]
    unknown = sorted(set(chosen) - set(COMPONENTS))
    if unknown:
        errors["component"] = [
            f"Unknown component: {', '.join(unknown)[:100]}. Choose from {', '.join(COMPONENTS)}."
        ]
    elif chosen:
        filters.components = [c for c in COMPONENTS if c in chosen]
    for field in ("from", "to"):
        raw = (params.get(field) or "").strip()
        if not raw:
            continue
        try:
            day = datetime.date.fromisoformat(raw)
        except ValueError:
            errors[field] = ["Enter a date as YYYY-MM-DD."]
            continue
        if not EARLIEST_DATE <= day <= LATEST_DATE:
            errors[field] = [
                f"Enter a date between {EARLIEST_DATE.isoformat()} and {LATEST_DATE.isoformat()}."
            ]
            continue
        if field == "from":
            filters.since = day
        else:
            filters.until = day
    if filters.since and filters.until and filters.since > filters.until:
        errors["to"] = ["The end date must not be before the start date."]
    raw_before = (params.get("before") or "").strip()
    if raw_before:
        try:
            filters.before = Cursor.decode(raw_before)
        except ValueError:
            errors["before"] = ["Not a valid position in the timeline: start again from the top."]
    raw_size = (params.get("page_size") or "").strip()
    if raw_size:
        try:
            size = int(raw_size)
        except ValueError:
            size = 0
        if not 1 <= size <= MAX_LIMIT:
            errors["page_size"] = [f"Enter a whole number from 1 to {MAX_LIMIT}."]
        else:
            filters.limit = size
    return filters, errors


def query_string(params: Any, *, before: Cursor) -> str:
    """The same filters with ``before`` set to a new cursor (for the "Older" link)."""
    query = params.copy()
    query["before"] = before.encode()
    return query.urlencode()
