import datetime
import itertools

from patients import services
from patients.models import Patient

_numbers = itertools.count(1)


def make_patient(*, actor, team=(), **overrides) -> Patient:
    """Register a patient through the service (care plan included) and put ``team`` —
    (user, role) pairs — on its care team."""
    n = next(_numbers)
    fields = {
        "first_name": f"Pat{n}",
        "last_name": f"Example{n}",
        "date_of_birth": datetime.date(1980, 1, 1) + datetime.timedelta(days=n),
        "record_number": f"MRN-T{n:05d}",
    }
    fields.update(overrides)
    patient = services.patient_register(actor=actor, **fields)
    for user, role in team:
        services.care_team_add(actor=actor, patient=patient, user=user, role=role)
    return patient
