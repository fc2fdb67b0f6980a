"""The community resource directory: every clinician and admin reads it, case managers and admins
change it, bad input is refused with a message per field and writes nothing."""

import pytest
from django.urls import reverse

from careteam.models import AuditEvent
from casemanagement.models import CommunityResource
from tests.casemanagement.factories import make_resource

API = "/api/v1/resources/"


@pytest.mark.parametrize("who", ["therapist", "psychiatrist", "case_manager", "admin", "outsider"])
def test_every_clinician_and_admin_reads_the_directory(world, api_client, page_client, who):
    resource = make_resource(actor=world.case_manager, name="Harbor Housing")
    user = getattr(world, who)
    listing = api_client(user).get(API)
    assert listing.status_code == 200
    assert [row["name"] for row in listing.json()["results"]] == ["Harbor Housing"]
    detail = api_client(user).get(f"{API}{resource.pk}/")
    assert detail.status_code == 200 and detail.json()["category"] == "housing"
    page = page_client(user).get(reverse("casemanagement_resource_list"))
    assert page.status_code == 200 and "Harbor Housing" in page.content.decode()


def test_nobody_signed_in_reads_nothing(world, api_client, page_client):
    make_resource(actor=world.case_manager)
    assert api_client(None).get(API).status_code == 401
    response = page_client(None).get(reverse("casemanagement_resource_list"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("who", ["case_manager", "admin"])
def test_case_managers_and_admins_add_resources(world, api_client, who):
    response = api_client(getattr(world, who)).post(
        API,
        {
            "name": "Riverside Food Bank",
            "category": "food",
            "address": "7 Riverside Walk",
            "website": "https://food.example.org/",
            "external_id": "RFB-1",
        },
        format="json",
    )
    assert response.status_code == 201
    body = response.json()
    assert body["name"] == "Riverside Food Bank" and body["is_active"] is True
    assert body["version"] == 1
    resource = CommunityResource.objects.get(pk=body["id"])
    assert resource.updated_by == getattr(world, who)
    assert AuditEvent.objects.filter(
        object_type="resource", object_id=str(resource.pk), action="create", actor=getattr(world, who)
    ).exists()


@pytest.mark.parametrize("who", ["therapist", "psychiatrist", "outsider"])
def test_other_clinicians_may_not_add_or_edit_resources(world, api_client, page_client, who):
    resource = make_resource(actor=world.case_manager, name="Harbor Housing")
    user = getattr(world, who)
    before = CommunityResource.objects.count()
    assert api_client(user).post(API, {"name": "X", "category": "food"}, format="json").status_code == 403
    assert (
        api_client(user).patch(f"{API}{resource.pk}/", {"name": "X", "version": 1}, format="json").status_code
        == 403
    )
    assert (
        page_client(user)
        .post(reverse("casemanagement_resource_create"), {"name": "X", "category": "food"})
        .status_code
        == 403
    )
    assert CommunityResource.objects.count() == before
    resource.refresh_from_db()
    assert resource.name == "Harbor Housing" and resource.version == 1


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": "Shelter", "category": "spaceflight"}, "category", "is not a valid choice"),
        ({"name": "Shelter", "category": "housing", "website": "not a url"}, "website", "Enter a valid URL."),
        ({"name": "", "category": "housing"}, "name", "may not be blank"),
        ({"name": "x" * 201, "category": "housing"}, "name", "no more than 200 characters"),
    ],
)
def test_bad_resource_input_is_refused_on_the_api(world, api_client, data, field, message):
    before = CommunityResource.objects.count(), AuditEvent.objects.count()
    response = api_client(world.case_manager).post(API, data, format="json")
    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert message in response.json()[field][0]
    assert (CommunityResource.objects.count(), AuditEvent.objects.count()) == before


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": "Shelter", "category": "spaceflight"}, "category", "Select a valid choice."),
        ({"name": "Shelter", "category": "housing", "website": "not a url"}, "website", "Enter a valid URL."),
        ({"name": "", "category": "housing"}, "name", "This field is required."),
    ],
)
def test_bad_resource_input_is_refused_on_the_page(world, page_client, data, field, message):
    before = CommunityResource.objects.count()
    response = page_client(world.admin).post(reverse("casemanagement_resource_create"), data)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert list(errors) == [field] and errors[field][0].startswith(message)
    assert message in response.content.decode()
    assert CommunityResource.objects.count() == before


def test_external_id_is_unique_when_set(world, api_client, page_client):
    make_resource(actor=world.case_manager, external_id="EXT-1")
    make_resource(actor=world.case_manager)  # no external id: any number of those
    make_resource(actor=world.case_manager, external_id="")
    before = CommunityResource.objects.count()
    response = api_client(world.case_manager).post(
        API, {"name": "Copy", "category": "food", "external_id": "EXT-1"}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"external_id": ["Another resource already has this external id."]}
    page = page_client(world.case_manager).post(
        reverse("casemanagement_resource_create"),
        {"name": "Copy", "category": "food", "external_id": "EXT-1"},
    )
    assert page.status_code == 400
    assert "Another resource already has this external id." in page.content.decode()
    assert CommunityResource.objects.count() == before
    assert CommunityResource.objects.filter(external_id__isnull=True).count() == 2


def test_search_and_filters(world, api_client, page_client):
    make_resource(
        actor=world.case_manager,
        name="Harbor Housing",
        category="housing",
        address="12 Quay Street",
        description="Emergency shelter",
    )
    make_resource(
        actor=world.case_manager,
        name="Tenants' Advice",
        category="legal",
        address="48 North Road",
        description="Eviction notices and tenancy rights",
    )
    make_resource(
        actor=world.case_manager,
        name="Old Shelter",
        category="housing",
        is_active=False,
        address="1 Gone Lane",
    )
    carmen = api_client(world.case_manager)

    def names(**params):
        response = carmen.get(API, params)
        assert response.status_code == 200
        return sorted(row["name"] for row in response.json()["results"])

    assert names() == ["Harbor Housing", "Old Shelter", "Tenants' Advice"]
    assert names(search="shelter") == ["Harbor Housing", "Old Shelter"]  # name or description
    assert names(search="north road") == ["Tenants' Advice"]  # address, every word
    assert names(search="eviction") == ["Tenants' Advice"]
    assert names(category="housing") == ["Harbor Housing", "Old Shelter"]
    assert names(category="housing", active="true") == ["Harbor Housing"]
    assert names(active="false") == ["Old Shelter"]
    bad = carmen.get(API, {"category": "spaceflight"})
    assert bad.status_code == 400 and "category" in bad.json()

    page = page_client(world.therapist)
    body = page.get(reverse("casemanagement_resource_list"), {"q": "shelter"}).content.decode()
    assert "Harbor Housing" in body and "Old Shelter" not in body  # the page shows active ones
    body = page.get(
        reverse("casemanagement_resource_list"), {"q": "shelter", "active": "all"}
    ).content.decode()
    assert "Old Shelter" in body
    partial = page.get(reverse("casemanagement_resource_list"), {"category": "legal"}, HTTP_HX_REQUEST="true")
    assert partial.status_code == 200
    assert "<table" not in partial.content.decode() and "Tenants" in partial.content.decode()


def test_edit_with_the_current_version_saves_and_a_stale_one_is_refused(world, api_client, page_client):
    resource = make_resource(actor=world.case_manager, name="Harbor Housing")
    url = f"{API}{resource.pk}/"
    carmen, ada = api_client(world.case_manager), api_client(world.admin)
    first = carmen.patch(url, {"hours": "24/7", "version": 1}, format="json")
    assert first.status_code == 200 and first.json()["version"] == 2
    stale = ada.patch(url, {"hours": "Closed", "version": 1}, format="json")
    assert stale.status_code == 409 and stale.json()["current_version"] == 2
    assert carmen.patch(url, {"hours": "x"}, format="json").status_code == 400  # no version
    resource.refresh_from_db()
    assert (resource.hours, resource.version) == ("24/7", 2)

    edit = reverse("casemanagement_resource_edit", args=[resource.pk])
    form = {
        "name": "Harbor Housing",
        "category": "housing",
        "hours": "Weekdays",
        "is_active": "on",
        "version": "1",
    }
    page = page_client(world.admin).post(edit, form)
    assert page.status_code == 409 and "Not saved." in page.content.decode()
    saved = page_client(world.admin).post(edit, {**form, "version": "2"})
    assert saved.status_code == 302
    resource.refresh_from_db()
    assert (resource.hours, resource.version) == ("Weekdays", 3)
    assert (
        AuditEvent.objects.filter(
            object_type="resource", object_id=str(resource.pk), action="conflict"
        ).count()
        == 2
    )


def test_bad_edit_changes_nothing(world, api_client):
    resource = make_resource(actor=world.case_manager, website="https://ok.example.org/")
    response = api_client(world.admin).patch(
        f"{API}{resource.pk}/", {"website": "nope", "version": 1}, format="json"
    )
    assert response.status_code == 400 and list(response.json()) == ["website"]
    resource.refresh_from_db()
    assert (resource.website, resource.version) == ("https://ok.example.org/", 1)


def test_deactivating_keeps_the_resource_but_hides_it_from_new_referrals(world, page_client):
    resource = make_resource(actor=world.case_manager, name="Closing Soon")
    response = page_client(world.case_manager).post(
        reverse("casemanagement_resource_edit", args=[resource.pk]),
        {"name": "Closing Soon", "category": "housing", "version": "1"},
    )  # box unticked
    assert response.status_code == 302
    resource.refresh_from_db()
    assert resource.is_active is False
    form = page_client(world.case_manager).get(
        reverse("casemanagement_referral_create", args=[world.patient.pk])
    )
    assert "Closing Soon" not in form.content.decode()
