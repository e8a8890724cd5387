"""`make backup` then `make restore` into a fresh database and media directory: every row and file back.

The scripts run as real processes against the real PostgreSQL server (pg_dump/pg_restore as the
superuser, since the tables FORCE row-level security) on committed data of a seeded province.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from tcvn_portal import dbsetup
from tcvn_portal.attachments.services import attach_file
from tcvn_portal.tenancy.context import tenant_context
from tcvn_portal.tenancy.models import Organization
from tests.fixtures import seed_every_app

ROOT = Path(__file__).resolve().parents[2]
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4"
    b"\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7V\xbd\xfa\x00\x00\x00\x00IEND\xaeB`\x82"
)


def admin_url(database: str) -> str:
    return settings.TCVN_PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + database


def table_contents(database: str) -> dict[str, list]:
    """Every row of every table of the public schema, as the superuser sees it (RLS does not apply)."""
    conn = dbsetup._connect(admin_url(database), database)
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
            tables = [row[0] for row in cur.fetchall()]
            contents = {}
            for table in tables:
                cur.execute(f'SELECT * FROM "{table}" ORDER BY 1')  # noqa: S608 - names from the catalog
                contents[table] = [tuple(map(str, row)) for row in cur.fetchall()]
            return contents
    finally:
        conn.close()


MARKED = {"textlike": (True, 1), "word_similarity_commutator_op": (True, 100)}


def search_marks(database: str) -> dict[str, tuple]:
    """LEAKPROOF and COST of the search's operator functions (tcvn_portal.dbsetup)."""
    conn = dbsetup._connect(admin_url(database), database)
    try:
        with conn.cursor() as cur:
            cur.execute(
                "SELECT proname, proleakproof, procost FROM pg_proc "
                "WHERE proname IN ('textlike', 'word_similarity_commutator_op')"
            )
            return {name: (leakproof, cost) for name, leakproof, cost in cur.fetchall()}
    finally:
        conn.close()


def files_under(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in root.rglob("*")
        if p.is_file()
    }


def on_the_server(statement: str) -> None:
    """One statement as the superuser, outside any database's transaction (CREATE or DROP DATABASE)."""
    conn = dbsetup._connect(settings.TCVN_PG_ADMIN_URL)
    try:
        with conn.cursor() as cur:
            cur.execute(statement)
    finally:
        conn.close()


@pytest.fixture
def fresh_database():
    name = f"{settings.TEST_DATABASE_NAME}_restored"
    on_the_server(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    yield name
    on_the_server(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_backup_restores_into_a_fresh_database_with_every_row_and_file(
    transactional_db, tenant_a, inspector_a, settings, tmp_path, fresh_database
):
    media = tmp_path / "media"
    settings.MEDIA_ROOT = media
    seed_every_app(tenant_a)
    with tenant_context(tenant_a):
        owner = Organization.objects.first()
        attach_file(
            owner=owner, upload=SimpleUploadedFile("anh-cua-hang.png", PNG, "image/png"), actor=inspector_a
        )
    original_rows = table_contents(settings.TEST_DATABASE_NAME)
    original_files = files_under(media)
    assert original_files, "no file was stored: the backup would prove nothing about files"
    assert sum(map(len, original_rows.values())) > 100

    env = {
        **os.environ,
        "BACKUP_DATABASE_URL": admin_url(settings.TEST_DATABASE_NAME),
        "MEDIA_ROOT": str(media),
    }
    backup_dir = tmp_path / "backup"
    made = subprocess.run(
        ["make", "--no-print-directory", "backup", f"BACKUP_DIR={backup_dir}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert made.returncode == 0, made.stderr
    assert (backup_dir / "database.dump").stat().st_size > 0

    restored_media = tmp_path / "restored-media"
    env = {**os.environ, "RESTORE_DATABASE_URL": admin_url(fresh_database), "MEDIA_ROOT": str(restored_media)}
    restored = subprocess.run(
        ["make", "--no-print-directory", "restore", f"BACKUP_DIR={backup_dir}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert restored.returncode == 0, restored.stderr

    assert table_contents(fresh_database) == original_rows
    assert files_under(restored_media) == original_files
    # The dump does not carry them; without them every search reads the whole province under RLS.
    assert search_marks(fresh_database) == MARKED


def test_restore_refuses_a_backup_whose_checksum_does_not_match(tmp_path, fresh_database):
    backup_dir = tmp_path / "backup"
    backup_dir.mkdir()
    (backup_dir / "database.dump").write_bytes(b"not the dump that was made")
    (backup_dir / "media.tar.gz").write_bytes(b"")
    (backup_dir / "SHA256SUMS").write_text(f"{'0' * 64}  database.dump\n{'0' * 64}  media.tar.gz\n")
    env = {**os.environ, "RESTORE_DATABASE_URL": admin_url(fresh_database), "MEDIA_ROOT": str(tmp_path / "m")}
    result = subprocess.run(
        ["./scripts/restore.sh", str(backup_dir)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert not (tmp_path / "m").exists()


def test_bootstrap_marks_the_search_operators_of_a_database_made_before(settings, fresh_database):
    on_the_server(f'CREATE DATABASE "{fresh_database}" TEMPLATE template0')
    assert not search_marks(fresh_database).get("textlike", (False,))[0]

    call_command("bootstrap_postgres", admin_url=settings.TCVN_PG_ADMIN_URL, database=fresh_database)

    assert search_marks(fresh_database) == MARKED
