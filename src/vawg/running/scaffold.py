"""``vawg new section NAME`` and ``vawg new report NAME``: a deep-dive author's starting point.

``section``: a new Chapter 3 section, wired into the build, from ``templates/new-section/``.

It writes the section's module (``src/vawg/analysis/deep_dives/``), its notebook, its test and its chapter partial,
declares the notebook in the registry (:mod:`vawg.foundations.sections`) and includes the partial in Chapter 3 before
the chapter's summary. ``report``: a stand-alone book in ``reports/NAME/`` with the same analysis files.
The templates are plain files an author can read; ``templates/README.md`` says how to go on from there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from string import Template

import nbformat
import yaml

from vawg.foundations.errors import VawgError
from vawg.foundations.paths import project_root

NAME = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
TEMPLATES = Path("templates") / "new-section"
REPORT_TEMPLATES = Path("templates") / "new-report"
REPORTS = Path("reports")
CHAPTER = Path("chapters") / "03-local-picture.qmd"
REGISTRY = Path("src") / "vawg" / "foundations" / "sections.py"
REGISTRY_MARKER = "    # `vawg new section` adds its sections above this line.\n"
SUMMARY_INCLUDE = "{{< include _03-summary.qmd >}}"
# Author sections run after the service sections and before the appendix notebooks (90 onwards).
FIRST_NUMBER, LAST_NUMBER = 50, 89


class ScaffoldError(VawgError):
    """The section cannot be made: a bad name, or one already taken."""


@dataclass(frozen=True)
class NewSection:
    name: str      # kebab-case: ids (fig-NAME, tbl-NAME, sec-NAME) and file names
    title: str

    @property
    def module(self) -> str:
        return self.name.replace("-", "_")

    @property
    def class_name(self) -> str:
        return "".join(part.capitalize() for part in self.name.split("-"))

    def fill(self, template: str, **extra: str) -> str:
        return Template(template).substitute(name=self.name, title=self.title, title_lower=self.title[:1].lower()
                                             + self.title[1:], module=self.module, class_name=self.class_name,
                                             **extra)


def new_section(name: str, title: str | None = None, *, project: Path | None = None) -> list[Path]:
    """Scaffold the Chapter 3 section ``name`` in ``project`` (the repository); returns the files written or changed."""
    root = project or project_root()
    section = _named(name, title)
    notebook = root / "notebooks" / f"{_next_number(root / 'notebooks')}-{name}.ipynb"
    partial = root / "chapters" / f"_03-{name}.qmd"
    registry, chapter = root / REGISTRY, root / CHAPTER
    registry_text, chapter_text = registry.read_text(encoding="utf-8"), chapter.read_text(encoding="utf-8")
    _refuse_taken(root, section, [partial, *sorted((root / "notebooks").glob(f"*-{name}.ipynb"))])
    if REGISTRY_MARKER not in registry_text:
        raise ScaffoldError(f"{REGISTRY}: the line {REGISTRY_MARKER.strip()!r} is missing, so the section cannot be declared")
    if SUMMARY_INCLUDE not in chapter_text:
        raise ScaffoldError(f"{CHAPTER}: no {SUMMARY_INCLUDE} to put the section's include before")
    written = _write_analysis(root, section, notebook, partial, heading="###")
    declaration = f'    Section("{notebook.name}", staged=("police_offences",)),\n'
    registry.write_text(registry_text.replace(REGISTRY_MARKER, declaration + REGISTRY_MARKER, 1), encoding="utf-8")
    include = f"{{{{< include _03-{name}.qmd >}}}}"
    chapter.write_text(chapter_text.replace(SUMMARY_INCLUDE, f"{include}\n\n{SUMMARY_INCLUDE}", 1), encoding="utf-8")
    return [*written, registry, chapter]


def new_report(name: str, title: str | None = None, *, project: Path | None = None) -> list[Path]:
    """Scaffold the stand-alone deep-dive report ``reports/NAME/``: its own Quarto book (about page, one
    chapter, the accessibility statement) with the report's look, and its analysis as :func:`new_section`
    writes it. ``vawg build --report reports/NAME`` builds it with the same staging, suppression, audit and
    checks as the needs assessment; returns the files written."""
    root = project or project_root()
    section = _named(name, title)
    folder = root / REPORTS / name
    _refuse_taken(root, section, [folder])
    notebook = folder / "notebooks" / f"01-{name}.ipynb"
    partial = folder / "chapters" / f"{name}.qmd"
    (folder / "chapters").mkdir(parents=True)
    (folder / "notebooks").mkdir()
    written = _write_analysis(root, section, notebook, partial, heading="#")
    config = folder / "_quarto.yml"
    config.write_text(report_config(root, section.title, [f"chapters/{name}.qmd"], folder), encoding="utf-8")
    index = folder / "index.qmd"
    index.write_text(section.fill((root / REPORT_TEMPLATES / "index.qmd.tmpl").read_text(encoding="utf-8")),
                     encoding="utf-8")
    return [config, index, *written]


def report_config(root: Path, title: str, chapters: list[str], folder: Path) -> str:
    """A deep dive's ``_quarto.yml``: the needs assessment's own settings and formats (so one look and one set
    of accessibility settings serve both), with its own title and chapters and no bibliography until it cites."""
    config = yaml.safe_load((root / "_quarto.yml").read_text(encoding="utf-8"))
    for key in ("bibliography", "link-citations"):
        config.pop(key, None)
    book = config["book"]
    config["book"] = {"title": title, "subtitle": book["subtitle"], "author": book["author"], "date": "today",
                      "chapters": ["index.qmd", *chapters, "accessibility.qmd"],
                      "page-footer": book["page-footer"]}
    header = (f"# {title}: a deep-dive report, made by `vawg new report`. Build it with\n"
              f"# `vawg build --report {folder.relative_to(root).as_posix()}`; its settings follow the needs "
              "assessment's _quarto.yml.\n")
    return header + yaml.safe_dump(config, sort_keys=False, allow_unicode=True, width=1000)


def _named(name: str, title: str | None) -> NewSection:
    if not NAME.match(name):
        raise ScaffoldError(f"name {name!r}: use lower-case words joined by hyphens, e.g. 'stalking-clinic'")
    return NewSection(name, title or name.replace("-", " ").capitalize())


def _analysis_files(root: Path, section: NewSection) -> tuple[Path, Path]:
    return (root / "src" / "vawg" / "analysis" / "deep_dives" / f"{section.module}.py",
            root / "tests" / "analysis" / "deep_dives" / f"test_{section.module}.py")


def _refuse_taken(root: Path, section: NewSection, others: list[Path]) -> None:
    taken = [path for path in (*_analysis_files(root, section), *others) if path.exists()]
    if taken:
        raise ScaffoldError(f"{section.name!r} already exists: "
                            f"{', '.join(str(path.relative_to(root)) for path in taken)}")


def _write_analysis(root: Path, section: NewSection, notebook: Path, partial: Path, *, heading: str) -> list[Path]:
    """The module, its test, the notebook and the chapter text, from ``templates/new-section/``."""
    templates = root / TEMPLATES
    module, test = _analysis_files(root, section)

    def fill(template: str, **extra: str) -> str:
        return section.fill((templates / template).read_text(encoding="utf-8"), **extra)

    module.write_text(fill("module.py.tmpl"), encoding="utf-8")
    # The tests mirror the package: the first deep dive makes its folder.
    test.parent.mkdir(parents=True, exist_ok=True)
    test.write_text(fill("test_module.py.tmpl"), encoding="utf-8")
    # A report's chapter is a book file: Quarto would number its title unless it is .unnumbered.
    partial.write_text(fill("chapter.qmd.tmpl", heading=heading, unnumbered=" .unnumbered" if heading == "#" else ""),
                       encoding="utf-8")
    nbformat.write(_notebook(fill("notebook.py.tmpl")), notebook)
    return [module, notebook, test, partial]


def _next_number(folder: Path) -> int:
    used = {int(match.group(1)) for path in folder.glob("*.ipynb") if (match := re.match(r"(\d+)", path.name))}
    free = [number for number in range(FIRST_NUMBER, LAST_NUMBER + 1) if number not in used]
    if not free:
        raise ScaffoldError(f"notebooks/: numbers {FIRST_NUMBER}–{LAST_NUMBER} are all taken")
    return free[0]


def _notebook(source: str) -> nbformat.NotebookNode:
    """A notebook from percent-format text: ``# %%`` starts a code cell, ``# %% [markdown]`` a markdown one
    and ``# %% [parameters]`` the cell papermill injects after. (jupytext reads this format, but is not a
    dependency for one small template.)"""
    cells = []
    for chunk in re.split(r"^# %%", source, flags=re.M)[1:]:
        header, _, body = chunk.partition("\n")
        body = body.strip("\n")
        if "[markdown]" in header:
            cells.append(nbformat.v4.new_markdown_cell(re.sub(r"^# ?", "", body, flags=re.M)))
        else:
            tags = ["parameters"] if "[parameters]" in header else []
            cells.append(nbformat.v4.new_code_cell(body, metadata={"tags": tags} if tags else {}))
    kernel = {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
              "language_info": {"name": "python"}}
    return nbformat.v4.new_notebook(cells=cells, metadata=kernel)
