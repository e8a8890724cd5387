"""Creating the two PostgreSQL roles and a database for them (tests, and `manage.py bootstrap_postgres`).

The owner role owns the tables and runs migrations; the app role is what the portal connects as. It
owns nothing and has neither SUPERUSER nor BYPASSRLS, so every row it reads passes the RLS policies.
"""

from __future__ import annotations

import psycopg2
from psycopg2 import sql

OWNER_ROLE = "tcvn_owner"
APP_ROLE = "tcvn_app"


def _connect(admin_url: str, dbname: str | None = None):
    import dj_database_url

    cfg = dj_database_url.parse(admin_url)
    conn = psycopg2.connect(
        dbname=dbname or cfg["NAME"] or "postgres",
        user=cfg["USER"] or None,
        password=cfg["PASSWORD"] or None,
        host=cfg["HOST"] or None,
        port=cfg["PORT"] or None,
    )
    conn.autocommit = True
    return conn


def ensure_roles(admin_url: str, *, owner_password: str = OWNER_ROLE, app_password: str = APP_ROLE) -> None:
    with _connect(admin_url) as conn, conn.cursor() as cur:
        for role, password in ((OWNER_ROLE, owner_password), (APP_ROLE, app_password)):
            cur.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
            verb = "ALTER" if cur.fetchone() else "CREATE"
            cur.execute(
                sql.SQL("{} ROLE {} LOGIN PASSWORD %s NOSUPERUSER NOBYPASSRLS NOCREATEROLE NOINHERIT").format(
                    sql.SQL(verb), sql.Identifier(role)
                ),
                [password],
            )


def create_database(admin_url: str, name: str, *, recreate: bool = False) -> bool:
    """Creates `name` owned by the owner role; returns False if it already existed and was kept."""
    conn = _connect(admin_url)
    try:
        with conn.cursor() as cur:
            if recreate:
                cur.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
            cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cur.fetchone():
                return False
            cur.execute(
                sql.SQL("CREATE DATABASE {} OWNER {} ENCODING 'UTF8' TEMPLATE template0").format(
                    sql.Identifier(name), sql.Identifier(OWNER_ROLE)
                )
            )
    finally:
        conn.close()
    conn = _connect(admin_url, name)
    try:
        with conn.cursor() as cur:
            cur.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
            cur.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            cur.execute("REVOKE CREATE ON SCHEMA public FROM PUBLIC")
            cur.execute(sql.SQL("GRANT USAGE ON SCHEMA public TO {}").format(sql.Identifier(APP_ROLE)))
            cur.execute(
                sql.SQL("GRANT CREATE, USAGE ON SCHEMA public TO {}").format(sql.Identifier(OWNER_ROLE))
            )
            # Tables the owner creates later are usable by the app at once: no grant to forget.
            cur.execute(
                sql.SQL(
                    "ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA public "
                    "GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {app}"
                ).format(owner=sql.Identifier(OWNER_ROLE), app=sql.Identifier(APP_ROLE))
            )
            cur.execute(
                sql.SQL(
                    "ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA public "
                    "GRANT USAGE, SELECT ON SEQUENCES TO {app}"
                ).format(owner=sql.Identifier(OWNER_ROLE), app=sql.Identifier(APP_ROLE))
            )
    finally:
        conn.close()
    return True


def grant_truncate_for_tests(admin_url: str, name: str) -> None:
    """Transactional tests empty tables with TRUNCATE between tests; the production app role cannot."""
    conn = _connect(admin_url, name)
    try:
        with conn.cursor() as cur:
            cur.execute(
                sql.SQL("GRANT TRUNCATE ON ALL TABLES IN SCHEMA public TO {}").format(
                    sql.Identifier(APP_ROLE)
                )
            )
    finally:
        conn.close()
