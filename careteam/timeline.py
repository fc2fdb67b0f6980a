"""The patient timeline: one chronological list of everything that happened in a patient's care,
across the components, newest first.

The core does not import the component apps. Each app that contributes entries has a provider
module ``<app>.timeline`` with ``COMPONENT`` (its component name) and
``timeline_entries(*, patient_id, since, until, before, limit) -> list[Entry]``; they are found
through the app registry (like ``<app>.demo`` in seed_demo). The flags provider is here.

Every provider query is narrowed to one patient and a date range, ordered newest first on an
index and cut to ``limit`` rows, so a page costs a fixed number of queries however long the
history. Paging is by keyset: ``before`` is the last entry's (when, source, id), so page N
costs what page 1 costs. Psychotherapy notes are never asked for (they are their author's
alone).
"""

import base64
import binascii
import datetime
import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from .models import Flag, FlagAcknowledgement, User
from .providers import app_modules

COMPONENTS: dict[str, str] = {
    "therapy": "Therapy",
    "medication": "Medication",
    "case_management": "Case management",
    "care_plan": "Care plan",
    "flags": "Flags",
}
PROVIDER_MODULE = "timeline"
MAX_LIMIT = 200
TITLE_LENGTH = 80


@dataclass(frozen=True, order=True)
class Cursor:
    """Where a page ends: entries strictly older than this come next.

    Entries are ordered by (at, source, id) descending; ``source`` names the table an entry
    comes from (e.g. "therapy.session"), ``id`` is its row id there."""

    at: datetime.datetime
    source: str
    id: int

    def encode(self) -> str:
        raw = f"{self.at.astimezone(datetime.UTC).isoformat()}|{self.source}|{self.id}"
        return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")

    @classmethod
    def decode(cls, token: str) -> "Cursor":
        """Raise ValueError for anything that is not a cursor this module made."""
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
            at_text, source, id_text = raw.split("|")
            at = datetime.datetime.fromisoformat(at_text)
            row_id = int(id_text)
        except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
            raise ValueError("Not a valid cursor.") from exc
        if timezone.is_naive(at) or not source or row_id < 0:
            raise ValueError("Not a valid cursor.")
        return cls(at=at, source=source, id=row_id)


@dataclass
class Entry:
    """One thing that happened. ``title`` is a short summary, never a note's free text.

    Providers give ``who_id`` (the staff member, None for the system); ``patient_timeline``
    fills in ``who`` for a whole page with one query."""

    at: datetime.datetime
    component: str
    kind: str
    title: str
    url: str
    source: str
    id: int
    who_id: int | None = None
    who: str = ""

    @property
    def cursor(self) -> Cursor:
        return Cursor(at=self.at, source=self.source, id=self.id)

    @property
    def sort_key(self) -> tuple[datetime.datetime, str, int]:
        return (self.at, self.source, self.id)

    @property
    def component_label(self) -> str:
        return COMPONENTS.get(self.component, self.component)

    @property
    def at_iso(self) -> str:
        """When, in the server's time zone, for <time datetime>."""
        return timezone.localtime(self.at).isoformat()

    @property
    def at_text(self) -> str:
        return f"{timezone.localtime(self.at):%Y-%m-%d %H:%M}"


@dataclass
class Page:
    entries: list[Entry]
    next_cursor: Cursor | None


# --- helpers for providers ------------------------------------------------------------------------


def start_of_day(day: datetime.date) -> datetime.datetime:
    """Midnight of ``day`` in the server's time zone: where date-only records sit."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def short(text: str, length: int = TITLE_LENGTH) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def _names(user_ids: set[int]) -> dict[int, str]:
    """Staff members' names as the app shows them (User.__str__), in one query."""
    users = User.objects.filter(pk__in=user_ids).only("first_name", "last_name", "username")
    return {user.pk: str(user) for user in users}


def range_q(field: str, *, is_date: bool, since: datetime.date | None,
            until: datetime.date | None) -> Q:
    """``since``..``until`` (both days included) on a date or datetime field."""
    q = Q()
    if since is not None:
        q &= Q(**{f"{field}__gte": since if is_date else start_of_day(since)})
    if until is not None:
        if is_date:
            q &= Q(**{f"{field}__lte": until})
        else:
            q &= Q(**{f"{field}__lt": start_of_day(until + datetime.timedelta(days=1))})
    return q


def before_q(field: str, *, is_date: bool, source: str, before: Cursor | None,
             id_field: str = "id") -> Q:
    """Rows of ``source`` that sort strictly after the cursor (i.e. are older): (at, source, id)
    less than the cursor's. Date fields stand for midnight of their day."""
    if before is None:
        return Q()
    if is_date:
        local = timezone.localtime(before.at)
        day = local.date()
        at_midnight = local.time() == datetime.time.min
        older = Q(**{f"{field}__lt": day}) if at_midnight else Q(**{f"{field}__lte": day})
        same = Q(**{field: day}) if at_midnight else None
    else:
        older = Q(**{f"{field}__lt": before.at})
        same = Q(**{field: before.at})
    if same is None or source > before.source:
        return older
    if source < before.source:
        return older | same
    return older | (same & Q(**{f"{id_field}__lt": before.id}))


def window_q(field: str, *, is_date: bool, source: str, since: datetime.date | None,
             until: datetime.date | None, before: Cursor | None, id_field: str = "id") -> Q:
    return (range_q(field, is_date=is_date, since=since, until=until)
            & before_q(field, is_date=is_date, source=source, before=before, id_field=id_field))


# --- the flags provider (careteam's own) ---------------------------------------------------------

COMPONENT = "flags"


def timeline_entries(*, patient_id: int, since: datetime.date | None, until: datetime.date | None,
                     before: Cursor | None, limit: int) -> list[Entry]:
    """Flags raised and their acknowledgements (the flag's message is free text: not shown)."""
    flags = (Flag.objects.filter(patient_id=patient_id)
             .filter(window_q("created_at", is_date=False, source="flags.flag", since=since,
                              until=until, before=before))
             .only("id", "created_at", "severity", "category", "raised_by")
             .order_by("-created_at", "-id")[:limit])
    acks = (FlagAcknowledgement.objects.filter(flag__patient_id=patient_id)
            .filter(window_q("at", is_date=False, source="flags.ack", since=since, until=until,
                             before=before))
            .select_related("flag").only("id", "at", "user", "flag", "flag__category")
            .order_by("-at", "-id")[:limit])
    entries = [
        Entry(at=flag.created_at, component=COMPONENT, kind="flag_raised",
              title=f"{flag.get_severity_display()} flag raised: {flag.get_category_display()}",
              who_id=flag.raised_by_id, url=reverse("flag_detail", kwargs={"flag_id": flag.pk}),
              source="flags.flag", id=flag.pk)
        for flag in flags
    ]
    entries += [
        Entry(at=ack.at, component=COMPONENT, kind="flag_acknowledged",
              title=f"Flag acknowledged: {ack.flag.get_category_display()}",
              who_id=ack.user_id, url=reverse("flag_detail", kwargs={"flag_id": ack.flag_id}),
              source="flags.ack", id=ack.pk)
        for ack in acks
    ]
    return entries


# --- merging ---------------------------------------------------------------------------------------

Provider = Callable[..., list[Entry]]


@functools.cache
def _provider_modules() -> tuple[ModuleType, ...]:
    """``<app>.timeline`` of every component app (careteam's own provider is this module).
    Looked up once per process: the installed apps do not change."""
    return tuple(module for _app, module in app_modules(PROVIDER_MODULE))


def providers(components: Iterable[str] | None = None) -> list[tuple[str, Provider]]:
    """(component, timeline_entries) of every provider, narrowed to ``components`` if given."""
    wanted = set(components) if components is not None else None
    found: list[tuple[str, Provider]] = [(COMPONENT, timeline_entries)]
    found += [(module.COMPONENT, module.timeline_entries) for module in _provider_modules()]
    return [(component, fn) for component, fn in found if wanted is None or component in wanted]


def patient_timeline(*, patient: Any, components: Iterable[str] | None = None,
                     since: datetime.date | None = None, until: datetime.date | None = None,
                     before: Cursor | None = None, limit: int = 50) -> Page:
    """One page of the patient's timeline, newest first. Access is the caller's business
    (careteam.access.VIEW_CLINICAL); this reads for whoever asks."""
    limit = max(1, min(int(limit), MAX_LIMIT))
    entries: list[Entry] = []
    for _component, provide in providers(components):
        entries += provide(patient_id=patient.pk, since=since, until=until, before=before,
                           limit=limit + 1)
    entries.sort(key=lambda e: e.sort_key, reverse=True)
    page = entries[:limit]
    names = _names({e.who_id for e in page if e.who_id is not None})
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
        errors["component"] = [f"Unknown component: {', '.join(unknown)[:100]}. "
                               f"Choose from {', '.join(COMPONENTS)}."]
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
