# Written by hand: the registry's follow-up dates for the referrals already recorded.

from collections import defaultdict

from django.db import migrations

OPEN = ("draft", "sent", "accepted", "in_progress")  # casemanagement.models.OPEN_STATUSES


def backfill(apps, schema_editor):
    """Each patient's open-referral follow-up dates onto careteam.PatientSummary (kept by
    casemanagement.services from now on)."""
    Referral = apps.get_model("casemanagement", "Referral")
    PatientSummary = apps.get_model("careteam", "PatientSummary")
    dates = defaultdict(list)
    for patient_id, day in (Referral.objects.filter(status__in=OPEN, follow_up_on__isnull=False)
                            .order_by("patient_id", "follow_up_on")
                            .values_list("patient_id", "follow_up_on").iterator()):
        dates[patient_id].append(day)
    patient_ids = list(dates)
    for start in range(0, len(patient_ids), 2000):
        rows = list(PatientSummary.objects.filter(patient_id__in=patient_ids[start:start + 2000]))
        for row in rows:
            row.follow_up_dates = [day.isoformat() for day in dates[row.patient_id]]
            row.follow_up_due_on = dates[row.patient_id][0]
        PatientSummary.objects.bulk_update(rows, ["follow_up_dates", "follow_up_due_on"])


class Migration(migrations.Migration):

    dependencies = [
        ("casemanagement", "0002_timeline_indexes"),
        ("careteam", "0006_summary_flags_follow_up_status"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
