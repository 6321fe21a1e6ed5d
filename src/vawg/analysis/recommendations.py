"""Chapter 6: the borough's recommendation areas, each linked to the evidence it rests on.

Evidence is cited by id: keys of this edition's values, ``fig-``/``tbl-`` ids of its artifacts,
``sec-`` ids of the book's headings and theme ids of Chapter 5. :func:`check_evidence` stops
the build when any of them no longer exists, naming the recommendation and the missing id;
the partial links each with a cross-reference (``@fig-…``, ``@sec-…``) or quotes it
(``{{< var … >}}``), which Quarto and the built-in renderer both resolve in HTML, PDF and Word.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from vawg.analysis.borough_content import BoroughContent, Recommendations
from vawg.foundations.wording import not_supplied
from vawg.foundations.errors import DataError
from vawg.foundations.paths import project_root

SECTION_ID = re.compile(r"\{#(sec-[a-z0-9-]+)[\s}]")


class EvidenceError(DataError):
    """A recommendation cites evidence this edition does not have."""


@dataclass(frozen=True)
class EditionEvidence:
    """The ids a recommendation may cite in this edition."""

    values: frozenset[str]
    figures: frozenset[str]
    tables: frozenset[str]
    sections: frozenset[str]
    themes: frozenset[str]
    # Prefixes of the ids of sections whose extracts this edition lacks (vawg.writing.supply.left_out_prefixes):
    # citing them is "not supplied", not a stale id.
    left_out: tuple[str, ...] = ()

    def not_supplied(self, ident: str) -> bool:
        return ident.startswith(self.left_out) if self.left_out else False

    @classmethod
    def read(cls, artifacts_dir: Path | str, content: BoroughContent | None,
             sources: Iterable[Path] | None = None, left_out: Iterable[str] = ()) -> EditionEvidence:
        """From the artifacts written so far (values, manifest, partials) and the book's ``.qmd`` sources."""
        root = Path(artifacts_dir)
        values = json.loads((root / "values.json").read_text(encoding="utf-8")) if (root / "values.json").exists() else {}
        manifest = (json.loads((root / "manifest.json").read_text(encoding="utf-8"))
                    if (root / "manifest.json").exists() else {"figures": [], "tables": []})
        files = list(sources) if sources is not None else book_sources()
        # Generated partials hold headings too (Chapter 4's text comes from the borough's folder).
        files += sorted((root / "partials").glob("*.qmd"))
        sections = {match for path in files for match in SECTION_ID.findall(path.read_text(encoding="utf-8"))}
        themes = ({t.id for t in content.themes.themes} if content is not None and content.themes else set())
        return cls(frozenset(values), frozenset(f["id"] for f in manifest["figures"]),
                   frozenset(t["id"] for t in manifest["tables"]), frozenset(sections), frozenset(themes),
                   tuple(left_out))


def book_sources() -> list[Path]:
    root = project_root()
    return sorted([*root.glob("*.qmd"), *root.glob("chapters/*.qmd"), *root.glob("appendices/*.qmd")])


def evidence_problems(recommendations: Recommendations, evidence: EditionEvidence) -> list[str]:
    """Every citation that does not resolve, as 'recommendation …: cites … which …'."""
    problems = []
    kinds = (("values", "value", evidence.values), ("figures", "figure", evidence.figures),
             ("tables", "table", evidence.tables), ("sections", "section", evidence.sections),
             ("themes", "theme", evidence.themes))
    for area in recommendations.areas:
        for field, noun, known in kinds:
            cited = [item.key for item in area.evidence.values] if field == "values" else getattr(area.evidence, field)
            for item in cited:
                if item not in known and not (field != "sections" and evidence.not_supplied(item)):
                    where = "Chapter 5's themes (themes.yaml)" if field == "themes" else "this edition"
                    problems.append(f"recommendation {area.id!r} ({area.area}) cites {noun} {item!r}, "
                                    f"which {where} does not have")
    return problems


def check_evidence(recommendations: Recommendations, evidence: EditionEvidence) -> None:
    """Stop when a recommendation cites a value, figure, table, section or theme that is gone.

    Raises
    ------
    EvidenceError
        Naming each recommendation and each missing id.
    """
    problems = evidence_problems(recommendations, evidence)
    if problems:
        shown = "\n".join(f"  - {problem}" for problem in problems)
        raise EvidenceError(f"{len(problems)} recommendation evidence problem(s) in recommendations.yaml:\n{shown}")


def recommendations_partial(content: BoroughContent | None, borough: str,
                            edition: EditionEvidence | None = None) -> str:
    """Chapter 6's areas: headline, goal, example actions, then the evidence as links and quotes.

    Evidence from a section this edition could not run (``edition.left_out``) reads "not supplied".
    """
    left_out = edition.not_supplied if edition is not None else (lambda ident: False)
    if content is None or content.recommendations is None:
        return not_supplied(borough, "its recommendations")
    key = content.sources_key([action for area in content.recommendations.areas for action in area.actions])
    lines = [key, ""] if key else []
    for number, area in enumerate(content.recommendations.areas, start=1):
        lines += [f"### {number}. {area.area} {{#sec-rec-{area.id}}}", "", f"**{area.title}.**", "",
                  area.goal, "", "For example:", ""]
        lines += [f"- {action.text}{action.sources_text}" for action in area.actions] + [""]
        evidence = area.evidence
        cited = [f"- {item.label}: not supplied this edition." if left_out(item.key) else
                 f"- {item.label}: {{{{< var {item.key} >}}}}." for item in evidence.values]
        links = [f"@{ident}" for ident in [*evidence.figures, *evidence.tables, *evidence.sections]
                 if not left_out(ident)]
        if links:
            cited.append(f"- In this report: {', '.join(links)}.")
        if evidence.themes:
            cited.append(f"- What people told us: {', '.join(f'@sec-theme-{t}' for t in evidence.themes)}.")
        if cited:
            lines += ["The evidence:", "", *cited, ""]
    if content.recommendations.closing:
        lines += ["### Community safety and public spaces", "", content.recommendations.closing, ""]
    return "\n".join(lines)


def summary_partial(content: BoroughContent | None, borough: str) -> str:
    """The executive summary's list of recommendations: each area's headline and goal."""
    if content is None or content.recommendations is None:
        return not_supplied(borough, "its recommendations")
    lines = [f"The report makes {len(content.recommendations.areas)} high-level recommendations to shape "
             f"the borough's VAWG strategy. [Chapter 6](#sec-recommendations) gives examples of actions "
             f"under each, and the evidence behind it.", ""]
    for area in content.recommendations.areas:
        lines.append(f"- **{area.area}: {area.title[0].lower() + area.title[1:]}.** {area.goal}")
    return "\n".join(lines + [""])


