# Written by hand from makemigrations' output: PatientSummary moves from careteam to patients,
# keeping its table (db_table), rows and generated columns.

import django.db.models.deletion
import django.db.models.expressions
import django.db.models.functions.comparison
from django.conf import settings
from django.db import migrations, models


NEW_APP = "patients"
MOVED = ['patientsummary']


def relabel_content_types(apps, schema_editor):
    """Keep the moved models' content types (and the permissions that point at them): the same
    rows, relabelled to the new app. A fresh database has none yet (post_migrate makes them)."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="careteam", model__in=MOVED).update(app_label=NEW_APP)


def unrelabel_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label=NEW_APP, model__in=MOVED).update(app_label="careteam")


class Migration(migrations.Migration):

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('careteam', '0006_summary_flags_follow_up_status'),
        ('patients', '0002_timeline_indexes'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # The tables exist already (careteam made them): change Django's idea of
            # where the models live, touch no table.
            state_operations=[
                migrations.CreateModel(
                    name='PatientSummary',
                    fields=[
                        ('patient', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='summary', serialize=False, to='patients.patient')),
                        ('phq9_baseline', models.PositiveSmallIntegerField(blank=True, null=True)),
                        ('phq9_baseline_on', models.DateField(blank=True, null=True)),
                        ('phq9_latest', models.PositiveSmallIntegerField(blank=True, null=True)),
                        ('phq9_latest_on', models.DateField(blank=True, null=True)),
                        ('phq9_count', models.PositiveIntegerField(default=0)),
                        ('gad7_baseline', models.PositiveSmallIntegerField(blank=True, null=True)),
                        ('gad7_baseline_on', models.DateField(blank=True, null=True)),
                        ('gad7_latest', models.PositiveSmallIntegerField(blank=True, null=True)),
                        ('gad7_latest_on', models.DateField(blank=True, null=True)),
                        ('gad7_count', models.PositiveIntegerField(default=0)),
                        ('last_contact_at', models.DateTimeField(blank=True, null=True)),
                        ('open_flags', models.PositiveIntegerField(default=0)),
                        ('urgent_flags', models.PositiveIntegerField(default=0)),
                        ('follow_up_dates', models.JSONField(blank=True, default=list)),
                        ('follow_up_due_on', models.DateField(blank=True, null=True)),
                        ('care_plan_review_on', models.DateField(blank=True, null=True)),
                        ('treatment_status', models.GeneratedField(db_persist=True, expression=models.Case(models.When(phq9_count=0, then=models.Value('no-data')), models.When(phq9_count=1, then=models.Value('baseline-only')), models.When(phq9_latest__lt=5, then=models.Value('remission')), models.When(models.Q(('phq9_baseline__gt', 0), ('phq9_latest__lte', models.ExpressionWrapper(django.db.models.expressions.CombinedExpression(models.F('phq9_baseline'), '*', models.Value(0.5)), output_field=models.FloatField()))), then=models.Value('response')), models.When(models.Q(('phq9_baseline__gt', 0), ('phq9_latest__lte', models.ExpressionWrapper(django.db.models.expressions.CombinedExpression(models.F('phq9_baseline'), '*', models.Value(0.75)), output_field=models.FloatField()))), then=models.Value('partial-response')), default=models.Value('not-improving')), output_field=models.CharField(max_length=20))),
                        ('phq9_change_pct', models.GeneratedField(db_persist=True, expression=models.Case(models.When(phq9_baseline__gt=0, then=django.db.models.expressions.CombinedExpression(django.db.models.expressions.CombinedExpression(django.db.models.expressions.CombinedExpression(django.db.models.functions.comparison.Cast(models.F('phq9_latest'), models.FloatField()), '-', django.db.models.functions.comparison.Cast(models.F('phq9_baseline'), models.FloatField())), '*', models.Value(100.0)), '/', django.db.models.functions.comparison.Cast(models.F('phq9_baseline'), models.FloatField()))), default=None, output_field=models.FloatField()), output_field=models.FloatField())),
                        ('review_since', models.DateField(blank=True, null=True)),
                        ('reviewed_at', models.DateTimeField(blank=True, null=True)),
                        ('reviewed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'careteam_patientsummary',
                        'indexes': [models.Index(fields=['review_since'], name='summary_review_since'), models.Index(fields=['phq9_baseline_on'], name='summary_phq9_baseline_on')],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(relabel_content_types, unrelabel_content_types),
    ]
