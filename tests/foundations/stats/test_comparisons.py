"""Rate ratios and rank intervals against independent calculations (statsmodels, scipy), not the code under test."""

import itertools
import math

import numpy as np
import pandas as pd
import pytest
from scipy.stats import norm, poisson
from statsmodels.stats.rates import confint_poisson_2indep

from vawg.foundations.stats.comparisons import rank_highest_first, rank_interval, rate_ratio


@pytest.mark.parametrize("counts", [(120, 10_000, 100, 10_000), (3466, 119_312, 71_500, 4_600_000),
                                    (9, 2_000, 40, 5_000), (1, 500, 1_000, 90_000)])
def test_rate_ratio_interval_is_statsmodels_log_wald_interval(counts):
    lower, upper = confint_poisson_2indep(*counts, method="wald-log", compare="ratio")
    ratio = rate_ratio(*counts)
    assert ratio.estimate == pytest.approx((counts[0] / counts[1]) / (counts[2] / counts[3]), rel=1e-12)
    assert ratio.lower == pytest.approx(float(lower), rel=1e-10)
    assert ratio.upper == pytest.approx(float(upper), rel=1e-10)


def test_rate_ratio_interval_is_close_to_the_exact_conditional_interval_for_large_counts():
    # Conditional on the total, count1 is binomial with p = RR e1 / (RR e1 + e2): the exact (Clopper-Pearson)
    # limits of p give exact limits of RR (scipy's binomtest).
    from scipy.stats import binomtest
    a, e1, b, e2 = 3466, 119_312, 71_500, 4_600_000
    ci = binomtest(a, a + b).proportion_ci(method="exact")
    exact = [p / (1 - p) * e2 / e1 for p in (ci.low, ci.high)]
    ratio = rate_ratio(a, e1, b, e2)
    assert ratio.lower == pytest.approx(exact[0], rel=2e-3)
    assert ratio.upper == pytest.approx(exact[1], rel=2e-3)


def test_quasi_poisson_rate_ratio_widens_the_log_interval_by_root_dispersion():
    plain, wide = rate_ratio(200, 1e4, 150, 1e4), rate_ratio(200, 1e4, 150, 1e4, dispersion=4.0)
    assert wide.estimate == plain.estimate
    half = norm.ppf(0.975) * math.sqrt(1 / 200 + 1 / 150)
    assert math.log(wide.upper / wide.estimate) == pytest.approx(2 * half)
    assert math.log(plain.estimate / plain.lower) == pytest.approx(half)
    # Underdispersion is not credited.
    assert rate_ratio(200, 1e4, 150, 1e4, dispersion=0.5) == plain


def test_rate_ratio_with_a_zero_count_has_no_interval():
    zero = rate_ratio(0, 1e4, 50, 1e4)
    assert zero.estimate == 0 and math.isnan(zero.lower) and math.isnan(zero.upper)
    assert math.isnan(rate_ratio(10, 1e4, 0, 1e4).lower)
    assert rate_ratio(150, 1e4, 100, 1e4).percent_difference == pytest.approx(50.0)


def exact_rank_distribution(counts: list[int]) -> dict[int, float]:
    """The first area's rank (1 = highest, ties share the better rank) when every count is Poisson with its observed
    count as mean and the populations are equal: enumerated over the counts' joint distribution (scipy)."""
    support = [np.arange(poisson.ppf(1e-9, c), poisson.ppf(1 - 1e-9, c) + 1).astype(int) for c in counts]
    pmfs = [poisson.pmf(values, c) for values, c in zip(support, counts)]
    probabilities: dict[int, float] = {}
    for own, p_own in zip(support[0], pmfs[0]):
        # P(rank = 1 + k): k of the others strictly higher; each other area is higher with probability sf(own).
        higher = [poisson.sf(own, c) for c in counts[1:]]
        for pattern in itertools.product([0, 1], repeat=len(higher)):
            p = p_own * np.prod([h if bit else 1 - h for h, bit in zip(higher, pattern)])
            rank = 1 + sum(pattern)
            probabilities[rank] = probabilities.get(rank, 0.0) + p
    return probabilities


def quantile(distribution: dict[int, float], q: float) -> int:
    total = 0.0
    for rank in sorted(distribution):
        total += distribution[rank]
        if total >= q - 1e-12:
            return rank
    return max(distribution)


def test_rank_interval_matches_the_exact_rank_distribution():
    counts = [40, 52, 35, 45, 60]
    frame = pd.Series(counts, index=list("abcde"))
    population = pd.Series(10_000, index=frame.index)
    exact = exact_rank_distribution(counts)
    interval = rank_interval(frame, population, "a", simulations=40_000)
    assert (interval.lower, interval.upper) == (quantile(exact, 0.025), quantile(exact, 0.975))


def test_rank_interval_of_well_separated_rates_is_the_rank_itself():
    counts = pd.Series({"a": 5_000, "b": 10_000, "c": 20_000})
    population = pd.Series({"a": 10_000, "b": 10_000, "c": 10_000})
    observed = rank_highest_first(counts / population)
    for area in counts.index:
        interval = rank_interval(counts, population, area)
        assert interval.lower == interval.upper == observed[area]


def test_rank_interval_is_reproducible_and_contains_the_observed_rank():
    rng = np.random.default_rng(1)
    population = pd.Series(rng.integers(50_000, 200_000, 32), index=[f"b{i}" for i in range(32)])
    counts = (population * rng.uniform(0.01, 0.03, 32)).round().astype(int)
    observed = rank_highest_first(counts / population)
    for area in ("b0", "b7", "b31"):
        first, again = rank_interval(counts, population, area), rank_interval(counts, population, area)
        assert first == again
        assert first.lower <= observed[area] <= first.upper
