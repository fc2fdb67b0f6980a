"""THE live import test: a real Celery worker on the real Redis imports a 1,200-row CSV while
the test polls the progress endpoint, and sees the progress move before the report is final.

Runs in CI (PostgreSQL + Redis); elsewhere the live_celery_worker fixture skips it."""

import time

from django.core.files.uploadedfile import SimpleUploadedFile

from casemanagement.models import CommunityResource, ResourceImport

ROWS = 1200
CATEGORIES = ["housing", "employment", "food", "transport", "legal", "support_group"]


def _csv() -> tuple[bytes, dict[int, str]]:
    """1,200 rows, a few of them bad; returns the file and {line: reason} for the bad ones."""
    lines = ["external_id,name,category,address,website"]
    bad: dict[int, str] = {}
    for n in range(1, ROWS + 1):
        line = n + 1  # the header is line 1
        name, category, website = f"Service {n}", CATEGORIES[n % len(CATEGORIES)], ""
        if n % 150 == 0:
            category = "astrology"
            bad[line] = "Unknown category: use one of"
        elif n % 170 == 0:
            website = "not a url"
            bad[line] = "Website: Enter a valid URL."
        elif n % 400 == 0:
            name = ""
            bad[line] = "Enter the resource's name."
        lines.append(f"LIVE-{n},{name},{category},{n} Long Road,{website}")
    return ("\n".join(lines) + "\n").encode(), bad


def test_live_worker_imports_in_chunks_and_progress_is_visible(
    live_celery_worker, world, api_client, settings
):
    settings.CASEMANAGEMENT_IMPORT_CHUNK_SIZE = 20  # stored on the import, read by the worker
    data, bad = _csv()
    assert 0 < len(bad) < 20
    carmen = api_client(world.case_manager)
    response = carmen.post(
        "/api/v1/resource-imports/",
        {"file": SimpleUploadedFile("big.csv", data, content_type="text/csv")},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    url = response.json()["progress_url"]
    assert response.json()["total"] == ROWS

    seen: list[int] = []
    deadline = time.monotonic() + 120
    while True:
        progress = carmen.get(url)
        assert progress.status_code == 200
        body = progress.json()
        seen.append(body["processed"])
        if body["status"] in ("done", "failed") or time.monotonic() > deadline:
            break
        time.sleep(0.02)

    assert body["status"] == "done", (body["status"], body["error"], seen[-5:])
    intermediate = sorted({value for value in seen if 0 < value < ROWS})
    assert len(intermediate) >= 2, f"progress never seen moving: {sorted(set(seen))}"
    assert seen == sorted(seen)  # never goes backwards
    assert (body["total"], body["processed"]) == (ROWS, ROWS)
    assert (body["created"], body["updated"], body["unchanged"], body["rejected"]) == (
        ROWS - len(bad),
        0,
        0,
        len(bad),
    )
    assert [row["line"] for row in body["rejected_rows"]] == sorted(bad)
    for row in body["rejected_rows"]:
        assert row["reason"].startswith(bad[row["line"]]), row
        assert set(row) == {"line", "reason"}
    assert CommunityResource.objects.filter(external_id__startswith="LIVE-").count() == ROWS - len(bad)
    job = ResourceImport.objects.get(pk=body["id"])
    assert job.chunk_size == 20 and job.finished_at is not None
