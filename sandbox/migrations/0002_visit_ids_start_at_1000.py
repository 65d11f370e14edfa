"""Start visit ids at 1000 so they look like VSee's and never collide with user ids by eye."""

from __future__ import annotations

from typing import Any

from django.db import migrations

FIRST_VISIT_ID = 1000


def start_visit_ids(apps: Any, schema_editor: Any) -> None:
    """Move the visit table's id sequence so the next id is 1000."""
    table = apps.get_model("sandbox", "SandboxVisit")._meta.db_table
    vendor = schema_editor.connection.vendor
    with schema_editor.connection.cursor() as cursor:
        if vendor == "sqlite":
            # AUTOINCREMENT tables take max(seq, max(id)) + 1 from sqlite_sequence.
            cursor.execute("DELETE FROM sqlite_sequence WHERE name = %s", [table])
            cursor.execute(
                "INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)",
                [table, FIRST_VISIT_ID - 1],
            )
        elif vendor == "postgresql":
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence(%s, 'id'), %s, false)",
                [table, FIRST_VISIT_ID],
            )


class Migration(migrations.Migration):
    dependencies = [("sandbox", "0001_initial")]

    operations = [migrations.RunPython(start_visit_ids, migrations.RunPython.noop)]
