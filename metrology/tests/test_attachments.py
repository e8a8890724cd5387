"""Files on metrology records: a business sees (and on its instruments and open requests, adds) the files
of its own records; another business, or another province, gets a 404 for them and cannot add any."""

from __future__ import annotations

import pytest
from django.urls import reverse

from metrology import services
from metrology.models import Instrument
from tcvn_portal.attachments.access import owner_token
from tcvn_portal.attachments.models import Attachment
from tcvn_portal.attachments.selectors import attachments_of
from tcvn_portal.attachments.services import attach_file
from tcvn_portal.tenancy.context import tenant_context
from tcvn_portal.tenancy.roles import Role
from tests.attachments.conftest import PDF, upload
from tests.fixtures import create_member, create_organization

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    return settings.MEDIA_ROOT


@pytest.fixture
def other_business_user_a(tenant_a):
    return create_member(
        tenant_a, Role.BUSINESS, organization=create_organization(tenant_a, name="HTX Chợ Tràng Đà")
    )


@pytest.fixture
def dispenser(catalog_a, business_a, instrument_factory):
    return instrument_factory(catalog_a, owner=business_a)


def _attach(tenant, owner, actor, name="giay-phe-duyet-mau.pdf") -> Attachment:
    with tenant_context(tenant):
        return attach_file(owner=owner, upload=upload(name, PDF), actor=actor)


def _post_file(client, tenant, owner, name="bien-ban-sua-chua.pdf"):
    with tenant_context(tenant):
        token = owner_token(owner)
    return client.post(
        reverse("attachments:upload"), {"owner": token, "next": "/metrology/", "files": [upload(name, PDF)]}
    )


def _files_of(tenant, owner) -> list[str]:
    with tenant_context(tenant):
        return sorted(a.original_name for a in attachments_of(owner))


# --- Instruments --------------------------------------------------------------------------------


def test_business_sees_and_downloads_the_files_of_its_own_instrument(
    tenant_a, dispenser, officer_a, business_user_a, client_for
):
    attachment = _attach(tenant_a, dispenser, officer_a)
    client = client_for(business_user_a)
    page = client.get(reverse("metrology:instrument_detail", args=[dispenser.pk]))
    assert "giay-phe-duyet-mau.pdf" in page.content.decode()
    response = client.get(reverse("attachments:download", args=[attachment.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF


def test_business_adds_a_file_to_its_own_instrument(tenant_a, dispenser, business_user_a, client_for):
    client = client_for(business_user_a)
    page = client.get(reverse("metrology:instrument_detail", args=[dispenser.pk])).content.decode()
    assert 'name="files"' in page  # the upload form is offered
    response = _post_file(client, tenant_a, dispenser, name="anh-niem-phong.pdf")
    assert response.status_code == 302
    assert _files_of(tenant_a, dispenser) == ["anh-niem-phong.pdf"]


def test_another_business_gets_404_for_the_instrument_and_its_files_and_cannot_add_any(
    tenant_a, dispenser, officer_a, other_business_user_a, client_for
):
    attachment = _attach(tenant_a, dispenser, officer_a)
    client = client_for(other_business_user_a)
    assert client.get(reverse("metrology:instrument_detail", args=[dispenser.pk])).status_code == 404
    assert client.get(reverse("attachments:download", args=[attachment.pk])).status_code == 404
    assert client.post(reverse("attachments:archive", args=[attachment.pk])).status_code == 404
    assert _post_file(client, tenant_a, dispenser).status_code == 403
    assert _files_of(tenant_a, dispenser) == ["giay-phe-duyet-mau.pdf"]


def test_officer_of_another_province_gets_404_for_an_instrument_file(
    tenant_a, dispenser, officer_a, officer_b, client_for
):
    attachment = _attach(tenant_a, dispenser, officer_a)
    assert client_for(officer_b).get(reverse("attachments:download", args=[attachment.pk])).status_code == 404


def test_a_retired_instrument_takes_no_more_files_but_keeps_showing_them(
    tenant_a, dispenser, officer_a, business_user_a, client_for
):
    _attach(tenant_a, dispenser, officer_a)
    with tenant_context(tenant_a):
        services.retire_instrument(actor=officer_a, instrument=Instrument.objects.get(pk=dispenser.pk))
        dispenser.refresh_from_db()
    client = client_for(business_user_a)
    page = client.get(reverse("metrology:instrument_detail", args=[dispenser.pk])).content.decode()
    assert "giay-phe-duyet-mau.pdf" in page
    assert 'name="files"' not in page
    assert _post_file(client, tenant_a, dispenser).status_code == 403


# --- Verifications ------------------------------------------------------------------------------


def test_business_reads_the_files_of_its_verification_but_only_officers_add_them(
    tenant_a, dispenser, officer_a, business_user_a, verification_factory, client_for
):
    verification = verification_factory(tenant_a, dispenser, actor=officer_a)
    attachment = _attach(tenant_a, verification, officer_a, name="bien-ban-kiem-dinh.pdf")
    business = client_for(business_user_a)
    page = business.get(reverse("metrology:verification_detail", args=[verification.pk])).content.decode()
    assert "bien-ban-kiem-dinh.pdf" in page
    assert 'name="files"' not in page
    assert business.get(reverse("attachments:download", args=[attachment.pk])).status_code == 200
    assert _post_file(business, tenant_a, verification).status_code == 403

    assert _post_file(client_for(officer_a), tenant_a, verification, name="anh-tem.pdf").status_code == 302
    assert _files_of(tenant_a, verification) == ["anh-tem.pdf", "bien-ban-kiem-dinh.pdf"]


def test_another_business_gets_404_for_a_verification_file(
    tenant_a, dispenser, officer_a, other_business_user_a, verification_factory, client_for
):
    verification = verification_factory(tenant_a, dispenser, actor=officer_a)
    attachment = _attach(tenant_a, verification, officer_a)
    client = client_for(other_business_user_a)
    assert client.get(reverse("metrology:verification_detail", args=[verification.pk])).status_code == 404
    assert client.get(reverse("attachments:download", args=[attachment.pk])).status_code == 404


# --- Requests -----------------------------------------------------------------------------------


def test_business_adds_papers_to_its_open_request_and_no_more_once_it_is_done(
    tenant_a, dispenser, officer_a, business_user_a, other_business_user_a, verification_factory, client_for
):
    with tenant_context(tenant_a):
        request = services.request_verification(
            actor=business_user_a, instrument=dispenser, kind="after_repair"
        )
    client = client_for(business_user_a)
    page = client.get(reverse("metrology:request_detail", args=[request.pk])).content.decode()
    assert 'name="files"' in page
    assert _post_file(client, tenant_a, request).status_code == 302
    assert _files_of(tenant_a, request) == ["bien-ban-sua-chua.pdf"]
    with tenant_context(tenant_a):
        attachment = attachments_of(request).get()

    other = client_for(other_business_user_a)
    assert other.get(reverse("attachments:download", args=[attachment.pk])).status_code == 404
    assert _post_file(other, tenant_a, request).status_code == 403

    verification_factory(tenant_a, dispenser, actor=officer_a, kind="after_repair", request=request)
    client = client_for(business_user_a)
    assert client.get(reverse("attachments:download", args=[attachment.pk])).status_code == 200
    assert _post_file(client, tenant_a, request, name="them.pdf").status_code == 403
    assert _files_of(tenant_a, request) == ["bien-ban-sua-chua.pdf"]
