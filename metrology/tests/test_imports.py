import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from metrology import imports
from metrology.models import ImportJob, Instrument, Verification
from tcvn_portal.tenancy.context import tenant_context
from tests.celery_fixtures import wait_until

pytestmark = pytest.mark.django_db


def _workbook(rows) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append([header for _key, header, _req in imports.COLUMNS])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _row(tax_code, serial, *, type_code="cot-do-xang-dau", verified="15/03/2025", certificate=None):
    return [
        tax_code,
        type_code,
        "Tatsuno",
        "Sunny",
        serial,
        "0,5",
        "",
        "",
        "Vòi số 1",
        "",
        verified,
        "Trung tâm TĐC",
        f"T-{serial}" if verified else "",
        certificate or (f"GCN-{serial}" if verified else ""),
    ]


def _upload(client, content, name="so-cu.xlsx"):
    return client.post(reverse("metrology:import_list"), {"file": SimpleUploadedFile(name, content)})


def test_template_downloads_with_vietnamese_headers(catalog_a, officer_a, client_for):
    response = client_for(officer_a).get(reverse("metrology:import_template"))
    header = next(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert header[0] == "Mã số thuế chủ sở hữu" and header[4] == "Số sản xuất"


def test_bad_rows_are_listed_with_reasons_and_nothing_is_imported(
    catalog_a, business_a, officer_a, client_for
):
    content = _workbook(
        [
            _row(business_a.tax_code, "OK-1"),
            _row("0100109106", "NO-OWNER"),
            _row(business_a.tax_code, "BAD-DATE", verified="31/02/2025"),
            _row(business_a.tax_code, "OK-1"),
            _row(business_a.tax_code, "OK-2", certificate="GCN-OK-1"),
            _row(business_a.tax_code, "X", type_code="khong-co"),
        ]
    )
    client = client_for(officer_a)
    response = _upload(client, content)
    assert response.status_code == 302
    with tenant_context(catalog_a):
        job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.INVALID
    reasons = {e["row"]: " ".join(e["errors"]) for e in job.errors}
    assert set(reasons) == {3, 4, 5, 6, 7}
    assert "0100109106" in reasons[3]
    assert "dd/mm/yyyy" in reasons[4]
    assert "dòng 2" in reasons[5]
    assert "dòng 2" in reasons[6]
    assert "khong-co" in reasons[7]
    page = client.get(reverse("metrology:import_detail", args=[job.pk])).content.decode()
    assert "chưa nhập dòng nào" in page
    assert client.post(reverse("metrology:import_detail", args=[job.pk])).status_code == 302
    with tenant_context(catalog_a):
        assert Instrument.objects.count() == 0
        assert ImportJob.objects.get().status == ImportJob.Status.INVALID


def test_a_good_file_imports_every_row_with_its_verification(catalog_a, business_a, officer_a, client_for):
    client = client_for(officer_a)
    _upload(
        client,
        _workbook(
            [_row(business_a.tax_code, f"GOOD-{n}") for n in range(3)]
            + [_row(business_a.tax_code, "NO-VERIFICATION", verified=None)]
        ),
    )
    with tenant_context(catalog_a):
        job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.READY
    client.post(reverse("metrology:import_detail", args=[job.pk]))
    with tenant_context(catalog_a):
        job.refresh_from_db()
        assert job.status == ImportJob.Status.DONE and job.created_count == 4
        assert Instrument.objects.count() == 4
        assert Verification.objects.filter(valid_until__isnull=False).count() == 3


def test_rows_that_became_invalid_since_the_preview_roll_back_the_whole_import(
    catalog_a, business_a, officer_a, client_for, instrument_factory
):
    client = client_for(officer_a)
    _upload(client, _workbook([_row(business_a.tax_code, "FIRST"), _row(business_a.tax_code, "SECOND")]))
    # Someone registers the second instrument by hand between the preview and the import.
    instrument_factory(catalog_a, owner=business_a, serial="SECOND", maker="Tatsuno")
    with tenant_context(catalog_a):
        job = ImportJob.objects.get()
    client.post(reverse("metrology:import_detail", args=[job.pk]))
    with tenant_context(catalog_a):
        job.refresh_from_db()
        assert job.status == ImportJob.Status.FAILED
        assert [e["row"] for e in job.errors] == [3]
        assert list(Instrument.objects.values_list("serial", flat=True)) == ["SECOND"]


def test_a_file_that_is_not_a_workbook_is_refused(catalog_a, officer_a, client_for):
    response = _upload(client_for(officer_a), b"%PDF-1.4 not a workbook", name="so.xlsx")
    assert response.status_code == 400
    with tenant_context(catalog_a):
        assert ImportJob.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_a_large_file_is_checked_and_imported_in_the_background(
    celery_worker, catalog_a, business_a, officer_a, client_for, monkeypatch
):
    monkeypatch.setattr(imports, "INLINE_ROWS", 5)
    client = client_for(officer_a)
    _upload(client, _workbook([_row(business_a.tax_code, f"BIG-{n:03d}") for n in range(40)]))

    def job():
        with tenant_context(catalog_a):
            return ImportJob.objects.defer("content").get()

    wait_until(lambda: job().status == ImportJob.Status.READY, timeout=60)
    progress = client.get(reverse("metrology:import_detail", args=[job().pk]), {"format": "json"}).json()
    assert progress["total"] == 40
    client.post(reverse("metrology:import_detail", args=[job().pk]))
    wait_until(lambda: job().status == ImportJob.Status.DONE, timeout=60)
    with tenant_context(catalog_a):
        assert Instrument.objects.count() == 40
