"""The building blocks of the patient timeline: an entry, the keyset cursor, and the query
windows every component's provider (insights/components/) uses."""

import base64
import binascii
import datetime
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from careteam.dates import day_text, moment_text
from careteam.models import User

COMPONENTS: dict[str, str] = {
    "therapy": "Therapy",
    "medication": "Medication",
    "case_management": "Case management",
    "care_plan": "Care plan",
    "flags": "Flags",
}
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
    # A record marked entered in error stays on the timeline, struck through and labelled.
    entered_in_error: bool = False
    # A record dated by day only (a PHQ-9, a medication start): it sits at midnight of its day
    # for ordering, and is shown without a time.
    date_only: bool = False

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
        """When, in the server's time zone, for <time datetime> (a day alone: its date)."""
        local = timezone.localtime(self.at)
        return local.date().isoformat() if self.date_only else local.isoformat()

    @property
    def at_text(self) -> str:
        """ "3 Dec 2026, 14:05", or "3 Dec 2026" for a date-only record (careteam/dates.py)."""
        return day_text(self.at) if self.date_only else moment_text(self.at)


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


def staff_names(user_ids: set[int]) -> dict[int, str]:
    """Staff members' names as the app shows them (User.__str__), in one query."""
    users = User.objects.filter(pk__in=user_ids).only("first_name", "last_name", "username")
    return {user.pk: str(user) for user in users}


def range_q(field: str, *, is_date: bool, since: datetime.date | None, until: datetime.date | None) -> Q:
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


def before_q(field: str, *, is_date: bool, source: str, before: Cursor | None, id_field: str = "id") -> Q:
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


def window_q(
    field: str,
    *,
    is_date: bool,
    source: str,
    since: datetime.date | None,
    until: datetime.date | None,
    before: Cursor | None,
    id_field: str = "id",
) -> Q:
    return range_q(field, is_date=is_date, since=since, until=until) & before_q(
        field, is_date=is_date, source=source, before=before, id_field=id_field
    )
