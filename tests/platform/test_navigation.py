import pytest
from django.urls import reverse

from tcvn_portal.core.navigation import registered_entries
from tcvn_portal.tenancy.roles import known_permissions


@pytest.mark.parametrize("entry", registered_entries(), ids=lambda e: e.url_name)
def test_every_navigation_entry_resolves_and_names_a_known_permission(entry):
    assert reverse(entry.url_name)
    perms = (
        ()
        if entry.permission is None
        else ((entry.permission,) if isinstance(entry.permission, str) else entry.permission)
    )
    assert set(perms) <= set(known_permissions())
