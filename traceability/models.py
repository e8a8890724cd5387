"""Traceability stamps (tem truy xuất nguồn gốc), SPEC §3.4, Circular 02/2024/TT-BKHCN.

A business declares products and batches, applies for stamps; an official approves; the business issues
series of stamps for its batches and activates them; consumers scan them on the public page.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from tcvn_portal.tenancy.models import Organization, SearchableMixin, TenantOwnedModel, tenant_key

from .gs1 import validate_gs1_key


class ProductCategory(TenantOwnedModel):
    """Catalog of product categories, seeded per province and editable by its administrators."""

    name = models.CharField(_("name"), max_length=120)
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("product category")
        verbose_name_plural = _("product categories")
        constraints = [models.UniqueConstraint(fields=["tenant", "name"], name="trace_category_unique_name")]

    def __str__(self) -> str:
        return self.name


class Product(SearchableMixin, TenantOwnedModel):
    owner = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="trace_products", verbose_name=_("business")
    )
    name = models.CharField(_("product name"), max_length=255)
    gtin = models.CharField(
        _("GTIN"), max_length=14, help_text=_("8, 12, 13 or 14 digits from the barcode; stored as 14 digits.")
    )
    category = models.ForeignKey(
        ProductCategory, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("category")
    )
    brand = models.CharField(_("brand or serial"), max_length=120, blank=True)
    description = models.TextField(_("description"), blank=True)
    shelf_life = models.CharField(
        _("shelf life"), max_length=60, blank=True, help_text=_("For example: 12 months.")
    )
    standards = models.CharField(
        _("standards applied"),
        max_length=255,
        blank=True,
        help_text=_("For example: TCVN 7968:2008, QCVN 8-2:2011/BYT."),
    )
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    search_fields = ("name", "gtin", "brand")

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("product")
        verbose_name_plural = _("products")
        constraints = [models.UniqueConstraint(fields=["tenant", "gtin"], name="trace_product_unique_gtin")]

    def __str__(self) -> str:
        return self.name


class Certification(TenantOwnedModel):
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="certifications")
    name = models.CharField(
        _("certification"), max_length=120, help_text=_("For example: VietGAP, OCOP 4 stars.")
    )
    number = models.CharField(_("certificate number"), max_length=60, blank=True)
    issuer = models.CharField(_("issued by"), max_length=160, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("certification")
        verbose_name_plural = _("certifications")

    def __str__(self) -> str:
        return self.name


class StampApplication(TenantOwnedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    applicant = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="stamp_applications", verbose_name=_("business")
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    note = models.TextField(_("note"), blank=True)
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True, editable=False)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True, editable=False)
    decided_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, editable=False, related_name="+"
    )
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("stamp application")
        verbose_name_plural = _("stamp applications")

    def __str__(self) -> str:
        return f"#{self.pk} {self.applicant}"


class ApplicationItem(TenantOwnedModel):
    """One product on an application and how many stamps are asked for it: the approved quota."""

    application = models.ForeignKey(StampApplication, on_delete=models.PROTECT, related_name="items")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="application_items")
    quantity = models.PositiveIntegerField(_("number of stamps"))

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "application", "product"], name="trace_item_unique_product"
            )
        ]

    def __str__(self) -> str:
        return f"{self.product} × {self.quantity}"


class Batch(SearchableMixin, TenantOwnedModel):
    tenant = tenant_key(db_index=False)  # its indexes lead with tenant_id
    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, related_name="batches", verbose_name=_("product")
    )
    lot = models.CharField(
        _("lot number"),
        max_length=20,
        validators=[validate_gs1_key],
        help_text=_("1 to 20 characters: Latin letters, digits and a few signs, no spaces."),
    )
    production_date = models.DateField(_("production date"))
    expiry_date = models.DateField(_("expiry date"), null=True, blank=True)
    origin = models.CharField(
        _("origin"), max_length=255, blank=True, help_text=_("Where the goods come from.")
    )
    quantity = models.PositiveIntegerField(_("quantity"), null=True, blank=True)
    recalled_at = models.DateTimeField(_("recalled at"), null=True, blank=True, editable=False)
    recall_reason = models.TextField(_("reason for recall"), blank=True, editable=False)
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    # Raised with every change to what its scan page shows (traceability.cache.batch_page_changed), in
    # the same transaction. The scan reads it with the stamp, and the cached page is keyed by it: a page
    # drawn before a change is never served after it, whatever a cache or a racing scan still holds.
    page_version = models.PositiveIntegerField(default=0, editable=False)

    search_fields = ("lot", "origin")

    class Meta:
        ordering = ["-production_date", "-pk"]
        verbose_name = _("batch")
        verbose_name_plural = _("batches")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "product", "lot"], name="trace_batch_unique_lot")
        ]
        indexes = [
            # The list's order, partial as the list is: a page is read in its order, not sorted out of the
            # province's batches, and the count is an index-only scan.
            models.Index(
                fields=["tenant", "-production_date", "-id"],
                condition=models.Q(archived_at__isnull=True),
                name="trace_batch_list_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product} — {self.lot}"

    # Written only by their own statements: the page version by traceability.cache's UPDATE, the recall by
    # recall_batch (update_fields). Saving a batch loaded before either (in this request or another) must
    # not put the older value back, least of all un-recall it.
    _written_apart = frozenset({"page_version", "recalled_at", "recall_reason"})

    def save(self, *args, update_fields=None, **kwargs):
        if update_fields is None and not self._state.adding:
            update_fields = [
                f.name
                for f in self._meta.concrete_fields
                if not f.primary_key and f.name not in self._written_apart
            ]
        super().save(*args, update_fields=update_fields, **kwargs)


class ProductionStage(TenantOwnedModel):
    """A stage of producing a batch, with its place and time (an EPCIS ObjectEvent)."""

    class BizStep(models.TextChoices):
        # GS1 Core Business Vocabulary (CBV 2.0) business steps.
        SOWING = "sowing", _("Sowing, planting")
        GROWING = "growing", _("Growing, raising")
        HARVESTING = "harvesting", _("Harvesting")
        COMMISSIONING = "commissioning", _("Processing")
        INSPECTING = "inspecting", _("Testing, inspecting")
        PACKING = "packing", _("Packing")
        STORING = "storing", _("Storing")
        SHIPPING = "shipping", _("Shipping")

    batch = models.ForeignKey(Batch, on_delete=models.PROTECT, related_name="stages")
    name = models.CharField(_("stage"), max_length=160)
    bizstep = models.CharField(
        _("kind of step"), max_length=30, choices=BizStep.choices, default=BizStep.COMMISSIONING
    )
    place = models.CharField(_("place"), max_length=255)
    started_at = models.DateTimeField(_("time"))
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)

    class Meta:
        ordering = ["started_at", "pk"]
        verbose_name = _("production stage")
        verbose_name_plural = _("production stages")

    def __str__(self) -> str:
        return self.name


class BatchEvent(TenantOwnedModel):
    """Events of a batch beyond its production stages (activation, recall), kept for EPCIS export."""

    batch = models.ForeignKey(Batch, on_delete=models.PROTECT, related_name="events")
    bizstep = models.CharField(max_length=40)
    disposition = models.CharField(max_length=40)
    event_time = models.DateTimeField()
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["event_time", "pk"]

    def __str__(self) -> str:
        return f"{self.bizstep}/{self.disposition}"


class StampSeries(TenantOwnedModel):
    class Status(models.TextChoices):
        ISSUING = "issuing", _("Being issued")
        INACTIVE = "inactive", _("Issued, not activated")
        ACTIVE = "active", _("Active")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    batch = models.ForeignKey(Batch, on_delete=models.PROTECT, related_name="series", verbose_name=_("batch"))
    quantity = models.PositiveIntegerField(_("number of stamps"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.ISSUING)
    # The scheme and host the stamps' Digital Link URIs point at, fixed when the series is issued.
    resolver_base = models.CharField(max_length=200, editable=False)
    issued_at = models.DateTimeField(null=True, blank=True, editable=False)
    activated_at = models.DateTimeField(_("activated at"), null=True, blank=True, editable=False)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True, editable=False)
    withdrawal_reason = models.TextField(_("reason for withdrawal"), blank=True, editable=False)
    print_pdf = models.FileField(max_length=255, blank=True, editable=False)
    print_csv = models.FileField(max_length=255, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    # Generated print files, rebuilt on demand: not part of the regulated history.
    audit_exclude_fields = ("print_pdf", "print_csv")

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("stamp series")
        verbose_name_plural = _("stamp series")

    def __str__(self) -> str:
        return f"#{self.pk} ({self.quantity})"


class Stamp(TenantOwnedModel):
    """One stamp. Millions of rows: bulk-inserted, left out of the audit trail, counters updated in SQL."""

    tenant = tenant_key(db_index=False)  # (tenant, serial) is unique
    # Indexed with its number (trace_stamp_series_number): a scan's first update of a stamp, not HOT,
    # writes every index of a 20-million-row table, so none is kept twice.
    series = models.ForeignKey(StampSeries, on_delete=models.PROTECT, related_name="stamps", db_index=False)
    number = models.PositiveIntegerField()
    serial = models.CharField(max_length=20)
    scan_count = models.PositiveIntegerField(default=0)
    first_scanned_at = models.DateTimeField(null=True, blank=True)
    last_scanned_at = models.DateTimeField(null=True, blank=True)
    # How many distinct places (network prefixes, never full addresses) it was scanned from; kept in SQL.
    place_count = models.PositiveIntegerField(default=0)
    flagged_at = models.DateTimeField(null=True, blank=True)

    audited = False

    class Meta:
        ordering = ["series", "number"]
        constraints = [models.UniqueConstraint(fields=["tenant", "serial"], name="trace_stamp_unique_serial")]
        indexes = [
            models.Index(fields=["series", "number"], name="trace_stamp_series_number"),
            # Few stamps are ever flagged: a partial index keeps the officials' list cheap on millions.
            models.Index(
                fields=["flagged_at"],
                condition=models.Q(flagged_at__isnull=False),
                name="trace_stamp_flagged",
            ),
        ]

    def __str__(self) -> str:
        return self.serial


class ScanEvent(TenantOwnedModel):
    # The province with the time (trace_scan_tenant_time: a year's scans for its report, not every scan it
    # ever had); the stamp with the time and with the place (trace_scan_stamp_time, trace_scan_stamp_place).
    tenant = tenant_key(db_index=False)
    stamp = models.ForeignKey(Stamp, on_delete=models.PROTECT, related_name="scans", db_index=False)
    scanned_at = models.DateTimeField()
    place = models.CharField(max_length=64, blank=True)
    user_agent = models.CharField(max_length=160, blank=True)

    audited = False

    class Meta:
        ordering = ["-scanned_at", "-pk"]
        indexes = [
            models.Index(fields=["tenant", "scanned_at"], name="trace_scan_tenant_time"),
            models.Index(fields=["stamp", "scanned_at"], name="trace_scan_stamp_time"),
            models.Index(fields=["stamp", "place"], name="trace_scan_stamp_place"),
        ]

    def __str__(self) -> str:
        return f"{self.stamp_id} @ {self.scanned_at}"
