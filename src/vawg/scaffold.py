"""``vawg new section NAME``: a new Chapter 3 section, wired into the build, from ``templates/new-section/``.

It writes the section's module (``src/vawg/deep_dives/``), its notebook, its test and its chapter partial,
declares the notebook in the registry (:mod:`vawg.sections`) and includes the partial in Chapter 3 before
the chapter's summary. The templates are plain files an author can read; ``templates/README.md`` says how
to go on from there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from string import Template

import nbformat

from vawg.errors import VawgError
from vawg.paths import project_root

NAME = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
TEMPLATES = Path("templates") / "new-section"
CHAPTER = Path("chapters") / "03-local-picture.qmd"
REGISTRY = Path("src") / "vawg" / "sections.py"
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

    def fill(self, template: str) -> str:
        return Template(template).substitute(name=self.name, title=self.title, module=self.module,
                                             class_name=self.class_name)


def new_section(name: str, title: str | None = None, *, project: Path | None = None) -> list[Path]:
    """Scaffold the section ``name`` in ``project`` (the repository); returns the files written or changed."""
    root = project or project_root()
    if not NAME.match(name):
        raise ScaffoldError(f"section name {name!r}: use lower-case words joined by hyphens, e.g. 'stalking-clinic'")
    section = NewSection(name, title or name.replace("-", " ").capitalize())
    module = root / "src" / "vawg" / "deep_dives" / f"{section.module}.py"
    notebook = root / "notebooks" / f"{_next_number(root / 'notebooks')}-{name}.ipynb"
    test = root / "tests" / f"test_{section.module}.py"
    partial = root / "chapters" / f"_03-{name}.qmd"
    taken = [path for path in (module, test, partial) if path.exists()]
    taken += sorted((root / "notebooks").glob(f"*-{name}.ipynb"))
    if taken:
        raise ScaffoldError(f"section {name!r} already exists: {', '.join(str(p.relative_to(root)) for p in taken)}")
    registry, chapter = root / REGISTRY, root / CHAPTER
    registry_text, chapter_text = registry.read_text(encoding="utf-8"), chapter.read_text(encoding="utf-8")
    if REGISTRY_MARKER not in registry_text:
        raise ScaffoldError(f"{REGISTRY}: the line {REGISTRY_MARKER.strip()!r} is missing, so the section cannot be declared")
    if SUMMARY_INCLUDE not in chapter_text:
        raise ScaffoldError(f"{CHAPTER}: no {SUMMARY_INCLUDE} to put the section's include before")

    templates = root / TEMPLATES
    module.write_text(section.fill((templates / "module.py.tmpl").read_text(encoding="utf-8")), encoding="utf-8")
    test.write_text(section.fill((templates / "test_module.py.tmpl").read_text(encoding="utf-8")), encoding="utf-8")
    partial.write_text(section.fill((templates / "chapter.qmd.tmpl").read_text(encoding="utf-8")), encoding="utf-8")
    nbformat.write(_notebook(section.fill((templates / "notebook.py.tmpl").read_text(encoding="utf-8"))), notebook)
    declaration = f'    Section("{notebook.name}", staged=("police_offences",)),\n'
    registry.write_text(registry_text.replace(REGISTRY_MARKER, declaration + REGISTRY_MARKER, 1), encoding="utf-8")
    include = f"{{{{< include _03-{name}.qmd >}}}}"
    chapter.write_text(chapter_text.replace(SUMMARY_INCLUDE, f"{include}\n\n{SUMMARY_INCLUDE}", 1), encoding="utf-8")
    return [module, notebook, test, partial, registry, chapter]


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
