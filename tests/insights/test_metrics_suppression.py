"""Small cells: a figure over fewer than 5 patients is "fewer than 5" (API: value null,
``suppressed: true``, numerator and denominator withheld) for anyone not on every counted
patient's care team; a clinician on all of them sees the figures."""

import datetime

from django.urls import reverse

from careteam.roles import Role
from tests.insights.test_metrics import PERIOD, at, flag, get_figures, measure, sessions
from tests.patients.factories import make_patient
from therapy import scoring


def theos_patients(world, n):
    team = [(world.therapist, Role.THERAPIST), (world.psychiatrist, Role.PSYCHIATRIST)]
    made = [make_patient(actor=world.admin, team=team) for _ in range(n)]
    for patient in made:
        sessions(patient, world.therapist, (at(1, 5), "attended"), (at(2, 5), "no_show"))
        measure(patient, world.therapist, scoring.PHQ9, 15, datetime.date(2026, 1, 5))
        measure(patient, world.therapist, scoring.PHQ9, 4, datetime.date(2026, 3, 5))
    return made


def test_an_admin_filtering_by_a_clinician_with_one_patient_reads_no_outcome(world, api_client, page_client):
    # Olivia looks after Robin alone.
    measure(world.other_patient, world.outsider, scoring.PHQ9, 20, datetime.date(2026, 1, 5))
    measure(world.other_patient, world.outsider, scoring.PHQ9, 2, datetime.date(2026, 3, 5))
    sessions(world.other_patient, world.outsider, (at(1, 5), "attended"))
    data = get_figures(api_client, world.admin, clinician=world.outsider.pk)
    assert data["patients"] == 1 and data["suppressed"] is True
    for key, figure in data["figures"].items():
        assert figure["suppressed"] is True, key
        assert figure["value"] is None, key
        assert figure.get("numerator") is None and figure.get("denominator") is None, key
    page = page_client(world.admin).get(reverse("team_metrics"), {**PERIOD, "clinician": world.outsider.pk})
    html = page.content.decode()
    assert page.status_code == 200
    assert "fewer than 5" in html and "100%" not in html and "1 of 1" not in html


def test_the_team_sees_the_same_small_figures(world, api_client, page_client):
    measure(world.other_patient, world.outsider, scoring.PHQ9, 20, datetime.date(2026, 1, 5))
    measure(world.other_patient, world.outsider, scoring.PHQ9, 2, datetime.date(2026, 3, 5))
    sessions(world.other_patient, world.outsider, (at(1, 5), "attended"))
    data = get_figures(api_client, world.outsider)  # Olivia, on Robin's team
    assert data["patients"] == 1 and data["suppressed"] is False
    f = data["figures"]
    assert f["remission_rate"]["suppressed"] is False
    assert (f["remission_rate"]["numerator"], f["remission_rate"]["denominator"]) == (1, 1)
    assert (f["attendance_rate"]["numerator"], f["attendance_rate"]["denominator"]) == (1, 1)
    html = page_client(world.outsider).get(reverse("team_metrics"), PERIOD).content.decode()
    assert "1 of 1" in html and "fewer than 5" not in html


def test_an_admin_sees_figures_over_5_or_more_patients(world, api_client):
    theos_patients(world, 5)  # with Jordan and Robin: 7 patients
    data = get_figures(api_client, world.admin, clinician=world.therapist.pk)
    assert data["patients"] == 6
    f = data["figures"]
    assert f["attendance_rate"]["suppressed"] is False
    assert (f["attendance_rate"]["numerator"], f["attendance_rate"]["denominator"]) == (5, 10)
    assert (f["remission_rate"]["numerator"], f["remission_rate"]["denominator"]) == (5, 5)


def test_a_figure_over_fewer_than_5_is_withheld_even_in_a_larger_scope(world, api_client):
    patients = theos_patients(world, 5)
    # One flag acknowledged: the median is that flag's wait alone.
    flag(patients[0], world.psychiatrist, at(2, 1), (world.therapist, 3))
    flag(patients[1], world.psychiatrist, at(2, 2))
    admin = get_figures(api_client, world.admin, clinician=world.therapist.pk)["figures"]
    assert admin["flag_ack_median_hours"]["suppressed"] is True
    assert admin["flag_ack_median_hours"]["value"] is None
    assert admin["attendance_rate"]["suppressed"] is False  # over 10 sessions of 5 patients
    theo = get_figures(api_client, world.therapist)["figures"]
    assert theo["flag_ack_median_hours"]["value"] == 3.0
    assert theo["flag_ack_median_hours"]["suppressed"] is False
