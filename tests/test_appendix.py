"""Appendix 6 is generated from the reference data the analysis reads, so the two cannot disagree."""

from __future__ import annotations

import ast
import importlib
import inspect
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from vawg import appendix, reference, stats
from vawg.artifacts import ArtifactWriter
from vawg.check.published import text_faults
from vawg.errors import DataError
from vawg.paths import project_root
from vawg.police.offences import abuse_type_flags

REFERENCE_LOADERS = (reference.boroughs, reference.crime_categorisation, reference.abuse_types,
                     reference.abuse_type_offences, reference.events)
TABLES = {
    "6a": ("tbl-data-sources", appendix.table_data_sources),
    "6b": ("tbl-crime-categorisation", appendix.table_crime_categorisation),
    "6c": ("tbl-vawg-flags", appendix.table_vawg_flags),
    "6d": ("tbl-metric-definitions", appendix.table_metric_definitions),
    "6e": ("tbl-statistical-tests", appendix.table_statistical_tests),
    "6f": ("tbl-nhs-fgm", lambda: appendix.table_nhs_fgm("Camden")),
    "6g": ("tbl-children-safeguarding-flags", appendix.table_children_safeguarding_flags),
    "6h": ("tbl-adult-safeguarding-flags", appendix.table_adult_safeguarding_flags),
}


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

    before_rate = stats.rate_per(abuse_type_flags(offences)["stalking_harassment"].sum(), female_residents)
    assert before_rate == pytest.approx(3.0)
    assert "Harassment" in _stalking_rule()

    # An analyst decides harassment no longer sets the stalking and harassment flag.
    mapping_file = project_copy / "data" / "reference" / "abuse_type_offences.csv"
    mapping = pd.read_csv(mapping_file, dtype=str)
    dropped = (mapping["abuse_type"] == "stalking_harassment") & (mapping["vawg_offence_name"] == "Harassment")
    assert dropped.sum() == 1
    mapping[~dropped].to_csv(mapping_file, index=False)
    _clear_reference_caches()  # a new build starts with empty caches

    after_rate = stats.rate_per(abuse_type_flags(offences)["stalking_harassment"].sum(), female_residents)
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
    table = make()
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


# -- 6a: the data-source register ------------------------------------------------------------------


def test_every_extract_the_build_stages_is_in_the_register_as_used():
    from vawg.staging import SOURCES

    register = appendix.data_sources().set_index("extract_folder")
    for source in SOURCES:
        assert source.folder in register.index, source.folder
        assert register.loc[source.folder, "status"] == "in_use"
    used = appendix.table_data_sources().data
    for open_source in ("census", "geography", "ward_population"):  # the shipped open data (data/open/)
        assert used.loc[used["source_id"] == open_source, "in_use"].item() == "Yes", open_source


def test_the_register_says_which_extracts_this_edition_received(tmp_path):
    """Seen in the 5% build: the DVA service, children's services, housing and MARAC listed as "Not yet"
    while Chapter 3 analysed them. Used now means received by this edition."""
    import json

    from vawg.contracts import CONTRACTS
    from vawg.supply import STAGING_LOG

    received = {"csn_workflows": None, "csn_risk_checklists": None, "csn_intake_forms": None,
                "police_offences": None, "cssw_forms": "Camden"}
    log = {"sources": [{"name": name, "title": name, "status": "withheld" if owner else "staged", "owner": owner}
                       for name, owner in received.items()]}
    (tmp_path / STAGING_LOG).write_text(json.dumps(log), encoding="utf-8")
    for name, owner in received.items():
        if owner is None:
            (tmp_path / f"{name}.parquet").write_bytes(b"")
    used = appendix.table_data_sources(tmp_path, "Hackney").data.set_index("source_id")["in_use"]
    assert (used["csn"], used["police_offences"]) == ("Yes", "Yes")
    assert used["cssw"] == "No: another council's records"
    assert used["marac"] == used["housing"] == "Not supplied this edition"
    register = appendix.data_sources().set_index("source_id")
    extract_folders = {contract.folder for contract in CONTRACTS if contract.folder}
    planned = register[register["extract_folder"].isin(extract_folders) & (register["status"] != "in_use")]
    assert planned.empty, f"extracts the build stages but the register calls planned: {list(planned.index)}"


# -- 6d and 6e: what is listed as used must exist and be used --------------------------------------


def _resolve(dotted: str):
    parts = dotted.split(".")
    for split in range(len(parts), 0, -1):
        try:
            target = importlib.import_module(".".join(parts[:split]))
        except ModuleNotFoundError:
            continue
        for attribute in parts[split:]:
            target = getattr(target, attribute)
        return target
    raise ImportError(dotted)


def test_metrics_in_use_name_the_code_that_computes_them():
    metrics = appendix.metric_definitions()
    for row in metrics[metrics["status"] == "in_use"].itertuples():
        assert callable(_resolve(row.implemented_by)), row.metric
    shown = appendix.table_metric_definitions()
    planned = set(metrics.loc[metrics["status"] == "planned", "metric"])
    assert not planned & set(shown.data["metric"])  # planned, not printed as used
    assert "Rate per 1,000 female residents" in shown.data["metric"].tolist()


def _calls_outside_stats() -> str:
    package = Path(stats.__file__).parent
    return "\n".join(path.read_text(encoding="utf-8") for path in package.rglob("*.py")
                     if path.name != "stats.py" and "appendix" not in path.name)


def test_tests_listed_as_used_exist_in_vawg_stats_and_are_called_by_the_analysis():
    tests = appendix.statistical_tests()
    used = tests[tests["status"] == "in_use"]
    assert set(used["test_id"]) >= {"two_proportion_z", "rate_ratio_change"}
    source = _calls_outside_stats()
    for row in used.itertuples():
        assert row.implemented_by.startswith("vawg.stats."), row.test
        function = _resolve(row.implemented_by)
        assert callable(function)
        assert re.search(rf"\b{function.__name__}\(", source), f"{row.implemented_by} is listed as used but never called"


def test_every_test_in_vawg_stats_is_listed_in_appendix_6e():
    listed = set(appendix.statistical_tests().query("status == 'in_use'")["implemented_by"])
    for name, function in inspect.getmembers(stats, inspect.isfunction):
        if function.__module__ == stats.__name__ and not name.startswith("_"):
            returns = inspect.signature(function).return_annotation
            if "TestResult" in str(returns):
                assert f"vawg.stats.{name}" in listed, f"vawg.stats.{name} is a test missing from Appendix 6e"


def test_appendix_6e_prints_only_the_tests_in_use_and_mentions_the_planned_ones():
    table = appendix.table_statistical_tests()
    tests = appendix.statistical_tests()
    assert set(table.data["test"]) == set(tests.loc[tests["status"] == "in_use", "test"])
    assert {"Pooled two-proportion z-test", "Quasi-Poisson change test against the other boroughs",
            "Wilson score interval", "Special-cause rules (NHS Making Data Count)"} <= set(table.data["test"])
    assert any("Holm's method" in note for note in table.notes)
    # Readers get the method's name, not the code's: no column prints a Python function.
    assert [column.header for column in table.columns] == ["Test", "What it does", "Used for"]
    for name in tests.loc[tests["status"] == "planned", "test"]:
        assert any(name in note for note in table.notes), name
    assert not any("Shapiro" in note for note in table.notes)  # listed by the seed, used by nothing


def test_a_status_outside_the_vocabulary_is_rejected(project_copy):
    path = project_copy / "data" / "reference" / "statistical_tests.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",in_use\n", ",used\n", 1), encoding="utf-8")
    with pytest.raises(DataError, match="statistical_tests.csv: column 'status': 'used'"):
        appendix.statistical_tests()


# -- 6f, 6g, 6h ------------------------------------------------------------------------------------


def test_nhs_fgm_table_has_the_borough_london_and_england():
    table = appendix.table_nhs_fgm("Camden")
    assert [column.header for column in table.columns] == ["Question", "Response", "Camden", "London", "England"]
    assert "April 2023 to March 2024" in table.caption
    totals = table.data.set_index(["question", "response"]).loc[("Total Attendances", "Attendances Total")]
    assert totals[["Camden", "London", "England"]].tolist() == [1.78, 1.54, 0.49]
    assert not totals[["Camden suppressed", "London suppressed", "England suppressed"]].any()


def test_nhs_fgm_table_for_a_borough_without_figures_says_so():
    table = appendix.table_nhs_fgm("Hackney")
    assert [column.header for column in table.columns][2:] == ["London", "England"]
    assert any("do not include Hackney" in note for note in table.notes) and not text_faults(" ".join(table.notes))


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


def test_a_missing_reference_file_is_named(project_copy):
    (project_copy / "data" / "reference" / "nhs_fgm.csv").unlink()
    with pytest.raises(DataError, match="nhs_fgm.csv: file not found"):
        appendix.table_nhs_fgm("Camden")


def test_appendix_module_lists_every_table_it_makes():
    module = ast.parse(Path(appendix.__file__).read_text(encoding="utf-8"))
    docstring = ast.get_docstring(module)
    for table_id, _ in TABLES.values():
        assert f"``{table_id}``" in docstring
