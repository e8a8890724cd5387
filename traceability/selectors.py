"""Reads of the traceability domain: what each member may see, the Circular 02/2024 data check, quotas."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, QuerySet, Sum
from django.utils.translation import gettext as _

from tcvn_portal.attachments.models import Attachment
from tcvn_portal.tenancy.models import Membership

from .models import (
    ApplicationItem,
    Batch,
    Product,
    ProductionStage,
    ScanEvent,
    Stamp,
    StampApplication,
    StampSeries,
)


def _own_only(membership: Membership) -> bool:
    """Officials see the whole province; a business user only its own organisation's records."""
    return not membership.has_perm("trace.view")


def products_visible_to(membership: Membership) -> QuerySet[Product]:
    queryset = Product.objects.filter(archived_at__isnull=True)
    if _own_only(membership):
        queryset = queryset.filter(owner_id=membership.organization_id)
    return queryset


def applications_visible_to(membership: Membership) -> QuerySet[StampApplication]:
    queryset = StampApplication.objects.filter(archived_at__isnull=True)
    if _own_only(membership):
        queryset = queryset.filter(applicant_id=membership.organization_id)
    return queryset


def batches_visible_to(membership: Membership) -> QuerySet[Batch]:
    queryset = Batch.objects.filter(archived_at__isnull=True)
    if _own_only(membership):
        queryset = queryset.filter(product__owner_id=membership.organization_id)
    return queryset


def series_visible_to(membership: Membership) -> QuerySet[StampSeries]:
    queryset = StampSeries.objects.all()
    if _own_only(membership):
        queryset = queryset.filter(batch__product__owner_id=membership.organization_id)
    return queryset


def filter_products(queryset: QuerySet[Product], *, q: str = "", category=None) -> QuerySet[Product]:
    if category is not None:
        queryset = queryset.filter(category=category)
    if q:
        queryset = queryset.search(q)
    return queryset.select_related("owner", "category")


def filter_applications(queryset: QuerySet[StampApplication], *, status: str = "", q: str = ""):
    if status:
        queryset = queryset.filter(status=status)
    if q:
        queryset = queryset.filter(applicant__search_text__contains=q.lower())
    return queryset.select_related("applicant").annotate(stamps=Sum("items__quantity"))


def filter_batches(queryset: QuerySet[Batch], *, q: str = "", recalled: str = ""):
    if recalled == "yes":
        queryset = queryset.filter(recalled_at__isnull=False)
    elif recalled == "no":
        queryset = queryset.filter(recalled_at__isnull=True)
    if q:
        queryset = queryset.search(q)
    return queryset.select_related("product__owner")


def product_images(product: Product) -> QuerySet[Attachment]:
    return Attachment.objects.filter(
        content_type=ContentType.objects.get_for_model(Product),
        object_id=product.pk,
        archived_at__isnull=True,
        mime_type__startswith="image/",
    )


def missing_data_items(product: Product) -> list[str]:
    """The data items of Circular 02/2024/TT-BKHCN the product does not yet carry, in words.

    Name, images, business name and address, production stages with place and time, dates (a batch
    with its production date), traceability code (the GTIN), brand or serial, shelf life, standards.
    """
    missing = []
    owner = product.owner
    if not product.name.strip():
        missing.append(_("product name"))
    if not product_images(product).exists():
        missing.append(_("images"))
    if not owner.name.strip():
        missing.append(_("business name"))
    if not owner.address.strip():
        missing.append(_("business address"))
    if not ProductionStage.objects.filter(batch__product=product).exclude(place="").exists():
        missing.append(_("production stages with place and time"))
    if not product.batches.exists():
        missing.append(_("dates (a batch with its production date)"))
    if not product.gtin:
        missing.append(_("traceability code"))
    if not product.brand.strip():
        missing.append(_("brand or serial"))
    if not product.shelf_life.strip():
        missing.append(_("shelf life"))
    if not product.standards.strip():
        missing.append(_("standards applied"))
    return missing


def remaining_quota(product: Product) -> int:
    """Stamps approved for the product and not yet issued (a withdrawn series still used its stamps)."""
    approved = (
        ApplicationItem.objects.filter(
            product=product, application__status=StampApplication.Status.APPROVED
        ).aggregate(n=Sum("quantity"))["n"]
        or 0
    )
    issued = StampSeries.objects.filter(batch__product=product).aggregate(n=Sum("quantity"))["n"] or 0
    return max(approved - issued, 0)


def flagged_stamps() -> QuerySet[Stamp]:
    return (
        Stamp.objects.filter(flagged_at__isnull=False)
        .select_related("series__batch__product__owner")
        .order_by("-flagged_at", "-pk")
    )


def scans_of(stamp: Stamp) -> QuerySet[ScanEvent]:
    return ScanEvent.objects.filter(stamp=stamp).order_by("-scanned_at", "-pk")


def scans_by_place(stamp: Stamp) -> list[dict]:
    return list(
        ScanEvent.objects.filter(stamp=stamp).values("place").annotate(n=Count("pk")).order_by("-n", "place")
    )
