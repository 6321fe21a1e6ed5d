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
from statsmodels.stats.proportion import proportion_confint, proportions_ztest
from statsmodels.stats.rates import test_poisson_2indep
from statsmodels.tsa.arima.model import ARIMA

import PHStatsMethods as ph

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


# -- confidence intervals ------------------------------------------------------------------------

Z_95 = 1.959963984540054  # two-sided 95%: the normal quantile at 0.975


@dataclass(frozen=True)
class Interval:
    """A confidence or prediction interval (scalars, or arrays for many rows at once)."""

    lower: float
    upper: float


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


def rate_with_interval(count, population, per: int = 1000) -> tuple:
    """A crude rate per ``per`` people with its 95% interval (:func:`byar_interval`): ``(rate, Interval)``.

    The one place rates and their intervals are computed; ``count`` and
    ``population`` may be arrays. A zero population gives a missing rate.
    """
    count, population = np.asarray(count, dtype=float), np.asarray(population, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.where(population > 0, count / np.where(population > 0, population, 1) * per, np.nan)
    return _scalar(rate), byar_interval(count, np.where(population > 0, population, np.nan), per)


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

def rate_change_test(count_before: int, exposure_before: float, count_after: int,
                     exposure_after: float) -> TestResult:
    """Did one area's rate change between two periods (e.g. December last year to December this year)?

    Score test of the ratio of two Poisson rates (statsmodels'
    ``test_poisson_2indep``), each count with its population as exposure;
    two-sided. The statistic is positive when the rate rose.
    """
    if count_before + count_after == 0:
        return TestResult(0.0, 1.0)
    with np.errstate(divide="ignore"):
        # A zero December makes statsmodels' reported ratio infinite; the score statistic is still defined.
        result = test_poisson_2indep(count_after, exposure_after, count_before, exposure_before, method="score")
    return TestResult(float(result.statistic), float(result.pvalue))


# -- statistical process control -----------------------------------------------------------------

SIGMA_LIMITS = 3
RUN_LENGTH = 8
MOVING_RANGE_CONSTANT = 1.128  # d2 for moving ranges of two points


@dataclass(frozen=True)
class ControlLimits:
    centre: float
    sigma: float
    lower: float
    upper: float


def control_limits(values, sigmas: float = SIGMA_LIMITS) -> ControlLimits:
    """Centre line and 3-sigma limits of an XmR (individuals) control chart.

    The centre is the mean of ``values``; sigma is estimated from the mean
    moving range (the average absolute difference between consecutive
    points) divided by 1.128, which is robust to a shift or trend in the
    series. The lower limit is not allowed below zero (a rate cannot be
    negative).

    Examples
    --------
    >>> limits = control_limits([10, 12, 11, 13, 12])
    >>> limits.centre, round(limits.sigma, 4), round(limits.upper, 3)
    (11.6, 1.3298, 15.589)
    """
    series = np.asarray(values, dtype=float)
    series = series[~np.isnan(series)]
    if series.size < 2:
        raise ValueError("control limits need at least two points")
    centre = float(series.mean())
    sigma = float(np.abs(np.diff(series)).mean() / MOVING_RANGE_CONSTANT)
    return ControlLimits(centre, sigma, max(centre - sigmas * sigma, 0.0), centre + sigmas * sigma)


def special_causes(values, centre, lower, upper, *, phases=None, run_length: int = RUN_LENGTH) -> pd.DataFrame:
    """Which points of a control chart signal special-cause variation, by two rules.

    - ``outside``: the point is above the upper or below the lower limit;
    - ``run``: the point belongs to a run of ``run_length`` (8) or more
      consecutive points on the same side of the centre line. A point on the
      centre line, a missing point or the start of a new phase ends a run.

    ``centre``, ``lower`` and ``upper`` are scalars or one value per point
    (charts whose limits change between phases); ``phases`` labels the phase
    of each point. Returns a frame with boolean columns ``outside`` and
    ``run``, one row per point.
    """
    series = np.asarray(values, dtype=float)
    size = series.size
    centre, lower, upper = (np.broadcast_to(np.asarray(x, dtype=float), (size,)) for x in (centre, lower, upper))
    outside = ~np.isnan(series) & ((series > upper) | (series < lower))
    side = np.sign(np.nan_to_num(series - centre, nan=0.0))
    phase = np.asarray(phases) if phases is not None else np.zeros(size)
    run = np.zeros(size, dtype=bool)
    start = 0
    for position in range(1, size + 1):
        ended = (position == size or side[position] == 0 or side[position] != side[start]
                 or phase[position] != phase[start])
        if ended:
            if side[start] != 0 and position - start >= run_length:
                run[start:position] = True
            start = position
    return pd.DataFrame({"outside": outside, "run": run})


# -- forecasting ---------------------------------------------------------------------------------

@dataclass
class Forecast:
    """A fitted forecasting model and its forecast with a prediction interval."""

    model: str
    fitted: pd.Series
    forecast: pd.DataFrame   # columns mean, lower, upper; indexed like the future exogenous data
    level: float


def forecast_monthly(series: pd.Series, exog: pd.DataFrame, future_exog: pd.DataFrame,
                     *, level: float = 0.95) -> Forecast:
    """Forecast a monthly series with a regression on a linear trend and ``exog``, with AR(1) errors.

    A statsmodels ``ARIMA(1, 0, 0)`` model with a constant, a linear time
    trend and the exogenous regressors given (for example seasonal terms and
    a lockdown indicator), fitted by maximum likelihood. ``future_exog`` holds
    the regressors of the months to forecast, which follow the series without
    a gap. The prediction interval at ``level`` allows for the model's error
    and the autocorrelation of the errors.
    """
    trend = np.arange(len(series), dtype=float)
    future_trend = np.arange(len(series), len(series) + len(future_exog), dtype=float)
    design = np.column_stack([trend, exog.to_numpy(dtype=float)])
    future_design = np.column_stack([future_trend, future_exog.to_numpy(dtype=float)])
    with warnings.catch_warnings():
        # Short series: statsmodels warns about starting values and frequency; neither changes the fit.
        warnings.simplefilter("ignore")
        fit = ARIMA(series.to_numpy(dtype=float), exog=design, order=(1, 0, 0), trend="c").fit()
        frame = fit.get_forecast(len(future_exog), exog=future_design).summary_frame(alpha=1 - level)
    forecast = pd.DataFrame({"mean": frame["mean"].to_numpy(), "lower": frame["mean_ci_lower"].to_numpy(),
                             "upper": frame["mean_ci_upper"].to_numpy()}, index=future_exog.index)
    return Forecast(model="regression on a linear trend and the given regressors with AR(1) errors",
                    fitted=pd.Series(fit.fittedvalues, index=series.index), forecast=forecast, level=level)


def mean_absolute_percentage_error(actual, predicted) -> float:
    """MAPE: the mean of |actual − predicted| ÷ actual, as a percentage (months with zero actual left out)."""
    actual, predicted = np.asarray(actual, dtype=float), np.asarray(predicted, dtype=float)
    keep = actual != 0
    return float(np.mean(np.abs(actual[keep] - predicted[keep]) / actual[keep]) * 100)


# -- profiles: a group's make-up against a population, and two-by-two tables ----------------------

from scipy.stats import binomtest, chisquare, fisher_exact, norm  # noqa: E402
from statsmodels.stats.contingency_tables import Table2x2  # noqa: E402
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
    """An odds ratio with its 95% confidence interval (Woolf) and Fisher's exact p-value.

    ``corrected`` is True when the table had a zero cell, which the estimate
    and the interval replace by 0.5 (the p-value uses the table as it is).
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


def adjust_p_values(p_values, method: str = "holm", alpha: float = ALPHA) -> np.ndarray:
    """p-values adjusted for making several comparisons at once (statsmodels ``multipletests``; Holm by default).

    Examples
    --------
    >>> adjust_p_values([0.01, 0.04, 0.03]).round(2).tolist()
    [0.03, 0.06, 0.06]
    """
    p_values = np.asarray(p_values, dtype=float)
    if not len(p_values):
        return p_values
    return multipletests(p_values, alpha=alpha, method=method)[1]


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


def odds_ratio(table, alpha: float = ALPHA) -> OddsRatio:
    """The odds ratio ``(a d) / (b c)`` of a two-by-two table ``[[a, b], [c, d]]``, its 95% CI and Fisher's p.

    The interval is Woolf's (logit): ``exp(log OR ± z √(1/a + 1/b + 1/c + 1/d))``
    (statsmodels ``Table2x2``). A zero cell is replaced by 0.5 for the estimate
    and the interval (``corrected``); the p-value is always Fisher's exact
    test on the table as it is.

    Examples
    --------
    >>> result = odds_ratio([[20, 10], [10, 20]])
    >>> round(result.estimate, 2), round(result.lower, 3), round(result.upper, 3)
    (4.0, 1.367, 11.703)
    """
    cells = _two_by_two(table)
    corrected = bool((cells == 0).any())
    fitted = Table2x2(cells.astype(float), shift_zeros=True)
    lower, upper = fitted.oddsratio_confint(alpha=alpha, method="normal")
    return OddsRatio(float(fitted.oddsratio), float(lower), float(upper),
                     fisher_exact_test(cells).p_value, corrected)
