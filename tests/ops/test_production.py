"""Production shape: `check --deploy` is clean, S3 storage by environment, the compose file is accepted.

Settings are built in a fresh subprocess, because they are read once per process from the environment.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "tcvn_portal.settings.production",
    "DJANGO_SECRET_KEY": "k7Qe2-vRr9Lz_0pWmXc4Ns8TfYb1Ud6Hg3Jo5Ai7Ke9Sl2Dq4Fw6Ey8Rt0Pu1Zx3Cv",
    "DJANGO_ALLOWED_HOSTS": "tdc.tuyenquang.example.vn",
    "DJANGO_CSRF_TRUSTED_ORIGINS": "https://tdc.tuyenquang.example.vn",
    # Never connected to: `check --deploy` inspects settings, not the database.
    "DATABASE_URL": "postgres://tcvn_app:app@127.0.0.1:1/tcvn",
    "DATABASE_OWNER_URL": "postgres://tcvn_owner:owner@127.0.0.1:1/tcvn",
    "REDIS_URL": "redis://127.0.0.1:1/0",
}


def _run(args: list[str], env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess:
    ours = ("DJANGO_", "DATABASE_", "REDIS_", "TCVN_", "CELERY_")
    clean = {k: v for k, v in os.environ.items() if not k.startswith(ours)}
    clean.update(env, TCVN_VAR_DIR=str(tmp_path / "var"))
    return subprocess.run(args, cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120)


def test_check_deploy_prints_no_warning_with_production_environment(tmp_path):
    result = _run([sys.executable, "manage.py", "check", "--deploy"], PRODUCTION_ENV, tmp_path)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output, output
    assert "WARNING" not in output, output


def test_production_settings_refuse_to_start_without_a_database_url(tmp_path):
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "DATABASE_URL"}
    result = _run([sys.executable, "manage.py", "check"], env, tmp_path)
    assert result.returncode != 0
    assert "DATABASE_URL must be set in production" in result.stderr


_PRINT_STORAGE = (
    "import django; django.setup();"
    "from django.core.files.storage import storages; s = storages['default'];"
    "print(f'{type(s).__module__}.{type(s).__name__}', getattr(s, 'bucket_name', '-'),"
    " getattr(s, 'default_acl', '-'), getattr(s, 'querystring_auth', '-'))"
)


def test_default_storage_is_s3_when_a_bucket_is_configured(tmp_path):
    env = {**PRODUCTION_ENV, "TCVN_S3_BUCKET": "tdc-tuyenquang-files", "TCVN_S3_REGION": "ap-southeast-1"}
    result = _run([sys.executable, "-c", _PRINT_STORAGE], env, tmp_path)
    assert result.returncode == 0, result.stderr
    # Private objects, reachable only through signed URLs.
    assert "storages.backends.s3.S3Storage tdc-tuyenquang-files private True" in result.stdout


def test_default_storage_is_the_file_system_without_a_bucket(tmp_path):
    result = _run([sys.executable, "-c", _PRINT_STORAGE], PRODUCTION_ENV, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("django.core.files.storage.filesystem.FileSystemStorage")


COMPOSE_ENV = {
    "DJANGO_SECRET_KEY": PRODUCTION_ENV["DJANGO_SECRET_KEY"],
    "POSTGRES_PASSWORD": "pg-secret",
    "TCVN_OWNER_PASSWORD": "owner-secret",
    "TCVN_APP_PASSWORD": "app-secret",
}


def _compose(env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess:
    binary = shutil.which("docker-compose")
    assert binary, "docker-compose is not installed: apt-get install docker-compose (Debian package)"
    # An empty env file: a developer's own .env must not fill in what the test leaves out.
    empty = tmp_path / "empty.env"
    empty.write_text("")
    args = [binary, "-f", str(ROOT / "docker-compose.yml"), "--env-file", str(empty), "config"]
    return _run(args, env, tmp_path)


def test_docker_compose_accepts_the_file_with_every_service_health_checked(tmp_path):
    result = _compose(COMPOSE_ENV, tmp_path)
    assert result.returncode == 0, result.stderr
    config = yaml.safe_load(result.stdout)
    services = config["services"]
    assert set(services) == {"postgres", "redis", "migrate", "web", "worker", "beat"}
    for name in ("postgres", "redis", "web", "worker", "beat"):
        assert services[name]["healthcheck"]["test"], name
    assert "/healthz" in " ".join(services["web"]["healthcheck"]["test"])
    for name in ("web", "worker", "beat"):
        assert services[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
        environment = services[name]["environment"]
        assert environment["DJANGO_SETTINGS_MODULE"] == "tcvn_portal.settings.production"
        # The app connects as the non-owner role; only the migrate job uses the owner.
        assert environment["DATABASE_URL"].startswith("postgres://tcvn_app:app-secret@postgres")
    assert services["migrate"]["command"] == ["docker/migrate.sh"]


@pytest.mark.parametrize("missing", sorted(COMPOSE_ENV))
def test_docker_compose_refuses_to_start_without_each_secret(tmp_path, missing):
    env = {k: v for k, v in COMPOSE_ENV.items() if k != missing}
    result = _compose(env, tmp_path)
    assert result.returncode != 0
    assert f"set {missing}" in result.stderr
