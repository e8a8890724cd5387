"""Creating the two PostgreSQL roles and a database for them (tests, and `manage.py bootstrap_postgres`).

The owner role owns the tables and runs migrations; the app role is what the portal connects as. It
owns nothing and has neither SUPERUSER nor BYPASSRLS, so every row it reads passes the RLS policies.
"""

from __future__ import annotations

import psycopg2
from psycopg2 import sql

OWNER_ROLE = "tcvn_owner"
APP_ROLE = "tcvn_app"

# Under row-level security PostgreSQL lets a condition use an index only if its function is LEAKPROOF;
# any other condition waits for the tenant policy to pass every row of the table first. The search's
# two operators (`LIKE` on text and pg_trgm's `%>`) are not marked so, which made every search read the
# whole province (an instrument search matching nothing: 207 ms; through the trigram index: 0.2 ms). They
# raise no error that depends on a row's value (LIKE's only one is about its pattern, which is the
# search's own). pg_trgm's word similarity is also priced like a plain comparison, though it cost 3.5 µs
# a row here, about a hundred times one: so priced, the planner compared a province's 2 985 agencies one
# by one (9.5 ms) rather than ask the index (0.8 ms). Only a superuser may change either, so the
# bootstrap does, in each database.
SEARCH_FUNCTIONS_SQL = (
    "ALTER FUNCTION textlike(text, text) LEAKPROOF",
    "ALTER FUNCTION word_similarity_commutator_op(text, text) LEAKPROOF COST 100",
)


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


def app_backends(admin_url: str, name: str) -> list[int]:
    """The server processes serving the application role's connections to database `name` (the bench reads
    their CPU time)."""
    conn = _connect(admin_url)
    try:
        with conn.cursor() as cur:
            cur.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = %s AND usename = %s", [name, APP_ROLE]
            )
            return [row[0] for row in cur.fetchall()]
    finally:
        conn.close()


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
    """Creates `name` owned by the owner role; returns False if it already existed and was kept. Either
    way the search's operators are marked (a database kept may have been made before the marks)."""
    conn = _connect(admin_url)
    try:
        with conn.cursor() as cur:
            if recreate:
                cur.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
            cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            kept = cur.fetchone() is not None
            if not kept:
                cur.execute(
                    sql.SQL("CREATE DATABASE {} OWNER {} ENCODING 'UTF8' TEMPLATE template0").format(
                        sql.Identifier(name), sql.Identifier(OWNER_ROLE)
                    )
                )
    finally:
        conn.close()
    let_search_use_indexes(admin_url, name)
    if kept:
        return False
    conn = _connect(admin_url, name)
    try:
        with conn.cursor() as cur:
            cur.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
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


def let_search_use_indexes(admin_url: str, name: str | None = None) -> None:
    """Marks the search's operators LEAKPROOF (and prices word similarity) in database `name`, or the URL's
    own; idempotent. Run again after a restore: pg_dump does not carry these marks."""
    conn = _connect(admin_url, name)
    try:
        with conn.cursor() as cur:
            cur.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            for statement in SEARCH_FUNCTIONS_SQL:
                cur.execute(statement)
    finally:
        conn.close()


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
