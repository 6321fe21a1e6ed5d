"""The Word file, read with python-docx: what a screen reader needs from it.

Checked: the document title and language (core properties, and the language of the
default text); headings use Word's built-in ``Heading 1``–``Heading 9`` styles, start at
level 1 and skip no level; a table of contents field; every image (DrawingML or VML) has
a description (alt text) that is not a file name; every table's first row is a header row
that repeats on each page, is not empty, and the table has a caption.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import docx
from docx.oxml.ns import qn

from vawg.publishing.check.results import WARNING, Section

NS = {
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "pic": "http://schemas.openxmlformats.org/drawingml/2006/picture",
    "v": "urn:schemas-microsoft-com:vml",
}
HEADING_STYLE = re.compile(r"^Heading ([1-9])$")
CAPTION_STYLES = {"Caption", "Table Caption", "Image Caption"}


def _looks_like_file_name(text: str) -> bool:
    return bool(re.fullmatch(r"\S+\.(png|svg|jpe?g|gif|emf|wmf|bmp|tiff?)", text.strip(), flags=re.I))


def _paragraph_text(element: Any) -> str:
    return "".join(node.text or "" for node in element.iter(qn("w:t")))


def check_docx(path: Path, where: str, section: Section, *, lang: str = "en-GB") -> None:
    """Add a finding to ``section`` for every accessibility fault of the Word file at ``path``."""
    try:
        document = docx.Document(str(path))
    except Exception as error:  # python-docx raises several types for a damaged file
        section.add("docx-unreadable", where, path.name, f"cannot open the Word file: {error}")
        return
    _check_properties(document, where, section, lang)
    headings = _check_headings(document, where, section)
    _check_toc(document, where, section)
    images = _check_images(document, where, section)
    tables = _check_tables(document, where, section)
    section.checked.append(f"{headings} headings, {images} images, {tables} tables")


def _check_properties(document: Any, where: str, section: Section, lang: str) -> None:
    properties = document.core_properties
    if not (properties.title or "").strip():
        section.add("docx-title", where, "core properties: title", "the document has no title")
    if (properties.language or "").strip().lower() != lang.lower():
        section.add("docx-language", where, "core properties: language",
                    f"the document language is {properties.language or 'not set'!r}; expected {lang!r}")
    defaults = document.styles.element.find(qn("w:docDefaults"))
    language = defaults.find(".//w:rPrDefault/w:rPr/w:lang", NS) if defaults is not None else None
    value = language.get(qn("w:val")) if language is not None else None
    if (value or "").lower() != lang.lower():
        section.add("docx-language", where, "styles: default text language",
                    f"the language of the text is {value or 'not set'!r}; expected {lang!r} "
                    "(screen readers choose their voice by it)")


def _check_headings(document: Any, where: str, section: Section) -> int:
    previous = 0
    count = 0
    for number, paragraph in enumerate(document.paragraphs, start=1):
        style = paragraph.style
        name = style.name if style is not None else ""
        text = paragraph.text.strip()
        label = f"paragraph {number} ({name}): {text[:60]!r}"
        outline = paragraph._p.find("./w:pPr/w:outlineLvl", NS)
        match = HEADING_STYLE.match(name)
        if match is None:
            if outline is not None and int(outline.get(qn("w:val"), "9")) < 9:
                section.add("docx-heading-style", where, label,
                            "looks like a heading (outline level) but does not use a built-in Heading style")
            continue
        count += 1
        if not style.builtin:
            section.add("docx-heading-style", where, label, f"{name!r} is a custom style, not Word's built-in one")
        if not text:
            section.add("docx-empty-heading", where, label, "the heading is empty")
        level = int(match.group(1))
        if level > previous + 1:
            section.add("docx-heading-order", where, label, f"heading level jumps from {previous or 'none'} to {level}")
        previous = level
    if count == 0:
        section.add("docx-headings", where, "document", "no paragraph uses a built-in Heading style")
    return count


def _check_toc(document: Any, where: str, section: Section) -> None:
    body = document.element.body
    instructions = [node.text or "" for node in body.iter(qn("w:instrText"))]
    instructions += [node.get(qn("w:instr")) or "" for node in body.iter(qn("w:fldSimple"))]
    if not any(text.strip().upper().startswith("TOC") for text in instructions):
        section.add("docx-toc", where, "document", "no table of contents field", WARNING)


def _check_images(document: Any, where: str, section: Section) -> int:
    body = document.element.body
    count = 0
    for number, drawing in enumerate(body.iter(qn("w:drawing")), start=1):
        count += 1
        properties = drawing.find(".//wp:docPr", NS)
        name = properties.get("name", "") if properties is not None else ""
        description = (properties.get("descr") or "").strip() if properties is not None else ""
        decorative = drawing.find(".//{http://schemas.microsoft.com/office/drawing/2017/decorative}decorative") is not None
        label = f"image {number} {name!r}"
        if decorative:
            continue
        if drawing.find("./wp:anchor", NS) is not None:
            section.add("docx-floating-image", where, label,
                        "a floating image: screen readers may read it out of order; place it in line with text",
                        WARNING)
        if not description:
            section.add("docx-image-alt", where, label, "the image has no alt text (description)")
        elif _looks_like_file_name(description):
            section.add("docx-image-alt", where, label, f"the alt text is a file name ({description!r})")
        paragraph = drawing.getparent()
        while paragraph is not None and paragraph.tag != qn("w:p"):
            paragraph = paragraph.getparent()
        if paragraph is not None and not _has_caption_near(paragraph):
            section.add("docx-caption", where, label, "the image has no caption next to it", WARNING)
    for number, shape in enumerate(body.iter("{urn:schemas-microsoft-com:vml}shape"), start=1):
        if shape.find("{urn:schemas-microsoft-com:vml}imagedata") is None:
            continue
        count += 1
        if not (shape.get("alt") or "").strip():
            section.add("docx-image-alt", where, f"VML image {number} {shape.get('id', '')!r}", "the image has no alt text")
    return count


def _style_of(paragraph: Any) -> str:
    style = paragraph.find("./w:pPr/w:pStyle", NS)
    return style.get(qn("w:val")) if style is not None else ""


def _has_caption_near(paragraph: Any) -> bool:
    caption_ids = {name.replace(" ", "") for name in CAPTION_STYLES}
    for neighbour in (paragraph.getprevious(), paragraph.getnext()):
        if neighbour is not None and neighbour.tag == qn("w:p") and _style_of(neighbour) in caption_ids:
            return True
    return False


def first_column_marked(table: Any) -> bool:
    """Word's row headers: the table's look has "First Column" on, in its attribute and in its ``w:val`` bits
    (the first edition of the standard, which Word 2007 reads, has only the bits; _mark_row_headers writes both)."""
    from vawg.publishing.render.docx import LOOK_FIRST_COLUMN

    look = table.find("./w:tblPr/w:tblLook", NS)
    if look is None:
        return False
    return (look.get(qn("w:firstColumn")) in ("1", "true", "on")
            and bool(int(look.get(qn("w:val")) or "0", 16) & LOOK_FIRST_COLUMN))


def _check_tables(document: Any, where: str, section: Section) -> int:
    count = 0
    for number, table in enumerate(document.element.body.iter(qn("w:tbl")), start=1):
        count += 1
        caption = table.find("./w:tblPr/w:tblCaption", NS)
        caption_text = caption.get(qn("w:val")) if caption is not None else ""
        label = f"table {number}" + (f" {caption_text[:60]!r}" if caption_text else "")
        first_row = table.find("./w:tr", NS)
        if first_row is None:
            section.add("docx-table-empty", where, label, "the table has no rows")
            continue
        header = first_row.find("./w:trPr/w:tblHeader", NS)
        if header is None or header.get(qn("w:val"), "true").lower() in ("0", "false", "off"):
            section.add("docx-table-header", where, label,
                        "the first row is not marked as a header row that repeats on each page")
        if not _paragraph_text(first_row).strip():
            section.add("docx-table-header", where, label, "the header row is empty")
        if not first_column_marked(table):
            section.add("docx-row-headers", where, label,
                        "the first column is not marked as the rows' headers (table style option 'First Column')")
        previous = table.getprevious()
        has_caption_paragraph = previous is not None and previous.tag == qn("w:p") and \
            _style_of(previous) in {name.replace(" ", "") for name in CAPTION_STYLES}
        if not caption_text and not has_caption_paragraph:
            section.add("docx-table-caption", where, label, "the table has no caption")
    return count
