"""Issue #7, requirement 4: every list in the portal exports what it shows to Excel, with Vietnamese headers.

The convention (docs/platform.md, "Every list exports"): a list page's view says `exportable = True` and
its page links to an .xlsx of what it shows, or says `exportable = False` with `not_exportable_because`.

A list page is recognised three ways, so that forgetting the marker does not hide one:
- by name: its URL name is `list` or ends in `_list`, or its view is named `…List`, `…ListView` or
  `…_list`, or it is a Django ListView;
- by its marker: it declares `exportable` at all;
- by behaviour: a page without URL arguments that hands its template a paginated `Page` of rows.
Every exportable list is then opened by a member of the first role allowed to see it, and the Excel link
on the page is followed (`?export=xlsx` when an empty page hides it): it must answer an .xlsx that opens,
whose headers are all there and Vietnamese.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from io import BytesIO

import pytest
from django.core.paginator import Page
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.views.generic.list import MultipleObjectMixin
from openpyxl import load_workbook

from tcvn_portal.tenancy.models import Organization
from tcvn_portal.tenancy.roles import Role
from tests.xlsx import XLSX

pytestmark = pytest.mark.django_db

OUR_APPS = ("tcvn_portal", "inspections", "metrology", "iso_qms", "traceability")

# Values for URL arguments of list pages (a list of catalogs by name).
SAMPLE_KWARGS: dict[str, list[str]] = {"catalog": ["legal-bases", "checklist"]}

# The order in which roles are tried: the first one the page lets in opens it.
ROLES = [
    Role.TENANT_ADMIN,
    Role.MANAGER,
    Role.INSPECTOR,
    Role.METROLOGY_OFFICER,
    Role.QUALITY_OFFICER,
    Role.ISO_FOCAL,
    Role.COUNCIL_MEMBER,
    Role.NATIONAL_VIEWER,
    Role.BUSINESS,
]


@dataclass(frozen=True)
class Route:
    name: str
    view: object
    arguments: tuple[str, ...]


def _walk(patterns, namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace
            ns = f"{namespace}:{ns}" if namespace and ns else ns or namespace
            yield from _walk(pattern.url_patterns, ns)
        elif isinstance(pattern, URLPattern) and pattern.name:
            callback = pattern.callback
            if hasattr(callback, "cls"):
                continue  # DRF views: the API pages its lists by its own conventions
            view = getattr(callback, "view_class", callback)
            if getattr(view, "__module__", "").split(".")[0] not in OUR_APPS:
                continue
            name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            arguments = tuple(pattern.pattern.regex.groupindex)
            yield Route(name, view, arguments)


def page_routes() -> list[Route]:
    return list(_walk(get_resolver().url_patterns))


def _named_like_a_list(route: Route) -> bool:
    url_name = route.name.rsplit(":", 1)[-1]
    view_name = getattr(route.view, "__name__", "")
    return (
        url_name == "list"
        or url_name.endswith("_list")
        or view_name.endswith(("List", "ListView", "_list"))
        or isinstance(route.view, type)
        and issubclass(route.view, MultipleObjectMixin)
    )


def list_routes() -> list[Route]:
    return [r for r in page_routes() if _named_like_a_list(r) or hasattr(r.view, "exportable")]


def _urls(route: Route) -> list[str]:
    if not route.arguments:
        return [reverse(route.name)]
    missing = [a for a in route.arguments if a not in SAMPLE_KWARGS]
    assert not missing, f"{route.name}: add sample values for {missing} to SAMPLE_KWARGS"
    (argument,) = route.arguments
    return [reverse(route.name, kwargs={argument: value}) for value in SAMPLE_KWARGS[argument]]


def _params(routes):
    return [pytest.param(r, id=r.name) for r in routes]


@pytest.fixture
def members(tenant_a, member_factory, organization_factory):
    business = organization_factory(tenant_a, name="Công ty TNHH Cân Việt")
    agency = organization_factory(tenant_a, kind=Organization.Kind.AGENCY, name="UBND xã Kim Bình")
    organization = {Role.BUSINESS: business, Role.ISO_FOCAL: agency}
    return {role: member_factory(tenant_a, role, organization=organization.get(role)) for role in ROLES}


def _open_as_first_allowed_role(client_for, members, url):
    for role in ROLES:
        client = client_for(members[role])
        response = client.get(url)
        if response.status_code == 200:
            return client, response
    pytest.fail(f"No role could open {url}")


def _is_vietnamese(text: str) -> bool:
    return any(ord(ch) > 127 for ch in text)


@pytest.mark.parametrize("route", _params(list_routes()))
def test_every_list_page_exports_what_it_shows(route, members, client_for):
    view = route.view
    assert hasattr(view, "exportable"), (
        f"{route.name} lists rows but says nothing about Excel: answer ?export=xlsx and set "
        "`exportable = True`, or set `exportable = False` and `not_exportable_because`"
    )
    if not view.exportable:
        assert len(getattr(view, "not_exportable_because", "")) > 20, f"{route.name}: say why it is not"
        return
    for url in _urls(route):
        client, page = _open_as_first_allowed_role(client_for, members, url)
        # A page may hide its link while it has no row to show (its own tests prove the link is there
        # with rows); the convention's `?export=xlsx` is then asked for directly.
        # The export link, not another spreadsheet the page offers (an import template, say).
        links = [
            href
            for href in re.findall(r'href="([^"]*xlsx[^"]*)"', page.content.decode())
            if "export" in href or "format=xlsx" in href
        ]
        link = html.unescape(links[0]) if links else "?export=xlsx"
        response = client.get(url + link if link.startswith("?") else link)
        assert response.status_code == 200 and response["Content-Type"] == XLSX, url
        assert response["Content-Disposition"].startswith("attachment;"), url
        headers = next(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
        assert headers and all(headers), f"{url}: an empty header"
        assert any(_is_vietnamese(str(h)) for h in headers), f"{url}: headers are not Vietnamese: {headers}"


def test_the_walk_finds_the_lists_we_know():
    names = {r.name for r in list_routes()}
    known = {
        "tenancy:organization_list",
        "tenancy:apitoken_list",
        "inspections:inspection_list",
        "inspections:plan_list",
        "inspections:catalog_list",
        "traceability:anomaly_list",
        "accounts:member_list",
        "notifications:list",
        "reports:jobs",
        "reports:outreach_list",
        "metrology:instrument_list",
        "metrology:verification_list",
        "metrology:request_list",
        "metrology:type_list",
        "metrology:market_list",
        "metrology:campaign_list",
        "metrology:import_list",
        "iso_qms:agency_list",
        "iso_qms:nc_list",
        "iso_qms:round_list",
        "iso_qms:criteria_list",
        "iso_qms:application_list",
    }
    assert known <= names, known - names


def _hands_a_page_of_rows(members, client_for, url) -> bool | None:
    """Whether the page, opened by the first role it lets in, hands its template a `Page` of rows."""
    for role in ROLES:
        response = client_for(members[role]).get(url)
        if response.status_code == 200:
            contexts = response.context or []
            return any(isinstance(v, Page) for context in contexts for v in context.flatten().values())
    return None


def test_a_page_that_pages_through_rows_is_treated_as_a_list(members, client_for):
    """The net under the naming rules: a page that hands its template a `Page` of rows is a list."""
    assert _hands_a_page_of_rows(members, client_for, reverse("tenancy:organization_list"))  # the net works
    listed = {r.name for r in list_routes()}
    unlisted = [
        route.name
        for route in page_routes()
        if not route.arguments
        and route.name not in listed
        and _hands_a_page_of_rows(members, client_for, reverse(route.name))
    ]
    assert unlisted == [], (
        f"paginated pages not recognised as lists (name them *_list or mark them): {unlisted}"
    )


def test_the_check_catches_a_list_without_an_export_and_a_marker_without_a_file(members, client_for):
    class ThingListView:
        pass

    unmarked = Route("demo:thing_list", ThingListView, ())
    assert _named_like_a_list(unmarked)
    with pytest.raises(AssertionError, match="says nothing about Excel"):
        test_every_list_page_exports_what_it_shows(unmarked, members, client_for)

    class ClaimsToExport:
        exportable = True

    # The dashboard has no export: a marker alone does not pass.
    with pytest.raises(AssertionError):
        test_every_list_page_exports_what_it_shows(
            Route("core:dashboard", ClaimsToExport, ()), members, client_for
        )

    class RefusesWithoutReason:
        exportable = False

    with pytest.raises(AssertionError, match="say why"):
        test_every_list_page_exports_what_it_shows(
            Route("demo:x_list", RefusesWithoutReason, ()), members, client_for
        )
