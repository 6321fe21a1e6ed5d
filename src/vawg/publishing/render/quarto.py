"""Render with the Quarto CLI, where it is installed, and collect its outputs."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import yaml

from vawg.foundations.errors import RenderError

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


# A labelled figure or table, as Quarto's crossref counts them: `{#fig-x ...}` / `{#tbl-x ...}`.
FLOAT_LABEL = re.compile(r"\{#(?P<kind>fig|tbl)-[\w-]+")


def stage_html_numbering(project_dir: Path) -> dict[str, dict[str, int]]:
    """Make Quarto's HTML pages number figures and tables through the book, as the other outputs do.

    Quarto renders each HTML page on its own, so its crossref filter restarts at
    "Figure 1" on every page (src/resources/filters/crossref/index.lua keeps one
    counter per document), while the single-file PDF and Word, and the built-in
    renderer, count through the whole book. ``crossref: fig-labels:`` given as a
    list names the number to print for each one on the page
    (``numberOption`` in src/resources/filters/crossref/format.lua), so each book
    file gets, for HTML only, the list of its book-wide numbers.

    Returns each book file's first figure and table number (1-based), for tests.
    """
    from vawg.publishing.render.quarto_rules import book_files
    from vawg.publishing.render.sources import split_front_matter

    config_text = (project_dir / "_quarto.yml").read_text(encoding="utf-8")
    seen = {"fig": 0, "tbl": 0}
    starts: dict[str, dict[str, int]] = {}
    for listed in book_files(config_text):
        path = project_dir / listed
        if not path.is_file():
            continue
        counts = _count_floats(path, project_dir, set())
        starts[listed] = {kind: seen[kind] + 1 for kind in seen}
        labels = {}
        if any(counts.values()):
            labels = {f"{kind}-labels": [str(seen[kind] + i) for i in range(1, counts[kind] + 1)]
                      for kind in ("fig", "tbl") if counts[kind] and seen[kind]}  # a page from 1 needs none
        if labels:
            text = path.read_text(encoding="utf-8")
            front, body = split_front_matter(text, listed)
            formats = front.get("format") or {}
            html = formats.get("html") or {}
            html["crossref"] = {**(html.get("crossref") or {}), **labels}
            front["format"] = {**formats, "html": html}
            path.write_text("---\n" + yaml.safe_dump(front, allow_unicode=True, sort_keys=False) + "---\n\n" + body,
                            encoding="utf-8")
        for kind in seen:
            seen[kind] += counts[kind]
    return starts


def _count_floats(path: Path, project_dir: Path, stack: set[Path]) -> dict[str, int]:
    counts = {"fig": 0, "tbl": 0}
    in_code = False
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.lstrip().startswith("```"):
            in_code = not in_code
            continue
        if in_code:
            continue
        include = re.match(r"^\s*\{\{< include (?P<target>\S+) >\}\}\s*$", line)
        if include:
            target = include.group("target").strip("\"'")
            included = (project_dir / target.lstrip("/")) if target.startswith("/") else path.parent / target
            included = included.resolve()
            if included.is_file() and included not in stack:
                for kind, count in _count_floats(included, project_dir, stack | {included}).items():
                    counts[kind] += count
            continue
        for match in FLOAT_LABEL.finditer(line):
            counts[match.group("kind")] += 1
    return counts
