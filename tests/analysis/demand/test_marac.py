"""MARAC section (vawg.analysis.demand.marac) against independent calculations on small hand-made annual tables.

The checks compute rates, shares and the pooled two-proportion z-test by hand
(no code shared with the analysis), plant small counts to see them withheld in
charts, tables and sentences, and (slow) reproduce the seed's MARAC figures
from the default synthetic data through the analysis itself.
"""

from __future__ import annotations

import json
import math

import pandas as pd
import pytest
from by_hand import area_row, write_marac
from scipy.stats import norm

from vawg.writing.artifacts import ArtifactWriter
from vawg.analysis.demand import marac
from vawg.foundations.errors import DataError
from vawg.foundations.paths import project_root

from vawg.writing.artifacts import read_download



def pooled_p(x1: int, n1: int, x2: int, n2: int) -> float:
    pooled = (x1 + x2) / (n1 + n2)
    z = (x1 / n1 - x2 / n2) / math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    return 2 * norm.sf(abs(z))


@pytest.fixture
def two_years(tmp_path):
    """The borough and England and Wales in 2019 and 2024; the borough's LGBTQ+ count in 2024 is planted at 3."""
    write_marac(tmp_path, [
        area_row(2019, "Camden", 200, 50_000, repeat_cases=70, police_referrals=80, idva_involved=90,
                 cases_with_children=80, children_in_households=140, bame_victims=60, lgbtq_victims=10,
                 victims_16_17=8),
        area_row(2024, "Camden", 240, 50_000, repeat_cases=72, police_referrals=238, idva_involved=70,
                 cases_with_children=110, children_in_households=200, bame_victims=90, lgbtq_victims=3,
                 victims_16_17=0),
        area_row(2019, "England and Wales", 100_000, 25_000_000, repeat_cases=30_000, police_referrals=63_000,
                 idva_involved=65_000, cases_with_children=54_000, children_in_households=100_000,
                 bame_victims=14_000, lgbtq_victims=1_300, victims_16_17=2_000),
        area_row(2024, "England and Wales", 120_000, 25_000_000, repeat_cases=33_600, police_referrals=69_600,
                 idva_involved=75_600, cases_with_children=62_640, children_in_households=110_000,
                 bame_victims=18_720, lgbtq_victims=1_920, victims_16_17=2_640),
    ])
    return marac.Marac.compute(tmp_path, borough="Camden", period_end="2024-12-31", threshold=7)


def test_rates_are_cases_per_10000_women_aged_16_and_over(two_years):
    rates = two_years.rates().set_index(["area", "year"])
    assert rates.loc[("Camden", 2024), "rate"] == pytest.approx(240 / 50_000 * 10_000)
    assert rates.loc[("England and Wales", 2019), "rate"] == pytest.approx(40.0)


def test_the_borough_is_compared_with_the_nation_by_a_pooled_two_proportion_test(two_years):
    row = two_years.comparison("bame_victims").set_index("area").loc["England and Wales"]
    assert row["share"] == pytest.approx(90 / 240 * 100)
    assert row["other_share"] == pytest.approx(18_720 / 120_000 * 100)
    assert row["test"].p_value == pytest.approx(pooled_p(90, 240, 18_720, 120_000))
    sentence = marac.comparison_sentence(two_years, "bame_victims")
    assert "37.5%" in sentence and "higher than the 15.6% in England and Wales" in sentence


def test_the_change_since_the_first_year_is_tested(two_years):
    assert two_years.change_test("idva_involved").p_value == pytest.approx(pooled_p(70, 240, 90, 200))
    sentence = marac.change_sentence(two_years, "idva_involved", "cases with an IDVA involved")
    assert "fell from 45.0% in 2019 to 29.2% in 2024" in sentence


def test_children_in_the_households_and_their_change(two_years, tmp_path):
    writer = ArtifactWriter(tmp_path / "artifacts", 7)
    writer.values(marac.prose_values(two_years))
    values = json.loads((tmp_path / "artifacts" / "values.json").read_text())
    assert values["marac.children"]["text"] == "200"
    assert values["marac.children_change"]["text"] == "+42.9%"  # 200 / 140 - 1
    assert values["marac.with_children_share"]["value"] == pytest.approx(110 / 240 * 100)


def test_a_planted_small_count_is_withheld_from_the_chart_its_data_and_the_prose(two_years, tmp_path):
    writer = ArtifactWriter(tmp_path / "artifacts", 7)
    figure = marac.figure_marac_lgbtq(two_years)
    writer.figure(figure)
    writer.values(marac.prose_values(two_years))
    data = read_download(tmp_path / "artifacts" / "data" / "fig-marac-lgbtq.csv")
    borough_2024 = data[(data["Area"] == "Camden") & (data["Year"] == "2024")].iloc[0]
    assert borough_2024["Cases with the characteristic"] == "<7"
    assert borough_2024["% of cases"] == "[c]" and borough_2024["95% CI upper (%)"] == "[c]"
    plotted = figure.plot.data
    assert plotted.loc[(plotted["area"] == "Camden") & (plotted["year"] == 2024), "plotted"].isna().all()
    values = json.loads((tmp_path / "artifacts" / "values.json").read_text())
    assert values["marac.lgbtq_share"]["text"] == "[c]" and values["marac.lgbtq_share"]["value"] is None
    sentence = values["marac.lgbtq_sentence"]["text"]
    assert "1.3%" not in sentence and "not published" in sentence


def test_a_share_is_withheld_when_the_rest_of_the_cases_is_small(two_years, tmp_path):
    """238 of 240 referred by the police: the 2 others would follow from the published total."""
    writer = ArtifactWriter(tmp_path / "artifacts", 7)
    writer.values(marac.prose_values(two_years))
    writer.table(marac.table_marac_borough_trend(two_years))
    values = json.loads((tmp_path / "artifacts" / "values.json").read_text())
    assert values["marac.police_share"]["text"] == "[c]" and values["marac.non_police_share"]["text"] == "[c]"
    table = read_download(tmp_path / "artifacts" / "data" / "tbl-marac-borough-trend.csv")
    row = table[table["Year"] == "2024"].iloc[0]
    assert row["% referred by the police"] == "[c]" and row["% referred by other agencies"] == "[c]"
    assert "2024 rests on too few cases" in values["marac.police_change_sentence"]["text"]


def test_the_peak_names_every_year_that_reaches_it(tmp_path):
    rows = [area_row(year, "Camden", cases, 10_000, police_referrals=cases // 2)
            for year, cases in ((2019, 42), (2020, 56), (2021, 56), (2022, 48))]
    write_marac(tmp_path, rows)
    analysis = marac.Marac.compute(tmp_path, borough="Camden", period_end="2022-12-31", threshold=7)
    assert analysis.peak() == (56.0, [2020, 2021])
    assert analysis.comparators == []
    assert "2022 the borough's MARAC heard 48 cases" in marac._rate_sentence(analysis)


def test_another_councils_marac_is_not_read_as_the_boroughs(tmp_path):
    """Camden's MARAC rows never stand in for Hackney's: the borough's own rows must carry its name."""
    write_marac(tmp_path, [area_row(2024, "Camden", 40, 10_000, police_referrals=20),
                           area_row(2024, "England and Wales", 480, 100_000, police_referrals=240)])
    with pytest.raises(DataError, match="no 2024 row for Hackney"):
        marac.Marac.compute(tmp_path, borough="Hackney", period_end="2024-12-31", threshold=7)


def test_a_missing_report_year_is_a_clear_error(tmp_path):
    write_marac(tmp_path, [area_row(2019, "Camden", 40, 10_000, police_referrals=20)])
    with pytest.raises(DataError, match="no 2024 row for Camden"):
        marac.Marac.compute(tmp_path, borough="Camden", period_end="2024-12-31", threshold=7)


# -- calibration: the default data reproduce the seed's figures through the analysis itself --------------------

def analysed_targets(folder) -> dict[str, float]:
    analysis = marac.Marac.compute(folder, borough="Camden", period_end="2024-12-31", threshold=7)
    rates = analysis.rates().set_index(["area", "year"])["rate"]
    trend = marac.table_marac_borough_trend(analysis).data.set_index("year")

    def share(part, year=2024, area="Camden"):
        return analysis.share(part, area, year)[0]

    return {
        "marac.rate_2019": rates[("Camden", 2019)], "marac.rate_2022": rates[("Camden", 2022)],
        "marac.rate_2023": rates[("Camden", 2023)], "marac.rate_2024": rates[("Camden", 2024)],
        "marac.national_rate_2019": rates[("England and Wales", 2019)],
        "marac.national_rate_2024": rates[("England and Wales", 2024)],
        "marac.repeat_share_2019": share("repeat_cases", 2019), "marac.repeat_share_2024": share("repeat_cases"),
        "marac.police_share_2019": share("police_referrals", 2019),
        "marac.police_share_2024": share("police_referrals"),
        "marac.non_police_share_2024": analysis.non_police()[0],
        "marac.idva_share_2019": share("idva_involved", 2019), "marac.idva_share_2024": share("idva_involved"),
        "marac.children_2019": trend.loc[2019, "children"], "marac.children_2024": trend.loc[2024, "children"],
        "marac.children_change_2019_2024": marac.prose_values(analysis)["marac.children_change"][0],
        "marac.with_children_share_2024": share("cases_with_children"),
        "marac.london_with_children_share_2024": share("cases_with_children", area="Metropolitan Police area"),
        "marac.national_with_children_share_2024": share("cases_with_children", area="England and Wales"),
        "marac.bame_share_2024": share("bame_victims"),
        "marac.national_bame_share_2024": share("bame_victims", area="England and Wales"),
    }


@pytest.mark.slow
def test_the_analysis_reproduces_the_seed_marac_figures_from_the_default_data(full_scale_staged):
    targets = pd.read_csv(project_root() / "data" / "calibration" / "targets.csv").set_index("target")
    analysed = analysed_targets(full_scale_staged)
    assert set(analysed) == {t for t in targets.index if t.startswith("marac.")}
    misses = [f"{target}: {value:.3f}, seed {targets.loc[target, 'value']} ± {targets.loc[target, 'tolerance']}"
              for target, value in analysed.items()
              if abs(value - targets.loc[target, "value"]) > targets.loc[target, "tolerance"] + 1e-9]
    assert not misses, "\n".join(misses)
