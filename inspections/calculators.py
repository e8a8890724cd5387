"""Pure calculators of SPEC §3.1. They take their legal tables as arguments (rows loaded from the
tenant's editable catalog by selectors), so a changed circular changes data, not code, and every
function here can be tested with worked examples and no database.

Prepackaged goods follow OIML R 87 as adopted in Vietnam: the tolerable deficiency T depends on the
nominal quantity Qn; a sampling plan for the lot size fixes the sample size, how many packages may be
short by more than T, and the factor k of the mean criterion (mean ≥ Qn − k·s).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

HUNDRED = Decimal(100)
TENTH = Decimal("0.1")


class CalculatorError(ValueError):
    """The input lies outside the tables in force; the message is translated for the user."""


@dataclass(frozen=True)
class ToleranceBand:
    """Qn in (qn_above, qn_upto]: T is `percent` of Qn, or the `absolute` quantity (g or mL)."""

    qn_above: Decimal
    qn_upto: Decimal
    percent: Decimal | None = None
    absolute: Decimal | None = None


@dataclass(frozen=True)
class SamplingPlan:
    """A lot of lot_min..lot_max packages (lot_max None: no upper bound)."""

    lot_min: int
    lot_max: int | None
    sample_size: int
    max_short_beyond_t: int
    k: Decimal


@dataclass(frozen=True)
class PrepackagedResult:
    tolerable_deficiency: Decimal
    sample_size: int
    short_beyond_t: int
    max_short_beyond_t: int
    short_beyond_2t: int
    mean: Decimal
    std_dev: Decimal
    k: Decimal
    mean_limit: Decimal
    count_ok: bool
    none_beyond_2t: bool
    mean_ok: bool

    @property
    def conforms(self) -> bool:
        return self.count_ok and self.none_beyond_2t and self.mean_ok


def tolerable_deficiency(qn: Decimal, bands: Iterable[ToleranceBand]) -> Decimal:
    """T for the nominal quantity `qn`; percentages are rounded up to the next 0.1 g or mL (OIML R 87)."""
    qn = Decimal(qn)
    if qn <= 0:
        raise CalculatorError(_("The nominal quantity must be greater than zero."))
    for band in bands:
        if band.qn_above < qn <= band.qn_upto:
            if band.percent is not None:
                return (qn * band.percent / HUNDRED).quantize(TENTH, rounding=ROUND_CEILING)
            if band.absolute is not None:
                return Decimal(band.absolute)
    raise CalculatorError(
        _("No tolerable deficiency is listed for a nominal quantity of %(qn)s in the table in force.")
        % {"qn": qn}
    )


def sampling_plan_for(lot_size: int, plans: Iterable[SamplingPlan]) -> SamplingPlan:
    if lot_size <= 0:
        raise CalculatorError(_("The lot size must be at least one package."))
    for plan in plans:
        if plan.lot_min <= lot_size and (plan.lot_max is None or lot_size <= plan.lot_max):
            return plan
    raise CalculatorError(
        _("No sampling plan is listed for a lot of %(n)s packages; an administrator can add one.")
        % {"n": lot_size}
    )


def _mean_and_std_dev(values: Sequence[Decimal]) -> tuple[Decimal, Decimal]:
    n = len(values)
    mean = sum(values, Decimal(0)) / n
    if n < 2:
        return mean, Decimal(0)
    variance = sum(((v - mean) ** 2 for v in values), Decimal(0)) / (n - 1)
    return mean, variance.sqrt()


def evaluate_prepackaged(
    *,
    qn: Decimal,
    lot_size: int,
    actual_quantities: Sequence[Decimal],
    bands: Iterable[ToleranceBand],
    plans: Iterable[SamplingPlan],
) -> PrepackagedResult:
    """Judge a lot of prepackaged goods from the measured actual contents of its sample."""
    qn = Decimal(qn)
    t = tolerable_deficiency(qn, bands)
    plan = sampling_plan_for(lot_size, plans)
    values = [Decimal(v) for v in actual_quantities]
    if len(values) != plan.sample_size:
        raise CalculatorError(
            _("A lot of %(lot)s packages needs a sample of %(n)s packages; %(got)s were measured.")
            % {"lot": lot_size, "n": plan.sample_size, "got": len(values)}
        )
    short_t = sum(1 for v in values if qn - v > t)
    short_2t = sum(1 for v in values if qn - v > 2 * t)
    mean, std_dev = _mean_and_std_dev(values)
    limit = qn - plan.k * std_dev
    return PrepackagedResult(
        tolerable_deficiency=t,
        sample_size=plan.sample_size,
        short_beyond_t=short_t,
        max_short_beyond_t=plan.max_short_beyond_t,
        short_beyond_2t=short_2t,
        mean=mean.quantize(Decimal("0.001"), rounding=ROUND_HALF_UP),
        std_dev=std_dev.quantize(Decimal("0.001"), rounding=ROUND_HALF_UP),
        k=plan.k,
        mean_limit=limit.quantize(Decimal("0.001"), rounding=ROUND_HALF_UP),
        count_ok=short_t <= plan.max_short_beyond_t,
        none_beyond_2t=short_2t == 0,
        mean_ok=mean >= limit,
    )


@dataclass(frozen=True)
class FuelDispenserResult:
    error_percent: Decimal
    max_permissible_error: Decimal

    @property
    def conforms(self) -> bool:
        return abs(self.error_percent) <= self.max_permissible_error


def evaluate_fuel_dispenser(
    *, indicated_volume: Decimal, standard_volume: Decimal, max_permissible_error: Decimal
) -> FuelDispenserResult:
    """Error of the volume the dispenser shows against what the standard measure received, in %.

    A positive error means the customer received less than the display says.
    """
    indicated, standard, mpe = (
        Decimal(indicated_volume),
        Decimal(standard_volume),
        Decimal(max_permissible_error),
    )
    if standard <= 0 or indicated <= 0:
        raise CalculatorError(_("Both volumes must be greater than zero."))
    if mpe <= 0:
        raise CalculatorError(_("The maximum permissible error must be greater than zero."))
    error = ((indicated - standard) / standard * HUNDRED).quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)
    return FuelDispenserResult(error_percent=error, max_permissible_error=mpe)
