"""Import of a legacy instrument register from Excel (.xlsx): every row checked first, with the reason
for each bad row; then all rows in one transaction, or none.

Small files are checked while the officer waits; larger ones in the background, with progress kept in
the cache (a running import's own transaction is invisible to the page that polls it).
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tcvn_portal.tenancy import context
from tcvn_portal.tenancy.models import Organization

from . import services
from .models import ImportJob, Instrument, InstrumentType, Verification, VerificationKind

# Column key, Vietnamese header (the template's first row), required.
COLUMNS: tuple[tuple[str, str, bool], ...] = (
    ("owner_tax_code", "Mã số thuế chủ sở hữu", True),
    ("type_code", "Mã loại phương tiện đo", True),
    ("maker", "Nhà sản xuất", False),
    ("model", "Kiểu (model)", False),
    ("serial", "Số sản xuất", True),
    ("accuracy_class", "Cấp chính xác", False),
    ("measuring_range", "Phạm vi đo", False),
    ("type_approval_number", "Số phê duyệt mẫu", False),
    ("location", "Nơi lắp đặt", False),
    ("seal_numbers", "Số niêm phong", False),
    ("verified_on", "Ngày kiểm định gần nhất (dd/mm/yyyy)", False),
    ("verifying_body", "Đơn vị kiểm định", False),
    ("stamp_number", "Số tem", False),
    ("certificate_number", "Số giấy chứng nhận", False),
)
MAX_ROWS = 20_000
# Above this many rows the check and the import run in the background.
INLINE_ROWS = 200
LEGACY_VERIFIER = "Sổ đăng ký cũ"


@dataclass
class ParsedRow:
    number: int
    values: dict[str, Any]
    errors: list[str] = field(default_factory=list)


def progress_key(job: ImportJob) -> str:
    return f"metrology:import:{job.tenant_id}:{job.pk}:progress"


def template_workbook() -> bytes:
    """The empty template with Vietnamese headers and one example row."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "So dang ky"
    sheet.append([header for _key, header, _req in COLUMNS])
    sheet.append(
        [
            "0300588569",
            "cot-do-xang-dau",
            "Tatsuno",
            "Sunny",
            "TS-2021-0042",
            "0,5",
            "5–50 L/min",
            "PDM 123-2019",
            "Cửa hàng xăng dầu số 5, vòi số 3",
            "N-0012, N-0013",
            "15/03/2025",
            "Trung tâm Kỹ thuật TĐC",
            "T-2025-0101",
            "GCN-2025-0101",
        ]
    )
    for column in sheet.columns:
        sheet.column_dimensions[column[0].column_letter].width = 24
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _read_workbook(content: bytes) -> list[ParsedRow]:
    from openpyxl import load_workbook

    if not content.startswith(b"PK") or not zipfile.is_zipfile(io.BytesIO(content)):
        raise ValidationError(_("The file is not an Excel workbook (.xlsx)."))
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged or foreign file
        raise ValidationError(_("The file is not an Excel workbook (.xlsx).")) from exc
    sheet = workbook.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = [str(cell or "").strip() for cell in next(rows, ())]
    expected = [h for _k, h, _r in COLUMNS]
    if header[: len(expected)] != expected:
        raise ValidationError(
            _(
                "The first row must be the template's headers. Download the template and copy "
                "your data into it."
            )
        )
    parsed = []
    for number, cells in enumerate(rows, start=2):
        if cells is None or all(cell in (None, "") for cell in cells):
            continue
        if len(parsed) >= MAX_ROWS:
            raise ValidationError(_("The file has more than %(n)s rows: split it.") % {"n": MAX_ROWS})
        values = {key: cells[i] if i < len(cells) else None for i, (key, _h, _r) in enumerate(COLUMNS)}
        parsed.append(ParsedRow(number=number, values=values))
    workbook.close()
    if not parsed:
        raise ValidationError(_("The file has no rows under the headers."))
    return parsed


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _date(value: Any) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return datetime.strptime(str(value).strip(), "%d/%m/%Y").date()
    except ValueError:
        raise ValueError(str(value)) from None


def _validate(rows: list[ParsedRow], *, today: date, on_progress=None) -> None:
    """Fills each row's errors and its cleaned values (owner, type, date) in place."""
    owners = {
        o.tax_code: o for o in Organization.objects.filter(archived_at__isnull=True).exclude(tax_code="")
    }
    types = {t.code: t for t in InstrumentType.objects.filter(archived_at__isnull=True)}
    existing = set(Instrument.objects.values_list("instrument_type__code", "maker", "serial"))
    used_certificates = set(
        Verification.objects.exclude(certificate_number="").values_list("certificate_number", flat=True)
    )
    seen_instruments: dict[tuple, int] = {}
    seen_certificates: dict[str, int] = {}
    for index, row in enumerate(rows, start=1):
        v = {key: _text(row.values.get(key)) for key, _h, _r in COLUMNS if key != "verified_on"}
        for key, header, required in COLUMNS:
            if required and not v.get(key):
                row.errors.append(_("“%(col)s” is empty.") % {"col": header})
        owner = owners.get(v["owner_tax_code"])
        if v["owner_tax_code"] and owner is None:
            row.errors.append(
                _("No organisation with tax code %(code)s in the province.") % {"code": v["owner_tax_code"]}
            )
        instrument_type = types.get(v["type_code"])
        if v["type_code"] and instrument_type is None:
            row.errors.append(_("Unknown instrument type code “%(code)s”.") % {"code": v["type_code"]})
        identity = (v["type_code"], v["maker"], v["serial"])
        if v["serial"] and identity in existing:
            row.errors.append(_("This instrument is already in the register."))
        elif v["serial"] and identity in seen_instruments:
            row.errors.append(_("Same instrument as row %(n)s.") % {"n": seen_instruments[identity]})
        seen_instruments.setdefault(identity, row.number)
        try:
            verified_on = _date(row.values.get("verified_on"))
        except ValueError:
            verified_on = None
            row.errors.append(
                _("The date “%(value)s” is not a date in the form dd/mm/yyyy.")
                % {"value": _text(row.values.get("verified_on"))}
            )
        if verified_on is not None:
            if verified_on > today:
                row.errors.append(_("The verification date is in the future."))
            if not v["stamp_number"] or not v["certificate_number"]:
                row.errors.append(_("A verification needs its stamp number and certificate number."))
            if instrument_type is not None and services.rule_in_force(instrument_type, verified_on) is None:
                row.errors.append(_("The catalog has no rule for this instrument type on that date."))
        elif v["certificate_number"] or v["stamp_number"]:
            row.errors.append(_("A stamp or certificate number needs the verification date."))
        certificate = v["certificate_number"]
        if certificate and certificate in used_certificates:
            row.errors.append(
                _("Certificate number %(n)s is already used in the province.") % {"n": certificate}
            )
        elif certificate and certificate in seen_certificates:
            row.errors.append(
                _("Same certificate number as row %(n)s.") % {"n": seen_certificates[certificate]}
            )
        if certificate:
            seen_certificates.setdefault(certificate, row.number)
        row.values = {**v, "owner": owner, "instrument_type": instrument_type, "verified_on": verified_on}
        if on_progress is not None and index % 50 == 0:
            on_progress(index)


def start(*, actor, file_name: str, content: bytes) -> ImportJob:
    """Stores the upload as a job and checks it: now for a small file, in the background for a large one.
    A file that is not a readable workbook of the template is refused and nothing is stored."""
    if len(content) > settings.TCVN_UPLOAD_MAX_BYTES:
        raise ValidationError(_("The file is too large."))
    rows = _read_workbook(content)
    job = ImportJob.objects.create(
        file_name=file_name[:255], content=content, total_rows=len(rows), created_by=actor
    )
    if len(rows) <= INLINE_ROWS:
        _check(job, rows)
    else:
        from .tasks import check_import

        check_import.delay_for(job.tenant_id, job_id=job.pk)
    return job


def _check(job: ImportJob, rows: list[ParsedRow]) -> None:
    def progress(done: int) -> None:
        cache.set(progress_key(job), done, timeout=3600)

    _validate(rows, today=timezone.localdate(), on_progress=progress)
    job.errors = [{"row": r.number, "errors": r.errors} for r in rows if r.errors]
    job.status = ImportJob.Status.INVALID if job.errors else ImportJob.Status.READY
    job.processed_rows = len(rows)
    job.save(update_fields=["errors", "status", "processed_rows"])
    cache.delete(progress_key(job))


def check_job(*, job_id: int) -> None:
    job = ImportJob.objects.get(pk=job_id)
    if job.status != ImportJob.Status.CHECKING:
        return  # already checked: a retried task changes nothing
    _check(job, _read_workbook(bytes(job.content)))


def confirm(*, actor, job: ImportJob) -> ImportJob:
    """Queues the import of a job whose every row passed the check."""
    if job.status != ImportJob.Status.READY:
        raise ValidationError(_("Only a file without errors can be imported."))
    job.status = ImportJob.Status.IMPORTING
    job.processed_rows = 0
    job.save(update_fields=["status", "processed_rows"])
    if job.total_rows <= INLINE_ROWS:
        run_job(job_id=job.pk)
        job.refresh_from_db()
    else:
        from .tasks import run_import

        run_import.delay_for(job.tenant_id, job_id=job.pk)
    return job


def run_job(*, job_id: int) -> None:
    """All rows or none: the rows are checked again (the register may have changed since the preview)
    and written in one savepoint; any failure rolls every row back and marks the job failed."""
    job = ImportJob.objects.get(pk=job_id)
    if job.status != ImportJob.Status.IMPORTING:
        return  # done or failed already: a retried task does not import twice
    actor = job.created_by
    rows = _read_workbook(bytes(job.content))
    today = timezone.localdate()
    try:
        with transaction.atomic():
            _validate(rows, today=today)
            bad = [{"row": r.number, "errors": r.errors} for r in rows if r.errors]
            if bad:
                raise _RowsInvalid(bad)
            for index, row in enumerate(rows, start=1):
                _write_row(row, actor=actor, today=today)
                if index % 50 == 0:
                    cache.set(progress_key(job), index, timeout=3600)
    except _RowsInvalid as exc:
        job.status, job.errors = ImportJob.Status.FAILED, exc.rows
    except ValidationError as exc:
        job.status, job.errors = ImportJob.Status.FAILED, [{"row": 0, "errors": exc.messages}]
    else:
        job.status, job.errors, job.created_count = ImportJob.Status.DONE, [], len(rows)
    job.processed_rows = len(rows) if job.status == ImportJob.Status.DONE else 0
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "errors", "created_count", "processed_rows", "finished_at"])
    cache.delete(progress_key(job))


class _RowsInvalid(Exception):
    def __init__(self, rows: list[dict]) -> None:
        super().__init__("rows invalid")
        self.rows = rows


def _write_row(row: ParsedRow, *, actor, today: date) -> None:
    v = row.values
    try:
        instrument = services.register_instrument(
            actor=actor,
            owner=v["owner"],
            instrument_type=v["instrument_type"],
            maker=v["maker"],
            model=v["model"],
            serial=v["serial"],
            accuracy_class=v["accuracy_class"],
            measuring_range=v["measuring_range"],
            type_approval_number=v["type_approval_number"],
            location=v["location"],
            seal_numbers=v["seal_numbers"],
        )
        if v["verified_on"] is not None:
            rule = services.rule_in_force(v["instrument_type"], v["verified_on"])
            kind = (
                VerificationKind.PERIODIC if rule is not None and rule.periodic else VerificationKind.INITIAL
            )
            services.record_verification(
                actor=actor,
                instrument=instrument,
                kind=kind,
                verified_on=v["verified_on"],
                verifier=LEGACY_VERIFIER,
                verifying_body=v["verifying_body"] or LEGACY_VERIFIER,
                result=Verification.Result.PASSED,
                stamp_number=v["stamp_number"],
                certificate_number=v["certificate_number"],
                today=today,
            )
    except ValidationError as exc:
        raise _RowsInvalid([{"row": row.number, "errors": exc.messages}]) from exc


def current_progress(job: ImportJob) -> int:
    """Rows done so far, from the cache while a background step runs, else from the job."""
    if context.current_tenant_id() != job.tenant_id:
        return 0
    cached = cache.get(progress_key(job))
    return int(cached) if cached is not None else job.processed_rows
