"""Profile statistics (vawg.stats) against independent hand calculations on small cases.

Every expected value here is worked out with the standard library only:
the chi-square statistic from its definition and, for two degrees of
freedom, its p-value exp(-x/2); binomial and hypergeometric probabilities
from binomial coefficients; Woolf's interval and the Wilson interval from
their formulas. No scipy or statsmodels call is shared with the code.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from vawg.stats import chi_square_goodness_of_fit, fisher_exact_test, group_proportion_tests, odds_ratio

Z = 1.959963984540054  # normal quantile at 0.975


# -- chi-square goodness of fit ----------------------------------------------------------------------


def test_chi_square_against_the_definition_with_population_scaled_to_the_total():
    observed = [30, 50, 20]
    population = [20_000, 20_000, 10_000]     # shares 40%, 40%, 20%: expected 40, 40, 20 of 100
    expected = [40, 40, 20]
    statistic = sum((o - e) ** 2 / e for o, e in zip(observed, expected))
    assert statistic == pytest.approx(5.0)
    result = chi_square_goodness_of_fit(observed, population)
    assert result.statistic == pytest.approx(statistic)
    assert result.dof == 2
    assert result.p_value == pytest.approx(math.exp(-statistic / 2))  # chi-square survival function, 2 df
    assert result.smallest_expected == pytest.approx(20)
    assert result.significant is False


def test_chi_square_aligns_groups_by_name_and_drops_groups_empty_in_both():
    observed = pd.Series({"18-24": 50, "25-34": 30, "35+": 20, "85+": 0})
    shares = pd.Series({"35+": 0.5, "85+": 0.0, "18-24": 0.25, "25-34": 0.25})  # another order
    expected = {"18-24": 25, "25-34": 25, "35+": 50}
    statistic = sum((observed[g] - e) ** 2 / e for g, e in expected.items())   # 25 + 1 + 18 = 44
    result = chi_square_goodness_of_fit(observed, shares)
    assert result.statistic == pytest.approx(statistic) == pytest.approx(44)
    assert result.dof == 2
    assert result.p_value == pytest.approx(math.exp(-22))
    assert result.significant


def test_chi_square_refuses_mismatched_groups_and_people_in_an_empty_population():
    with pytest.raises(ValueError, match="not in both"):
        chi_square_goodness_of_fit(pd.Series({"a": 1, "b": 2}), pd.Series({"a": 1, "c": 2}))
    with pytest.raises(ValueError, match="no population: b"):
        chi_square_goodness_of_fit(pd.Series({"a": 1, "b": 2}), pd.Series({"a": 1, "b": 0}))
    with pytest.raises(ValueError, match="3 observed groups but 2 expected"):
        chi_square_goodness_of_fit([1, 2, 3], [1, 2])


# -- per-group significance ------------------------------------------------------------------------


def binomial_two_sided(k: int, n: int, p: float) -> float:
    """Exact two-sided binomial p-value: the probability of every outcome no more likely than k."""
    pmf = [math.comb(n, i) * p ** i * (1 - p) ** (n - i) for i in range(n + 1)]
    return min(1.0, sum(q for q in pmf if q <= pmf[k] * (1 + 1e-7)))


def wilson(k: int, n: int) -> tuple[float, float]:
    p = k / n
    centre = (p + Z ** 2 / (2 * n)) / (1 + Z ** 2 / n)
    half = Z * math.sqrt(p * (1 - p) / n + Z ** 2 / (4 * n ** 2)) / (1 + Z ** 2 / n)
    return (centre - half) * 100, (centre + half) * 100


def test_each_group_is_tested_exactly_against_its_population_share():
    observed = pd.Series({"White": 9, "Black": 8, "Asian": 1, "Other": 2})
    population = pd.Series({"White": 600, "Black": 100, "Asian": 200, "Other": 100})
    result = group_proportion_tests(observed, population)
    n = 20
    for group, k in observed.items():
        p = population[group] / population.sum()
        row = result.loc[group]
        assert row["total"] == n
        assert row["share"] == pytest.approx(k / n * 100)
        assert row["expected_share"] == pytest.approx(p * 100)
        assert row["expected"] == pytest.approx(p * n)
        assert row["ratio"] == pytest.approx((k / n) / p)
        assert row["z"] == pytest.approx((k / n - p) / math.sqrt(p * (1 - p) / n))
        assert row["p_value"] == pytest.approx(binomial_two_sided(k, n, p), rel=1e-9)
        assert (row["lower"], row["upper"]) == pytest.approx(wilson(k, n))
    # Black victims: 8 of 20 where the population share is 10% -> over-represented.
    assert result.loc["Black", "significant"] and result.loc["Black", "direction"] == "over"
    assert result.loc["White", "direction"] == "as expected"


def test_the_z_test_option_and_a_holm_adjustment():
    observed, population = [30, 50, 20], [1, 1, 1]
    p = 1 / 3
    z = [(k / 100 - p) / math.sqrt(p * (1 - p) / 100) for k in observed]
    two_sided = [math.erfc(abs(value) / math.sqrt(2)) for value in z]
    result = group_proportion_tests(observed, population, method="z")
    assert list(result["z"]) == pytest.approx(z)
    assert list(result["p_value"]) == pytest.approx(two_sided)
    # Holm: sort p ascending, multiply the i-th smallest by (m - i), keep the running maximum.
    ordered = sorted(range(3), key=lambda i: two_sided[i])
    adjusted, running = [0.0] * 3, 0.0
    for rank, i in enumerate(ordered):
        running = max(running, min(1.0, two_sided[i] * (3 - rank)))
        adjusted[i] = running
    held = group_proportion_tests(observed, population, method="z", adjust="holm")
    assert list(held["p_value"]) == pytest.approx(adjusted)
    with pytest.raises(ValueError, match="method"):
        group_proportion_tests(observed, population, method="t")


# -- two-by-two tables ---------------------------------------------------------------------------------


def fisher_two_sided(a: int, b: int, c: int, d: int) -> float:
    """Sum the hypergeometric probabilities of every table with the same margins no more likely than this one."""
    row1, col1, n = a + b, a + c, a + b + c + d

    def probability(x: int) -> float:
        return math.comb(col1, x) * math.comb(n - col1, row1 - x) / math.comb(n, row1)

    observed = probability(a)
    low, high = max(0, row1 - (n - col1)), min(row1, col1)
    return sum(probability(x) for x in range(low, high + 1) if probability(x) <= observed * (1 + 1e-7))


@pytest.mark.parametrize("table", [[[3, 1], [1, 3]], [[12, 5], [7, 18]], [[2, 9], [11, 4]], [[0, 6], [5, 2]]])
def test_fisher_exact_against_the_hypergeometric_sum(table):
    (a, b), (c, d) = table
    result = fisher_exact_test(table)
    assert result.p_value == pytest.approx(fisher_two_sided(a, b, c, d), rel=1e-9)
    assert result.statistic == (pytest.approx(a * d / (b * c)) if b * c else math.inf)


def test_tea_tasting_is_seventeen_thirty_fifths():
    assert fisher_exact_test([[3, 1], [1, 3]]).p_value == pytest.approx(17 / 35)


def test_odds_ratio_and_woolf_interval_by_hand():
    (a, b), (c, d) = (12, 5), (7, 18)
    estimate = a * d / (b * c)
    se = math.sqrt(1 / a + 1 / b + 1 / c + 1 / d)
    result = odds_ratio([[a, b], [c, d]])
    assert result.estimate == pytest.approx(estimate)
    assert result.lower == pytest.approx(math.exp(math.log(estimate) - Z * se))
    assert result.upper == pytest.approx(math.exp(math.log(estimate) + Z * se))
    assert result.p_value == pytest.approx(fisher_two_sided(a, b, c, d))
    assert result.corrected is False
    assert result.significant == (result.p_value < 0.05)


def test_a_zero_cell_is_replaced_by_a_half_for_the_estimate_but_not_the_p_value():
    result = odds_ratio([[0, 6], [5, 2]])
    estimate = 0.5 * 2 / (6 * 5)
    se = math.sqrt(1 / 0.5 + 1 / 6 + 1 / 5 + 1 / 2)
    assert result.corrected
    assert result.estimate == pytest.approx(estimate)
    assert (result.lower, result.upper) == pytest.approx(
        (math.exp(math.log(estimate) - Z * se), math.exp(math.log(estimate) + Z * se)))
    assert result.p_value == pytest.approx(fisher_two_sided(0, 6, 5, 2))


@pytest.mark.parametrize("table", [[[1, 2, 3], [4, 5, 6]], [[1, -2], [3, 4]], [[1.5, 2], [3, 4]]])
def test_a_table_that_is_not_two_by_two_counts_is_refused(table):
    with pytest.raises(ValueError):
        odds_ratio(table)
    with pytest.raises(ValueError):
        fisher_exact_test(table)
