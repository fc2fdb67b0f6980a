"""Writes of case management. One transaction each (the import job: one per chunk), audited with
ids and enum values only."""

import datetime
import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from careteam import audit
from careteam.models import User
from careteam.records import counted, date_errors, entered_in_error_mark
from careteam.versioning import versioned_update
from flags.services import flags_resolve_for_record
from patients import access as patient_access
from patients import summary
from patients.models import Patient

from . import csvfile
from .models import (
    LONG_TEXT,
    OPEN_STATUSES,
    Category,
    CommunityResource,
    Contact,
    NeedAssessment,
    Referral,
    ReferralStatusChange,
    ResourceImport,
)

logger = logging.getLogger(__name__)

RESOURCE_FIELDS = (
    "external_id",
    "name",
    "category",
    "description",
    "address",
    "phone",
    "website",
    "eligibility",
    "hours",
    "is_active",
)
DEFAULT_IMPORT_CHUNK_SIZE = 100

Status = Referral.Status
# The closed loop: where a referral may go next from each status.
NEXT_STATUSES: dict[str, tuple[str, ...]] = {
    Status.DRAFT: (Status.SENT, Status.CLOSED),
    Status.SENT: (Status.ACCEPTED, Status.DECLINED, Status.CLOSED),
    Status.ACCEPTED: (Status.IN_PROGRESS, Status.CLOSED),
    Status.IN_PROGRESS: (Status.COMPLETED, Status.CLOSED),
    Status.COMPLETED: (Status.CLOSED,),
    Status.DECLINED: (Status.CLOSED,),
    Status.CLOSED: (),
}


def needs_reason(*, from_status: str, to_status: str) -> bool:
    """Declining, and closing without completion, must say why."""
    return to_status == Status.DECLINED or (to_status == Status.CLOSED and from_status != Status.COMPLETED)


def _labels(values: tuple[str, ...]) -> str:
    return ", ".join(str(Status(value).label).lower() for value in values)


# --- needs and contacts -------------------------------------------------------------------------


@transaction.atomic
def need_record(
    *,
    actor: User,
    patient: Patient,
    domain: str,
    priority: str,
    assessed_on: datetime.date,
    status: str = NeedAssessment.Status.OPEN,
    notes: str = "",
) -> NeedAssessment:
    """Record an assessment of one need domain (a re-assessment adds a row; nothing is edited)."""
    need = NeedAssessment(
        patient=patient,
        domain=domain,
        priority=priority,
        status=status,
        notes=notes,
        assessed_on=assessed_on,
        assessed_by=actor,
    )
    errors: dict[str, list[str]] = {}
    if isinstance(assessed_on, datetime.date):
        if assessed_on > timezone.localdate():
            errors["assessed_on"] = ["The assessment date cannot be in the future."]
        else:
            errors.update(date_errors(assessed_on, field="assessed_on", born=patient.date_of_birth))
    try:
        need.full_clean(exclude=list(errors))
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    need.save()
    audit.record(
        actor=actor,
        action=audit.Action.CREATE,
        object_type="needassessment",
        object_id=need.pk,
        patient_id=patient.pk,
        changes={"domain": domain, "priority": priority, "status": status},
    )
    return need


@transaction.atomic
def contact_record(
    *,
    actor: User,
    patient: Patient,
    contacted_at: datetime.datetime,
    channel: str,
    outcome: str,
    notes: str = "",
) -> Contact:
    contact = Contact(
        patient=patient,
        contacted_at=contacted_at,
        channel=channel,
        outcome=outcome,
        notes=notes,
        recorded_by=actor,
    )
    errors: dict[str, list[str]] = {}
    if isinstance(contacted_at, datetime.datetime):
        if timezone.is_naive(contacted_at):
            errors["contacted_at"] = ["Give the time with its time zone."]
        elif contacted_at > timezone.now() + datetime.timedelta(minutes=5):
            errors["contacted_at"] = ["The contact cannot be in the future."]
        else:
            # the future is checked above, with a few minutes' grace for clocks
            on = timezone.localdate(contacted_at)
            errors.update(date_errors(on, field="contacted_at", born=patient.date_of_birth, happened=False))
    try:
        contact.full_clean(exclude=list(errors))
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    contact.save()
    audit.record(
        actor=actor,
        action=audit.Action.CREATE,
        object_type="contact",
        object_id=contact.pk,
        patient_id=patient.pk,
        changes={"channel": channel, "outcome": outcome},
    )
    summary.contact_recorded(patient_id=patient.pk, at=contacted_at)
    return contact


# --- the resource directory ---------------------------------------------------------------------


NAME_MISSING = "Enter the resource's name."
CATEGORY_UNKNOWN = f"Unknown category: use one of {', '.join(Category.values)}."


def _resource_errors(resource: CommunityResource) -> dict[str, list[str]]:
    """Everything wrong with a resource, with messages that never quote the values (they end up
    in import reports)."""
    errors: dict[str, list[str]] = {}
    if not (resource.name or "").strip():
        errors["name"] = [NAME_MISSING]
    if resource.category not in Category.values:
        errors["category"] = [CATEGORY_UNKNOWN]
    try:
        resource.full_clean(exclude=list(errors), validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            errors.setdefault(name, []).extend(messages)
    return errors


def _external_id_taken(resource: CommunityResource) -> bool:
    if not resource.external_id:
        return False
    return CommunityResource.objects.filter(external_id=resource.external_id).exclude(pk=resource.pk).exists()


def _clean_resource_fields(fields: dict[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - set(RESOURCE_FIELDS)
    if unknown:
        raise ValueError(f"not resource fields: {sorted(unknown)}")
    cleaned = dict(fields)
    for name in ("name", "address", "phone", "hours", "website"):
        if isinstance(cleaned.get(name), str):
            cleaned[name] = cleaned[name].strip()
    if "external_id" in cleaned:
        cleaned["external_id"] = (cleaned["external_id"] or "").strip() or None
    return cleaned


def _save_resource(resource: CommunityResource, *, update_fields: list[str] | None = None) -> None:
    resource.match_key = CommunityResource.key_for(resource.name, resource.address)
    if update_fields is not None:
        update_fields = [*update_fields, "match_key"]
    try:
        with transaction.atomic():
            resource.save(update_fields=update_fields)
    except IntegrityError as exc:  # a concurrent save with the same external id
        raise ValidationError({"external_id": ["Another resource already has this external id."]}) from exc


@transaction.atomic
def resource_create(*, actor: User, **fields: Any) -> CommunityResource:
    resource = CommunityResource(**_clean_resource_fields(fields), updated_by=actor)
    errors = _resource_errors(resource)
    if "external_id" not in errors and _external_id_taken(resource):
        errors["external_id"] = ["Another resource already has this external id."]
    if errors:
        raise ValidationError(errors)
    _save_resource(resource)
    audit.record(
        actor=actor,
        action=audit.Action.CREATE,
        object_type="resource",
        object_id=resource.pk,
        changes={"category": resource.category, "is_active": resource.is_active},
    )
    return resource


def resource_update(
    *, actor: User, resource: CommunityResource, version: int, **fields: Any
) -> CommunityResource:
    """Edit a directory entry. ``version`` is the version the edit is based on: if a colleague
    (or an import) saved in between, nothing is written and StaleEdit says so
    (careteam.versioning)."""

    def validate(resource: CommunityResource) -> dict[str, list[str]]:
        errors = _resource_errors(resource)
        if "external_id" not in errors and _external_id_taken(resource):
            errors["external_id"] = ["Another resource already has this external id."]
        return errors

    return versioned_update(
        actor=actor,
        version=version,
        fields=_clean_resource_fields(fields),
        allowed=RESOURCE_FIELDS,
        kind="resource",
        noun="resource",
        patient_id=None,
        lock=lambda: CommunityResource.objects.select_for_update().get(pk=resource.pk),
        validate=validate,
        stamp_user=True,
        audited_values=("category", "is_active"),
        save=lambda resource, update_fields: _save_resource(resource, update_fields=update_fields),
    )


# --- CSV import of the directory ----------------------------------------------------------------


def _chunk_size() -> int:
    return max(1, int(getattr(settings, "CASEMANAGEMENT_IMPORT_CHUNK_SIZE", DEFAULT_IMPORT_CHUNK_SIZE)))


@transaction.atomic
def resource_import_start(*, actor: User, filename: str, content_type: str, data: bytes) -> ResourceImport:
    """Check an uploaded directory CSV and queue its import. A file that is not CSV, or lacks a
    required column, is refused here (ValidationError on ``file``): nothing stored or queued."""
    try:
        text = csvfile.decode(filename=filename, content_type=content_type, data=data)
        table = csvfile.read(text)
    except csvfile.NotACsvFile as exc:
        raise ValidationError({"file": [str(exc)]}) from None
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1][:255]
    job = ResourceImport.objects.create(
        filename=name,
        content=text,
        chunk_size=_chunk_size(),
        total_rows=len(table.rows),
        ignored_columns=table.ignored_columns,
        uploaded_by=actor,
    )
    audit.record(
        actor=actor,
        action=audit.Action.CREATE,
        object_type="resourceimport",
        object_id=job.pk,
        changes={"total_rows": job.total_rows},
    )
    transaction.on_commit(lambda: _publish_import(job.pk))
    return job


def _publish_import(import_id: int) -> None:
    """Queue the job after the commit. If the broker is down the import stays queued (the row
    is committed) and resource_imports_resume publishes it again later."""
    from .tasks import resource_import_run

    try:
        resource_import_run.delay(import_id)
    except Exception:  # noqa: BLE001 - the upload itself has succeeded
        logger.exception("resource import %s: could not queue the job; it will be retried", import_id)


_TRUE = {"yes", "y", "true", "1", "active"}
_FALSE = {"no", "n", "false", "0", "inactive"}


def _row_fields(values: dict[str, str]) -> tuple[dict[str, Any], str | None]:
    """Model field values from one CSV row (only the columns the file has), or why not."""
    fields: dict[str, Any] = {name: value for name, value in values.items() if name in RESOURCE_FIELDS}
    if "category" in fields:
        fields["category"] = fields["category"].lower().replace(" ", "_").replace("-", "_")
    if not fields.get("external_id"):
        fields.pop("external_id", None)  # a row without one keeps the matched resource's
    if "active" in values:
        flag = values["active"].lower()
        if flag in _TRUE:
            fields["is_active"] = True
        elif flag in _FALSE:
            fields["is_active"] = False
        elif flag:
            return fields, "Active: use yes or no."
    return fields, None


def _reason(errors: dict[str, list[str]]) -> str:
    labels = {f.name: str(f.verbose_name).capitalize() for f in CommunityResource._meta.fields}
    order = [*RESOURCE_FIELDS, "__all__"]
    parts = []
    for name in sorted(errors, key=lambda n: order.index(n) if n in order else len(order)):
        for message in errors[name]:
            own = message in (NAME_MISSING, CATEGORY_UNKNOWN)  # these say which field already
            parts.append(message if own else f"{labels.get(name, name)}: {message}")
    return " ".join(parts)


def _import_save(
    resource: CommunityResource, *, before: dict[str, Any], created: bool, actor: User
) -> list[str]:
    """Save an imported row's resource (a new one, or a matched one that changed); returns the
    fields it changed."""
    if created:
        _save_resource(resource)
        return list(RESOURCE_FIELDS)
    changed = [name for name in RESOURCE_FIELDS if getattr(resource, name) != before[name]]
    if changed:
        resource.version += 1
        resource.updated_at = timezone.now()
        resource.updated_by = actor
        _save_resource(resource, update_fields=[*changed, "version", "updated_at", "updated_by"])
    return changed


def _import_chunk(
    job: ResourceImport, rows: list[tuple[int, dict[str, str]]], problems: dict[int, str]
) -> None:
    """Create or update the resources of one chunk; count each row on ``job``."""
    parsed = [(line, *_row_fields(values)) for line, values in rows]
    external_ids = {f["external_id"] for _, f, _ in parsed if f.get("external_id")}
    keys = {CommunityResource.key_for(f.get("name", ""), f.get("address", "")) for _, f, _ in parsed}
    by_external_id = {
        r.external_id: r for r in CommunityResource.objects.filter(external_id__in=external_ids)
    }
    by_key: dict[str, CommunityResource] = {}
    for resource in CommunityResource.objects.filter(match_key__in=keys).order_by("-id"):
        by_key[resource.match_key] = resource  # the oldest wins
    actor = job.uploaded_by
    for line, fields, problem in parsed:
        problem = problems.get(line) or problem
        if problem is None and not fields.get("name"):
            problem = NAME_MISSING
        if problem:
            job.rejected_count += 1
            job.rejected_rows.append({"line": line, "reason": problem})
            continue
        key = CommunityResource.key_for(fields["name"], fields.get("address", ""))
        existing = None
        if fields.get("external_id"):
            existing = by_external_id.get(fields["external_id"])
            if existing is None:
                # adopt a hand-made entry for the same service rather than duplicate it
                candidate = by_key.get(key)
                if candidate is not None and not candidate.external_id:
                    existing = candidate
        else:
            existing = by_key.get(key)
        resource = existing or CommunityResource(updated_by=actor)
        before = {name: getattr(resource, name) for name in RESOURCE_FIELDS}
        for name, value in fields.items():
            setattr(resource, name, value)
        errors = _resource_errors(resource)
        if not errors:
            try:
                changed = _import_save(resource, before=before, created=existing is None, actor=actor)
            except ValidationError as exc:  # an external id taken meanwhile by another write
                errors = exc.message_dict
        if errors:
            for name in before:  # leave the matched resource as it was
                setattr(resource, name, before[name])
            job.rejected_count += 1
            job.rejected_rows.append({"line": line, "reason": _reason(errors)})
            continue
        if existing is None:
            job.created_count += 1
            audit.record(
                actor=actor,
                action=audit.Action.CREATE,
                object_type="resource",
                object_id=resource.pk,
                changes={"import": job.pk},
            )
        elif not changed:
            job.unchanged_count += 1
            continue
        else:
            job.updated_count += 1
            audit.record(
                actor=actor,
                action=audit.Action.UPDATE,
                object_type="resource",
                object_id=resource.pk,
                changes={"import": job.pk, "fields": changed},
            )
        if resource.external_id:
            by_external_id[resource.external_id] = resource
        by_key.setdefault(resource.match_key, resource)


def resource_import_process(*, import_id: int) -> ResourceImport:
    """Run an import, ``chunk_size`` rows per transaction, saving the progress with each chunk.

    Runs as the uploader (their name is on the audit rows). Safe to run again or concurrently:
    each chunk locks the import row and starts from the rows already processed, so a re-delivered
    job continues where the last one stopped and a finished import is left alone. Rows are
    matched on external_id when the file has one for the row, otherwise on (name, address)
    case-insensitively; a matched row that would change nothing counts as unchanged.
    """
    job = ResourceImport.objects.select_related("uploaded_by").get(pk=import_id)
    if job.finished:
        return job
    try:
        table = csvfile.read(job.content)
    except csvfile.NotACsvFile:  # checked at upload; only a changed parser could get here
        return resource_import_fail(import_id=job.pk, error="The stored file could not be read.")
    while True:
        with transaction.atomic():
            job = ResourceImport.objects.select_for_update().select_related("uploaded_by").get(pk=import_id)
            if job.finished:
                return job
            start = job.processed_rows
            if job.status == ResourceImport.Status.QUEUED:
                job.status = ResourceImport.Status.RUNNING
                job.started_at = timezone.now()
            rows = table.rows[start : start + job.chunk_size]
            _import_chunk(job, rows, table.problems)
            job.processed_rows = start + len(rows)
            fields = [
                "status",
                "started_at",
                "processed_rows",
                "created_count",
                "updated_count",
                "unchanged_count",
                "rejected_count",
                "rejected_rows",
            ]
            if job.processed_rows >= job.total_rows or not rows:
                job.status = ResourceImport.Status.DONE
                job.finished_at = timezone.now()
                fields.append("finished_at")
                audit.record(
                    actor=job.uploaded_by,
                    action=audit.Action.UPDATE,
                    object_type="resourceimport",
                    object_id=job.pk,
                    changes={
                        "status": job.status,
                        "created": job.created_count,
                        "updated": job.updated_count,
                        "unchanged": job.unchanged_count,
                        "rejected": job.rejected_count,
                    },
                )
            job.save(update_fields=fields)
        logger.info("resource import %s: %s of %s rows", job.pk, job.processed_rows, job.total_rows)
        if job.finished:
            return job


@transaction.atomic
def resource_import_fail(
    *, import_id: int, error: str = "The import stopped on an unexpected error."
) -> ResourceImport:
    """Mark an import failed (the job gave up). Chunks already processed stay imported."""
    job = ResourceImport.objects.select_for_update().select_related("uploaded_by").get(pk=import_id)
    if job.finished:
        return job
    job.status = ResourceImport.Status.FAILED
    job.error = error[:300]
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "error", "finished_at"])
    audit.record(
        actor=job.uploaded_by,
        action=audit.Action.UPDATE,
        object_type="resourceimport",
        object_id=job.pk,
        changes={"status": job.status, "processed": job.processed_rows},
    )
    return job


# --- referrals ----------------------------------------------------------------------------------


def _follow_ups_changed(patient_id: int) -> None:
    """Tell the registry the follow-up dates of the patient's open referrals."""
    dates = counted(
        Referral.objects.filter(patient_id=patient_id, status__in=OPEN_STATUSES, follow_up_on__isnull=False)
    ).values_list("follow_up_on", flat=True)
    summary.follow_ups_set(patient_id=patient_id, dates=[on for on in dates if on is not None])


def _follow_up_errors(on: datetime.date | None, *, patient: Patient) -> dict[str, list[str]]:
    """A follow-up date may be ahead, but not before the patient was born nor outside 1900–2100."""
    return date_errors(on, field="follow_up_on", born=patient.date_of_birth, happened=False)


@transaction.atomic
def referral_create(
    *,
    actor: User,
    patient: Patient,
    resource: CommunityResource,
    follow_up_on: datetime.date | None = None,
    note: str = "",
) -> Referral:
    """A draft referral of the patient to an active resource; its history starts here."""
    errors: dict[str, list[str]] = {}
    # The row as it is now (an unsaved or missing one has no pk, so no row).
    pk = getattr(resource, "pk", None)
    found = CommunityResource.objects.filter(pk=pk).first() if pk is not None else None
    if found is None:
        errors["resource"] = ["Choose a resource from the directory."]
    elif not found.is_active:
        errors["resource"] = ["This resource is inactive: choose an active resource."]
    if len(note or "") > LONG_TEXT:
        errors["note"] = [f"Keep the note under {LONG_TEXT} characters."]
    if follow_up_on is not None and not isinstance(follow_up_on, datetime.date):
        errors["follow_up_on"] = ["Enter a valid date."]
    else:
        errors.update(_follow_up_errors(follow_up_on, patient=patient))
    if errors or found is None:  # a missing resource is one of the errors
        raise ValidationError(errors)
    resource = found
    now = timezone.now()
    referral = Referral.objects.create(
        patient=patient,
        resource=resource,
        follow_up_on=follow_up_on,
        created_by=actor,
        created_at=now,
        updated_at=now,
    )
    ReferralStatusChange.objects.create(
        referral=referral,
        from_status="",
        to_status=Status.DRAFT,
        note=note or "",
        changed_by=actor,
        changed_at=now,
    )
    _follow_ups_changed(patient.pk)
    audit.record(
        actor=actor,
        action=audit.Action.CREATE,
        object_type="referral",
        object_id=referral.pk,
        patient_id=patient.pk,
        changes={"resource": resource.pk, "status": referral.status},
    )
    return referral


_UNCHANGED = object()


@transaction.atomic
def referral_status_change(
    *,
    actor: User,
    referral: Referral,
    status: str,
    reason: str = "",
    note: str = "",
    follow_up_on: Any = _UNCHANGED,
) -> Referral:
    """Move a referral one step along its lifecycle; each step is a history row. Declining and
    closing without completion need a reason; skipping a step is refused, naming the allowed
    next steps."""
    referral = Referral.objects.select_for_update().select_related("patient").get(pk=referral.pk)
    current = referral.status
    allowed = NEXT_STATUSES.get(current, ())
    errors: dict[str, list[str]] = {}
    reason = reason or ""
    if status not in Status.values:
        errors["status"] = [f"Unknown status: use one of {', '.join(Status.values)}."]
    elif status not in allowed:
        if not allowed:
            errors["status"] = [
                f"This referral is {Status(current).label.lower()}: its status can no longer change."
            ]
        else:
            errors["status"] = [
                f"A {Status(current).label.lower()} referral cannot become "
                f"{Status(status).label.lower()}; it can next be: "
                f"{_labels(allowed)}."
            ]
    if reason and reason not in Referral.Reason.values:
        errors["reason"] = [f"Unknown reason: use one of {', '.join(Referral.Reason.values)}."]
    elif "status" not in errors:
        if needs_reason(from_status=current, to_status=status) and not reason:
            what = "declining" if status == Status.DECLINED else "closing without completion"
            errors["reason"] = [f"Give a reason for {what}: {', '.join(Referral.Reason.values)}."]
        elif reason and not needs_reason(from_status=current, to_status=status):
            errors["reason"] = [
                "A reason is recorded only when a referral is declined or closed without completion."
            ]
        elif reason == Referral.Reason.OTHER and not (note or "").strip():
            errors["note"] = ["Say in the note what the other reason is."]
    if referral.entered_in_error:
        errors["status"] = ["This referral was entered in error: its status can no longer change."]
    if len(note or "") > LONG_TEXT:
        errors["note"] = [f"Keep the note under {LONG_TEXT} characters."]
    if follow_up_on is not _UNCHANGED and follow_up_on is not None:
        if not isinstance(follow_up_on, datetime.date):
            errors["follow_up_on"] = ["Enter a valid date."]
        else:
            errors.update(_follow_up_errors(follow_up_on, patient=referral.patient))
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    ReferralStatusChange.objects.create(
        referral=referral,
        from_status=current,
        to_status=status,
        reason=reason,
        note=note or "",
        changed_by=actor,
        changed_at=now,
    )
    referral.status = status
    referral.reason = reason if status in (Status.DECLINED, Status.CLOSED) else ""
    referral.updated_at = now
    fields = ["status", "reason", "updated_at"]
    if follow_up_on is not _UNCHANGED:
        referral.follow_up_on = follow_up_on
        fields.append("follow_up_on")
    referral.save(update_fields=fields)
    _follow_ups_changed(referral.patient_id)
    audit.record(
        actor=actor,
        action=audit.Action.UPDATE,
        object_type="referral",
        object_id=referral.pk,
        patient_id=referral.patient_id,
        changes={"status": [current, status], "reason": reason},
    )
    return referral


# --- corrections: entered in error --------------------------------------------------------------


def author_check(*, actor: User, record: NeedAssessment | Contact | Referral) -> None:
    """Only a record's author (the assessor, whoever logged the contact, the referrer) may mark
    it entered in error: PermissionDenied (403) for anyone else who can see it. The views ask
    before they look at the input."""
    if isinstance(record, NeedAssessment):
        author_id, noun = record.assessed_by_id, "assessment"
    elif isinstance(record, Contact):
        author_id, noun = record.recorded_by_id, "contact"
    else:
        author_id, noun = record.created_by_id, "referral"
    patient_access.require_author(actor, author_id=author_id, noun=noun)


def _resolve_flags(*, actor: User, patient_id: int, source_type: str, source_id: int) -> None:
    flags_resolve_for_record(
        actor=actor,
        patient_id=patient_id,
        source_type=source_type,
        source_id=source_id,
        note="The record was marked entered in error.",
        rules_only=True,
    )


@transaction.atomic
def need_entered_in_error(*, actor: User, need: NeedAssessment, reason: Any) -> NeedAssessment:
    """The assessor marks their assessment entered in error: the domain's current need is the
    latest assessment that still counts."""
    need = NeedAssessment.objects.select_for_update().get(pk=need.pk)
    author_check(actor=actor, record=need)
    entered_in_error_mark(
        actor=actor, record=need, reason=reason, object_type="needassessment", patient_id=need.patient_id
    )
    _resolve_flags(actor=actor, patient_id=need.patient_id, source_type="needassessment", source_id=need.pk)
    return need


@transaction.atomic
def contact_entered_in_error(*, actor: User, contact: Contact, reason: Any) -> Contact:
    """Whoever logged the contact marks it entered in error; the registry's last contact is
    recomputed from the contacts that still count."""
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    author_check(actor=actor, record=contact)
    entered_in_error_mark(
        actor=actor, record=contact, reason=reason, object_type="contact", patient_id=contact.patient_id
    )
    summary.contact_recompute(patient_id=contact.patient_id)
    _resolve_flags(actor=actor, patient_id=contact.patient_id, source_type="contact", source_id=contact.pk)
    return contact


@transaction.atomic
def referral_entered_in_error(*, actor: User, referral: Referral, reason: Any) -> Referral:
    """The referrer marks their referral entered in error: it is no longer open, overdue or a
    follow-up, and its status can no longer change."""
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    author_check(actor=actor, record=referral)
    entered_in_error_mark(
        actor=actor, record=referral, reason=reason, object_type="referral", patient_id=referral.patient_id
    )
    _follow_ups_changed(referral.patient_id)
    _resolve_flags(actor=actor, patient_id=referral.patient_id, source_type="referral", source_id=referral.pk)
    return referral
