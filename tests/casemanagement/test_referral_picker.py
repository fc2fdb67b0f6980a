"""The referral form picks its resource by searching the directory: the page never lists the
whole directory (100,000 resources made it 5.5 MB), the search shows at most MATCHES_SHOWN
active matches at a time with a "More matches" link, and works without JavaScript."""

import re

from django.urls import reverse

from casemanagement.forms import MATCHES_SHOWN
from casemanagement.models import CommunityResource, Referral, ReferralStatusChange
from tests.casemanagement.factories import make_resource


def bulk_resources(n, *, name="Shelter", is_active=True):
    CommunityResource.objects.bulk_create(
        CommunityResource(
            name=f"{name} {i:05d}",
            category="housing",
            address=f"{i} Long Road",
            is_active=is_active,
            match_key=CommunityResource.key_for(f"{name} {i:05d}", f"{i} Long Road"),
        )
        for i in range(n)
    )


def form_url(world):
    return reverse("casemanagement_referral_create", args=[world.patient.pk])


def radios(html):
    return re.findall(r'<input type="radio" name="resource" value="(\d+)"', html)


def test_the_page_does_not_grow_with_the_directory(world, page_client):
    carmen = page_client(world.case_manager)
    small = carmen.get(form_url(world))
    assert small.status_code == 200
    bulk_resources(2000)
    large = carmen.get(form_url(world))
    html = large.content.decode()
    assert large.status_code == 200
    assert "<option" not in html and radios(html) == []
    assert len(large.content) == len(small.content)
    # a search shows one page of matches, never all of them
    searched = carmen.get(form_url(world), {"q": "shelter"}).content.decode()
    assert len(radios(searched)) == MATCHES_SHOWN
    assert len(searched) < len(small.content.decode()) + 200 * MATCHES_SHOWN + 1000


def test_the_search_partial_returns_active_matches_and_a_more_link(world, page_client):
    bulk_resources(25)
    bulk_resources(3, name="Shelter Closed", is_active=False)
    make_resource(actor=world.case_manager, name="Food Share")
    carmen = page_client(world.case_manager)
    url = reverse("casemanagement_resource_search")
    first = carmen.get(url, {"q": "shelter"}, HTTP_HX_REQUEST="true")
    html = first.content.decode()
    assert first.status_code == 200 and "<html" not in html
    assert len(radios(html)) == MATCHES_SHOWN
    assert "Shelter 00000" in html and "Closed" not in html and "Food Share" not in html
    assert "More matches" in html and "page=2" in html
    second = carmen.get(url, {"q": "shelter", "page": 2}, HTTP_HX_REQUEST="true").content.decode()
    assert len(radios(second)) == 25 - MATCHES_SHOWN and "More matches" not in second
    assert set(radios(html)).isdisjoint(radios(second))
    food = carmen.get(url, {"q": "food"}).content.decode()
    assert len(radios(food)) == 1 and "Food Share" in food
    assert "No active resource matches" in carmen.get(url, {"q": "zzz"}).content.decode()
    assert carmen.get(url, {"q": "x" * 201}).status_code == 400
    assert carmen.get(url, {"q": "a", "page": "x"}).status_code == 400


def test_without_javascript_the_search_reloads_the_form_with_matches(world, page_client):
    wanted = make_resource(actor=world.case_manager, name="Harbor Housing")
    make_resource(actor=world.case_manager, name="Closing Soon", is_active=False)
    carmen = page_client(world.case_manager)
    page = carmen.get(form_url(world), {"q": "harbor"})
    html = page.content.decode()
    assert page.status_code == 200 and radios(html) == [str(wanted.pk)]
    assert 'hx-get="' + reverse("casemanagement_resource_search") in html
    assert "Closing Soon" not in carmen.get(form_url(world), {"q": "closing"}).content.decode()
    response = carmen.post(form_url(world), {"resource": wanted.pk, "note": "Needs a room"})
    assert response.status_code == 302
    assert Referral.objects.get(patient=world.patient).resource == wanted


def test_a_bad_resource_id_is_400_on_the_field_and_nothing_is_written(world, page_client):
    carmen = page_client(world.case_manager)
    before = Referral.objects.count(), ReferralStatusChange.objects.count()
    for value in ("999999", "x", "1.5", ""):
        response = carmen.post(form_url(world), {"resource": value, "note": "x"})
        assert response.status_code == 400
        assert list(response.context["form"].errors) == ["resource"]
        assert "Choose a resource from the directory" in response.content.decode()
    assert (Referral.objects.count(), ReferralStatusChange.objects.count()) == before


def test_after_a_refused_post_the_chosen_resource_stays_chosen(world, page_client):
    chosen = make_resource(actor=world.case_manager, name="Harbor Housing")
    response = page_client(world.case_manager).post(
        form_url(world), {"resource": chosen.pk, "follow_up_on": "1850-01-01"}
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert f'value="{chosen.pk}" checked' in html
