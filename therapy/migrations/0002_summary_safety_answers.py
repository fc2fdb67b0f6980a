# Written by hand: the registry's date of each patient's latest PHQ-9 with item 9 above 0
# (kept by therapy.services from now on).

from django.db import migrations


def latest_safety_answers(apps, schema_editor):
    Assessment = apps.get_model("therapy", "Assessment")
    PatientSummary = apps.get_model("patients", "PatientSummary")
    latest = {}
    rows = Assessment.objects.filter(instrument="PHQ9").values_list("patient_id", "administered_on", "answers")
    for patient_id, on, answers in rows.iterator():
        if isinstance(answers, list) and len(answers) == 9 and answers[8] and answers[8] > 0:
            if patient_id not in latest or on > latest[patient_id]:
                latest[patient_id] = on
    for patient_id, on in latest.items():
        PatientSummary.objects.filter(patient_id=patient_id).update(safety_answer_on=on)


class Migration(migrations.Migration):
    dependencies = [
        ("therapy", "0001_initial"),
        ("patients", "0004_summary_safety"),
    ]

    operations = [migrations.RunPython(latest_safety_answers, migrations.RunPython.noop)]
