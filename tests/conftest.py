"""Test database: created fresh with the owner and app roles, migrated as the owner; tests connect as
the app role, so PostgreSQL's row-level security is in force under every test."""

import shutil

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connections

from tcvn_portal import dbsetup

pytest_plugins = ["tests.fixtures", "tests.celery_fixtures"]


@pytest.fixture(scope="session")
def django_db_setup(django_db_blocker):
    admin_url = settings.TCVN_PG_ADMIN_URL
    name = settings.TEST_DATABASE_NAME
    # A fresh database restarts its ids: files stored by an earlier run under the same ids must go too.
    shutil.rmtree(settings.MEDIA_ROOT, ignore_errors=True)
    with django_db_blocker.unblock():
        for conn in connections.all():
            conn.close()
        dbsetup.ensure_roles(admin_url)
        dbsetup.create_database(admin_url, name, recreate=True)
        call_command("migrate", database="owner", verbosity=0, interactive=False)
        connections["owner"].close()
        dbsetup.grant_truncate_for_tests(admin_url, name)
    yield
    with django_db_blocker.unblock():
        for conn in connections.all():
            conn.close()


@pytest.fixture(autouse=True)
def _vietnamese_between_tests():
    """A request in English leaves English active on the thread; every test starts in the default."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)
