"""Bad input on every form the portal shows, found by walking the pages rather than listed by hand.

Every page without arguments in the URLconf, and one page of each kind linked from them, is opened as
each role; every form on it is sent back with hostile values in every field: over-long text carrying
an HTML/JS fragment and an SQL fragment, negative and huge numbers, impossible dates, forged choices
(another row's id, a made-up code) and a file that lies about its type. Then:

- no answer is a server error;
- a form that refuses the input says so (an error message on the page) and stores nothing: not one
  tenant-owned row more or less, no file more under the media root;
- nothing sent comes back unescaped, whether the form was refused or accepted.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import Resolver404, resolve

from tcvn_portal.tenancy.context import tenant_context
from tcvn_portal.tenancy.models import TenantOwnedModel

from .test_baseline import plain_get_routes

pytestmark = pytest.mark.django_db

MARKER = "<script>alert('tcvn')</script>"
SQL = "'; DROP TABLE tenancy_organization; --"
LONG_TEXT = f"{MARKER}{SQL}" + "Ư" * 20_000
HOSTILE = {
    "number": "-99999999999999999999999",
    "date": "31/02/99999",
    "datetime-local": "2025-13-45T25:61",
    "email": f"{MARKER}@",
    "url": "javascript:alert(1)",
    "select": "987654321",
    "checkbox": MARKER,
}
ROLES = (
    "tenant_admin",
    "manager",
    "inspector",
    "metrology_officer",
    "quality_officer",
    "business",
    "iso_focal",
)
SKIP_ACTIONS = ("/accounts/logout", "/i18n/", "/switch-tenant", "/account/")


class Forms(HTMLParser):
    """The forms of a page: action, method and fields (name -> kind), plus every link."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict] = []
        self.links: list[str] = []
        self._current: dict | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href", "").startswith("/"):
            self.links.append(a["href"].split("#")[0])
        elif tag == "form":
            self._current = {
                "action": a.get("action") or "",
                "method": (a.get("method") or "get").lower(),
                "fields": {},
            }
            self.forms.append(self._current)
        elif self._current is not None and a.get("name"):
            if tag == "input":
                kind = (a.get("type") or "text").lower()
                if kind in ("submit", "button", "reset", "image"):
                    return
                if kind == "hidden":
                    self._current["fields"][a["name"]] = ("hidden", a.get("value", ""))
                else:
                    self._current["fields"][a["name"]] = (kind, "")
            elif tag in ("textarea", "select"):
                self._current["fields"][a["name"]] = (tag, "")

    def handle_endtag(self, tag):
        if tag == "form":
            self._current = None


def hostile_data(fields: dict) -> dict:
    data = {}
    for name, (kind, value) in fields.items():
        if kind == "hidden":
            # Formset management and CSRF keep their value; any other hidden field is forged.
            data[name] = (
                value
                if name.endswith(("TOTAL_FORMS", "INITIAL_FORMS", "_FORMS", "middlewaretoken"))
                else "987654321"
            )
        elif kind == "file":
            data[name] = SimpleUploadedFile(
                "bien-ban.pdf", b"MZ\x90\x00\x03 this is a Windows program", "application/pdf"
            )
        else:
            data[name] = HOSTILE.get(kind, LONG_TEXT)
    return data


def row_counts(tenant) -> dict[str, int]:
    with tenant_context(tenant):
        return {
            m._meta.label: m._default_manager.count()
            for m in apps.get_models()
            if issubclass(m, TenantOwnedModel) and not m._meta.abstract
        }


def stored_files() -> set[str]:
    root = Path(settings.MEDIA_ROOT)
    return {str(p) for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def pages_to_walk(client) -> list[str]:
    """The argument-free pages, then one linked page per URL name (a detail or an edit page)."""
    pages = [p for p in plain_get_routes() if not p.startswith(("/account/", "/accounts/"))]
    seen_names = set()
    for path in list(pages):
        response = client.get(path)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        parser = Forms()
        parser.feed(response.content.decode(errors="replace"))
        for link in parser.links:
            try:
                match = resolve(link.split("?")[0])
            except Resolver404:
                continue
            if match.kwargs and match.url_name not in seen_names and not link.startswith(SKIP_ACTIONS):
                seen_names.add(match.url_name)
                pages.append(link.split("?")[0])
    return pages


@pytest.mark.parametrize("role", ROLES)
def test_hostile_input_on_every_form_is_refused_clearly_stores_nothing_and_is_never_echoed_raw(
    role, role_users, seeded_tenant, client_for, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    client = client_for(role_users[role])
    problems: list[tuple] = []
    forms_sent = 0
    for page in pages_to_walk(client):
        response = client.get(page)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        parser = Forms()
        parser.feed(response.content.decode(errors="replace"))
        for form in parser.forms:
            action = form["action"] or page
            if not action.startswith("/") or action.startswith(SKIP_ACTIONS):
                continue
            visible = {n: f for n, f in form["fields"].items() if f[0] != "hidden"}
            if not visible:
                continue  # a bare action button (approve, archive): not an input form
            data = hostile_data(form["fields"])
            before, files_before = row_counts(seeded_tenant), stored_files()
            if form["method"] == "post":
                answer = client.post(action, data)
            else:
                answer = client.get(action, {k: v for k, v in data.items() if isinstance(v, str)})
            forms_sent += 1
            body = answer.content.decode(errors="replace")
            where = (role, form["method"], action, answer.status_code)
            if answer.status_code >= 500:
                problems.append((*where, "server error"))
                continue
            if MARKER in body:
                problems.append(
                    (*where, "echoed unescaped", body[body.index(MARKER) - 80 : body.index(MARKER)])
                )
            if form["method"] == "post" and answer.status_code != 302:
                if row_counts(seeded_tenant) != before or stored_files() != files_before:
                    problems.append((*where, "refused but stored something"))
                if answer.status_code == 200 and not re.search(
                    r"error-message|error-summary|errorlist", body
                ):
                    problems.append((*where, "refused without a message"))
            if answer.status_code == 302:
                followed = client.get(answer["Location"])
                if MARKER in followed.content.decode(errors="replace"):
                    problems.append((*where, "accepted and shown unescaped", answer["Location"]))
    assert forms_sent >= 2, f"{role} was shown almost no forms: the walk proves nothing"
    assert not problems, "\n".join(map(str, problems[:30]))
