"""PostgreSQL restarted under a running portal: the next request succeeds.

A throwaway cluster of our own is migrated and served by gunicorn with the production settings
(persistent connections with health checks, as deployed); the cluster is restarted with pg_ctl, which
drops every connection the worker holds, and the next requests must still answer.
"""

from __future__ import annotations

import subprocess
import sys

from django.conf import settings

from tcvn_portal import dbsetup

from .conftest import ROOT, Gunicorn, http_get

DATABASE = "tcvn_fault"


def migrate(cluster) -> None:
    dbsetup.ensure_roles(cluster.admin_url)
    dbsetup.create_database(cluster.admin_url, DATABASE, recreate=True)
    env = {
        "DJANGO_SETTINGS_MODULE": "tcvn_portal.settings.test",
        "TCVN_PG_ADMIN_URL": cluster.admin_url,
        "TCVN_TEST_DATABASE": DATABASE,
    }
    import os

    result = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--database", "owner", "--noinput", "-v", "0"],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]


def test_next_request_succeeds_after_postgresql_restarts(postgres_cluster, tmp_path):
    migrate(postgres_cluster)
    web = Gunicorn(
        {
            "DJANGO_SETTINGS_MODULE": "tcvn_portal.settings.production",
            "DJANGO_SECRET_KEY": "fault-test-secret-key-0123456789abcdefghijklmnopqrstuvwxyz-ABCDEFG",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "DATABASE_URL": f"postgres://tcvn_app:tcvn_app@127.0.0.1:{postgres_cluster.port}/{DATABASE}",
            "REDIS_URL": settings.REDIS_URL,
            "TCVN_VAR_DIR": str(tmp_path / "var"),
        },
        tmp_path / "gunicorn.log",
    )
    web.start()
    try:
        # A worker now holds a persistent connection (production keeps them 60 s).
        assert http_get(web.url("/healthz")) == (200, "ok")
        status, body = http_get(web.url("/api/v1/organizations/"))
        assert status in (401, 403) and '"error"' in body

        postgres_cluster.restart()

        assert http_get(web.url("/healthz")) == (200, "ok")
        status, body = http_get(web.url("/api/v1/organizations/"))
        assert status in (401, 403) and '"error"' in body, body[:500]
        assert "Traceback" not in web.log.read_text()
    finally:
        web.stop()
