"""The ledger's promises about money, held by the database below the services (issue 17, finding 9).

``funds.services`` refuses a payment that would take a fund's cash below zero or spend beyond its
budget, under row locks. These triggers make the same promises hold for anything that writes to
the tables directly (a script, a bug, a person with ``psql`` and the application's role):

* a posting that takes cash OUT of a fund is refused when the fund's cash would end below zero;
* a posting charged to a budget that SPENDS (expense or loans receivable going up) is refused when
  the budget's spending would end above its amount;
* a budget's amount cannot be set below what it has spent.

A posting that gives money back (a reversal, a repayment) is never refused by them, even on data
that broke the rules before the rules existed.

They check the finished posting as ``0002_ledger_invariants`` does: the legs are written first, the
header last. On SQLite the header's ``BEFORE INSERT`` trigger sees its own legs (one writer at a
time: no race). On PostgreSQL a CONSTRAINT TRIGGER runs after the header's insert; it first takes a
transaction-scoped advisory lock on the fund, so two postings of one fund are checked one after the
other, and the second, under READ COMMITTED, sees what the first committed: two payments that each
fit but together would not cannot both pass. It also reads the budget ``FOR SHARE``, so an amount
being lowered at the same moment is either seen or waits. Errors are integrity violations
(``IntegrityError`` in Django) on both vendors, as in 0002.
"""

from django.db import migrations

CASH_NEGATIVE = "A posting may not take the cash of a fund below zero."
OVER_BUDGET = "A posting may not spend beyond its budget."
BUDGET_BELOW_SPENT = "A budget cannot be set below what it has spent."

SPENDING = "('expense', 'receivable')"

SQLITE = [
    f"""
    CREATE TRIGGER IF NOT EXISTS funds_ledgertransaction_cash_not_negative
    BEFORE INSERT ON funds_ledgertransaction
    WHEN (
        SELECT coalesce(sum(e.amount), 0) FROM funds_ledgerentry e JOIN funds_account a ON a.id = e.account_id
        WHERE e.transaction_id = NEW.id AND a.kind = 'cash'
    ) < 0 AND (
        SELECT coalesce(sum(e.amount), 0) FROM funds_ledgerentry e JOIN funds_account a ON a.id = e.account_id
        WHERE a.source_id = NEW.source_id AND a.kind = 'cash'
    ) < 0
    BEGIN SELECT RAISE(ABORT, '{CASH_NEGATIVE}'); END;
    """,
    f"""
    CREATE TRIGGER IF NOT EXISTS funds_ledgertransaction_within_budget
    BEFORE INSERT ON funds_ledgertransaction
    WHEN NEW.budget_id IS NOT NULL AND (
        SELECT coalesce(sum(e.amount), 0) FROM funds_ledgerentry e JOIN funds_account a ON a.id = e.account_id
        WHERE e.transaction_id = NEW.id AND a.kind IN {SPENDING}
    ) > 0 AND (
        SELECT coalesce(sum(e.amount), 0) FROM funds_ledgerentry e JOIN funds_account a ON a.id = e.account_id
        WHERE a.kind IN {SPENDING} AND (
            e.transaction_id = NEW.id
            OR e.transaction_id IN (SELECT id FROM funds_ledgertransaction WHERE budget_id = NEW.budget_id)
        )
    ) > (SELECT amount FROM funds_budget WHERE id = NEW.budget_id)
    BEGIN SELECT RAISE(ABORT, '{OVER_BUDGET}'); END;
    """,
    f"""
    CREATE TRIGGER IF NOT EXISTS funds_budget_not_below_spent
    BEFORE UPDATE OF amount ON funds_budget
    WHEN NEW.amount < OLD.amount AND NEW.amount < (
        SELECT coalesce(sum(e.amount), 0)
        FROM funds_ledgerentry e
        JOIN funds_account a ON a.id = e.account_id
        JOIN funds_ledgertransaction t ON t.id = e.transaction_id
        WHERE t.budget_id = NEW.id AND a.kind IN {SPENDING}
    )
    BEGIN SELECT RAISE(ABORT, '{BUDGET_BELOW_SPENT}'); END;
    """,
]

SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS funds_ledgertransaction_cash_not_negative;",
    "DROP TRIGGER IF EXISTS funds_ledgertransaction_within_budget;",
    "DROP TRIGGER IF EXISTS funds_budget_not_below_spent;",
]

POSTGRESQL = [
    f"""
    CREATE OR REPLACE FUNCTION funds_check_cash_and_budget() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
        cash_moved bigint;
        spent_now bigint;
        cash bigint;
        used bigint;
        allowed bigint;
    BEGIN
        SELECT coalesce(sum(e.amount) FILTER (WHERE a.kind = 'cash'), 0),
               coalesce(sum(e.amount) FILTER (WHERE a.kind IN {SPENDING}), 0)
            INTO cash_moved, spent_now
            FROM funds_ledgerentry e JOIN funds_account a ON a.id = e.account_id
            WHERE e.transaction_id = NEW.id;
        IF cash_moved >= 0 AND (NEW.budget_id IS NULL OR spent_now <= 0) THEN
            RETURN NULL;  -- money in, or back: nothing to guard
        END IF;
        -- One fund's checks run one after the other; each statement below then reads what the
        -- postings before it committed (READ COMMITTED takes a snapshot per statement).
        PERFORM pg_advisory_xact_lock(hashtext('funds.fund'), NEW.source_id::integer);
        IF cash_moved < 0 THEN
            SELECT coalesce(sum(e.amount), 0) INTO cash
                FROM funds_ledgerentry e JOIN funds_account a ON a.id = e.account_id
                WHERE a.source_id = NEW.source_id AND a.kind = 'cash';
            IF cash < 0 THEN
                RAISE EXCEPTION '{CASH_NEGATIVE}' USING ERRCODE = 'check_violation', DETAIL = 'cash ' || cash;
            END IF;
        END IF;
        IF NEW.budget_id IS NOT NULL AND spent_now > 0 THEN
            SELECT amount INTO allowed FROM funds_budget WHERE id = NEW.budget_id FOR SHARE;
            SELECT coalesce(sum(e.amount), 0) INTO used
                FROM funds_ledgerentry e
                JOIN funds_account a ON a.id = e.account_id
                JOIN funds_ledgertransaction t ON t.id = e.transaction_id
                WHERE t.budget_id = NEW.budget_id AND a.kind IN {SPENDING};
            IF used > allowed THEN
                RAISE EXCEPTION '{OVER_BUDGET}' USING ERRCODE = 'check_violation',
                    DETAIL = 'spent ' || used || ' of ' || allowed;
            END IF;
        END IF;
        RETURN NULL;
    END $$;
    """,
    """
    CREATE CONSTRAINT TRIGGER funds_ledgertransaction_cash_and_budget
    AFTER INSERT ON funds_ledgertransaction DEFERRABLE INITIALLY IMMEDIATE
    FOR EACH ROW EXECUTE FUNCTION funds_check_cash_and_budget();
    """,
    f"""
    CREATE OR REPLACE FUNCTION funds_check_budget_amount() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
        used bigint;
    BEGIN
        IF NEW.amount >= OLD.amount THEN
            RETURN NEW;
        END IF;
        SELECT coalesce(sum(e.amount), 0) INTO used
            FROM funds_ledgerentry e
            JOIN funds_account a ON a.id = e.account_id
            JOIN funds_ledgertransaction t ON t.id = e.transaction_id
            WHERE t.budget_id = NEW.id AND a.kind IN {SPENDING};
        IF NEW.amount < used THEN
            RAISE EXCEPTION '{BUDGET_BELOW_SPENT}' USING ERRCODE = 'check_violation',
                DETAIL = 'spent ' || used;
        END IF;
        RETURN NEW;
    END $$;
    """,
    """
    CREATE TRIGGER funds_budget_not_below_spent BEFORE UPDATE OF amount ON funds_budget
    FOR EACH ROW EXECUTE FUNCTION funds_check_budget_amount();
    """,
]

POSTGRESQL_DROP = [
    "DROP TRIGGER IF EXISTS funds_budget_not_below_spent ON funds_budget;",
    "DROP TRIGGER IF EXISTS funds_ledgertransaction_cash_and_budget ON funds_ledgertransaction;",
    "DROP FUNCTION IF EXISTS funds_check_budget_amount();",
    "DROP FUNCTION IF EXISTS funds_check_cash_and_budget();",
]

STATEMENTS = {"sqlite": (SQLITE, SQLITE_DROP), "postgresql": (POSTGRESQL, POSTGRESQL_DROP)}


def install(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor not in STATEMENTS:
        raise RuntimeError(f"The fund ledger's guards are written for SQLite and PostgreSQL, not {vendor}.")
    for statement in STATEMENTS[vendor][0]:
        schema_editor.execute(statement, params=None)


def uninstall(apps, schema_editor):
    for statement in STATEMENTS.get(schema_editor.connection.vendor, ((), ()))[1]:
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [("funds", "0003_purposes")]
    operations = [migrations.RunPython(install, uninstall)]
