"""Drop DRF's token table (rest_framework.authtoken, no longer installed).

Its keys were stored in clear, one per user, and never expired: the very tokens issue 11 retires.
Leaving the table would keep every old key readable in the database; API clients sign in again
and get a knox token (hashed, expiring). Irreversible on purpose: the old keys are not wanted back.
"""

from django.db import migrations

TABLE = "authtoken_token"


def drop_drf_tokens(apps, schema_editor):
    connection = schema_editor.connection
    if TABLE in connection.introspection.table_names():
        schema_editor.execute(f"DROP TABLE {connection.ops.quote_name(TABLE)}")


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    operations = [migrations.RunPython(drop_drf_tokens, migrations.RunPython.noop, elidable=False)]
