"""One edition of the report: validate → stage → notebooks → artifacts → assemble → publish.

The edition is built in a scratch folder and only replaces
``build/<edition>/`` when every step succeeded, so a failed build leaves the
last good edition exactly as it was.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from vawg.artifacts import ArtifactWriter, nest_values, read_values
from vawg.borough_notices import is_synthetic, write_edition_notices
from vawg.notebooks import report_notebooks, run_notebooks
from vawg.parameters import BuildParameters
from vawg.paths import EditionPaths, project_root
from vawg.render import render_book
from vawg.staging import validate_and_stage

# What the assembler needs from the repository; everything else stays behind.
PROJECT_SOURCES = ("_quarto.yml", "index.qmd", "accessibility.qmd", "chapters", "appendices", "templates")

Progress = Callable[[str], None]


@dataclass(frozen=True)
class BuildResult:
    edition: str
    root: Path
    outputs: dict[str, Path]
    stale_cards: list[dict] = field(default_factory=list)


def build(params: BuildParameters, *, build_dir: Path | None = None, notebooks: list[Path] | None = None,
          progress: Progress = lambda step: None) -> BuildResult:
    """Build one edition; returns where its outputs are."""
    build_dir = build_dir or project_root() / "build"
    final = build_dir / params.edition
    scratch = EditionPaths(build_dir / f".{params.edition}.partial")
    if scratch.root.exists():
        shutil.rmtree(scratch.root)
    scratch.root.mkdir(parents=True)
    try:
        progress("Validating and staging the extracts")
        validate_and_stage(params.data_dir, scratch.staged, period_end=params.period_end,
                           reference_dir=params.reference_dir)

        artifacts = ArtifactWriter(scratch.artifacts, params.suppression_threshold)
        _edition_values(artifacts, params)
        # Contact, acknowledgements, help box, quick exit; the synthetic-data notice when synth made the data.
        write_edition_notices(artifacts, borough=params.borough, synthetic=is_synthetic(params.data_dir))
        parameters = params.notebook_parameters(staged_dir=scratch.staged.resolve(),
                                                artifacts_dir=scratch.artifacts.resolve())
        run_notebooks(notebooks if notebooks is not None else report_notebooks(), scratch.notebooks, parameters,
                      on_start=lambda nb: progress(f"Running notebook {nb.name}"))

        progress("Assembling the Quarto project")
        stage_project(scratch, params)
        progress(f"Rendering {', '.join(params.formats)}")
        rendered = render_book(scratch.project, scratch.output, formats=params.formats)
    except BaseException:
        shutil.rmtree(scratch.root, ignore_errors=True)
        raise

    previous = build_dir / f".{params.edition}.previous"
    if final.exists():
        shutil.rmtree(previous, ignore_errors=True)
        final.rename(previous)
    scratch.root.rename(final)
    shutil.rmtree(previous, ignore_errors=True)
    outputs = {fmt: final / path.relative_to(scratch.root) for fmt, path in rendered.items()}
    status = final / "artifacts" / "services_status.json"
    stale = json.loads(status.read_text(encoding="utf-8")).get("stale", []) if status.exists() else []
    return BuildResult(params.edition, final, outputs, stale)


def _edition_values(artifacts: ArtifactWriter, params: BuildParameters) -> None:
    artifacts.values({
        "edition.borough": (params.borough, "text", 0),
        "edition.comparator": (params.comparator, "text", 0),
        "edition.period_end": (params.period_end.isoformat(), "text", 0),
        "edition.period_end_long": (f"{params.period_end.day} {params.period_end:%B %Y}", "text", 0),
        "edition.report_year": (str(params.report_year), "text", 0),
        "edition.built_on": (f"{dt.date.today().day} {dt.date.today():%B %Y}", "text", 0),
        "edition.suppression_threshold": (params.suppression_threshold, "number", 0),
    })


def stage_project(paths: EditionPaths, params: BuildParameters) -> Path:
    """Copy the Quarto sources beside this edition's artifacts and variables."""
    root = project_root()
    project = paths.project
    project.mkdir(parents=True, exist_ok=True)
    for name in PROJECT_SOURCES:
        source = root / name
        if source.is_dir():
            shutil.copytree(source, project / name)
        elif source.exists():
            shutil.copy2(source, project / name)
    shutil.copytree(paths.artifacts, project / "artifacts")
    variables = nest_values(read_values(paths.artifacts))
    (project / "_variables.yml").write_text(yaml.safe_dump(variables, allow_unicode=True, sort_keys=True),
                                            encoding="utf-8")
    return project
