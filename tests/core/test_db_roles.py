"""Finding 10: the application connects with a role that cannot rewrite the ledger.

``manage.py db_roles`` grants an application role the rows of every table, and on the append-only
tables (the ledger, the access log) only SELECT and INSERT; it owns nothing. This test applies the
grants to the test database and then works as that role over a connection of its own: it can post a
balanced transaction and edit a household, and it cannot UPDATE, DELETE or TRUNCATE the ledger,
disable its triggers, or change the schema.

Which application role: in CI the one ``.ci/run`` created (``DB_APP_ROLE``, ``DB_APP_PASSWORD``:
the suite itself runs as the owner role, which may grant on its own test database); elsewhere a
throw-away role, when the test's connection may create roles (a local superuser). Otherwise the
test is skipped and says why."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection

from funds import ledger, services
from funds.models import Account, LedgerEntry, LedgerTransaction
from tests.funds.conftest import key, yuan

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="database roles are a PostgreSQL matter"),
]


def _can_create_roles() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = current_user")
        return bool(cursor.fetchone()[0])


@pytest.fixture
def app_role() -> Iterator[tuple[str, str]]:
    """(role, password) of an application role granted on the test database."""
    owner = connection.settings_dict["USER"]
    if os.environ.get("DB_APP_ROLE"):
        role, password = os.environ["DB_APP_ROLE"], os.environ.get("DB_APP_PASSWORD", "")
        call_command("db_roles", owner=owner, app=role, grants_only=True, stdout=open(os.devnull, "w"))  # noqa: SIM115
        yield role, password
        return
    if not _can_create_roles():
        pytest.skip("no DB_APP_ROLE given and this connection cannot create a throw-away role (not a superuser)")
    role, password = f"relief_test_app_{uuid.uuid4().hex[:8]}", uuid.uuid4().hex
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE \"{role}\" LOGIN PASSWORD '{password}'")
    try:
        call_command("db_roles", owner=owner, app=role, grants_only=True, stdout=open(os.devnull, "w"))  # noqa: SIM115
        yield role, password
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP OWNED BY "{role}"')
            cursor.execute(f'DROP ROLE IF EXISTS "{role}"')


def as_role(role: str, password: str) -> psycopg.Connection[Any]:
    s = connection.settings_dict
    return psycopg.connect(
        host=s["HOST"] or "127.0.0.1",
        port=s["PORT"] or 5432,
        dbname=s["NAME"],
        user=role,
        password=password,
        autocommit=True,
        connect_timeout=5,
    )


def refused(conn: psycopg.Connection[Any], statement: str) -> bool:
    try:
        conn.execute(statement)
    except psycopg.errors.InsufficientPrivilege:
        return True
    return False


def test_the_application_role_posts_money_but_cannot_rewrite_or_empty_the_ledger(
    app_role: tuple[str, str], world: Any, people: Any
) -> None:
    txn = services.contribution_record(source=world.fund, amount=yuan(10), by=people.alice, idempotency_key=key())
    with as_role(*app_role) as app:
        # Its daily work: read the ledger, post a balanced transaction, edit the archive.
        assert app.execute("SELECT count(*) FROM funds_ledgertransaction").fetchone()[0] >= 2
        cash = ledger.account_for(world.fund, Account.Kind.CASH)
        gifts = ledger.account_for(world.fund, Account.Kind.CONTRIBUTIONS)
        new = uuid.uuid4()
        with app.transaction():
            app.execute(
                "INSERT INTO funds_ledgerentry (transaction_id, account_id, amount)"
                " VALUES (%s, %s, 500), (%s, %s, -500)",
                [new, cash.pk, new, gifts.pk],
            )
            app.execute(
                "INSERT INTO funds_ledgertransaction (id, source_id, org_unit_id, kind, period, memo, idempotency_key,"
                " payee_name, reference, created_at, created_by_id)"
                " VALUES (%s, %s, %s, 'contribution', '', '', %s, '', '', now(), %s)",
                [new, world.fund.pk, world.fund.org_unit_id, key("app"), people.alice.pk],
            )
        assert LedgerTransaction.objects.filter(pk=new).exists()
        app.execute(
            "UPDATE households_household SET address = '乌兰镇新街1号' WHERE id = %s", [world.wang.household_id]
        )

        # What it may never do.
        for statement in (
            f"UPDATE funds_ledgerentry SET amount = amount * 2 WHERE transaction_id = '{txn.pk}'",
            f"DELETE FROM funds_ledgerentry WHERE transaction_id = '{txn.pk}'",
            f"UPDATE funds_ledgertransaction SET memo = 'x' WHERE id = '{txn.pk}'",
            f"DELETE FROM funds_ledgertransaction WHERE id = '{txn.pk}'",
            "TRUNCATE funds_ledgerentry CASCADE",
            "TRUNCATE funds_ledgertransaction CASCADE",
            "ALTER TABLE funds_ledgerentry DISABLE TRIGGER ALL",
            "DROP TABLE funds_ledgerentry CASCADE",
            "CREATE TABLE sneaky (id int)",
            "DELETE FROM core_sensitiveaccess",
        ):
            assert refused(app, statement), statement
    assert LedgerEntry.objects.filter(transaction=txn).count() == 2
    assert sorted(LedgerEntry.objects.filter(transaction=txn).values_list("amount", flat=True)) == [-1000, 1000]


def test_the_sql_can_be_printed_for_a_dba_to_review(capsys: Any) -> None:
    call_command("db_roles", owner="relief_owner", app="relief_app", print=True)
    printed = capsys.readouterr().out
    assert 'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO "relief_app";' in printed
    assert 'REVOKE UPDATE, DELETE, TRUNCATE ON "funds_ledgerentry" FROM "relief_app";' in printed
    assert 'REVOKE UPDATE, DELETE, TRUNCATE ON "core_sensitiveaccess" FROM "relief_app";' in printed
    assert "TRUNCATE ON ALL" not in printed
