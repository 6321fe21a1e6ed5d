"""Intervals, rate ratios and rank intervals as the fixture edition publishes them (issue 14, item 4).

Every expected number is worked out here from the published counts or the staged extract with scipy or
statsmodels directly, and every interval, ratio or rank interval beside a hidden count must be hidden.
"""

import json
import math

import numpy as np
import pandas as pd
import pytest
from by_hand import CAMDEN, independent_table2
from scipy.stats import chi2, norm
from statsmodels.stats.rates import confint_poisson_2indep

from vawg.writing.artifacts import read_download

HIDDEN = {"<7", "[c]"}
Z = norm.ppf(0.975)


def byar(observed: int) -> tuple[float, float]:
    """Byar's limits for 10 or more events, the exact (chi-square) Poisson limits below 10, as Fingertips."""
    if observed < 10:
        return (chi2.ppf(0.025, 2 * observed) / 2 if observed else 0.0), chi2.ppf(0.975, 2 * observed + 2) / 2
    lower = observed * (1 - 1 / (9 * observed) - Z / (3 * math.sqrt(observed))) ** 3
    upper = (observed + 1) * (1 - 1 / (9 * (observed + 1)) + Z / (3 * math.sqrt(observed + 1))) ** 3
    return lower, upper


def download(edition, artifact_id: str) -> pd.DataFrame:
    return read_download(edition.root / "artifacts" / "data" / f"{artifact_id}.csv")


def number(text: str) -> float:
    return float(text.replace(",", ""))


def test_figure_4_data_carry_the_byar_interval_of_every_rate(built_edition):
    data = download(built_edition, "fig-vawg-rate-trend")
    assert {"95% CI lower", "95% CI upper"} <= set(data.columns)
    assert set(data["Area"]) == {"Camden", "London"}
    for row in data.itertuples(index=False):
        count, people = row[2], row[3]
        lower, upper = row[data.columns.get_loc("95% CI lower")], row[data.columns.get_loc("95% CI upper")]
        if count in HIDDEN:
            assert lower == upper == "[c]"
            continue
        expected = [limit / number(people) * 1000 for limit in byar(int(number(count)))]
        assert number(lower) == pytest.approx(expected[0], abs=0.0051)
        assert number(upper) == pytest.approx(expected[1], abs=0.0051)
    # The chart says what its error bars are, in the text printed under it.
    partial = (built_edition.root / "artifacts" / "partials" / "fig-vawg-rate-trend.qmd").read_text()
    assert "Error bars: 95% confidence intervals" in partial and "Byar" in partial


@pytest.mark.parametrize("artifact_id", ["fig-ward-vawg-rate", "fig-ward-dva-rate", "fig-ward-sexual-violence-rate",
                                         "fig-ward-stalking-harassment-rate"])
def test_ward_tables_carry_rate_intervals_and_hide_them_with_the_count(built_edition, artifact_id):
    data = download(built_edition, artifact_id)
    assert {"95% CI lower", "95% CI upper"} <= set(data.columns)
    shown = 0
    for _, row in data.iterrows():
        if row["Offences"] in HIDDEN:
            assert row["95% CI lower"] == row["95% CI upper"] == row["Rate per 1,000 female residents"] == "[c]"
            continue
        shown += 1
        expected = [limit / number(row["Female residents (estimated)"]) * 1000 for limit in byar(int(number(row["Offences"])))]
        # The population is printed rounded to a person: allow for it in the third decimal.
        assert number(row["95% CI lower"]) == pytest.approx(expected[0], abs=0.006)
        assert number(row["95% CI upper"]) == pytest.approx(expected[1], abs=0.006)
        assert number(row["95% CI lower"]) <= number(row["Rate per 1,000 female residents"]) <= number(row["95% CI upper"])
    assert shown or artifact_id != "fig-ward-vawg-rate"


def test_table2_rate_ratios_match_statsmodels_and_are_hidden_with_their_counts(built_edition):
    staged = built_edition.root / "staged"
    offences = pd.read_parquet(staged / "police_offences.parquet")
    population = pd.read_parquet(staged / "population.parquet")
    female = population[(population["sex"] == "F") & (population["year"] == 2023)].groupby("area_code")["population"].sum()
    expected = independent_table2(staged)
    published = download(built_edition, "tbl-abuse-type-rates")
    assert {"Rate ratio", "Rate ratio 95% CI lower", "Rate ratio 95% CI upper"} <= set(published.columns)
    n1 = female[CAMDEN]
    n2 = female[offences["borough_code"].unique()].sum() - n1
    checked = 0
    for (abuse_type, row), (_, shown) in zip(expected.iterrows(), published.iterrows()):
        x1, x2 = round(row["borough_rate"] * n1 / 1000), round(row["rest_rate"] * n2 / 1000)
        cells = shown[["Rate ratio", "Rate ratio 95% CI lower", "Rate ratio 95% CI upper"]].tolist()
        if 0 < x1 < 7 or 0 < x2 < 7:
            assert cells == ["[c]"] * 3, abuse_type
            continue
        if x1 == 0 or x2 == 0:
            continue
        lower, upper = confint_poisson_2indep(x1, n1, x2, n2, method="wald-log", compare="ratio")
        assert cells == [f"{(x1 / n1) / (x2 / n2):.2f}", f"{lower:.2f}", f"{upper:.2f}"], abuse_type
        checked += 1
    assert checked >= 3


def test_the_rank_interval_matches_an_independent_simulation(built_edition):
    staged = built_edition.root / "staged"
    offences = pd.read_parquet(staged / "police_offences.parquet")
    counts = offences[(offences["recorded_date"].dt.year == 2024) & offences["vawg"]]["borough_code"].value_counts()
    population = pd.read_parquet(staged / "population.parquet")
    female = population[(population["sex"] == "F") & (population["year"] == 2023)].groupby("area_code")["population"].sum()
    female = female.reindex(counts.index).to_numpy(float)
    rng = np.random.default_rng(7)  # another seed and another way of ranking (scipy's rankdata)
    from scipy.stats import rankdata
    simulated = rng.poisson(counts.to_numpy(), size=(20_000, len(counts))) / female
    own = list(counts.index).index(CAMDEN)
    ranks = np.array([rankdata(-row, method="min")[own] for row in simulated])
    low, high = np.percentile(ranks, [2.5, 97.5])
    values = json.loads((built_edition.root / "artifacts" / "values.json").read_text())
    published = [int(values[f"offences.rank_{end}"]["value"]) for end in ("lower", "upper")]
    assert abs(published[0] - low) <= 1 and abs(published[1] - high) <= 1
    assert published[0] <= int(values["offences.rank"]["value"]) <= published[1]
    funnel = download(built_edition, "fig-vawg-borough-funnel").set_index("Borough")
    assert funnel.loc["Camden", ["Rank 95% interval lower", "Rank 95% interval upper"]].astype(int).tolist() == published


def test_no_interval_or_ratio_is_published_beside_a_hidden_count(built_edition):
    """In every table and chart data file with intervals or ratios, a row whose counts are hidden shows none."""
    checks = {
        "tbl-december-changes": ((1, 2), ["Camden change in rate (%)", "95% CI lower", "95% CI upper"]),
        "tbl-crime-groups": ((1,), ["Rate per 1,000 residents", "Rate 95% CI lower", "Rate 95% CI upper",
                                    "Rate ratio to rest of London", "Rate ratio 95% CI lower",
                                    "Rate ratio 95% CI upper"]),
        "fig-vawg-borough-funnel": ((1,), ["Rank (1 = highest rate)", "Rank 95% interval lower",
                                           "Rank 95% interval upper"]),
    }
    for artifact_id, (count_positions, derived) in checks.items():
        data = download(built_edition, artifact_id)
        assert set(derived) <= set(data.columns), artifact_id
        for _, row in data.iterrows():
            if any(row.iloc[position] in HIDDEN for position in count_positions):
                # "–" on the page, an empty cell in the download: nothing to show (a change from a December of 0),
                # which reveals no hidden count.
                assert all(row[column] in ("[c]", "–", "") for column in derived), (artifact_id, row.iloc[0])
                assert any(row[column] == "[c]" for column in derived), (artifact_id, row.iloc[0])
    values = json.loads((built_edition.root / "artifacts" / "values.json").read_text())
    for key, entry in values.items():
        if key.endswith((".rate_ratio", ".rate_ratio_ci")) and key.startswith("abuse."):
            share = values[key.rsplit(".", 1)[0] + ".share_of_vawg"]["text"]
            if share == "[c]":
                assert entry["text"] == "[c]", key
