# Written by hand from makemigrations' output: the models that moved to flags and patients leave
# careteam's state; their tables stay (the new apps own them now, same names).

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('casemanagement', '0003_summary_follow_up_due'),
        ('patients', '0003_patientsummary'),
        ('flags', '0001_initial'),
        ('careteam', '0006_summary_flags_follow_up_status'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # The tables stay where they are: flags and patients own them now.
            state_operations=[
                migrations.RemoveField(
                    model_name='flag',
                    name='patient',
                ),
                migrations.RemoveField(
                    model_name='flag',
                    name='raised_by',
                ),
                migrations.RemoveField(
                    model_name='flag',
                    name='resolved_by',
                ),
                migrations.RemoveField(
                    model_name='notification',
                    name='flag',
                ),
                migrations.RemoveField(
                    model_name='flagacknowledgement',
                    name='flag',
                ),
                migrations.RemoveField(
                    model_name='flagacknowledgement',
                    name='user',
                ),
                migrations.RemoveField(
                    model_name='notification',
                    name='patient',
                ),
                migrations.RemoveField(
                    model_name='notification',
                    name='recipient',
                ),
                migrations.RemoveField(
                    model_name='patientsummary',
                    name='patient',
                ),
                migrations.RemoveField(
                    model_name='patientsummary',
                    name='reviewed_by',
                ),
                migrations.DeleteModel(
                    name='OutboxMessage',
                ),
                migrations.DeleteModel(
                    name='Flag',
                ),
                migrations.DeleteModel(
                    name='FlagAcknowledgement',
                ),
                migrations.DeleteModel(
                    name='Notification',
                ),
                migrations.DeleteModel(
                    name='PatientSummary',
                ),
            ],
            database_operations=[],
        ),
    ]
