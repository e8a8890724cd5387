"""Migration operations that put a tenant-owned table under PostgreSQL row-level security.

A domain app adds one line to the migration that creates its model:

    EnableRowLevelSecurity("Inspection"),
    ForbidHardDelete("Inspection"),      # for regulated records

On SQLite they do nothing. tests/platform/test_rls.py fails for any tenant-owned model whose table
lacks them, so a new model cannot slip through.
"""

from __future__ import annotations

from django.db import migrations

CURRENT_TENANT_SQL = "tcvn_current_tenant()"


class _TableOperation(migrations.operations.base.Operation):
    reduces_to_sql = True
    reversible = True

    def __init__(self, model_name: str) -> None:
        self.model_name = model_name

    def state_forwards(self, app_label, state):  # the model's state does not change
        pass

    def deconstruct(self):
        return (self.__class__.__qualname__, [self.model_name], {})

    def _table(self, app_label, state) -> str:
        return state.apps.get_model(app_label, self.model_name)._meta.db_table

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            for statement in self.forwards_sql(schema_editor.quote_name(self._table(app_label, to_state))):
                schema_editor.execute(statement)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            for statement in self.backwards_sql(schema_editor.quote_name(self._table(app_label, from_state))):
                schema_editor.execute(statement)


class EnableRowLevelSecurity(_TableOperation):
    """ENABLE and FORCE RLS with one policy: a row is visible and writable only under its tenant.

    `extra_using` widens visibility (never writes), e.g. a user's own memberships in other tenants.
    """

    def __init__(self, model_name: str, extra_using: str = "") -> None:
        super().__init__(model_name)
        self.extra_using = extra_using

    def deconstruct(self):
        kwargs = {"extra_using": self.extra_using} if self.extra_using else {}
        return (self.__class__.__qualname__, [self.model_name], kwargs)

    def describe(self):
        return f"Enable row-level security on {self.model_name}"

    def forwards_sql(self, table: str) -> list[str]:
        using = f"tenant_id = {CURRENT_TENANT_SQL}"
        if self.extra_using:
            using = f"({using}) OR ({self.extra_using})"
        return [
            f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY",
            f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY",
            f"CREATE POLICY tenant_isolation ON {table} USING ({using}) "
            f"WITH CHECK (tenant_id = {CURRENT_TENANT_SQL})",
        ]

    def backwards_sql(self, table: str) -> list[str]:
        return [
            f"DROP POLICY IF EXISTS tenant_isolation ON {table}",
            f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY",
            f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY",
        ]


class ForbidHardDelete(_TableOperation):
    """Regulated records are archived, never deleted: a DELETE raises, whoever sends it."""

    def describe(self):
        return f"Forbid hard deletes on {self.model_name}"

    def forwards_sql(self, table: str) -> list[str]:
        return [
            f"CREATE TRIGGER tcvn_forbid_delete BEFORE DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION tcvn_forbid_delete()"
        ]

    def backwards_sql(self, table: str) -> list[str]:
        return [f"DROP TRIGGER IF EXISTS tcvn_forbid_delete ON {table}"]


# Installed once by the tenancy app's first migration; every policy above calls them.
FUNCTIONS_SQL = """
CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE OR REPLACE FUNCTION tcvn_current_tenant() RETURNS bigint
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT NULLIF(current_setting('app.tenant_id', true), '')::bigint $$;
CREATE OR REPLACE FUNCTION tcvn_current_user() RETURNS bigint
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT NULLIF(current_setting('app.user_id', true), '')::bigint $$;
CREATE OR REPLACE FUNCTION tcvn_forbid_delete() RETURNS trigger
    LANGUAGE plpgsql
    AS $$ BEGIN
        RAISE EXCEPTION 'regulated record %: archive it instead of deleting', TG_TABLE_NAME
            USING ERRCODE = 'integrity_constraint_violation';
    END $$;
"""

FUNCTIONS_REVERSE_SQL = """
DROP FUNCTION IF EXISTS tcvn_forbid_delete();
DROP FUNCTION IF EXISTS tcvn_current_user();
DROP FUNCTION IF EXISTS tcvn_current_tenant();
"""


class PostgresOnlySQL(migrations.operations.base.Operation):
    """Raw SQL for PostgreSQL features (functions, extensions, trigram indexes); nothing on SQLite."""

    reduces_to_sql = True
    reversible = True

    def __init__(self, sql: str, reverse_sql: str = "") -> None:
        self.sql = sql
        self.reverse_sql = reverse_sql

    def state_forwards(self, app_label, state):
        pass

    def deconstruct(self):
        return (self.__class__.__qualname__, [self.sql, self.reverse_sql], {})

    def describe(self):
        return "PostgreSQL-only SQL"

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(self.sql, params=None)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql" and self.reverse_sql:
            schema_editor.execute(self.reverse_sql, params=None)


def install_functions() -> PostgresOnlySQL:
    return PostgresOnlySQL(FUNCTIONS_SQL, FUNCTIONS_REVERSE_SQL)


def trigram_index(table: str, column: str = "search_text") -> PostgresOnlySQL:
    """A GIN trigram index: substring and similarity searches over a folded column use it."""
    name = f"{table}_{column}_trgm"
    return PostgresOnlySQL(
        f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ({column} gin_trgm_ops)",
        f"DROP INDEX IF EXISTS {name}",
    )
