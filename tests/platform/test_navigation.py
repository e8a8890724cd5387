import pytest
from django.test import RequestFactory
from django.urls import reverse, set_script_prefix

from tcvn_portal.core import navigation
from tcvn_portal.core.navigation import NavEntry, nav_for, registered_entries
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


class _Member:
    """A membership allowed everything, enough for the menu."""

    def has_perm(self, permission):
        return True


def _request(path):
    request = RequestFactory().get(path)
    request.membership = _Member()
    return request


def test_the_menu_follows_the_script_prefix_it_is_served_under():
    plain = {item["url"] for item in nav_for(_request("/metrology/"))}
    set_script_prefix("/portal/")
    try:
        prefixed = {item["url"] for item in nav_for(_request("/metrology/"))}
    finally:
        set_script_prefix("/")
    assert prefixed == {"/portal" + url for url in plain}


def test_a_new_urlconf_is_not_answered_from_the_cached_menu(settings):
    assert any(item["url"] == reverse("metrology:instrument_list") for item in nav_for(_request("/")))
    settings.ROOT_URLCONF = "tests.platform.nav_urls"
    urls = {item["url"] for item in nav_for(_request("/"))}
    assert urls == {"/elsewhere/metrology/"}


def test_an_entry_that_does_not_resolve_is_left_out_every_time(caplog, monkeypatch):
    broken = NavEntry(label="Broken", url_name="no-such-view", permission=None)
    monkeypatch.setattr(navigation, "_entries", [*registered_entries(), broken])
    for _ in range(2):  # a failed lookup is not cached as an answer
        caplog.clear()
        assert "Broken" not in {str(item["label"]) for item in nav_for(_request("/"))}
        assert "navigation entry no-such-view does not resolve" in caplog.text
