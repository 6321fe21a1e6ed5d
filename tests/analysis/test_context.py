"""Chapters 1 and 2 and Appendices 1, 4 and 5 from data: validation, rendering and borough content."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
import yaml

from vawg.analysis import context
from vawg.writing.artifacts import ArtifactWriter
from vawg.publishing.check.published import text_faults
from vawg.foundations.errors import DataError
from vawg.foundations.paths import project_root


@pytest.fixture
def project(tmp_path, monkeypatch) -> Path:
    """A copy of the data and bibliography that a test may change (VAWG_PROJECT points at it)."""
    root = tmp_path / "project"
    for part in ("data/reference", "data/boroughs"):
        shutil.copytree(project_root() / part, root / part)
    shutil.copy2(project_root() / "references.json", root / "references.json")
    monkeypatch.setenv("VAWG_PROJECT", str(root))
    return root


def written(tmp_path: Path, borough: str) -> dict[str, str]:
    writer = ArtifactWriter(tmp_path / f"artifacts-{borough}", 7)
    paths = context.write_context(writer, borough)
    return {name: path.read_text(encoding="utf-8") for name, path in paths.items()}


def test_register_renders_every_entry_once_in_appendix_5_and_chapter_entries_in_chapter_2(tmp_path):
    register = context.load_register("Camden")
    parts = written(tmp_path, "Camden")
    appendix = "".join(parts[f"tbl-register-{kind}"] for kind in ("legislation", "strategy", "guidance", "framework"))
    chapter = "".join(parts[f"tbl-policy-{level}"] for level in ("international", "national", "london", "local"))
    for entry in register:
        assert appendix.count(f"({entry.link})") == 1, entry.id
        assert (f"({entry.link})" in chapter) == entry.chapter, entry.id
    assert "[@ukpga2021domestic]" in parts["tbl-policy-national"]


def test_a_bad_entry_is_rejected_naming_file_entry_and_field(project):
    path = project / "data" / "reference" / "policy_register.yaml"
    entries = yaml.safe_load(path.read_text(encoding="utf-8"))
    entries[2]["year"] = "twenty twenty-one"
    path.write_text(yaml.safe_dump(entries), encoding="utf-8")
    with pytest.raises(DataError, match=r"policy_register\.yaml: entry 3 \(Domestic Abuse Act 2021\): field 'year'"):
        context.load_register("Camden")


def test_a_register_citation_with_no_bibliography_entry_is_rejected(project):
    path = project / "data" / "reference" / "policy_register.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("cite: ukpga2010equality", "cite: nosuch2010"),
                    encoding="utf-8")
    with pytest.raises(DataError, match="equality-act-2010: field 'cite': @nosuch2010 has no entry"):
        context.load_register("Camden")


def test_why_vawg_matters_rejects_a_non_number_naming_row_and_column(project):
    path = project / "data" / "reference" / "why_vawg_matters.csv"
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    rows[1]["value"] = "about a quarter"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=rows[0].keys())
        writer.writeheader()
        writer.writerows(rows)
    with pytest.raises(DataError, match=r"why_vawg_matters\.csv: row 3, column 'value': 'about a quarter'"):
        context.load_why_vawg_matters("Camden")


def test_another_borough_gets_no_camden_content_and_is_told_how_to_add_its_own(tmp_path):
    parts = written(tmp_path, "Hackney")
    everything = "\n".join(parts.values())
    assert "Camden" not in everything
    for name in ("borough-strategy", "borough-rationale", "tbl-scope", "tbl-policy-local"):
        assert "Hackney has not supplied" in parts[name]
        assert not text_faults(parts[name]), name  # readers get no repository path
    assert "Hackney has not supplied its own reports" in parts["further-documents"]
    figure_data = (tmp_path / "artifacts-Hackney" / "data" / "fig-why-vawg-matters.csv").read_text(encoding="utf-8")
    assert "Camden" not in figure_data


def test_camden_gets_its_own_scope_local_strategies_documents_and_abbreviations(tmp_path):
    parts = written(tmp_path, "Camden")
    assert "{#tbl-scope}" in parts["tbl-scope"] and "Women and children who live in Camden" in parts["tbl-scope"]
    assert "We Make Camden" in parts["tbl-policy-local"]
    assert "Camden Council reports and insights" in parts["further-documents"]
    assert "Camden Safety Net" in parts["tbl-abbreviations"]
    assert "more than 14,000" in parts["tbl-why-vawg-matters"]


def test_glossary_is_alphabetical_and_abbreviations_filtered_by_borough(tmp_path):
    glossary = context.load_glossary()
    terms = context.render_glossary(glossary, "Hackney", part="terms")
    headwords = [line for line in terms.splitlines() if line and not line.startswith((" ", ":"))]
    assert headwords == sorted(headwords, key=str.casefold)
    assert len(headwords) == len(glossary.terms)
    abbreviations = context.render_glossary(glossary, "Hackney", part="abbreviations")
    assert "| MARAC |" in abbreviations and "CSN" not in abbreviations


def test_why_figure_charts_only_percentages_with_alt_text_naming_each(tmp_path):
    table = context.load_why_vawg_matters("Camden")
    figure = context.figure_why_vawg_matters(table)
    charted = table[table["chart_label"] != ""]
    assert len(figure.data) == len(charted) and (charted["unit"] == "percent").all()
    assert figure.alt.startswith(f"Horizontal bar chart of {len(charted)} published percentages")
    for row in charted.itertuples():
        assert f"{row.value:g}%" in figure.alt


def test_on_a_phone_each_published_figure_names_itself_in_at_most_two_lines(tmp_path):
    """Beside the bars, at 3 inches, the names wrapped to five lines each and ran into each other (issue 13); above
    its bar, across the chart, each takes one or two."""
    import xml.etree.ElementTree as ET

    figure = context.figure_why_vawg_matters(context.load_why_vawg_matters("Camden"))
    ArtifactWriter(tmp_path, 7).figure(figure)
    names = [f"{row.chart_label} ({row.period})" for row in figure.data.itertuples()]
    phone = ET.parse(tmp_path / "figures" / "fig-why-vawg-matters.narrow.svg")
    lines = [" ".join("".join(node.itertext()).split()) for node in phone.iter("{http://www.w3.org/2000/svg}text")]
    headings = " ".join(" ".join(str(figure.plot.labels.get(part, "")).split()) for part in ("title", "subtitle"))
    name_lines = [line for line in lines if line and line not in headings and any(line in name for name in names)]
    assert len(names) <= len(name_lines) <= 2 * len(names), name_lines
