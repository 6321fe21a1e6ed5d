"""The catalogue of the values the prose quotes: what each key shows, what makes it, where it is quoted.

An author editing a chapter meets ``{{< var offences.rate >}}``; ``build/<edition>/values-catalogue.md``
says what that prints in this edition, which function makes it and which chapter files quote it, so
prose can be written or moved without reading the code. The build writes it beside the edition
(private, like the audit report: it is for authors, not readers).
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

from vawg.writing.artifacts import read_values

CATALOGUE = "values-catalogue.md"
QUOTED = re.compile(r"\{\{<\s*var\s+([a-z0-9_.]+)\s*>\}\}")
EXAMPLE_LENGTH = 70


def quoted_in(project: Path) -> dict[str, list[str]]:
    """Value key → the book's source files that quote it (relative to the staged book)."""
    found: dict[str, set[str]] = defaultdict(set)
    for path in sorted(project.rglob("*.qmd")):
        for key in QUOTED.findall(path.read_text(encoding="utf-8")):
            found[key].add(path.relative_to(project).as_posix())
    return {key: sorted(files) for key, files in found.items()}


def catalogue_rows(artifacts: Path, project: Path) -> list[dict[str, str]]:
    quoted = quoted_in(project)
    rows = []
    for key, entry in sorted(read_values(artifacts).items()):
        example = " ".join(str(entry.get("text", "")).split())
        if len(example) > EXAMPLE_LENGTH:
            example = example[:EXAMPLE_LENGTH - 1] + "…"
        rows.append({"key": key, "example": example, "kind": entry.get("kind", ""),
                     "made_by": entry.get("made_by", ""), "quoted_in": ", ".join(quoted.get(key, []))})
    return rows


def write_catalogue(artifacts: Path, project: Path, target: Path) -> Path:
    """Write the Markdown catalogue of every value key of the edition."""
    rows = catalogue_rows(artifacts, project)

    def cell(text: str) -> str:
        return text.replace("|", "\\|")

    lines = ["# Values the prose quotes", "",
             f"{len(rows)} keys. Quote one in a chapter as `{{{{< var KEY >}}}}`; the example is this edition's text.",
             "", "| key | example | kind | made by | quoted in |", "|---|---|---|---|---|"]
    lines += [f"| `{row['key']}` | {cell(row['example'])} | {row['kind']} | "
              f"{'`' + row['made_by'] + '`' if row['made_by'] else ''} | {row['quoted_in']} |" for row in rows]
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return target
