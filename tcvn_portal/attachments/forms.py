"""Checking an upload by its content: size, type (libmagic, then the inner parts of office files) and
zip bombs. The file's name is never trusted; it only helps word the refusal."""

from __future__ import annotations

import zipfile
from collections.abc import Iterable

import magic
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .filetypes import DEFAULT_ALLOWED, KINDS, FileKind, kind_for_mime, kind_for_name

# libmagic needs the head of a file only; office files are then opened as zips to be sure.
SNIFF_BYTES = 64 * 1024
# An office file larger than this once unpacked, or packed more tightly than this ratio, is a zip bomb
# (real DOCX/XLSX/ODT files unpack to a few times their size: their images are already compressed).
ZIP_MAX_UNCOMPRESSED = 200 * 1024 * 1024
ZIP_MAX_RATIO = 100
ZIP_MAX_ENTRIES = 5000
MAX_FILES_PER_UPLOAD = 10

ZIP_MIMES = frozenset(
    {
        "application/zip",
        "application/x-zip-compressed",
        KINDS["docx"].mime,
        KINDS["xlsx"].mime,
        KINDS["odt"].mime,
    }
)

# What libmagic found, in words a user understands, for the refusals that matter most.
_DANGEROUS = {
    "text/html": gettext_lazy("a web page (HTML)"),
    "application/xhtml+xml": gettext_lazy("a web page (HTML)"),
    "image/svg+xml": gettext_lazy("an SVG drawing, which can carry scripts"),
    "application/x-dosexec": gettext_lazy("a Windows program"),
    "application/x-executable": gettext_lazy("a program"),
    "application/x-sharedlib": gettext_lazy("a program"),
    "application/x-pie-executable": gettext_lazy("a program"),
    "application/x-mach-binary": gettext_lazy("a program"),
    "text/x-shellscript": gettext_lazy("a script"),
    "text/javascript": gettext_lazy("a script"),
    "application/javascript": gettext_lazy("a script"),
    "text/x-php": gettext_lazy("a script"),
    "text/x-python": gettext_lazy("a script"),
}


def _read_head(upload, size: int) -> bytes:
    upload.seek(0)
    head = upload.read(size)
    upload.seek(0)
    return head


def _refuse(message: str, code: str, **params) -> ValidationError:
    return ValidationError(message, code=code, params=params)


def _office_kind(upload, name: str) -> FileKind | None:
    """DOCX, XLSX or ODT by the parts inside the zip; refuses zip bombs and damaged archives."""
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            entries = archive.infolist()
            if len(entries) > ZIP_MAX_ENTRIES:
                raise _refuse(
                    _("The file “%(name)s” holds too many parts to be a document."), "zip_bomb", name=name
                )
            declared = sum(entry.file_size for entry in entries)
            if declared > ZIP_MAX_UNCOMPRESSED or declared > ZIP_MAX_RATIO * max(upload.size, 1):
                raise _refuse(
                    _("The file “%(name)s” unpacks to far more than its size: it is refused as unsafe."),
                    "zip_bomb",
                    name=name,
                )
            # Read every part to its end: a header that lies about its size fails the CRC check here,
            # and never more than the declared total is unpacked.
            for entry in entries:
                with archive.open(entry) as part:
                    while part.read(1024 * 1024):
                        pass
            names = {entry.filename for entry in entries}
            if "mimetype" in names and archive.read("mimetype").strip() == KINDS["odt"].mime.encode():
                return KINDS["odt"]
            if "[Content_Types].xml" in names:
                if "word/document.xml" in names:
                    return KINDS["docx"]
                if "xl/workbook.xml" in names:
                    return KINDS["xlsx"]
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, NotImplementedError, RuntimeError) as exc:
        raise _refuse(
            _("The file “%(name)s” is damaged and cannot be opened."), "damaged", name=name
        ) from exc
    finally:
        upload.seek(0)
    return None


def _text_kind(upload, detected: str, name: str) -> FileKind:
    upload.seek(0)
    try:
        upload.read().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _refuse(
            _("The file “%(name)s” is not text in UTF-8: save it again as UTF-8 and upload it."),
            "encoding",
            name=name,
        ) from exc
    finally:
        upload.seek(0)
    return KINDS["csv"] if detected == "text/csv" or name.lower().endswith(".csv") else KINDS["txt"]


def detect_kind(upload, name: str) -> tuple[FileKind | None, str]:
    """The kind the content really is (None if it is none of ours), and libmagic's MIME type."""
    detected = magic.from_buffer(_read_head(upload, SNIFF_BYTES), mime=True)
    if detected in ZIP_MIMES:
        return _office_kind(upload, name), detected
    if detected in ("text/plain", "text/csv"):
        return _text_kind(upload, detected, name), detected
    if detected == "image/heif":
        return KINDS["heic"], detected
    return kind_for_mime(detected), detected


def validate_upload(
    upload, *, allowed: Iterable[str] = DEFAULT_ALLOWED, max_bytes: int | None = None
) -> FileKind:
    """The kind of file `upload` really is, or a ValidationError with a translated message.

    Refuses an empty file, one over `max_bytes` (default settings.TCVN_UPLOAD_MAX_BYTES), a zip bomb,
    and any content not among `allowed` kind codes — whatever its name says. Reads the file but
    stores nothing.
    """
    allowed = frozenset(allowed)
    max_bytes = settings.TCVN_UPLOAD_MAX_BYTES if max_bytes is None else max_bytes
    name = upload.name or _("(no name)")
    if not upload.size:
        raise _refuse(_("The file “%(name)s” is empty."), "empty", name=name)
    if upload.size > max_bytes:
        raise _refuse(
            _("The file “%(name)s” is %(size)s; files may be at most %(max)s."),
            "too_large",
            name=name,
            size=filesizeformat(upload.size),
            max=filesizeformat(max_bytes),
        )
    kind, detected = detect_kind(upload, name)
    if kind is not None and kind.code in allowed:
        return kind
    accepted = get_text_list([str(KINDS[code].label) for code in sorted(allowed)])
    claimed = kind_for_name(name)
    if detected in _DANGEROUS:
        raise _refuse(
            _(
                "The file “%(name)s” is really %(detected)s, not a document; it is refused. "
                "Accepted: %(accepted)s."
            ),
            "dangerous",
            name=name,
            detected=_DANGEROUS[detected],
            accepted=accepted,
        )
    if claimed is not None and claimed != kind:
        raise _refuse(
            _(
                "The file “%(name)s” is named as a %(claimed)s but its content is not; it is refused. "
                "Accepted: %(accepted)s."
            ),
            "mismatch",
            name=name,
            claimed=claimed.label,
            accepted=accepted,
        )
    raise _refuse(
        _("The file “%(name)s” is not an accepted kind of file. Accepted: %(accepted)s."),
        "type",
        name=name,
        accepted=accepted,
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field; each is checked by `validate_upload`, and all are refused if one is."""

    widget = MultipleFileInput

    def __init__(self, *args, allowed: Iterable[str] = DEFAULT_ALLOWED, **kwargs) -> None:
        self.allowed = frozenset(allowed)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        uploads = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if not uploads:
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return []
        if len(uploads) > MAX_FILES_PER_UPLOAD:
            raise ValidationError(
                _("Upload at most %(max)d files at a time."),
                code="too_many",
                params={"max": MAX_FILES_PER_UPLOAD},
            )
        errors: list[ValidationError] = []
        for upload in uploads:
            try:
                validate_upload(upload, allowed=self.allowed)
            except ValidationError as error:
                errors.append(error)
        if errors:
            raise ValidationError(errors)
        return uploads


class AttachmentForm(forms.Form):
    files = MultipleFileField(
        label=gettext_lazy("Files"),
        error_messages={"required": gettext_lazy("Choose at least one file.")},
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["files"].help_text = _(
            "PDF, photos (JPEG, PNG, WebP, HEIC), Word, Excel or ODT documents; at most %(max)s each."
        ) % {"max": filesizeformat(settings.TCVN_UPLOAD_MAX_BYTES)}
