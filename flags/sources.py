"""The records a flag may be about, and the page of each.

A flag can point at one of the patient's records (a side-effect report, a referral). The flags
layer cannot import the care components, which stand above it, so each component registers its
resolver here when it starts (``AppConfig.ready``): the arrow points down, from the component.
"""

from collections.abc import Callable

# (source_type, source_id, patient_id) -> the record's page if it is that patient's, else None
Resolver = Callable[[str, int, int], str | None]

_resolvers: list[Resolver] = []


def register(resolver: Resolver) -> None:
    if resolver not in _resolvers:
        _resolvers.append(resolver)


def record_url(source_type: str, source_id: int | None, patient_id: int) -> str | None:
    """The page of the record a flag is about, if it is that patient's."""
    if not source_type or source_id is None:
        return None
    for resolver in _resolvers:
        url = resolver(source_type, source_id, patient_id)
        if url is not None:
            return url
    return None
