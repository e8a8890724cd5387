"""Tenants (provincial authorities), memberships with roles, and the organisations of each tenant.

`TenantOwnedModel` is the base of every domain model: it carries the tenant, fills it from the active
tenant, refuses to save across tenants and is queried through a manager that sees only the active tenant.
"""

from __future__ import annotations

from functools import cache

from django.conf import settings
from django.db import models
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable
from django.utils.translation import gettext_lazy as _

from tcvn_portal.core.text import fold

from . import context
from .roles import Role
from .validators import validate_agency_code, validate_tax_code


class Tenant(models.Model):
    """One provincial-level authority (Sở Khoa học và Công nghệ and its TĐC unit)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("province"), max_length=120, unique=True)
    kind = models.CharField(_("kind"), max_length=40, blank=True)
    formed_from = models.CharField(_("formed from"), max_length=255, blank=True)
    authority_name = models.CharField(_("authority"), max_length=255, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("tenant")
        verbose_name_plural = _("tenants")

    def __str__(self) -> str:
        return self.name


class TenantScopedQuerySet(models.QuerySet):
    def search(self, query: str):
        """Diacritic- and case-insensitive search over the model's `search_text` column."""
        from tcvn_portal.core.search import search_queryset

        return search_queryset(self, query)


class ActiveTenantId(models.Expression):
    """The active tenant's id, read when the SQL is compiled, not when the queryset is built.

    Querysets built at import time (a ModelForm's choices, a serializer's related field) are therefore
    still scoped to whichever tenant is active when they run; with none active, compiling raises.
    """

    output_field = models.BigIntegerField()

    def as_sql(self, compiler, connection):
        return "%s", [context.require_tenant_id()]


class TenantScopedManager(models.Manager.from_queryset(TenantScopedQuerySet)):
    """Only the active tenant's rows; with no tenant active it raises instead of showing everything."""

    def get_queryset(self):
        # A clone of the model's scoped query, built once: the filter is the same for every tenant, since
        # ActiveTenantId is read at compile time. Building it cost some 0.1 ms a call, paid for every
        # related manager a prefetch makes (a row of 50, each with two prefetched relations) and never run.
        return self._queryset_class(
            model=self.model, query=_scoped_query(self.model).chain(), using=self._db, hints=self._hints
        )


@cache
def _scoped_query(model):
    return models.QuerySet(model).filter(tenant_id=ActiveTenantId()).query


@cache
def choice_labels(field) -> dict:
    """The field's choices as {value: lazy label}; only the values are hashed, so nothing is translated."""
    return {make_hashable(value): label for value, label in field.flatchoices}


def tenant_key(*, db_index: bool = True) -> models.ForeignKey:
    """The row's tenant. A big table with a whole-table index (not only a partial one) leading with
    tenant_id passes db_index=False: the planner then counts a province's rows in the list's partial index
    alone (index-only), not in a bare tenant_id index that sends it to the table for `archived_at`, and
    every insert writes one index less."""
    return models.ForeignKey(
        Tenant,
        on_delete=models.PROTECT,
        editable=False,
        related_name="+",
        verbose_name=_("tenant"),
        db_index=db_index,
    )


class TenantOwnedModel(models.Model):
    tenant = tenant_key()

    # The audit trail records every create and change; these fields are left out of it.
    audit_exclude_fields: tuple[str, ...] = ("search_text",)
    audited = True

    objects = TenantScopedManager()
    # For platform code that has already set the tenant in PostgreSQL by other means (RLS still applies).
    unscoped = models.Manager()  # noqa: DJ012  (must follow `objects`, which stays the default manager)

    class Meta:
        abstract = True
        base_manager_name = "unscoped"

    def save(self, *args, **kwargs):
        active = context.current_tenant_id()
        if self.tenant_id is None:
            self.tenant_id = context.require_tenant_id()
        elif active is not None and active != self.tenant_id:
            raise context.CrossTenantWrite(
                f"{type(self).__name__} of tenant {self.tenant_id} saved under tenant {active}"
            )
        super().save(*args, **kwargs)

    def _get_FIELD_display(self, field):
        # Django rebuilds a dict of the field's choices on every call and hashes (so translates) each
        # label: a 25-row list with three choice columns paid some 600 translations. One label per call.
        value = getattr(self, field.attname)
        return force_str(choice_labels(field).get(make_hashable(value), value), strings_only=True)

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        # What the row held when loaded: the "before" of the next audit event.
        instance._audit_loaded = dict(zip(field_names, values, strict=True))
        return instance


class SearchableMixin(models.Model):
    """Keeps `search_text`, the folded text of `search_fields`, for diacritic-insensitive search."""

    search_fields: tuple[str, ...] = ()
    search_text = models.TextField(editable=False, default="", db_index=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.search_text = fold(" ".join(str(getattr(self, f) or "") for f in self.search_fields))
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_text"}
        super().save(*args, **kwargs)


class Commune(TenantOwnedModel):
    """A commune-level unit (xã, phường, đặc khu) of the province since 1 July 2025."""

    name = models.CharField(_("name"), max_length=120)
    former_district = models.CharField(_("former district"), max_length=120, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("commune")
        verbose_name_plural = _("communes")
        constraints = [models.UniqueConstraint(fields=["tenant", "name"], name="commune_unique_name")]

    def __str__(self) -> str:
        return self.name


class Organization(SearchableMixin, TenantOwnedModel):
    """A business or a state agency of one tenant."""

    class Kind(models.TextChoices):
        BUSINESS = "business", _("Business")
        AGENCY = "agency", _("State agency")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=255)
    tax_code = models.CharField(
        _("tax code"),
        max_length=14,
        blank=True,
        validators=[validate_tax_code],
        help_text=_("10 digits, or 10 digits, a hyphen and 3 digits for a branch."),
    )
    agency_code = models.CharField(
        _("agency code"),
        max_length=20,
        blank=True,
        validators=[validate_agency_code],
        help_text=_("Electronic identifier of the agency, e.g. H41.12.08."),
    )
    address = models.CharField(_("address"), max_length=255, blank=True)
    commune = models.ForeignKey(
        Commune,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organizations",
        verbose_name=_("commune"),
    )
    representative = models.CharField(_("legal representative"), max_length=120, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("email"), blank=True)
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    search_fields = ("name", "tax_code", "agency_code", "address")

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "tax_code"],
                condition=~models.Q(tax_code=""),
                name="organization_unique_tax_code",
            ),
            models.UniqueConstraint(
                fields=["tenant", "agency_code"],
                condition=~models.Q(agency_code=""),
                name="organization_unique_agency_code",
            ),
        ]
        # The list's order, partial as the lists are: a page is 25 steps of it, not a sort of the province.
        indexes = [
            models.Index(
                fields=["tenant", "name", "id"],
                condition=models.Q(archived_at__isnull=True),
                name="organization_list_idx",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.kind == self.Kind.BUSINESS and not self.tax_code:
            raise ValidationError({"tax_code": _("A business needs its tax code.")})
        if self.kind == self.Kind.AGENCY and not self.agency_code:
            raise ValidationError({"agency_code": _("A state agency needs its agency code.")})


class Membership(TenantOwnedModel):
    """A user's role in one tenant. Business users and ISO focal persons are tied to their organisation."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        ACTIVE = "active", _("Active")
        REJECTED = "rejected", _("Rejected")
        SUSPENDED = "suspended", _("Suspended")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user")
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("organisation"),
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["tenant__name"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [models.UniqueConstraint(fields=["tenant", "user"], name="membership_unique_user")]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} ({self.tenant})"

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    def has_perm(self, permission: str) -> bool:
        from .roles import role_has_perm

        return self.is_active and role_has_perm(self.role, permission)


class ApiToken(TenantOwnedModel):
    """A token a business's own system uses for the API; it acts as one membership in one tenant."""

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    key_hash = models.CharField(max_length=64, editable=False)
    prefix = models.CharField(max_length=16, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        constraints = [models.UniqueConstraint(fields=["tenant", "key_hash"], name="apitoken_unique_hash")]

    audit_exclude_fields = ("key_hash", "last_used_at")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
