"""The audit log in words, for its page: which record a row is about ("Assessment 25") and what
changed ("status: active → discharged", "fields changed: phone", "break-glass grant 3",
"refused: 404"), never a Python dict. Rows hold ids and field names only (careteam/audit.py),
so the words do too: the page shows nothing the row does not."""

from typing import Any

# object_type (as careteam.audit.record writes it) -> what a reader calls it
RECORD_TYPES: dict[str, str] = {
    "adherenceobservation": "Adherence observation",
    "allergy": "Allergy",
    "assessment": "Assessment",
    "breakglassgrant": "Break-glass grant",
    "careplan": "Care plan",
    "careplanhistory": "Care plan history",
    "careteam": "Care team",
    "careteammember": "Care-team member",
    "caseload": "Caseload",
    "contact": "Contact",
    "flag": "Flag",
    "goal": "Goal",
    "medicationorder": "Medication order",
    "needassessment": "Need assessment",
    "notification": "Notification",
    "patient": "Patient",
    "progressnote": "Progress note",
    "psychiatricreview": "Psychiatric review",
    "psychotherapynote": "Psychotherapy note",
    "referral": "Referral",
    "resource": "Community resource",
    "resourceimport": "Resource import",
    "sideeffectreport": "Side-effect report",
    "team_metrics": "Team metrics",
    "therapycourse": "Therapy course",
    "therapysession": "Therapy session",
    "timeline": "Timeline of patient",
    "user": "Staff member",
}
# Keys whose value is the id of a record of this type.
ID_KEYS: dict[str, str] = {
    "break_glass": "break-glass grant",
    "import": "resource import",
    "order": "medication order",
    "resource": "community resource",
    "session": "therapy session",
    "superseded_by": "superseded by order",
    "user": "staff member",
    "acknowledged_by": "acknowledged by staff member",
}


def record_text(object_type: str, object_id: str) -> str:
    """e.g. "Assessment 25"; an unknown type is written out from its code."""
    label = RECORD_TYPES.get(object_type) or object_type.replace("_", " ").capitalize()
    return f"{label} {object_id}".strip()


def changes_text(changes: Any, *, action: str = "") -> str:
    """What an audit row's ``changes`` say, in one line ("" when they say nothing)."""
    if not isinstance(changes, dict) or not changes:
        return _value(changes) if changes not in (None, {}, "") else ""
    return "; ".join(_parts(changes, action=action))


def _parts(changes: dict, *, action: str = "") -> list[str]:
    parts: list[str] = []
    changed: list[str] = []
    for key, value in changes.items():
        name = _words(str(key))
        if value == "changed":
            changed.append(name)
        elif key == "fields" and isinstance(value, list | tuple):
            changed.extend(_words(str(v)) for v in value)
        elif key == "fields" and isinstance(value, dict):
            inner = _parts(value)
            parts.extend(inner)
        elif key == "status" and action == "denied" or key == "refused":
            parts.append(f"refused: {_value(value)}")
        elif key in ID_KEYS and isinstance(value, int) and not isinstance(value, bool):
            parts.append(f"{ID_KEYS[key]} {value}")
        elif key == "goals" and isinstance(value, list):
            parts.extend(_goal(goal) for goal in value if isinstance(goal, dict))
        elif _is_pair(value):
            parts.append(f"{name}: {_value(value[0])} → {_value(value[1])}")
        elif isinstance(value, bool):
            parts.append(name if value else f"not {name}")
        elif isinstance(value, dict):
            inner = _parts(value)
            parts.append(f"{name} ({', '.join(inner)})" if inner else name)
        else:
            parts.append(f"{name}: {_value(value)}")
    if changed:
        parts.insert(0, f"fields changed: {', '.join(changed)}")
    return parts


def _goal(goal: dict) -> str:
    rest = {k: v for k, v in goal.items() if k != "id"}
    if rest.get("added") is not None and len(rest) == 1:
        return f"goal {goal.get('id')} added"
    inner = _parts(rest)
    return f"goal {goal.get('id')}: {', '.join(inner)}" if inner else f"goal {goal.get('id')}"


def _is_pair(value: Any) -> bool:
    return (
        isinstance(value, list | tuple)
        and len(value) == 2
        and not any(isinstance(v, dict | list) for v in value)
    )


def _words(text: str) -> str:
    return text.replace("_", " ")


def _value(value: Any) -> str:
    if value is None or value == "":
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return ", ".join(_value(v) for v in value) or "none"
    if isinstance(value, dict):
        return ", ".join(_parts(value)) or "none"
    return _words(str(value))
