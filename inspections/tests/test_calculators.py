"""Worked examples of the OIML R 87 and fuel-dispenser calculators at every band and plan boundary."""

from decimal import Decimal as D

import pytest

from inspections import calculators, catalog_data
from inspections.calculators import CalculatorError

BANDS = [calculators.ToleranceBand(*row) for row in catalog_data.TOLERANCE_BANDS]
PLANS = [calculators.SamplingPlan(*row) for row in catalog_data.SAMPLING_PLANS]


@pytest.mark.parametrize(
    ("qn", "t"),
    [
        ("5", "0.5"),  # 9 % of 5 = 0.45, rounded up to the next 0.1
        ("50", "4.5"),  # upper edge of the first band: 9 %
        ("51", "4.5"),  # 50–100: 4.5 g
        ("100", "4.5"),
        ("101", "4.6"),  # 4.5 % of 101 = 4.545 → 4.6
        ("200", "9.0"),
        ("201", "9"),  # 200–300: 9 g
        ("300", "9"),
        ("301", "9.1"),  # 3 % of 301 = 9.03 → 9.1
        ("500", "15.0"),
        ("501", "15"),  # 500–1 000: 15 g
        ("1000", "15"),
        ("1001", "15.1"),  # 1.5 % of 1 001 = 15.015 → 15.1
        ("10000", "150.0"),
        ("10001", "150"),  # 10 000–15 000: 150 g
        ("15000", "150"),
        ("15001", "150.1"),  # 1 % of 15 001 = 150.01 → 150.1
        ("50000", "500.0"),
    ],
)
def test_tolerable_deficiency_at_each_band_boundary(qn, t):
    assert calculators.tolerable_deficiency(D(qn), BANDS) == D(t)


@pytest.mark.parametrize("qn", ["0", "-1", "50000.01"])
def test_nominal_quantity_outside_the_table_is_refused(qn):
    with pytest.raises(CalculatorError):
        calculators.tolerable_deficiency(D(qn), BANDS)


@pytest.mark.parametrize(
    ("lot", "n", "c", "k"),
    [
        (100, 50, 3, "0.379"),
        (500, 50, 3, "0.379"),
        (501, 80, 5, "0.295"),
        (3200, 80, 5, "0.295"),
        (3201, 125, 7, "0.234"),
        (1_000_000, 125, 7, "0.234"),
    ],
)
def test_sampling_plan_at_each_lot_boundary(lot, n, c, k):
    plan = calculators.sampling_plan_for(lot, PLANS)
    assert (plan.sample_size, plan.max_short_beyond_t, plan.k) == (n, c, D(k))


def test_lot_smaller_than_the_catalog_asks_the_administrator_for_a_plan():
    with pytest.raises(CalculatorError, match="99"):
        calculators.sampling_plan_for(99, PLANS)


def test_lot_with_three_packages_short_beyond_t_conforms():
    # Qn 500 g, T = 15 g; three packages 16 g short; mean 499.04, s = 3.838, limit 500 − 0.379·s = 498.545.
    values = [D(500)] * 47 + [D(484)] * 3
    result = calculators.evaluate_prepackaged(
        qn=D(500), lot_size=200, actual_quantities=values, bands=BANDS, plans=PLANS
    )
    assert result.tolerable_deficiency == D(15)
    assert (result.short_beyond_t, result.short_beyond_2t) == (3, 0)
    assert result.mean == D("499.040")
    assert result.std_dev == D("3.838")
    assert result.mean_limit == D("498.545")
    assert result.conforms


def test_fourth_package_short_beyond_t_fails_the_lot():
    values = [D(500)] * 46 + [D(484)] * 4
    result = calculators.evaluate_prepackaged(
        qn=D(500), lot_size=200, actual_quantities=values, bands=BANDS, plans=PLANS
    )
    assert result.short_beyond_t == 4 and not result.count_ok and not result.conforms


def test_one_package_short_beyond_twice_t_fails_the_lot():
    values = [D(501)] * 49 + [D(469)]
    result = calculators.evaluate_prepackaged(
        qn=D(500), lot_size=200, actual_quantities=values, bands=BANDS, plans=PLANS
    )
    assert result.short_beyond_2t == 1 and result.count_ok and not result.conforms


def test_lot_whose_mean_is_below_the_limit_fails():
    result = calculators.evaluate_prepackaged(
        qn=D(500), lot_size=1000, actual_quantities=[D(498)] * 80, bands=BANDS, plans=PLANS
    )
    assert result.short_beyond_t == 0 and result.mean_limit == D(500) and not result.mean_ok
    assert not result.conforms


def test_sample_of_the_wrong_size_is_refused():
    with pytest.raises(CalculatorError, match="80"):
        calculators.evaluate_prepackaged(
            qn=D(500), lot_size=1000, actual_quantities=[D(500)] * 50, bands=BANDS, plans=PLANS
        )


@pytest.mark.parametrize(
    ("indicated", "standard", "error", "conforms"),
    [
        ("20.100", "20.000", "0.500", True),  # exactly at +MPE
        ("19.900", "20.000", "-0.500", True),  # exactly at −MPE
        ("20.000", "19.901", "0.497", True),
        ("20.000", "19.900", "0.503", False),  # the customer gets 0.5 % less than shown
        ("19.890", "20.000", "-0.550", False),
    ],
)
def test_fuel_dispenser_error_against_half_percent_mpe(indicated, standard, error, conforms):
    result = calculators.evaluate_fuel_dispenser(
        indicated_volume=D(indicated), standard_volume=D(standard), max_permissible_error=D("0.5")
    )
    assert result.error_percent == D(error)
    assert result.conforms is conforms


def test_fuel_dispenser_refuses_zero_volume():
    with pytest.raises(CalculatorError):
        calculators.evaluate_fuel_dispenser(
            indicated_volume=D(20), standard_volume=D(0), max_permissible_error=D("0.5")
        )
