"""Label sheets drawn directly: one PDF for a small series, a zip of chunked PDFs and the CSV for a large
one; the Vietnamese text and every serial read back from the PDFs."""

import io
import zipfile

import pytest
from django.core.files.storage import default_storage
from django.db import connections, transaction
from pypdf import PdfReader

from tcvn_portal.tenancy.context import tenant_context
from tests.celery_fixtures import wait_until
from traceability import printpack, services
from traceability.models import StampSeries

from .test_services import issue

pytestmark = pytest.mark.django_db


def _text(pdf_bytes: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(pdf_bytes))
    return len(reader.pages), "".join(page.extract_text() for page in reader.pages)


def test_a_large_series_is_a_zip_of_chunked_label_pdfs_with_the_csv(
    monkeypatch, tenant_a, batch_a, business_user_a
):
    monkeypatch.setattr(printpack, "CHUNK", 20)
    series = issue(tenant_a, batch_a, business_user_a, quantity=45)
    with tenant_context(tenant_a):
        series = printpack.build(series=StampSeries.objects.get(pk=series.pk))
        serials = list(series.stamps.order_by("number").values_list("serial", flat=True))
    assert series.print_pdf.name.endswith("labels.zip")
    with zipfile.ZipFile(default_storage.open(series.print_pdf.name)) as pack:
        assert pack.namelist() == ["labels-0001.pdf", "labels-0002.pdf", "labels-0003.pdf", "stamps.csv"]
        parts = [_text(pack.read(name)) for name in pack.namelist()[:3]]
        csv_lines = pack.read("stamps.csv").decode("utf-8-sig").strip().splitlines()
    # 20, 20 and 5 labels: 24 a page.
    assert [pages for pages, _ in parts] == [1, 1, 1]
    text = "".join(t for _, t in parts)
    assert all(serial in text for serial in serials)
    assert "Tem truy xuất nguồn gốc" in text and batch_a.product.name[:20] in text
    assert len(csv_lines) == 46 and serials[-1] in csv_lines[-1]
    assert printpack.progress(series.pk) is None  # done: no progress left behind


def test_qr_modules_use_the_fixed_mask_and_grow_with_the_uri():
    short = printpack.qr_modules("https://tem.test/01/08938505970012/10/L1/21/ABC")
    long = printpack.qr_modules("https://tem.test/01/08938505970012/10/L1/21/" + "X" * 120)
    assert len(short) < len(long)
    assert len(short) % 4 == 1 and len(long) % 4 == 1  # 17 + 4 × version modules a side


@pytest.mark.django_db(transaction=True, databases=["default", "owner"])
def test_the_worker_commits_the_csv_before_it_draws_the_labels(
    celery_worker, monkeypatch, tenant_a, batch_a, business_user_a
):
    """A million labels take the worker most of an hour; the printer's CSV must not wait for them."""
    csv_seen_by_others = []
    draw = printpack.build_labels

    def watched(*, series):
        # Another connection sees only what has been committed.
        with transaction.atomic(using="owner"), connections["owner"].cursor() as cursor:
            cursor.execute("SELECT set_config('app.tenant_id', %s, true)", [str(tenant_a.pk)])
            cursor.execute("SELECT print_csv FROM traceability_stampseries WHERE id = %s", [series.pk])
            csv_seen_by_others.append(cursor.fetchone()[0])
        return draw(series=series)

    monkeypatch.setattr(printpack, "build_labels", watched)
    with tenant_context(tenant_a):
        series = services.request_series(
            batch=batch_a, quantity=30, resolver_base="https://tem.test", actor=business_user_a
        )

    def built() -> StampSeries:
        with tenant_context(tenant_a):
            return StampSeries.objects.get(pk=series.pk)

    wait_until(lambda: built().print_pdf, timeout=60)
    assert len(csv_seen_by_others) == 1 and csv_seen_by_others[0].endswith("stamps.csv")
    assert built().print_pdf.name.endswith("labels.pdf")
    with default_storage.open(built().print_csv.name) as csv_file:
        assert len(csv_file.read().decode("utf-8-sig").strip().splitlines()) == 31
