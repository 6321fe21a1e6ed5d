"""Whose council's extracts an edition may use, and what a section says when it cannot run (vawg.writing.supply).

Fast tests of the contract's refusal, staging's withholding, the one data-access helper and the chapter blocks;
the whole-build tests (a Hackney build on Camden's council extracts, a build without the optional extracts)
share one build each and live at the end.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
from conftest import FIXTURES as ALL_FIXTURES

from vawg.analysis import recommendations
from vawg.writing import supply
from vawg.analysis.borough_content import load_borough_content
from vawg.publishing.check.published import text_faults
from vawg.foundations.errors import DataError
from vawg.foundations.sections import EXTRACT_GROUPS, SECTIONS
from vawg.intake.staging import STAGING_LOG, validate

FIXTURES = ALL_FIXTURES / "malformed"
VALID = FIXTURES / "_valid"
PERIOD_END = dt.date(2024, 12, 31)


def staged(tmp_path: Path, *, borough: str, sources: list[str]) -> Path:
    """The valid extract's ``sources`` validated for ``borough`` and staged as a build stages them."""
    report, tables = validate(VALID, period_end=PERIOD_END, sources=sources, borough=borough)
    assert report.ok, report.problems
    folder = tmp_path / "staged"
    folder.mkdir(parents=True)
    for name, table in tables.items():
        table.to_parquet(folder / f"{name}.parquet")
    (folder / STAGING_LOG).write_text(json.dumps(report.as_dict()), encoding="utf-8")
    return folder


# -- the contract and staging ------------------------------------------------------------------------------------


def test_a_file_naming_two_councils_is_refused_naming_file_row_column_and_value(tmp_path):
    data = tmp_path / "raw"
    shutil.copytree(VALID, data)
    shutil.copy(FIXTURES / "csn_workflows_two_councils.csv", data / "csn" / "csn_workflows.csv")
    report, tables = validate(data, period_end=PERIOD_END, sources=["csn_workflows"])
    assert tables == {}
    [problem] = [p for p in report.problems if p.column == "borough"]
    message = str(problem)
    assert "csn_workflows.csv" in message and "row 4" in message and "'borough'" in message
    assert "'Islington'" in message and "the same borough as the file's first row" in message


def test_a_council_extract_without_its_borough_column_is_refused(tmp_path):
    data = tmp_path / "raw"
    shutil.copytree(VALID, data)
    path = data / "marac" / "marac_annual.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(line.rsplit(",", 1)[0] for line in lines) + "\n", encoding="utf-8")
    report, _ = validate(data, period_end=PERIOD_END, sources=["marac"])
    assert any(p.column == "borough" and p.file.name == "marac_annual.csv" for p in report.problems), report.problems


def test_another_boroughs_council_extracts_are_withheld_and_the_log_says_whose(tmp_path):
    report, tables = validate(VALID, period_end=PERIOD_END, sources=["marac", "safety_bus_contacts"],
                              borough="Hackney")
    assert report.ok and "marac" not in tables and "safety_bus_contacts" not in tables
    assert report.sources["marac"].status == "withheld" and report.sources["marac"].owner == "Camden"
    assert any("Camden's council's, not Hackney's" in n.message for n in report.notices)
    _, own = validate(VALID, period_end=PERIOD_END, sources=["marac"], borough="Camden")
    assert "marac" in own


# -- the data-access helper ---------------------------------------------------------------------------------------


def test_a_withheld_table_is_not_supplied_naming_the_extract_and_whose_it_is(tmp_path):
    folder = staged(tmp_path, borough="Hackney", sources=["marac"])
    with pytest.raises(supply.NotSupplied, match=r"MARAC annual figures .*\(marac/\).*Camden's council's"):
        supply.staged_table(folder, "marac")
    assert supply.optional_table(folder, "marac") is None


def test_an_undelivered_table_is_not_supplied_and_a_staged_one_is_read(tmp_path):
    folder = staged(tmp_path, borough="Camden", sources=["marac"])
    assert len(supply.staged_table(folder, "marac", columns=["year", "area"])) == 2
    with pytest.raises(supply.NotSupplied, match=r"Housing register applications extract \(housing/\).*not delivered"):
        supply.staged_table(folder, "housing_register")


def test_the_note_names_the_missing_extract_and_never_the_other_borough(tmp_path):
    folder = staged(tmp_path, borough="Hackney", sources=["marac"])
    extracts = supply.extract_supply(folder, "Hackney")
    withheld = supply.note_for(["marac"], extracts, "Hackney")
    assert "another council's records, not Hackney's" in withheld and "Camden" not in withheld
    absent = supply.note_for(["housing"], extracts, "Hackney")
    assert absent.startswith("The housing extracts were not supplied for this edition")
    assert not text_faults(absent)  # the folder is for the analyst (the build's output), not the reader
    assert supply.note_for(["victim_support"], supply.extract_supply(staged(tmp_path / "vs", borough="Hackney",
                                                                             sources=["victim_support"]),
                                                                      "Hackney"), "Hackney") is None


def test_the_build_lines_name_the_folders_left_out_and_whose_extracts_they_are(tmp_path):
    folder = staged(tmp_path, borough="Hackney", sources=["marac", "safety_bus_contacts"])
    absent, withheld = supply.supply_lines(folder, "Hackney")
    assert "\n" not in withheld and "marac/" in withheld and "safety_bus/" in withheld
    assert "belong to Camden, not Hackney" in withheld
    assert absent.startswith("Extracts not supplied this edition:") and "housing/" in absent
    assert "marac/" not in absent
    own = supply.supply_lines(staged(tmp_path / "own", borough="Camden", sources=["marac"]), "Camden")
    assert not [line for line in own if "belong to" in line]


def test_the_navigators_figures_belong_to_their_borough():
    assert supply.extract_supply(Path("/nonexistent"), "Camden")[supply.NAVIGATORS].supplied
    extracts = supply.extract_supply(Path("/nonexistent"), "Hackney")
    assert extracts[supply.NAVIGATORS].status == supply.WITHHELD and extracts[supply.NAVIGATORS].owner == "Camden"
    note = supply.note_for(["navigators"], extracts, "Hackney")
    assert note.startswith("The Domestic Abuse Navigators' annual report figures supplied with this edition are")
    assert "data/" not in note  # readers never see a repository path


def test_a_notebook_outside_a_kernel_learns_its_section_cannot_run(tmp_path, capsys):
    folder = staged(tmp_path, borough="Camden", sources=["marac"])
    assert supply.skip_unless_supplied("marac", folder, "Camden")
    assert not supply.skip_unless_supplied("housing", folder, "Camden")
    assert "not supplied" in capsys.readouterr().out


# -- chapters -----------------------------------------------------------------------------------------------------

CHAPTER = """### MARAC {#sec-marac}

:::: {.if-supplied section="marac"}
In {{< var marac.year >}} the MARAC heard {{< var marac.cases >}} cases.

::: {.callout-tip}
A box inside the block.
:::

{{< include ../artifacts/partials/fig-marac-case-rate.qmd >}}
::::

- A police finding.
:::: {.if-supplied section="marac"}
- The MARAC heard {{< var marac.cases >}} cases.
::::
:::: {.if-supplied section="csn marac"}
- Another finding of the same sections.
::::
"""


def test_a_block_of_a_section_that_cannot_run_becomes_a_note_keeping_its_heading():
    text = supply.filter_blocks(CHAPTER, lambda names: "NOTE" if "marac" in names else None)
    assert text.startswith("### MARAC {#sec-marac}\n")
    assert "marac.cases" not in text and "fig-marac-case-rate" not in text and "A box inside" not in text
    assert "::: {.callout-note}\n## Not supplied this edition\n\nNOTE\n:::\n" in text
    assert text.count("- NOTE\n") == 1  # neighbouring list items of the same sections share one note
    assert "- A police finding.\n- NOTE\n" in text


def test_a_block_of_a_section_that_runs_keeps_its_text_without_the_fences():
    text = supply.filter_blocks(CHAPTER, lambda names: None)
    assert ".if-supplied" not in text and "::::" not in text
    assert "{{< var marac.cases >}} cases.\n\n::: {.callout-tip}\nA box inside the block.\n:::\n" in text
    assert "- A police finding.\n- The MARAC heard" in text


@pytest.mark.parametrize("block, says", [
    (':::: {.if-supplied section="marac"}\ntext\n', "never closed"),
    (':::: {.if-supplied section="maracs"}\ntext\n::::\n', "unknown section maracs"),
    (":::: {.if-supplied}\ntext\n::::\n", 'names no section="'),
])
def test_a_malformed_block_names_the_file_and_line(block, says):
    with pytest.raises(DataError, match=rf"chapters/_x.qmd: line 2: .*{says}"):
        supply.filter_blocks("intro\n" + block, lambda names: None, where="chapters/_x.qmd")


def test_every_section_the_chapters_name_is_declared_and_every_council_section_is_marked():
    from vawg.foundations.paths import project_root

    sources = [*project_root().glob("chapters/*.qmd"), *project_root().glob("appendices/*.qmd")]
    named = set()
    for path in sources:
        text = path.read_text(encoding="utf-8")
        supply.filter_blocks(text, lambda names: named.update(names), where=path.name)
    assert named == set(EXTRACT_GROUPS) - {"safety_bus"}  # the Safety Bus figure lives on its card


def test_each_notebook_that_needs_an_extract_group_declares_it_and_stages_its_extracts():
    """The registry's ``requires`` and the notebook's own skip call name the same group, so the build
    and the chapters agree on what an edition without those extracts leaves out."""
    import re

    import nbformat

    from vawg.foundations.paths import project_root

    required = set()
    for section in SECTIONS:
        cells = nbformat.read(str(project_root() / "notebooks" / section.notebook), as_version=4).cells
        called = re.findall(r'skip_unless_supplied\("([^"]+)"', "\n".join(cell.source for cell in cells))
        assert called == ([section.requires] if section.requires else []), section.notebook
        if section.requires:
            required.add(section.requires)
            extracts = [name for name in EXTRACT_GROUPS[section.requires].extracts if name != supply.NAVIGATORS]
            assert all(section.reads_table(name) for name in extracts), section.notebook
    # The Safety Bus figure lives on its card; Appendix 6f is written by the methods appendix when supplied.
    assert required == set(EXTRACT_GROUPS) - {"safety_bus", "nhs_fgm"}


# -- recommendations ----------------------------------------------------------------------------------------------


def test_recommendations_cite_evidence_of_a_section_left_out_as_not_supplied():
    camden = load_borough_content("Camden")
    areas = camden.recommendations.areas
    cited = {"values": {v.key for a in areas for v in a.evidence.values},
             "figures": {f for a in areas for f in a.evidence.figures},
             "tables": {t for a in areas for t in a.evidence.tables},
             "sections": {s for a in areas for s in a.evidence.sections},
             "themes": {t.id for t in camden.themes.themes}}
    left_out = EXTRACT_GROUPS["marac"].outputs
    cited = {kind: frozenset(i for i in ids if not i.startswith(left_out) or kind == "sections")
             for kind, ids in cited.items()}
    recommendations.check_evidence(camden.recommendations, recommendations.EditionEvidence(**cited,
                                                                                          left_out=left_out))
    with pytest.raises(recommendations.EvidenceError, match="marac.cases"):
        recommendations.check_evidence(camden.recommendations, recommendations.EditionEvidence(**cited))
    text = recommendations.recommendations_partial(camden, "Camden",
                                                   recommendations.EditionEvidence(**cited, left_out=left_out))
    assert "High-risk cases heard at MARAC: not supplied this edition." in text
    assert "@fig-marac-case-rate" not in text and "@sec-marac" in text


# -- whole builds -------------------------------------------------------------------------------------------------

# Victim Support's and NHS England's figures are published for every borough: not one council's records.
COUNCIL_OUTPUTS = tuple(prefix for name, section in EXTRACT_GROUPS.items() if name not in ("victim_support", "nhs_fgm")
                        for prefix in section.outputs)
NOTE = supply.NOTE_HEADING


def page(edition, name: str):
    from bs4 import BeautifulSoup

    path = next(edition.outputs["html"].parent.rglob(name))
    return BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")


def section_text(soup, ident: str) -> str:
    """The text of the section a heading id opens, up to the next heading of the same or a higher level."""
    heading = soup.find(id=ident)
    if heading.name == "section":
        return heading.get_text(" ")
    if not heading.name.startswith("h"):
        heading = heading.find(["h2", "h3", "h4"])
    level, parts = heading.name, [heading.get_text(" ")]
    for item in heading.find_all_next():
        if item.name in ("h1", "h2", "h3")[: int(level[1])] or item.name == level:
            break
        if item.name in ("p", "li", "figcaption", "caption", "div") and not item.find(["p", "li"]):
            parts.append(item.get_text(" "))
    return " ".join(parts).replace("\u2019", "'")  # the renderer's typographic apostrophes


def test_a_hackney_build_publishes_no_figure_of_camdens_council_and_says_why(hackney_edition):
    edition, lines = hackney_edition
    values = json.loads((edition.root / "artifacts" / "values.json").read_text(encoding="utf-8"))
    assert not [key for key in values if key.startswith(COUNCIL_OUTPUTS)]
    assert any(key.startswith("victim_support.") for key in values)  # London-wide: Hackney's own rows
    manifest = json.loads((edition.root / "artifacts" / "manifest.json").read_text(encoding="utf-8"))
    assert not [item["id"] for kind in ("figures", "tables") for item in manifest[kind]
                if item["id"].startswith(COUNCIL_OUTPUTS)]
    [said] = [line for line in lines if "belong to Camden, not Hackney" in line]
    assert "marac/" in said and "csn/" in said
    chapter = page(edition, "03-local-picture.html")
    for ident in ("sec-marac", "sec-csn", "sec-children-services", "sec-housing", "sec-adult-safeguarding",
                  "sec-da-navigators"):
        text = section_text(chapter, ident)
        assert NOTE in text and "not Hackney's" in text, ident
        assert "Camden" not in text, ident
    victims = section_text(chapter, "sec-victim-profiles")
    assert "Ages of referrals to the council's DVA service" not in victims and NOTE in victims
    assert "the MARAC heard" not in chapter.get_text(" ")
    site = edition.outputs["html"].parent
    assert not [p.name for p in site.rglob("*.html") if "fig-safety-bus-users" in p.read_text(encoding="utf-8")]


@pytest.fixture(scope="module")
def without_optional_extracts(small_extract, built_edition, tmp_path_factory):
    """Camden's edition, in all three formats, from the small extract less marac/, housing/ and victim_support/."""
    from conftest import warm_start
    from vawg.running.build import build
    from vawg.foundations.parameters import parse_parameters

    data = tmp_path_factory.mktemp("raw-without") / "raw"
    shutil.copytree(small_extract, data, ignore=shutil.ignore_patterns("marac", "housing", "victim_support"))
    lines: list[str] = []
    edition = build(parse_parameters(data_dir=data),
                    build_dir=warm_start(built_edition, tmp_path_factory.mktemp("build-without")), progress=lines.append)
    return edition, lines


# Each section's note names its extract in words; the delivery folder is in the build's output alone.
MISSING = {"sec-marac": ("The MARAC extract", "marac/"), "sec-housing": ("The housing extracts", "housing/"),
           "sec-victim-support": ("The Victim Support extract", "victim_support/")}


def test_a_build_without_the_optional_extracts_says_so_in_each_section(without_optional_extracts):
    edition, lines = without_optional_extracts
    [said] = [line for line in lines if line.startswith("Extracts not supplied this edition")]
    assert all(folder in said for _, folder in MISSING.values())
    values = json.loads((edition.root / "artifacts" / "values.json").read_text(encoding="utf-8"))
    assert not [key for key in values if key.startswith(("marac.", "housing.", "victim_support."))]
    assert "csn.referrals" in values  # the sections whose extracts came are all there
    chapter = page(edition, "03-local-picture.html")
    for ident, (named, folder) in MISSING.items():
        text = section_text(chapter, ident)
        assert NOTE in text and f"{named} was not supplied for this edition" in text.replace("were", "was"), ident
        assert folder not in text, ident
    assert NOTE not in section_text(chapter, "sec-csn")
    assert "High-risk cases heard at MARAC: not supplied this edition" in page(
        edition, "06-recommendations.html").get_text(" ")


def test_the_not_supplied_notes_are_in_the_pdf_and_the_word_document(without_optional_extracts):
    from docx import Document
    from pypdf import PdfReader

    pdf = " ".join(" ".join((p.extract_text() or "").split()) for p in PdfReader(
        str(without_optional_extracts[0].outputs["pdf"])).pages)
    word = " ".join(p.text for p in Document(str(without_optional_extracts[0].outputs["docx"])).paragraphs)
    pdf, word = (text.replace("\u2019", "'") for text in (pdf, word))
    for text in (pdf, word):
        assert text.count(NOTE) >= len(MISSING)
        assert text.count("not supplied for this edition") >= len(MISSING)
        for named, _ in MISSING.values():
            assert named in text, named
