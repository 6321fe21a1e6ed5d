"""Render with the Quarto CLI, where it is installed, and collect its outputs."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import yaml

from vawg.errors import RenderError

# Our format names -> Quarto's `--to` targets.
QUARTO_TARGETS = {"html": "html", "pdf": "typst", "docx": "docx"}


ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
# A project file Quarto, pandoc or typst names: chapters/x.qmd, _quarto.yml, report.typ:12:3 ...
NAMED_FILE = re.compile(r"(?P<file>[\w./-]+\.(?:qmd|md|yml|yaml|typ|lua|scss|css|html|docx|ipynb))\b")
STACK_FRAME = re.compile(r"^\s*(at\s|Stack trace:)")


def quarto_error(stderr: str) -> str:
    """The one line to report from Quarto's stderr: its first ``ERROR:`` line, with the file it names.

    Quarto logs ``ERROR: <message>`` and then a stack trace; the last line is a
    stack frame, useless to the reader. Where the ERROR line names no file, the
    first file named by the lines after it (before the stack trace) is added, e.g.
    typst's ``┌─ report.typ:12:3``. Without an ERROR line, the last line that is
    not a stack frame.
    """
    lines = [ANSI_ESCAPE.sub("", line).rstrip() for line in stderr.splitlines()]
    lines = [line for line in lines if line.strip()]
    first = next((i for i, line in enumerate(lines) if line.lstrip().startswith("ERROR:")), None)
    if first is None:
        useful = [line for line in lines if not STACK_FRAME.match(line)]
        return useful[-1].strip() if useful else "no message"
    message = lines[first].strip()
    if not NAMED_FILE.search(message):
        for line in lines[first + 1:]:
            if STACK_FRAME.match(line) or line.lstrip().startswith("ERROR:"):
                break
            named = NAMED_FILE.search(line)
            if named:
                message += f" (in {named.group(0)}{_position(line, named.end())})"
                break
    return message


def _position(line: str, end: int) -> str:
    position = re.match(r"(:\d+(?::\d+)?)", line[end:])
    return position.group(1) if position else ""


def quarto_available() -> bool:
    """True if the ``quarto`` command is on PATH."""
    return shutil.which("quarto") is not None


def quarto_output_dir(project_dir: Path) -> Path:
    """The book's ``project: output-dir:`` (Quarto's default is ``_book``)."""
    config = yaml.safe_load((project_dir / "_quarto.yml").read_text(encoding="utf-8")) or {}
    return project_dir / ((config.get("project") or {}).get("output-dir") or "_book")


def render_with_quarto(project_dir: Path, output_dir: Path, formats: tuple[str, ...]) -> dict[str, Path]:
    """Run ``quarto render --to <target>`` per format and move the results into ``output_dir``.

    Parameters
    ----------
    project_dir : Path
        The staged Quarto project.
    output_dir : Path
        Receives ``site/`` (HTML), ``report.pdf`` and ``report.docx``.
    formats : tuple of str
        Any of ``"html"``, ``"pdf"``, ``"docx"``.

    Returns
    -------
    dict
        Format -> output path. Word post-processing is left to the caller.

    Raises
    ------
    RenderError
        If Quarto fails or does not produce the expected file.
    """
    outputs: dict[str, Path] = {}
    book_dir = quarto_output_dir(project_dir)
    for fmt in formats:
        target = QUARTO_TARGETS[fmt]
        completed = subprocess.run(
            ["quarto", "render", "--to", target], cwd=project_dir, capture_output=True, text=True
        )
        if completed.returncode != 0:
            raise RenderError(f"quarto render --to {target} failed in {project_dir}: {quarto_error(completed.stderr)}")
        # Each render may clear the output folder, so move each format's files out at once.
        if fmt == "html":
            site = output_dir / "site"
            if site.exists():
                shutil.rmtree(site)
            if not (book_dir / "index.html").is_file():
                raise RenderError(f"quarto render --to html: no index.html in {book_dir}")
            shutil.copytree(book_dir, site)
            outputs[fmt] = site / "index.html"
        else:
            suffix = ".pdf" if fmt == "pdf" else ".docx"
            name = f"report{suffix}"
            made = book_dir / name
            if not made.is_file():
                candidates = sorted(book_dir.glob(f"*{suffix}"))
                if not candidates:
                    raise RenderError(f"quarto render --to {target}: no {suffix} file in {book_dir}")
                made = candidates[0]
            output_dir.mkdir(parents=True, exist_ok=True)
            shutil.move(str(made), output_dir / name)
            outputs[fmt] = output_dir / name
    return outputs
