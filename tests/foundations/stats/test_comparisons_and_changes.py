"""Statistics against independent calculations on hand-checkable cases."""

import math

import numpy as np
import pandas as pd
import pytest
from scipy.stats import norm

from vawg.foundations.stats.changes import area_change_test, change_dispersion, rate_change_test
from vawg.foundations.stats.comparisons import percent_difference, rank_highest_first, two_proportion_ztest


def pooled_z_by_hand(x1, n1, x2, n2):
    p1, p2 = x1 / n1, x2 / n2
    pooled = (x1 + x2) / (n1 + n2)
    z = (p1 - p2) / math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    return z, 2 * (1 - norm.cdf(abs(z)))


@pytest.mark.parametrize("x1,n1,x2,n2", [(30, 1000, 20, 1000), (5, 400, 40, 900), (3466, 119312, 115000, 4_346_000)])
def test_two_proportion_ztest_matches_the_textbook_formula(x1, n1, x2, n2):
    z, p = pooled_z_by_hand(x1, n1, x2, n2)
    result = two_proportion_ztest(x1, n1, x2, n2)
    assert result.statistic == pytest.approx(z, rel=1e-9)
    assert result.p_value == pytest.approx(p, rel=1e-6, abs=1e-12)


def test_two_proportion_ztest_reproduces_the_reference_table_2_overall_row():
    # Reference edition, Table 2: Camden 29.05 vs rest of London 26.46 per 1,000 females, z = 5.47.
    camden_n, rest_n = 119_312, 4_400_000
    result = two_proportion_ztest(3466, camden_n, round(26.46 * rest_n / 1000), rest_n)
    assert result.statistic == pytest.approx(5.47, abs=0.1)
    assert result.significant


def test_equal_rates_are_not_significant():
    result = two_proportion_ztest(50, 10_000, 500, 100_000)
    assert result.statistic == pytest.approx(0)
    assert not result.significant


def test_area_change_test_of_two_areas_is_the_log_ratio_of_ratios_wald_test():
    # Two areas leave no degrees of freedom for a dispersion: the plain Poisson Wald test.
    a, b, c, d = 400, 480, 10_000, 10_500  # area 1 before/after, area 2 before/after
    log_ratio = math.log((b / a) / (d / c))
    se = math.sqrt(1 / a + 1 / b + 1 / c + 1 / d)
    ones = pd.Series(1.0, index=["one", "two"])
    result = area_change_test(pd.Series([a, c], index=ones.index), pd.Series([b, d], index=ones.index), ones, ones, "one")
    assert result.statistic == pytest.approx(log_ratio / se, rel=1e-6)
    assert result.p_value == pytest.approx(2 * (1 - norm.cdf(abs(log_ratio / se))), rel=1e-5)


# Six areas whose changes vary far more than Poisson would make them; exposures e_i × f_j, so the
# Poisson model of area and period effects is the independence model of the two-way table.
BEFORE = pd.Series([400, 300, 500, 250, 600, 350], index=list("abcdef"), dtype=float)
AFTER = pd.Series([520, 240, 560, 310, 540, 420], index=list("abcdef"), dtype=float)
SIZES = pd.Series([1.0, 0.8, 1.2, 0.7, 1.5, 0.9], index=list("abcdef")) * 100_000


def _independence_chi2(before: pd.Series, after: pd.Series) -> float:
    table = np.column_stack([before, after])
    expected = table.sum(axis=1, keepdims=True) * table.sum(axis=0, keepdims=True) / table.sum()
    return float(((table - expected) ** 2 / expected).sum())


def test_change_dispersion_is_pearsons_chi_square_over_its_degrees_of_freedom():
    by_hand = _independence_chi2(BEFORE, AFTER) / (len(BEFORE) - 1)
    assert by_hand > 2
    assert change_dispersion(BEFORE, AFTER, SIZES, SIZES * 1.02) == pytest.approx(by_hand, rel=1e-6)
    # Changes no more variable than Poisson: no credit for underdispersion.
    assert change_dispersion(BEFORE, BEFORE * 1.1, SIZES, SIZES) == 1.0


def test_quasi_poisson_change_tests_widen_by_the_dispersion():
    others = BEFORE.drop("a"), AFTER.drop("a")
    dispersion = _independence_chi2(*others) / (len(others[0]) - 1)  # the target area is fitted exactly
    log_ratio = math.log((AFTER["a"] / BEFORE["a"]) / (others[1].sum() / others[0].sum()))
    se = math.sqrt(1 / AFTER["a"] + 1 / BEFORE["a"] + 1 / others[1].sum() + 1 / others[0].sum())
    result = area_change_test(BEFORE, AFTER, SIZES, SIZES, "a")
    assert result.statistic == pytest.approx(log_ratio / se / math.sqrt(dispersion), rel=1e-6)
    # One area's change: the Poisson score statistic divided by the square root of the dispersion.
    plain, quasi = rate_change_test(400, 1e5, 520, 1e5), rate_change_test(400, 1e5, 520, 1e5, dispersion=4.0)
    assert quasi.statistic == pytest.approx(plain.statistic / 2)
    assert quasi.p_value == pytest.approx(2 * norm.sf(plain.statistic / 2))
    assert quasi.p_value > plain.p_value


def test_percent_difference_is_relative_to_the_reference():
    assert percent_difference(29.05, 26.46) == pytest.approx(9.788, abs=1e-3)
    assert percent_difference(10.47, 12.91) == pytest.approx(-18.90, abs=1e-2)


def test_rank_is_one_for_the_highest_and_ties_share():
    import pandas as pd

    ranks = rank_highest_first(pd.Series({"a": 3.0, "b": 5.0, "c": 5.0, "d": 1.0}))
    assert ranks.to_dict() == {"a": 3, "b": 1, "c": 1, "d": 4}


def test_no_events_in_either_area_means_no_difference():
    result = two_proportion_ztest(0, 120_000, 0, 4_000_000)
    assert (result.statistic, result.p_value, result.significant) == (0.0, 1.0, False)
