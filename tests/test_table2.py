"""Table 2 (rates by abuse type) against an independent calculation from the staged extract.

The check reads the staged Parquet and the reference CSVs with plain pandas and
applies the pooled two-proportion z-test formula by hand; it shares no code
with the analysis.
"""

import math

import pandas as pd
import pytest
from by_hand import holm
from scipy.stats import fisher_exact, norm

from vawg.writing.artifacts import read_download
from vawg.foundations.paths import project_root
from vawg.analysis.police.recorded_offences import RecordedOffences

CAMDEN = "E09000007"


def independent_table2(staged) -> pd.DataFrame:
    offences = pd.read_parquet(staged / "police_offences.parquet")
    offences = offences[(offences["recorded_date"].dt.year == 2024) & offences["vawg"]]
    population = pd.read_parquet(staged / "population.parquet")
    female = population[(population["sex"] == "F") & (population["year"] == 2023)]
    female = female.groupby("area_code")["population"].sum()
    police_boroughs = offences["borough_code"].unique()
    reference = project_root() / "data" / "reference"
    types = pd.read_csv(reference / "abuse_types.csv", keep_default_na=False)
    names = pd.read_csv(reference / "abuse_type_offences.csv")
    rows = []
    n1 = female[CAMDEN]
    n2 = female[[code for code in police_boroughs if code != CAMDEN]].sum()
    for t in types.itertuples():
        if t.rule == "none":
            continue
        if t.rule == "all_vawg":
            flagged = offences
        elif t.rule == "extract_flag":
            flagged = offences[offences[t.extract_field]]
        else:
            listed = set(names.loc[names["abuse_type"] == t.abuse_type, "vawg_offence_name"].str.strip())
            flagged = offences[offences["vawg_offence_name"].str.strip().isin(listed)]
        x1 = int((flagged["borough_code"] == CAMDEN).sum())
        x2 = int((flagged["borough_code"] != CAMDEN).sum())
        pooled = (x1 + x2) / (n1 + n2)
        # With no offences anywhere the two rates are equal: z = 0.
        z = 0.0 if pooled == 0 else (x1 / n1 - x2 / n2) / math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
        # A cell of 0 (no offences in one area): Fisher's exact test instead of the normal approximation.
        p = fisher_exact([[x1, n1 - x1], [x2, n2 - x2]])[1] if x1 + x2 and min(x1, x2) == 0 else 2 * norm.sf(abs(z))
        rows.append({"abuse_type": t.abuse_type, "borough_rate": x1 / n1 * 1000, "rest_rate": x2 / n2 * 1000,
                     "z": z, "p_unadjusted": p})
    table = pd.DataFrame(rows).set_index("abuse_type")
    # The abuse types are one family (Holm); the overall row stands alone.
    table["p"] = table["p_unadjusted"]
    types = table.index != "all_vawg"
    table.loc[types, "p"] = holm(table.loc[types, "p_unadjusted"].tolist())
    return table


def test_table2_statistics_match_an_independent_calculation(built_edition):
    staged = built_edition.root / "staged"
    expected = independent_table2(staged)
    analysis = RecordedOffences.compute(staged, borough="Camden", period_end="2024-12-31", threshold=7)
    computed = analysis.abuse_type_comparison().set_index("abuse_type")
    assert list(computed.index) == list(expected.index)
    for column in ("borough_rate", "rest_rate", "z", "p_unadjusted", "p"):
        pd.testing.assert_series_equal(computed[column], expected[column], check_names=False, rtol=1e-9, atol=1e-12)
    assert (computed["significant"] == (expected["p"] < 0.05)).all()


def test_table2_as_published_rounds_the_computed_rates(built_edition):
    staged = built_edition.root / "staged"
    expected = independent_table2(staged)
    published = read_download(built_edition.root / "artifacts" / "data" / "tbl-abuse-type-rates.csv")
    overall = published.iloc[0]
    assert overall["Camden rate per 1,000"] == f"{expected.loc['all_vawg', 'borough_rate']:.2f}"
    assert overall["Rest of London rate"] == f"{expected.loc['all_vawg', 'rest_rate']:.2f}"
    assert overall["z-score"] == f"{expected.loc['all_vawg', 'z']:.2f}"


def test_the_funnel_plot_places_each_borough_as_an_exact_poisson_test_does(built_edition):
    """Each borough's rate against the London average: outside the 99.8% limits only if an exact Poisson
    test of its count against the count expected at the London rate gives p < 0.001 on that side."""
    import json

    from scipy.stats import poisson

    staged = built_edition.root / "staged"
    offences = pd.read_parquet(staged / "police_offences.parquet")
    counts = offences[(offences["recorded_date"].dt.year == 2024) & offences["vawg"]]["borough_code"].value_counts()
    population = pd.read_parquet(staged / "population.parquet")
    female = population[(population["sex"] == "F") & (population["year"] == 2023)].groupby("area_code")["population"].sum()
    female = female.reindex(counts.index)
    expected = female * counts.sum() / female.sum()
    names = pd.read_csv(project_root() / "data" / "reference" / "boroughs.csv").set_index("borough_code")["borough_name"]
    published = pd.read_csv(built_edition.root / "artifacts" / "data" / "fig-vawg-borough-funnel.csv").set_index("Borough")
    assert len(published) == len(counts) == 32
    for code, count in counts.items():
        row = published.loc[names[code]]
        assert float(row["Rate per 1,000 female residents"]) == pytest.approx(count / female[code] * 1000, abs=0.005)
        high, low = poisson.sf(count - 1, expected[code]), poisson.cdf(count, expected[code])
        if row["Against the London average"] == "above the 99.8% limit":
            assert high < 0.0011
        if row["Against the London average"] == "within the 95% limits":
            assert high > 0.02 and low > 0.02
    manifest = json.loads((built_edition.root / "artifacts" / "manifest.json").read_text())
    alt = next(f["alt"] for f in manifest["figures"] if f["id"] == "fig-vawg-borough-funnel")
    assert alt.startswith("Funnel plot of the 32 London boroughs") and "Camden's rate" in alt
