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
