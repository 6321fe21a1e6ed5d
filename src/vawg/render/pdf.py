"""The PDF report: pandoc writes typst with our template, typst compiles it as PDF/UA-1."""

from __future__ import annotations

import logging
from pathlib import Path

import typst

from vawg.borough_notices import data_notice, typst_markup_escape
from vawg.errors import RenderError
from vawg.render.pandoc import book_to
from vawg.render.sources import Book

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
        The combined book from :func:`vawg.render.sources.combined_markdown`.
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
    ]
    if book.format_option("typst", "toc", True):
        args += ["--toc", f"--toc-depth={book.format_option('typst', 'toc-depth', 2)}"]
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
    """Ask PDF viewers to show the document title, not the file name (WCAG/PDF/UA).

    Typst already sets ``/DisplayDocTitle``; this only adds it when missing (for
    example after ``quarto render``), and needs pikepdf to do so.
    """
    try:
        import pikepdf  # optional: only needed when typst did not set it
    except ImportError:
        return
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        preferences = pdf.Root.get("/ViewerPreferences")
        if preferences is not None and preferences.get("/DisplayDocTitle") is True:
            return
        if preferences is None:
            pdf.Root.ViewerPreferences = pikepdf.Dictionary()
        pdf.Root.ViewerPreferences.DisplayDocTitle = True
        pdf.save(path)
