"""The Word report: pandoc with our reference.docx, then accessibility fixes with python-docx.

:func:`finish_docx` runs after both renderers (built-in and ``quarto render``), so
the Word file meets the same checks whichever made it.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import docx
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn

from vawg.borough_notices import data_notice
from vawg.errors import RenderError
from vawg.render.pandoc import book_to
from vawg.render.sources import Book

DRAWING_NS = {
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "pic": "http://schemas.openxmlformats.org/drawingml/2006/picture",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
}


def render_docx(book: Book, markdown: str, output: Path, reference_doc: Path) -> Path:
    """Write ``output`` (report.docx) from the combined book Markdown.

    Parameters
    ----------
    book : Book
    markdown : str
        The combined book from :func:`vawg.render.sources.combined_markdown`.
    output : Path
    reference_doc : Path
        Word styles, normally ``templates/reference.docx``.
    """
    output.parent.mkdir(parents=True, exist_ok=True)
    args = [f"--reference-doc={reference_doc}"]
    if book.format_option("docx", "toc", True):
        args += ["--toc", f"--toc-depth={book.format_option('docx', 'toc-depth', 2)}"]
    book_to(book, markdown, "docx", what=f"Word ({output.name})", extra_args=args, output=output.resolve())
    finish_docx(output, title=book.title, lang=book.lang, image_alts=manifest_image_alts(book.project_dir, book.manifest))
    add_data_notice(output, data_notice(book.variables))
    return output


def manifest_image_alts(project_dir: Path, manifest: dict[str, Any]) -> dict[str, str]:
    """Map the SHA-1 of every figure file in the artifact manifest to its alt text.

    Word renames embedded images, so an image is recognised by its bytes.
    """
    alts: dict[str, str] = {}
    for figure in manifest.get("figures", []):
        for key in ("png", "svg"):
            path = project_dir / figure.get(key, "")
            if figure.get(key) and path.is_file() and figure.get("alt"):
                alts[hashlib.sha1(path.read_bytes()).hexdigest()] = figure["alt"]
    return alts


def finish_docx(path: Path, *, title: str, lang: str = "en-GB", image_alts: dict[str, str] | None = None) -> None:
    """Make a pandoc- or Quarto-made Word file accessible, in place.

    Sets the core properties (title, language), the language of the document
    defaults and every style, marks each table's first row as a header row that
    repeats across pages, fills any empty image description from ``image_alts``
    (and copies it to the picture's own description, which some checkers read),
    and adds a Title paragraph at the top if there is none.

    Parameters
    ----------
    path : Path
        The .docx file, rewritten in place.
    title : str
        The book title.
    lang : str
        BCP 47 language tag.
    image_alts : dict, optional
        SHA-1 of image bytes -> alt text, from :func:`manifest_image_alts`.

    Raises
    ------
    RenderError
        If an image is left without a description.
    """
    document = docx.Document(str(path))
    document.core_properties.title = title
    document.core_properties.language = lang
    _set_language(document, lang)
    _repeat_header_rows(document)
    _describe_images(document, image_alts or {}, path)
    _ensure_title(document, title)
    document.save(str(path))


def _set_language(document: Any, lang: str) -> None:
    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = parse_xml(f"<w:docDefaults {nsdecls('w')}/>")
        styles.insert(0, defaults)
    rpr_default = defaults.find(qn("w:rPrDefault"))
    if rpr_default is None:
        rpr_default = parse_xml(f"<w:rPrDefault {nsdecls('w')}><w:rPr/></w:rPrDefault>")
        defaults.insert(0, rpr_default)
    run_properties = [rpr_default.find(qn("w:rPr"))]
    for style in styles.findall(qn("w:style")):
        if style.get(qn("w:type")) in ("paragraph", "character"):
            run_properties.append(style.get_or_add_rPr())
    for rpr in run_properties:
        language = rpr.find(qn("w:lang"))
        if language is None:
            language = parse_xml(f"<w:lang {nsdecls('w')}/>")
            _insert_lang(rpr, language)
        for attribute in ("w:val", "w:eastAsia", "w:bidi"):
            language.set(qn(attribute), lang)


def _insert_lang(rpr: Any, language: Any) -> None:
    # w:lang must precede these in a w:rPr (schema order), or Word calls the file corrupt.
    for later in ("w:eastAsianLayout", "w:specVanish", "w:oMath"):
        successor = rpr.find(qn(later))
        if successor is not None:
            successor.addprevious(language)
            return
    rpr.append(language)


def _repeat_header_rows(document: Any) -> None:
    for table in document.element.body.iter(qn("w:tbl")):
        first_row = table.find(qn("w:tr"))
        if first_row is None:
            continue
        row_properties = first_row.find(qn("w:trPr"))
        if row_properties is None:
            row_properties = parse_xml(f"<w:trPr {nsdecls('w')}/>")
            # trPr follows tblPrEx (if any) and precedes the cells.
            previous = first_row.find(qn("w:tblPrEx"))
            if previous is not None:
                previous.addnext(row_properties)
            else:
                first_row.insert(0, row_properties)
        if row_properties.find(qn("w:tblHeader")) is None:
            row_properties.append(parse_xml(f"<w:tblHeader {nsdecls('w')}/>"))


def _describe_images(document: Any, image_alts: dict[str, str], path: Path) -> None:
    body = document.element.body
    for drawing in body.iter(qn("w:drawing")):
        doc_pr = drawing.find(".//wp:docPr", DRAWING_NS)
        if doc_pr is None:
            continue
        description = doc_pr.get("descr") or ""
        blip = drawing.find(".//a:blip", DRAWING_NS)
        if blip is not None:
            relationship_id = blip.get(qn("r:embed"))
            image_part = document.part.related_parts.get(relationship_id)
            if image_part is not None:
                from_manifest = image_alts.get(hashlib.sha1(image_part.blob).hexdigest())
                # The manifest's alt wins over a file name or caption a writer put there.
                if from_manifest and (not description or _looks_like_file_name(description)):
                    description = from_manifest
        if not description or _looks_like_file_name(description):
            raise RenderError(f"{path.name}: image {doc_pr.get('name', '')!r} has no alt text (fig-alt)")
        doc_pr.set("descr", description)
        picture_properties = drawing.find(".//pic:cNvPr", DRAWING_NS)
        if picture_properties is not None:
            picture_properties.set("descr", description)


def _looks_like_file_name(text: str) -> bool:
    return "." in text and " " not in text and text.rsplit(".", 1)[-1].lower() in {"png", "svg", "jpg", "jpeg", "gif", "emf"}


def _ensure_title(document: Any, title: str) -> None:
    for paragraph in document.paragraphs[:5]:
        if paragraph.style is not None and paragraph.style.name == "Title":
            return
    first = document.paragraphs[0] if document.paragraphs else document.add_paragraph()
    heading = first.insert_paragraph_before(title)
    heading.style = document.styles["Title"]


def add_data_notice(path: Path, notice: str) -> None:
    """Put the synthetic-data notice in every page header and under the title, in place (nothing if empty).

    Runs after :func:`finish_docx` on both render paths. The header text is black on the
    GOV.UK yellow (14.5:1); the paragraph under the title is bold, so it is read first.
    """
    if not notice:
        return
    document = docx.Document(str(path))
    for section in document.sections:
        header = section.header
        header.is_linked_to_previous = False
        paragraph = header.paragraphs[0] if header.paragraphs else header.add_paragraph()
        paragraph.text = ""
        _notice_run(paragraph, notice, size_pt=9)
    title = next((p for p in document.paragraphs[:5] if p.style is not None and p.style.name == "Title"), None)
    after = title if title is not None else (document.paragraphs[0] if document.paragraphs else document.add_paragraph())
    paragraph = document.add_paragraph()
    _notice_run(paragraph, notice, size_pt=12)
    after._p.addnext(paragraph._p)
    document.save(str(path))


def _notice_run(paragraph: Any, text: str, *, size_pt: float) -> None:
    from docx.shared import Pt, RGBColor

    run = paragraph.add_run(text)
    run.bold = True
    run.font.size = Pt(size_pt)
    run.font.color.rgb = RGBColor(0x0B, 0x0C, 0x0C)
    shading = parse_xml(f'<w:shd {nsdecls("w")} w:val="clear" w:color="auto" w:fill="FFDD00"/>')
    properties = paragraph._p.get_or_add_pPr()
    # w:shd has its place in a w:pPr (schema order), before these.
    later = next((child for child in properties if child.tag in {qn(name) for name in _AFTER_SHADING}), None)
    if later is not None:
        later.addprevious(shading)
    else:
        properties.append(shading)


_AFTER_SHADING = ("w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct", "w:topLinePunct",
                  "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind",
                  "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection",
                  "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr",
                  "w:sectPr", "w:pPrChange")
