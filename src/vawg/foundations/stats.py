"""Statistical tests and measures the report uses (Appendix 6e lists them).

Each wraps a maintained library (statsmodels, scipy); what is written here by
hand is only the arithmetic of rates and changes.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy.stats import binomtest, chisquare, fisher_exact, norm
from statsmodels.stats.proportion import proportions_ztest
from statsmodels.stats.rates import test_poisson_2indep
from statsmodels.tsa.statespace.sarimax import SARIMAX

import PHStatsMethods as ph

from vawg.foundations.levels import ALPHA, MULTIPLICITY
from vawg.foundations.methods_used import uses


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


def rank_highest_first(values: pd.Series) -> pd.Series:
    """1 = highest; ties share the better rank."""
    return values.rank(ascending=False, method="min").astype(int)


# -- confidence intervals ------------------------------------------------------------------------

Z_95 = 1.959963984540054  # two-sided 95%: the normal quantile at 0.975


@dataclass(frozen=True)
class Interval:
    """A confidence or prediction interval (scalars, or arrays for many rows at once)."""

    lower: float
    upper: float


@uses(test="byar_interval", metric="rate_confidence_interval")
def byar_interval(count, population=None, per: int = 1000, confidence: float = 0.95) -> Interval:
    """95% confidence interval of a Poisson count, or of a rate, as OHID's Fingertips computes it.

    PHStatsMethods (the Python port of the Fingertips methods): Byar's
    approximation for 10 or more events, the exact Poisson (chi-square)
    limits below 10, as the Public Health England *Technical guide:
    confidence intervals* recommends. A count of 0 has lower limit 0 and
    the exact upper limit. With ``population`` the limits are rates per
    ``per`` people. ``count`` and ``population`` may be arrays.

    Examples
    --------
    >>> interval = byar_interval(10)
    >>> round(interval.lower, 3), round(interval.upper, 3)
    (4.787, 18.391)
    """
    observed = np.asarray(count, dtype=float)
    lower = np.vectorize(lambda o: 0.0 if o == 0 else ph.byars_lower(o, confidence), otypes=[float])(observed)
    # PHStatsMethods' byars_upper refuses 0 (its exact branch is right for it, so call that directly).
    upper = np.vectorize(lambda o: ph.exact_upper(o, confidence) if o == 0 else ph.byars_upper(o, confidence),
                         otypes=[float])(observed)
    if population is not None:
        with np.errstate(divide="ignore", invalid="ignore"):
            scale = per / np.asarray(population, dtype=float)
        lower, upper = lower * scale, upper * scale
    return Interval(_scalar(lower), _scalar(upper))


@uses(test="wilson_interval", metric="share_confidence_interval")
def wilson_interval(count, total, alpha: float = ALPHA) -> Interval:
    """95% Wilson score interval of a proportion ``count / total`` (as a fraction, 0 to 1).

    PHStatsMethods' ``wilson_lower`` and ``wilson_upper`` (the Fingertips
    method); the interval stays within 0 and 1 and behaves well for small
    counts. A zero ``total`` gives a missing interval.
    """
    count, total = np.asarray(count, dtype=float), np.asarray(total, dtype=float)
    confidence = 1 - alpha

    def limits(k, n):
        return (np.nan, np.nan) if n <= 0 else (ph.wilson_lower(k, n, confidence), ph.wilson_upper(k, n, confidence))

    lower, upper = np.vectorize(limits, otypes=[float, float])(count, total)
    return Interval(_scalar(lower), _scalar(upper))


def share_row(count: int, total: int) -> dict:
    """A share in percent with its 95% Wilson interval (missing when there is nothing to share)."""
    interval = wilson_interval(count, total)
    return {"share": count / total * 100 if total else float("nan"),
            "lower": interval.lower * 100, "upper": interval.upper * 100}


def rate_with_interval(count, population, per: int = 1000) -> tuple:
    """A crude rate per ``per`` people with its 95% interval (:func:`byar_interval`): ``(rate, Interval)``.

    The one place rates and their intervals are computed; ``count`` and
    ``population`` may be arrays. A zero population gives a missing rate.
    """
    count, population = np.asarray(count, dtype=float), np.asarray(population, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.where(population > 0, count / np.where(population > 0, population, 1) * per, np.nan)
    return _scalar(rate), byar_interval(count, np.where(population > 0, population, np.nan), per)


# -- rate ratios and rank intervals ------------------------------------------------------------------

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


# -- funnel plots ----------------------------------------------------------------------------------

FUNNEL_SIGNIFICANCE = {"High (0.001)": "above 99.8% limit", "High (0.025)": "above 95% limit",
                       "Not significant": "within limits", "Low (0.025)": "below 95% limit",
                       "Low (0.001)": "below 99.8% limit"}


@dataclass(frozen=True)
class Funnel:
    """A funnel plot of crude rates: the areas, the limit lines and the London average.

    ``points``: one row per area (index as given) with ``count``, ``population``,
    ``rate`` and ``position`` (a :data:`FUNNEL_SIGNIFICANCE` value).
    ``limits``: the four limit lines, ``line`` (``lower_95``, ``upper_95``,
    ``lower_998``, ``upper_998``), ``population`` and ``rate`` (per ``per``),
    100 points each.
    """

    points: pd.DataFrame
    limits: pd.DataFrame
    average: float
    per: int


@uses(test="funnel")
def funnel_limits(counts: pd.Series, populations: pd.Series, per: int = 1000) -> Funnel:
    """Funnel plot of areas' crude rates against the pooled average, by the Fingertips method (PHStatsMethods).

    Control limits at 95% (about 2 sigma) and 99.8% (about 3 sigma) from the
    exact Poisson distribution of the count expected at the pooled rate;
    each area is placed against them (``assign_funnel_significance``).
    """
    frame = pd.DataFrame({"count": counts.astype(float), "population": populations.reindex(counts.index).astype(float)})
    frame["rate"] = frame["count"] / frame["population"] * per
    data = frame.reset_index(drop=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pandas chained-assignment warnings from inside the library
        lines = ph.calculate_funnel_limits(data.copy(), "count", "rate", per, denom_col="population", metadata=False,
                                           rate="rate", rate_type="crude", years_of_data=1)
        placed = ph.assign_funnel_significance(data.copy(), "count", "rate", denom_col="population", rate="rate",
                                               rate_type="crude", multiplier=per)
    # The library gives each limit line its own population axis: one (population, rate) pair per number of events.
    limits = pd.concat([pd.DataFrame({"line": line, "population": lines[f"{side}_{sigma}s_population_1_year"].to_numpy(),
                                      "rate": lines[f"{side}_{sigma}s_limit"].to_numpy()})
                        for line, side, sigma in (("lower_95", "lower", 2), ("upper_95", "upper", 2),
                                                  ("lower_998", "lower", 3), ("upper_998", "upper", 3))],
                       ignore_index=True)
    frame["position"] = placed["significance"].map(FUNNEL_SIGNIFICANCE).to_numpy()
    return Funnel(points=frame, limits=limits, average=float(frame["count"].sum() / frame["population"].sum() * per),
                  per=per)


def _scalar(values: np.ndarray):
    return float(values) if np.ndim(values) == 0 else values


# -- changes between two periods -----------------------------------------------------------------

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


# -- statistical process control -----------------------------------------------------------------

SIGMA_LIMITS = 3
SHIFT_LENGTH = 7   # NHS Making Data Count: seven or more points on one side of the mean
TREND_LENGTH = 7   # seven or more points each higher (or each lower) than the one before
NEAR_SIGMAS = 2    # "close to a limit": beyond 2 sigma
MOVING_RANGE_CONSTANT = 1.128  # d2 for moving ranges of two points


@dataclass(frozen=True)
class ControlLimits:
    centre: float
    sigma: float
    lower: float
    upper: float


@uses(test="control_limits", metric="control_limits")
def control_limits(values, sigmas: float = SIGMA_LIMITS, *, baseline=None) -> ControlLimits:
    """Centre line and 3-sigma limits of an XmR (individuals) control chart.

    The centre is the mean of the baseline points; sigma is estimated from
    the mean moving range (the average absolute difference between
    consecutive baseline points) divided by 1.128, which is robust to a
    shift or trend. ``baseline`` (a boolean mask, all points by default)
    leaves out months that should not set the limits, such as lockdowns: a
    moving range is only taken between two consecutive baseline points. The
    lower limit is not allowed below zero (a rate cannot be negative).

    Examples
    --------
    >>> limits = control_limits([10, 12, 11, 13, 12])
    >>> limits.centre, round(limits.sigma, 4), round(limits.upper, 3)
    (11.6, 1.3298, 15.589)
    """
    series = np.asarray(values, dtype=float)
    keep = ~np.isnan(series) & (np.ones(series.size, dtype=bool) if baseline is None
                                else np.asarray(baseline, dtype=bool))
    if keep.sum() < 2:
        raise ValueError("control limits need at least two points")
    ranges = np.abs(np.diff(series))[keep[1:] & keep[:-1]]
    if not ranges.size:
        raise ValueError("control limits need two consecutive baseline points")
    centre = float(series[keep].mean())
    sigma = float(ranges.mean() / MOVING_RANGE_CONSTANT)
    return ControlLimits(centre, sigma, max(centre - sigmas * sigma, 0.0), centre + sigmas * sigma)


def _runs(keys: np.ndarray, breaks: np.ndarray, length: int) -> np.ndarray:
    """Points in a run of ``length`` or more consecutive equal non-zero ``keys`` not crossing a break."""
    size, flagged, start = keys.size, np.zeros(keys.size, dtype=bool), 0
    for position in range(1, size + 1):
        if position == size or keys[position] == 0 or keys[position] != keys[start] or breaks[position]:
            if keys[start] != 0 and position - start >= length:
                flagged[start:position] = True
            start = position
    return flagged


@uses(test="special_causes")
def special_causes(values, centre, lower, upper, *, phases=None, shift_length: int = SHIFT_LENGTH,
                   trend_length: int = TREND_LENGTH) -> pd.DataFrame:
    """Which points of a control chart signal special-cause variation, by the NHS Making Data Count rules.

    - ``outside``: the point is above the upper or below the lower limit;
    - ``shift``: the point belongs to ``shift_length`` (7) or more
      consecutive points on the same side of the centre line (a point on the
      line, a missing point or a new phase ends it);
    - ``trend``: the point belongs to ``trend_length`` (7) or more
      consecutive points each higher than the one before, or each lower;
    - ``near_limit``: two of three consecutive points beyond 2 sigma on the
      same side of the centre line (the points beyond 2 sigma are flagged).

    ``centre``, ``lower`` and ``upper`` are scalars or one value per point
    (limits that change between phases); sigma is a third of the distance
    from the centre to the upper limit. No rule crosses a change of phase.
    Returns a frame with the four boolean columns, one row per point.
    """
    series = np.asarray(values, dtype=float)
    size = series.size
    centre, lower, upper = (np.broadcast_to(np.asarray(x, dtype=float), (size,)) for x in (centre, lower, upper))
    present = ~np.isnan(series)
    outside = present & ((series > upper) | (series < lower))
    phase = np.asarray(phases) if phases is not None else np.zeros(size)
    breaks = np.r_[False, phase[1:] != phase[:-1]]
    side = np.sign(np.nan_to_num(series - centre, nan=0.0))
    shift = _runs(side, breaks, shift_length)
    # A trend of n points is n - 1 steps in the same direction; step i joins point i - 1 to point i.
    step = np.r_[0.0, np.sign(np.nan_to_num(np.diff(series), nan=0.0))]
    step[breaks | ~present | ~np.r_[False, present[:-1]]] = 0
    in_steps = _runs(step, np.zeros(size, dtype=bool), trend_length - 1)
    trend = in_steps | np.r_[in_steps[1:] & ~in_steps[:-1] & (step[1:] != 0), False]
    sigma = (upper - centre) / SIGMA_LIMITS
    near = np.where(present & (series > centre + NEAR_SIGMAS * sigma), 1,
                    np.where(present & (series < centre - NEAR_SIGMAS * sigma), -1, 0))
    near_limit = np.zeros(size, dtype=bool)
    for first in range(max(size - 2, 0)):
        window = slice(first, first + 3)
        if breaks[first + 1] or breaks[first + 2]:
            continue
        for direction in (1, -1):
            hits = near[window] == direction
            if hits.sum() >= 2:
                near_limit[window] |= hits
    return pd.DataFrame({"outside": outside, "shift": shift, "trend": trend, "near_limit": near_limit})


# -- forecasting ---------------------------------------------------------------------------------

@dataclass
class Forecast:
    """A fitted forecasting model and its forecast with a prediction interval."""

    model: str
    fitted: pd.Series
    forecast: pd.DataFrame   # columns mean, lower, upper; indexed like the future exogenous data
    level: float
    parameters: dict[str, float] = field(default_factory=dict)   # the fitted AR coefficient and error variance


@uses(test="forecast")
def forecast_monthly(series: pd.Series, exog: pd.DataFrame, future_exog: pd.DataFrame,
                     *, level: float = 0.95) -> Forecast:
    """Forecast a monthly series with a regression on a linear trend and ``exog``, with AR(1) errors.

    A statsmodels ``SARIMAX`` regression with AR(1) errors on a constant, a
    linear time trend and the exogenous regressors given (for example seasonal
    terms and a lockdown indicator). ``future_exog`` holds the regressors of
    the months to forecast, which follow the series without a gap.

    The prediction interval at ``level`` allows for the errors, their
    autocorrelation and the uncertainty of the estimated trend and the other
    regression coefficients. Why this model form: with ``mle_regression=False``
    the coefficients are states of the Kalman filter (exact diffuse start, so
    the fit conditions on the first month), so they are estimated by generalised
    least squares on the quasi-differenced series (Cochrane-Orcutt) and their
    covariance is carried into the forecast variance by the library; an ``ARIMA`` fit with
    ``exog`` (used before) treats the fitted coefficients as known, and its
    95% interval held about 83% of months in a hold-out. The AR coefficient and
    the error variance are still taken as known (maximum likelihood on the
    diffuse likelihood); the coverage measured on a rolling hold-out
    (:mod:`vawg.analysis.police.forecast`) is published beside the forecast.
    """
    n = len(series)
    design = np.column_stack([np.ones(n), np.arange(n, dtype=float), exog.to_numpy(dtype=float)])
    future_design = np.column_stack([np.ones(len(future_exog)), np.arange(n, n + len(future_exog), dtype=float),
                                     future_exog.to_numpy(dtype=float)])
    with warnings.catch_warnings():
        # Short series: statsmodels warns about starting values and frequency; neither changes the fit.
        warnings.simplefilter("ignore")
        # The error variance is concentrated out of the likelihood (the same fit, found about four times faster).
        model = SARIMAX(series.to_numpy(dtype=float), exog=design, order=(1, 0, 0), trend="n",
                        mle_regression=False, initialization="diffuse", concentrate_scale=True)
        fit = model.fit(disp=False)
        frame = fit.get_forecast(len(future_exog), exog=future_design).summary_frame(alpha=1 - level)
    forecast = pd.DataFrame({"mean": frame["mean"].to_numpy(), "lower": frame["mean_ci_lower"].to_numpy(),
                             "upper": frame["mean_ci_upper"].to_numpy()}, index=future_exog.index)
    return Forecast(model="regression on a linear trend and the given regressors with AR(1) errors",
                    fitted=pd.Series(fit.fittedvalues, index=series.index), forecast=forecast, level=level,
                    parameters={"ar": float(fit.params[0]), "sigma2": float(fit.scale)})


@uses(metric="mape")
def mean_absolute_percentage_error(actual, predicted) -> float:
    """MAPE: the mean of |actual − predicted| ÷ actual, as a percentage (months with zero actual left out)."""
    actual, predicted = np.asarray(actual, dtype=float), np.asarray(predicted, dtype=float)
    keep = actual != 0
    return float(np.mean(np.abs(actual[keep] - predicted[keep]) / actual[keep]) * 100)


# -- profiles: a group's make-up against a population, and two-by-two tables ----------------------

from statsmodels.stats.multitest import multipletests  # noqa: E402
from statsmodels.stats.proportion import proportion_confint as _proportion_confint  # noqa: E402


@dataclass(frozen=True)
class GoodnessOfFit(TestResult):
    """Chi-square goodness of fit: the statistic, its p-value, degrees of freedom and the smallest expected count."""

    dof: int = 0
    smallest_expected: float = float("nan")


@dataclass(frozen=True)
class FisherExact(TestResult):
    """Fisher's exact test of a two-by-two table; ``statistic`` is the sample odds ratio (ad / bc)."""


@dataclass(frozen=True)
class OddsRatio:
    """An odds ratio with its 95% confidence interval (Woolf) and the matching Wald p-value.

    ``corrected`` is True when the table had a zero cell, so 0.5 was added
    to every cell (the Haldane–Anscombe correction) for the estimate, the
    interval and the p-value alike: p < 0.05 exactly when the interval
    leaves out 1.
    """

    estimate: float
    lower: float
    upper: float
    p_value: float
    corrected: bool = False

    @property
    def significant(self) -> bool:
        return bool(self.p_value < ALPHA)


def _profile_counts(observed, expected) -> tuple[pd.Series, pd.Series]:
    """Observed counts and expected weights as two aligned float Series; groups empty in both are dropped."""
    observed = pd.Series(observed, dtype=float) if not isinstance(observed, pd.Series) else observed.astype(float)
    expected = pd.Series(expected, dtype=float) if not isinstance(expected, pd.Series) else expected.astype(float)
    if isinstance(observed.index, pd.RangeIndex) and isinstance(expected.index, pd.RangeIndex):
        if len(observed) != len(expected):
            raise ValueError(f"{len(observed)} observed groups but {len(expected)} expected")
    else:
        missing = observed.index.symmetric_difference(expected.index)
        if len(missing):
            raise ValueError(f"groups not in both the profile and the population: {', '.join(map(str, missing))}")
        expected = expected.reindex(observed.index)
    if (observed < 0).any() or (expected < 0).any():
        raise ValueError("counts and population weights cannot be negative")
    keep = (observed > 0) | (expected > 0)
    observed, expected = observed[keep], expected[keep]
    if ((expected == 0) & (observed > 0)).any():
        empty = observed.index[(expected == 0) & (observed > 0)]
        raise ValueError(f"observed people in groups with no population: {', '.join(map(str, empty))}")
    return observed, expected


@uses(test="chi_square_gof")
def chi_square_goodness_of_fit(observed, expected) -> GoodnessOfFit:
    """Does a profile (e.g. victims by age band) differ from the population's?

    ``expected`` holds the population in each group (counts or shares): it is
    scaled to the observed total, and scipy's ``chisquare`` compares the two,
    with k - 1 degrees of freedom for k groups. The approximation needs
    expected counts of about 5 or more (``smallest_expected`` says).

    Parameters
    ----------
    observed : sequence or pandas.Series
        People in each group.
    expected : sequence or pandas.Series
        Population (or shares) of the same groups; Series are aligned by index.

    Examples
    --------
    >>> result = chi_square_goodness_of_fit([30, 50, 20], [1, 1, 1])
    >>> round(result.statistic, 2), result.dof
    (14.0, 2)
    """
    observed, weights = _profile_counts(observed, expected)
    expected_counts = weights / weights.sum() * observed.sum()
    statistic, p_value = chisquare(observed.to_numpy(), expected_counts.to_numpy())
    return GoodnessOfFit(float(statistic), float(p_value), dof=int(len(observed) - 1),
                         smallest_expected=float(expected_counts.min()))


@uses(test="group_proportions")
def group_proportion_tests(observed, expected, *, method: str = "binomial", adjust: str | None = None,
                           alpha: float = ALPHA) -> pd.DataFrame:
    """Is each group over- or under-represented against its share of the population?

    For every group, the share of the observed total in the group is tested
    against the group's share of the population: by the exact two-sided
    binomial test (``method="binomial"``, scipy ``binomtest``, right for small
    groups) or the one-sample proportion z-test (``method="z"``, standard
    error from the population share). ``adjust`` (e.g. ``"holm"``) corrects the
    p-values for testing many groups (statsmodels ``multipletests``).

    Returns
    -------
    pandas.DataFrame
        One row per group: ``observed``, ``total``, ``share`` and
        ``expected_share`` (%), ``expected`` (count), ``ratio`` (share ÷
        expected share), ``z``, ``p_value``, ``significant``, ``direction``
        ("over", "under" or "as expected") and the 95% Wilson interval of the
        share, ``lower`` and ``upper`` (%).
    """
    if method not in ("binomial", "z"):
        raise ValueError(f"method must be 'binomial' or 'z', not {method!r}")
    observed, weights = _profile_counts(observed, expected)
    total = int(round(observed.sum()))
    if total == 0:
        raise ValueError("no one observed")
    population_share = weights / weights.sum()
    share = observed / total
    z = (share - population_share) / np.sqrt(population_share * (1 - population_share) / total)
    if method == "binomial":
        p_values = [binomtest(int(round(k)), total, float(p)).pvalue for k, p in zip(observed, population_share)]
    else:
        p_values = 2 * norm.sf(np.abs(z.to_numpy()))
    p_values = np.asarray(p_values, dtype=float)
    if adjust:
        p_values = multipletests(p_values, alpha=alpha, method=adjust)[1]
    lower, upper = _proportion_confint(observed.to_numpy(), total, alpha=0.05, method="wilson")
    significant = p_values < alpha
    direction = np.where(~significant, "as expected", np.where(share > population_share, "over", "under"))
    return pd.DataFrame({
        "observed": observed.to_numpy(), "total": total, "share": share.to_numpy() * 100,
        "expected_share": population_share.to_numpy() * 100, "expected": (population_share * total).to_numpy(),
        "ratio": (share / population_share).to_numpy(), "z": z.to_numpy(), "p_value": p_values,
        "significant": significant, "direction": direction, "lower": lower * 100, "upper": upper * 100,
    }, index=observed.index)


def adjust_p_values(p_values, method: str = MULTIPLICITY, alpha: float = ALPHA) -> np.ndarray:
    """p-values adjusted for making several comparisons at once (statsmodels ``multipletests``; Holm by default).

    Missing p-values (tests not run) stay missing and do not count towards the number of tests.

    Examples
    --------
    >>> adjust_p_values([0.01, 0.04, 0.03]).round(2).tolist()
    [0.03, 0.06, 0.06]
    """
    p_values = np.asarray(p_values, dtype=float)
    run = ~np.isnan(p_values)
    adjusted = p_values.copy()
    if run.sum():
        adjusted[run] = multipletests(p_values[run], alpha=alpha, method=method)[1]
    return adjusted


def holm_within(frame: pd.DataFrame, p: str = "p", significant: str = "significant", rows=None) -> pd.DataFrame:
    """One family of tests adjusted by Holm's method: ``p`` becomes the adjusted p-value and ``significant``
    is decided on it; the unadjusted p-value is kept as ``{p}_unadjusted``. ``rows`` (a boolean mask) picks
    the family's rows when a table holds other tests too.
    """
    if p not in frame.columns:  # an empty table: nothing was tested
        return frame
    frame = frame.copy()
    family = np.ones(len(frame), dtype=bool) if rows is None else np.asarray(rows, dtype=bool)
    frame[f"{p}_unadjusted"] = frame[p]
    if len(frame):
        frame.loc[family, p] = adjust_p_values(frame.loc[family, p].to_numpy(dtype=float))
        frame.loc[family, significant] = frame.loc[family, p].to_numpy(dtype=float) < ALPHA
    return frame


@uses(test="two_sample_groups")
def two_sample_group_tests(first, second, *, adjust: str | None = "holm", alpha: float = ALPHA) -> pd.DataFrame:
    """Group by group, does a group's share of one profile differ from its share of another?

    Both profiles are samples (e.g. children with a VAWG flag and children
    without), so each group's two shares are compared with the pooled
    two-proportion z-test (:func:`two_proportion_ztest`); ``adjust`` (Holm by
    default) corrects the p-values for testing many groups (statsmodels
    ``multipletests``). Unlike :func:`group_proportion_tests`, neither profile
    is taken as a fixed population.

    Parameters
    ----------
    first, second : pandas.Series
        Counts by group (same groups; aligned by index, a missing group counts 0).

    Returns
    -------
    pandas.DataFrame
        One row per group: ``first``, ``second`` (counts), ``first_share``,
        ``second_share`` (% of each profile's total), ``difference``
        (percentage points), ``z``, ``p_value``, ``significant`` and
        ``direction`` ("over" when the group's share of ``first`` is
        significantly larger, "under", or "as expected").

    Examples
    --------
    >>> result = two_sample_group_tests(pd.Series({"a": 60, "b": 40}), pd.Series({"a": 40, "b": 60}))
    >>> str(result.loc["a", "direction"]), float(round(result.loc["a", "difference"], 1))
    ('over', 20.0)
    """
    groups = first.index.union(second.index, sort=False)
    first = first.reindex(groups, fill_value=0).astype(float)
    second = second.reindex(groups, fill_value=0).astype(float)
    if (first < 0).any() or (second < 0).any():
        raise ValueError("counts cannot be negative")
    total1, total2 = int(round(first.sum())), int(round(second.sum()))
    if total1 == 0 or total2 == 0:
        raise ValueError("both profiles need someone in them")
    # Everyone (or no one) in the group in both profiles: the shares are equal, not undefined.
    tests = [TestResult(0.0, 1.0) if a + b in (0, total1 + total2) else
             two_proportion_ztest(int(round(a)), total1, int(round(b)), total2) for a, b in zip(first, second)]
    p_values = np.array([test.p_value for test in tests], dtype=float)
    if adjust and len(p_values) > 1:
        p_values = adjust_p_values(p_values, adjust, alpha)
    first_share, second_share = first / total1 * 100, second / total2 * 100
    significant = p_values < alpha
    direction = np.where(~significant, "as expected", np.where(first_share > second_share, "over", "under"))
    return pd.DataFrame({
        "first": first.to_numpy(), "second": second.to_numpy(), "first_share": first_share.to_numpy(),
        "second_share": second_share.to_numpy(), "difference": (first_share - second_share).to_numpy(),
        "z": [test.statistic for test in tests], "p_value": p_values, "significant": significant,
        "direction": direction,
    }, index=groups)


def _two_by_two(table) -> np.ndarray:
    cells = np.asarray(table)
    if cells.shape != (2, 2):
        raise ValueError(f"a two-by-two table is needed, not shape {cells.shape}")
    if (cells < 0).any() or not np.allclose(cells, np.round(cells)):
        raise ValueError("a two-by-two table holds counts: whole numbers of at least 0")
    return np.round(cells).astype(int)


@uses(test="fisher_exact")
def fisher_exact_test(table, alternative: str = "two-sided") -> FisherExact:
    """Fisher's exact test of a two-by-two table ``[[a, b], [c, d]]`` (scipy ``fisher_exact``).

    Rows are the two groups (e.g. disabled, not disabled), columns the outcome
    (e.g. converted to a case, not converted). Exact, so right for small counts.

    Examples
    --------
    >>> result = fisher_exact_test([[3, 1], [1, 3]])
    >>> round(result.p_value, 4), result.statistic
    (0.4857, 9.0)
    """
    cells = _two_by_two(table)
    statistic, p_value = fisher_exact(cells, alternative=alternative)
    return FisherExact(float(statistic), float(p_value))


@uses(test="odds_ratio")
def odds_ratio(table, alpha: float = ALPHA) -> OddsRatio:
    """The odds ratio ``(a d) / (b c)`` of a two-by-two table ``[[a, b], [c, d]]``, its 95% CI and p-value.

    Woolf's (logit) interval ``exp(log OR ± z √(1/a + 1/b + 1/c + 1/d))`` and
    the Wald test of log OR = 0 from the same standard error, so the
    p-value and the interval always agree. When any cell is 0, 0.5 is added
    to every cell first (the Haldane–Anscombe correction; ``corrected``).

    Examples
    --------
    >>> result = odds_ratio([[20, 10], [10, 20]])
    >>> round(result.estimate, 2), round(result.lower, 3), round(result.upper, 3)
    (4.0, 1.367, 11.703)
    """
    cells = _two_by_two(table).astype(float)
    corrected = bool((cells == 0).any())
    if corrected:
        cells = cells + 0.5
    (a, b), (c, d) = cells
    log_or = float(np.log(a * d / (b * c)))
    se = float(np.sqrt(1 / a + 1 / b + 1 / c + 1 / d))
    z = norm.ppf(1 - alpha / 2)
    return OddsRatio(float(np.exp(log_or)), float(np.exp(log_or - z * se)), float(np.exp(log_or + z * se)),
                     float(2 * norm.sf(abs(log_or / se))), corrected)
