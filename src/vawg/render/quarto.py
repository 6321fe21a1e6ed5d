"""Render with the Quarto CLI, where it is installed, and collect its outputs."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import yaml

from vawg.errors import RenderError

# Our format names -> Quarto's `--to` targets.
QUARTO_TARGETS = {"html": "html", "pdf": "typst", "docx": "docx"}


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
            lines = [line for line in completed.stderr.splitlines() if line.strip()] or ["no message"]
            raise RenderError(f"quarto render --to {target} failed in {project_dir}: {lines[-1].strip()}")
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
