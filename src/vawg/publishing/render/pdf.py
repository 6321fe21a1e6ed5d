"""The PDF report: pandoc writes typst with our template, typst compiles it as PDF/UA-1."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

import typst

from vawg.analysis.borough_notices import data_notice, typst_markup_escape
from vawg.foundations.clock import build_moment
from vawg.foundations.errors import RenderError
from vawg.publishing.render.pandoc import book_to
from vawg.publishing.render.sources import Book

log = logging.getLogger(__name__)


def typst_string(text: str) -> str:
    """Escape ``text`` for the inside of a typst string literal."""
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")


def render_pdf(book: Book, markdown: str, output: Path, template: Path) -> Path:
    """Write ``output`` (report.pdf) from the combined book Markdown.

    Parameters
    ----------
    book : Book
    markdown : str
        The combined book from :func:`vawg.publishing.render.sources.combined_markdown`.
    output : Path
    template : Path
        Pandoc typst template, normally ``templates/typst/report.typ``.

    Raises
    ------
    RenderError
        If pandoc or typst fails; the typst source is then kept next to ``output``
        (``report.typ``) so the line typst names can be read.
    """
    output.parent.mkdir(parents=True, exist_ok=True)
    args = [
        f"--template={template}",
        f"--variable=papersize:{book.format_option('typst', 'papersize', 'a4')}",
        *book.toc_args("typst"),
    ]
    if book.author:
        args.append(f"--variable=author-string:{typst_string(book.author)}")
    if notice := data_notice(book.variables):  # synthetic data: title page and every page header
        args.append(f"--variable=data-notice:{typst_markup_escape(notice)}")
    source = book_to(book, markdown, "typst", what=f"PDF ({output.name})", extra_args=args)

    try:
        _, warnings = typst.compile_with_warnings(
            source.encode("utf-8"),
            output=str(output),
            root=str(book.project_dir.resolve()),
            pdf_standards=["ua-1"],
            timestamp=int(build_moment().replace(tzinfo=dt.timezone.utc).timestamp()),  # else typst uses now
        )
    except typst.TypstError as error:
        kept = output.with_suffix(".typ")
        kept.write_text(source, encoding="utf-8")
        raise RenderError(f"typst failed building {output.name}: {error} (source kept in {kept})") from error
    for warning in warnings or []:
        log.info("typst (%s): %s", output.name, getattr(warning, "message", warning))
    finish_pdf(output)
    return output


def finish_pdf(path: Path) -> None:
    """Ask PDF viewers to show the document title, and mark each table's row headers.

    Typst already sets ``/DisplayDocTitle``; this only adds it when missing (for
    example after ``quarto render``). Typst tags only the header row as ``TH``: marking
    a column of row headers (``pdf.header-cell(scope: "row")``) needs its ``a11y-extras``
    feature, which the typst Python package cannot switch on. So the first cell of every
    body row is re-tagged here (:func:`mark_row_headers`). Needs pikepdf.
    """
    try:
        import pikepdf  # optional: without it the PDF stays as typst wrote it
    except ImportError:
        return
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        changed = mark_row_headers(pdf)
        preferences = pdf.Root.get("/ViewerPreferences")
        if preferences is None or preferences.get("/DisplayDocTitle") is not True:
            if preferences is None:
                pdf.Root.ViewerPreferences = pikepdf.Dictionary()
            pdf.Root.ViewerPreferences.DisplayDocTitle = True
            changed = True
        if changed:
            pdf.save(path, deterministic_id=True)  # the file /ID from the content, not the time


def _kids(element) -> list:
    import pikepdf

    kids = element.get("/K")
    if kids is None:
        return []
    kids = list(kids) if isinstance(kids, pikepdf.Array) else [kids]
    return [kid for kid in kids if isinstance(kid, pikepdf.Dictionary) and "/S" in kid]


def mark_row_headers(pdf) -> bool:
    """Tag the first cell of each body row of every table ``TH`` with ``/Scope /Row`` (PDF/UA).

    The new header gets an ``/ID`` (registered in the ``/IDTree``) and the row's other cells
    name it in their ``/Headers``, as typst does for the column headers. Tables without a
    header row are left alone. Returns True if anything changed.
    """
    import pikepdf

    tree = pdf.Root.get("/StructTreeRoot")
    if tree is None:
        return False
    ids = pikepdf.NameTree(tree.IDTree) if "/IDTree" in tree else None
    changed = False
    number = 0

    def visit(element) -> None:
        nonlocal changed, number
        for kid in _kids(element):
            if str(kid.S) == "/Table":
                number += 1
                sections = {str(part.S): part for part in _kids(kid)}
                if "/THead" not in sections:
                    continue
                for row_number, row in enumerate(
                        row for part in _kids(kid) if str(part.S) in ("/TBody", "/TFoot") for row in _kids(part)):
                    cells = [cell for cell in _kids(row) if str(cell.S) in ("/TD", "/TH")]
                    if not cells or str(cells[0].S) == "/TH":
                        continue
                    header, identifier = cells[0], pikepdf.String(f"vawg-t{number}-r{row_number}")
                    header.S = pikepdf.Name.TH
                    attributes = header.get("/A")
                    attributes = list(attributes) if isinstance(attributes, pikepdf.Array) else (
                        [attributes] if attributes is not None else [])
                    table_attributes = next((a for a in attributes if str(a.get("/O", "")) == "/Table"), None)
                    if table_attributes is None:
                        table_attributes = pikepdf.Dictionary(O=pikepdf.Name.Table)
                        attributes.append(table_attributes)
                    table_attributes.Scope = pikepdf.Name.Row
                    header.A = pikepdf.Array(attributes)
                    header.ID = identifier
                    if ids is not None:
                        ids[str(identifier)] = header
                    for cell in cells[1:]:
                        for attribute in (cell.get("/A") if isinstance(cell.get("/A"), pikepdf.Array) else []):
                            if str(attribute.get("/O", "")) == "/Table":
                                headers = attribute.get("/Headers", pikepdf.Array())
                                attribute.Headers = pikepdf.Array([*headers, identifier])
                    changed = True
            else:
                visit(kid)

    visit(tree)
    return changed
