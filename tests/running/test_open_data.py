"""The open ONS/GLA data shipped in data/open/: the default build's geography, ward populations and licence.

Unit-level checks read the shipped files with plain pandas; the rest inspect
the session's default edition (``built_edition``: the small synthetic extract,
generated and built with every default, so with the shipped data).
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from vawg.writing.artifacts import read_download
from vawg.intake.contracts import reference_data
from vawg.foundations.parameters import parse_parameters
from vawg.foundations.paths import project_root
from vawg.analysis.denominators import HOUSEHOLD_SHARE, WARD_ESTIMATE, ward_female_estimates
from vawg.foundations.reference import OPEN_DATA_ATTRIBUTION, open_data_dir
from vawg.intake.staging import read_table

OPEN = project_root() / "data" / "open"
CAMDEN, HACKNEY = "E09000007", "E09000012"
MAPS = ("fig-ward-vawg-rate", "fig-ward-vawg-clusters", "fig-ward-dva-rate", "fig-ward-sexual-violence-rate",
        "fig-ward-stalking-harassment-rate")
LICENCE = "Open Government Licence v3.0"


def test_every_shipped_file_is_a_reference_contract_file_and_documented():
    contracts = {Path(c.folder) / c.files for c in reference_data.REFERENCE_CONTRACTS}
    shipped = {path.relative_to(OPEN) for path in OPEN.rglob("*") if path.is_file()} - {Path("SOURCES.md")}
    sources = (OPEN / "SOURCES.md").read_text(encoding="utf-8")
    assert contracts <= shipped
    for path in shipped:
        assert f"### {path.as_posix()}" in sources or path.name in sources, path
    assert LICENCE in sources


def test_the_shipped_folder_is_the_default_and_a_reference_dir_overrides_it(tmp_path):
    assert open_data_dir() == OPEN
    assert parse_parameters().reference_dir == OPEN
    assert parse_parameters(reference_dir=tmp_path).reference_dir == tmp_path


# -- ward populations ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def estimates() -> pd.DataFrame:
    wards = read_table(reference_data.WARD_LOOKUP, OPEN)
    sape = read_table(reference_data.POPULATION_WARD_2020, OPEN)
    households = read_table(reference_data.DEPRIVATION_WARD, OPEN).set_index("ward_code")["total_households"]
    return ward_female_estimates(wards, sape, households).merge(wards[["ward_code", "ward_name"]])


def test_ward_estimates_add_up_to_each_boroughs_ons_female_population(estimates):
    lad = pd.read_csv(OPEN / "population" / "london_mye_mid2020_lad_sex_age5.csv")
    female = lad[(lad["sex"] == "F") & (lad["age_band"] == "all_ages")].set_index("lad21_code")["population"]
    totals = estimates.groupby("borough_code")["female_2020"].sum()
    assert set(totals.index) == set(female.index)
    assert ((totals / female.reindex(totals.index) - 1).abs() < 0.01).all()
    assert (estimates["female_2020"] >= 0).all()


def test_unchanged_wards_take_the_ons_ward_estimate_and_changed_ones_their_households(estimates):
    sape = pd.read_csv(OPEN / "population" / "london_sape_mid2020_wards2020_sex_sya.csv",
                       usecols=["ward20_name", "lad21_code", "sex", "all_ages"])
    female = sape[sape["sex"] == "F"]
    # Hackney's 21 wards have kept their 2014 names and boundaries: each is its own ONS estimate.
    hackney = estimates[estimates["borough_code"] == HACKNEY].set_index("ward_name")
    assert (hackney["method"] == WARD_ESTIMATE).all() and len(hackney) == 21
    expected = female[female["lad21_code"] == HACKNEY].set_index("ward20_name")["all_ages"]
    assert hackney.loc["Dalston", "female_2020"] == expected["Dalston"]
    assert hackney.loc["Hackney Wick", "female_2020"] == expected["Hackney Wick"]
    # Camden's wards changed in 2022: the borough's women are shared by Census 2021 households (best-fit LSOAs).
    camden = estimates[estimates["borough_code"] == CAMDEN].set_index("ward_code")
    assert (camden["method"] == HOUSEHOLD_SHARE).all() and len(camden) == 20
    census = pd.read_csv(OPEN / "census" / "london_ts011_household_deprivation_ward22_bestfit.csv")
    households = census.set_index("ward22_code")["total_households"].reindex(camden.index)
    total = female.loc[female["lad21_code"] == CAMDEN, "all_ages"].sum()
    pd.testing.assert_series_equal(camden["female_2020"], total * households / households.sum(),
                                   check_names=False, rtol=1e-12)
    assert camden["female_2020"].nunique() == 20, "no equal split"


# -- the default edition ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def manifest(built_edition) -> dict:
    return json.loads((built_edition.root / "artifacts" / "manifest.json").read_text(encoding="utf-8"))


def _figure(manifest: dict, figure_id: str) -> dict:
    return next(figure for figure in manifest["figures"] if figure["id"] == figure_id)


def test_the_default_editions_wards_are_the_shipped_ons_ward_codes(small_extract):
    lookup = pd.read_csv(OPEN / "geo" / "london_wards_2022_lookup.csv")
    wards = pd.read_csv(small_extract / "wards.csv")
    offences = pd.read_parquet(small_extract / "police_offences" / "police_offences.parquet",
                               columns=["ward_code", "ward_name"])
    assert set(wards["ward_code"]) <= set(lookup["WD22CD"])
    assert set(offences["ward_code"]) <= set(lookup["WD22CD"])


def test_the_maps_are_of_camdens_real_wards_and_add_up_to_its_female_population(built_edition, manifest):
    lookup = pd.read_csv(OPEN / "geo" / "london_wards_2022_lookup.csv")
    names = set(lookup.loc[lookup["LAD22CD"] == CAMDEN, "WD22NM"])
    population = pd.read_parquet(built_edition.root / "staged" / "population.parquet")
    values = json.loads((built_edition.root / "artifacts" / "values.json").read_text(encoding="utf-8"))
    year = int(values["geography.population_year"]["text"])
    female = population[(population["area_code"] == CAMDEN) & (population["sex"] == "F")
                        & (population["year"] == year)]["population"].sum()
    for figure_id in MAPS:
        data = pd.read_csv(built_edition.root / "artifacts" / "data" / f"{figure_id}.csv", dtype=str)
        assert set(data["Ward"]) == names, figure_id
        figure = _figure(manifest, figure_id)
        assert figure["alt"].startswith("Map of Camden's 20 wards"), figure_id
        assert "tile map" not in figure["caption"].lower()
    residents = pd.read_csv(built_edition.root / "artifacts" / "data" / "fig-ward-vawg-rate.csv",
                            thousands=",")["Female residents (estimated)"]
    assert residents.sum() == pytest.approx(female, rel=0.01)
    assert residents.nunique() == 20, "no equal split"


def test_every_map_carries_the_open_government_licence_attribution(manifest, built_edition):
    for figure_id in MAPS + ("fig-ward-deprivation",):
        assert OPEN_DATA_ATTRIBUTION in _figure(manifest, figure_id)["source"], figure_id
    # The source note under each map on the web page (the image's own caption: test_geography's unit test).
    from bs4 import BeautifulSoup

    page = next(built_edition.outputs["html"].parent.rglob("03-local-picture.html"))
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "lxml")
    for figure_id in MAPS:
        figure = soup.find(id=figure_id)
        assert figure is not None, figure_id
        note = figure.find_next(string=lambda text: text and "Source:" in text).find_parent(["p", "em"])
        assert LICENCE in " ".join(note.get_text(" ").split()), figure_id


def test_the_colophon_and_appendix_6a_carry_the_attribution(built_edition):
    from bs4 import BeautifulSoup

    site = built_edition.outputs["html"].parent
    index = BeautifulSoup((site / "index.html").read_text(encoding="utf-8"), "lxml").get_text(" ")
    assert OPEN_DATA_ATTRIBUTION in " ".join(index.split())
    appendix = next(site.rglob("a6-quantitative-methods.html")).read_text(encoding="utf-8")
    text = " ".join(BeautifulSoup(appendix, "lxml").get_text(" ").split())
    assert OPEN_DATA_ATTRIBUTION in text
    assert "mid-2020 small area estimates" in text and "best fit each ward" in text  # 6d: the method


def test_figure_14_is_a_scatter_with_its_correlations(manifest, built_edition):
    figure = _figure(manifest, "fig-ward-deprivation")
    assert figure["alt"].startswith("Scatter plot") and "r = " in figure["alt"]
    assert "not available" not in figure["caption"]
    data = pd.read_csv(built_edition.root / "artifacts" / "data" / "fig-ward-deprivation.csv", dtype=str)
    assert len(data) > 600 and (data["Borough"] == "Camden").sum() == 20
    values = json.loads((built_edition.root / "artifacts" / "values.json").read_text(encoding="utf-8"))
    assert "deprivation.borough_r" in values and "deprivation.london_r" in values


# The reference edition itself has no borough figure for these (its Table 1 prints "N/A"), and no open file holds one.
NO_BOROUGH_FIGURE = {"Single female parents (% of households in temporary accommodation)",
                     "Single adults (% of households in temporary accommodation)"}


def test_table_1_has_every_camden_and_london_figure_the_open_data_provide(built_edition):
    table = read_download(built_edition.root / "artifacts" / "data" / "tbl-at-risk-populations.csv")
    for column in ("Camden", "London"):
        missing = set(table.loc[table[column].str.contains("not available", na=False), "At-risk group"])
        assert missing <= NO_BOROUGH_FIGURE, (column, missing)
    groups = set(table["At-risk group"])
    for census_row in ("Asian, Black, Mixed or Other ethnic groups (% of residents)", "LGB+ (% aged 16 and over)",
                       "Deprived in exactly one dimension (% of households)",
                       "Deprived in at least one dimension (% of households)"):
        assert census_row in groups, census_row


def test_no_page_of_the_default_build_says_an_open_data_table_was_not_supplied(built_edition):
    """The Census comparisons (ethnicity, sexual orientation, deprivation) of Chapter 3 and the service profiles
    run on the shipped open data: their "table was not supplied" fallbacks never reach the default edition."""
    from bs4 import BeautifulSoup

    site = built_edition.outputs["html"].parent
    said = [page.name for page in site.rglob("*.html")
            if "was not supplied with this edition" in BeautifulSoup(page.read_text(encoding="utf-8"),
                                                                      "lxml").get_text(" ")]
    assert not said, said
    chapter = BeautifulSoup((site / "chapters" / "03-local-picture.html").read_text(encoding="utf-8"),
                            "lxml").get_text(" ")
    assert "Census" in chapter and "chi-square" in chapter  # the referrals' ethnic profile is tested against it
