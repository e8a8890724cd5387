"""attach_file / archive_attachment: stored under the tenant, typed by content, never deleted."""

from __future__ import annotations

import hashlib

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, InternalError, connection, transaction

from tcvn_portal.attachments.models import Attachment
from tcvn_portal.attachments.selectors import attachments_of
from tcvn_portal.attachments.services import archive_attachment, attach_file
from tcvn_portal.tenancy.context import CrossTenantWrite, tenant_context
from tcvn_portal.tenancy.roles import Role

from .conftest import HTML, PDF, PNG, stored_files, upload

pytestmark = pytest.mark.django_db


def test_stored_key_names_the_tenant_and_the_detected_type(
    tenant_a, member_factory, organization_factory, media_root
):
    officer = member_factory(tenant_a, Role.QUALITY_OFFICER)
    org = organization_factory(tenant_a)
    with tenant_context(tenant_a):
        attachment = attach_file(owner=org, upload=upload("Ảnh chụp/../biên bản.pdf", PNG), actor=officer)
        assert attachment.owner == org
    assert attachment.file.name.startswith(f"tenants/{tenant_a.pk}/attachments/")
    assert attachment.file.name.endswith("/bien-ban.png")
    assert attachment.original_name == "biên bản.pdf"
    assert attachment.download_name == "biên bản.png"
    assert (attachment.mime_type, attachment.size) == ("image/png", len(PNG))
    assert attachment.sha256 == hashlib.sha256(PNG).hexdigest()
    assert (media_root / attachment.file.name).read_bytes() == PNG
    assert attachment.uploaded_by == officer


def test_refused_file_leaves_no_row_and_no_stored_file(
    tenant_a, member_factory, organization_factory, media_root
):
    officer = member_factory(tenant_a, Role.QUALITY_OFFICER)
    org = organization_factory(tenant_a)
    with tenant_context(tenant_a):
        with pytest.raises(ValidationError):
            attach_file(owner=org, upload=upload("bien-ban.pdf", HTML), actor=officer)
        assert Attachment.objects.count() == 0
    assert stored_files(media_root) == []


def test_a_record_of_another_tenant_cannot_receive_files(
    tenant_a, tenant_b, member_factory, organization_factory, media_root
):
    officer = member_factory(tenant_a, Role.QUALITY_OFFICER)
    foreign = organization_factory(tenant_b)
    with tenant_context(tenant_a), pytest.raises(CrossTenantWrite):
        attach_file(owner=foreign, upload=upload("a.pdf", PDF), actor=officer)
    assert stored_files(media_root) == []


def test_archived_file_leaves_the_list_but_the_row_stays(tenant_a, member_factory, organization_factory):
    officer = member_factory(tenant_a, Role.QUALITY_OFFICER)
    org = organization_factory(tenant_a)
    with tenant_context(tenant_a):
        kept = attach_file(owner=org, upload=upload("a.pdf", PDF), actor=officer)
        gone = attach_file(owner=org, upload=upload("b.pdf", PDF), actor=officer)
        archive_attachment(attachment=gone, actor=officer)
        assert list(attachments_of(org)) == [kept]
        gone.refresh_from_db()
        assert gone.archived_at is not None and gone.archived_by == officer


def test_attachment_rows_cannot_be_hard_deleted(tenant_a, member_factory, organization_factory):
    officer = member_factory(tenant_a, Role.QUALITY_OFFICER)
    org = organization_factory(tenant_a)
    with tenant_context(tenant_a):
        attachment = attach_file(owner=org, upload=upload("a.pdf", PDF), actor=officer)
        with pytest.raises((IntegrityError, InternalError)), transaction.atomic(), connection.cursor() as cur:
            cur.execute("DELETE FROM attachments_attachment WHERE id = %s", [attachment.pk])


def test_rows_of_another_tenant_are_invisible(tenant_a, tenant_b, member_factory, organization_factory):
    officer = member_factory(tenant_a, Role.QUALITY_OFFICER)
    org = organization_factory(tenant_a)
    with tenant_context(tenant_a):
        attach_file(owner=org, upload=upload("a.pdf", PDF), actor=officer)
    with tenant_context(tenant_b):
        assert Attachment.unscoped.count() == 0
