"""(Re)generate templates/reference.docx, the Word styles pandoc and Quarto use for report.docx.

Starts from pandoc's own default reference document (so every style pandoc writes
exists) and restyles it with python-docx: Arial throughout, headings and title in
Government Analysis Function navy #12436D, plain captions, a bordered table style
with a bold header row, callout paragraph styles, and UK English as the language.

Run from the repository root::

    python scripts/make_reference_docx.py            # writes templates/reference.docx
    python scripts/make_reference_docx.py out.docx
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import docx
import pypandoc
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Pt, RGBColor

FONT = "Arial"
NAVY = RGBColor(0x12, 0x43, 0x6D)
TEXT = RGBColor(0x0B, 0x0C, 0x0C)
LANGUAGE = "en-GB"
HEADING_SIZES = {1: 18, 2: 15, 3: 13, 4: 12, 5: 11, 6: 11}


def pandoc_default_reference(path: Path) -> None:
    """Write pandoc's built-in reference.docx to ``path``."""
    subprocess.run(
        [pypandoc.get_pandoc_path(), "-o", str(path), "--print-default-data-file", "reference.docx"], check=True
    )


def set_font(style, size: float | None = None, bold: bool | None = None, colour: RGBColor | None = None) -> None:
    """Give ``style`` an explicit Arial font, dropping theme fonts (which Word would prefer)."""
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = parse_xml(f"<w:rFonts {nsdecls('w')}/>")
        rpr.insert(0, fonts)
    for attribute in list(fonts.attrib):
        if attribute.endswith("Theme") or attribute.endswith("theme"):
            del fonts.attrib[attribute]
    for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attribute), FONT)
    if size is not None:
        style.font.size = Pt(size)
    if bold is not None:
        style.font.bold = bold
    if colour is not None:
        style.font.color.rgb = colour  # also drops any themeColor, which Word would prefer


def style_named(document: docx.document.Document, name: str):
    """Style by its display name (python-docx warns when a name happens to match an id)."""
    for style in document.styles:
        if style.name == name:
            return style
    raise KeyError(name)


def set_language(document: docx.document.Document) -> None:
    """UK English in the document defaults and every style, for spell-check and screen readers."""
    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    rpr_default = defaults.find(qn("w:rPrDefault"))
    rpr = rpr_default.find(qn("w:rPr"))
    for element in [rpr] + [
        style.element.get_or_add_rPr() for style in document.styles if style.type != WD_STYLE_TYPE.TABLE
    ]:
        lang = element.find(qn("w:lang"))
        if lang is None:
            lang = parse_xml(f"<w:lang {nsdecls('w')}/>")
            element.append(lang)
        for attribute in ("w:val", "w:eastAsia", "w:bidi"):
            lang.set(qn(attribute), LANGUAGE)


def style_table(document: docx.document.Document) -> None:
    """Pandoc's "Table" style: light grid, bold header row, no fixed widths."""
    table_style = document.styles["Table"]
    element = table_style.element
    for old in element.findall(qn("w:tblPr")) + element.findall(qn("w:tblStylePr")):
        element.remove(old)
    element.append(
        parse_xml(
            f"""<w:tblPr {nsdecls('w')}>
              <w:tblBorders>
                <w:top w:val="single" w:sz="8" w:space="0" w:color="0B0C0C"/>
                <w:bottom w:val="single" w:sz="8" w:space="0" w:color="0B0C0C"/>
                <w:insideH w:val="single" w:sz="4" w:space="0" w:color="B1B4B6"/>
              </w:tblBorders>
              <w:tblCellMar><w:left w:w="100" w:type="dxa"/><w:right w:w="100" w:type="dxa"/></w:tblCellMar>
            </w:tblPr>"""
        )
    )
    element.append(
        parse_xml(
            f"""<w:tblStylePr {nsdecls('w')} w:type="firstRow">
              <w:rPr><w:b/><w:color w:val="0B0C0C"/></w:rPr>
              <w:tcPr><w:tcBorders><w:bottom w:val="single" w:sz="12" w:space="0" w:color="0B0C0C"/></w:tcBorders></w:tcPr>
            </w:tblStylePr>"""
        )
    )


def add_callout_styles(document: docx.document.Document) -> None:
    """Paragraph styles for Quarto callouts: a navy rule on the left, pale fill."""
    body_style = document.styles["Body Text"]
    for name, bold in (("Callout Title", True), ("Callout", False)):
        style = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = body_style
        style.quick_style = True
        set_font(style, bold=bold)
        ppr = style.element.get_or_add_pPr()
        ppr.append(
            parse_xml(
                f"""<w:pBdr {nsdecls('w')}><w:left w:val="single" w:sz="24" w:space="8" w:color="12436D"/></w:pBdr>"""
            )
        )
        ppr.append(parse_xml(f"""<w:shd {nsdecls('w')} w:val="clear" w:color="auto" w:fill="F3F6F9"/>"""))
        ppr.append(parse_xml(f"""<w:ind {nsdecls('w')} w:left="240" w:right="240"/>"""))


def make_reference_docx(output: Path) -> Path:
    """Write the project's reference.docx to ``output`` and return it.

    Parameters
    ----------
    output : Path
        Where to write, normally ``templates/reference.docx``.
    """
    with tempfile.TemporaryDirectory() as scratch:
        default = Path(scratch) / "default.docx"
        pandoc_default_reference(default)
        document = docx.Document(str(default))

    for style in document.styles:
        if style.type in (WD_STYLE_TYPE.PARAGRAPH, WD_STYLE_TYPE.CHARACTER):
            set_font(style)
    # The document default font covers text with no style of its own.
    default_fonts = document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    fonts = default_fonts.find(qn("w:rFonts"))
    if fonts is not None:
        default_fonts.remove(fonts)
    default_fonts.insert(0, parse_xml(f'<w:rFonts {nsdecls("w")} w:ascii="{FONT}" w:hAnsi="{FONT}" w:cs="{FONT}" w:eastAsia="{FONT}"/>'))

    set_font(document.styles["Normal"], size=11, colour=TEXT)
    for level, size in HEADING_SIZES.items():
        set_font(document.styles[f"Heading {level}"], size=size, bold=True, colour=NAVY)
        document.styles[f"Heading {level}"].font.italic = False
    set_font(document.styles["Title"], size=26, bold=True, colour=NAVY)
    set_font(document.styles["Subtitle"], size=16, bold=False, colour=NAVY)
    set_font(document.styles["TOC Heading"], size=18, bold=True, colour=NAVY)
    for name in ("Caption", "Table Caption", "Image Caption"):
        caption_style = style_named(document, name)
        set_font(caption_style, size=10, bold=True, colour=TEXT)
        caption_style.font.italic = False
    set_font(document.styles["Hyperlink"], colour=NAVY)

    style_table(document)
    add_callout_styles(document)
    set_language(document)
    document.core_properties.language = LANGUAGE
    document.core_properties.title = ""

    output.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(output))
    return output


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[1] / "templates" / "reference.docx"
    print(make_reference_docx(target))
