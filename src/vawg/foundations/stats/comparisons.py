"""Comparing two rates: the pooled two-proportion z-test, % differences, rate ratios and ranks with their intervals."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import fisher_exact, norm
from statsmodels.stats.proportion import proportions_ztest

from vawg.foundations.levels import ALPHA
from vawg.foundations.methods_used import uses
from vawg.foundations.stats.intervals import Interval


@dataclass(frozen=True)
class TestResult:
    statistic: float
    p_value: float

    @property
    def significant(self) -> bool:
        return bool(self.p_value < ALPHA)


def rate_per(count: float, population: float, per: int = 1000) -> float:
    """Events per ``per`` people."""
    return count / population * per if population else float("nan")


@uses(metric="percent_difference")
def percent_difference(value: float, reference: float) -> float:
    """How much larger ``value`` is than ``reference``, as a percentage of ``reference``."""
    return (value - reference) / reference * 100 if reference else float("nan")


@uses(test="two_proportion_z")
def two_proportion_ztest(count1: int, population1: int, count2: int, population2: int) -> TestResult:
    """Pooled two-proportion z-test of two rates with people as the denominator.

    This is the test behind the reference edition's Table 2: the proportion of
    female residents with a recorded offence in the borough against the rest of
    London. Two-sided. When a cell of the two-by-two table is 0 (no events, or
    everyone, in one group) the p-value is Fisher's exact test's instead.
    """
    if count1 + count2 == 0:
        # No events in either area: the rates are equal (both zero), not undefined.
        return TestResult(0.0, 1.0)
    z, p = proportions_ztest([count1, count2], [population1, population2], alternative="two-sided")
    if min(count1, count2, population1 - count1, population2 - count2) == 0:
        # A cell of 0: the normal approximation fails, so the p-value is Fisher's exact test's (z kept for its sign).
        p = fisher_exact([[count1, population1 - count1], [count2, population2 - count2]])[1]
    return TestResult(float(z), float(p))


def ztest_columns(count1: int, population1: int, count2: int, population2: int) -> dict[str, float | bool]:
    """A comparison table's ``z``, ``p`` and ``significant`` cells for one row: the pooled two-proportion z-test of
    group 1 against group 2 (the borough against the rest of London), not tested (NaN, not significant) when
    either group is empty.

    >>> ztest_columns(3, 0, 5, 100)
    {'z': nan, 'p': nan, 'significant': False}
    """
    test = two_proportion_ztest(count1, population1, count2, population2) if population1 and population2 else None
    return {"z": test.statistic if test else float("nan"), "p": test.p_value if test else float("nan"),
            "significant": bool(test and test.significant)}


def rank_highest_first(values: pd.Series) -> pd.Series:
    """1 = highest; ties share the better rank."""
    return values.rank(ascending=False, method="min").astype(int)


@dataclass(frozen=True)
class RateRatio:
    """The ratio of two rates with its 95% confidence interval (missing limits where a count is 0)."""

    estimate: float
    lower: float
    upper: float

    @property
    def percent_difference(self) -> float:
        """The ratio as a % difference: (RR − 1) × 100."""
        return (self.estimate - 1) * 100


@uses(test="rate_ratio")
def rate_ratio(count1, exposure1, count2, exposure2, *, dispersion: float = 1.0, alpha: float = ALPHA) -> RateRatio:
    """The ratio of rate 1 (``count1 / exposure1``) to rate 2, with its 95% confidence interval.

    The standard log-rate-ratio (Wald) interval for two Poisson counts,
    ``exp(log RR ± z √(φ (1/count1 + 1/count2)))``, written out here because
    statsmodels' ``confint_poisson_2indep(method="wald-log")`` has no
    dispersion; with ``dispersion`` φ > 1 (:func:`poisson_dispersion`) it is
    the quasi-Poisson interval, matching :func:`rate_change_test`. A count of
    0 leaves the log ratio undefined: the estimate is kept, the limits are missing.

    Examples
    --------
    >>> ratio = rate_ratio(120, 10_000, 100, 10_000)
    >>> round(ratio.estimate, 2), round(ratio.lower, 2), round(ratio.upper, 3)
    (1.2, 0.92, 1.565)
    """
    if not exposure1 or not exposure2 or count2 == 0:
        estimate = float("nan") if not exposure1 or not exposure2 or count1 == 0 else float("inf")
        return RateRatio(estimate, float("nan"), float("nan"))
    estimate = (count1 / exposure1) / (count2 / exposure2)
    if count1 == 0:
        return RateRatio(0.0, float("nan"), float("nan"))
    half_width = norm.ppf(1 - alpha / 2) * np.sqrt(max(dispersion, 1.0) * (1 / count1 + 1 / count2))
    return RateRatio(float(estimate), float(estimate * np.exp(-half_width)), float(estimate * np.exp(half_width)))


RANK_SIMULATIONS = 10_000
RANK_SEED = 20240101  # fixed, so the same data always give the same published interval


@uses(test="rank_interval")
def rank_interval(counts: pd.Series, populations: pd.Series, area, *, simulations: int = RANK_SIMULATIONS,
                  level: float = 0.95, seed: int = RANK_SEED) -> Interval:
    """A 95% interval for ``area``'s rank (1 = highest rate) among the areas, by a parametric bootstrap.

    Each simulation draws every area's count from a Poisson distribution
    with its observed count as mean (populations fixed), recomputes the
    rates and ranks them as :func:`rank_highest_first` does; the interval is
    the 2.5th and 97.5th percentiles of ``area``'s simulated ranks (numpy,
    a fixed seed). A narrow interval means the rank is well determined; a
    wide one that chance alone could move the area several places.
    """
    counts = counts.astype(float)
    rates_per = 1 / populations.reindex(counts.index).to_numpy(dtype=float)
    rng = np.random.default_rng(seed)
    simulated = rng.poisson(counts.to_numpy(), size=(simulations, counts.size)) * rates_per
    position = counts.index.get_loc(area)
    own = simulated[:, [position]]
    # Rank 1 + the number of areas with a strictly higher rate: ties share the better rank ("min").
    ranks = 1 + (simulated > own).sum(axis=1)
    tail = (1 - level) / 2
    lower, upper = np.quantile(ranks, [tail, 1 - tail], method="inverted_cdf")
    return Interval(int(lower), int(upper))
