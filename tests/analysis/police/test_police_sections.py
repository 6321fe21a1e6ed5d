"""Crime in the borough, the abuse-type sections, their control charts and the forecast.

Statistics are checked against independent calculations from the staged extract
(plain pandas and the textbook formulas, no code shared with the analysis); the
artifacts are checked in the built edition of the small synthetic extract.
"""

from __future__ import annotations

import ast
import json
import math
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.stats import norm

from vawg.foundations import reference
from vawg.writing.artifacts import read_download
from vawg.foundations.paths import project_root
from vawg.analysis.police import abuse_types, crime_mix, forecast, monthly

CAMDEN = "E09000007"
Z = norm.ppf(0.975)
SECTION_FIGURES = ("fig-crime-group-mix", "fig-vawg-share-by-crime-group", "fig-dva-control-chart",
                   "fig-physical-sexual-control-chart", "fig-violent-threatening-control-chart",
                   "fig-sexual-violence-control-chart", "fig-stalking-harassment-control-chart", "fig-vawg-forecast")
SECTION_TABLES = ("tbl-crime-groups", "tbl-abuse-type-profile", "tbl-december-changes", "tbl-forecast-boroughs",
                  "tbl-forecast-coverage")
MODULES = {crime_mix: "31-crime-mix", abuse_types: "33-abuse-types", monthly: "33-abuse-types",
           forecast: "37-forecast"}


@pytest.fixture(scope="module")
def staged(built_edition) -> Path:
    return built_edition.root / "staged"


@pytest.fixture(scope="module")
def raw(staged):
    offences = pd.read_parquet(staged / "police_offences.parquet")
    population = pd.read_parquet(staged / "population.parquet")
    return offences, population


@pytest.fixture(scope="module")
def sections(staged):
    return abuse_types.AbuseTypeSections.compute(staged, borough="Camden", period_end="2024-12-31", threshold=7)


def female(population, year, codes=None):
    people = population[(population["sex"] == "F") & (population["year"] == year)].groupby("area_code")["population"].sum()
    return people if codes is None else people.reindex(codes)


# -- control charts ------------------------------------------------------------------------------------

def test_control_chart_matches_an_independent_xmr_calculation(raw, sections):
    offences, population = raw
    dva = offences[offences["vawg"] & offences["dva_flag"] & (offences["borough_code"] == CAMDEN)]
    months = pd.period_range("2020-01", "2024-12", freq="M")
    counts = dva["recorded_date"].dt.to_period("M").value_counts().reindex(months, fill_value=0)
    latest = int(population["year"].max())
    # The same year's estimate, or the latest published for a later year.
    rates = pd.Series([counts[m] / female(population, min(m.year, latest))[CAMDEN] * 1000 for m in months],
                      index=months)
    lockdown = (rates.index >= pd.Period("2020-03", "M")) & (rates.index <= pd.Period("2021-03", "M"))
    in_baseline = pd.Series((rates.index < pd.Period("2024-03", "M")) & ~lockdown, index=months)
    centre = rates[in_baseline].mean()
    # Moving ranges only between two consecutive baseline months.
    consecutive = in_baseline & in_baseline.shift(1, fill_value=False)
    sigma = rates.diff().abs()[consecutive].mean() / 1.128
    chart = sections.monthly.control_chart("dva").set_index("month")
    assert chart["rate"].to_numpy() == pytest.approx(rates.to_numpy(), rel=1e-12)
    assert chart["centre"].iloc[-1] == pytest.approx(centre)
    assert chart["upper"].iloc[0] == pytest.approx(centre + 3 * sigma)
    assert chart["lower"].iloc[0] == pytest.approx(max(centre - 3 * sigma, 0))
    outside = (rates > centre + 3 * sigma) | (rates < centre - 3 * sigma)
    assert chart["outside"].tolist() == outside.tolist()
    assert chart["left_out"].iloc[0] == "March 2020 to March 2021"


def test_control_chart_limits_come_from_the_months_before_the_recording_change(sections):
    chart = sections.monthly.control_chart("sexual_violence", "london")
    change = reference.events().query("kind == 'recording_change'")["start"].min()
    assert chart["limits_from"].iloc[0] == f"January 2020 to {change - pd.DateOffset(months=1):%B %Y}"
    # Ten months after the change are too few for limits of their own: one set of limits throughout.
    assert chart["phase"].nunique() == 1 and chart["centre"].nunique() == 1


def test_chart_events_are_read_from_the_reference_file(sections, monkeypatch):
    events = pd.DataFrame({"event_id": ["strike", "late"], "start": pd.to_datetime(["2022-05-01", "2030-01-01"]),
                           "end": pd.to_datetime(["2022-06-30", None]), "label": ["A made-up event", "Later"],
                           "kind": ["context", "recording_change"], "description": ["", ""]})
    monkeypatch.setattr(reference, "events", lambda: events)
    shown = monthly.chart_events(sections.monthly.months)
    assert shown["label"].tolist() == ["A made-up event"]


def test_december_change_is_a_quasi_poisson_score_test_on_the_two_decembers(raw, sections):
    offences, population = raw
    vawg = offences[offences["vawg"]]
    month = vawg["recorded_date"].dt.to_period("M")
    by_borough = pd.DataFrame({
        "before": vawg[month == pd.Period("2023-12", "M")]["borough_code"].value_counts(),
        "after": vawg[month == pd.Period("2024-12", "M")]["borough_code"].value_counts()}).fillna(0)
    # Both Decembers are rated against mid-2023 (the latest estimate), so the boroughs' changes are a
    # two-way table: the dispersion is its independence chi-square over its degrees of freedom.
    expected = by_borough.sum(axis=1).to_numpy()[:, None] * by_borough.sum().to_numpy()[None, :] / by_borough.to_numpy().sum()
    dispersion = max(float(((by_borough.to_numpy() - expected) ** 2 / expected).sum()) / (len(by_borough) - 1), 1.0)
    rest = by_borough.drop(CAMDEN)
    before, after = int(rest["before"].sum()), int(rest["after"].sum())
    n = female(population, 2023, rest.index).sum()
    pooled = (before + after) / (2 * n)
    z = (after / n - before / n) / math.sqrt(pooled * (2 / n)) / math.sqrt(dispersion)
    change = sections.monthly.december_change("all_vawg", "rest")
    assert (change.before, change.after) == (before, after)
    assert change.change == pytest.approx(after / before * 100 - 100)
    assert change.test.statistic == pytest.approx(z, rel=1e-6)
    assert change.test.p_value == pytest.approx(2 * norm.sf(abs(z)), rel=1e-6)


# -- crime in the borough ----------------------------------------------------------------------------------

def test_total_crime_rate_and_its_byar_interval(raw, staged):
    offences, population = raw
    in_2024 = offences[offences["recorded_date"].dt.year == 2024]
    everyone = population[population["year"] == 2023].groupby("area_code")["population"].sum()
    count = int((in_2024["borough_code"] == CAMDEN).sum())
    codes = in_2024["borough_code"].unique()
    crime = crime_mix.CrimeInBorough.compute(staged, borough="Camden", period_end="2024-12-31", threshold=7)
    assert crime.total() == count
    assert crime.total_rate() == pytest.approx(count / everyone[CAMDEN] * 1000)
    assert crime.total_rate("london") == pytest.approx(len(in_2024) / everyone[codes].sum() * 1000)
    values = crime_mix.prose_values(crime)
    upper = (count + 1) * (1 - 1 / (9 * (count + 1)) + Z / (3 * math.sqrt(count + 1))) ** 3 / everyone[CAMDEN] * 1000
    assert values["crime.rate_ci"][0].endswith(f"to {upper:,.1f}")


def test_vawg_share_of_each_crime_group_with_wilson_interval(raw, staged):
    offences, _ = raw
    camden = offences[(offences["recorded_date"].dt.year == 2024) & (offences["borough_code"] == CAMDEN)]
    sexual = camden[camden["crime_group"] == "Sexual Offences"]
    x, n = int(sexual["vawg"].sum()), len(sexual)
    p = x / n
    lower = (p + Z**2 / (2 * n) - Z * math.sqrt(p * (1 - p) / n + Z**2 / (4 * n**2))) / (1 + Z**2 / n)
    table = crime_mix.CrimeInBorough.compute(staged, borough="Camden", period_end="2024-12-31",
                                             threshold=7).group_table().set_index("crime_group")
    row = table.loc["Sexual offences"]
    assert row["vawg_share"] == pytest.approx(p * 100)
    assert row["vawg_lower"] == pytest.approx(lower * 100)
    assert table["count"].sum() == len(camden)
    assert table["share"].sum() == pytest.approx(100)


# -- abuse-type sections ----------------------------------------------------------------------------------

def test_abuse_type_profile_counts_rates_shares_and_ranks(raw, sections):
    offences, population = raw
    vawg = offences[(offences["recorded_date"].dt.year == 2024) & offences["vawg"]]
    names = set(reference.abuse_type_offences().query("abuse_type == 'sexual_violence'")["vawg_offence_name"])
    sv = vawg[vawg["vawg_offence_name"].str.strip().isin(names)]
    by_borough = sv.groupby("borough_code").size()
    women = female(population, 2023, by_borough.index)
    rates = by_borough / women * 1000
    row = sections.profile().set_index("abuse_type").loc["sexual_violence"]
    assert row["count"] == by_borough[CAMDEN]
    assert row["rate"] == pytest.approx(rates[CAMDEN])
    assert row["rank"] == int((rates > rates[CAMDEN]).sum()) + 1
    assert row["share_of_vawg"] == pytest.approx(by_borough[CAMDEN] / (vawg["borough_code"] == CAMDEN).sum() * 100)
    assert row["rate_lower"] < row["rate"] < row["rate_upper"]
    assert row["share_lower"] < row["share_of_vawg"] < row["share_upper"]


def test_a_type_with_no_police_offence_is_said_to_be_unmeasured(sections):
    values = abuse_types.prose_values(sections)
    assert "cannot count economic abuse" in values["types.economic.police_data"][0]
    assert "types.economic.rate" not in values


def test_yearly_range_never_shows_a_count_below_the_threshold():
    assert abuse_types._yearly_range(3, 5, 7) == "fewer than 7 in every year"
    assert abuse_types._yearly_range(3, 14, 7) == "between fewer than 7 and 14 a year"
    assert abuse_types._yearly_range(7, 14, 7) == "between 7 and 14 a year"


def test_a_december_comparison_on_hidden_counts_says_so_instead_of_printing_marks():
    """Seen in the 5% build: "showed a [c] rise ([c], [c]) ... The borough's change [c] the other boroughs'"."""
    december = pd.Series({"before": 3, "after": 9, "change": 200.0, "p": 0.04, "rest_before": 900,
                          "rest_after": 620, "rest_change": -31.1, "rest_p": 0.0001, "difference_p": 0.01,
                          "difference_significant": True})
    hidden = abuse_types.december_sentence(december, 7, 2023)
    assert hidden == ("the borough's monthly counts were too small to publish a change, while the rest of "
                      "London's monthly rate showed a 31.1% fall (statistically significant, p < 0.001).")
    shown = abuse_types.december_sentence(december.replace({3: 12}), 7, 2023)
    assert shown.startswith("the borough's monthly rate showed a 200.0% rise (statistically significant, p = 0.04)")
    assert shown.endswith("The borough's change differed significantly from the other boroughs' (p = 0.01).")
    assert "[c]" not in hidden + shown


def test_table_2_has_byar_intervals_around_its_rates(built_edition):
    table = read_download(built_edition.root / "artifacts" / "data" / "tbl-abuse-type-rates.csv")
    overall = table.iloc[0]
    low, high = float(overall["Camden 95% CI lower"]), float(overall["Camden 95% CI upper"])
    assert low < float(overall.iloc[1]) < high
    assert {"Rest of London 95% CI lower", "Rest of London 95% CI upper"} <= set(table.columns)


# -- forecast -------------------------------------------------------------------------------------------------

def test_forecast_is_trained_before_the_recording_change_and_its_interval_holds_the_hold_out(staged):
    demand = forecast.FutureDemand.compute(staged, borough="Camden", period_end="2024-12-31", threshold=7,
                                           boroughs=["E09000033"])
    change = reference.events().query("kind == 'recording_change'")["start"].min().to_period("M")
    for result in demand.forecasts.values():
        assert result.training["month"].max() == change - 1
        assert result.holdout_coverage >= 75
        assert result.rolling["origin"].nunique() == forecast.ROLLING_ORIGINS
        assert result.rolling["origin"].max() == result.holdout["month"].min() - 1  # the MAPE's hold-out is the last
        assert result.mape < 15
        assert result.end["month"] == pd.Period("2028-12", "M")
        assert result.end["lower"] < result.end["mean"] < result.end["upper"]
        assert result.start["month"] == pd.Period("2023-12", "M")  # like with like: December to December
    values = forecast.prose_values(demand)
    assert values["forecast.training_last_month"][0] == f"{change - 1:%B %Y}"


def test_rolling_hold_out_refits_at_each_origin_and_checks_the_next_twelve_months():
    months = pd.period_range("2020-01", "2024-02", freq="M")   # 50 months, as the report's training months
    rng = np.random.default_rng(5)
    rates = pd.Series(1.2 + 0.004 * np.arange(len(months)) + rng.normal(0, 0.05, len(months)), index=months)
    exog = forecast.regressors(months)
    rolling = forecast.rolling_holdout(rates, exog)
    origins = sorted(rolling["origin"].unique())
    # Five fits two months apart, the last on all but the final twelve months (the MAPE's hold-out).
    assert origins == [months[size - 1] for size in (30, 32, 34, 36, 38)]
    assert (rolling.groupby("origin").size() == forecast.HOLDOUT_MONTHS).all()
    assert (rolling["month"] == rolling["origin"] + rolling["ahead"]).all()
    assert (rolling["actual"] == rates.reindex(rolling["month"]).to_numpy()).all()
    # Each origin's forecast is the model fitted on the months up to it, and nothing later.
    first = rolling[rolling["origin"] == origins[0]]
    fit = forecast.forecast_monthly(rates.iloc[:30], exog.iloc[:30], exog.iloc[30:42]).forecast
    assert first["lower"].to_numpy() == pytest.approx(fit["lower"].to_numpy())
    inside = (rolling["actual"] >= rolling["lower"]) & (rolling["actual"] <= rolling["upper"])
    assert forecast.coverage(rolling) == pytest.approx(inside.mean() * 100)
    # A series too short for all five fits keeps the ones with two years to fit on.
    short = forecast.rolling_holdout(rates.iloc[:40], exog.iloc[:40])
    assert sorted(short["origin"].unique()) == [months[size - 1] for size in (24, 26, 28)]


def test_lockdown_regressor_is_the_share_of_each_month_in_a_lockdown():
    frame = forecast.regressors(pd.period_range("2020-02", "2020-12", freq="M"))["context_period"]
    # First lockdown from 23 March 2020: 9 of March's 31 days; all of April; second lockdown 5 November to 2 December.
    assert frame[pd.Period("2020-03", "M")] == pytest.approx(9 / 31)
    assert frame[pd.Period("2020-04", "M")] == 1
    assert frame[pd.Period("2020-11", "M")] == pytest.approx(26 / 30)
    assert frame[pd.Period("2020-12", "M")] == pytest.approx(2 / 31)
    assert frame[pd.Period("2020-08", "M")] == 0


# -- artifacts, notebooks and chapters --------------------------------------------------------------------

def test_every_section_artifact_is_built_with_alt_text_and_data(built_edition):
    manifest = json.loads((built_edition.root / "artifacts" / "manifest.json").read_text())
    figures = {figure["id"]: figure for figure in manifest["figures"]}
    for figure_id in SECTION_FIGURES:
        assert figure_id in figures, figure_id
        alt = figures[figure_id]["alt"]
        assert len(alt) > 120 and re.match(r"^(Control chart|Line chart|Grouped bar chart)", alt), alt
        assert (built_edition.root / "artifacts" / "data" / f"{figure_id}.csv").exists()
    tables = {table["id"] for table in manifest["tables"]}
    assert set(SECTION_TABLES) <= tables


def test_control_chart_alt_text_names_the_events_and_the_signals(built_edition):
    manifest = json.loads((built_edition.root / "artifacts" / "manifest.json").read_text())
    alt = next(f["description"] for f in manifest["figures"] if f["id"] == "fig-dva-control-chart")
    for label in reference.events()["label"]:
        assert label in alt
    assert "3-sigma control limits" in alt and "London" in alt


def test_each_artifact_id_is_in_one_notebook_cell_its_module_docstring_and_a_chapter():
    # A section's methods table (the forecast's measured coverage) may be printed in Appendix 6 instead.
    chapters = "".join(path.read_text(encoding="utf-8") for path in [*(project_root() / "chapters").glob("_03-*.qmd"),
                                                                      *(project_root() / "appendices").glob("a6-*.qmd")])
    for module, notebook in MODULES.items():
        docstring = ast.get_docstring(ast.parse(Path(module.__file__).read_text(encoding="utf-8")))
        cells = json.loads((project_root() / "notebooks" / f"{notebook}.ipynb").read_text(encoding="utf-8"))["cells"]
        first_lines = ["".join(cell["source"]).splitlines()[0] for cell in cells if cell["cell_type"] == "code"]
        for artifact_id in re.findall(r"``((?:fig|tbl)-[a-z0-9-]+)``", docstring):
            assert first_lines.count(f"# {artifact_id}") == 1, (notebook, artifact_id)
            assert f"artifacts/partials/{artifact_id}.qmd" in chapters, artifact_id


def test_section_notebooks_have_the_parameters_of_the_recorded_offences_notebook_and_no_outputs():
    def parameters(name):
        cells = json.loads((project_root() / "notebooks" / name).read_text(encoding="utf-8"))["cells"]
        tagged = [cell for cell in cells if "parameters" in cell.get("metadata", {}).get("tags", [])]
        assert len(tagged) == 1
        assert all(not cell.get("outputs") for cell in cells if cell["cell_type"] == "code")
        return "".join(tagged[0]["source"])

    expected = parameters("03-recorded-offences.ipynb")
    for name in ("31-crime-mix.ipynb", "33-abuse-types.ipynb", "37-forecast.ipynb"):
        assert parameters(name) == expected, name


def test_chapter_includes_the_sections_in_order():
    text = (project_root() / "chapters" / "03-local-picture.qmd").read_text(encoding="utf-8")
    order = [text.index(f"{{{{< include {name} >}}}}") for name in
             ("_03-crime-in-borough.qmd", "_03-recorded-offences.qmd", "_03-abuse-type-sections.qmd",
              "_03-future-demand.qmd")]
    assert order == sorted(order)


def test_section_prose_types_no_numbers_and_no_borough_name():
    for name in ("_03-crime-in-borough.qmd", "_03-abuse-type-sections.qmd", "_03-future-demand.qmd"):
        text = (project_root() / "chapters" / name).read_text(encoding="utf-8")
        # Shortcodes, labels, cross-references and fixed conventions (95% intervals, rates per 1,000) aside.
        prose = re.sub(r"\{\{< [^>]* >\}\}|\{#[^}]*\}|@(fig|tbl)-[a-z0-9-]+|Appendix 6[a-h]|95%|1,000", "", text)
        assert "Camden" not in prose, name
        assert not re.search(r"\d", prose), (name, re.findall(r".{30}\d.{10}", prose))


def test_every_value_the_section_prose_quotes_is_written(built_edition):
    values = json.loads((built_edition.root / "artifacts" / "values.json").read_text())
    for name in ("_03-crime-in-borough.qmd", "_03-abuse-type-sections.qmd", "_03-future-demand.qmd"):
        text = (project_root() / "chapters" / name).read_text(encoding="utf-8")
        for key in re.findall(r"\{\{< var ([\w.]+) >\}\}", text):
            assert key in values, (name, key)


def _monthly(last: str, level_after: float = 50) -> monthly.MonthlyRates:
    """Two boroughs, 100 offences a month until the recording change and ``level_after`` after it."""
    months = pd.period_range("2020-01", last, freq="M")
    change = pd.Period("2024-03", "M")
    rows = []
    for code in ("A", "B"):
        for month in months:
            count = (100 if month < change else level_after) + (month.month % 3)
            rows.append({"borough_code": code, "month": month, "dva": count, "all_vawg": count})
    counts = pd.DataFrame(rows).set_index(["borough_code", "month"])
    female = pd.DataFrame({year: [100_000, 100_000] for year in sorted({m.year for m in months})}, index=["A", "B"])
    return monthly.MonthlyRates(borough="A borough", borough_code="A", year=2024, months=months, counts=counts,
                                female=female, threshold=7)


def test_months_after_a_change_get_limits_of_their_own_once_there_are_twelve():
    short = _monthly("2024-12").control_chart("dva")
    assert short["phase"].nunique() == 1
    assert short.loc[short["month"] >= pd.Period("2024-03", "M"), "outside"].all()  # 50 a month: far below
    long = _monthly("2025-06").control_chart("dva")
    assert sorted(long["phase"].unique()) == [0, 1]
    after = long[long["phase"] == 1]
    assert after["centre"].iloc[0] == pytest.approx(after["rate"].mean())
    assert not after["outside"].any()
    text = monthly.limits_description(long, "March 2024")
    assert text == ("January 2020 to February 2024, the months before the police changed their recording system in "
                    "March 2024, and separately from March 2024 to June 2025, the months since, leaving out the "
                    "COVID-19 lockdown period (March 2020 to March 2021), whose unusual months would otherwise widen "
                    "the limits")
    assert not long.loc[long["month"].between(pd.Period("2020-03", "M"), pd.Period("2021-03", "M")), "baseline"].any()
