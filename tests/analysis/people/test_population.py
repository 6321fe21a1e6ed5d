"""The borough's population section and Table 1 (tbl-at-risk-populations).

Computed rows are checked against independent calculations with plain pandas
on the staged population and the open Census files of the reference folder;
published rows against the dated reference file they come from. The seed's
contradictions listed in the inventory must not reappear.
"""

from __future__ import annotations

import json
import re
import shutil

import nbformat
import pandas as pd
import pytest

from conftest import reference_dir
from vawg.writing.artifacts import read_download
from vawg.foundations.errors import DataError
from vawg.foundations.paths import project_root
from vawg.analysis.people import population as section
from vawg.analysis.people.population import Population, median_from_bands, published_comparators

CAMDEN = "E09000007"
BANDS = [f"{start}-{start + 4}" for start in range(0, 90, 5)] + ["90+"]


def _staged_population(folder, areas: dict[str, tuple[str, int]], years=(2022, 2023)):
    """A staged population table: each area's females and males spread evenly over the 19 bands."""
    rows = []
    for code, (name, per_band) in areas.items():
        for year in years:
            for sex, factor in (("F", 1.1), ("M", 1.0)):
                for band in BANDS:
                    rows.append({"area_code": code, "area_name": name, "year": year, "sex": sex,
                                 "age_band": band, "population": round(per_band * factor)})
    folder.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(rows).to_parquet(folder / "population.parquet", index=False)
    return folder


@pytest.fixture
def tiny_staged(tmp_path):
    return _staged_population(tmp_path / "staged", {CAMDEN: ("Camden", 1000), "E09000012": ("Hackney", 3000)})


@pytest.fixture
def camden(tiny_staged) -> Population:
    return Population.compute(tiny_staged, borough="Camden", period_end="2024-12-31", threshold=7)


def _row(table: pd.DataFrame, text: str) -> pd.Series:
    matches = table[table["group"].str.startswith(text)]
    assert len(matches) == 1, text
    return matches.iloc[0]


# -- sex and age: the population extract -----------------------------------------------------------


def test_sex_rows_match_an_independent_calculation_and_add_up(camden):
    table = camden.at_risk_rows()
    # Camden: 19 bands of 1,100 women and girls and 1,000 men and boys; girls under 16 are the first three
    # bands and a fifth of 15-19.
    female, total = 19 * 1100, 19 * 2100
    girls = 3 * 1100 + 1100 / 5
    assert _row(table, "Female (")["borough_value"] == pytest.approx(female / total * 100)
    assert _row(table, "Girls aged under 16")["borough_value"] == pytest.approx(girls / total * 100)
    assert _row(table, "Women aged 16")["borough_value"] == pytest.approx((female - girls) / total * 100)
    # London is every area of the extract: Camden and Hackney together.
    london_female, london_total = 19 * (1100 + 3300), 19 * (2100 + 6300)
    assert _row(table, "Female (")["london_value"] == pytest.approx(london_female / london_total * 100)
    # The seed's women (45.79%) and girls (7.15%) did not add up to its female share (53.29%); ours do.
    for level in ("borough", "london"):
        parts = _row(table, "Women aged 16")[f"{level}_value"] + _row(table, "Girls aged under 16")[f"{level}_value"]
        assert parts == pytest.approx(_row(table, "Female (")[f"{level}_value"])


def test_the_latest_estimate_up_to_the_report_year_is_used(tiny_staged):
    assert Population.compute(tiny_staged, borough="Camden", period_end="2024-12-31", threshold=7).year == 2023
    assert Population.compute(tiny_staged, borough="Camden", period_end="2023-03-31", threshold=7).year == 2022
    with pytest.raises(DataError, match="no mid-year estimate up to 2021"):
        Population.compute(tiny_staged, borough="Camden", period_end="2021-12-31", threshold=7)


def test_median_age_is_interpolated_within_its_band():
    # 100 people aged 0-4, 300 aged 5-9: the 200th person is a third of the way into 5-9.
    assert median_from_bands(pd.Series({"5-9": 300, "0-4": 100})) == pytest.approx(5 + 100 / 300 * 5)
    # Evenly spread over 0-89 and 90+: the middle of 19 bands is the middle of 45-49.
    assert median_from_bands(pd.Series(dict.fromkeys(BANDS, 10))) == pytest.approx(47.5)


# -- Census 2021 tables of the reference folder ----------------------------------------------------


@pytest.fixture(scope="module")
def with_reference(tmp_path_factory):
    folder = reference_dir()
    if folder is None:
        pytest.skip("no reference folder (set VAWG_REFERENCE_DIR)")
    staged = _staged_population(tmp_path_factory.mktemp("staged"), {CAMDEN: ("Camden", 1000)})
    return Population.compute(staged, borough="Camden", period_end="2024-12-31", threshold=7,
                              reference_dir=folder), folder


def test_census_rows_match_the_open_files_read_with_plain_pandas(with_reference):
    analysis, folder = with_reference
    table = analysis.at_risk_rows()

    ethnic = pd.read_csv(folder / "census" / "london_ts021_ethnic_group_lad.csv")
    code = ethnic["Ethnic group (20 categories)"]
    not_white = ethnic[~code.str.startswith("White") & (code != "Does not apply")]
    expected = {"borough": not_white.loc[not_white.iloc[:, 0] == CAMDEN, "Observation"].sum()
                / ethnic.loc[ethnic.iloc[:, 0] == CAMDEN, "Observation"].sum() * 100,
                "london": not_white["Observation"].sum() / ethnic["Observation"].sum() * 100}
    row = _row(table, "Asian, Black, Mixed or Other ethnic groups (% of residents)")
    for level, value in expected.items():
        assert row[f"{level}_value"] == pytest.approx(value)

    orientation = pd.read_csv(folder / "census" / "london_ts077_sexual_orientation_lad.csv")
    lgb = orientation[["gay_lesbian", "bisexual", "other_sexual_orientation"]].sum(axis=1)
    camden = orientation["lad_code"] == CAMDEN
    row = _row(table, "LGB+ (% aged")
    assert row["borough_value"] == pytest.approx(lgb[camden].sum() / orientation.loc[camden, "usual_residents_16plus"].sum() * 100)
    assert row["london_value"] == pytest.approx(lgb.sum() / orientation["usual_residents_16plus"].sum() * 100)

    deprivation = pd.read_csv(folder / "census" / "london_ts011_household_deprivation_lad.csv")
    camden = deprivation["lad_code"] == CAMDEN
    row = _row(table, "Deprived in exactly one")
    assert row["borough_value"] == pytest.approx(deprivation.loc[camden, "hh_deprived_1"].sum()
                                                 / deprivation.loc[camden, "total_households"].sum() * 100)
    row = _row(table, "Deprived in at least one")
    assert row["london_value"] == pytest.approx(
        100 - deprivation["hh_deprived_0"].sum() / deprivation["total_households"].sum() * 100)


def test_census_figures_the_seed_quotes_are_reproduced(with_reference):
    """The reference edition's Census figures for Camden (Chapter 3, "Camden's population" and Table 1)."""
    analysis, _ = with_reference
    ethnic, orientation = analysis.ethnic_shares("borough"), analysis.orientation_shares("borough")
    assert round(ethnic["white"], 1) == 59.5                                   # "White residents ... 59.5%"
    assert round(analysis.ethnic_shares("london")["white"], 1) == 53.8         # "London's 53.8%"
    assert round(orientation["lgb_plus"], 1) == 6.9                            # Table 1, LGBTQ+ 6.9%
    assert round(orientation["gay_lesbian"], 1) == 3.7                         # "gay or lesbian (3.7%)"
    assert round(orientation["bisexual"], 1) == 2.5                            # "bisexual (2.5%)"
    assert round(analysis.deprivation_shares("borough")["one"], 1) == 31.9     # Table 1, deprivation 31.9%
    assert analysis.mid2020_residents("borough") > 270_000                     # the "≈280,000" earlier estimate


def test_seed_contradictions_are_not_reproduced(with_reference):
    analysis, _ = with_reference
    table = analysis.at_risk_rows()
    # The seed's Table 1 put minority ethnic groups at 43.6% while its prose put White residents at 59.5%.
    minority = _row(table, "Asian, Black, Mixed or Other ethnic groups (% of residents)")["borough_value"]
    assert minority + analysis.ethnic_shares("borough")["white"] == pytest.approx(100)
    # It swapped London (32.9%) and England and Wales (33.5%) for households deprived in one dimension.
    row = _row(table, "Deprived in exactly one")
    assert round(row["london_value"], 1) == 32.9 and row["national_value"] == 33.5
    # It cited TS021 (ethnic group) for disability; the disability table is TS038.
    disabled = _row(table, "Disabled (% of residents)")["source"]
    assert "TS038" in disabled and "TS021" not in disabled


# -- published comparators -------------------------------------------------------------------------


def test_published_comparators_are_dated_sourced_data_without_links():
    path = project_root() / "data" / "reference" / "published_comparators.csv"
    assert not re.search(r"https?://|www\.", path.read_text(encoding="utf-8"))
    table = published_comparators()
    for column in ("source", "period", "published", "unit", "area"):
        assert (table[column].str.strip() != "").all(), column
    assert table["published"].str.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?").all()
    assert not table.duplicated(["indicator", "area_level", "area", "applies_to"]).any()
    assert set(table["area_level"]) <= {"borough", "london", "national"}
    # Every indicator the table reads exists in the file.
    used = set(re.findall(r'"([a-z_]+)"\)', (project_root() / "src" / "vawg" / "analysis" / "people" / "population.py")
                          .read_text(encoding="utf-8")))
    assert {"trans_women", "looked_after_rate", "disabled", "children_in_need_rate"} <= used & set(table["indicator"])


def test_every_cell_says_where_it_comes_from(camden):
    table = camden.at_risk_rows()
    for row in table.itertuples():
        cells = [getattr(row, level) for level in ("borough", "london", "national")]
        shown = [cell for cell in cells if cell.value is not None]
        assert row.source != "No figures available" or not shown, row.group
        for cell in shown:
            assert cell.origin in ("computed", "published")
            assert cell.source in row.source
    published = _row(table, "Children looked after")
    assert published["borough_text"] == "59" and "DfE" in published["source"]
    assert _row(table, "Learning disability")["london_text"] == "0.5% (North Central London ICB)"
    assert _row(table, "Children in need")["national_text"] == "332.9 (England)"


def test_another_borough_gets_no_camden_figure(tiny_staged):
    hackney = Population.compute(tiny_staged, borough="Hackney", period_end="2024-12-31", threshold=7)
    table = hackney.at_risk_rows()
    assert _row(table, "Children looked after")["borough_text"] == section.NOT_AVAILABLE
    assert _row(table, "Children looked after")["london_text"] == "51"
    # The integrated care board comparator is Camden's own: not shown for Hackney.
    assert _row(table, "Learning disability")["london_text"] == section.NOT_AVAILABLE
    published = section.table_at_risk_populations(hackney)
    text = " ".join(str(v) for v in published.data[["group", "borough_text", "london_text", "national_text",
                                                      "source"]].to_numpy().ravel())
    assert "Camden" not in text and "Camden" not in " ".join(section.prose_values(hackney)[k][0] for k in
                                                            section.prose_values(hackney) if k.endswith("sentence"))


def test_a_malformed_comparator_is_named(tmp_path, monkeypatch):
    (tmp_path / "data").mkdir()
    shutil.copytree(project_root() / "data" / "reference", tmp_path / "data" / "reference")
    path = tmp_path / "data" / "reference" / "published_comparators.csv"
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    table.loc[3, "value"] = "about 2"
    table.to_csv(path, index=False)
    monkeypatch.setenv("VAWG_PROJECT", str(tmp_path))
    published_comparators.cache_clear()
    try:
        with pytest.raises(DataError, match=r"published_comparators.csv: row 5, column 'value': 'about 2'"):
            published_comparators()
    finally:
        monkeypatch.delenv("VAWG_PROJECT")
        published_comparators.cache_clear()


# -- without a reference folder, and small numbers -------------------------------------------------


def test_without_the_reference_folder_census_rows_say_not_available(camden):
    table = camden.at_risk_rows()
    row = _row(table, "Asian, Black, Mixed or Other ethnic groups (% of residents)")
    assert row["borough_text"] == section.NOT_AVAILABLE and row["national_text"] == "18.3%"
    values = section.prose_values(camden)
    assert "not supplied" in values["population.ethnicity_sentence"][0]


def test_a_share_resting_on_a_small_count_is_confidential(tmp_path):
    staged = _staged_population(tmp_path / "staged", {CAMDEN: ("Camden", 1000), "E09000001": ("City of London", 0)})
    analysis = Population.compute(staged, borough="City of London", period_end="2024-12-31", threshold=7)
    # Almost no residents: every female figure rests on fewer than 7 people.
    analysis.estimates.loc[analysis.estimates["area_code"] == "E09000001", "population"] = 0
    analysis.estimates.loc[(analysis.estimates["area_code"] == "E09000001")
                           & (analysis.estimates["age_band"] == "30-34"), "population"] = [3, 2]
    row = _row(analysis.at_risk_rows(), "Female (")
    assert row["borough_text"] == "[c]"


# -- the section in the build ----------------------------------------------------------------------


def test_notebook_has_one_cell_per_artifact():
    notebook = nbformat.read(project_root() / "notebooks" / "30-population.ipynb", as_version=4)
    first_lines = [cell.source.splitlines()[0] for cell in notebook.cells if cell.cell_type == "code"]
    assert "# tbl-at-risk-populations" in first_lines
    assert "# population.*" in first_lines
    assert any("parameters" in cell.metadata.get("tags", []) for cell in notebook.cells)
    assert all(not cell.get("outputs") for cell in notebook.cells if cell.cell_type == "code")


def test_chapter_includes_the_section_first_and_quotes_only_computed_values(built_edition):
    chapter = (project_root() / "chapters" / "03-local-picture.qmd").read_text(encoding="utf-8")
    includes = re.findall(r"\{\{< include (\S+) >\}\}", chapter)
    assert includes.index("_03-population.qmd") < includes.index("_03-recorded-offences.qmd")
    prose = (project_root() / "chapters" / "_03-population.qmd").read_text(encoding="utf-8")
    values = json.loads((built_edition.root / "artifacts" / "values.json").read_text(encoding="utf-8"))
    for key in re.findall(r"\{\{< var (\S+) >\}\}", prose):
        assert key in values, key
    # No number typed into the prose: every figure comes through a value key.
    assert not re.search(r"\d", re.sub(r"\{\{<.*?>\}\}", "", prose).replace("16", "").replace("2021", "")
                         .replace("five-year", ""))


def test_table_is_published_with_its_sources(built_edition):
    published = read_download(built_edition.root / "artifacts" / "data" / "tbl-at-risk-populations.csv")
    assert list(published.columns) == ["Characteristic", "At-risk group", "Camden", "London", "England and Wales",
                                       "Source"]
    assert published["Source"].str.len().gt(0).all()
    site = built_edition.outputs["html"].parent
    page = next(site.rglob("03-local-picture.html")).read_text(encoding="utf-8")
    assert 'id="tbl-at-risk-populations"' in page
    assert "sec-population" in page


def test_a_rate_uses_the_same_years_estimate_and_falls_back_to_the_latest_earlier():
    from vawg.analysis.denominators import denominators, describe_estimates, estimate_years

    frame = pd.DataFrame({"area_code": "E09000007", "sex": "F", "age_band": "20-24",
                          "year": [2019, 2020, 2022], "population": [100, 110, 130]})
    assert estimate_years(frame, [2020, 2021, 2022, 2024]) == {2020: 2020, 2021: 2020, 2022: 2022, 2024: 2022}
    rates = denominators(frame, [2020, 2021, 2024])
    assert rates.loc["E09000007"].tolist() == [110, 110, 130]
    assert describe_estimates({2020: 2020, 2021: 2021, 2024: 2022}) == (
        "mid-2020 to mid-2021 for 2020 to 2021 (each year its own); mid-2022 for 2024 (the latest published)")
    with pytest.raises(ValueError, match="mid-2018 or earlier"):
        estimate_years(frame, [2018])
