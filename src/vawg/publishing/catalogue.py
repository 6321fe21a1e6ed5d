"""The catalogue of the values the prose quotes: what each key shows, what makes it, where it is quoted.

An author editing a chapter meets ``{{< var offences.rate >}}``; ``build/<edition>/values-catalogue.md``
says what that prints in this edition, which function makes it, which entry of a wording file a sentence
comes from (:mod:`vawg.foundations.wording`) and which chapter files quote it, so prose can be written or moved without
reading the code. The build writes it beside the edition
(private, like the audit report: it is for authors, not readers).
"""

from __future__ import annotations

import re
import string
from collections import defaultdict
from functools import lru_cache
from pathlib import Path

from vawg.writing.artifacts import read_values
from vawg.foundations.errors import DataError
from vawg.foundations.wording import wording, wording_sections

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


@lru_cache(maxsize=None)
def _templates(section: str) -> list[tuple[str, re.Pattern]]:
    """(entry.case, the template as a pattern) of a section's wording file, the most specific first: those that
    start with words before those that start with a placeholder, then by how many words they fix."""
    found = []
    for entry, wordings in wording(section).items():
        for case, template in (wordings.items() if isinstance(wordings, dict) else [(None, wordings)]):
            parsed = list(string.Formatter().parse(template))
            fixed = sum(len(literal.strip()) for literal, *_ in parsed)
            if fixed:
                pattern = "".join(re.escape(literal) + ("(?:.*?)" if field is not None else "")
                                  for literal, field, *_ in parsed)
                found.append(((bool(parsed[0][0].strip()), fixed), entry if case is None else f"{entry}.{case}",
                              re.compile(pattern + r"(?= |$)", re.S)))
    return [(name, pattern) for _, name, pattern in sorted(found, key=lambda item: item[0], reverse=True)]


def worded_in(key: str, text: str) -> str:
    """The wording entries a sentence value was made from, read back from its text, e.g.
    ``chapters/_03-marac.wording.yml: change.rose`` (several sentences: each entry, in order); "" when none.

    The section is the key's prefix; a key whose prefix names no section (``abuse.`` is worded by ``offences``)
    is looked for in every section's file."""
    section, files = key.split(".")[0], wording_sections()
    sections = [section] if section in files else list(files)
    for section in sections:
        try:
            templates = _templates(section)
        except DataError:
            continue

        entries = _cover(text, templates, 0) if text else None
        if entries:
            return f"{files[section]}: {' + '.join(entries)}"
    return ""


def _cover(text: str, templates: list[tuple[str, re.Pattern]], start: int) -> list[str] | None:
    """Entries whose sentences, one after another, make up ``text[start:]``; None when they cannot."""
    if start >= len(text):
        return []
    for name, pattern in templates:
        match = pattern.match(text, start)
        # A sentence followed by another ends with a full stop.
        if match and (match.end() == len(text) or text[match.end() - 1] in ".?!"):
            rest = _cover(text, templates, match.end() + 1)  # + 1: the space between two sentences
            if rest is not None:
                return [name, *rest]
    return None


def catalogue_rows(artifacts: Path, project: Path) -> list[dict[str, str]]:
    quoted = quoted_in(project)
    rows = []
    for key, entry in sorted(read_values(artifacts).items()):
        text = str(entry.get("text", ""))
        example = " ".join(text.split())
        if len(example) > EXAMPLE_LENGTH:
            example = example[:EXAMPLE_LENGTH - 1] + "…"
        rows.append({"key": key, "example": example, "kind": entry.get("kind", ""),
                     "made_by": entry.get("made_by", ""),
                     "worded_in": worded_in(key, text) if entry.get("kind") == "text" else "",
                     "quoted_in": ", ".join(quoted.get(key, []))})
    return rows


def write_catalogue(artifacts: Path, project: Path, target: Path) -> Path:
    """Write the Markdown catalogue of every value key of the edition."""
    rows = catalogue_rows(artifacts, project)

    def cell(text: str) -> str:
        return text.replace("|", "\\|")

    lines = ["# Values the prose quotes", "",
             f"{len(rows)} keys. Quote one in a chapter as `{{{{< var KEY >}}}}`; the example is this edition's text.",
             "A sentence's words are in the wording file and entry it names (edit them there).",
             "", "| key | example | kind | made by | worded in | quoted in |", "|---|---|---|---|---|---|"]
    lines += [f"| `{row['key']}` | {cell(row['example'])} | {row['kind']} | "
              f"{'`' + row['made_by'] + '`' if row['made_by'] else ''} | {cell(row['worded_in'])} | "
              f"{row['quoted_in']} |" for row in rows]
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return target
