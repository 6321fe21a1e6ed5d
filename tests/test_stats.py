"""Statistics against independent calculations on hand-checkable cases."""

import math

import pytest
from scipy.stats import norm

from vawg.stats import percent_difference, rank_highest_first, rate_ratio_change_test, two_proportion_ztest


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


def test_rate_ratio_change_test_equals_the_log_ratio_of_ratios_wald_test():
    a, b, c, d = 400, 480, 10_000, 10_500  # area 1 before/after, area 2 before/after
    log_ratio = math.log((b / a) / (d / c))
    se = math.sqrt(1 / a + 1 / b + 1 / c + 1 / d)
    result = rate_ratio_change_test(a, b, c, d)
    assert result.statistic == pytest.approx(log_ratio / se, rel=1e-6)
    assert result.p_value == pytest.approx(2 * (1 - norm.cdf(abs(log_ratio / se))), rel=1e-5)


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
