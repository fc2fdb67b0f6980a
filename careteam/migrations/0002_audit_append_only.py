from django.db import migrations

# On PostgreSQL the audit log is append-only at the database level too: UPDATE and DELETE of a
# row raise an error, whatever code (or person with a SQL prompt and the app's role) tries it.
FORWARD = """
CREATE OR REPLACE FUNCTION careteam_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit events cannot be changed or deleted';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER careteam_audit_append_only
    BEFORE UPDATE OR DELETE ON careteam_auditevent
    FOR EACH ROW EXECUTE FUNCTION careteam_audit_append_only();
"""
BACKWARD = """
DROP TRIGGER IF EXISTS careteam_audit_append_only ON careteam_auditevent;
DROP FUNCTION IF EXISTS careteam_audit_append_only();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("careteam", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
