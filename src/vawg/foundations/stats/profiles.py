"""A group's make-up against a population or another group, two-by-two tables, and Holm's adjustment."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import binomtest, chisquare, fisher_exact, norm
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import proportion_confint

from vawg.foundations.levels import ALPHA, MULTIPLICITY
from vawg.foundations.methods_used import uses
from vawg.foundations.stats.comparisons import TestResult, two_proportion_ztest


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
    lower, upper = proportion_confint(observed.to_numpy(), total, alpha=0.05, method="wilson")
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
