import pytest
from django.core.exceptions import ValidationError

from traceability.gs1 import digital_link, gtin_check_digit, normalize_gtin, validate_gs1_key


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("96385074", "00000096385074"),  # GTIN-8
        ("036000291452", "00036000291452"),  # GTIN-12 (UPC-A)
        ("8934567000017", "08934567000017"),  # GTIN-13, Vietnam's 893 prefix
        ("10614141000415", "10614141000415"),  # GTIN-14
    ],
)
def test_valid_gtins_of_every_length_are_stored_as_14_digits(given, stored):
    assert normalize_gtin(given) == stored


@pytest.mark.parametrize(
    "bad", ["8934567000018", "036000291453", "1234567", "123456789012345", "89345670000a7", ""]
)
def test_wrong_check_digit_or_length_is_refused(bad):
    with pytest.raises(ValidationError):
        normalize_gtin(bad)


def test_check_digit_weights_three_one_from_the_right():
    # 629104150021 → sum 3*(1+0+5+4+9+6... ) computed by hand: check digit 3 for GTIN-13 6291041500213.
    assert gtin_check_digit("629104150021") == 3


@pytest.mark.parametrize(
    "ok", ["A", "L2025-01", "abc/12_x.Z", "!\"%&'()*+,-./:;<=>?_", "12345678901234567890"]
)
def test_lot_and_serial_accept_the_gs1_82_character_set(ok):
    validate_gs1_key(ok)


@pytest.mark.parametrize("bad", ["", "has space", "Lô1", "a#b", "123456789012345678901", "x~y", "a@b"])
def test_lot_and_serial_refuse_other_characters_and_lengths(bad):
    with pytest.raises(ValidationError):
        validate_gs1_key(bad)


def test_digital_link_percent_encodes_lot_and_serial():
    uri = digital_link("https://tem.example.vn/", gtin="08934567000017", lot="A/B 1", serial="X%Y")
    assert uri == "https://tem.example.vn/01/08934567000017/10/A%2FB%201/21/X%25Y"
