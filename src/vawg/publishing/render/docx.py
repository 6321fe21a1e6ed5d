"""The Word report: pandoc with our reference.docx, then accessibility fixes with python-docx.

:func:`finish_docx` runs after both renderers (built-in and ``quarto render``), so
the Word file meets the same checks whichever made it.
"""

from __future__ import annotations

import hashlib
import re
import zipfile
from pathlib import Path
from typing import Any

import docx
import yaml
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn

from vawg.analysis.borough_notices import data_notice
from vawg.foundations.clock import build_moment
from vawg.foundations.errors import RenderError
from vawg.publishing.render import wordml
from vawg.publishing.render.docx_layout import lay_out_docx
from vawg.publishing.render.pandoc import book_to
from vawg.publishing.render.sources import Book, resolve_variables

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
        The combined book from :func:`vawg.publishing.render.sources.combined_markdown`.
    output : Path
    reference_doc : Path
        Word styles, normally ``templates/reference.docx``.
    """
    output.parent.mkdir(parents=True, exist_ok=True)
    args = [f"--reference-doc={reference_doc}", *book.toc_args("docx")]
    book_to(book, markdown, "docx", what=f"Word ({output.name})", extra_args=args, output=output.resolve())
    finish_docx(output, title=book.title, lang=book.lang, image_alts=image_alts(book.project_dir, book.manifest),
                author=book.author)
    add_data_notice(output, data_notice(book.variables))
    return output


def image_alts(project_dir: Path, manifest: dict[str, Any]) -> dict[str, str]:
    """Every image's alt text by the SHA-1 of its bytes: the manifest's, then the sources' ``fig-alt``.

    Quarto's Word writer leaves ``wp:docPr descr`` empty (it drops ``fig-alt``), so
    :func:`finish_docx` restores it from here on both render paths.
    """
    return {**source_image_alts(project_dir), **manifest_image_alts(project_dir, manifest)}


# `![caption](path){#fig-x ... fig-alt="..."}` in a .qmd source (Quarto's figure syntax).
SOURCE_FIGURE = re.compile(r"!\[[^\]]*\]\((?P<path>[^)\s]+)[^)]*\)\{(?P<attrs>(?:[^{}]|\{\{<.*?>\}\})*)\}")
FIG_ALT = re.compile(r'fig-alt="(?P<alt>(?:[^"\\]|\\.)*)"')


def source_image_alts(project_dir: Path) -> dict[str, str]:
    """SHA-1 of each figure file a source's ``fig-alt`` describes -> that alt text.

    A partial's image path is relative to the chapter that includes it, so the file
    is looked up relative to the source, to each of its parent folders and to the
    project, with and without the extension (``default-image-extension``).
    """
    alts: dict[str, str] = {}
    project_dir = Path(project_dir)
    variables_file = project_dir / "_variables.yml"
    variables = (yaml.safe_load(variables_file.read_text(encoding="utf-8")) or {}) if variables_file.is_file() else {}
    for source in project_dir.rglob("*.qmd"):
        if any(part.startswith((".", "_book", "_site")) for part in source.relative_to(project_dir).parts[:-1]):
            continue
        for match in SOURCE_FIGURE.finditer(source.read_text(encoding="utf-8")):
            alt = FIG_ALT.search(match.group("attrs"))
            if not alt:
                continue
            text = alt.group("alt").replace('\\"', '"')
            if "{{<" in text:  # fig-alt may quote values, as Quarto resolves them
                try:
                    text = resolve_variables(text, variables, where=str(source), escape=False)
                except RenderError:
                    continue
            target = match.group("path")
            for base in (source.parent, *source.parent.parents):
                candidate = (base / target).resolve()
                found = [c for c in (candidate, *(candidate.with_name(candidate.name + ext) for ext in (".png", ".svg")))
                         if c.is_file()]
                for path in found:
                    alts[hashlib.sha1(path.read_bytes()).hexdigest()] = text
                if found or base == project_dir:
                    break
    return alts


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


def finish_docx(path: Path, *, title: str, lang: str = "en-GB", image_alts: dict[str, str] | None = None,
                author: str | None = None) -> None:
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
    author : str, optional
        The book's author, for the document properties.

    The page layout (A4, page-number footer, filled contents list, table widths and
    properties) is :func:`vawg.publishing.render.docx_layout.lay_out_docx`.

    Raises
    ------
    RenderError
        If an image is left without a description.
    """
    document = docx.Document(str(path))
    document.core_properties.title = title
    document.core_properties.language = lang
    _set_language(document, lang)
    # Quarto's Word output (both paths run these; the built-in one has nothing for them to do):
    _mark_decorative_icons(document, image_alts or {})
    _unwrap_layout_tables(document)
    _repeat_header_rows(document)
    _mark_row_headers(document)
    _describe_images(document, image_alts or {}, path)
    _ensure_title(document, title)
    lay_out_docx(document, title=title, author=author)
    save_document(document, path)


def save_document(document: Any, path: Path) -> None:
    """Save, with every part of the zip stamped with the build's date.

    python-docx stamps each part with the time it is written, so two builds a second apart
    differ; the parts are rewritten in the same order with the build's date instead.
    """
    document.save(str(path))
    stamp = build_moment().timetuple()[:6]
    with zipfile.ZipFile(path) as source:
        parts = [(info.filename, source.read(info)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts:
            target.writestr(zipfile.ZipInfo(name, date_time=stamp), data, zipfile.ZIP_DEFLATED)


def _set_language(document: Any, lang: str) -> None:
    styles = document.styles.element
    rpr_default = wordml.child(wordml.child(styles, "w:docDefaults"), "w:rPrDefault")
    run_properties = [wordml.child(rpr_default, "w:rPr")]
    for style in styles.findall(qn("w:style")):
        if style.get(qn("w:type")) in ("paragraph", "character"):
            run_properties.append(style.get_or_add_rPr())
    for rpr in run_properties:
        # w:lang must precede these in a w:rPr (schema order), or Word calls the file corrupt.
        language = wordml.child(rpr, "w:lang", before=("w:eastAsianLayout", "w:specVanish", "w:oMath"))
        for attribute in ("w:val", "w:eastAsia", "w:bidi"):
            language.set(qn(attribute), lang)


def _repeat_header_rows(document: Any) -> None:
    for table in document.element.body.iter(qn("w:tbl")):
        first_row = table.find(qn("w:tr"))
        if first_row is None:
            continue
        # trPr follows tblPrEx (if any) and precedes the cells.
        wordml.child(wordml.child(first_row, "w:trPr", after=("w:tblPrEx",)), "w:tblHeader", before=())


# w:tblLook's w:val bits (ECMA-376's first edition; later editions name them as attributes, Word writes both):
LOOK_FIRST_ROW, LOOK_FIRST_COLUMN = 0x0020, 0x0080


def _mark_row_headers(document: Any) -> None:
    """Mark every table's first column as its row headers, as Word's "First Column" table style option does.

    Word has no header-cell scope: a table's header row is ``w:tblHeader`` (:func:`_repeat_header_rows`) and
    its row headers are the first column of its look (``w:tblLook w:firstColumn``), which Word's
    accessibility guidance asks for and screen readers (JAWS' "row titles in the first column") and Word's
    tagged-PDF export follow. The table style prints that column bold, so it looks like the headers it is.
    """
    body = document.element.body
    styles = set()
    for table in body.iter(qn("w:tbl")):
        properties = table.find(qn("w:tblPr"))
        if properties is None:
            continue
        # w:tblLook is the last of a w:tblPr but for w:tblCaption and w:tblDescription (schema order).
        look = wordml.child(properties, "w:tblLook", before=("w:tblCaption", "w:tblDescription"))
        look.set(qn("w:firstRow"), "1")
        look.set(qn("w:firstColumn"), "1")
        bits = int(look.get(qn("w:val")) or "0", 16) | LOOK_FIRST_ROW | LOOK_FIRST_COLUMN
        look.set(qn("w:val"), f"{bits:04X}")
        style = properties.find(qn("w:tblStyle"))
        if style is not None:
            styles.add(style.get(qn("w:val")))
    for style in document.styles.element.findall(qn("w:style")):
        if style.get(qn("w:type")) == "table" and style.get(qn("w:styleId")) in styles:
            _bold_first_column(style)


def _bold_first_column(style: Any) -> None:
    """A table style's first-column conditional format: bold, like its header row."""
    for conditional in style.findall(qn("w:tblStylePr")):
        if conditional.get(qn("w:type")) == "firstCol":
            return
    style.append(parse_xml(f'<w:tblStylePr {nsdecls("w")} w:type="firstCol"><w:rPr><w:b/></w:rPr></w:tblStylePr>'))


def _describe_images(document: Any, image_alts: dict[str, str], path: Path) -> None:
    body = document.element.body
    for drawing in body.iter(qn("w:drawing")):
        doc_pr = drawing.find(".//wp:docPr", DRAWING_NS)
        if doc_pr is None or _is_decorative(doc_pr):
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



# ----------------------------------------------------------------- Quarto's Word output

DECORATIVE_NS = "http://schemas.microsoft.com/office/drawing/2017/decorative"
DECORATIVE_EXT = "{C183D7F6-B498-43B3-948B-1728B52AA6E4}"  # Word's "Mark as decorative"
ICON_MAX_EMU = 457200  # half an inch: Quarto's callout icons are about 0.14 in


def _is_decorative(doc_pr: Any) -> bool:
    return doc_pr.find(f".//{{{DECORATIVE_NS}}}decorative") is not None


def _mark_decorative_icons(document: Any, image_alts: dict[str, str]) -> None:
    """Mark the callout icons Quarto embeds (small, no description, in a table cell) as decorative.

    Quarto's docx callouts (src/resources/filters/quarto-post/docx.lua in
    quarto-dev/quarto-cli, calloutDocxDefault/calloutDocxSimple) put an icon image
    before the callout's title; it repeats the title's meaning, so Word's
    ``adec:decorative`` is right for it, not alt text.
    """
    for drawing in document.element.body.iter(qn("w:drawing")):
        doc_pr = drawing.find(".//wp:docPr", DRAWING_NS)
        extent = drawing.find(".//wp:extent", DRAWING_NS)
        if doc_pr is None or extent is None or (doc_pr.get("descr") or "").strip():
            continue
        if not _inside(drawing, qn("w:tc")) or _manifest_alt(document, drawing, image_alts):
            continue
        if max(int(extent.get("cx", "0")), int(extent.get("cy", "0"))) > ICON_MAX_EMU:
            continue
        doc_pr.set("descr", "")
        ext_list = doc_pr.find(qn("a:extLst"))
        if ext_list is None:
            ext_list = parse_xml(f'<a:extLst {nsdecls("a")}/>')
            doc_pr.append(ext_list)
        ext_list.append(parse_xml(
            f'<a:ext {nsdecls("a")} uri="{DECORATIVE_EXT}">'
            f'<adec:decorative xmlns:adec="{DECORATIVE_NS}" val="1"/></a:ext>'))


def _manifest_alt(document: Any, drawing: Any, image_alts: dict[str, str]) -> str | None:
    blip = drawing.find(".//a:blip", DRAWING_NS)
    part = document.part.related_parts.get(blip.get(qn("r:embed"))) if blip is not None else None
    return image_alts.get(hashlib.sha1(part.blob).hexdigest()) if part is not None else None


def _inside(element: Any, tag: str) -> bool:
    parent = element.getparent()
    while parent is not None:
        if parent.tag == tag:
            return True
        parent = parent.getparent()
    return False


def _unwrap_layout_tables(document: Any) -> None:
    """Replace the one-column tables Quarto draws around callouts and figures by their content.

    A table read as data needs a header row; these hold no data, so a screen
    reader would announce a table that is not one. A table is taken for layout
    when no row is marked as a header and every row has one cell (Quarto's
    default callout), or when it is one row whose first cell holds only an icon
    (Quarto's simple callout). Data tables (pandoc marks their header rows) stay.
    """
    body = document.element.body
    for table in list(body.iter(qn("w:tbl"))):
        if table.getparent() is None or table.find(".//" + qn("w:tbl")) is not None:
            continue  # nested tables: leave them alone
        rows = table.findall(qn("w:tr"))
        if not rows or any(row.find("./w:trPr/w:tblHeader", {"w": _W}) is not None for row in rows):
            continue
        cells = [row.findall(qn("w:tc")) for row in rows]
        one_column = all(len(row_cells) == 1 for row_cells in cells)
        icon_then_text = len(rows) == 1 and len(cells[0]) == 2 and _only_decorative(cells[0][0])
        if not (one_column or icon_then_text):
            continue
        content = [child for row_cells in cells for cell in row_cells for child in cell
                   if child.tag != qn("w:tcPr") and not (icon_then_text and cell is cells[0][0])]
        for child in content:
            table.addprevious(child)
        table.getparent().remove(table)


_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _only_decorative(cell: Any) -> bool:
    drawings = list(cell.iter(qn("w:drawing")))
    text = "".join(node.text or "" for node in cell.iter(qn("w:t"))).strip()
    return bool(drawings) and not text and all(
        (doc_pr := d.find(".//wp:docPr", DRAWING_NS)) is not None and _is_decorative(doc_pr) for d in drawings)


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
    save_document(document, path)


def _notice_run(paragraph: Any, text: str, *, size_pt: float) -> None:
    from docx.shared import Pt, RGBColor

    run = paragraph.add_run(text)
    run.bold = True
    run.font.size = Pt(size_pt)
    run.font.color.rgb = RGBColor(0x0B, 0x0C, 0x0C)
    shading = parse_xml(f'<w:shd {nsdecls("w")} w:val="clear" w:color="auto" w:fill="FFDD00"/>')
    # w:shd has its place in a w:pPr (schema order), before these.
    wordml.place(paragraph._p.get_or_add_pPr(), shading, before=_AFTER_SHADING)


_AFTER_SHADING = ("w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct", "w:topLinePunct",
                  "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind",
                  "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection",
                  "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr",
                  "w:sectPr", "w:pPrChange")
