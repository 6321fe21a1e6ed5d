"""Statistical tests and measures the report uses (Appendix 6e lists them).

Each wraps a maintained library (statsmodels, scipy); what is written here by
hand is only the arithmetic of rates and changes.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
import statsmodels.api as sm
from statsmodels.stats.proportion import proportions_ztest

ALPHA = 0.05


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


def percent_difference(value: float, reference: float) -> float:
    """How much larger ``value`` is than ``reference``, as a percentage of ``reference``."""
    return (value - reference) / reference * 100 if reference else float("nan")


def two_proportion_ztest(count1: int, population1: int, count2: int, population2: int) -> TestResult:
    """Pooled two-proportion z-test of two rates with people as the denominator.

    This is the test behind the reference edition's Table 2: the proportion of
    female residents with a recorded offence in the borough against the rest of
    London. Two-sided.
    """
    if count1 + count2 == 0:
        # No events in either area: the rates are equal (both zero), not undefined.
        return TestResult(0.0, 1.0)
    z, p = proportions_ztest([count1, count2], [population1, population2], alternative="two-sided")
    return TestResult(float(z), float(p))


def rate_ratio_change_test(before1: int, after1: int, before2: int, after2: int,
                           population: tuple[float, float, float, float] | None = None) -> TestResult:
    """Did area 1's rate change by a different proportion from area 2's between two periods?

    A Poisson regression of the four counts on area, period and their
    interaction (log population as offset); the interaction's Wald z tests
    whether the two rate ratios differ.
    """
    frame = pd.DataFrame({
        "count": [before1, after1, before2, after2],
        "area1": [1, 1, 0, 0],
        "after": [0, 1, 0, 1],
    })
    frame["interaction"] = frame["area1"] * frame["after"]
    exposure = np.log(population) if population is not None else np.zeros(4)
    design = sm.add_constant(frame[["area1", "after", "interaction"]].astype(float))
    with warnings.catch_warnings():
        # Four counts, four parameters: the model is saturated by design, which statsmodels warns about.
        warnings.simplefilter("ignore")
        fit = sm.GLM(frame["count"], design, family=sm.families.Poisson(), offset=exposure).fit()
    return TestResult(float(fit.tvalues["interaction"]), float(fit.pvalues["interaction"]))


def rank_highest_first(values: pd.Series) -> pd.Series:
    """1 = highest; ties share the better rank."""
    return values.rank(ascending=False, method="min").astype(int)
