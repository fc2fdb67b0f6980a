"""Table snapshots for scripts/check-migrate-forward (run with the project's venv python).

    migrate_forward_tables.py record  DB_URL BEFORE_JSON
        For every table in the public schema: its columns, row count and an order-independent
        md5 of its rows, written to BEFORE_JSON.
    migrate_forward_tables.py compare DB_URL BEFORE_JSON [FRESH_DB_URL]
        After the forward migration: every table in BEFORE_JSON must still be there with the same
        rows (see the rules below). With FRESH_DB_URL, the schema (columns, indexes, constraints,
        triggers) must also be the one a fresh `migrate` of the current code gives.
        Prints a summary; exits 1 naming every table that lost or changed rows.

Rows are compared on the columns the table had before, so a column added by the forward
migration does not count as a change (it is reported); a column that disappeared does.
"""

import json
import sys
from collections import Counter

import psycopg
from psycopg import sql

# Rows may be added (every row from before must still be there, compared row by row):
#  - django_migrations: the forward migration records what it applies.
#  - auth_permission: Django's post_migrate handler adds the permissions of any model that is
#    new to the current code. (Models that moved app keep theirs: their content types are
#    relabelled by the migration that moves them.)
ROWS_ADDED_OK = {"django_migrations", "auth_permission"}

# Rows may be rewritten or added, not lost (the count may not drop):
#  - django_content_type: a model moving apps may have its content type relabelled
#    (app_label rewritten in place, keeping its id), and post_migrate adds a content type for
#    any model new to the current code.
REWRITE_OK = {"django_content_type"}

# Tables a migration drops on purpose (their rows are meant to go):
#  - authtoken_token: DRF's API tokens, in clear and never expiring, replaced by knox's hashed,
#    expiring tokens (issue 11; accounts/migrations/0002_drop_drf_authtoken.py).
DROPPED_OK = {"authtoken_token"}


def connect(url):
    conn = psycopg.connect(url, autocommit=True)
    # Row text must not depend on the session: timestamps in UTC, whatever the server default.
    conn.execute("SET TimeZone = 'UTC'")
    return conn


def tables(conn):
    """{table: [columns in table order]} for the public schema's tables."""
    rows = conn.execute(
        "SELECT c.table_name, c.column_name FROM information_schema.columns c"
        " JOIN information_schema.tables t USING (table_schema, table_name)"
        " WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'"
        " ORDER BY c.table_name, c.ordinal_position"
    ).fetchall()
    result = {}
    for table, column in rows:
        result.setdefault(table, []).append(column)
    return result


def rows_query(table, columns):
    return sql.SQL("SELECT {} FROM {}").format(
        sql.SQL(", ").join(map(sql.Identifier, columns)), sql.Identifier(table)
    )


def count_and_hash(conn, table, columns):
    query = sql.SQL(
        "SELECT count(*), md5(coalesce(string_agg(r::text, '|' ORDER BY r::text), '')) FROM ({}) AS r"
    ).format(rows_query(table, columns))
    count, digest = conn.execute(query).fetchone()
    return count, digest


def row_hashes(conn, table, columns):
    query = sql.SQL("SELECT md5(r::text) FROM ({}) AS r").format(rows_query(table, columns))
    return [digest for (digest,) in conn.execute(query)]


def record(url, path):
    with connect(url) as conn:
        snapshot = {}
        for table, columns in tables(conn).items():
            count, digest = count_and_hash(conn, table, columns)
            snapshot[table] = {"columns": columns, "count": count, "hash": digest}
            if table in ROWS_ADDED_OK:
                snapshot[table]["rows"] = row_hashes(conn, table, columns)
    with open(path, "w") as out:
        json.dump(snapshot, out, indent=1, sort_keys=True)
    print(f"    recorded {len(snapshot)} tables, {sum(t['count'] for t in snapshot.values())} rows")


def schema(conn):
    """Everything about the public schema that a migration defines, as comparable strings."""
    queries = {
        "column": "SELECT table_name || '.' || column_name, concat_ws(' ', data_type,"
        " character_maximum_length, numeric_precision, numeric_scale,"
        " CASE is_nullable WHEN 'NO' THEN 'NOT NULL' END, 'DEFAULT ' || column_default,"
        " 'GENERATED ' || generation_expression, 'IDENTITY ' || identity_generation)"
        " FROM information_schema.columns WHERE table_schema = 'public'",
        "index": "SELECT tablename || ' ' || indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'",
        "constraint": "SELECT conrelid::regclass || ' ' || conname, pg_get_constraintdef(oid)"
        " FROM pg_constraint WHERE connamespace = 'public'::regnamespace"
        " AND conrelid <> 0",
        "trigger": "SELECT tgrelid::regclass || ' ' || tgname, pg_get_triggerdef(t.oid)"
        " FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
        " WHERE NOT tgisinternal AND c.relnamespace = 'public'::regnamespace",
    }
    return {
        (kind, name): definition
        for kind, query in queries.items()
        for name, definition in conn.execute(query)
    }


def compare_schema(url, fresh_url):
    """Differences between the forward-migrated database and a fresh migrate, as lines."""
    with connect(url) as conn:
        forward = schema(conn)
    with connect(fresh_url) as conn:
        fresh = schema(conn)
    problems = []
    for key in sorted(forward.keys() | fresh.keys()):
        kind, name = key
        if key not in fresh:
            problems.append(f"{kind} {name}: only in the forward-migrated database ({forward[key]})")
        elif key not in forward:
            problems.append(f"{kind} {name}: missing (a fresh migrate has: {fresh[key]})")
        elif forward[key] != fresh[key]:
            problems.append(f"{kind} {name}: is {forward[key]!r}, a fresh migrate has {fresh[key]!r}")
    return problems


def compare(url, path, fresh_url=None):
    with open(path) as f:
        before = json.load(f)
    problems, notes = [], []
    rows_checked = 0
    with connect(url) as conn:
        after = tables(conn)
        for table, old in sorted(before.items()):
            if table not in after:
                if table in DROPPED_OK:
                    notes.append(f"{table}: dropped on purpose ({old['count']} rows before)")
                else:
                    problems.append(f"{table}: table is gone ({old['count']} rows before)")
                continue
            missing = [c for c in old["columns"] if c not in after[table]]
            if missing:
                problems.append(f"{table}: column(s) gone: {', '.join(missing)}")
                continue
            added = [c for c in after[table] if c not in old["columns"]]
            if added:
                notes.append(f"{table}: new column(s) {', '.join(added)}")
            count, digest = count_and_hash(conn, table, old["columns"])
            rows_checked += old["count"]
            if table in ROWS_ADDED_OK:
                lost = Counter(old["rows"]) - Counter(row_hashes(conn, table, old["columns"]))
                if lost:
                    problems.append(
                        f"{table}: {sum(lost.values())} of its {old['count']} rows"
                        " gone or changed (rows may only be added)"
                    )
                elif count > old["count"]:
                    notes.append(f"{table}: {count - old['count']} row(s) added")
            elif table in REWRITE_OK:
                if count < old["count"]:
                    problems.append(
                        f"{table}: {old['count']} rows before, {count} after"
                        " (rows may be rewritten, not lost)"
                    )
                elif digest != old["hash"]:
                    notes.append(f"{table}: rows rewritten or added (allowed), {old['count']} -> {count}")
            elif count != old["count"]:
                problems.append(f"{table}: {old['count']} rows before, {count} after")
            elif digest != old["hash"]:
                problems.append(f"{table}: same {count} rows counted, but their contents changed")
        new_tables = sorted(set(after) - set(before))
        applied = conn.execute("SELECT app || '.' || name FROM django_migrations ORDER BY id").fetchall()
    applied = [name for (name,) in applied][before["django_migrations"]["count"] :]

    print(f"    {len(before)} tables and {rows_checked} rows from before checked")
    print(
        f"    forward migrate applied {len(applied)} migration(s)"
        + (
            ": " + ", ".join(applied)
            if applied
            else " (the base has the same migration names as the current code)"
        )
    )
    print("    new tables: " + (", ".join(new_tables) if new_tables else "none"))
    for note in notes:
        print(f"    note: {note}")
    if fresh_url:
        schema_problems = compare_schema(url, fresh_url)
        problems += [f"schema: {p}" for p in schema_problems]
        if not schema_problems:
            print("    schema is the same as a fresh migrate of the current code")
    if problems:
        print("FAILED: the forward migration did not keep the database as it was:", file=sys.stderr)
        for problem in problems:
            print(f"  - {problem}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    command, *args = sys.argv[1:] or ["help"]
    if command == "record" and len(args) == 2:
        record(*args)
    elif command == "compare" and len(args) in (2, 3):
        sys.exit(compare(*args))
    else:
        sys.exit(__doc__)
