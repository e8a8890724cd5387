"""validate_upload: the content decides, never the name."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError

from tcvn_portal.attachments.forms import ZIP_MAX_UNCOMPRESSED, AttachmentForm, validate_upload

from .conftest import (
    EXE,
    HEIC,
    HTML,
    JPEG,
    PDF,
    PNG,
    WEBP,
    docx_bytes,
    make_zip,
    odt_bytes,
    upload,
    xlsx_bytes,
)


def refusal(file, **kwargs) -> ValidationError:
    with pytest.raises(ValidationError) as info:
        validate_upload(file, **kwargs)
    return info.value


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("bien-ban.pdf", PDF, "pdf"),
        ("anh.png", PNG, "png"),
        ("ho-so.docx", docx_bytes(), "docx"),
        ("bang.xlsx", xlsx_bytes(), "xlsx"),
        ("van-ban.odt", odt_bytes(), "odt"),
        ("anh.jpg", JPEG, "jpeg"),
        ("anh.webp", WEBP, "webp"),
        ("IMG_0001.HEIC", HEIC, "heic"),
    ],
)
def test_documents_and_photos_are_accepted_by_their_content(name, content, code):
    assert validate_upload(upload(name, content)).code == code


def test_a_png_named_pdf_is_accepted_as_what_it_really_is():
    kind = validate_upload(upload("scan.pdf", PNG, "application/pdf"))
    assert (kind.code, kind.mime) == ("png", "image/png")


def test_a_pdf_named_png_is_detected_as_pdf():
    assert validate_upload(upload("photo.png", PDF, "image/png")).mime == "application/pdf"


def test_html_named_pdf_is_refused_as_a_web_page():
    error = refusal(upload("bien-ban.pdf", HTML, "application/pdf"))
    assert error.code == "dangerous"
    assert "HTML" in str(error.messages[0])


def test_windows_program_named_pdf_is_refused():
    assert refusal(upload("hoa-don.pdf", EXE, "application/pdf")).code == "dangerous"


def test_plain_text_named_pdf_is_refused_as_a_mismatch():
    assert refusal(upload("bao-cao.pdf", "Xin chào".encode())).code == "mismatch"


def test_empty_file_is_refused():
    assert refusal(upload("trong.pdf", b"")).code == "empty"


def test_file_over_the_cap_is_refused(settings):
    settings.TCVN_UPLOAD_MAX_BYTES = len(PDF) - 1
    assert refusal(upload("lon.pdf", PDF)).code == "too_large"
    assert validate_upload(upload("lon.pdf", PDF), max_bytes=len(PDF)).code == "pdf"


def test_zip_bomb_docx_is_refused():
    bomb = docx_bytes(extra=[("word/media/fill.bin", b"\0" * (ZIP_MAX_UNCOMPRESSED // 4))])
    assert len(bomb) < 1024 * 1024  # tiny on the wire
    assert refusal(upload("bom.docx", bomb)).code == "zip_bomb"


def test_zip_whose_header_understates_a_part_is_refused_as_damaged():
    content = bytearray(docx_bytes(extra=[("word/media/a.bin", b"A" * 50_000)]))
    with zipfile.ZipFile(io.BytesIO(bytes(content))) as archive:
        info = archive.getinfo("word/media/a.bin")
    # Rewrite the declared size in the central directory to a small number.
    central = content.rfind(b"PK\x01\x02", 0, len(content))
    while central != -1:
        name_len = int.from_bytes(content[central + 28 : central + 30], "little")
        if content[central + 46 : central + 46 + name_len] == b"word/media/a.bin":
            content[central + 24 : central + 28] = (100).to_bytes(4, "little")
            break
        central = content.rfind(b"PK\x01\x02", 0, central)
    assert info.file_size == 50_000
    assert refusal(upload("noi-doi.docx", bytes(content))).code == "damaged"


def test_a_plain_zip_is_not_a_document():
    assert refusal(upload("tai-lieu.docx", make_zip([("a.txt", "x")]))).code == "mismatch"


def test_csv_is_accepted_only_where_the_form_asks_for_it():
    csv = "mã,tên\n1,Cân điện tử\n".encode()
    assert refusal(upload("ds.csv", csv)).code in {"type", "mismatch"}
    assert validate_upload(upload("ds.csv", csv), allowed={"csv", "txt"}).code == "csv"


def test_text_that_is_not_utf8_is_refused_with_advice():
    assert refusal(upload("ds.csv", "Cân, mã\n".encode("latin-1")), allowed={"csv", "txt"}).code == "encoding"


def test_form_reports_every_refused_file_and_accepts_none():
    form = AttachmentForm(data={}, files=_multi([upload("a.pdf", PDF), upload("b.pdf", HTML)]))
    assert not form.is_valid()
    assert len(form.errors["files"]) == 1


def test_form_without_files_asks_for_one():
    form = AttachmentForm(data={}, files=_multi([]))
    assert not form.is_valid()
    assert "files" in form.errors


def _multi(uploads):
    from django.utils.datastructures import MultiValueDict

    return MultiValueDict({"files": uploads})
