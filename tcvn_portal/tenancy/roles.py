"""Roles of SPEC §1 and what each may do.

Permissions are plain strings ("organization.view"). The platform registers its own here; a domain app
registers its own in its AppConfig.ready() with `register_permissions`, so views and the API check one
table instead of scattering role lists through the code.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    INSPECTOR = "inspector", _("Inspector")
    METROLOGY_OFFICER = "metrology_officer", _("Metrology officer")
    QUALITY_OFFICER = "quality_officer", _("Quality officer")
    MANAGER = "manager", _("Manager")
    TENANT_ADMIN = "tenant_admin", _("Administrator")
    ISO_FOCAL = "iso_focal", _("Agency ISO focal person")
    BUSINESS = "business", _("Business")
    COUNCIL_MEMBER = "council_member", _("Council member")
    NATIONAL_VIEWER = "national_viewer", _("National viewer")


OFFICIALS = frozenset(
    {
        Role.INSPECTOR,
        Role.METROLOGY_OFFICER,
        Role.QUALITY_OFFICER,
        Role.MANAGER,
        Role.TENANT_ADMIN,
        Role.COUNCIL_MEMBER,
        Role.NATIONAL_VIEWER,
        Role.ISO_FOCAL,
    }
)
"""Roles that act for the state: they must use two-factor authentication."""

STAFF = frozenset(
    {Role.INSPECTOR, Role.METROLOGY_OFFICER, Role.QUALITY_OFFICER, Role.MANAGER, Role.TENANT_ADMIN}
)
"""The provincial authority's own people."""

_PERMISSIONS: dict[str, frozenset[str]] = {}


def register_permissions(table: dict[str, Iterable[str]]) -> None:
    for permission, roles in table.items():
        _PERMISSIONS[permission] = frozenset(_PERMISSIONS.get(permission, frozenset()) | set(roles))


def role_has_perm(role: str, permission: str) -> bool:
    if permission not in _PERMISSIONS:
        raise KeyError(f"Unknown permission {permission!r}: register it with register_permissions().")
    return role in _PERMISSIONS[permission]


def roles_with(permission: str) -> frozenset[str]:
    return _PERMISSIONS[permission]


def known_permissions() -> list[str]:
    return sorted(_PERMISSIONS)


register_permissions(
    {
        "dashboard.view": set(Role) - {Role.NATIONAL_VIEWER},
        "organization.view": STAFF | {Role.COUNCIL_MEMBER},
        "organization.change": {
            Role.TENANT_ADMIN,
            Role.METROLOGY_OFFICER,
            Role.QUALITY_OFFICER,
            Role.INSPECTOR,
            Role.MANAGER,
        },
        "organization.view_own": {Role.BUSINESS, Role.ISO_FOCAL},
        "membership.manage": {Role.TENANT_ADMIN},
        "registration.approve": {Role.TENANT_ADMIN},
        "audit.view": STAFF,
        "attachment.upload": set(Role) - {Role.NATIONAL_VIEWER},
        "apitoken.manage": {Role.BUSINESS, Role.TENANT_ADMIN},
    }
)
