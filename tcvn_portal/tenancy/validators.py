"""Vietnamese identifiers: enterprise tax codes (mã số thuế) and agencies' electronic codes."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_TAX_CODE = re.compile(r"^(\d{10})(-\d{3})?$")
_PERSONAL_ID = re.compile(r"^\d{12}$")
_AGENCY_CODE = re.compile(r"^[A-Z]\d{2}(\.\d{2}){1,3}$")
_TAX_WEIGHTS = (31, 29, 23, 19, 17, 13, 7, 5, 3)


def tax_code_check_digit(first_nine: str) -> int | None:
    """The tenth digit of a tax code; None where no digit can make the code valid."""
    check = 10 - sum(int(d) * w for d, w in zip(first_nine, _TAX_WEIGHTS, strict=True)) % 11
    return check if check < 10 else None


def validate_tax_code(value: str) -> None:
    """10 digits with the General Department of Taxation's check digit, optionally -NNN for a branch;
    or, since 1 July 2025, a 12-digit personal identification number used as a household's tax code."""
    if _PERSONAL_ID.match(value):
        return
    match = _TAX_CODE.match(value)
    if not match:
        raise ValidationError(
            _("A tax code has 10 digits (or 10 digits, a hyphen and 3 digits for a branch)."), code="format"
        )
    digits = match.group(1)
    if tax_code_check_digit(digits[:9]) != int(digits[9]):
        raise ValidationError(
            _("This tax code's check digit is wrong: please check the number."), code="check"
        )


def validate_agency_code(value: str) -> None:
    if not _AGENCY_CODE.match(value):
        raise ValidationError(
            _("An agency code looks like H41.12 or H41.12.08 (a letter, two digits, then groups of two)."),
            code="format",
        )
