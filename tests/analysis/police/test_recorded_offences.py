"""Table 2 (rates by abuse type) against an independent calculation from the staged extract.

The check reads the staged Parquet and the reference CSVs with plain pandas and
applies the pooled two-proportion z-test formula by hand; it shares no code
with the analysis.
"""

import pandas as pd
import pytest
from by_hand import independent_table2

from vawg.writing.artifacts import read_download
from vawg.foundations.paths import project_root
from vawg.analysis.police.recorded_offences import RecordedOffences

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
