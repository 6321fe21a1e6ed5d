"""`vawg check`: it passes on a real build, and each check fails on the fault it exists to catch.

Fixtures in tests/fixtures/check/ are named for what they prove. The browser tests need
Debian's chromium (.ci/install-system-packages.sh); without it they are skipped, saying so.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import types
from pathlib import Path

import docx
import pikepdf
import pytest
import typst
from docx.oxml.ns import qn
from typer.testing import CliRunner
from conftest import FIXTURES as ALL_FIXTURES
from conftest import REPOSITORY

from vawg.publishing.check import COLOURS, PDF, SITE_BROWSER, SITE_STRUCTURE, WORD, check_edition
from vawg.publishing.check.axe import browser_missing, check_site_in_browser
from vawg.publishing.check.colours import check_palette, check_stylesheet, check_svg, contrast, palette_constants
from vawg.publishing.check.docx import check_docx
from vawg.publishing.check.html import check_site
from vawg.publishing.check.pdf import check_pdf
from vawg.publishing.check.results import Section

FIXTURES = ALL_FIXTURES / "check"
NO_BROWSER = browser_missing()
needs_browser = pytest.mark.skipif(NO_BROWSER is not None, reason=f"browser checks cannot run: {NO_BROWSER}")


def rules(section: Section) -> set[str]:
    return {finding.rule for finding in section.errors}


@pytest.fixture(scope="session")
def edition(built_edition) -> Path:
    return built_edition.root


@pytest.fixture
def output_copy(edition, tmp_path) -> Path:
    """A private copy of the built edition's outputs that a test may damage."""
    target = tmp_path / "edition" / "output"
    shutil.copytree(edition / "output", target)
    return target


# --- the real build passes ---------------------------------------------------------------------

@pytest.fixture(scope="session")
def edition_report(edition):
    return check_edition(edition, browser=NO_BROWSER is None)


def test_default_build_passes_every_check(edition_report):
    failures = [f"{section.title}: {finding.where} {finding.element}: {finding.message}"
                for section in edition_report.sections for finding in section.errors]
    assert failures == []
    for title in (SITE_STRUCTURE, PDF, WORD, COLOURS):
        section = edition_report.section(title)
        assert section.passed and section.checked, title
    if NO_BROWSER is None:
        assert edition_report.section(SITE_BROWSER).passed
        assert edition_report.passed


@needs_browser
def test_every_page_has_zero_axe_violations(edition_report):
    browser = edition_report.section(SITE_BROWSER)
    assert browser.not_run is None
    assert not [f for f in browser.findings if f.rule.startswith("axe:") and f.severity == "error"]
    assert any("axe-core" in line for line in browser.checked)


def test_cli_checks_the_newest_edition_and_exits_zero(edition):
    import typer

    from vawg.publishing.check.cli import check_command, latest_edition

    assert latest_edition(edition.parent) == edition
    if NO_BROWSER is not None:
        pytest.skip(f"the full command needs the browser: {NO_BROWSER}")
    app = typer.Typer()
    app.command()(check_command)
    result = CliRunner().invoke(app, ["--edition", str(edition)])
    assert result.exit_code == 0, result.output
    assert "All checks passed" in result.output


def test_cli_exits_non_zero_on_a_failure(output_copy):
    import typer

    from vawg.publishing.check.cli import check_command

    (output_copy / "report.docx").unlink()
    app = typer.Typer()
    app.command()(check_command)
    result = CliRunner().invoke(app, ["--edition", str(output_copy.parent)])
    assert result.exit_code == 1
    assert "report.docx" in result.output


# --- HTML ------------------------------------------------------------------------------------

@needs_browser
def test_axe_catches_an_image_without_alt_text():
    site = FIXTURES / "site_image_without_alt"
    section = Section("browser", "site")
    check_site_in_browser(site, FIXTURES, section)
    assert section.not_run is None
    image_alt = [f for f in section.errors if f.rule == "axe:image-alt"]
    assert image_alt, section.findings
    assert image_alt[0].where == "site_image_without_alt/index.html"
    assert 'src="chart.png"' in image_alt[0].element


@needs_browser
def test_browser_catches_sideways_scrolling_and_an_invisible_focus(output_copy):
    site = output_copy / "site"
    page = site / "index.html"
    html = page.read_text(encoding="utf-8")
    html = html.replace("</main>", '<p id="too-wide" style="width: 900px">A fixed-width paragraph.</p></main>')
    page.write_text(html, encoding="utf-8")
    with (site / "assets" / "vawg.css").open("a", encoding="utf-8") as css:
        css.write("\n*:focus, *:focus-visible { outline: none !important; background: transparent !important; }\n")
    section = Section("browser", "site")
    check_site_in_browser(site, output_copy, section, pages=[page])
    assert {"reflow", "focus-visible"} <= rules(section)
    assert any("too-wide" in f.element for f in section.errors if f.rule == "reflow")


def test_browser_section_fails_when_chromium_is_missing(monkeypatch, tmp_path):
    import vawg.publishing.check.axe as axe_module

    monkeypatch.setattr(axe_module, "chromium_path", lambda: None)
    section = Section("browser", "site")
    check_site_in_browser(FIXTURES / "site_image_without_alt", FIXTURES, section)
    assert section.not_run and "chromium" in section.not_run.lower()
    assert not section.passed


def test_structure_catches_missing_landmarks_headings_and_figure_data(output_copy):
    site = output_copy / "site"
    # A page with a chart and a numbered table, so every fault below can be planted on it.
    page = next(p for p in sorted(site.rglob("*.html"))
                if "<figure" in (text := p.read_text(encoding="utf-8")) and 'id="tbl-' in text)
    html = page.read_text(encoding="utf-8")
    html = html.replace('<a class="skip-link" href="#main">Skip to main content</a>', "")
    html = re.sub(r"<details class=\"figure-data\">.*?</details>", "", html, flags=re.S)
    html = html.replace("</main>", "<h1>A second h1</h1><table><tr><td>layout</td></tr></table></main>")
    html = re.sub(r'scope="col"', "", html, count=1)
    page.write_text(html, encoding="utf-8")
    section = Section("structure", "site")
    check_site(site, output_copy, section)
    found = rules(section)
    assert {"skip-link", "one-h1", "figure-data", "figure-csv", "table-caption", "table-headers", "th-scope"} <= found
    assert all(f.where == str(page.relative_to(output_copy)) for f in section.errors)


def test_structure_catches_a_figure_whose_alt_only_repeats_the_caption(output_copy):
    site = output_copy / "site"
    page = next(p for p in site.rglob("*.html") if "<figure" in p.read_text(encoding="utf-8"))
    html = re.sub(r'<img alt="[^"]*"', '<img alt="Figure"', page.read_text(encoding="utf-8"), count=1)
    page.write_text(html, encoding="utf-8")
    section = Section("structure", "site")
    check_site(site, output_copy, section)
    assert "figure-alt" in rules(section)


# --- colours -----------------------------------------------------------------------------------

def test_contrast_matches_wcag_examples():
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)


def test_contrast_check_catches_a_low_contrast_text_colour():
    section = Section("colours", "css")
    check_stylesheet((FIXTURES / "low_contrast.css").read_text(encoding="utf-8"), "low_contrast.css", section)
    assert [f.element for f in section.errors] == ["line 4: .note"]
    assert "2.85:1" in section.errors[0].message


def test_contrast_check_reads_backgrounds_from_enclosing_and_state_rules():
    css = """
    :root { --brand: #12436D; }
    body { color: #0b0c0c; background: #fff; }
    .banner { background: var(--brand); color: #fff; }
    .banner a { color: #fff; }
    a:focus-visible { background: #BFBFBF; color: #0b0c0c; }
    .banner a:focus-visible { color: #6BACE6; }
    """
    section = Section("colours", "css")
    check_stylesheet(css, "inline.css", section)
    # white on the banner passes; light blue on the grey focus background does not.
    assert [f.element for f in section.errors] == ["line 7: .banner a:focus-visible"]


def test_contrast_check_catches_a_pale_chart_colour():
    charts = types.SimpleNamespace(CATEGORICAL=("#12436D", "#ADD1F1"), TEXT_COLOUR="#0B0C0C", GRID_COLOUR="#D9D9D9")
    section = Section("colours", "palette")
    check_palette(palette_constants(charts), "palette", section)
    assert [f.element for f in section.errors] == ["CATEGORICAL: #ADD1F1"]


def test_contrast_check_catches_pale_marks_in_a_chart(output_copy):
    svg = next((output_copy / "site").rglob("*.svg"))
    svg.write_text(svg.read_text(encoding="utf-8").replace("#12436d", "#add1f1"), encoding="utf-8")
    section = Section("colours", "svg")
    check_svg(svg, svg.name, section)
    assert "chart-contrast" in rules(section)
    assert any("#add1f1" in f.element for f in section.errors)


def test_project_palette_and_stylesheet_pass():
    from vawg.writing import charts

    section = Section("colours", "project")
    check_palette(palette_constants(charts), "vawg.writing.charts", section)
    check_stylesheet((REPOSITORY / "templates" / "html" / "vawg.css").read_text(encoding="utf-8"), "vawg.css", section)
    assert section.errors == []


# --- PDF --------------------------------------------------------------------------------------

@pytest.fixture
def figure_pdf(tmp_path) -> Path:
    """The fixture compiled as typst tags it by default (no PDF/UA: so no alt text is demanded)."""
    for name in ("figure_without_alt.typ", "chart.png"):
        shutil.copy(FIXTURES / name, tmp_path / name)
    output = tmp_path / "figure.pdf"
    typst.compile(str(tmp_path / "figure_without_alt.typ"), output=str(output))
    return output


def test_typst_refuses_the_fixture_as_pdf_ua(tmp_path):
    for name in ("figure_without_alt.typ", "chart.png"):
        shutil.copy(FIXTURES / name, tmp_path / name)
    with pytest.raises(typst.TypstError, match="alt"):
        typst.compile(str(tmp_path / "figure_without_alt.typ"), output=str(tmp_path / "ua.pdf"),
                      pdf_standards=["ua-1"])


def test_pdf_check_catches_a_figure_without_alt_text(figure_pdf):
    section = Section("pdf", "figure.pdf")
    check_pdf(figure_pdf, "figure.pdf", section)
    missing_alt = [f for f in section.errors if f.rule == "pdf-figure-alt"]
    assert missing_alt and "Figure" in missing_alt[0].element and "page 1" in missing_alt[0].element


def test_pdf_check_catches_an_untagged_figure(figure_pdf):
    """Take the image out of its marked content: it is drawn, but no tag says so."""
    with pikepdf.open(figure_pdf, allow_overwriting_input=True) as pdf:
        page = pdf.pages[0]
        instructions = list(pikepdf.parse_content_stream(page))
        draw = next(i for i, ins in enumerate(instructions) if str(ins.operator) == "Do")
        opening = max(i for i in range(draw) if str(instructions[i].operator) == "BDC")
        closing = next(i for i in range(draw, len(instructions)) if str(instructions[i].operator) == "EMC")
        kept = [ins for i, ins in enumerate(instructions) if i not in (opening, closing)]
        page.Contents = pdf.make_stream(pikepdf.unparse_content_stream(kept))
        pdf.save(figure_pdf)
    section = Section("pdf", "figure.pdf")
    check_pdf(figure_pdf, "figure.pdf", section)
    untagged = [f for f in section.errors if f.rule == "pdf-untagged-content"]
    assert untagged and untagged[0].element == "page 1: 1 × image"


def test_pdf_check_catches_an_untagged_document(figure_pdf):
    with pikepdf.open(figure_pdf, allow_overwriting_input=True) as pdf:
        del pdf.Root.StructTreeRoot
        del pdf.Root.MarkInfo
        del pdf.Root.Lang
        del pdf.Root.ViewerPreferences
        pdf.save(figure_pdf)
    section = Section("pdf", "figure.pdf")
    check_pdf(figure_pdf, "figure.pdf", section)
    assert {"pdf-structure-tree", "pdf-tagged", "pdf-lang", "pdf-display-title"} <= rules(section)


def test_pdf_check_catches_a_table_without_header_cells(output_copy):
    pdf_path = output_copy / "report.pdf"
    with pikepdf.open(pdf_path, allow_overwriting_input=True) as pdf:
        for element in pdf.objects:
            if isinstance(element, pikepdf.Dictionary) and element.get("/S") == "/TH":
                element.S = pikepdf.Name("/TD")
        pdf.save(pdf_path)
    section = Section("pdf", "report.pdf")
    check_pdf(pdf_path, "report.pdf", section)
    assert "pdf-table-headers" in rules(section)


# --- Word -------------------------------------------------------------------------------------

def test_word_check_catches_an_image_without_alt_text(output_copy):
    path = output_copy / "report.docx"
    document = docx.Document(str(path))
    properties = next(document.element.body.iter(
        "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr"))
    del properties.attrib["descr"]
    document.save(str(path))
    section = Section("word", "report.docx")
    check_docx(path, "report.docx", section)
    assert [f.rule for f in section.errors] == ["docx-image-alt"]
    assert section.errors[0].element.startswith("image 1")


def test_word_check_catches_fake_headings_no_title_and_no_header_rows(tmp_path):
    document = docx.Document()
    heading = document.add_paragraph("Looks like a heading")
    heading.runs[0].bold = True
    heading._p.get_or_add_pPr().append(
        docx.oxml.parse_xml('<w:outlineLvl xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" w:val="0"/>'))
    document.add_paragraph("A section", style="Heading 2")  # skips level 1
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "Area"
    document.add_picture(str(FIXTURES / "chart.png"))
    path = tmp_path / "bad.docx"
    document.save(str(path))
    section = Section("word", "bad.docx")
    check_docx(path, "bad.docx", section)
    assert {"docx-title", "docx-language", "docx-heading-style", "docx-heading-order", "docx-table-header",
            "docx-table-caption", "docx-image-alt"} <= rules(section)
    assert qn("w:tblHeader")  # (python-docx namespaces are available for the check itself)


def test_word_check_wants_the_first_column_marked_and_the_renderer_marks_it(tmp_path):
    """Word's row headers: the table style option "First Column" (w:tblLook), printed bold by the style."""
    from vawg.publishing.render.docx import _mark_row_headers

    document = docx.Document()
    table = document.add_table(rows=2, cols=2, style="Table Grid")
    table.cell(0, 0).text, table.cell(1, 0).text = "Area", "Camden"
    look = table._tbl.tblPr.find(qn("w:tblLook"))
    look.set(qn("w:firstColumn"), "0")
    look.set(qn("w:val"), "0020")  # pandoc's look: header row only
    path = tmp_path / "table.docx"
    document.save(str(path))
    section = Section("word", "table.docx")
    check_docx(path, "table.docx", section)
    assert "docx-row-headers" in rules(section)
    _mark_row_headers(document)
    document.save(str(path))
    section = Section("word", "table.docx")
    check_docx(path, "table.docx", section)
    assert "docx-row-headers" not in rules(section)
    assert look.get(qn("w:val")) == "00A0" and look.get(qn("w:firstColumn")) == "1"
    style = document.styles["Table Grid"].element
    assert style.find(f"{qn('w:tblStylePr')}[@{qn('w:type')}='firstCol']/{qn('w:rPr')}/{qn('w:b')}") is not None


# --- renderings in other software -------------------------------------------------------------

@pytest.mark.skipif(not (shutil.which("pdftoppm") and (shutil.which("soffice") or shutil.which("libreoffice"))),
                    reason="needs poppler-utils and LibreOffice (see .ci/install-system-packages.sh)")
def test_pdf_renders_with_pdftoppm_and_word_converts_with_libreoffice(edition, tmp_path):
    result = subprocess.run(["bash", str(REPOSITORY / "scripts" / "check_renderings.sh"), str(edition), str(tmp_path)],
                            capture_output=True, text=True, timeout=400)
    assert result.returncode == 0, result.stdout + result.stderr
    assert list((tmp_path / "pdf-pages").glob("page-*.png"))
    assert list((tmp_path / "docx-pages").glob("page-*.png"))


def _table_page(folder: Path, script: bool) -> Path:
    from vawg.publishing.render.html import SCROLL_SCRIPT

    box = ('<div class="table-scroll" style="overflow-x: auto" role="region" tabindex="0" aria-labelledby="{id}" '
           'data-labelledby="{id}"><table><caption id="{id}">{id}</caption><tr><th scope="row">A</th>'
           '<td style="min-width: {width}px">1</td></tr></table></div>')
    body = box.format(id="wide", width=3000) + box.format(id="narrow", width=10)
    folder.mkdir(parents=True)
    page = folder / "index.html"
    page.write_text(f'<!DOCTYPE html><html lang="en"><head><title>Tables</title></head><body><main>{body}</main>'
                    + (f"<script>{SCROLL_SCRIPT}</script>" if script else "") + "</body></html>", encoding="utf-8")
    return page


@needs_browser
def test_only_a_table_that_overflows_is_a_focusable_scroll_region(tmp_path):
    """Issue 13: 72 tables that fitted were Tab stops and region landmarks; the page's script keeps the role and
    tab stop for the boxes whose tables overflow, at desktop width and at 320 px."""
    from vawg.publishing.check.axe import _check_scroll_regions  # noqa: F401  (the rule the browser section applies)

    for script in (True, False):
        site = tmp_path / f"script-{script}"
        page = _table_page(site, script)
        section = Section("browser", "site")
        check_site_in_browser(site, tmp_path, section, pages=[page])
        flagged = [f.element for f in section.findings if f.rule == "table-scroll"]
        assert sorted(set(flagged)) == ([] if script else ["narrow"]), section.findings
