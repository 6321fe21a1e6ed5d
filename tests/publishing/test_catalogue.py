"""The catalogue of value keys: each key's example text, the function that makes it and the files that quote it."""

from __future__ import annotations

import json
import linecache
import types

import pytest

from vawg.writing.artifacts import ArtifactWriter, read_values
from vawg.publishing.catalogue import CATALOGUE, catalogue_rows


def run_cell(source: str, names: dict) -> None:
    """Run code as a notebook cell runs: from a file name linecache knows, as IPython registers each cell."""
    filename = "<notebook cell 7>"
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    exec(compile(source, filename, "exec"), names)  # noqa: S102 (the test's own cell)


def test_a_notebook_cell_records_the_function_whose_values_it_writes(tmp_path):
    section = types.ModuleType("vawg.analysis.demand.stalking_clinic")
    section.prose_values = lambda analysis: {"stalking.cases": (analysis, "count", 0)}
    writer = ArtifactWriter(tmp_path, 7)
    run_cell("artifacts.values(section.prose_values(\n    analysis))\n",
             {"artifacts": writer, "section": section, "analysis": 41})
    run_cell("artifacts.value('stalking.year', 2024, 'number')\n", {"artifacts": writer})
    values = read_values(tmp_path)
    assert values["stalking.cases"]["made_by"] == "vawg.analysis.demand.stalking_clinic.prose_values"
    assert values["stalking.year"]["made_by"] == ""  # typed in the cell: no function made it


def test_a_value_written_by_a_package_function_is_made_by_it(tmp_path):
    from vawg.running.build import _edition_values
    from vawg.foundations.parameters import parse_parameters

    _edition_values(ArtifactWriter(tmp_path, 7), parse_parameters(data_dir=tmp_path))
    assert {entry["made_by"] for entry in read_values(tmp_path).values()} == {"vawg.running.build._edition_values"}


@pytest.mark.build
def test_the_built_editions_catalogue_names_the_maker_of_every_value_the_chapters_quote(built_edition):
    text = (built_edition.root / CATALOGUE).read_text(encoding="utf-8")
    rows = catalogue_rows(built_edition.root / "artifacts", built_edition.root / "project")
    values = json.loads((built_edition.root / "artifacts" / "values.json").read_text(encoding="utf-8"))
    assert len(rows) == len(values) and f"{len(rows)} keys" in text
    quoted = [row for row in rows if row["quoted_in"]]
    assert len(quoted) > 300
    unmade = [row["key"] for row in quoted if not row["made_by"].startswith("vawg.")]
    assert not unmade, f"{len(unmade)} quoted values name no function: {unmade[:10]}"
    rate = next(row for row in rows if row["key"] == "offences.borough_rate")
    assert rate["made_by"] == "vawg.analysis.police.recorded_offences.prose_values"
    assert "chapters/" in rate["quoted_in"] and f"`offences.borough_rate` | {rate['example']}" in text
