"""Least-privilege PostgreSQL roles: an owner that migrates, an application role that only reads and
writes rows (docs/database-roles.md).

Run it connected as a superuser (or as the owner, for the grants alone), after every ``migrate``;
it is idempotent::

    DATABASE_URL=postgres://postgres@db/relief \\
    DB_OWNER_PASSWORD=... DB_APP_PASSWORD=... \\
      manage.py db_roles --owner relief_owner --app relief_app --create-roles

What the application role gets, on every table of the schema: SELECT, INSERT, UPDATE, DELETE, and
the use of the sequences. Never TRUNCATE, REFERENCES or TRIGGER, no CREATE on the schema, and it
owns nothing, so it cannot ALTER or DROP a table or disable its triggers. On the append-only tables
(the models that say ``APPEND_ONLY = True``: the fund ledger and the access log) only SELECT and
INSERT. Default privileges give the same to the tables later migrations create; running the
command again after a migration re-applies the append-only rule to new tables.
"""

from __future__ import annotations

import os
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import connections
from psycopg import sql


def append_only_tables() -> list[str]:
    return sorted(m._meta.db_table for m in apps.get_models() if getattr(m, "APPEND_ONLY", False))


def statements(
    *, db: str, owner: str, app: str, transfer: bool, tables: set[str] | None = None
) -> list[sql.Composable]:
    """The grants (and, with ``transfer``, the change of owner) as SQL, in order."""
    o, a, d = sql.Identifier(owner), sql.Identifier(app), sql.Identifier(db)
    out: list[sql.Composable] = []
    if transfer:
        out += [
            sql.SQL("ALTER DATABASE {} OWNER TO {}").format(d, o),
            sql.SQL("ALTER SCHEMA public OWNER TO {}").format(o),
            # Every table, sequence, view and function of the schema, whoever created it.
            sql.SQL(
                "DO $$ DECLARE r record; BEGIN "
                "FOR r IN SELECT c.oid::regclass AS name, c.relkind FROM pg_class c "
                "JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'S') "
                "AND NOT EXISTS (SELECT 1 FROM pg_depend dep WHERE dep.objid = c.oid AND dep.deptype = 'i') "
                "LOOP EXECUTE format('ALTER %s %s OWNER TO %I', "
                "CASE r.relkind WHEN 'S' THEN 'SEQUENCE' WHEN 'v' THEN 'VIEW' "
                "WHEN 'm' THEN 'MATERIALIZED VIEW' ELSE 'TABLE' END, r.name, {owner}); END LOOP; "
                "FOR r IN SELECT p.oid::regprocedure AS name FROM pg_proc p "
                "JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public' "
                "LOOP EXECUTE format('ALTER FUNCTION %s OWNER TO %I', r.name, {owner}); END LOOP; END $$"
            ).format(owner=sql.Literal(owner)),
        ]
    out += [
        sql.SQL("REVOKE ALL ON DATABASE {} FROM PUBLIC").format(d),
        sql.SQL("GRANT CONNECT, TEMPORARY ON DATABASE {} TO {}").format(d, a),
        sql.SQL("REVOKE CREATE ON SCHEMA public FROM PUBLIC"),
        sql.SQL("REVOKE ALL ON SCHEMA public FROM {}").format(a),
        sql.SQL("GRANT USAGE ON SCHEMA public TO {}").format(a),
        sql.SQL("REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {}").format(a),
        sql.SQL("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {}").format(a),
        sql.SQL("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {}").format(a),
        sql.SQL(
            "ALTER DEFAULT PRIVILEGES FOR ROLE {} IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {}"
        ).format(o, a),
        sql.SQL("ALTER DEFAULT PRIVILEGES FOR ROLE {} IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO {}").format(
            o, a
        ),
    ]
    for table in append_only_tables():
        if tables is not None and table not in tables:
            continue  # not migrated yet: run the command again after ``migrate``
        out.append(sql.SQL("REVOKE UPDATE, DELETE, TRUNCATE ON {} FROM {}").format(sql.Identifier(table), a))
    return out


def create_role_statement(name: str, password: str | None, *, createdb: bool) -> sql.Composable:
    """Create the role when it is missing. An existing role is left as it is (its password is set
    when one is given): this command never changes the attributes of a role that exists."""
    options = sql.SQL("LOGIN NOSUPERUSER NOCREATEROLE NOREPLICATION NOBYPASSRLS {}").format(
        sql.SQL("CREATEDB" if createdb else "NOCREATEDB")
    )
    if password:
        options = sql.SQL("{} PASSWORD {}").format(options, sql.Literal(password))
    create = sql.SQL("CREATE ROLE {} {}").format(sql.Identifier(name), options).as_string(None)
    alter = (
        sql.SQL("ALTER ROLE {} PASSWORD {}").format(sql.Identifier(name), sql.Literal(password)).as_string(None)
        if password
        else "SELECT 1"
    )
    return sql.SQL(
        "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = {name}) "
        "THEN EXECUTE {create}; ELSE EXECUTE {alter}; END IF; END $$"
    ).format(name=sql.Literal(name), create=sql.Literal(create), alter=sql.Literal(alter))


class Command(BaseCommand):
    help = "Create or refresh the least-privilege PostgreSQL roles: an owner that migrates, an application role."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--owner", default="relief_owner", help="the role that owns the tables and migrates")
        parser.add_argument("--app", default="relief_app", help="the role the web and worker processes use")
        parser.add_argument(
            "--create-roles",
            action="store_true",
            help="create the roles (passwords from DB_OWNER_PASSWORD and DB_APP_PASSWORD); needs CREATEROLE",
        )
        parser.add_argument(
            "--owner-createdb", action="store_true", help="let the owner create databases (CI: the test database)"
        )
        parser.add_argument(
            "--grants-only", action="store_true", help="only the grants (when connected as the owner itself)"
        )
        parser.add_argument("--print", action="store_true", help="print the SQL instead of running it")
        parser.add_argument("--database", default="default")

    def handle(self, *args: Any, **options: Any) -> None:
        conn = connections[options["database"]]
        if conn.vendor != "postgresql":
            raise CommandError("Database roles are a PostgreSQL matter; this database is " + conn.vendor + ".")
        owner, app = options["owner"], options["app"]
        if owner == app:
            raise CommandError("The owner and the application role must be two roles.")
        conn.ensure_connection()
        with conn.cursor() as cursor:
            cursor.execute("SELECT current_user")
            me = cursor.fetchone()[0]
        if app == me:
            raise CommandError(f"Run this as a superuser or as the owner, not as the application role {app}.")
        out: list[sql.Composable] = []
        if options["create_roles"]:
            out.append(
                create_role_statement(
                    owner, os.environ.get("DB_OWNER_PASSWORD"), createdb=bool(options["owner_createdb"])
                )
            )
            out.append(create_role_statement(app, os.environ.get("DB_APP_PASSWORD"), createdb=False))
        out += statements(
            db=str(conn.settings_dict["NAME"]),
            owner=owner,
            app=app,
            transfer=not options["grants_only"],
            tables=None if options["print"] else set(conn.introspection.table_names()),
        )
        raw = conn.connection
        if options["print"]:
            for statement in out:
                self.stdout.write(statement.as_string(raw) + ";")
            return
        with conn.cursor() as cursor:
            for statement in out:
                cursor.execute(statement.as_string(raw))
        self.stdout.write(
            f"{app}: rows of every table, append-only on {', '.join(append_only_tables())}; {owner} owns the schema."
        )
