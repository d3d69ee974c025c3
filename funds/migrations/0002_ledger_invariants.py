"""The ledger's invariants, enforced by the database itself, on SQLite and on PostgreSQL.

1. Append-only. ``BEFORE UPDATE`` and ``BEFORE DELETE`` triggers on the transaction headers and
   their legs refuse every change. A correction is a reversal (a new transaction). PostgreSQL's
   TRUNCATE (which fires no row triggers) is left to the table owner: the test runner empties
   tables with it; the application's database role should not own the tables in production.

2. Balanced. The legs of a transaction sum to zero, there are at least two, and all of them are on
   accounts of the header's fund. Neither vendor can run the check "at the end of the statement
   that inserted the legs" (SQLite has row triggers only), and SQLite cannot run anything at
   commit. So the order of writing is turned around, identically on both vendors:

   * the application chooses the header's id (a UUID) and inserts the legs FIRST; their foreign
     key to the header is DEFERRABLE INITIALLY DEFERRED (Django creates every foreign key so, on
     both vendors), so it is checked at commit: a leg whose header never arrives fails the commit;
   * the header is inserted LAST, and its ``BEFORE INSERT`` trigger checks the finished set of legs
     (at least two, sum zero, one fund) and refuses the header otherwise;
   * a ``BEFORE INSERT`` trigger on the legs refuses a leg whose header already exists, so the set
     the header's trigger checked can never grow afterwards.

   At commit, then, every leg has a header (foreign key) and every header was balanced when it was
   written and cannot change (append-only). On PostgreSQL two sessions could race on one id: the
   leg trigger of one might not see the other's uncommitted header. Both triggers therefore take a
   transaction-scoped advisory lock on the header's id, which serialises them. SQLite has one
   writer at a time, so the race does not exist there.

   PostgreSQL also gets a deferred CONSTRAINT TRIGGER that re-adds the legs of every transaction a
   commit touched, at commit: a second, independent line of defence that does not depend on the
   order of writing.

Errors are raised as integrity violations (SQLite's ``RAISE(ABORT)``, PostgreSQL's SQLSTATE
23514), so Django reports them as ``IntegrityError`` on both.

Note for later migrations: on SQLite, an ``AlterField`` on these two tables rebuilds the table and
drops its triggers. Such a migration must run ``install`` from here again (the raw-SQL tests in
tests/funds/test_ledger.py would fail otherwise).
"""

from django.db import migrations

APPEND_ONLY = "The ledger is append-only: a posted row cannot be changed or deleted; post a reversal instead."
UNBALANCED = "The legs of a ledger transaction must sum to zero."
TOO_FEW_LEGS = "A ledger transaction needs at least two legs."
OTHER_FUND = "Every leg of a ledger transaction must be on an account of the fund of its transaction."
CLOSED = "Legs cannot be added to a ledger transaction that is already written."

SQLITE = [
    *[
        f"""
        CREATE TRIGGER IF NOT EXISTS {table}_no_{op.lower()}
        BEFORE {op} ON {table}
        BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END;
        """
        for table in ("funds_ledgertransaction", "funds_ledgerentry")
        for op in ("UPDATE", "DELETE")
    ],
    f"""
    CREATE TRIGGER IF NOT EXISTS funds_ledgertransaction_two_legs
    BEFORE INSERT ON funds_ledgertransaction
    WHEN (SELECT count(*) FROM funds_ledgerentry WHERE transaction_id = NEW.id) < 2
    BEGIN SELECT RAISE(ABORT, '{TOO_FEW_LEGS}'); END;
    """,
    f"""
    CREATE TRIGGER IF NOT EXISTS funds_ledgertransaction_balanced
    BEFORE INSERT ON funds_ledgertransaction
    WHEN (SELECT coalesce(sum(amount), 0) FROM funds_ledgerentry WHERE transaction_id = NEW.id) <> 0
    BEGIN SELECT RAISE(ABORT, '{UNBALANCED}'); END;
    """,
    f"""
    CREATE TRIGGER IF NOT EXISTS funds_ledgertransaction_one_fund
    BEFORE INSERT ON funds_ledgertransaction
    WHEN EXISTS (
        SELECT 1 FROM funds_ledgerentry e JOIN funds_account a ON a.id = e.account_id
        WHERE e.transaction_id = NEW.id AND a.source_id <> NEW.source_id
    )
    BEGIN SELECT RAISE(ABORT, '{OTHER_FUND}'); END;
    """,
    f"""
    CREATE TRIGGER IF NOT EXISTS funds_ledgerentry_header_not_written
    BEFORE INSERT ON funds_ledgerentry
    WHEN EXISTS (SELECT 1 FROM funds_ledgertransaction WHERE id = NEW.transaction_id)
    BEGIN SELECT RAISE(ABORT, '{CLOSED}'); END;
    """,
]

SQLITE_DROP = [
    f"DROP TRIGGER IF EXISTS {name};"
    for name in (
        "funds_ledgertransaction_no_update",
        "funds_ledgertransaction_no_delete",
        "funds_ledgerentry_no_update",
        "funds_ledgerentry_no_delete",
        "funds_ledgertransaction_two_legs",
        "funds_ledgertransaction_balanced",
        "funds_ledgertransaction_one_fund",
        "funds_ledgerentry_header_not_written",
    )
]

POSTGRESQL = [
    f"""
    CREATE OR REPLACE FUNCTION funds_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION '{APPEND_ONLY}' USING ERRCODE = 'check_violation', DETAIL = TG_OP || ' on ' || TG_TABLE_NAME;
    END $$;
    """,
    *[
        f"""
        CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
        FOR EACH ROW EXECUTE FUNCTION funds_refuse_change();
        """
        for table in ("funds_ledgertransaction", "funds_ledgerentry")
    ],
    f"""
    CREATE OR REPLACE FUNCTION funds_check_header() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
        legs integer;
        total bigint;
    BEGIN
        PERFORM pg_advisory_xact_lock(hashtextextended(NEW.id::text, 0));
        SELECT count(*), coalesce(sum(amount), 0) INTO legs, total
            FROM funds_ledgerentry WHERE transaction_id = NEW.id;
        IF legs < 2 THEN
            RAISE EXCEPTION '{TOO_FEW_LEGS}' USING ERRCODE = 'check_violation';
        END IF;
        IF total <> 0 THEN
            RAISE EXCEPTION '{UNBALANCED}' USING ERRCODE = 'check_violation', DETAIL = 'sum ' || total;
        END IF;
        IF EXISTS (
            SELECT 1 FROM funds_ledgerentry e JOIN funds_account a ON a.id = e.account_id
            WHERE e.transaction_id = NEW.id AND a.source_id <> NEW.source_id
        ) THEN
            RAISE EXCEPTION '{OTHER_FUND}' USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END $$;
    """,
    """
    CREATE TRIGGER funds_ledgertransaction_balanced BEFORE INSERT ON funds_ledgertransaction
    FOR EACH ROW EXECUTE FUNCTION funds_check_header();
    """,
    f"""
    CREATE OR REPLACE FUNCTION funds_check_leg() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM pg_advisory_xact_lock(hashtextextended(NEW.transaction_id::text, 0));
        IF EXISTS (SELECT 1 FROM funds_ledgertransaction WHERE id = NEW.transaction_id) THEN
            RAISE EXCEPTION '{CLOSED}' USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END $$;
    """,
    """
    CREATE TRIGGER funds_ledgerentry_header_not_written BEFORE INSERT ON funds_ledgerentry
    FOR EACH ROW EXECUTE FUNCTION funds_check_leg();
    """,
    f"""
    CREATE OR REPLACE FUNCTION funds_check_sum_at_commit() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
        total bigint;
    BEGIN
        SELECT coalesce(sum(amount), 0) INTO total FROM funds_ledgerentry WHERE transaction_id = NEW.transaction_id;
        IF total <> 0 THEN
            RAISE EXCEPTION '{UNBALANCED}' USING ERRCODE = 'check_violation', DETAIL = 'sum ' || total;
        END IF;
        RETURN NULL;
    END $$;
    """,
    """
    CREATE CONSTRAINT TRIGGER funds_ledgerentry_balanced_at_commit
    AFTER INSERT ON funds_ledgerentry DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION funds_check_sum_at_commit();
    """,
]

POSTGRESQL_DROP = [
    "DROP TRIGGER IF EXISTS funds_ledgerentry_balanced_at_commit ON funds_ledgerentry;",
    "DROP TRIGGER IF EXISTS funds_ledgerentry_header_not_written ON funds_ledgerentry;",
    "DROP TRIGGER IF EXISTS funds_ledgertransaction_balanced ON funds_ledgertransaction;",
    "DROP TRIGGER IF EXISTS funds_ledgerentry_append_only ON funds_ledgerentry;",
    "DROP TRIGGER IF EXISTS funds_ledgertransaction_append_only ON funds_ledgertransaction;",
    "DROP FUNCTION IF EXISTS funds_check_sum_at_commit();",
    "DROP FUNCTION IF EXISTS funds_check_leg();",
    "DROP FUNCTION IF EXISTS funds_check_header();",
    "DROP FUNCTION IF EXISTS funds_refuse_change();",
]

STATEMENTS = {"sqlite": (SQLITE, SQLITE_DROP), "postgresql": (POSTGRESQL, POSTGRESQL_DROP)}


def _run(schema_editor, statements):
    for statement in statements:
        schema_editor.execute(statement, params=None)


def install(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor not in STATEMENTS:
        raise RuntimeError(f"The fund ledger's invariants are written for SQLite and PostgreSQL, not {vendor}.")
    _run(schema_editor, STATEMENTS[vendor][0])


def uninstall(apps, schema_editor):
    _run(schema_editor, STATEMENTS.get(schema_editor.connection.vendor, ((), ()))[1])


class Migration(migrations.Migration):
    dependencies = [("funds", "0001_initial")]
    operations = [migrations.RunPython(install, uninstall)]
