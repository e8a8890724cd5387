"""GS1 identifiers as pure functions: GTIN check digits, the 82-character set, Digital Link URIs."""

from __future__ import annotations

import re
from urllib.parse import quote

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

GTIN_LENGTHS = (8, 12, 13, 14)
# GS1 General Specifications, figure 7.11-1: the characters allowed in alphanumeric keys (lot, serial).
_CSET_82 = re.compile(r"""^[!"%&'()*+,\-./0-9:;<=>?A-Z_a-z]{1,20}$""")


def gtin_check_digit(body: str) -> int:
    """The check digit for the digits before it: weights 3, 1, 3, 1… from the right."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return (10 - total % 10) % 10


def normalize_gtin(value: str) -> str:
    """A GTIN-8/12/13/14 with a valid check digit, as 14 digits; ValidationError otherwise."""
    digits = (value or "").strip().replace(" ", "")
    if not digits.isdigit() or len(digits) not in GTIN_LENGTHS:
        raise ValidationError(_("A GTIN has 8, 12, 13 or 14 digits."), code="gtin_length")
    if gtin_check_digit(digits[:-1]) != int(digits[-1]):
        raise ValidationError(
            _("The GTIN's check digit is wrong: check the number again."), code="gtin_check"
        )
    return digits.zfill(14)


def validate_gs1_key(value: str) -> None:
    """Lot and serial numbers: 1 to 20 characters of GS1's 82-character set (no spaces, no diacritics)."""
    if not isinstance(value, str) or not _CSET_82.match(value):
        raise ValidationError(
            _(
                "Use 1 to 20 characters: Latin letters, digits and !\"%&'()*+,-./:;<=>?_ "
                "— no spaces or diacritics."
            ),
            code="gs1_cset82",
        )


def digital_link(base_url: str, *, gtin: str, lot: str, serial: str = "") -> str:
    """https://{host}/01/{gtin14}/10/{lot}[/21/{serial}], each value percent-encoded."""
    uri = f"{base_url.rstrip('/')}/01/{gtin}/10/{quote(lot, safe='')}"
    if serial:
        uri += f"/21/{quote(serial, safe='')}"
    return uri
