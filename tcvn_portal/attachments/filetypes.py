"""The kinds of file the portal accepts, named by what their content is."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class FileKind:
    code: str
    mime: str
    extensions: tuple[str, ...]  # the first is the one a download gets when the uploaded name lies
    label: str | Promise


KINDS: dict[str, FileKind] = {
    kind.code: kind
    for kind in (
        FileKind("pdf", "application/pdf", ("pdf",), _("PDF document")),
        FileKind("jpeg", "image/jpeg", ("jpg", "jpeg", "jpe"), _("JPEG image")),
        FileKind("png", "image/png", ("png",), _("PNG image")),
        FileKind("webp", "image/webp", ("webp",), _("WebP image")),
        FileKind("heic", "image/heic", ("heic", "heif"), _("HEIC photo")),
        FileKind(
            "docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            ("docx",),
            _("Word document (DOCX)"),
        ),
        FileKind(
            "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ("xlsx",),
            _("Excel workbook (XLSX)"),
        ),
        FileKind("odt", "application/vnd.oasis.opendocument.text", ("odt",), _("OpenDocument text (ODT)")),
        FileKind("csv", "text/csv", ("csv",), _("CSV table")),
        FileKind("txt", "text/plain", ("txt", "text"), _("plain text")),
    )
}

# Documents and photos; CSV and plain text only where a form asks for them (an import, a log).
DEFAULT_ALLOWED: frozenset[str] = frozenset({"pdf", "jpeg", "png", "webp", "heic", "docx", "xlsx", "odt"})

_BY_MIME = {kind.mime: kind for kind in KINDS.values()}
_BY_EXTENSION = {ext: kind for kind in KINDS.values() for ext in kind.extensions}


def kind_for_mime(mime: str) -> FileKind | None:
    return _BY_MIME.get(mime)


def kind_for_name(name: str) -> FileKind | None:
    """What the file's name claims it is (used only to word the refusal, never to accept)."""
    _, dot, ext = name.rpartition(".")
    return _BY_EXTENSION.get(ext.lower()) if dot else None
