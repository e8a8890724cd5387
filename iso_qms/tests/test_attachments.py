"""The agency's QMS announcement document (quyết định công bố HTQLCL) goes through the platform's attachments
panel on the agency page: the agency's focal person uploads it, officials of the province read it, and
the focal person of another agency — or another province — cannot reach it."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from iso_qms.qms import services as qms_services
from tcvn_portal.attachments.models import Attachment
from tcvn_portal.tenancy.context import tenant_context
from tcvn_portal.tenancy.roles import Role
from tests.fixtures import create_member

pytestmark = pytest.mark.django_db

PDF = (
    b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
    b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
)
HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()


def _panel_token(html: str) -> str:
    return re.search(r'name="owner" value="([^"]+)"', html).group(1)


def _upload(client, agency, token, name, content):
    return client.post(
        reverse("attachments:upload"),
        {
            "owner": token,
            "next": reverse("iso_qms:agency_detail", args=[agency.pk]),
            "files": SimpleUploadedFile(name, content, content_type="application/pdf"),
        },
    )


@pytest.fixture
def announced(client_for, tenant_a, focal_a, commune_agency_a):
    """The commune announces its QMS and uploads the signed decision through the agency page's panel."""
    with tenant_context(tenant_a):
        for status in ("building", "applied"):
            qms_services.change_qms_status(
                agency=commune_agency_a, status=status, changed_on=timezone.localdate(), actor=None
            )
        qms_services.change_qms_status(
            agency=commune_agency_a,
            status="announced",
            changed_on=timezone.localdate(),
            announced_on=timezone.localdate(),
            announcement_number="125/QĐ-UBND",
            actor=None,
        )
    client = client_for(focal_a)
    page = client.get(reverse("iso_qms:agency_detail", args=[commune_agency_a.pk])).content.decode()
    response = _upload(client, commune_agency_a, _panel_token(page), "quyet-dinh-cong-bo-htqlcl.pdf", PDF)
    assert response.status_code == 302
    with tenant_context(tenant_a):
        return Attachment.objects.get(original_name="quyet-dinh-cong-bo-htqlcl.pdf")


def test_focal_person_attaches_the_announcement_and_officials_download_it(
    client_for, announced, focal_a, quality_officer_a, commune_agency_a
):
    page = client_for(focal_a).get(reverse("iso_qms:agency_detail", args=[commune_agency_a.pk]))
    assert "quyet-dinh-cong-bo-htqlcl.pdf" in page.content.decode()
    assert announced.mime_type == "application/pdf"
    for user in (focal_a, quality_officer_a):
        response = client_for(user).get(reverse("attachments:download", args=[announced.pk]))
        assert response.status_code == 200 and b"".join(response.streaming_content) == PDF


def test_a_web_page_named_pdf_is_refused_by_the_panel_and_nothing_is_stored(
    client_for, announced, focal_a, commune_agency_a, tenant_a
):
    client = client_for(focal_a)
    page = client.get(reverse("iso_qms:agency_detail", args=[commune_agency_a.pk])).content.decode()
    response = _upload(client, commune_agency_a, _panel_token(page), "cong-bo.pdf", HTML)
    assert response.status_code == 400
    with tenant_context(tenant_a):
        assert list(Attachment.objects.values_list("original_name", flat=True)) == [
            "quyet-dinh-cong-bo-htqlcl.pdf"
        ]


def test_another_agencys_focal_person_gets_404_on_the_announcement(
    client_for, announced, tenant_a, other_commune_a, commune_agency_a
):
    other_focal = create_member(tenant_a, Role.ISO_FOCAL, organization=other_commune_a.organization)
    client = client_for(other_focal)
    assert client.get(reverse("attachments:download", args=[announced.pk])).status_code == 404
    assert client.get(reverse("iso_qms:agency_detail", args=[commune_agency_a.pk])).status_code == 404
    # Nor can a token copied from the commune's page put a file on its record.
    with tenant_context(tenant_a):
        from tcvn_portal.attachments.access import owner_token

        token = owner_token(commune_agency_a)
    assert _upload(client, commune_agency_a, token, "gia-mao.pdf", PDF).status_code in (403, 404)
    with tenant_context(tenant_a):
        assert Attachment.objects.count() == 1


def test_focal_person_of_another_province_gets_404_on_the_announcement(
    client_for, announced, tenant_b, agency_b
):
    stranger = create_member(tenant_b, Role.ISO_FOCAL, organization=agency_b.organization)
    assert client_for(stranger).get(reverse("attachments:download", args=[announced.pk])).status_code == 404
