"""Permission-matrix entries for casemanagement routes (see tests/test_permission_matrix.py).

Patient-scoped records: the care team reads, any member records needs and contacts, only the
case manager on the team makes and moves referrals (403 for the others), admins and outsiders
get 404. The directory: any clinician or admin reads; case managers and admins change it.
"""

from django.core.files.uploadedfile import SimpleUploadedFile

from casemanagement import services
from tests.casemanagement.factories import make_contact, make_need, make_referral, make_resource
from tests.matrix import API_ANON, PAGE_ANON, expect

CSV = b"name,category,address\nHope House,housing,1 Elm St\nFood Share,food,2 Oak Ave\n"


def patient_kwargs(w):
    return {"patient_id": w.patient.pk}


def referral_kwargs(w):
    referral = make_referral(actor=w.case_manager, patient=w.patient)
    return {"patient_id": w.patient.pk, "referral_id": referral.pk}


def carmens_need(w):
    """Records Carmen (the case manager) wrote: only she may mark them entered in error."""
    return {"patient_id": w.patient.pk, "record_id": make_need(actor=w.case_manager, patient=w.patient).pk}


def carmens_contact(w):
    return {"patient_id": w.patient.pk, "record_id": make_contact(actor=w.case_manager, patient=w.patient).pk}


def carmens_referral(w):
    return {
        "patient_id": w.patient.pk,
        "record_id": make_referral(actor=w.case_manager, patient=w.patient).pk,
    }


def in_error_reason(w):
    return {"reason": "Recorded for the wrong patient"}


AUTHOR_PAGE = expect(team=403, case_manager=200, admin=404, outsider=404, anonymous=PAGE_ANON)
AUTHOR_PAGE_POST = expect(team=403, case_manager=302, admin=404, outsider=404, anonymous=PAGE_ANON)
AUTHOR_API = expect(team=403, case_manager=200, admin=404, outsider=404, anonymous=API_ANON)


def resource_kwargs(w):
    return {"resource_id": make_resource(actor=w.case_manager).pk}


def import_kwargs(w):
    job = services.resource_import_start(
        actor=w.case_manager, filename="r.csv", content_type="text/csv", data=CSV
    )
    return {"import_id": job.pk}


def need_data(w):
    return {
        "domain": "housing",
        "priority": "high",
        "status": "open",
        "assessed_on": "2025-01-10",
        "notes": "Rent arrears",
    }


def contact_page_data(w):
    return {"contacted_at": "2025-01-10T10:30", "channel": "phone", "outcome": "reached", "notes": ""}


def contact_api_data(w):
    return {"contacted_at": "2025-01-10T10:30:00Z", "channel": "phone", "outcome": "reached"}


def referral_data(w):
    return {
        "resource": make_resource(actor=w.case_manager).pk,
        "follow_up_on": "2030-01-01",
        "note": "Needs a place before March",
    }


def resource_data(w):
    return {
        "name": "Hope House",
        "category": "housing",
        "address": "1 Elm St",
        "website": "https://hope.example.org/",
        "is_active": "on",
    }


def resource_edit_page(w):
    return {"name": "Renamed", "category": "food", "version": "1", "is_active": "on"}


def upload_page(w):
    return {"file": SimpleUploadedFile("resources.csv", CSV, content_type="text/csv")}


def upload_api(w):
    return {"filename": "resources.csv", "content": CSV.decode()}


TEAM_READS_PAGE = expect(team=200, admin=404, outsider=404, anonymous=PAGE_ANON)
TEAM_READS_API = expect(team=200, admin=404, outsider=404, anonymous=API_ANON)
MANAGERS_PAGE = expect(team=403, case_manager=200, admin=200, outsider=403, anonymous=PAGE_ANON)
MANAGERS_API = expect(team=403, case_manager=200, admin=200, outsider=403, anonymous=API_ANON)
ALL_STAFF_PAGE = expect(team=200, admin=200, outsider=200, anonymous=PAGE_ANON)
ALL_STAFF_API = expect(team=200, admin=200, outsider=200, anonymous=API_ANON)

MATRIX = [
    # --- pages: a patient's case management ---------------------------------------------------
    ("casemanagement_patient", "get", patient_kwargs, None, TEAM_READS_PAGE),
    ("casemanagement_need_create", "get", patient_kwargs, None, TEAM_READS_PAGE),
    (
        "casemanagement_need_create",
        "post",
        patient_kwargs,
        need_data,
        expect(team=302, admin=404, outsider=404, anonymous=PAGE_ANON),
    ),
    ("casemanagement_contact_create", "get", patient_kwargs, None, TEAM_READS_PAGE),
    (
        "casemanagement_contact_create",
        "post",
        patient_kwargs,
        contact_page_data,
        expect(team=302, admin=404, outsider=404, anonymous=PAGE_ANON),
    ),
    (
        "casemanagement_referral_create",
        "get",
        patient_kwargs,
        None,
        expect(team=403, case_manager=200, admin=404, outsider=404, anonymous=PAGE_ANON),
    ),
    (
        "casemanagement_referral_create",
        "post",
        patient_kwargs,
        referral_data,
        expect(team=403, case_manager=302, admin=404, outsider=404, anonymous=PAGE_ANON),
    ),
    ("casemanagement_referral_detail", "get", referral_kwargs, None, TEAM_READS_PAGE),
    (
        "casemanagement_referral_status",
        "post",
        referral_kwargs,
        lambda w: {"status": "sent"},
        expect(team=403, case_manager=302, admin=404, outsider=404, anonymous=PAGE_ANON),
    ),
    *(
        entry
        for name, kwargs in (
            ("casemanagement_need_entered_in_error", carmens_need),
            ("casemanagement_contact_entered_in_error", carmens_contact),
            ("casemanagement_referral_entered_in_error", carmens_referral),
        )
        for entry in (
            (name, "get", kwargs, None, AUTHOR_PAGE),
            (name, "post", kwargs, in_error_reason, AUTHOR_PAGE_POST),
        )
    ),
    (
        "casemanagement_follow_ups",
        "get",
        None,
        None,
        expect(team=403, case_manager=200, admin=403, outsider=403, anonymous=PAGE_ANON),
    ),
    # --- pages: the directory and its imports -------------------------------------------------
    ("casemanagement_resource_list", "get", None, None, ALL_STAFF_PAGE),
    ("casemanagement_resource_detail", "get", resource_kwargs, None, ALL_STAFF_PAGE),
    ("casemanagement_resource_search", "get", None, None, ALL_STAFF_PAGE),
    ("casemanagement_resource_create", "get", None, None, MANAGERS_PAGE),
    (
        "casemanagement_resource_create",
        "post",
        None,
        resource_data,
        expect(team=403, case_manager=302, admin=302, outsider=403, anonymous=PAGE_ANON),
    ),
    ("casemanagement_resource_edit", "get", resource_kwargs, None, MANAGERS_PAGE),
    (
        "casemanagement_resource_edit",
        "post",
        resource_kwargs,
        resource_edit_page,
        expect(team=403, case_manager=302, admin=302, outsider=403, anonymous=PAGE_ANON),
    ),
    ("casemanagement_imports", "get", None, None, MANAGERS_PAGE),
    (
        "casemanagement_imports",
        "post",
        None,
        upload_page,
        expect(team=403, case_manager=302, admin=302, outsider=403, anonymous=PAGE_ANON),
    ),
    ("casemanagement_import_detail", "get", import_kwargs, None, MANAGERS_PAGE),
    # --- API: a patient's case management -----------------------------------------------------
    ("api_need_list", "get", patient_kwargs, None, TEAM_READS_API),
    (
        "api_need_list",
        "post",
        patient_kwargs,
        need_data,
        expect(team=201, admin=404, outsider=404, anonymous=API_ANON),
    ),
    ("api_contact_list", "get", patient_kwargs, None, TEAM_READS_API),
    (
        "api_contact_list",
        "post",
        patient_kwargs,
        contact_api_data,
        expect(team=201, admin=404, outsider=404, anonymous=API_ANON),
    ),
    ("api_referral_list", "get", patient_kwargs, None, TEAM_READS_API),
    (
        "api_referral_list",
        "post",
        patient_kwargs,
        referral_data,
        expect(team=403, case_manager=201, admin=404, outsider=404, anonymous=API_ANON),
    ),
    ("api_referral_detail", "get", referral_kwargs, None, TEAM_READS_API),
    (
        "api_referral_status",
        "post",
        referral_kwargs,
        lambda w: {"status": "sent", "note": "Faxed"},
        expect(team=403, case_manager=200, admin=404, outsider=404, anonymous=API_ANON),
    ),
    ("api_need_entered_in_error", "post", carmens_need, in_error_reason, AUTHOR_API),
    ("api_contact_entered_in_error", "post", carmens_contact, in_error_reason, AUTHOR_API),
    ("api_referral_entered_in_error", "post", carmens_referral, in_error_reason, AUTHOR_API),
    (
        "api_follow_up_list",
        "get",
        None,
        None,
        expect(team=403, case_manager=200, admin=403, outsider=403, anonymous=API_ANON),
    ),
    # --- API: the directory and its imports ---------------------------------------------------
    ("api_resource_list", "get", None, None, ALL_STAFF_API),
    (
        "api_resource_list",
        "post",
        None,
        lambda w: {"name": "Hope House", "category": "housing"},
        expect(team=403, case_manager=201, admin=201, outsider=403, anonymous=API_ANON),
    ),
    ("api_resource_detail", "get", resource_kwargs, None, ALL_STAFF_API),
    (
        "api_resource_detail",
        "patch",
        resource_kwargs,
        lambda w: {"hours": "24/7", "version": 1},
        MANAGERS_API,
    ),
    ("api_resource_import_list", "get", None, None, MANAGERS_API),
    (
        "api_resource_import_list",
        "post",
        None,
        upload_api,
        expect(team=403, case_manager=201, admin=201, outsider=403, anonymous=API_ANON),
    ),
    ("api_resource_import_detail", "get", import_kwargs, None, MANAGERS_API),
]
