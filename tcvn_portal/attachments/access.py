"""Who may see and add the files of a record, and the signed token that names a record in a form.

A record decides for itself by defining `attachment_viewable_by(membership)` and
`attachment_changeable_by(membership)` (a business sees the files of its own application); a record
that does not define them shows its files to the authority's own staff only.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.db import models
from django.http import Http404
from django.shortcuts import get_object_or_404

from tcvn_portal.tenancy import context
from tcvn_portal.tenancy.models import Membership, TenantOwnedModel
from tcvn_portal.tenancy.roles import STAFF

_TOKEN_SALT = "tcvn.attachments.owner"


def _staff_default(membership: Membership | None) -> bool:
    return bool(membership and membership.role in STAFF and membership.has_perm("attachment.upload"))


def may_view(membership: Membership | None, owner: models.Model) -> bool:
    if membership is None or not membership.is_active or membership.tenant_id != owner.tenant_id:
        return False
    hook = getattr(owner, "attachment_viewable_by", None)
    return bool(hook(membership)) if hook is not None else _staff_default(membership)


def may_change(membership: Membership | None, owner: models.Model) -> bool:
    if membership is None or not membership.has_perm("attachment.upload"):
        return False
    if membership.tenant_id != owner.tenant_id:
        return False
    hook = getattr(owner, "attachment_changeable_by", None)
    return bool(hook(membership)) if hook is not None else _staff_default(membership)


def owner_token(owner: models.Model) -> str:
    """Names `owner` in an upload form; signed, so nobody attaches files to a record of their choosing."""
    content_type = ContentType.objects.get_for_model(owner)
    return signing.dumps([owner.tenant_id, content_type.pk, owner.pk], salt=_TOKEN_SALT, compress=True)


def owner_from_token(token: str) -> models.Model:
    """The record a token names, fetched through its scoped manager: forged, or of another tenant → 404."""
    try:
        tenant_id, content_type_id, object_id = signing.loads(token, salt=_TOKEN_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        raise Http404 from None
    if tenant_id != context.require_tenant_id():
        raise Http404
    try:
        model = ContentType.objects.get_for_id(content_type_id).model_class()
    except ContentType.DoesNotExist:
        raise Http404 from None
    if model is None or not issubclass(model, TenantOwnedModel):
        raise Http404
    return get_object_or_404(model.objects, pk=object_id)
