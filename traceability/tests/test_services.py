from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.utils import IntegrityError, InternalError
from django.utils import translation

from tcvn_portal.core.public_codes import read_code
from tcvn_portal.tenancy.context import tenant_context
from traceability import selectors, services
from traceability.models import Batch, BatchEvent, Product, Stamp, StampApplication, StampSeries

from .factories import make_product

pytestmark = pytest.mark.django_db


def test_product_gtin_is_checked_and_stored_as_14_digits(tenant_a, business_a, business_user_a):
    product = make_product(tenant_a, business_a, business_user_a, complete=False)
    assert product.gtin == "08934567000017"
    with tenant_context(tenant_a), pytest.raises(ValidationError) as info:
        services.save_product(
            product=Product(owner=business_a, name="X", gtin="8934567000018"), actor=business_user_a
        )
    assert "gtin" in info.value.message_dict
    with tenant_context(tenant_a):
        assert Product.objects.count() == 1


def test_a_state_agency_cannot_own_products(tenant_a, organization_factory, business_user_a):
    agency = organization_factory(tenant_a, kind="agency", name="UBND xã")
    with tenant_context(tenant_a), pytest.raises(ValidationError):
        services.save_product(
            product=Product(owner=agency, name="X", gtin="8934567000017"), actor=business_user_a
        )


def test_application_moves_draft_submitted_approved(
    tenant_a, product_a, business_a, business_user_a, officer_a
):
    with tenant_context(tenant_a):
        application = services.create_application(
            applicant=business_a, items=[(product_a, 500)], actor=business_user_a
        )
        assert application.status == StampApplication.Status.DRAFT
        with pytest.raises(ValidationError):
            services.approve_application(application=application, actor=officer_a)
        services.submit_application(application=application, actor=business_user_a)
        services.approve_application(application=application, actor=officer_a)
        application.refresh_from_db()
        assert application.status == StampApplication.Status.APPROVED
        assert application.decided_by == officer_a
        assert selectors.remaining_quota(product_a) == 500


def test_rejection_needs_a_reason_and_keeps_it(tenant_a, product_a, business_a, business_user_a, officer_a):
    with tenant_context(tenant_a):
        application = services.create_application(
            applicant=business_a, items=[(product_a, 5)], actor=business_user_a
        )
        services.submit_application(application=application, actor=business_user_a)
        with pytest.raises(ValidationError):
            services.reject_application(application=application, reason="  ", actor=officer_a)
        application.refresh_from_db()
        assert application.status == StampApplication.Status.SUBMITTED
        services.reject_application(application=application, reason="Thiếu ảnh nhãn", actor=officer_a)
        application.refresh_from_db()
        assert (application.status, application.rejection_reason) == ("rejected", "Thiếu ảnh nhãn")


def test_official_cannot_approve_until_the_ten_data_items_are_there(
    tenant_a, business_a, business_user_a, officer_a
):
    product = make_product(tenant_a, business_a, business_user_a, complete=False)
    with tenant_context(tenant_a), translation.override("en"):
        assert selectors.missing_data_items(product) == [
            "images",
            "production stages with place and time",
            "dates (a batch with its production date)",
            "brand or serial",
            "shelf life",
            "standards applied",
        ]
    with tenant_context(tenant_a):
        application = services.create_application(
            applicant=business_a, items=[(product, 5)], actor=business_user_a
        )
        services.submit_application(application=application, actor=business_user_a)
        with pytest.raises(ValidationError) as info:
            services.approve_application(application=application, actor=officer_a)
        assert product.name in info.value.messages[0]
        application.refresh_from_db()
        assert application.status == StampApplication.Status.SUBMITTED


def test_complete_product_has_no_missing_items(tenant_a, product_a):
    with tenant_context(tenant_a):
        assert selectors.missing_data_items(product_a) == []


def test_business_cannot_apply_for_another_business_product(
    tenant_a, product_a, organization_factory, business_user_a
):
    other = organization_factory(tenant_a, name="Công ty khác", address="Hà Giang")
    with tenant_context(tenant_a), pytest.raises(ValidationError):
        services.create_application(applicant=other, items=[(product_a, 5)], actor=business_user_a)


def test_batch_lot_must_use_gs1_characters_and_dates_must_be_in_order(tenant_a, product_a, business_user_a):
    with tenant_context(tenant_a):
        with pytest.raises(ValidationError) as info:
            services.save_batch(
                batch=Batch(product=product_a, lot="Lô 1", production_date=date(2025, 1, 1)),
                actor=business_user_a,
            )
        assert "lot" in info.value.message_dict
        with pytest.raises(ValidationError) as info:
            services.save_batch(
                batch=Batch(
                    product=product_a,
                    lot="L2",
                    production_date=date(2025, 1, 1),
                    expiry_date=date(2024, 1, 1),
                ),
                actor=business_user_a,
            )
        assert "expiry_date" in info.value.message_dict
        assert Batch.objects.filter(lot="L2").count() == 0


def test_series_beyond_the_approved_quota_is_refused(tenant_a, batch_a, business_user_a):
    with tenant_context(tenant_a), pytest.raises(ValidationError) as info:
        services.request_series(
            batch=batch_a, quantity=1001, resolver_base="https://tem.test", actor=business_user_a
        )
    assert "quantity" in info.value.message_dict
    with tenant_context(tenant_a):
        assert StampSeries.objects.count() == 0


def test_product_without_approved_application_gets_no_stamps(tenant_a, product_a, business_user_a):
    with tenant_context(tenant_a), pytest.raises(ValidationError):
        services.request_series(
            batch=product_a.batches.get(), quantity=1, resolver_base="https://t", actor=business_user_a
        )


def issue(tenant, batch, actor, quantity=100):
    with tenant_context(tenant):
        series = services.request_series(
            batch=batch, quantity=quantity, resolver_base="https://tem.test", actor=actor
        )
        services.issue_stamps(series=series)
        series.refresh_from_db()
    return series


def test_issuing_creates_unique_unguessable_serials_naming_the_tenant(tenant_a, batch_a, business_user_a):
    series = issue(tenant_a, batch_a, business_user_a, quantity=300)
    assert series.status == StampSeries.Status.INACTIVE
    with tenant_context(tenant_a):
        serials = list(Stamp.objects.filter(series=series).values_list("serial", flat=True))
        numbers = list(
            Stamp.objects.filter(series=series).order_by("number").values_list("number", flat=True)
        )
    assert len(serials) == len(set(serials)) == 300
    assert numbers == list(range(1, 301))
    assert all(read_code(s, kind="stamp").tenant_id == tenant_a.pk for s in serials)
    # 64 random bits per serial: a guess hits one of N stamps with probability N / 2^64.
    assert 300 / 2**64 < 1e-4


def test_issuing_twice_is_harmless(tenant_a, batch_a, business_user_a):
    series = issue(tenant_a, batch_a, business_user_a, quantity=10)
    with tenant_context(tenant_a):
        assert services.issue_stamps(series=series) == 0
        assert Stamp.objects.count() == 10


def test_a_serial_is_never_reused_even_if_inserted_again(tenant_a, batch_a, business_user_a):
    series = issue(tenant_a, batch_a, business_user_a, quantity=3)
    with tenant_context(tenant_a):
        serial = Stamp.objects.first().serial
        with pytest.raises(IntegrityError), transaction.atomic():
            Stamp.objects.create(series=series, number=99, serial=serial)


def test_stamps_cannot_be_hard_deleted(tenant_a, batch_a, business_user_a):
    issue(tenant_a, batch_a, business_user_a, quantity=1)
    with tenant_context(tenant_a), pytest.raises((IntegrityError, InternalError)), transaction.atomic():
        with connection.cursor() as cur:
            cur.execute("DELETE FROM traceability_stamp")


def test_activation_and_withdrawal_follow_their_order(tenant_a, batch_a, business_user_a, officer_a):
    series = issue(tenant_a, batch_a, business_user_a, quantity=2)
    with tenant_context(tenant_a):
        services.activate_series(series=series, actor=business_user_a)
        with pytest.raises(ValidationError):
            services.activate_series(series=series, actor=business_user_a)
        with pytest.raises(ValidationError):
            services.withdraw_series(series=series, reason="", actor=officer_a)
        services.withdraw_series(series=series, reason="Tem in lỗi", actor=officer_a)
        series.refresh_from_db()
        assert series.status == StampSeries.Status.WITHDRAWN
        assert list(BatchEvent.objects.values_list("bizstep", "disposition")) == [
            ("commissioning", "active"),
            ("decommissioning", "inactive"),
        ]


def test_recall_records_an_event_and_needs_a_reason(tenant_a, batch_a, business_user_a):
    with tenant_context(tenant_a):
        with pytest.raises(ValidationError):
            services.recall_batch(batch=batch_a, reason="", actor=business_user_a)
        services.recall_batch(batch=batch_a, reason="Nhiễm khuẩn", actor=business_user_a)
        batch_a.refresh_from_db()
        assert batch_a.recalled_at is not None
        assert BatchEvent.objects.get().disposition == "recalled"
        with pytest.raises(ValidationError):
            services.request_series(
                batch=batch_a, quantity=1, resolver_base="https://t", actor=business_user_a
            )


def test_other_tenant_cannot_see_traceability_rows(tenant_a, tenant_b, batch_a):
    with tenant_context(tenant_b):
        assert Product.objects.count() == 0
        assert Batch.unscoped.count() == 0


def test_demo_seed_is_idempotent_and_leaves_an_active_series(tenant_a, business_a):
    from traceability import demo

    demo.seed(tenant_a)
    demo.seed(tenant_a)
    with tenant_context(tenant_a):
        series = StampSeries.objects.get()
        assert series.status == StampSeries.Status.ACTIVE and series.stamps.count() == 20
        assert Product.objects.count() == 1
