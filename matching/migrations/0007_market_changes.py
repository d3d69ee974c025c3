"""The log a cached matching market reads to learn what changed since it was built
(``matching.models.MarketChange``, ``matching.changes``), written by triggers on the tables behind
the market, on SQLite and on PostgreSQL: every insert, update and delete of a row, whether through
a model's ``save``, a queryset's ``update`` or raw SQL, leaves a row naming the member or posting
it changed (an update that moves a row to another owner, two; on PostgreSQL, one per member or
posting per statement, from the statement's transition tables).

Note for later migrations: on SQLite, an ``AlterField`` on one of these tables rebuilds the table
and drops its triggers; such a migration must run ``install`` from here again (the tests of
tests/matching/test_changes.py would fail otherwise). PostgreSQL's TRUNCATE fires no row triggers:
a table emptied so must be followed by ``matching.services.forget_market`` in every process."""

import django.utils.timezone
from django.db import migrations, models

PREFERENCE_OWNER = "COALESCE((SELECT member_id FROM households_jobpreference WHERE id = {r}.jobpreference_id), 0)"

# table -> (side, the target as an expression of the row {r}: NEW or OLD on SQLite, a transition row on PostgreSQL)
TABLES = {
    "households_member": ("s", "{r}.id"),
    "households_household": ("s", "-{r}.id"),
    "households_jobpreference": ("s", "{r}.member_id"),
    "households_memberskill": ("s", "{r}.member_id"),
    "households_jobpreference_regions": ("s", PREFERENCE_OWNER),
    "households_jobpreference_occupations": ("s", PREFERENCE_OWNER),
    "jobs_jobposting": ("p", "{r}.id"),
    "jobs_postingskill": ("p", "{r}.posting_id"),
    "jobs_placement": ("p", "{r}.posting_id"),
}
LOG = "INSERT INTO matching_marketchange (side, target, xid, at)"


def _postgresql(table, side, target):
    """Statement triggers with transition tables: one INSERT ... SELECT per statement, each target
    once (a bulk insert of 25,000 skills paid 2.4 times its time with a row trigger each)."""
    statements = []
    for op, tables in (("insert", ("new",)), ("update", ("old", "new")), ("delete", ("old",))):
        rows = " UNION ".join(f"SELECT {target.format(r='r')} AS target FROM {t}_rows r" for t in tables)
        referencing = " ".join(f"{t.upper()} TABLE AS {t}_rows" for t in tables)
        statements += [
            f"""
            CREATE OR REPLACE FUNCTION matching_change_{table}_{op}() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                {LOG} SELECT '{side}', target, pg_current_xact_id()::text::bigint, now() FROM ({rows}) changed;
                RETURN NULL;
            END $$;
            """,
            f"""
            CREATE TRIGGER matching_change_{op} AFTER {op.upper()} ON {table}
            REFERENCING {referencing} FOR EACH STATEMENT EXECUTE FUNCTION matching_change_{table}_{op}();
            """,
        ]
    return statements


def _sqlite(table, side, target):
    old, new = target.format(r="OLD"), target.format(r="NEW")
    now = "strftime('%Y-%m-%d %H:%M:%f', 'now')"
    return [
        f"""CREATE TRIGGER IF NOT EXISTS matching_change_{table}_insert AFTER INSERT ON {table}
        BEGIN {LOG} VALUES ('{side}', {new}, NULL, {now}); END;""",
        f"""CREATE TRIGGER IF NOT EXISTS matching_change_{table}_update AFTER UPDATE ON {table}
        BEGIN
            {LOG} SELECT '{side}', {old}, NULL, {now} WHERE ({old}) IS NOT ({new});
            {LOG} VALUES ('{side}', {new}, NULL, {now});
        END;""",
        f"""CREATE TRIGGER IF NOT EXISTS matching_change_{table}_delete AFTER DELETE ON {table}
        BEGIN {LOG} VALUES ('{side}', {old}, NULL, {now}); END;""",
    ]


def _drop(vendor, table):
    if vendor == "postgresql":
        return [
            statement
            for op in ("insert", "update", "delete")
            for statement in (
                f"DROP TRIGGER IF EXISTS matching_change_{op} ON {table};",
                f"DROP FUNCTION IF EXISTS matching_change_{table}_{op}();",
            )
        ]
    return [f"DROP TRIGGER IF EXISTS matching_change_{table}_{op};" for op in ("insert", "update", "delete")]


def install(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    write = {"postgresql": _postgresql, "sqlite": _sqlite}.get(vendor)
    if write is None:
        raise RuntimeError(f"The market's change log is written for SQLite and PostgreSQL, not {vendor}.")
    for table, (side, target) in TABLES.items():
        for statement in write(table, side, target):
            schema_editor.execute(statement, params=None)


def uninstall(apps, schema_editor):
    for table in TABLES:
        for statement in _drop(schema_editor.connection.vendor, table):
            schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("households", "0008_plan_track_migrant"),
        ("jobs", "0005_employer_pending_name"),
        ("matching", "0006_match_member_best_dropped"),
    ]

    operations = [
        migrations.CreateModel(
            name="MarketChange",
            fields=[
                ("id", models.BigAutoField(primary_key=True, serialize=False)),
                ("side", models.CharField(max_length=1)),
                ("target", models.BigIntegerField()),
                ("xid", models.BigIntegerField(null=True)),
                ("at", models.DateTimeField(default=django.utils.timezone.now)),
            ],
            options={
                "verbose_name": "market change",
                "verbose_name_plural": "market changes",
                "indexes": [models.Index(fields=["xid"], name="market_change_xid")],
            },
        ),
        migrations.RunPython(install, uninstall),
    ]
