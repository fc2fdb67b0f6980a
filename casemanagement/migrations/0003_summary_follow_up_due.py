# Written by hand: the registry's "follow-up due" date for the referrals already recorded.

from django.db import migrations
from django.db.models import Min, OuterRef, Subquery

OPEN = ("draft", "sent", "accepted", "in_progress")  # casemanagement.models.OPEN_STATUSES


def backfill(apps, schema_editor):
    """Each patient's earliest open-referral follow-up date onto careteam.PatientSummary (kept by
    casemanagement.services from now on)."""
    Referral = apps.get_model("casemanagement", "Referral")
    PatientSummary = apps.get_model("careteam", "PatientSummary")
    due = (Referral.objects.filter(patient=OuterRef("patient"), status__in=OPEN,
                                   follow_up_on__isnull=False)
           .order_by().values("patient").annotate(due=Min("follow_up_on")).values("due"))
    PatientSummary.objects.filter(
        patient__in=Referral.objects.filter(status__in=OPEN, follow_up_on__isnull=False)
        .values("patient")
    ).update(follow_up_due_on=Subquery(due))


class Migration(migrations.Migration):

    dependencies = [
        ("casemanagement", "0002_timeline_indexes"),
        ("careteam", "0006_summary_flags_follow_up_status"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
