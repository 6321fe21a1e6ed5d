"""Profile statistics (vawg.foundations.stats) against independent hand calculations on small cases.

Every expected value here is worked out with the standard library only:
the chi-square statistic from its definition and, for two degrees of
freedom, its p-value exp(-x/2); binomial and hypergeometric probabilities
from binomial coefficients; Woolf's interval and the Wilson interval from
their formulas. No scipy or statsmodels call is shared with the code.
"""

from __future__ import annotations

import math
import random

import pandas as pd
import pytest
from by_hand import holm

from vawg.foundations.stats.comparisons import two_proportion_ztest
from vawg.foundations.stats.profiles import chi_square_goodness_of_fit, fisher_exact_test, group_proportion_tests, odds_ratio

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
    # The Wald test of the log odds ratio, from the interval's own standard error.
    assert result.p_value == pytest.approx(math.erfc(abs(math.log(estimate) / se) / math.sqrt(2)))
    assert result.corrected is False
    assert result.significant == (result.p_value < 0.05)


def test_a_zero_cell_adds_a_half_to_every_cell_haldane_anscombe():
    result = odds_ratio([[0, 6], [5, 2]])
    estimate = 0.5 * 2.5 / (6.5 * 5.5)
    se = math.sqrt(1 / 0.5 + 1 / 6.5 + 1 / 5.5 + 1 / 2.5)
    assert result.corrected
    assert result.estimate == pytest.approx(estimate)
    assert (result.lower, result.upper) == pytest.approx(
        (math.exp(math.log(estimate) - Z * se), math.exp(math.log(estimate) + Z * se)))
    assert result.p_value == pytest.approx(math.erfc(abs(math.log(estimate) / se) / math.sqrt(2)))


def test_an_odds_ratio_p_value_agrees_with_its_interval():
    # The pair the issue found (interval to 1.00 but p = 0.048) cannot happen: p < 0.05 exactly when 1 is outside.
    rng = random.Random(14)
    for _ in range(300):
        cells = [[rng.randint(0, 40), rng.randint(0, 40)], [rng.randint(0, 40), rng.randint(0, 40)]]
        if (cells[0][0] + cells[0][1]) * (cells[1][0] + cells[1][1]) == 0:
            continue
        result = odds_ratio(cells)
        assert result.significant == (result.lower > 1 or result.upper < 1), cells


def test_a_proportion_test_with_a_cell_of_zero_uses_fishers_exact_test():
    result = two_proportion_ztest(0, 36, 9, 40)
    assert result.p_value == pytest.approx(fisher_two_sided(0, 36, 9, 31))
    assert result.statistic < 0


@pytest.mark.parametrize("table", [[[1, 2, 3], [4, 5, 6]], [[1, -2], [3, 4]], [[1.5, 2], [3, 4]]])
def test_a_table_that_is_not_two_by_two_counts_is_refused(table):
    with pytest.raises(ValueError):
        odds_ratio(table)
    with pytest.raises(ValueError):
        fisher_exact_test(table)


# -- victim profiles (seed Figures 16 and 18) against an independent calculation ---------------------

import numpy as np  # noqa: E402
from conftest import reference_dir  # noqa: E402

from vawg.writing.artifacts import ArtifactWriter, read_download  # noqa: E402
from vawg.analysis.people import profiles  # noqa: E402
from vawg.foundations.paths import project_root  # noqa: E402
from vawg.analysis.people.profiles import VictimProfiles  # noqa: E402

CAMDEN = "E09000007"
POPULATION_BANDS = [f"{start}-{start + 4}" for start in range(0, 90, 5)] + ["90+"]


def _staged_victims(folder, ages: list[int | None], ethnicities: list[str], *, female_per_band: int = 500):
    """Camden victims recorded in 2024 (plus others that must be left out) and a population for mid-2023."""
    folder.mkdir(parents=True, exist_ok=True)
    n = len(ages)
    victims = pd.DataFrame({
        "victim_id": [f"V{i:06d}" for i in range(n + 3)],
        "recorded_date": pd.to_datetime(["2024-03-01"] * n + ["2023-06-01", "2024-05-01", "2024-05-01"]),
        "borough_code": [CAMDEN] * (n + 1) + ["E09000012", CAMDEN],
        "crime_group": "Violence Against The Person",
        "victim_sex": ["F"] * (n + 2) + ["M"],
        "victim_age": pd.array(ages + [30, 30, 30], dtype="Int64"),
        "victim_ethnicity": ethnicities + ["White", "White", "White"],
    })
    victims.to_parquet(folder / "police_victims.parquet", index=False)
    rows = [{"area_code": CAMDEN, "area_name": "Camden", "year": year, "sex": sex, "age_band": band,
             "population": female_per_band if sex == "F" else 400}
            for year in (2022, 2023) for sex in ("F", "M") for band in POPULATION_BANDS]
    pd.DataFrame(rows).to_parquet(folder / "population.parquet", index=False)
    return folder


def _ages(counts: dict[str, int]) -> list[int]:
    ages = []
    for band, count in counts.items():
        start = int(band.rstrip("+").split("-")[0])
        ages += [start + i % 5 for i in range(count)]
    return ages


def test_age_profile_matches_an_independent_calculation(tmp_path):
    counts = {"10-14": 9, "15-19": 30, "20-24": 60, "25-29": 50, "30-34": 40, "35-39": 30, "40-44": 20,
              "45-49": 15, "50-54": 10, "55-59": 8, "60+": 12}
    ages = _ages(counts) + [None, 5]   # one age not recorded, one under 10: both outside the profile
    staged = _staged_victims(tmp_path / "staged", ages, ["White"] * len(ages))
    analysis = VictimProfiles.compute(staged, borough="Camden", period_end="2024-12-31", threshold=7)
    assert analysis.total == len(ages)
    assert analysis.population_year == 2023

    # Female residents aged 10+: 500 in each of 0-4 … 90+, so 60+ holds the seven bands from 60-64 to 90+.
    population = {band: 500 * (7 if band == "60+" else 1) for band in counts}
    n, total_population = sum(counts.values()), sum(population.values())
    expected = {band: population[band] / total_population * n for band in counts}
    statistic = sum((counts[b] - expected[b]) ** 2 / expected[b] for b in counts)
    from scipy.stats import (
        chi2,  # the distribution only; the statistic is worked out above
    )
    result = analysis.age_test()
    assert result.statistic == pytest.approx(statistic)
    assert result.dof == len(counts) - 1
    assert result.p_value == pytest.approx(chi2.sf(statistic, len(counts) - 1))

    profile = analysis.age_profile().set_index("group")
    raw = [binomial_two_sided(counts[b], n, population[b] / total_population) for b in counts]
    for band, p_value in zip(counts, holm(raw)):
        row = profile.loc[band]
        assert row["victims"] == counts[band]
        assert row["share"] == pytest.approx(counts[band] / n * 100)
        assert row["population_share"] == pytest.approx(population[band] / total_population * 100)
        assert row["p_value"] == pytest.approx(p_value, rel=1e-6)
    assert profile.loc["60+", "finding"] == "Under-represented"
    assert profile.loc["20-24", "finding"] == "Over-represented"
    assert analysis.share_aged(18, 34) == pytest.approx(
        sum(1 for a in ages if a is not None and 18 <= a <= 34) / sum(1 for a in ages if a is not None and a >= 10)
        * 100)


def test_small_groups_are_hidden_with_the_next_smallest_in_the_chart_and_its_data(tmp_path):
    counts = {"10-14": 3, "15-19": 30, "20-24": 60, "25-29": 50, "30-34": 40, "35-39": 30, "40-44": 20,
              "45-49": 15, "50-54": 10, "55-59": 8, "60+": 12}
    staged = _staged_victims(tmp_path / "staged", _ages(counts), ["White"] * sum(counts.values()))
    analysis = VictimProfiles.compute(staged, borough="Camden", period_end="2024-12-31", threshold=7)
    figure = profiles.figure_victim_age_profile(analysis)
    writer = ArtifactWriter(tmp_path / "artifacts", 7)
    writer.figure(figure)
    published = read_download(tmp_path / "artifacts" / "data" / "fig-victim-age-profile.csv").set_index(
        "Age band")
    assert published.loc["10-14", "Victims"] == "<7"
    assert published.loc["10-14", "% of victims"] == "[c]"
    assert published.loc["10-14", "Finding"] == "[c]"
    # With the total published, one hidden band could be worked out: the next smallest (55-59, 8) goes too.
    assert published.loc["55-59", "Victims"] == "[c]"
    assert set(published.loc["55-59", ["% of victims", "p-value (exact binomial, Holm-adjusted)", "Finding"]]) == {
        "[c]"}
    assert published.loc["60+", "Victims"] == "12"
    # The hidden bars are not drawn: their plotted values are missing.
    long = profiles._long(analysis.age_profile(), 7, "Residents")
    victims = long[long["series"] == "Victims"].set_index("group")
    assert np.isnan(victims.loc["10-14", "plotted"]) and np.isnan(victims.loc["55-59", "plotted"])
    assert victims.loc["10-14", "label_text"] == "[c]"
    # And neither the prose nor the alt text names them.
    sentence = profiles.prose_values(analysis)["profiles.age_groups_sentence"][0]
    assert "10-14" not in sentence and "55-59" not in sentence and "10-14" not in figure.alt.split("bands from")[1][12:]


def test_female_victims_ethnic_groups_are_not_set_against_residents_of_both_sexes(tmp_path):
    """The open Census table (TS021) counts residents of both sexes: the five groups of female victims are shown
    without a comparator, and their share outside the White groups is tested against the published share of female
    residents (RM032), read here with plain pandas and tested with scipy."""
    from scipy.stats import binomtest

    groups = {"White": 40, "Black": 35, "Asian": 15, "Mixed": 8, "Other": 9, "Not recorded": 20}
    ethnicities = [group for group, count in groups.items() for _ in range(count)]
    staged = _staged_victims(tmp_path / "staged", [30] * len(ethnicities), ethnicities)
    analysis = VictimProfiles.compute(staged, borough="Camden", period_end="2024-12-31", threshold=7,
                                      reference_dir=reference_dir())
    assert analysis.ethnicity_test() is None
    profile = analysis.ethnicity_profile().set_index("group")
    assert set(profile["finding"]) == {"Not tested"} and profile["population_share"].isna().all()

    comparators = pd.read_csv(project_root() / "data" / "reference" / "published_comparators.csv")
    row = comparators[(comparators["indicator"] == "ethnic_minority_female") & (comparators["area"] == "Camden")]
    female_minority = float(row["value"].iloc[0])
    known = sum(count for group, count in groups.items() if group != "Not recorded")
    minority = known - groups["White"]
    expected = binomtest(minority, known, female_minority / 100)
    test = analysis.minority_test()
    assert test["observed"] == minority and test["total"] == known
    assert test["expected_share"] == pytest.approx(female_minority)
    assert test["p_value"] == pytest.approx(expected.pvalue, rel=1e-9)
    assert test["direction"] == ("as expected" if expected.pvalue >= 0.05 else
                                 "over" if minority / known > female_minority / 100 else "under")

    figure = profiles.figure_victim_ethnicity_profile(analysis)
    # No comparator of the wrong sex on the chart, in its caption or in its data; the note says why.
    assert "residents" not in figure.caption and "Census" not in figure.source
    assert "female residents by ethnic group" in figure.description and "both sexes" in figure.description
    assert "Population" not in " ".join(column.header for column in figure.columns)
    sentence = profiles.prose_values(analysis)["profiles.ethnicity_sentence"][0]
    assert "both sexes" in sentence and "female residents of all ages" in sentence and "RM032" in sentence
    assert f"{female_minority:.1f}%" in sentence


def test_without_a_published_female_figure_the_ethnic_profile_is_shown_and_says_no_comparator(tmp_path):
    import dataclasses

    staged = _staged_victims(tmp_path / "staged", [30] * 60, ["White"] * 30 + ["Black"] * 30)
    analysis = dataclasses.replace(
        VictimProfiles.compute(staged, borough="Camden", period_end="2024-12-31", threshold=7),
        female_minority_share=None)
    assert analysis.ethnicity_test() is None and analysis.minority_test() is None
    figure = profiles.figure_victim_ethnicity_profile(analysis)
    assert "not compared" in figure.alt
    assert set(figure.data["finding"]) == {"Not tested"}
    # Nothing claims a comparison that was not made.
    assert "residents" not in figure.caption and "Census" not in figure.source
    sentence = profiles.prose_values(analysis)["profiles.ethnicity_sentence"][0]
    assert "not compared" in sentence and "binomial" not in sentence


def test_the_victims_age_comparator_is_female_residents(tmp_path):
    staged = _staged_victims(tmp_path / "staged", [30] * 60, ["White"] * 60)
    analysis = VictimProfiles.compute(staged, borough="Camden", period_end="2024-12-31", threshold=7)
    figure = profiles.figure_victim_age_profile(analysis)
    assert profiles.AGE_COMPARATOR.sex == "F" and profiles.AGE_COMPARATOR.label == "female residents aged 10 and over"
    assert "female residents aged 10 and over" in figure.caption and "female residents aged 10 and over" in figure.alt


def test_victim_profiles_are_in_the_build_with_every_quoted_value(built_edition):
    import json
    import re

    from vawg.foundations.paths import project_root

    manifest = json.loads((built_edition.root / "artifacts" / "manifest.json").read_text(encoding="utf-8"))
    ids = {figure["id"] for figure in manifest["figures"]}
    assert {"fig-victim-age-profile", "fig-victim-ethnicity-profile"} <= ids
    values = json.loads((built_edition.root / "artifacts" / "values.json").read_text(encoding="utf-8"))
    prose = (project_root() / "chapters" / "_03-victim-profiles.qmd").read_text(encoding="utf-8")
    for key in re.findall(r"\{\{< var (\S+) >\}\}", prose):
        assert key in values, key
    assert not re.search(r"\d", re.sub(r"\{\{<.*?>\}\}", "", prose))
    # The staged extract, counted with plain pandas, gives the published number of victims.
    victims = pd.read_parquet(built_edition.root / "staged" / "police_victims.parquet")
    camden = victims[(victims["borough_code"] == CAMDEN) & (victims["victim_sex"] == "F")
                     & (victims["recorded_date"].dt.year == 2024)]
    assert values["profiles.victims"]["value"] == len(camden)
    published = read_download(built_edition.root / "artifacts" / "data" / "fig-victim-age-profile.csv")
    for shown in published["Victims"]:
        assert shown in ("<7", "[c]") or int(shown.replace(",", "")) >= 7
