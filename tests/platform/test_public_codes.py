import pytest

from tcvn_portal.core.public_codes import CODE_LENGTH, make_code, make_codes, read_code


def test_a_code_names_its_tenant_and_kind():
    code = make_code(kind="stamp", tenant_id=17)
    assert len(code) == CODE_LENGTH
    assert read_code(code, kind="stamp").tenant_id == 17
    assert read_code(code, kind="certificate") is None


def test_bulk_codes_are_valid_and_distinct():
    codes = make_codes(kind="stamp", tenant_id=3, count=2000)
    assert len(set(codes)) == 2000
    assert all(read_code(c, kind="stamp").tenant_id == 3 for c in codes)


@pytest.mark.parametrize(
    "mutate",
    [
        lambda c: c[:-1] + ("A" if c[-1] != "A" else "B"),
        lambda c: ("B" if c[0] != "B" else "C") + c[1:],
        lambda c: c[:10],
        lambda c: c + "A",
        lambda c: "!" * 20,
        lambda c: "",
    ],
)
def test_an_altered_or_malformed_code_is_rejected_without_the_database(mutate):
    code = make_code(kind="stamp", tenant_id=5)
    assert read_code(mutate(code), kind="stamp") is None
