"""Render the needs assessment book to an HTML site, a PDF and a Word document.

The book is a Quarto project (``_quarto.yml``). Where the Quarto CLI is installed
it renders the book; elsewhere the built-in renderer reads the same sources with
pandoc (HTML, Word) and typst (PDF/UA-1). Word post-processing runs after both.

Examples
--------
>>> from vawg.publishing.render import render_book
>>> outputs = render_book(Path("build/2025Q4/project"), Path("build/2025Q4"))  # doctest: +SKIP
>>> outputs["html"]  # doctest: +SKIP
PosixPath('build/2025Q4/site/index.html')
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from vawg.foundations.errors import RenderError
from vawg.analysis.borough_notices import data_notice
from vawg.publishing.render.docx import add_data_notice, finish_docx, image_alts, render_docx
from vawg.publishing.render.html import render_html
from vawg.publishing.render.pdf import finish_pdf, render_pdf
from vawg.publishing.render.quarto import quarto_available, render_with_quarto
from vawg.publishing.render.quarto_rules import require_quarto_rules
from vawg.publishing.render.sources import combined_markdown, load_book

__all__ = ["render_book", "quarto_available", "finish_docx", "RenderError"]

FORMATS = ("html", "pdf", "docx")
# The repository's templates/, used when the staged project carries none.
REPOSITORY_TEMPLATES = Path(__file__).resolve().parents[4] / "templates"


def find_templates(project_dir: Path, templates_dir: Path | None = None) -> Path:
    """Folder with ``html/``, ``typst/`` and ``reference.docx``.

    The first of: ``templates_dir``, ``project_dir/templates``, the repository's
    ``templates/`` that holds ``html/page.html``.
    """
    for candidate in (templates_dir, project_dir / "templates", REPOSITORY_TEMPLATES):
        if candidate is not None and (candidate / "html" / "page.html").is_file():
            return candidate
    raise RenderError(f"no templates/ folder with html/page.html in {project_dir} or {REPOSITORY_TEMPLATES}")


def render_book(
    project_dir: Path,
    output_dir: Path,
    formats: tuple[str, ...] = FORMATS,
    use_quarto: bool | None = None,
    *,
    templates_dir: Path | None = None,
) -> dict[str, Path]:
    """Render a Quarto book project to HTML, PDF and Word.

    Parameters
    ----------
    project_dir : Path
        The staged Quarto project (``_quarto.yml``, ``_variables.yml``, chapters,
        ``artifacts/``).
    output_dir : Path
        Receives ``site/`` (HTML), ``report.pdf`` and ``report.docx``.
    formats : tuple of str
        Any of ``"html"``, ``"pdf"``, ``"docx"``.
    use_quarto : bool or None
        True: run ``quarto render``; False: the built-in renderer; None: Quarto if
        :func:`quarto_available`, else built-in.
    templates_dir : Path, optional
        Templates to use instead of ``project_dir/templates`` or the repository's.

    Returns
    -------
    dict
        ``{"html": output_dir/"site"/"index.html", "pdf": output_dir/"report.pdf",
        "docx": output_dir/"report.docx"}`` for the formats asked for.

    Raises
    ------
    RenderError
        With a one-line message naming the file and format that failed, e.g.
        ``chapters/03-local-picture.qmd: {{< var offences.rate >}}: no such key in _variables.yml``.

    Examples
    --------
    >>> render_book(Path("build/2025Q4/project"), Path("build/2025Q4"), formats=("html",))  # doctest: +SKIP
    {'html': PosixPath('build/2025Q4/site/index.html')}
    """
    project_dir, output_dir = Path(project_dir), Path(output_dir)
    unknown = set(formats) - set(FORMATS)
    if unknown:
        raise RenderError(f"unknown output format(s) {sorted(unknown)}; choose from {list(FORMATS)}")
    book = load_book(project_dir)  # validates _quarto.yml and _variables.yml for both renderers
    require_quarto_rules(project_dir)  # what `quarto render` would refuse, refused on both paths
    output_dir.mkdir(parents=True, exist_ok=True)

    if use_quarto is None:
        use_quarto = quarto_available()
    if use_quarto:
        outputs = render_with_quarto(project_dir, output_dir, tuple(formats))
        if "docx" in outputs:
            finish_docx(
                outputs["docx"], title=book.title, lang=book.lang,
                image_alts=image_alts(project_dir, book.manifest), author=book.author,
            )
            add_data_notice(outputs["docx"], data_notice(book.variables))
        if "pdf" in outputs:
            finish_pdf(outputs["pdf"])
        return outputs

    templates = find_templates(project_dir, templates_dir)
    markdown = combined_markdown(book)  # resolves vars and includes once, for all formats
    reference = project_dir / str(book.format_option("docx", "reference-doc", "templates/reference.docx"))
    if not reference.is_file():
        reference = templates / "reference.docx"
    renderers = {
        "html": lambda: render_html(book, markdown, output_dir / "site", templates),
        "pdf": lambda: render_pdf(book, markdown, output_dir / "report.pdf", templates / "typst" / "report.typ"),
        "docx": lambda: render_docx(book, markdown, output_dir / "report.docx", reference),
    }
    wanted = [fmt for fmt in FORMATS if fmt in formats]
    # The formats share only the read-only book and write to their own files, and most of the time goes
    # in pandoc's processes: rendered side by side. Results are collected in order, so the first failure raised
    # is the same as when they ran one after another.
    with ThreadPoolExecutor(max_workers=max(len(wanted), 1)) as pool:
        futures = {fmt: pool.submit(renderers[fmt]) for fmt in wanted}
        return {fmt: futures[fmt].result() for fmt in wanted}
