# Written by hand from makemigrations' output: Flag, FlagAcknowledgement, Notification and
# OutboxMessage move from careteam to flags, keeping their tables (db_table), rows and ids.

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


NEW_APP = "flags"
MOVED = ['flag', 'flagacknowledgement', 'notification', 'outboxmessage']


def relabel_content_types(apps, schema_editor):
    """Keep the moved models' content types (and the permissions that point at them): the same
    rows, relabelled to the new app. A fresh database has none yet (post_migrate makes them)."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="careteam", model__in=MOVED).update(app_label=NEW_APP)


def unrelabel_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label=NEW_APP, model__in=MOVED).update(app_label="careteam")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('careteam', '0006_summary_flags_follow_up_status'),
        ('patients', '0003_patientsummary'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # The tables exist already (careteam made them): change Django's idea of
            # where the models live, touch no table.
            state_operations=[
                migrations.CreateModel(
                    name='Flag',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('category', models.CharField(choices=[('side_effect', 'Side effect'), ('safety', 'Safety risk'), ('missed_sessions', 'Missed sessions'), ('non_adherence', 'Non-adherence'), ('social', 'Social crisis'), ('clinical_change', 'Clinical change'), ('other', 'Other')], max_length=20)),
                        ('severity', models.CharField(choices=[('routine', 'Routine'), ('urgent', 'Urgent')], max_length=10)),
                        ('message', models.TextField()),
                        ('source_type', models.CharField(blank=True, max_length=40)),
                        ('source_id', models.BigIntegerField(blank=True, null=True)),
                        ('rule_key', models.CharField(blank=True, max_length=120, null=True, unique=True)),
                        ('status', models.CharField(choices=[('open', 'Open'), ('acknowledged', 'Acknowledged'), ('resolved', 'Resolved')], default='open', max_length=15)),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('acted_on_at', models.DateTimeField(blank=True, help_text='First acknowledgement by a recipient whose role must act.', null=True)),
                        ('escalated_at', models.DateTimeField(blank=True, null=True)),
                        ('resolved_at', models.DateTimeField(blank=True, null=True)),
                        ('resolution_note', models.TextField(blank=True)),
                        ('patient', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='flags', to='patients.patient')),
                        ('raised_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='flags_raised', to=settings.AUTH_USER_MODEL)),
                        ('resolved_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'careteam_flag',
                        'ordering': ['-created_at', '-id'],
                    },
                ),
                migrations.CreateModel(
                    name='FlagAcknowledgement',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('flag', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='acknowledgements', to='flags.flag')),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'careteam_flagacknowledgement',
                        'ordering': ['at', 'id'],
                    },
                ),
                migrations.CreateModel(
                    name='Notification',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('channel', models.CharField(choices=[('in_app', 'In-app'), ('email', 'Email')], max_length=10)),
                        ('event', models.CharField(choices=[('raised', 'New flag'), ('escalated', 'Escalated flag')], default='raised', max_length=10)),
                        ('action_required', models.BooleanField(default=False)),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('read_at', models.DateTimeField(blank=True, null=True)),
                        ('sent_at', models.DateTimeField(blank=True, help_text='Email handed to the mail server.', null=True)),
                        ('flag', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='notifications', to='flags.flag')),
                        ('patient', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='patients.patient')),
                        ('recipient', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='notifications', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'careteam_notification',
                        'ordering': ['-created_at', '-id'],
                    },
                ),
                migrations.CreateModel(
                    name='OutboxMessage',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('flag_raised', 'Flag raised'), ('flag_escalated', 'Flag escalated')], max_length=20)),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('published_at', models.DateTimeField(blank=True, null=True)),
                        ('publish_attempts', models.PositiveIntegerField(default=0)),
                        ('delivered_at', models.DateTimeField(blank=True, null=True)),
                        ('flag', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='outbox', to='flags.flag')),
                    ],
                    options={
                        'db_table': 'careteam_outboxmessage',
                        'ordering': ['id'],
                    },
                ),
                migrations.AddIndex(
                    model_name='flag',
                    index=models.Index(fields=['patient', 'status', '-created_at'], name='flag_patient_status'),
                ),
                migrations.AddIndex(
                    model_name='flag',
                    index=models.Index(fields=['patient', '-created_at', '-id'], name='flag_patient_created'),
                ),
                migrations.AddIndex(
                    model_name='flag',
                    index=models.Index(fields=['severity', 'status', 'escalated_at', 'created_at'], name='flag_escalation_scan'),
                ),
                migrations.AddConstraint(
                    model_name='flag',
                    constraint=models.CheckConstraint(condition=models.Q(('category__in', ['side_effect', 'safety', 'missed_sessions', 'non_adherence', 'social', 'clinical_change', 'other'])), name='flag_category_valid'),
                ),
                migrations.AddConstraint(
                    model_name='flag',
                    constraint=models.CheckConstraint(condition=models.Q(('severity__in', ['routine', 'urgent'])), name='flag_severity_valid'),
                ),
                migrations.AddConstraint(
                    model_name='flag',
                    constraint=models.CheckConstraint(condition=models.Q(('status__in', ['open', 'acknowledged', 'resolved'])), name='flag_status_valid'),
                ),
                migrations.AddConstraint(
                    model_name='flagacknowledgement',
                    constraint=models.UniqueConstraint(fields=('flag', 'user'), name='flag_ack_once'),
                ),
                migrations.AddIndex(
                    model_name='notification',
                    index=models.Index(fields=['recipient', 'channel', '-created_at'], name='notification_inbox'),
                ),
                migrations.AddIndex(
                    model_name='notification',
                    index=models.Index(fields=['recipient', 'channel', 'read_at'], name='notification_unread'),
                ),
                migrations.AddConstraint(
                    model_name='notification',
                    constraint=models.UniqueConstraint(fields=('flag', 'recipient', 'channel', 'event'), name='notification_once_per_flag_recipient_channel'),
                ),
                migrations.AddIndex(
                    model_name='outboxmessage',
                    index=models.Index(fields=['delivered_at', 'created_at'], name='outbox_undelivered'),
                ),
                migrations.AddConstraint(
                    model_name='outboxmessage',
                    constraint=models.UniqueConstraint(fields=('flag', 'kind'), name='outbox_once_per_flag_kind'),
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(relabel_content_types, unrelabel_content_types),
    ]
