"""The patient search on the page sends the term in a POST body, never in the URL: browsers keep
URLs in their history, and proxies and access logs write them down (issue 11, "No PHI in URLs")."""

import re

from django.urls import reverse

from careteam.roles import Role
from tests.patients.factories import make_patient


def test_theo_searches_his_patients_by_posting_the_term(world, page_client):
    client = page_client(world.therapist)
    found = client.post(reverse("patient_list"), {"q": "Avery"})
    assert found.status_code == 200
    assert "Avery, Jordan" in found.content.decode()
    missing = client.post(reverse("patient_list"), {"q": "zzz-nobody"}, HTTP_HX_REQUEST="true")
    html = missing.content.decode()
    assert "No patients match “zzz-nobody”." in html
    assert "<html" not in html  # htmx gets the rows only


def test_the_search_form_and_its_htmx_input_post_the_term(world, page_client):
    html = page_client(world.therapist).get(reverse("patient_list")).content.decode()
    form = re.search(r'<form method="post" action="/patients/" class="filters" role="search">', html)
    assert form
    assert (
        'hx-post="/patients/"' in html
        and "hx-get" not in html.split('role="search"', 1)[1].split("</form>")[0]
    )


def test_a_name_in_the_query_string_is_not_searched(world, page_client):
    """Nothing in the page makes such a URL; an old bookmark shows the plain list."""
    html = page_client(world.therapist).get(reverse("patient_list") + "?q=zzz-nobody").content.decode()
    assert "Avery, Jordan" in html
    assert "zzz-nobody" not in html


def test_the_pages_of_a_search_are_posted_with_the_term(world, page_client):
    for n in range(51):
        make_patient(
            actor=world.admin,
            first_name=f"P{n:02d}",
            last_name="Pagerson",
            team=[(world.therapist, Role.THERAPIST)],
        )
    client = page_client(world.therapist)
    first = client.post(reverse("patient_list"), {"q": "Pagerson"}).content.decode()
    assert "Page 1 of 2" in first
    assert "Pagerson" not in " ".join(re.findall(r'(?:href|action|hx-post|hx-get)="([^"]*)"', first))
    assert '<input type="hidden" name="q" value="Pagerson">' in first
    second = client.post(reverse("patient_list"), {"q": "Pagerson", "page": "2"}).content.decode()
    assert "Page 2 of 2" in second
    assert "Pagerson, P50" in second
    # Jordan, not a Pagerson, is on neither page of the search.
    assert "Avery, Jordan" not in first + second
