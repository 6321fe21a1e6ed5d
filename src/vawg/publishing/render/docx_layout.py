"""The Word file laid out for reading: A4 pages, page numbers, a filled contents list, tables that fit.

Pandoc writes no page size (Word then uses its own default, often US Letter), no footer, an
empty contents field that Word fills only when asked, and table columns from the Markdown's
dashes. :func:`lay_out_docx` fixes each, in place, on a python-docx ``Document``; it runs in
:func:`vawg.publishing.render.docx.finish_docx`, after both renderers.

Table columns get the widths a browser's automatic layout would give them: each column is at
least as wide as its longest word (measured with the font's own metrics, so a number never
breaks inside), and the rest of the text width is shared in proportion to the longest cell.
Where that does not fit at 11 pt the table's type is made smaller, and where it does not fit
at 8 pt the table is put on a landscape page of its own.

Row headers (the table's header row and its first column, as Word's table style options mark
them) are :func:`vawg.publishing.render.docx._mark_row_headers`; grouped rows repeat their group label (the
tables do so themselves), so each row reads on its own.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Emu

from vawg.foundations.clock import build_moment
from vawg.publishing.render import wordml

# A4 with the PDF's margins (2.2 cm left and right, 2.5 cm top and bottom).
PAGE_WIDTH, PAGE_HEIGHT = Cm(21.0), Cm(29.7)
MARGIN_X, MARGIN_Y = Cm(2.2), Cm(2.5)
TWIPS_PER_POINT = 20
BODY_SIZE = 11.0  # points: the Normal style of templates/reference.docx
TABLE_SIZES = (11.0, 10.0, 9.0, 8.0)
CELL_MARGIN = 100  # twips each side: the "Table" style of templates/reference.docx
SLACK = 40  # twips per column: rounding in Word's and LibreOffice's own layout
FONT_FILES = {False: ("LiberationSans-Regular.ttf", "Arial.ttf", "DejaVuSans.ttf"),
              True: ("LiberationSans-Bold.ttf", "Arial Bold.ttf", "DejaVuSans-Bold.ttf")}


def lay_out_docx(document: Any, *, title: str, author: str | None = None) -> None:
    """Page setup, footer, contents entries, document properties and table widths, in place."""
    set_up_pages(document)
    add_page_number_footer(document)
    fill_contents(document)
    set_properties(document, title=title, author=author)
    fit_tables(document)


# -- pages --------------------------------------------------------------------------------
def set_up_pages(document: Any) -> None:
    """Every section A4 portrait with the PDF's margins."""
    for section in document.sections:
        section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
        section.left_margin = section.right_margin = MARGIN_X
        section.top_margin = section.bottom_margin = MARGIN_Y
        section.header_distance = section.footer_distance = Cm(1.25)
        margins = section._sectPr.find(qn("w:pgMar"))
        if margins is not None and margins.get(qn("w:gutter")) is None:
            margins.set(qn("w:gutter"), "0")  # required by the schema


def add_page_number_footer(document: Any) -> None:
    """A centred page number (a PAGE field) in the footer of every section."""
    for section in document.sections:
        footer = section.footer
        footer.is_linked_to_previous = False
        paragraph = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
        for child in list(paragraph._p):
            if child.tag != qn("w:pPr"):
                paragraph._p.remove(child)
        paragraph.alignment = 1  # centre
        paragraph._p.append(parse_xml(
            f'<w:fldSimple {nsdecls("w")} w:instr=" PAGE "><w:r><w:t>1</w:t></w:r></w:fldSimple>'))


# -- contents -----------------------------------------------------------------------------
def _toc_levels(instruction: str) -> int:
    match = re.search(r'\\o\s+"1-(\d)"', instruction)
    return int(match.group(1)) if match else 3


def fill_contents(document: Any) -> None:
    """Write the contents entries into the TOC field, so the list shows before Word updates it.

    Each entry links to its heading's bookmark. Page numbers need a page layout, which only
    Word or LibreOffice has: the field stays marked for update, so Word adds them on opening.
    """
    body = document.element.body
    for instruction in body.iter(qn("w:instrText")):
        if instruction.text and instruction.text.strip().startswith("TOC"):
            break
    else:
        return
    field_paragraph = instruction.getparent().getparent()
    if field_paragraph.tag != qn("w:p"):
        return
    depth = _toc_levels(instruction.text)
    entries = list(_headings(document, depth))
    if not entries:
        return
    _ensure_toc_styles(document, depth)
    runs = [child for child in field_paragraph if child.tag == qn("w:r")]
    begin_runs, end_runs = [], []
    for run in runs:
        kind = run.find(qn("w:fldChar"))
        (end_runs if kind is not None and kind.get(qn("w:fldCharType")) == "end" else begin_runs).append(run)
    for run in end_runs:  # split "separate/end" runs so that "end" closes the last entry
        field_paragraph.remove(run)
    for run in runs:
        for char in run.findall(qn("w:fldChar")):
            if char.get(qn("w:fldCharType")) == "end":
                run.remove(char)
    paragraphs = []
    for level, text, bookmark in entries:
        paragraph = parse_xml(
            f'<w:p {nsdecls("w")}><w:pPr><w:pStyle w:val="TOC{level}"/></w:pPr>'
            f'<w:hyperlink w:anchor="{bookmark}" w:history="1"><w:r><w:t xml:space="preserve"></w:t></w:r>'
            f"</w:hyperlink></w:p>")
        paragraph.find(".//" + qn("w:t")).text = text
        paragraphs.append(paragraph)
    # The field starts in the first entry and ends in the last.
    first = paragraphs[0]
    hyperlink = first.find(qn("w:hyperlink"))
    for run in begin_runs:
        field_paragraph.remove(run)
        hyperlink.addprevious(run)
    paragraphs[-1].append(parse_xml(f'<w:r {nsdecls("w")}><w:fldChar w:fldCharType="end"/></w:r>'))
    for paragraph in reversed(paragraphs):
        field_paragraph.addnext(paragraph)
    field_paragraph.getparent().remove(field_paragraph)


def _headings(document: Any, depth: int) -> Iterable[tuple[int, str, str]]:
    """(level, text, bookmark name) of every heading down to ``depth``, bookmarking those without one."""
    styles = {style.style_id: style.name for style in document.styles}
    next_id = 90000
    for paragraph in document.element.body.iter(qn("w:p")):
        style = paragraph.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
        name = styles.get(style.get(qn("w:val")), "") if style is not None else ""
        match = re.fullmatch(r"Heading ([1-9])", name)
        if not match or int(match.group(1)) > depth:
            continue
        text = "".join(node.text or "" for node in paragraph.iter(qn("w:t"))).strip()
        if not text:
            continue
        bookmark = None
        previous = paragraph.getprevious()
        while previous is not None and previous.tag == qn("w:bookmarkStart"):
            bookmark = previous.get(qn("w:name"))
            previous = previous.getprevious()
        if bookmark is None:
            inner = paragraph.find(qn("w:bookmarkStart"))
            bookmark = inner.get(qn("w:name")) if inner is not None else None
        if bookmark is None:
            next_id += 1
            bookmark = f"_Toc{next_id}"
            paragraph.insert(1 if paragraph.find(qn("w:pPr")) is not None else 0, parse_xml(
                f'<w:bookmarkStart {nsdecls("w")} w:id="{next_id}" w:name="{bookmark}"/>'))
            paragraph.append(parse_xml(f'<w:bookmarkEnd {nsdecls("w")} w:id="{next_id}"/>'))
        yield int(match.group(1)), text, bookmark


def _ensure_toc_styles(document: Any, depth: int) -> None:
    styles = document.styles.element
    existing = {style.get(qn("w:styleId")) for style in styles.findall(qn("w:style"))}
    for level in range(1, depth + 1):
        if f"TOC{level}" in existing:
            continue
        styles.append(parse_xml(
            f'<w:style {nsdecls("w")} w:type="paragraph" w:styleId="TOC{level}">'
            f'<w:name w:val="toc {level}"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/>'
            f'<w:uiPriority w:val="39"/><w:unhideWhenUsed/>'
            f'<w:pPr><w:spacing w:before="60" w:after="60"/><w:ind w:left="{(level - 1) * 440}"/></w:pPr>'
            f"</w:style>"))


# -- properties ---------------------------------------------------------------------------
APP_XML = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
           '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
           'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
           "<Application>vawg</Application><DocSecurity>0</DocSecurity></Properties>")


def set_properties(document: Any, *, title: str, author: str | None) -> None:
    """Core properties of this document, and no page or word counts copied from the template."""
    properties = document.core_properties
    properties.created = properties.modified = build_moment()  # the build's date: same inputs, same bytes
    properties.revision = 1
    if author:
        properties.author = properties.last_modified_by = author
    properties.subject = title
    for part in document.part.package.parts:
        if str(part.partname) == "/docProps/app.xml":
            part._blob = APP_XML.encode("utf-8")


# -- tables -------------------------------------------------------------------------------
@lru_cache(maxsize=2)
def _font(bold: bool) -> Any:
    try:
        from matplotlib import font_manager
        from PIL import ImageFont
    except ImportError:
        return None
    for name in FONT_FILES[bold]:
        for path in font_manager.findSystemFonts():
            if path.endswith("/" + name):
                return ImageFont.truetype(path, 1000)
    try:
        return ImageFont.truetype(font_manager.findfont("DejaVu Sans" + (":bold" if bold else "")), 1000)
    except OSError:
        return None


def text_width(text: str, size: float, *, bold: bool = False) -> float:
    """Width of ``text`` at ``size`` points in twips (0.62 em a character without a font file)."""
    font = _font(bold)
    em = font.getlength(text) / 1000 if font is not None else 0.62 * len(text)
    return em * size * TWIPS_PER_POINT


def column_widths(columns: list[list[tuple[str, bool]]], available: float, size: float) -> list[float] | None:
    """Widths (twips) for cells ``(text, bold)`` by column filling ``available``; None if they cannot fit."""
    least, most = [], []
    for cells in columns:
        words = [text_width(word, size, bold=True) for text, _ in cells for word in text.split()] or [0]
        lines = [text_width(text, size, bold=bold) for text, bold in cells] or [0]
        padding = 2 * CELL_MARGIN + SLACK
        least.append(max(words) + padding)
        most.append(max(max(lines), max(words)) + padding)
    if sum(least) > available:
        return None
    if sum(most) <= available:  # spread the spare width in proportion to the content
        return [width * available / sum(most) for width in most]
    share = (available - sum(least)) / (sum(most) - sum(least))
    return [low + (high - low) * share for low, high in zip(least, most)]


def _cell_text(cell: Any) -> tuple[str, bool]:
    texts = ["".join(node.text or "" for node in paragraph.iter(qn("w:t"))) for paragraph in cell.iter(qn("w:p"))]
    runs = list(cell.iter(qn("w:r")))
    bold = bool(runs) and all(run.find(f"{qn('w:rPr')}/{qn('w:b')}") is not None for run in runs)
    return " ".join(texts), bold


def _table_columns(table: Any) -> list[list[tuple[str, bool]]] | None:
    rows = table.findall(qn("w:tr"))
    count = len(table.findall(f"{qn('w:tblGrid')}/{qn('w:gridCol')}"))
    columns: list[list[tuple[str, bool]]] = [[] for _ in range(count)]
    for number, row in enumerate(rows):
        cells = row.findall(qn("w:tc"))
        if len(cells) != count:
            return None  # merged cells: leave the table as it is
        for index, cell in enumerate(cells):
            text, bold = _cell_text(cell)
            columns[index].append((text, bold or number == 0))
    return columns


def fit_tables(document: Any) -> None:
    """Column widths from content, smaller type or a landscape page where a table is wide."""
    section = document.sections[-1]
    portrait = section.page_width - section.left_margin - section.right_margin
    landscape = section.page_height - section.left_margin - section.right_margin
    for table in list(document.element.body.iter(qn("w:tbl"))):
        columns = _table_columns(table)
        if not columns:
            continue
        for available, turn in ((Emu(portrait).pt * TWIPS_PER_POINT, False),
                                (Emu(landscape).pt * TWIPS_PER_POINT, True)):
            plan = next(((size, widths) for size in TABLE_SIZES
                         if (widths := column_widths(columns, available, size)) is not None), None)
            if plan is not None:
                break
        if plan is None:  # wider than a landscape page at 8 pt: share the width by the words
            size = TABLE_SIZES[-1]
            least = [max([text_width(w, size, bold=True) for t, _ in c for w in t.split()] or [0]) for c in columns]
            plan = (size, [width * available / sum(least) for width in least])
        size, widths = plan
        _apply_widths(table, [round(width) for width in widths], size)
        if turn:
            _put_on_landscape_page(document, table)


def _apply_widths(table: Any, widths: list[int], size: float) -> None:
    properties = table.find(qn("w:tblPr"))
    width = wordml.child(properties, "w:tblW", after=("w:tblStyle",))
    width.set(qn("w:type"), "dxa")
    width.set(qn("w:w"), str(sum(widths)))
    grid = table.find(qn("w:tblGrid"))
    for column, twips in zip(grid.findall(qn("w:gridCol")), widths):
        column.set(qn("w:w"), str(twips))
    for row in table.findall(qn("w:tr")):
        _keep_row_on_one_page(row)
        for cell, twips in zip(row.findall(qn("w:tc")), widths):
            cell_properties = wordml.child(cell, "w:tcPr")
            for old in cell_properties.findall(qn("w:tcW")):
                cell_properties.remove(old)
            cell_properties.insert(0, parse_xml(f'<w:tcW {nsdecls("w")} w:type="dxa" w:w="{twips}"/>'))
            if size != BODY_SIZE:
                for run in cell.iter(qn("w:r")):
                    _set_run_size(run, size)


def _keep_row_on_one_page(row: Any) -> None:
    # w:cantSplit comes before w:tblHeader in a w:trPr (schema order).
    wordml.child(wordml.child(row, "w:trPr", after=("w:tblPrEx",)), "w:cantSplit", before=("w:tblHeader",))


def _set_run_size(run: Any, size: float) -> None:
    properties = wordml.child(run, "w:rPr")
    for tag in ("w:sz", "w:szCs"):
        for old in properties.findall(qn(tag)):
            properties.remove(old)
    half_points = str(round(size * 2))
    # w:sz and w:szCs come late in a w:rPr (schema order): before highlight/u/effect/... only.
    for tag in ("w:sz", "w:szCs"):
        wordml.place(properties, parse_xml(f'<{tag} {nsdecls("w")} w:val="{half_points}"/>'),
                     before=("w:highlight", "w:u", "w:effect", "w:bdr", "w:shd", "w:fitText", "w:vertAlign",
                             "w:rtl", "w:cs", "w:em", "w:lang", "w:eastAsianLayout", "w:specVanish", "w:oMath"))


def _put_on_landscape_page(document: Any, table: Any) -> None:
    """End the section before the table's caption, and a landscape one after the table."""
    body_section = document.element.body.find(qn("w:sectPr"))
    start = table
    previous = table.getprevious()
    while previous is not None and (previous.tag == qn("w:bookmarkStart") or _is_caption(previous)):
        start = previous
        previous = previous.getprevious()
    portrait = copy.deepcopy(body_section)
    turned = copy.deepcopy(body_section)
    size = turned.find(qn("w:pgSz"))
    width, height = size.get(qn("w:w")), size.get(qn("w:h"))
    size.set(qn("w:w"), height)
    size.set(qn("w:h"), width)
    size.set(qn("w:orient"), "landscape")
    for section_properties in (portrait, turned):
        for kind in section_properties.findall(qn("w:type")):
            section_properties.remove(kind)
    start.addprevious(parse_xml(f"<w:p {nsdecls('w')}><w:pPr/></w:p>"))
    start.getprevious().find(qn("w:pPr")).append(portrait)
    table.addnext(parse_xml(f"<w:p {nsdecls('w')}><w:pPr/></w:p>"))
    table.getnext().find(qn("w:pPr")).append(turned)


def _is_caption(element: Any) -> bool:
    style = element.find(f"{qn('w:pPr')}/{qn('w:pStyle')}") if element.tag == qn("w:p") else None
    return style is not None and style.get(qn("w:val")) in ("TableCaption", "Caption")
