"""The PDF and the Word file as a reader sees them: tables that fit, real contents, page numbers.

The default edition (the shared 5% build) is opened the way a reader's software opens it:
the PDF's words are located on the page (pdfplumber), the Word file is read with python-docx
and converted to PDF with LibreOffice (where installed) and the result located the same way.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pikepdf
import pytest
from bs4 import BeautifulSoup
from docx import Document
from docx.oxml.ns import qn

from vawg.publishing.check.layout import layout_faults, overlapping_words, page_words
from vawg.publishing.render.docx_layout import MARGIN_X, PAGE_HEIGHT, PAGE_WIDTH

pdfplumber = pytest.importorskip("pdfplumber", reason="pdfplumber (the test extra) locates words on PDF pages")

PDF_MARGIN_X = 2.2 / 2.54 * 72  # templates/typst/report.typ: margin x 2.2 cm
WORD_MARGIN_X = MARGIN_X.pt


def numbers_in_tables(docx_path: Path) -> set[str]:
    """Every number (a word of digits and signs, no letters) printed in a table of the Word file."""
    document = Document(str(docx_path))
    found = set()
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                found |= {word for word in cell.text.split()
                          if re.search(r"\d", word) and not re.search(r"[A-Za-z]", word) and len(word) > 2}
    return found


def pdf_words(path: Path) -> set[str]:
    with pdfplumber.open(path) as pdf:
        return {word.text for page in pdf.pages for word in page_words(page.chars)}


@pytest.fixture(scope="module")
def word_as_pdf(built_edition, tmp_path_factory) -> Path:
    """The Word file converted by LibreOffice headless (skipped where LibreOffice is missing)."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed: apt-get install libreoffice-writer-nogui")
    folder = tmp_path_factory.mktemp("word-as-pdf")
    profile = (folder / "profile").resolve().as_uri()
    subprocess.run([soffice, f"-env:UserInstallation={profile}", "--headless", "--norestore", "--convert-to", "pdf",
                    "--outdir", str(folder), str(built_edition.outputs["docx"])],
                   check=True, capture_output=True, timeout=600)
    return folder / "report.pdf"


# -------------------------------------------------------------------------------- the detector
def test_the_detector_finds_a_cell_running_into_the_next(tmp_path: Path) -> None:
    """Typst tables with columns too narrow for their numbers: the overlap and the overflow are found."""
    typst = pytest.importorskip("typst")
    source = tmp_path / "narrow.typ"
    source.write_text('#set page(width: 10cm, height: 6cm, margin: 1cm)\n'
                      '#table(columns: (1.1cm, 1.1cm, 1.2cm), inset: 0pt,\n'
                      '  [5.5612345], [\\<0.0012345], [Significant12345])\n', encoding="utf-8")
    typst.compile(str(source), output=str(tmp_path / "narrow.pdf"))
    faults = layout_faults(tmp_path / "narrow.pdf", margin_x=1 / 2.54 * 72)
    assert any("overlaps" in fault for fault in faults), faults
    wide = tmp_path / "wide.typ"
    wide.write_text('#set page(width: 10cm, height: 6cm, margin: 1cm)\n'
                    '#table(columns: (2cm, 4cm, 2cm), [Area], [Offences], [Ratesper1000womenandgirlsinCamden])\n',
                    encoding="utf-8")
    typst.compile(str(wide), output=str(tmp_path / "wide.pdf"))
    assert any("outside the text area" in fault for fault in layout_faults(tmp_path / "wide.pdf",
                                                                             margin_x=1 / 2.54 * 72))


def test_words_are_rebuilt_from_characters_in_drawing_order() -> None:
    def char(text, x0, width=5.0):
        return {"text": text, "x0": x0, "x1": x0 + width, "top": 10.0, "bottom": 20.0, "size": 10.0}

    # "12" then " " then "3", and a cell's "45" drawn over the start of the next cell's "67".
    words = page_words([char("1", 0), char("2", 5), char(" ", 10), char("3", 13),
                        char("4", 40), char("5", 45), char("6", 47), char("7", 52)])
    assert [word.text for word in words] == ["12", "3", "45", "67"]
    assert [(a.text, b.text) for a, b in overlapping_words(words)] == [("45", "67")]


# ------------------------------------------------------------------------------------- the PDF
def test_pdf_has_no_overlapping_words_and_no_text_outside_the_margins(built_edition) -> None:
    faults = layout_faults(built_edition.outputs["pdf"], margin_x=PDF_MARGIN_X)
    assert not faults, f"{len(faults)} layout faults, e.g.\n" + "\n".join(faults[:20])


def stranded_captions(pdf: Path) -> list[str]:
    """Table captions that end a page, their table on the next (the last line before the page number)."""
    from pypdf import PdfReader

    stranded = []
    for number, page in enumerate(PdfReader(pdf).pages, start=1):
        lines = [line.strip() for line in (page.extract_text() or "").splitlines() if line.strip()]
        body = lines[:-1] if lines and lines[-1].isdigit() else lines
        if body and re.match(r"Table \d+: ", body[-1]):
            stranded.append(f"page {number}: {body[-1]}")
    return stranded


def test_no_table_caption_is_left_at_the_foot_of_a_page(built_edition) -> None:
    assert stranded_captions(built_edition.outputs["pdf"]) == []


def test_pdf_tables_never_break_a_number_across_lines(built_edition) -> None:
    numbers = numbers_in_tables(built_edition.outputs["docx"])
    broken = sorted(numbers - pdf_words(built_edition.outputs["pdf"]))
    assert numbers and not broken, broken[:20]


def test_pdf_table_rows_are_headed_by_their_first_cell(built_edition) -> None:
    """PDF/UA: every body row's first cell is a TH with /Scope /Row, and the row's cells name it."""
    with pikepdf.open(built_edition.outputs["pdf"]) as pdf:
        tables = rows = 0

        def kids(element):
            k = element.get("/K")
            items = list(k) if isinstance(k, pikepdf.Array) else ([k] if k is not None else [])
            return [item for item in items if isinstance(item, pikepdf.Dictionary) and "/S" in item]

        def walk(element):
            nonlocal tables, rows
            for kid in kids(element):
                if str(kid.S) != "/Table":
                    walk(kid)
                    continue
                tables += 1
                for part in kids(kid):
                    if str(part.S) != "/TBody":
                        continue
                    for row in kids(part):
                        cells = kids(row)
                        rows += 1
                        assert str(cells[0].S) == "/TH", f"table {tables}: a body row starts with {cells[0].S}"
                        scope = [str(a.get("/Scope")) for a in cells[0].A if str(a.get("/O")) == "/Table"]
                        assert scope == ["/Row"], f"table {tables}: row header scope {scope}"
                        for cell in cells[1:]:
                            headers = [list(a.get("/Headers", [])) for a in cell.A if str(a.get("/O")) == "/Table"]
                            assert cells[0].ID in headers[0], f"table {tables}: a cell does not name its row header"

        walk(pdf.Root.StructTreeRoot)
    assert tables >= 20 and rows > 100, (tables, rows)


# ------------------------------------------------------------------------------------ the Word
def test_word_is_a4_with_page_numbers_in_the_footer(built_edition) -> None:
    document = Document(str(built_edition.outputs["docx"]))
    for section in document.sections:
        size = sorted((round(section.page_width.cm, 1), round(section.page_height.cm, 1)))
        assert size == [21.0, 29.7], size
        footer_xml = section.footer._element.xml
        assert "PAGE" in footer_xml and ("fldSimple" in footer_xml or "instrText" in footer_xml)


def test_word_contents_list_has_the_chapters_before_it_is_updated(built_edition) -> None:
    document = Document(str(built_edition.outputs["docx"]))
    body = document.element.body
    headings = [p.text.strip() for p in document.paragraphs
                if p.style is not None and p.style.name in ("Heading 1", "Heading 2") and p.text.strip()]
    # The contents list sits in a content control (w:sdt), outside document.paragraphs.
    entries = []
    for paragraph in body.iter(qn("w:p")):
        style = paragraph.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
        if style is not None and re.fullmatch(r"TOC\d", style.get(qn("w:val"))):
            entries.append("".join(node.text or "" for node in paragraph.iter(qn("w:t"))).strip())
    assert len(entries) >= 10 and entries == headings
    bookmarks = {b.get(qn("w:name")) for b in body.iter(qn("w:bookmarkStart"))}
    anchors = [link.get(qn("w:anchor")) for link in body.iter(qn("w:hyperlink"))
               if link.getparent().find(f"{qn('w:pPr')}/{qn('w:pStyle')}") is not None
               and link.getparent().find(f"{qn('w:pPr')}/{qn('w:pStyle')}").get(qn("w:val")).startswith("TOC")]
    assert anchors and set(anchors) <= bookmarks
    instruction = next(node.text for node in body.iter(qn("w:instrText")) if node.text.strip().startswith("TOC"))
    assert instruction  # still a field Word can update with page numbers


def test_word_properties_are_the_reports_not_the_templates(built_edition) -> None:
    with zipfile.ZipFile(built_edition.outputs["docx"]) as package:
        app = package.read("docProps/app.xml").decode("utf-8")
    for stale in ("<Pages>", "<Words>", "<Characters>", "<Lines>", "Normal.dotm"):
        assert stale not in app, stale
    properties = Document(str(built_edition.outputs["docx"])).core_properties
    assert properties.title and properties.author and properties.created.year >= 2025


def test_word_tables_fill_the_text_width_with_columns_sized_to_their_words(built_edition) -> None:
    document = Document(str(built_edition.outputs["docx"]))
    text_width = round((PAGE_WIDTH.pt - 2 * MARGIN_X.pt) * 20)
    landscape_width = round((PAGE_HEIGHT.pt - 2 * MARGIN_X.pt) * 20)
    for number, table in enumerate(document.tables, start=1):
        widths = [int(column.get(qn("w:w"))) for column in table._tbl.findall(f"{qn('w:tblGrid')}/{qn('w:gridCol')}")]
        assert min(widths) >= 400, f"table {number}: a column under 0.7 cm ({widths})"
        assert abs(sum(widths) - text_width) < 60 or abs(sum(widths) - landscape_width) < 60, (number, sum(widths))
        for row in table._tbl.findall(qn("w:tr")):
            assert row.find(f"{qn('w:trPr')}/{qn('w:cantSplit')}") is not None, f"table {number}: a row may split"


def test_word_converted_by_libreoffice_has_no_overlaps_and_unbroken_numbers(built_edition, word_as_pdf) -> None:
    faults = layout_faults(word_as_pdf, margin_x=WORD_MARGIN_X)
    assert not faults, f"{len(faults)} layout faults, e.g.\n" + "\n".join(faults[:20])
    numbers = numbers_in_tables(built_edition.outputs["docx"])
    broken = sorted(numbers - pdf_words(word_as_pdf))
    assert not broken, broken[:20]
    with pdfplumber.open(word_as_pdf) as pdf:
        assert all(sorted((round(p.width), round(p.height))) == [595, 842] for p in pdf.pages)


# ------------------------------------------------------------------------------------ the website
def test_html_rows_have_row_headers_and_captions_sit_above_the_scroll_box(built_edition) -> None:
    site = built_edition.outputs["html"].parent
    tables = 0
    for page in site.rglob("*.html"):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "lxml")
        for table in soup.find_all("table"):
            tables += 1
            where = f"{page.name}: {table.find('caption').get_text(' ', strip=True)[:60] if table.caption else '?'}"
            for row in table.find("tbody").find_all("tr", recursive=False):
                first = row.find(["td", "th"], recursive=False)
                assert first.name == "th" and first.get("scope") == "row", where
            box = table.find_parent("div", class_="table-scroll")
            shown = box.find_previous_sibling()
            assert shown is not None and "table-caption" in shown.get("class", []), where
            assert shown.get_text(" ", strip=True) == table.caption.get_text(" ", strip=True), where
    assert tables > 50


# ------------------------------------------------------------------------------ every format
def test_word_tables_have_a_header_row_and_their_first_column_as_row_headers(built_edition) -> None:
    """Word has no header-cell scope: a header row that repeats (w:tblHeader) and the table style's "First
    Column" option (w:tblLook), printed bold by the style, are what Word and its checkers know."""
    from vawg.publishing.check.docx import first_column_marked

    document = Document(str(built_edition.outputs["docx"]))
    styles = {style.get(qn("w:styleId")): style for style in document.styles.element.findall(qn("w:style"))}
    tables = document.element.body.findall(f".//{qn('w:tbl')}")
    assert len(tables) >= 20
    for number, table in enumerate(tables, start=1):
        first_row = table.find(qn("w:tr"))
        assert first_row.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None, f"table {number}: no header row"
        assert first_column_marked(table), f"table {number}: first column not marked as row headers"
        style = styles[table.find(f"{qn('w:tblPr')}/{qn('w:tblStyle')}").get(qn("w:val"))]
        first_column = [c for c in style.findall(qn("w:tblStylePr")) if c.get(qn("w:type")) == "firstCol"]
        assert first_column and first_column[0].find(f"{qn('w:rPr')}/{qn('w:b')}") is not None, number


def test_every_table_has_row_headers_in_every_format(built_edition) -> None:
    """The same tables in the three formats, each with its row headers, as `vawg check` finds them."""
    from vawg.publishing.check.docx import check_docx
    from vawg.publishing.check.html import check_site
    from vawg.publishing.check.results import Section

    output = built_edition.outputs["pdf"].parent
    site, structure, word = output / "site", Section("site", "site/"), Section("word", "report.docx")
    check_site(site, output, structure)
    check_docx(built_edition.outputs["docx"], "report.docx", word)
    assert not [f for f in structure.findings if f.rule == "row-header"], structure.findings[:3]
    assert not [f for f in word.findings if f.rule == "docx-row-headers"], word.findings[:3]
    # The website has a "show the data" table under each chart besides the numbered tables.
    numbered = sum(len([t for t in BeautifulSoup(page.read_text(encoding="utf-8"), "lxml").find_all("table")
                        if not t.find_parent("details")]) for page in site.rglob("*.html"))
    with pikepdf.open(built_edition.outputs["pdf"]) as pdf:
        pdf_tables = sum(1 for element in _structure(pdf.Root.StructTreeRoot) if str(element.get("/S")) == "/Table")
    word_tables = len(Document(str(built_edition.outputs["docx"])).element.body.findall(f".//{qn('w:tbl')}"))
    assert numbered == pdf_tables == word_tables, (numbered, pdf_tables, word_tables)


def _structure(element):
    """Every structure element under ``element`` (the PDF's tag tree)."""
    kids = element.get("/K")
    for kid in (list(kids) if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []):
        if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            yield kid
            yield from _structure(kid)
