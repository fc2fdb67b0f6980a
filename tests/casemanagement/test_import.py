"""Bulk CSV import of the directory: checked before anything is queued, processed by a Celery job
in chunks, bad rows reported by line number, re-imports create no duplicates.

Tests that run the job use ``celery_eager`` and execute the on-commit callbacks."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError
from django.urls import reverse

from careteam.models import AuditEvent
from casemanagement import services, tasks
from casemanagement.models import CommunityResource, ResourceImport
from tests.casemanagement.factories import csv_bytes, make_resource

API = "/api/v1/resource-imports/"

GOOD = csv_bytes(
    [
        "Harbor Housing,housing,12 Quay Street,https://harbor.example.org/",
        "Riverside Food Bank,food,7 Riverside Walk,",
        "Mystery Service,astrology,1 Nowhere,",
        ",housing,2 Blank Row,",
        "Broken Link,legal,3 Court Rd,not a url",
        "Open Door,Social Support,21 Church Street,https://opendoor.example.org/",
    ]
)


def upload(client, name="resources.csv", data=GOOD, content_type="text/csv"):
    return client.post(
        API, {"file": SimpleUploadedFile(name, data, content_type=content_type)}, format="multipart"
    )


@pytest.fixture
def run_jobs(celery_eager, django_capture_on_commit_callbacks):
    """Run what the request queues on commit, with Celery eager (the job runs in-process)."""

    def run(call):
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            response = call()
        return response, callbacks

    return run


@pytest.mark.parametrize(
    ("name", "data", "content_type", "message"),
    [
        (
            "resources.xlsx",
            GOOD,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "Upload a CSV file: the file name must end in .csv.",
        ),
        (
            "resources.csv",
            GOOD,
            "application/pdf",
            "This is not a CSV file (it was sent as application/pdf).",
        ),
        (
            "resources.csv",
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
            "text/csv",
            "This is a binary file, not a CSV text file.",
        ),
        (
            "resources.csv",
            "name,category\nCaf\xe9,food\n".encode("latin-1"),
            "text/csv",
            "The file is not UTF-8 text",
        ),
        (
            "resources.csv",
            b"name,address\nHarbor,1 Quay\n",
            "text/csv",
            "The file lacks the required column category (columns found: name, address).",
        ),
        (
            "resources.csv",
            b"title,address,phone\nHarbor,1 Quay,555\n",
            "text/csv",
            "The file lacks the required columns name, category (columns found: title, address, phone).",
        ),
        ("resources.csv", b"name,category\n", "text/csv", "The file has a header but no rows to import."),
        (
            "resources.csv",
            b"name,category\n" + b"Harbor,housing\n" * 400_000,
            "text/csv",
            "The file is larger than 5 MB: split it.",
        ),
    ],
)
def test_refused_uploads_import_and_queue_nothing(
    world, api_client, page_client, run_jobs, name, data, content_type, message
):
    make_resource(actor=world.case_manager)
    before = CommunityResource.objects.count()
    response, callbacks = run_jobs(lambda: upload(api_client(world.case_manager), name, data, content_type))
    assert response.status_code == 400
    assert list(response.json()) == ["file"] and response.json()["file"][0].startswith(message)
    assert callbacks == []  # nothing queued
    page, callbacks = run_jobs(
        lambda: page_client(world.admin).post(
            reverse("casemanagement_imports"),
            {"file": SimpleUploadedFile(name, data, content_type=content_type)},
        )
    )
    assert page.status_code == 400 and callbacks == []
    assert page.context["form"].errors["file"][0].startswith(message)
    assert message in page.content.decode().replace("&#x27;", "'")
    assert ResourceImport.objects.count() == 0
    assert CommunityResource.objects.count() == before


def test_import_creates_good_rows_and_reports_bad_ones_by_line(world, api_client, run_jobs):
    carmen = api_client(world.case_manager)
    response, callbacks = run_jobs(lambda: upload(carmen))
    assert response.status_code == 201 and len(callbacks) == 1
    body = response.json()
    assert body["progress_url"] == f"{API}{body['id']}/" == response["Location"]
    report = carmen.get(body["progress_url"]).json()
    assert (report["status"], report["total"], report["processed"]) == ("done", 6, 6)
    assert (report["created"], report["updated"], report["unchanged"], report["rejected"]) == (3, 0, 0, 3)
    assert report["rejected_rows"] == [
        {
            "line": 4,
            "reason": "Unknown category: use one of housing, employment, education, income, "
            "food, transport, social_support, legal, other, support_group.",
        },
        {"line": 5, "reason": "Enter the resource's name."},
        {"line": 6, "reason": "Website: Enter a valid URL."},
    ]
    assert sorted(CommunityResource.objects.values_list("name", "category")) == [
        ("Harbor Housing", "housing"),
        ("Open Door", "social_support"),
        ("Riverside Food Bank", "food"),
    ]
    # the report never repeats row data
    assert "Mystery" not in str(report["rejected_rows"]) and "not a url" not in str(report)
    created = AuditEvent.objects.filter(object_type="resource", action="create", actor=world.case_manager)
    assert created.count() == 3 and all(e.changes == {"import": body["id"]} for e in created)


def test_reimporting_the_same_file_creates_no_duplicates(world, api_client, run_jobs):
    carmen = api_client(world.case_manager)
    run_jobs(lambda: upload(carmen))
    before = sorted(CommunityResource.objects.values_list("pk", "version"))
    response, _ = run_jobs(lambda: upload(carmen, name="again.csv"))
    report = carmen.get(response.json()["progress_url"]).json()
    assert (report["created"], report["updated"], report["unchanged"], report["rejected"]) == (0, 0, 3, 3)
    assert sorted(CommunityResource.objects.values_list("pk", "version")) == before


def test_rows_match_on_name_and_address_ignoring_case_and_update(world, api_client, run_jobs):
    harbor = make_resource(
        actor=world.case_manager,
        name="Harbor Housing",
        category="housing",
        address="12 Quay Street",
        hours="Mon",
    )
    ecole = make_resource(
        actor=world.case_manager, name="École Émile", category="education", address="Rue Ÿ", hours="Mon"
    )
    data = csv_bytes(
        [
            "HARBOR HOUSING,housing,12 quay street,Mon-Fri 9-5",
            "Harbor Housing,housing,99 Other Road,Sat",
            "ÉCOLE ÉMILE,education,RUE ÿ,Mon",
        ],
        header="name,category,address,hours",
    )
    response, _ = run_jobs(lambda: upload(api_client(world.case_manager), data=data))
    report = api_client(world.case_manager).get(response.json()["progress_url"]).json()
    assert (report["created"], report["updated"], report["unchanged"]) == (1, 2, 0)
    ecole.refresh_from_db()
    assert ecole.name == "ÉCOLE ÉMILE"  # matched ignoring case beyond ASCII, on any database
    harbor.refresh_from_db()
    assert (harbor.hours, harbor.version, harbor.name) == ("Mon-Fri 9-5", 2, "HARBOR HOUSING")
    assert CommunityResource.objects.filter(name__iexact="harbor housing").count() == 2


def test_rows_match_on_external_id_when_the_file_has_one(world, api_client, run_jobs):
    first = csv_bytes(
        [
            "H-1,Harbor Housing,housing,12 Quay Street",
            "F-1,Food Bank,food,7 Riverside Walk",
            ",No Id Yet,legal,1 Court Rd",
        ],
        header="external_id,name,category,address",
    )
    run_jobs(lambda: upload(api_client(world.admin), data=first))
    renamed = csv_bytes(
        [
            "H-1,Harbor Housing Trust,housing,14 Quay Street,no",
            "F-1,Food Bank,food,7 Riverside Walk,yes",
            "L-1,no id yet,legal,1 court rd,yes",
        ],
        header="external_id,name,category,address,active",
    )
    response, _ = run_jobs(lambda: upload(api_client(world.admin), data=renamed))
    report = api_client(world.admin).get(response.json()["progress_url"]).json()
    # H-1 renamed and moved (matched on its id), F-1 unchanged, "No Id Yet" adopted its new id
    assert (report["created"], report["updated"], report["unchanged"]) == (0, 2, 1)
    harbor = CommunityResource.objects.get(external_id="H-1")
    assert (harbor.name, harbor.address, harbor.is_active) == (
        "Harbor Housing Trust",
        "14 Quay Street",
        False,
    )
    assert CommunityResource.objects.get(external_id="L-1").name == "no id yet"
    assert CommunityResource.objects.count() == 3


def test_job_processes_in_chunks_and_is_idempotent(world, settings, monkeypatch):
    settings.CASEMANAGEMENT_IMPORT_CHUNK_SIZE = 2
    data = csv_bytes([f"Service {n},food,{n} High Street," for n in range(5)])
    job = services.resource_import_start(
        actor=world.case_manager, filename="r.csv", content_type="text/csv", data=data
    )
    assert (job.status, job.total_rows, job.chunk_size) == ("queued", 5, 2)
    seen = []
    original = services._import_chunk

    def spy(job, rows, problems):
        seen.append((job.processed_rows, len(rows)))
        original(job, rows, problems)

    monkeypatch.setattr(services, "_import_chunk", spy)
    services.resource_import_process(import_id=job.pk)
    # run again, as a re-delivered job would: nothing more happens
    services.resource_import_process(import_id=job.pk)
    assert seen == [(0, 2), (2, 2), (4, 1)]
    job.refresh_from_db()
    assert (job.status, job.processed_rows, job.created_count) == ("done", 5, 5)
    assert CommunityResource.objects.count() == 5


def test_a_job_interrupted_after_a_chunk_continues_where_it_stopped(world, settings, monkeypatch):
    settings.CASEMANAGEMENT_IMPORT_CHUNK_SIZE = 2
    data = csv_bytes([f"Service {n},food,{n} High Street," for n in range(5)])
    job = services.resource_import_start(
        actor=world.case_manager, filename="r.csv", content_type="text/csv", data=data
    )
    original = services._import_chunk
    calls = []

    def crash_on_second_chunk(job, rows, problems):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("worker lost")
        original(job, rows, problems)

    monkeypatch.setattr(services, "_import_chunk", crash_on_second_chunk)
    with pytest.raises(RuntimeError):
        services.resource_import_process(import_id=job.pk)
    monkeypatch.setattr(services, "_import_chunk", original)
    job.refresh_from_db()
    assert (job.status, job.processed_rows) == ("running", 2)  # the first chunk was kept
    services.resource_import_process(import_id=job.pk)
    job.refresh_from_db()
    assert (job.status, job.processed_rows, job.created_count) == ("done", 5, 5)
    assert CommunityResource.objects.count() == 5


def test_bad_rows_of_every_kind_are_rejected_with_their_reason(world, celery_eager):
    data = (
        "name,category,website,active,phone\n"
        "Good,food,,yes,\n"
        "\n"  # blank lines are skipped (and not counted)
        f"{'N' * 201},food,,,\n"
        "Bad Active,food,,perhaps,\n"
        "Too many cells,food,,,,extra\n"
        f"Long phone,food,,,{'5' * 41}\n"
        '"Multi\nline name",food,,,\n'
    ).encode()
    job = services.resource_import_start(
        actor=world.admin, filename="r.csv", content_type="text/csv", data=data
    )
    job = services.resource_import_process(import_id=job.pk)
    assert (job.total_rows, job.created_count, job.rejected_count) == (6, 2, 4)
    assert job.rejected_rows == [
        {"line": 4, "reason": "Name: Ensure this value has at most 200 characters (it has 201)."},
        {"line": 5, "reason": "Active: use yes or no."},
        {"line": 6, "reason": "Has 6 cells but the header has 5 columns."},
        {"line": 7, "reason": "Phone: Ensure this value has at most 40 characters (it has 41)."},
    ]


def test_unknown_columns_are_ignored_and_said(world):
    data = b"name,category,adress\nHarbor,housing,1 Quay\n"
    job = services.resource_import_start(
        actor=world.admin, filename="r.csv", content_type="text/csv", data=data
    )
    job = services.resource_import_process(import_id=job.pk)
    assert job.ignored_columns == ["adress"] and job.created_count == 1


def test_upload_page_then_progress_page_with_polling_until_done(world, page_client, run_jobs):
    client = page_client(world.case_manager)
    response, _ = run_jobs(
        lambda: client.post(
            reverse("casemanagement_imports"),
            {"file": SimpleUploadedFile("resources.csv", GOOD, content_type="text/csv")},
        )
    )
    job = ResourceImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("casemanagement_import_detail", args=[job.pk])
    page = client.get(response["Location"])
    body = page.content.decode()
    assert "Import finished" in body and "6 of 6 rows processed" in body
    assert "Website: Enter a valid URL." in body and 'hx-trigger="every 1s"' not in body

    # While a job is queued or running the partial polls itself every second.
    queued = services.resource_import_start(
        actor=world.case_manager, filename="later.csv", content_type="text/csv", data=GOOD
    )
    partial = client.get(reverse("casemanagement_import_detail", args=[queued.pk]), HTTP_HX_REQUEST="true")
    body = partial.content.decode()
    assert partial.status_code == 200 and "<html" not in body
    assert 'hx-trigger="every 1s"' in body and "0 of 6 rows processed" in body
    assert '<progress id="import-bar" max="6" value="0">' in body


def test_json_upload_for_clients_that_cannot_send_files(world, api_client, run_jobs):
    response, callbacks = run_jobs(
        lambda: api_client(world.admin).post(
            API, {"filename": "dir.csv", "content": GOOD.decode()}, format="json"
        )
    )
    assert response.status_code == 201 and len(callbacks) == 1
    assert CommunityResource.objects.count() == 3
    refused = api_client(world.admin).post(
        API, {"filename": "dir.txt", "content": "a,b\n1,2\n"}, format="json"
    )
    assert refused.status_code == 400 and "file" in refused.json()


def test_failed_job_is_marked_failed_and_keeps_what_was_imported(world):
    data = csv_bytes(["A,food,,"])
    job = services.resource_import_start(
        actor=world.admin, filename="r.csv", content_type="text/csv", data=data
    )
    failed = services.resource_import_fail(import_id=job.pk)
    assert failed.status == "failed" and failed.error
    # a late re-delivery leaves a finished import alone
    assert services.resource_import_process(import_id=job.pk).status == "failed"
    assert CommunityResource.objects.count() == 0


def test_the_task_is_acked_late_retried_with_backoff_and_gives_up_cleanly(world):
    task = tasks.resource_import_run
    assert task.acks_late and task.retry_backoff and task.max_retries == 5
    assert issubclass(OperationalError, task.autoretry_for)
    job = services.resource_import_start(
        actor=world.admin, filename="r.csv", content_type="text/csv", data=csv_bytes(["A,food,,"])
    )
    # What Celery calls once the retries are used up:
    task.on_failure(OperationalError("connection refused"), "task-id", (job.pk,), {}, None)
    job.refresh_from_db()
    assert job.status == "failed" and job.processed_rows == 0
    assert "connection refused" not in job.error  # no internals on the page


def test_stalled_queued_imports_are_published_again(world, celery_eager):
    job = services.resource_import_start(
        actor=world.admin, filename="r.csv", content_type="text/csv", data=csv_bytes(["A,food,,"])
    )
    assert tasks.resource_imports_resume.delay(minutes=5).get() == 0  # too recent
    ResourceImport.objects.filter(pk=job.pk).update(
        uploaded_at=job.uploaded_at - datetime.timedelta(minutes=10)
    )
    assert tasks.resource_imports_resume.delay(minutes=5).get() == 1
    job.refresh_from_db()
    assert job.status == "done" and CommunityResource.objects.count() == 1
