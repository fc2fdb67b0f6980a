"""The demo medication histories load through the services and tell a story per patient."""

from django.utils import timezone

from medication import selectors
from medication.models import AdherenceObservation, MedicationOrder, SideEffectReport
from seed.demo import medication as demo
from seed.management.commands.seed_demo import Command


def test_demo_seed(db):
    command = Command()
    staff = command._staff()
    patients = command._patients(staff)
    demo.seed(staff=staff, patients=patients, today=timezone.localdate())
    jordan, sam, riley, morgan = patients[:4]
    current = list(selectors.current_orders(patient=jordan))
    assert [(o.drug_name, o.dose_display) for o in current] == [("Sertraline", "100 mg")]
    assert current[0].supersedes.dose_display == "50 mg"
    assert current[0].supersedes.status == "changed"
    assert {o.drug_name for o in selectors.current_orders(patient=riley)} == {"Lamotrigine"}
    assert selectors.orders(patient=sam, status="discontinued").get().drug_name == "Hydroxyzine"
    for patient in (jordan, sam, riley):
        assert AdherenceObservation.objects.filter(patient=patient).count() >= 3
        assert SideEffectReport.objects.filter(patient=patient).exists()
    # the fourth demo patient has no psychiatrist, so no orders
    assert not MedicationOrder.objects.filter(patient=morgan).exists()
    assert all(o.prescriber == staff["psychiatrist"] for o in MedicationOrder.objects.all())
