"""Changes of rates between two periods: one area's change, and an area's change against the others' (quasi-Poisson)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy.stats import norm
from statsmodels.stats.rates import test_poisson_2indep

from vawg.foundations.methods_used import uses
from vawg.foundations.stats.comparisons import TestResult


@uses(test="rate_change")
def rate_change_test(count_before: int, exposure_before: float, count_after: int,
                     exposure_after: float, *, dispersion: float = 1.0) -> TestResult:
    """Did one area's rate change between two periods (e.g. December last year to December this year)?

    Score test of the ratio of two Poisson rates (statsmodels'
    ``test_poisson_2indep``), each count with its population as exposure;
    two-sided. With ``dispersion`` φ > 1 (see :func:`poisson_dispersion`)
    it is the quasi-Poisson score test: the variance of a count is φ times
    its mean, so the statistic is divided by √φ. The statistic is positive
    when the rate rose.
    """
    if count_before + count_after == 0:
        return TestResult(0.0, 1.0)
    with np.errstate(divide="ignore"):
        # A zero December makes statsmodels' reported ratio infinite; the score statistic is still defined.
        result = test_poisson_2indep(count_after, exposure_after, count_before, exposure_before, method="score")
    statistic = float(result.statistic) / float(np.sqrt(max(dispersion, 1.0)))
    return TestResult(statistic, float(2 * norm.sf(abs(statistic))))


def poisson_dispersion(counts, exposure, regressors: pd.DataFrame | None = None) -> float:
    """How many times more variable counts are than Poisson: the quasi-Poisson dispersion φ (at least 1).

    A Poisson regression of ``counts`` on a constant and ``regressors``
    (e.g. a trend and seasonal terms) with log ``exposure`` as offset
    (statsmodels GLM); φ is Pearson's chi-square over the residual degrees
    of freedom. Underdispersion (φ < 1) is not credited: φ is at least 1.
    """
    counts = np.asarray(counts, dtype=float)
    if counts.size == 0:  # nothing counted anywhere: no evidence of extra variation
        return 1.0
    design = np.ones((counts.size, 1)) if regressors is None else \
        sm.add_constant(np.asarray(regressors, dtype=float), has_constant="add")
    if counts.size <= design.shape[1]:
        return 1.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # an area with one count of 0 is fitted exactly: a harmless warning
        fit = sm.GLM(counts, design, family=sm.families.Poisson(),
                     offset=np.log(np.asarray(exposure, dtype=float))).fit()
    return max(float(fit.pearson_chi2 / fit.df_resid), 1.0)


def seasonal_regressors(months: pd.PeriodIndex) -> pd.DataFrame:
    """A linear trend and two pairs of annual sine and cosine waves, for months in order."""
    position = np.arange(len(months), dtype=float)
    angle = 2 * np.pi * np.asarray([m.month for m in months], dtype=float) / 12
    return pd.DataFrame({"trend": position, "sin1": np.sin(angle), "cos1": np.cos(angle),
                         "sin2": np.sin(2 * angle), "cos2": np.cos(2 * angle)}, index=months)


def _two_period_frame(before: pd.Series, after: pd.Series, exposure_before: pd.Series,
                      exposure_after: pd.Series) -> pd.DataFrame:
    """Every area's count and exposure in two periods, long; areas with no events in either period left out."""
    areas = [a for a in before.index if before.get(a, 0) + after.get(a, 0) > 0]
    return pd.DataFrame({
        "count": np.r_[before.reindex(areas).to_numpy(float), after.reindex(areas).fillna(0).to_numpy(float)],
        "exposure": np.r_[exposure_before.reindex(areas).to_numpy(float), exposure_after.reindex(areas).to_numpy(float)],
        "area": areas * 2, "after": [0.0] * len(areas) + [1.0] * len(areas)})


def _area_period_design(frame: pd.DataFrame) -> pd.DataFrame:
    return pd.concat([pd.get_dummies(frame["area"], drop_first=True, dtype=float), frame[["after"]]], axis=1)


def change_dispersion(before: pd.Series, after: pd.Series, exposure_before: pd.Series,
                      exposure_after: pd.Series) -> float:
    """The quasi-Poisson dispersion φ of a change between two periods, from every area's own change.

    A Poisson regression of each area's two counts on area and period (one
    common rate ratio), log exposure as offset: φ is Pearson's chi-square
    over its degrees of freedom (:func:`poisson_dispersion`), i.e. how much
    more the areas' changes vary than Poisson variation would make them.
    """
    frame = _two_period_frame(before, after, exposure_before, exposure_after)
    return poisson_dispersion(frame["count"], frame["exposure"], _area_period_design(frame))


@uses(test="rate_ratio_change")
def area_change_test(before: pd.Series, after: pd.Series, exposure_before: pd.Series, exposure_after: pd.Series,
                     area) -> TestResult:
    """Did ``area``'s rate change by a different proportion from the other areas' between two periods?

    Quasi-Poisson regression of every area's two counts (statsmodels GLM,
    log exposure as offset) on area, period and a term for ``area`` in the
    second period; the dispersion is Pearson's chi-square over the residual
    degrees of freedom (at least 1), so the test allows for how much the
    other areas' own changes vary beyond Poisson. Wald z of that term, two-sided.
    """
    frame = _two_period_frame(before, after, exposure_before, exposure_after)
    design = sm.add_constant(_area_period_design(frame))
    design["target"] = ((frame["area"] == area) & (frame["after"] == 1)).astype(float)
    model = sm.GLM(frame["count"], design, family=sm.families.Poisson(), offset=np.log(frame["exposure"]))
    with warnings.catch_warnings():
        # Two areas saturate the model (no degrees of freedom left), which statsmodels warns about.
        warnings.simplefilter("ignore")
        fit = model.fit()
        scale = max(float(fit.pearson_chi2 / fit.df_resid), 1.0) if fit.df_resid > 0 else 1.0
        fit = model.fit(scale=scale)
    return TestResult(float(fit.tvalues["target"]), float(fit.pvalues["target"]))
