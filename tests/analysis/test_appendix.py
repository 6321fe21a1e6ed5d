"""Appendix 6 is generated from what the analysis read and ran, so the two cannot disagree."""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from vawg.analysis import appendix
from vawg.foundations import methods_used, reference, spatial, stats
from vawg.foundations.stats.comparisons import rate_per
from vawg.foundations.stats.intervals import rate_with_interval, wilson_interval
from vawg.writing.artifacts import ArtifactWriter, read_download
from vawg.publishing.check.published import text_faults
from vawg.foundations.errors import DataError
from vawg.foundations.paths import project_root
from vawg.analysis.police.offences import abuse_type_flags

REFERENCE_LOADERS = (reference.boroughs, reference.crime_categorisation, reference.abuse_types,
                     reference.abuse_type_offences, reference.events)
TABLES = {
    "6a": ("tbl-data-sources", lambda folder: appendix.table_data_sources(folder)),
    "6b": ("tbl-crime-categorisation", lambda folder: appendix.table_crime_categorisation()),
    "6c": ("tbl-vawg-flags", lambda folder: appendix.table_vawg_flags()),
    "6d": ("tbl-metric-definitions", lambda folder: appendix.table_metric_definitions(folder)),
    "6e": ("tbl-statistical-tests", lambda folder: appendix.table_statistical_tests(folder)),
    "6f": ("tbl-nhs-fgm", lambda folder: appendix.table_nhs_fgm(folder, "Camden", 7)),
    "6g": ("tbl-children-safeguarding-flags", lambda folder: appendix.table_children_safeguarding_flags()),
    "6h": ("tbl-adult-safeguarding-flags", lambda folder: appendix.table_adult_safeguarding_flags()),
}
CAMDEN, LONDON_ELSE = "E09000007", "E09000012"  # Camden and Hackney (the rest of London, in these tests)


def _clear_reference_caches() -> None:
    for loader in REFERENCE_LOADERS:
        loader.cache_clear()


@pytest.fixture
def project_copy(tmp_path, monkeypatch):
    """A copy of the project's reference data that a test may change; the real files stay untouched."""
    (tmp_path / "data").mkdir()
    shutil.copytree(project_root() / "data" / "reference", tmp_path / "data" / "reference")
    monkeypatch.setenv("VAWG_PROJECT", str(tmp_path))
    _clear_reference_caches()
    yield tmp_path
    monkeypatch.delenv("VAWG_PROJECT")
    _clear_reference_caches()


def _offences(names: list[str | None]) -> pd.DataFrame:
    """Police offences as staged: every offence here is VAWG unless it has no VAWG offence name."""
    return pd.DataFrame({
        "vawg_offence_name": pd.Series(names, dtype="string"),
        "vawg": [name is not None for name in names],
        "dva_flag": False, "fgm_flag": False, "forced_marriage_flag": False, "hbv_flag": False,
    })


def _stalking_rule() -> list[str]:
    table = appendix.table_vawg_flags().data.set_index("label")["rule"]
    return table["Stalking and harassment"].split("; ")


# -- the must-show test ----------------------------------------------------------------------------


def test_changing_one_vawg_flag_mapping_changes_a_computed_rate_and_appendix_6c(project_copy):
    offences = _offences(["Harassment", "Harassment", "Stalking", "Rape of a Female aged 16 and over", None])
    female_residents = 1000

    before_rate = rate_per(abuse_type_flags(offences)["stalking_harassment"].sum(), female_residents)
    assert before_rate == pytest.approx(3.0)
    assert "Harassment" in _stalking_rule()

    # An analyst decides harassment no longer sets the stalking and harassment flag.
    mapping_file = project_copy / "data" / "reference" / "abuse_type_offences.csv"
    mapping = pd.read_csv(mapping_file, dtype=str)
    dropped = (mapping["abuse_type"] == "stalking_harassment") & (mapping["vawg_offence_name"] == "Harassment")
    assert dropped.sum() == 1
    mapping[~dropped].to_csv(mapping_file, index=False)
    _clear_reference_caches()  # a new build starts with empty caches

    after_rate = rate_per(abuse_type_flags(offences)["stalking_harassment"].sum(), female_residents)
    assert after_rate == pytest.approx(1.0)
    rule = _stalking_rule()
    assert "Harassment" not in rule and "Stalking" in rule

    # The published partial of Appendix 6c changes with it.
    writer = ArtifactWriter(project_copy / "artifacts", 7)
    partial = writer.table(appendix.table_vawg_flags()).read_text(encoding="utf-8")
    row = next(line for line in partial.splitlines() if line.startswith("| Stalking and harassment |"))
    assert "Racially or Religiously Aggravated Harassment" in row
    assert "; Harassment;" not in row and "| Harassment;" not in row


def test_the_real_reference_data_is_untouched_by_the_test_above():
    _clear_reference_caches()
    assert "Harassment" in _stalking_rule()


# -- every table -----------------------------------------------------------------------------------


@pytest.mark.parametrize("section", sorted(TABLES))
def test_every_appendix_6_table_is_written_and_included_in_order(section, tmp_path):
    table_id, make = TABLES[section]
    folder = _recorded_run(tmp_path / "run", sources=("police_offences",), metrics=("vawg_rate",), tests=("byar_interval",))
    _staged_fgm(folder)
    table = make(folder)
    assert table.id == table_id and not table.data.empty
    path = ArtifactWriter(tmp_path, 7).table(table)
    assert f"{{#{table_id}}}" in path.read_text(encoding="utf-8")
    qmd = (project_root() / "appendices" / "a6-quantitative-methods.qmd").read_text(encoding="utf-8")
    heading = qmd.index(f"## {section}:")
    include = qmd.index(f"partials/{table_id}.qmd")
    following = [qmd.index(f"## {other}:") for other in sorted(TABLES) if other > section]
    assert heading < include < (min(following) if following else len(qmd))


def test_every_table_has_a_cell_in_the_appendix_notebook():
    notebook = (project_root() / "notebooks" / "90-appendix-methods.ipynb").read_text(encoding="utf-8")
    for table_id, _ in TABLES.values():
        assert notebook.count(f"# {table_id} (Appendix") == 1, table_id


# -- records of what a run used ----------------------------------------------------------------------


def _recorded_run(folder: Path, *, sources=(), metrics=(), tests=()) -> Path:
    """An artifacts folder as a notebook leaves it after using these sources, metrics and tests."""
    methods_used.reset()
    ArtifactWriter(folder, 7)
    methods_used.record("source", *sources)
    methods_used.record("metric", *metrics)
    methods_used.record("test", *tests)
    methods_used.reset()  # the next test starts with no records
    return folder


def _staged_fgm(folder: Path) -> Path:
    """A staged NHS FGM extract and population: Camden and London (Camden plus Hackney), two reporting years."""
    rows = []
    for year, camden, hackney in ((2022, 90_000, 140_000), (2023, 100_000, 150_000)):
        for code, name, female in ((CAMDEN, "Camden", camden), (LONDON_ELSE, "Hackney", hackney)):
            for band, share in (("20-24", 0.6), ("25-29", 0.4)):
                rows.append((code, name, year, "F", band, int(female * share)))
                rows.append((code, name, year, "M", band, 99_999))  # men are never the denominator
    pd.DataFrame(rows, columns=["area_code", "area_name", "year", "sex", "age_band", "population"]).to_parquet(
        folder / "population.parquet", index=False)
    published = [  # (question, response, Camden, London, England); None: "*" in NHS England's publication
        ("Total Attendances", "Attendances Total", 180, 1500, 14000),
        ("Age at attendance (latest attendance in period)", "Under 18", None, 20, 300),
        ("Age at attendance (latest attendance in period)", "18-24", 5, 0, 100),
    ]
    fgm = []
    for start, end, scale in (("2022-04-01", "2023-03-31", 2), ("2023-04-01", "2024-03-31", 1)):
        for question, response, *counts in published:
            for area, count in zip(("Camden", "London", "England"), counts):
                fgm.append((start, end, area, question, response, None if count is None else count * scale))
    frame = pd.DataFrame(fgm, columns=["period_start", "period_end", "area", "question", "response", "count"])
    frame[["period_start", "period_end"]] = frame[["period_start", "period_end"]].apply(pd.to_datetime)
    frame["count"] = frame["count"].astype("Int64")
    frame.to_parquet(folder / "nhs_fgm.parquet", index=False)
    return folder


# -- 6a: the sources this edition read -------------------------------------------------------------


def test_appendix_6a_lists_exactly_the_sources_recorded_and_names_the_others(tmp_path):
    folder = _recorded_run(tmp_path, sources=("police_offences", "csn_workflows", "reference_census_ethnic_group_lad"))
    table = appendix.table_data_sources(folder)
    assert set(table.data["source_id"]) == {"police_offences", "csn", "census"}
    assert [column.header for column in table.columns] == ["Source", "Type", "What it provides", "Used for"]
    note = " ".join(table.notes)
    assert "not used in this edition" in note and "MARAC" in note and "Camden Safety Net" not in note
    assert "Not yet" not in note and not text_faults(note)


def test_appendix_6a_says_why_a_register_source_was_not_used(tmp_path):
    """Seen in the 5% build: the DVA service, children's services, housing and MARAC listed as "Not yet"
    while Chapter 3 analysed them. Now a source is listed when it was read, and one that was not says why."""
    import json

    from vawg.writing.supply import STAGING_LOG

    received = {"csn_workflows": None, "police_offences": None, "cssw_forms": "Camden"}
    log = {"sources": [{"name": name, "title": name, "status": "withheld" if owner else "staged", "owner": owner}
                       for name, owner in received.items()]}
    staged = tmp_path / "staged"
    staged.mkdir()
    (staged / STAGING_LOG).write_text(json.dumps(log), encoding="utf-8")
    folder = _recorded_run(tmp_path / "artifacts", sources=("police_offences", "csn_workflows"))
    table = appendix.table_data_sources(folder, staged, "Hackney")
    assert set(table.data["source_id"]) == {"police_offences", "csn"}
    note = table.notes[0]
    assert "Children's safeguarding and social work (including the MASH) (another council's records)" in note
    assert "Multi-Agency Risk Assessment Conference (MARAC) (not supplied this edition)" in note


def test_every_source_the_analysis_can_read_is_in_the_register():
    """Each staged table (extract or open reference data) and each other source belongs to one register row."""
    from vawg.intake.contracts import CONTRACTS
    from vawg.intake.contracts.da_navigators import NAVIGATORS_SOURCE
    from vawg.intake.contracts.reference_data import REFERENCE_CONTRACTS
    from vawg.analysis.services.loading import SOURCE_ID

    owners = appendix.source_reads(appendix.data_sources())
    readable = {contract.name for contract in (*CONTRACTS, *REFERENCE_CONTRACTS)} | {NAVIGATORS_SOURCE, SOURCE_ID}
    assert readable <= set(owners), sorted(readable - set(owners))
    assert set(owners) <= readable, sorted(set(owners) - readable)  # the register names nothing the code cannot read


def test_a_source_read_but_not_in_the_register_stops_the_build(tmp_path):
    folder = _recorded_run(tmp_path, sources=("police_offences", "homicide_dashboard"))
    with pytest.raises(DataError, match=r"data_sources.csv: .*homicide_dashboard; add a row"):
        appendix.table_data_sources(folder)


# -- 6d and 6e: the metrics and tests this edition ran ---------------------------------------------


def _registered(modules) -> dict[str, set[str]]:
    """Every id a function of ``modules`` registers with ``@uses``."""
    found: dict[str, set[str]] = {kind: set() for kind in methods_used.KINDS}
    for module in modules:
        for _, member in inspect.getmembers(module):
            for function in [member, *(vars(member).values() if inspect.isclass(member) else ())]:
                for kind, identifier in getattr(function, "registers", ()):
                    found[kind].add(identifier)
    return found


def _analysis_modules():
    import pkgutil

    import vawg

    names = [info.name for info in pkgutil.walk_packages(vawg.__path__, "vawg.")
             if not info.name.startswith(("vawg.running.synth", "vawg.publishing.check", "vawg.publishing.render"))]
    return [importlib.import_module(name) for name in names]


def test_every_metric_and_test_the_code_registers_is_catalogued_and_every_catalogued_one_is_registered():
    registered = _registered(_analysis_modules())
    assert registered["test"] == set(appendix.statistical_tests()["test_id"])
    assert registered["metric"] == set(appendix.metric_definitions()["metric_id"])


def test_every_test_in_vawg_stats_and_spatial_registers_itself():
    modules = [importlib.import_module(info.name) for info in pkgutil.iter_modules(stats.__path__, f"{stats.__name__}.")]
    for module in (*modules, spatial):
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if function.__module__ == module.__name__ and not name.startswith("_"):
                returns = str(inspect.signature(function).return_annotation)
                if any(kind in returns for kind in ("TestResult", "Interval", "GoodnessOfFit", "FisherExact",
                                                    "OddsRatio", "Funnel", "ControlLimits", "Forecast")):
                    assert any(kind == "test" for kind, _ in getattr(function, "registers", ())), \
                        f"{module.__name__}.{name} is a test that does not register itself for Appendix 6e"


def test_appendix_6e_lists_exactly_the_tests_recorded(tmp_path):
    folder = _recorded_run(tmp_path, tests=("wilson_interval", "local_morans_i"))
    table = appendix.table_statistical_tests(folder)
    assert table.data["test"].tolist() == ["Wilson score interval", "Local Moran's I"]
    assert any("Holm's method" in note for note in table.notes)
    assert not any("Later chapters" in note for note in table.notes)
    # Readers get the method's name, not the code's: no column prints a Python function.
    assert [column.header for column in table.columns] == ["Test", "What it does", "Used for"]


def test_calling_a_statistics_function_records_its_test_and_metric(tmp_path):
    methods_used.reset()
    folder = tmp_path / "artifacts"
    ArtifactWriter(folder, 7)  # a notebook's writer: records go to its methods.json from now on
    wilson_interval(3, 10)
    rate_with_interval(30, 1000)  # Byar's interval, through the rates helper
    try:
        assert methods_used.read(folder)["test"] == {"wilson_interval", "byar_interval"}
        assert methods_used.read(folder)["metric"] == {"share_confidence_interval", "rate_confidence_interval"}
        table = appendix.table_statistical_tests(folder)
        assert set(table.data["test"]) == {"Wilson score interval", "Byar's method"}
        metrics = appendix.table_metric_definitions(folder)
        assert set(metrics.data["metric_id"]) == {"share_confidence_interval", "rate_confidence_interval"}
    finally:
        methods_used.reset()


def test_a_test_run_but_not_catalogued_stops_the_build(tmp_path):
    folder = _recorded_run(tmp_path, tests=("wilson_interval", "shapiro_wilk"))
    with pytest.raises(DataError, match=r"statistical_tests.csv: .*ran statistical tests .*shapiro_wilk"):
        appendix.table_statistical_tests(folder)
    folder = _recorded_run(tmp_path / "metrics", metrics=("absolute_change",))
    with pytest.raises(DataError, match=r"metric_definitions.csv: .*absolute_change"):
        appendix.table_metric_definitions(folder)


def test_the_catalogues_read_as_published_text():
    """What 6a, 6d and 6e print passes the published-text check (no code names, no formulas in identifiers)."""
    for table, shown in ((appendix.data_sources(), ("source", "provides", "used_for")),
                         (appendix.metric_definitions(), ("metric", "definition", "formula")),
                         (appendix.statistical_tests(), ("test", "what_it_does", "used_for"))):
        for column in shown:
            for text in table[column]:
                assert not text_faults(text), text
                assert not re.search(r"\b(Figure|Table) \d", text), f"a fixed figure or table number: {text}"


def test_a_catalogue_row_twice_is_rejected(project_copy):
    path = project_copy / "data" / "reference" / "statistical_tests.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([*lines, lines[1]]) + "\n", encoding="utf-8")
    with pytest.raises(DataError, match="statistical_tests.csv: column 'test_id': 'two_proportion_z' is on two rows"):
        appendix.statistical_tests()


# -- 6f: NHS FGM from the staged extract -----------------------------------------------------------


def test_nhs_fgm_rates_are_the_staged_counts_over_this_editions_female_residents(tmp_path):
    from vawg.writing.artifacts import format_frame

    staged = _staged_fgm(tmp_path)
    table = appendix.table_nhs_fgm(staged, "Camden", 7)
    assert [column.header for column in table.columns] == ["Question", "Response", "Camden", "London"]
    assert "April 2023 to March 2024" in table.caption  # the latest reporting year only
    # Independently: the latest year's counts over mid-2023 female residents (Camden; Camden and Hackney for London).
    population = pd.read_parquet(staged / "population.parquet")
    female = population[(population["sex"] == "F") & (population["year"] == 2023)].groupby("area_code")["population"].sum()
    fgm = pd.read_parquet(staged / "nhs_fgm.parquet")
    latest = fgm[fgm["period_end"] == fgm["period_end"].max()].set_index(["area", "question", "response"])["count"]
    total = ("Total Attendances", "Attendances Total")
    shown = format_frame(table.data, table.columns, 7).set_index(["Question", "Response"])
    assert shown.loc[total, "Camden"] == f"{latest[('Camden', *total)] / female[CAMDEN] * 1000:.2f}" == "1.80"
    assert shown.loc[total, "London"] == f"{latest[('London', *total)] / female.sum() * 1000:.2f}" == "6.00"
    under_18 = ("Age at attendance (latest attendance in period)", "Under 18")
    assert shown.loc[under_18, "Camden"] == "[c]"  # "*" at source: no rate can be worked out
    assert shown.loc[under_18, "London"] == f"{20 / female.sum() * 1000:.2f}"
    young = ("Age at attendance (latest attendance in period)", "18-24")
    assert shown.loc[young, "Camden"] == "[c]"  # 5: a count this report does not publish
    assert shown.loc[young, "London"] == "0.00"
    notes = " ".join(table.notes)
    assert "mid-2023" in notes and "England" in notes and "NHS England suppressed" in notes and "under 7" in notes


def test_nhs_fgm_table_for_a_borough_without_figures_says_so(tmp_path):
    table = appendix.table_nhs_fgm(_staged_fgm(tmp_path), "Hackney", 7)
    assert [column.header for column in table.columns][2:] == ["London"]
    assert any("do not include Hackney" in note for note in table.notes) and not text_faults(" ".join(table.notes))


def test_without_an_nhs_fgm_extract_there_is_no_table(tmp_path):
    assert appendix.table_nhs_fgm(tmp_path, "Camden", 7) is None


# -- the whole build -------------------------------------------------------------------------------


def _download(edition, table_id: str) -> pd.DataFrame:
    return read_download(edition.root / "artifacts" / "data" / f"{table_id}.csv")


def _per_notebook_records(edition) -> dict[str, set[str]]:
    """What each notebook's own result recorded, from the build's cache (reused or rerun alike)."""
    cache = edition.root.parent / ".cache" / edition.edition / "notebooks"
    found: dict[str, set[str]] = {kind: set() for kind in methods_used.KINDS}
    for entry in cache.glob("*/*/files/artifacts"):
        for kind, identifiers in methods_used.read(entry).items():
            found[kind] |= identifiers
    return found


def test_the_built_appendix_6e_and_6d_list_exactly_the_tests_and_metrics_the_build_used(built_edition):
    recorded = methods_used.read(built_edition.root / "artifacts")
    assert recorded == _per_notebook_records(built_edition)  # the merge (and the cache) lost nothing
    tests = appendix.statistical_tests().set_index("test_id")["test"]
    assert sorted(_download(built_edition, "tbl-statistical-tests")["Test"]) == sorted(tests[list(recorded["test"])])
    # What the report shows it used: Moran's I (the ward clusters), the funnel plot, control charts, the forecast.
    assert {"local_morans_i", "funnel", "control_limits", "special_causes", "forecast", "odds_ratio"} <= recorded["test"]
    metrics = appendix.metric_definitions().set_index("metric_id")["metric"]
    assert sorted(_download(built_edition, "tbl-metric-definitions")["Metric"]) == \
        sorted(metrics[list(recorded["metric"])])


def test_the_built_appendix_6a_lists_exactly_the_sources_the_build_read(built_edition):
    from vawg.intake.contracts import CONTRACTS

    recorded = methods_used.read(built_edition.root / "artifacts")["source"]
    staged = {path.stem for path in (built_edition.root / "staged").glob("*.parquet")}
    # Every staged table recorded was staged (nothing is listed that the edition did not have) ...
    assert recorded - {"service_cards", "da_navigators"} <= staged
    # ... and every extract this edition received was read by its section.
    assert {contract.name for contract in CONTRACTS} & staged <= recorded
    sources = appendix.data_sources()
    owners = appendix.source_reads(sources)
    used = sources[sources["source_id"].isin({owners[name] for name in recorded})]
    assert sorted(_download(built_edition, "tbl-data-sources")["Source"]) == sorted(used["source"])
    partial = (built_edition.root / "artifacts" / "partials" / "tbl-data-sources.qmd").read_text(encoding="utf-8")
    assert "Not yet" not in partial and "homicide dashboard" in partial  # in the register, not used


def test_the_built_appendix_6f_is_this_editions_extract_over_its_female_residents(built_edition):
    staged = built_edition.root / "staged"
    population = pd.read_parquet(staged / "population.parquet")
    fgm = pd.read_parquet(staged / "nhs_fgm.parquet")
    latest = fgm[fgm["period_end"] == fgm["period_end"].max()]
    year = latest["period_start"].min().year
    female = population[(population["sex"] == "F") & (population["year"] == year)]
    residents = {"Camden": female.loc[female["area_code"] == CAMDEN, "population"].sum(),
                 "London": female.loc[female["area_code"].str.startswith("E09"), "population"].sum()}
    shown = _download(built_edition, "tbl-nhs-fgm").set_index(["Question", "Response"])
    assert list(shown.columns) == ["Camden", "London"]
    checked = hidden = 0
    for row in latest[latest["area"].isin(residents)].itertuples():
        cell = shown.loc[(row.question, row.response), row.area]
        if pd.isna(row.count) or 0 < row.count < 7:
            assert cell == "[c]", (row.area, row.question, row.response)
            hidden += 1
        else:
            assert float(cell) == pytest.approx(round(row.count / residents[row.area] * 1000, 2)), (row.area, row.question)
            checked += 1
    assert checked and hidden


def test_safeguarding_flag_tables_group_every_mapping():
    children = appendix.table_children_safeguarding_flags().data
    assert len(children) == 3
    counts = appendix.children_safeguarding_flags().groupby("form").size().to_dict()
    assert counts == {"mash_contact": 11, "cssw_assessment": 11, "eh_assessment": 12}
    adults = appendix.table_adult_safeguarding_flags().data.set_index("label")["asc_abuse_type"]
    assert adults["Domestic abuse"] == "Domestic Abuse; Other Domestic Abuse"
    assert len(appendix.adult_safeguarding_flags()) == 49


def test_adult_flags_must_be_abuse_types_the_analysis_knows(project_copy):
    path = project_copy / "data" / "reference" / "adult_safeguarding_flags.csv"
    path.write_text(path.read_text(encoding="utf-8") + "neglectful,Neglect\n", encoding="utf-8")
    with pytest.raises(DataError, match="adult_safeguarding_flags.csv: column 'vawg_flag'.*neglectful"):
        appendix.adult_safeguarding_flags()


def test_a_missing_reference_file_is_named(project_copy, tmp_path):
    (project_copy / "data" / "reference" / "statistical_tests.csv").unlink()
    with pytest.raises(DataError, match="statistical_tests.csv: file not found"):
        appendix.table_statistical_tests(tmp_path)


def test_appendix_module_lists_every_table_it_makes():
    module = ast.parse(Path(appendix.__file__).read_text(encoding="utf-8"))
    docstring = ast.get_docstring(module)
    for table_id, _ in TABLES.values():
        assert f"``{table_id}``" in docstring
