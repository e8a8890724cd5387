"""Shared document machinery: Excel exports of what a list shows, PDFs whose Vietnamese text reads back."""

from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from tcvn_portal.reports.pdf import StaticOnlyFetcher, render_pdf

pytestmark = pytest.mark.django_db


def test_organisation_list_exports_what_is_filtered_with_vietnamese_headers(
    tenant_a, tenant_b, inspector_a, organization_factory, client_for
):
    organization_factory(tenant_a, name="Công ty Chè Tân Trào")
    organization_factory(tenant_a, name="Hợp tác xã Miến Dong")
    organization_factory(tenant_b, name="Công ty Nông sản Bắc Hà")
    response = client_for(inspector_a).get(
        reverse("tenancy:organization_list"), {"q": "tan trao", "export": "xlsx"}
    )
    assert response["Content-Disposition"].startswith("attachment;")
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.values)
    assert rows[0][:3] == ("Tên", "Loại", "Mã số thuế")
    assert [r[0] for r in rows[1:]] == ["Công ty Chè Tân Trào"]


def test_pdf_keeps_vietnamese_diacritics(tmp_path, settings):
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], tmp_path]},
    ]
    (tmp_path / "t.html").write_text(
        '{% extends "reports/pdf_base.html" %}{% block body %}<h1>Biên bản kiểm tra</h1>'
        "<p>Đo lường — cân điện tử, Tuyên Quang</p>{% endblock %}",
        encoding="utf-8",
    )
    pdf = render_pdf("t.html", {})
    text = "".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages)
    assert "Đo lường — cân điện tử, Tuyên Quang" in text
    assert "BIÊN BẢN KIỂM TRA" in text.upper()


@pytest.mark.parametrize("url", ["file:///etc/passwd", "http://127.0.0.1:8000/", "https://example.org/x.css"])
def test_pdf_rendering_fetches_nothing_but_our_static_files(url):
    fetcher = StaticOnlyFetcher()
    with pytest.raises(ValueError):
        fetcher.fetch(url)
    with pytest.raises(ValueError):
        fetcher.fetch("static:/../../../etc/passwd")
    assert fetcher.fetch("static:/css/portal.css").read().startswith(b"/*")


def test_qr_code_is_inline_svg_of_the_requested_size():
    from tcvn_portal.reports.pdf import qr_svg

    svg = qr_svg("https://tcvn.example/check/ABC", size_mm=28)
    assert svg.startswith("<svg") and 'width="28mm" height="28mm"' in svg
