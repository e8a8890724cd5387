"""Records an AuditEvent for every save of a tenant-owned model (unless it opts out with audited=False)."""

from __future__ import annotations

import json

from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models.signals import post_save
from django.dispatch import receiver

from tcvn_portal.tenancy import context
from tcvn_portal.tenancy.models import TenantOwnedModel

STATUS_FIELDS = ("status", "state")


def _plain(value):
    # A stored file is recorded by its name; everything else as Django's JSON encoder writes it.
    return getattr(value, "name", value) if hasattr(value, "storage") else value


def snapshot(instance: TenantOwnedModel, values: dict | None = None) -> dict:
    excluded = set(instance.audit_exclude_fields) | {"tenant_id", "tenant"}
    data = {}
    for field in instance._meta.concrete_fields:
        if field.name in excluded or field.attname in excluded:
            continue
        if values is not None:
            if field.attname not in values:
                continue
            data[field.attname] = _plain(values[field.attname])
        else:
            data[field.attname] = _plain(field.value_from_object(instance))
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


def _action(created: bool, before: dict | None, after: dict) -> str | None:
    from .models import AuditEvent

    if created:
        return AuditEvent.Action.CREATE
    before = before or {}
    changed = {k for k in after if k in before and before[k] != after[k]}
    if not changed:
        return None
    if "archived_at" in changed and after.get("archived_at"):
        return AuditEvent.Action.ARCHIVE
    if changed & set(STATUS_FIELDS):
        return AuditEvent.Action.TRANSITION
    return AuditEvent.Action.UPDATE


@receiver(post_save, dispatch_uid="tcvn_audit_post_save")
def record_save(sender, instance, created, raw=False, **kwargs):
    if raw or not isinstance(instance, TenantOwnedModel) or not instance.audited:
        return
    from .models import AuditEvent

    after = snapshot(instance)
    loaded = getattr(instance, "_audit_loaded", None)
    before = snapshot(instance, loaded) if loaded is not None else None
    action = _action(created, before, after)
    if action is None:
        return
    if before is not None and not created:
        # Keep only what changed, both sides: the record's page shows a readable diff.
        keys = {k for k in after if before.get(k) != after.get(k)}
        before = {k: before.get(k) for k in keys}
        after = {k: after[k] for k in keys}
    AuditEvent.unscoped.create(
        tenant_id=instance.tenant_id,
        actor_id=context.current_state().user_id,
        action=action,
        content_type=ContentType.objects.get_for_model(type(instance)),
        object_id=str(instance.pk),
        object_repr=str(instance)[:255],
        before=None if created else before,
        after=after,
    )
    instance._audit_loaded = {
        f.attname: f.value_from_object(instance) for f in instance._meta.concrete_fields
    }
