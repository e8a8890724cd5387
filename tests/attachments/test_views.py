"""Download, upload and archive pages: tenant, permission and content checks from the outside."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tcvn_portal.attachments.access import owner_token
from tcvn_portal.attachments.models import Attachment
from tcvn_portal.attachments.services import attach_file
from tcvn_portal.tenancy.context import tenant_context
from tcvn_portal.tenancy.models import Organization
from tcvn_portal.tenancy.roles import Role

from .conftest import HTML, PDF, PNG, stored_files, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer_a(tenant_a, member_factory):
    return member_factory(tenant_a, Role.QUALITY_OFFICER)


@pytest.fixture
def org_a(tenant_a, organization_factory):
    return organization_factory(tenant_a)


def _attach(tenant, owner, actor, name="bien-ban.pdf", content=PDF) -> Attachment:
    with tenant_context(tenant):
        return attach_file(owner=owner, upload=upload(name, content), actor=actor)


def _token(tenant, owner) -> str:
    with tenant_context(tenant):
        return owner_token(owner)


def test_download_serves_the_file_as_an_attachment_with_safe_headers(tenant_a, officer_a, org_a, client_for):
    attachment = _attach(tenant_a, org_a, officer_a, name="Biên bản.pdf", content=PNG)
    response = client_for(officer_a).get(reverse("attachments:download", args=[attachment.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PNG
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "Bi%C3%AAn%20b%E1%BA%A3n.png" in response["Content-Disposition"]
    assert "sandbox" in response["Content-Security-Policy"]


def test_anonymous_download_redirects_to_login(tenant_a, officer_a, org_a, client):
    attachment = _attach(tenant_a, org_a, officer_a)
    url = reverse("attachments:download", args=[attachment.pk])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert "next=" in response["Location"]


def test_officer_of_another_province_gets_404_for_the_file(
    tenant_a, tenant_b, officer_a, org_a, member_factory, client_for
):
    attachment = _attach(tenant_a, org_a, officer_a)
    officer_b = member_factory(tenant_b, Role.QUALITY_OFFICER)
    assert client_for(officer_b).get(reverse("attachments:download", args=[attachment.pk])).status_code == 404


def test_business_user_cannot_download_a_staff_record_file(
    tenant_a, officer_a, org_a, member_factory, client_for
):
    attachment = _attach(tenant_a, org_a, officer_a)
    business = member_factory(tenant_a, Role.BUSINESS, organization=org_a)
    assert client_for(business).get(reverse("attachments:download", args=[attachment.pk])).status_code == 404


def test_a_record_may_open_its_files_to_its_own_business(
    tenant_a, officer_a, org_a, organization_factory, member_factory, client_for, monkeypatch
):
    monkeypatch.setattr(
        Organization, "attachment_viewable_by", lambda self, m: m.organization_id == self.pk, raising=False
    )
    attachment = _attach(tenant_a, org_a, officer_a)
    own = member_factory(tenant_a, Role.BUSINESS, organization=org_a)
    other = member_factory(tenant_a, Role.BUSINESS, organization=organization_factory(tenant_a))
    url = reverse("attachments:download", args=[attachment.pk])
    assert client_for(own).get(url).status_code == 200
    client_for(other)  # same client, now logged in as the other business
    assert client_for(other).get(url).status_code == 404


def test_archived_file_is_no_longer_served(tenant_a, officer_a, org_a, client_for):
    attachment = _attach(tenant_a, org_a, officer_a)
    client = client_for(officer_a)
    response = client.post(reverse("attachments:archive", args=[attachment.pk]), {"next": "/org/"})
    assert response.status_code == 302 and response["Location"] == "/org/"
    assert client.get(reverse("attachments:download", args=[attachment.pk])).status_code == 404


def test_archive_of_another_provinces_file_is_404(
    tenant_a, tenant_b, officer_a, org_a, member_factory, client_for
):
    attachment = _attach(tenant_a, org_a, officer_a)
    officer_b = member_factory(tenant_b, Role.QUALITY_OFFICER)
    assert client_for(officer_b).post(reverse("attachments:archive", args=[attachment.pk])).status_code == 404
    with tenant_context(tenant_a):
        assert Attachment.objects.get(pk=attachment.pk).archived_at is None


def test_upload_stores_each_file_and_returns_to_the_record(tenant_a, officer_a, org_a, client_for):
    response = client_for(officer_a).post(
        reverse("attachments:upload"),
        {
            "owner": _token(tenant_a, org_a),
            "next": "/org/1/",
            "files": [upload("a.pdf", PDF), upload("b.png", PNG)],
        },
    )
    assert response.status_code == 302 and response["Location"] == "/org/1/"
    with tenant_context(tenant_a):
        assert sorted(Attachment.objects.values_list("mime_type", flat=True)) == [
            "application/pdf",
            "image/png",
        ]


def test_upload_with_a_lying_file_stores_nothing_and_says_why_in_vietnamese(
    tenant_a, officer_a, org_a, client_for, media_root
):
    response = client_for(officer_a).post(
        reverse("attachments:upload"),
        {"owner": _token(tenant_a, org_a), "files": [upload("a.pdf", PDF), upload("bien-ban.pdf", HTML)]},
    )
    assert response.status_code == 400
    assert "bien-ban.pdf" in response.content.decode()
    assert "trang web (HTML)" in response.content.decode()
    with tenant_context(tenant_a):
        assert Attachment.objects.count() == 0
    assert stored_files(media_root) == []


def test_upload_with_a_forged_token_is_404(tenant_a, officer_a, org_a, client_for):
    token = _token(tenant_a, org_a)
    forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    response = client_for(officer_a).post(
        reverse("attachments:upload"), {"owner": forged, "files": [upload("a.pdf", PDF)]}
    )
    assert response.status_code == 404


def test_upload_to_another_provinces_record_is_404(
    tenant_a, tenant_b, officer_a, organization_factory, client_for
):
    foreign = organization_factory(tenant_b)
    response = client_for(officer_a).post(
        reverse("attachments:upload"), {"owner": _token(tenant_b, foreign), "files": [upload("a.pdf", PDF)]}
    )
    assert response.status_code == 404
    with tenant_context(tenant_b):
        assert Attachment.objects.count() == 0


def test_member_who_may_not_change_the_record_cannot_upload(tenant_a, org_a, member_factory, client_for):
    business = member_factory(tenant_a, Role.BUSINESS, organization=org_a)
    response = client_for(business).post(
        reverse("attachments:upload"), {"owner": _token(tenant_a, org_a), "files": [upload("a.pdf", PDF)]}
    )
    assert response.status_code == 403


def test_upload_redirect_never_leaves_the_site(tenant_a, officer_a, org_a, client_for):
    response = client_for(officer_a).post(
        reverse("attachments:upload"),
        {"owner": _token(tenant_a, org_a), "next": "https://evil.example/", "files": [upload("a.pdf", PDF)]},
    )
    assert response.status_code == 302 and response["Location"] == reverse("core:dashboard")


def test_panel_lists_files_with_constant_queries(
    tenant_a, officer_a, org_a, rf, django_assert_max_num_queries
):
    from django.template import engines

    for i in range(6):
        _attach(tenant_a, org_a, officer_a, name=f"f{i}.pdf")
    template = engines["django"].from_string('{% include "attachments/_panel.html" with owner=org %}')
    request = rf.get("/org/1/")
    request.user = officer_a
    with tenant_context(tenant_a):
        from tcvn_portal.tenancy.models import Membership

        membership = Membership.objects.get(user=officer_a)
        with django_assert_max_num_queries(3):
            html = template.render({"org": org_a, "current_membership": membership, "request": request})
    assert html.count('href="/files/') == 6
    assert 'name="owner"' in html


def test_a_record_may_let_its_own_business_attach_files(
    tenant_a, org_a, organization_factory, member_factory, client_for, monkeypatch
):
    monkeypatch.setattr(
        Organization, "attachment_changeable_by", lambda self, m: m.organization_id == self.pk, raising=False
    )
    monkeypatch.setattr(
        Organization, "attachment_viewable_by", lambda self, m: m.organization_id == self.pk, raising=False
    )
    own = member_factory(tenant_a, Role.BUSINESS, organization=org_a)
    other = member_factory(tenant_a, Role.BUSINESS, organization=organization_factory(tenant_a))
    token = _token(tenant_a, org_a)
    url = reverse("attachments:upload")
    assert client_for(other).post(url, {"owner": token, "files": [upload("a.pdf", PDF)]}).status_code == 403
    assert client_for(own).post(url, {"owner": token, "files": [upload("a.pdf", PDF)]}).status_code == 302
    with tenant_context(tenant_a):
        assert Attachment.objects.get().uploaded_by == own
