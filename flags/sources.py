"""The records a flag may be about: the page of each and its name in words.

A flag can point at one of the patient's records (a side-effect report, a referral, a PHQ-9).
The flags layer cannot import the care components, which stand above it, so each component
registers its resolver here when it starts (``AppConfig.ready``): the arrow points down, from
the component. A resolver answers for many records of one type at once (one query), so a list
of flags costs the same however many rows it shows.
"""

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass

from careteam.audit_text import record_text


@dataclass(frozen=True)
class Source:
    """A record a flag is about: where to see it and what it is ("PHQ-9 of 3 Dec 2026: 14,
    moderate"). The label is for staff pages only, never for logs, URLs or emails."""

    url: str
    label: str


# (source_type, [(source_id, patient_id), ...]) -> {source_id: Source} for the records of that
# type that exist and are their patient's; an unknown type gives {}.
Resolver = Callable[[str, Collection[tuple[int, int]]], dict[int, Source]]

_resolvers: list[Resolver] = []


def register(resolver: Resolver) -> None:
    if resolver not in _resolvers:
        _resolvers.append(resolver)


def records(refs: Iterable[tuple[str, int | None, int]]) -> dict[tuple[str, int], Source]:
    """The records that (source_type, source_id, patient_id) triples are about, keyed by
    (source_type, source_id): one query per type and resolver, however many triples."""
    by_type: dict[str, set[tuple[int, int]]] = {}
    for source_type, source_id, patient_id in refs:
        if source_type and source_id is not None:
            by_type.setdefault(source_type, set()).add((source_id, patient_id))
    found: dict[tuple[str, int], Source] = {}
    for source_type, pairs in by_type.items():
        for resolver in _resolvers:
            for source_id, source in resolver(source_type, pairs).items():
                found.setdefault((source_type, source_id), source)
    return found


def record(source_type: str, source_id: int | None, patient_id: int) -> Source | None:
    """The record a flag is about, if it is that patient's."""
    if not source_type or source_id is None:
        return None
    return records([(source_type, source_id, patient_id)]).get((source_type, source_id))


def record_url(source_type: str, source_id: int | None, patient_id: int) -> str | None:
    """The page of the record a flag is about, if it is that patient's."""
    source = record(source_type, source_id, patient_id)
    return source.url if source is not None else None


def patients_by_id(refs: Collection[tuple[int, int]]) -> dict[int, set[int]]:
    """{record id: the patient ids it was asked for}: a resolver keeps a record only if it is
    the patient's it was asked for."""
    wanted: dict[int, set[int]] = {}
    for source_id, patient_id in refs:
        wanted.setdefault(source_id, set()).add(patient_id)
    return wanted


def fallback_label(source_type: str, source_id: int | None) -> str:
    """A record no component can show (gone, or a type without a page): its type and id."""
    return record_text(source_type, str(source_id if source_id is not None else ""))
