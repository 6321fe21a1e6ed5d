"""References: every citation resolves, every entry is cited, and the list is in HTML, PDF and Word.

The fast tests read the sources (chapters, appendices and the data files whose prose the report
prints); the render tests add a bibliography to a copy of the renderer's fixture book; the last
test reads the session's default build (no build of its own).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest
from bs4 import BeautifulSoup
from docx import Document
from pypdf import PdfReader
from conftest import FIXTURES

from vawg.analysis import context
from vawg.foundations.errors import RenderError
from vawg.foundations.paths import project_root
from vawg.publishing.render import render_book
from vawg.publishing.render.pandoc import citation_args, run_pandoc

FIXTURE = FIXTURES / "render_book"
BIBLIOGRAPHY = [
    {"id": "who2024violence", "type": "webpage", "title": "Violence against women: fact sheet",
     "author": [{"literal": "World Health Organization"}], "issued": {"date-parts": [[2024]]},
     "URL": "https://www.who.int/news-room/fact-sheets/detail/violence-against-women"},
    {"id": "ukpga2021domestic", "type": "legislation", "title": "Domestic Abuse Act",
     "issued": {"date-parts": [[2021]]}, "URL": "https://www.legislation.gov.uk/ukpga/2021/17/contents"},
]


# ----------------------------------------------------------------------------- the sources


def test_every_citation_in_the_sources_has_an_entry_and_every_entry_is_cited():
    assert context.citation_problems() == []


def test_the_seed_references_are_all_in_the_bibliography():
    entries = json.loads((project_root() / "references.json").read_text(encoding="utf-8"))
    ids = [entry["id"] for entry in entries]
    assert len(ids) == len(set(ids))
    # 144 numbered references less 18 repeats and one statistical note, plus ten unnumbered footnotes.
    assert len(ids) == 135
    assert all(entry.get("title") and entry.get("type") for entry in entries)


def test_every_bibliography_entry_prints_in_the_reference_list(tmp_path):
    """citeproc drops an entry its style cannot print (Chicago's personal_communication) and only warns."""
    args = citation_args(SimpleNamespace(bibliography=["references.json"], project_dir=project_root(), csl=None))
    text = run_pandoc([*args, "--to=plain"], cwd=tmp_path, what="reference list",
                      input_text='---\nnocite: "@*"\n---\n')
    entries = json.loads((project_root() / "references.json").read_text(encoding="utf-8"))
    assert "Email correspondence" in text and text.count("\n\n") >= len(entries) - 1
    card = {"id": "lettercard", "type": "personal_communication", "title": "A letter", "issued": {"date-parts": [[2024]]}}
    (tmp_path / "refs.json").write_text(json.dumps([card]), encoding="utf-8")
    args = citation_args(SimpleNamespace(bibliography=["refs.json"], project_dir=tmp_path, csl=None))
    with pytest.raises(RenderError, match="@lettercard"):
        run_pandoc([*args, "--to=plain"], cwd=tmp_path, what="reference list", input_text="[@lettercard]\n")


def _project(tmp_path: Path, *, extra_entry: bool = False) -> Path:
    root = tmp_path / "project"
    for name in ("chapters", "appendices"):
        (root / name).mkdir(parents=True)
    (root / "chapters" / "01-a.qmd").write_text(
        "# A\n\nAbuse is common [@who2024violence]. @fig-trend is a cross-reference, not a citation.\n")
    (root / "appendices" / "a1.qmd").write_text("# B\n\nSee the Act [@ukpga2021domestic, section 1].\n")
    (root / "index.qmd").write_text("# Home\n")
    entries = BIBLIOGRAPHY + ([{"id": "never2020cited", "type": "report", "title": "Unused"}] if extra_entry else [])
    (root / "references.json").write_text(json.dumps(entries))
    return root


def test_a_project_whose_citations_all_resolve_has_no_problems(tmp_path):
    assert context.citation_problems(_project(tmp_path)) == []


def test_a_cited_key_with_no_entry_is_named_with_its_file(tmp_path):
    root = _project(tmp_path)
    (root / "chapters" / "01-a.qmd").write_text("# A\n\nA claim [@who2024violence; @nosuch2023report].\n")
    assert context.citation_problems(root) == [
        "chapters/01-a.qmd: @nosuch2023report is cited but has no entry in references.json"]


def test_an_entry_never_cited_is_named(tmp_path):
    assert context.citation_problems(_project(tmp_path, extra_entry=True)) == [
        "references.json: entry 'never2020cited' is never cited"]


def test_citations_in_data_files_count(tmp_path):
    root = _project(tmp_path)
    (root / "appendices" / "a1.qmd").write_text("# B\n")
    (root / "data" / "reference").mkdir(parents=True)
    (root / "data" / "reference" / "policy_register.yaml").write_text("- id: x\n  cite: ukpga2021domestic\n")
    assert context.citation_problems(root) == []


# ----------------------------------------------------------------------------- rendering


def _cited_book(tmp_path: Path, citation: str = "[@who2024violence]") -> Path:
    book = tmp_path / "book"
    shutil.copytree(FIXTURE, book)
    (book / "references.json").write_text(json.dumps(BIBLIOGRAPHY), encoding="utf-8")
    chapter = book / "chapters" / "02-offences.qmd"
    chapter.write_text(chapter.read_text(encoding="utf-8")
                       + f"\n\nOne woman in three is affected {citation}. The Act defines abuse [@ukpga2021domestic].\n"
                       # A citation in a table cell: the PDF writes tables as raw typst, after citeproc.
                       + "\n| Figure | Source |\n|---|---|\n| 1 in 3 | [@who2024violence] |\n",
                       encoding="utf-8")
    (book / "references.qmd").write_text("# References {.unnumbered}\n\n::: {#refs}\n:::\n", encoding="utf-8")
    config = (book / "_quarto.yml").read_text(encoding="utf-8")
    config = config.replace("    - appendices/a1-methods.qmd\n",
                            "    - appendices/a1-methods.qmd\n    - references.qmd\n")
    (book / "_quarto.yml").write_text(config + "\nbibliography: references.json\n", encoding="utf-8")
    return book


@pytest.fixture(scope="module")
def cited_outputs(tmp_path_factory) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("cited")
    return render_book(_cited_book(tmp), tmp / "out", use_quarto=False)


def test_html_citation_links_to_its_entry_on_the_references_page(cited_outputs):
    site = cited_outputs["html"].parent
    chapter = BeautifulSoup((site / "chapters" / "02-offences.html").read_text(encoding="utf-8"), "html.parser")
    cite = chapter.find(class_="citation", attrs={"data-cites": "who2024violence"})
    assert cite is not None and "World Health Organization 2024" in cite.get_text(" ")
    assert cite.find("a")["href"] == "../references.html#ref-who2024violence"
    references = BeautifulSoup((site / "references.html").read_text(encoding="utf-8"), "html.parser")
    entry = references.find(id="ref-who2024violence")
    assert "Violence Against Women: Fact Sheet" in entry.get_text(" ")
    assert references.find("h1").get_text(strip=True) == "References"


def test_pdf_and_word_carry_the_reference_list(cited_outputs):
    pdf = " ".join(page.extract_text() for page in PdfReader(cited_outputs["pdf"]).pages)
    word = "\n".join(paragraph.text for paragraph in Document(cited_outputs["docx"]).paragraphs)
    for text in (pdf, word):
        assert "(World Health Organization 2024)" in " ".join(text.split())
        assert "Violence Against Women: Fact Sheet" in " ".join(text.split())
        assert "@who2024violence" not in text


def test_a_citation_with_no_entry_stops_the_render_naming_the_key(tmp_path):
    book = _cited_book(tmp_path, citation="[@nosuch2023report]")
    with pytest.raises(RenderError, match="@nosuch2023report"):
        render_book(book, tmp_path / "out", formats=("html",), use_quarto=False)


# ----------------------------------------------------------------------------- the default build


def test_the_default_build_lists_its_references_in_all_three_formats(built_edition):
    site = built_edition.outputs["html"].parent
    references = BeautifulSoup((site / "references.html").read_text(encoding="utf-8"), "html.parser")
    assert len(references.select("div.csl-entry")) >= 100
    assert references.find(id="ref-un1993declaration") is not None
    pdf = " ".join(" ".join(page.extract_text() for page in PdfReader(built_edition.outputs["pdf"]).pages).split())
    word = " ".join(" ".join(p.text for p in Document(built_edition.outputs["docx"]).paragraphs).split())
    for text in (pdf, word):
        # The citation style sets titles in title case, so the words are compared without case.
        assert "declaration on the elimination of violence against women" in text.casefold()
        assert "respect women" in text.casefold()
