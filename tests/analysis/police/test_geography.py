"""Ward maps, Moran's I and the deprivation correlation (Chapter 3, Figures 11–14).

The statistics are checked against independent calculations small enough to
do by hand (Moran's I on a 3×3 grid, Pearson r against numpy); the ward rates
against a plain pandas computation from a tiny staged extract that shares no
code with the analysis; the maps with and without the reference folder; and
small ward counts are suppressed in every published form.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats as scipy_stats
from scipy.stats import chi2

from conftest import reference_dir
from vawg.foundations import spatial
from vawg.writing.artifacts import ArtifactWriter, MissingFigure
from vawg.foundations.paths import project_root
from vawg.analysis.police import geography
from vawg.foundations.spatial import NOT_SIGNIFICANT, global_morans_i, local_morans_i, pearson_correlation, tile_neighbours
from vawg.writing.artifacts import read_download

CAMDEN, HACKNEY = "E09000007", "E09000012"
REFERENCE = reference_dir()
needs_reference = pytest.mark.skipif(not REFERENCE.is_dir(), reason="no reference folder")
FIGURES = (geography.figure_ward_vawg_rate, geography.figure_ward_vawg_clusters, geography.figure_ward_dva_rate,
           geography.figure_ward_sexual_violence_rate, geography.figure_ward_stalking_harassment_rate,
           geography.figure_ward_deprivation)


# -- Moran's I and Pearson r against hand calculations ----------------------------------------------

def grid(values: list[float]) -> tuple[pd.Series, object]:
    """Values on a 3×3 grid, row by row (cells a..i), with queen (touching tiles) neighbours."""
    codes = list("abcdefghi")
    layout = pd.DataFrame({"column": [i % 3 for i in range(9)], "row": [i // 3 for i in range(9)]}, index=codes)
    return pd.Series(values, index=codes, dtype=float), tile_neighbours(layout)


def hand_local_moran(values: np.ndarray) -> np.ndarray:
    """I_i = (n − 1) z_i (W z)_i / Σ z², W the row-standardised queen weights of the 3×3 grid."""
    n = len(values)
    adjacency = np.zeros((n, n))
    for i in range(n):
        for j in range(n):
            if i != j and abs(i // 3 - j // 3) <= 1 and abs(i % 3 - j % 3) <= 1:
                adjacency[i, j] = 1
    weights = adjacency / adjacency.sum(axis=1, keepdims=True)
    z = (values - values.mean()) / values.std()
    return (n - 1) * z * (weights @ z) / (z @ z), weights, z


def test_tile_neighbours_are_queen_neighbours_on_the_grid():
    _, neighbours = grid([0.0] * 9)
    assert sorted(neighbours.neighbors["a"]) == ["b", "d", "e"]  # a corner touches three tiles
    assert sorted(neighbours.neighbors["e"]) == list("abcdfghi")  # the centre touches all eight


def test_local_morans_i_matches_a_hand_calculation_on_a_3x3_grid():
    values, neighbours = grid([1, 2, 3, 4, 5, 6, 7, 8, 9])
    result = local_morans_i(values, neighbours)
    expected, _, _ = hand_local_moran(values.to_numpy())
    np.testing.assert_allclose(result["statistic"].to_numpy(), expected, rtol=1e-12)
    # By hand for the corner a (value 1): mean 5, variance 60/9, neighbours b, d, e (2, 4, 5);
    # z_a = -4/s, lag = -(4/3)/s, Σz² = 9, so I_a = 8 · (16/3) / (60/9) / 9 = 32/45.
    assert result.loc["a", "statistic"] == pytest.approx(32 / 45)
    assert result.loc["e", "statistic"] == pytest.approx(0.0)  # the centre equals the mean
    assert result.loc["a", "quadrant"] == "Low–low" and result.loc["i", "quadrant"] == "High–high"


def test_local_morans_i_clusters_only_significant_wards_and_is_reproducible():
    values, neighbours = grid([9, 9, 1, 9, 9, 1, 1, 1, 1])
    first, second = local_morans_i(values, neighbours), local_morans_i(values, neighbours)
    pd.testing.assert_frame_equal(first, second)  # seeded permutations: every build agrees
    assert ((first["p_value"] > 0) & (first["p_value"] <= 1)).all()
    assert (first["cluster"] == first["quadrant"].where(first["p_value"] < 0.05, NOT_SIGNIFICANT)).all()


def test_local_morans_i_without_variation_finds_no_cluster():
    values, neighbours = grid([3.0] * 9)
    result = local_morans_i(values, neighbours)
    assert (result["cluster"] == NOT_SIGNIFICANT).all() and (result["p_value"] == 1).all()


def test_global_morans_i_matches_the_formula():
    values, neighbours = grid([1, 2, 3, 4, 5, 6, 7, 8, 9])
    _, weights, z = hand_local_moran(values.to_numpy())
    # I = (n / S0) Σ_ij w_ij z_i z_j / Σ z²; row-standardised weights sum to S0 = n.
    expected = (z @ weights @ z) / (z @ z)
    result = global_morans_i(values, neighbours)
    assert result.statistic == pytest.approx(expected)
    assert result.statistic > -1 / 8 and 0 <= result.p_value <= 1


def test_queen_neighbours_include_wards_touching_at_a_corner():
    from shapely.geometry import box

    squares = [box(0, 0, 1, 1), box(1, 0, 2, 1), box(0, 1, 1, 2), box(1, 1, 2, 2), box(5, 5, 6, 6)]
    neighbours = spatial.queen_neighbours(squares, ["sw", "se", "nw", "ne", "away"])
    assert sorted(neighbours.neighbors["sw"]) == ["ne", "nw", "se"]
    assert neighbours.neighbors["away"] == []


def test_pearson_correlation_matches_numpy_and_the_t_distribution():
    x = [10.0, 20.0, 30.0, 40.0, 50.0, np.nan]
    y = [1.0, 3.0, 2.0, 5.0, 4.0, 7.0]
    result = pearson_correlation(x, y)
    r = np.corrcoef(x[:5], y[:5])[0, 1]  # the pair with a missing value is dropped
    t = r * math.sqrt(3 / (1 - r**2))
    assert result.statistic == pytest.approx(r, rel=1e-12)
    assert result.p_value == pytest.approx(2 * scipy_stats.t.sf(abs(t), 3), rel=1e-9)
    assert math.isnan(pearson_correlation([1, 2], [3, 4]).statistic)


# -- a tiny staged extract -----------------------------------------------------------------------

def real_wards(borough_code: str) -> pd.DataFrame:
    lookup = pd.read_csv(SHARED_LOOKUP)
    rows = lookup[lookup["LAD22CD"] == borough_code]
    return pd.DataFrame({"ward_code": rows["WD22CD"], "ward_name": rows["WD22NM"], "borough_code": borough_code})


SHARED_LOOKUP = REFERENCE / "geo" / "london_wards_2022_lookup.csv"


def synthetic_wards() -> pd.DataFrame:
    rows = [{"ward_code": f"SYNW{b * 100 + i:05d}", "ward_name": f"{name} ward {i:02d}", "borough_code": code}
            for b, (code, name) in enumerate([(CAMDEN, "Camden"), (HACKNEY, "Hackney")], start=1)
            for i in range(1, 10)]
    return pd.DataFrame(rows)


def offence_rows(ward: pd.Series, count: int, date: str, name: str | None, dva: bool = False) -> list[dict]:
    return [{"offence_id": f"{ward['ward_code']}-{date}-{name}-{k}", "recorded_date": pd.Timestamp(date),
             "borough_code": ward["borough_code"], "borough_name": "", "ward_code": ward["ward_code"],
             "ward_name": ward["ward_name"], "crime_group": "x", "crime_subgroup": "x",
             "vawg_offence_name": name, "vawg": name is not None, "dva_flag": dva, "fgm_flag": False,
             "forced_marriage_flag": False, "hbv_flag": False} for k in range(count)]


def stage(folder: Path, wards: pd.DataFrame) -> Path:
    """Offences in 2024 (and some outside the period), female population for mid-2022 to mid-2024."""
    folder.mkdir(parents=True, exist_ok=True)
    rows = []
    for position, ward in enumerate(wards.to_dict("records")):
        # Ward 3 of each borough has 3 VAWG offences (suppressed), ward 4 none; the rest more.
        count = 3 if position % 9 == 3 else 0 if position % 9 == 4 else 8 + 5 * (position % 9) + position // 9
        rows += offence_rows(ward, count - count // 3, "2024-06-15", "Harassment", dva=True)
        rows += offence_rows(ward, count // 3, "2024-11-30", "Rape of a Female aged 16 and over")
        rows += offence_rows(ward, 4, "2023-12-31", "Harassment")      # before the period
        rows += offence_rows(ward, 5, "2024-03-01", None)              # not VAWG
    pd.DataFrame(rows).to_parquet(folder / "police_offences.parquet", index=False)
    population = [{"area_code": code, "area_name": "", "year": year, "sex": sex, "age_band": band,
                   "population": size * (1 if sex == "F" else 2) + year}
                  for code, size in ((CAMDEN, 55_000), (HACKNEY, 65_000))
                  for year in (2022, 2023, 2024) for sex in ("F", "M") for band in ("0-4", "5-9")]
    pd.DataFrame(population).to_parquet(folder / "population.parquet", index=False)
    wards.to_parquet(folder / "wards.parquet", index=False)
    return folder


def plain_rates(staged: Path, households: pd.Series | None = None) -> pd.DataFrame:
    """Ward VAWG rates per 1,000 female residents in 2024 with plain pandas (mid-2023 population)."""
    offences = pd.read_parquet(staged / "police_offences.parquet")
    offences = offences[offences["vawg"] & (offences["recorded_date"].dt.year == 2024)]
    wards = pd.read_parquet(staged / "wards.parquet").set_index("ward_code")
    counts = offences.groupby("ward_code").size().reindex(wards.index, fill_value=0)
    population = pd.read_parquet(staged / "population.parquet")
    female = population[(population["sex"] == "F") & (population["year"] == 2023)].groupby("area_code")["population"].sum()
    weight = households.reindex(wards.index) if households is not None else pd.Series(1.0, index=wards.index)
    share = weight / weight.groupby(wards["borough_code"]).transform("sum")
    residents = wards["borough_code"].map(female) * share
    rate = counts / residents * 1000
    return pd.DataFrame({"count": counts, "female_population": residents, "rate": rate,
                         "rank": rate.rank(ascending=False, method="min").astype(int)})


@pytest.fixture(scope="module")
def synthetic_staged(tmp_path_factory) -> Path:
    return stage(tmp_path_factory.mktemp("geo-synthetic"), synthetic_wards())


@pytest.fixture(scope="module")
def tile_analysis(synthetic_staged) -> geography.WardGeography:
    return geography.WardGeography.compute(synthetic_staged, borough="Camden", period_end="2024-12-31", threshold=7)


@pytest.fixture(scope="module")
def real_staged(tmp_path_factory) -> Path:
    return stage(tmp_path_factory.mktemp("geo-real"), pd.concat([real_wards(CAMDEN), real_wards(HACKNEY)]))


@pytest.fixture(scope="module")
def real_analysis(real_staged) -> geography.WardGeography:
    return geography.WardGeography.compute(real_staged, borough="Camden", period_end="2024-12-31", threshold=7,
                                           reference_dir=REFERENCE)


# -- ward rates ----------------------------------------------------------------------------------

def test_ward_rates_without_reference_data_match_a_plain_calculation(tile_analysis, synthetic_staged):
    expected = plain_rates(synthetic_staged)
    wards = tile_analysis.wards.set_index("ward_code").loc[expected.index]
    assert tile_analysis.apportionment == "equal" and tile_analysis.population_year == 2023
    assert (wards["all_vawg"] == expected["count"]).all()
    np.testing.assert_allclose(wards["female_population"], expected["female_population"], rtol=1e-12)
    np.testing.assert_allclose(wards["all_vawg_rate"], expected["rate"], rtol=1e-12)
    assert (wards["all_vawg_rank"] == expected["rank"]).all()
    assert tile_analysis.period == "2024" and tile_analysis.london_wards == 18


@needs_reference
def test_ward_rates_share_the_female_population_by_the_mid_2020_ward_estimates(real_analysis, real_staged):
    census = pd.read_csv(REFERENCE / "census" / "london_ts011_household_deprivation_ward22_bestfit.csv")
    households = census.set_index("ward22_code")["total_households"]
    sape = pd.read_csv(REFERENCE / "population" / "london_sape_mid2020_wards2020_sex_sya.csv",
                       usecols=["ward20_name", "lad21_code", "sex", "all_ages"])
    female = sape[sape["sex"] == "F"]
    # Hackney's wards are unchanged since 2020 (same names): the ONS estimate of each ward is its weight.
    hackney = female[female["lad21_code"] == HACKNEY].set_index("ward20_name")["all_ages"]
    wards = pd.read_parquet(real_staged / "wards.parquet").set_index("ward_code")
    weight = households.reindex(wards.index).astype(float)
    in_hackney = wards["borough_code"] == HACKNEY
    weight[in_hackney] = wards.loc[in_hackney, "ward_name"].map(hackney).to_numpy()
    assert weight.notna().all()
    expected = plain_rates(real_staged, weight)
    analysed = real_analysis.wards.set_index("ward_code").loc[expected.index]
    assert real_analysis.apportionment == "estimates"
    np.testing.assert_allclose(analysed["female_population"], expected["female_population"], rtol=1e-12)
    np.testing.assert_allclose(analysed["all_vawg_rate"], expected["rate"], rtol=1e-12)
    assert (analysed["all_vawg_rank"] == expected["rank"]).all()
    # Each borough's wards add up to the borough's female population the borough rates use.
    population = pd.read_parquet(real_staged / "population.parquet")
    borough = population[(population["sex"] == "F") & (population["year"] == 2023)].groupby("area_code")["population"].sum()
    totals = real_analysis.wards.groupby("borough_code")["female_population"].sum()
    np.testing.assert_allclose(totals, borough.loc[totals.index], rtol=1e-12)
    note = geography.prose_values(real_analysis)["geography.population_method"][0]
    assert "All 20 of Camden's wards changed in 2022, so each takes its share by households." in note
    hackney = geography.WardGeography.compute(real_staged, borough="Hackney", period_end="2024-12-31", threshold=7,
                                              reference_dir=REFERENCE)
    assert ("Hackney's 21 wards are unchanged since 2020, so each takes the ONS ward estimate."
            in geography.prose_values(hackney)["geography.population_method"][0])


def test_a_quarter_end_edition_covers_the_twelve_months_to_its_end(synthetic_staged):
    analysis = geography.WardGeography.compute(synthetic_staged, borough="Camden", period_end="2025-03-31",
                                               threshold=7)
    assert analysis.period == "April 2024 to March 2025"
    assert analysis.population_year == 2023  # mid-2024 is after the period starts
    offences = pd.read_parquet(synthetic_staged / "police_offences.parquet")
    in_period = offences[offences["vawg"] & (offences["recorded_date"] >= "2024-04-01")]
    assert analysis.wards["all_vawg"].sum() == len(in_period)


# -- maps ----------------------------------------------------------------------------------------

def write(analysis, tmp_path) -> tuple[ArtifactWriter, dict]:
    writer = ArtifactWriter(tmp_path, analysis.threshold)
    figures = {}
    for make in FIGURES:
        figure = make(analysis)
        writer.figure(figure)
        figures[figure.id] = figure
    return writer, figures


@pytest.fixture(scope="module")
def tile_written(tile_analysis, tmp_path_factory):
    folder = tmp_path_factory.mktemp("tile-artifacts")
    return folder, write(tile_analysis, folder)[1]


def test_without_reference_data_the_maps_are_labelled_tile_maps(tile_analysis, tile_written):
    folder, figures = tile_written
    assert tile_analysis.tile and tile_analysis.deprivation is None
    for figure_id, figure in figures.items():
        svg = folder / "figures" / f"{figure_id}.svg"
        if figure_id == "fig-ward-deprivation":  # no data: a sentence says why, and no placeholder chart
            assert isinstance(figure, MissingFigure) and not svg.exists()
            partial = (folder / "partials" / f"{figure_id}.qmd").read_text()
            assert "no chart of ward VAWG rates against household deprivation" in partial and "![" not in partial
            continue
        assert svg.stat().st_size < 1_000_000, figure_id
        assert figure.alt.startswith("Tile map (every ward an equal square; positions are not geographic)")
        assert "Tile map" in figure.plot.labels.subtitle
        assert "(tile map: no ward boundaries match this extract's wards" in figure.caption
    note = geography.prose_values(tile_analysis)["geography.map_note"][0]
    assert "tile maps" in note and "not follow the wards' real positions" in note


@needs_reference
def test_with_reference_data_the_maps_use_the_real_ward_boundaries(real_analysis, tmp_path):
    assert not real_analysis.tile and len(real_analysis.shapes) == 20
    assert real_analysis.neighbours.n == 20 and not real_analysis.neighbours.islands
    from vawg.publishing.check.colours import check_svg
    from vawg.publishing.check.results import Section

    _, figures = write(real_analysis, tmp_path)
    section = Section("Colour contrast", "maps")
    for figure_id, figure in figures.items():
        assert (tmp_path / "figures" / f"{figure_id}.svg").stat().st_size < 1_000_000, figure_id
        check_svg(tmp_path / "figures" / f"{figure_id}.svg", figure_id, section)
    assert not section.errors, [f"{f.where}: {f.message}" for f in section.errors]
    rate_map = figures["fig-ward-vawg-rate"]
    assert rate_map.alt.startswith("Map of Camden's 20 wards")
    assert "Tile map" not in rate_map.plot.labels.subtitle and "tile map" not in rate_map.caption
    for figure_id, figure in figures.items():  # the licence's attribution: in the source note and on the map
        assert "Open Government Licence v3.0" in figure.source, figure_id
        if figure_id != "fig-ward-deprivation":
            assert "Open Government Licence v3.0" in figure.plot.labels.caption.replace("\n", " "), figure_id
    scatter = figures["fig-ward-deprivation"]
    assert scatter.alt.startswith("Scatter plot")
    # The highest wards are named beside their points, but not on a phone, where the names ran into the axis.
    svg = (tmp_path / "figures" / "fig-ward-deprivation.svg").read_text()
    narrow = (tmp_path / "figures" / "fig-ward-deprivation.narrow.svg").read_text()
    from html import escape

    first = escape(scatter.alt.split("The borough's highest rate is in ")[1].split(" (")[0], quote=False)
    assert first in svg and first not in narrow and first in (tmp_path / "figures" /
                                                              "fig-ward-deprivation.medium.svg").read_text()
    table = real_analysis.deprivation_table()
    camden = table[table["area"] == "Camden wards"]
    assert real_analysis.correlation("borough").statistic == pytest.approx(
        np.corrcoef(camden["deprived_share"], camden["rate"])[0, 1])
    assert real_analysis.correlation("london").statistic == pytest.approx(
        np.corrcoef(table["deprived_share"], table["rate"])[0, 1])


# -- suppression ---------------------------------------------------------------------------------

def test_small_ward_counts_are_suppressed_and_never_drawn(tile_analysis, tile_written):
    folder, figures = tile_written
    small = tile_analysis.ward_table("all_vawg").query("count > 0 and count < 7")
    assert len(small) == 1
    name = small["ward_name"].item()
    published = read_download(folder / "data" / "fig-ward-vawg-rate.csv").set_index("Ward")
    row = published.loc[name]
    assert row["Offences"] == "<7"
    assert row["Rate per 1,000 female residents"] == "[c]" and row["Rank of London wards (1 = highest)"] == "[c]"
    data = figures["fig-ward-vawg-rate"].data.set_index("ward_name")
    assert math.isnan(data.loc[name, "plotted"]) and data.loc[name, "map_label"].endswith("[c]")
    clusters = read_download(folder / "data" / "fig-ward-vawg-clusters.csv").set_index("Ward")
    assert clusters.loc[name, "Cluster (adjusted p < 0.05)"] == "[c]" and clusters.loc[name, "Local Moran's I"] == "[c]"
    # The highest ward named in the prose is one whose rate may be published.
    values = geography.prose_values(tile_analysis)
    assert values["geography.all_vawg.top_ward"][0] != name
    assert str(small["count"].item()) not in published.loc[name].tolist()


def test_map_colours_meet_the_contrast_the_check_requires(tile_analysis, tile_written):
    from vawg.publishing.check.colours import check_svg
    from vawg.publishing.check.results import Section

    folder, figures = tile_written
    fill_scale = next(scale for scale in figures["fig-ward-vawg-rate"].plot.scales if "fill" in scale.aesthetics)
    assert fill_scale.na_value == "#FFFFFF"  # a suppressed ward has no colour at all
    section = Section("Colour contrast", "maps")
    for figure_id, figure in figures.items():
        if not isinstance(figure, MissingFigure):
            check_svg(folder / "figures" / f"{figure_id}.svg", figure_id, section)
    assert not section.errors, [f"{f.where}: {f.message}" for f in section.errors]


# -- the chapter ----------------------------------------------------------------------------------

def test_another_borough_never_mentions_camden(synthetic_staged, tmp_path):
    analysis = geography.WardGeography.compute(synthetic_staged, borough="Hackney", period_end="2024-12-31",
                                               threshold=7)
    texts = [str(value[0]) for value in geography.prose_values(analysis).values()]
    for make in FIGURES:
        figure = make(analysis)
        if isinstance(figure, MissingFigure):
            texts.append(figure.reason)
            continue
        texts += [figure.caption, figure.alt, figure.plot.labels.title or "", figure.plot.labels.subtitle or ""]
    assert not [text for text in texts if "Camden" in text]
    assert any("Hackney" in text for text in texts)


def test_every_value_the_chapter_quotes_exists_with_and_without_reference_data(tile_analysis, request):
    qmd = (project_root() / "chapters" / "_03-geography.qmd").read_text(encoding="utf-8")
    quoted = set(re.findall(r"\{\{< var ((?:geography|deprivation)\.[a-z0-9_.]+) >\}\}", qmd))
    analyses = [tile_analysis]
    if REFERENCE.is_dir():
        analyses.append(request.getfixturevalue("real_analysis"))
    for analysis in analyses:
        missing = quoted - set(geography.prose_values(analysis))
        assert not missing, missing
    for make in FIGURES:
        figure_id = make(tile_analysis).id
        assert f"partials/{figure_id}.qmd" in qmd


def test_the_notebook_has_one_cell_per_artifact_and_the_build_parameters():
    folder = project_root() / "notebooks"
    notebook = json.loads((folder / "35-geography.ipynb").read_text(encoding="utf-8"))
    reference = json.loads((folder / "03-recorded-offences.ipynb").read_text(encoding="utf-8"))

    def parameters(book):
        cell = next(c for c in book["cells"] if "parameters" in c["metadata"].get("tags", []))
        return set(re.findall(r"^(\w+) =", "".join(cell["source"]), re.M))

    assert parameters(notebook) == parameters(reference)
    first_lines = ["".join(c["source"]).splitlines()[0] for c in notebook["cells"] if c["cell_type"] == "code"]
    for make in FIGURES:
        figure_id = "fig-" + make.__name__.removeprefix("figure_").replace("_", "-")
        assert first_lines.count(f"# {figure_id}") == 1, figure_id
    assert all(not c.get("outputs") for c in notebook["cells"] if c["cell_type"] == "code")


def test_ward_clusters_are_holm_adjusted_as_one_family(tile_analysis):
    """The wards' Local Moran's I tests are one family (Appendix 6e): the published p-value is Holm's."""
    from statsmodels.stats.multitest import multipletests

    from vawg.foundations.spatial import local_morans_i

    table = tile_analysis.ward_table("all_vawg").set_index("ward_code")
    raw = local_morans_i(table["rate"], tile_analysis.neighbours)
    clusters = tile_analysis.clusters().set_index("ward_code")
    expected = multipletests(raw["p_value"], method="holm")[1]
    np.testing.assert_allclose(clusters.loc[raw.index, "p_value"], expected)
    np.testing.assert_allclose(clusters.loc[raw.index, "p_value_unadjusted"], raw["p_value"])
    significant = clusters.loc[raw.index, "p_value"] < 0.05
    assert (clusters.loc[raw.index, "cluster"] == raw["quadrant"].where(significant, NOT_SIGNIFICANT)).all()


def test_ward_tables_carry_byar_intervals(tile_analysis):
    table = tile_analysis.ward_table("all_vawg")
    for row in table.itertuples():
        lower = chi2.ppf(0.025, 2 * row.count) / 2 if row.count else 0.0
        if row.count < 10:
            assert row.lower == pytest.approx(lower / row.female_population * 1000, abs=1e-9)
            assert row.upper == pytest.approx(chi2.ppf(0.975, 2 * row.count + 2) / 2 / row.female_population * 1000)
        assert row.lower <= row.rate <= row.upper
