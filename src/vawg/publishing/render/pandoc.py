"""Run the bundled pandoc with the project's Lua filters."""

from __future__ import annotations

import logging
import re
import subprocess
from importlib import resources
from pathlib import Path

import pypandoc

from vawg.foundations.errors import RenderError
from vawg.publishing.render.sources import Book

log = logging.getLogger(__name__)

# Filter order matters: conditional content goes first so hidden figures are not
# numbered; alt text is taken before crossref prefixes captions with "Figure N: ".
COMMON_FILTERS = ("content_visible.lua", "book_files.lua", "callouts.lua", "figures.lua", "crossref.lua")
TARGET_FILTERS = {
    "html": (),  # html.py splits the book into pages on the .vawg-file divs
    "docx": ("book_structure.lua",),
    "typst": ("typst.lua", "book_structure.lua"),
}
# Prefix our filters put on errors meant for the user (see filters/*.lua `fail`).
FILTER_ERROR_PREFIX = "vawg: "
# pandoc's citeproc only warns about a key it cannot find; the build treats it as an error.
MISSING_CITATION = re.compile(r"Citeproc: citation (\S+) not found")
# An entry the style cannot print (e.g. Chicago's personal_communication) leaves a citation with no entry to find.
UNPRINTED_ENTRY = re.compile(r"Citeproc: Bibliography entry with no printed form: (\S+)")


def filter_path(name: str) -> str:
    """Absolute path of one of the package's Lua filters."""
    return str(resources.files("vawg.publishing.render") / "filters" / name)


def run_pandoc(args: list[str], *, cwd: Path, what: str, input_text: str | None = None) -> str:
    """Run pandoc and return its standard output.

    Parameters
    ----------
    args : list of str
        Command-line arguments after ``pandoc``.
    cwd : Path
        Working directory; relative image paths resolve from here.
    what : str
        Short description for error messages, e.g. ``"Word (report.docx)"``.
    input_text : str, optional
        Text for pandoc's standard input.

    Raises
    ------
    RenderError
        With the filter's own message (which names the source file) when one of our
        Lua filters failed, otherwise with pandoc's first error line.
    """
    command = [pypandoc.get_pandoc_path(), *args]
    completed = subprocess.run(
        command, input=input_text, cwd=cwd, capture_output=True, text=True, encoding="utf-8"
    )
    stderr = completed.stderr.strip()
    if completed.returncode != 0:
        for line in stderr.splitlines():
            if FILTER_ERROR_PREFIX in line:
                raise RenderError(line.split(FILTER_ERROR_PREFIX, 1)[1].strip())
        first_line = next((line for line in stderr.splitlines() if line.strip()), "no message")
        raise RenderError(f"pandoc failed building {what}: {first_line}")
    missing = sorted(set(MISSING_CITATION.findall(stderr)))
    if missing:
        raise RenderError(f"{what}: citation(s) with no entry in the bibliography: "
                          + ", ".join(f"@{key}" for key in missing))
    unprinted = sorted(set(UNPRINTED_ENTRY.findall(stderr)))
    if unprinted:
        raise RenderError(f"{what}: bibliography entries the citation style does not print in the reference list "
                          "(give them a type such as 'document'): " + ", ".join(f"@{key}" for key in unprinted))
    for line in stderr.splitlines():
        log.warning("pandoc (%s): %s", what, line)
    return completed.stdout


def citation_args(book: Book) -> list[str]:
    """``--citeproc`` with the book's bibliography, as Quarto's ``bibliography:`` does.

    It comes after the common Lua filters: crossref.lua must first turn ``@fig-``/``@tbl-``/``@sec-``
    references into links, or citeproc would read them as citation keys.
    """
    if not book.bibliography:
        return []
    args = ["--citeproc", "--metadata=link-citations:true"]
    args += [f"--bibliography={book.project_dir / item}" for item in book.bibliography]
    if book.csl:
        args.append(f"--csl={book.project_dir / book.csl}")
    return args


def book_to(
    book: Book,
    markdown: str,
    target: str,
    *,
    what: str,
    extra_args: list[str] | None = None,
    output: Path | None = None,
) -> str:
    """Convert the combined book Markdown (see ``sources.combined_markdown``) for ``target`` (``html``, ``docx`` or ``typst``).

    For ``html`` the result is pandoc JSON (html.py renders the pages); for the
    others it is the target document itself, written to ``output`` when given.
    """
    fmt_options_key = {"html": "html", "docx": "docx", "typst": "typst"}[target]
    default_extension = book.format_option(fmt_options_key, "default-image-extension",
                                           {"docx": "png", "typst": "print.svg"}.get(target, "svg"))
    args = [
        "--from=markdown",
        f"--to={'json' if target == 'html' else target}",
        f"--default-image-extension={default_extension}",
        f"--metadata=vawg-target:{target}",
        f"--metadata=lang:{book.lang}",
    ]
    args += [f"--lua-filter={filter_path(name)}" for name in COMMON_FILTERS]
    # Citations are resolved before the target's filters: typst.lua writes tables as raw typst,
    # and a citation left in a cell would reach typst as a label that does not exist.
    args += citation_args(book)
    args += [f"--lua-filter={filter_path(name)}" for name in TARGET_FILTERS[target]]
    args += extra_args or []
    if output is not None:
        args.append(f"--output={output}")
    return run_pandoc(args, cwd=book.project_dir, what=what, input_text=markdown)
