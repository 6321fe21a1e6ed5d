"""One edition of the report: validate → stage → notebooks → artifacts → assemble → audit → publish.

The edition is built in a scratch folder and only replaces
``build/<edition>/`` when every step succeeded, the disclosure audit
(:mod:`vawg.audit`) included, so a failed build leaves the last good edition
exactly as it was. The audit's report is kept as ``build/<edition>/audit.json``.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from vawg.artifacts import ArtifactWriter, nest_values, read_values, suppression_tally
from vawg.audit import audit_edition, write_report
from vawg.editions import (EditionRecord, code_version, data_fingerprint, previous_edition, read_staging_log,
                           sources_from_staging_log, write_record)
from vawg.errors import DisclosureError
from vawg.buildlock import DISK_ERRNOS, build_lock, disk_error
from vawg.borough_notices import is_synthetic, write_edition_notices
from vawg.notebooks import report_notebooks, run_notebooks
from vawg.parameters import BuildParameters
from vawg.paths import EditionPaths, project_root
from vawg.reference import OPEN_DATA_ATTRIBUTION
from vawg.render import render_book
from vawg.render.quarto import stage_html_numbering
from vawg.staging import validate_and_stage
from vawg.what_changed import PublishedEdition, compare, load_headlines, write_what_changed

# What the assembler needs from the repository; everything else stays behind.
PROJECT_SOURCES = ("_quarto.yml", "index.qmd", "accessibility.qmd", "chapters", "appendices", "templates", "references.qmd",
                   "references.json")

Progress = Callable[[str], None]


@dataclass(frozen=True)
class BuildResult:
    edition: str
    root: Path
    outputs: dict[str, Path]
    stale_cards: list[dict] = field(default_factory=list)
    audit: dict = field(default_factory=dict)


def build(params: BuildParameters, *, build_dir: Path | None = None, notebooks: list[Path] | None = None,
          progress: Progress = lambda step: None) -> BuildResult:
    """Build one edition; returns where its outputs are.

    One build at a time holds the build folder (:mod:`vawg.buildlock`); a disk
    fault is told in one line and leaves the last edition as it was.
    """
    build_dir = Path(build_dir or project_root() / "build")
    with build_lock(build_dir, params.edition):
        try:
            return _build(params, build_dir, notebooks, progress)
        except OSError as error:
            if error.errno in DISK_ERRNOS:
                raise disk_error(error, build_dir) from None
            raise


def _build(params: BuildParameters, build_dir: Path, notebooks: list[Path] | None,
           progress: Progress) -> BuildResult:
    final = build_dir / params.edition
    scratch = EditionPaths(build_dir / f".{params.edition}.partial")
    if scratch.root.exists():
        shutil.rmtree(scratch.root)
    scratch.root.mkdir(parents=True)
    try:
        progress("Validating and staging the extracts")
        validate_and_stage(params.data_dir, scratch.staged, period_end=params.period_end,
                           reference_dir=params.reference_dir, borough=params.borough)

        artifacts = ArtifactWriter(scratch.artifacts, params.suppression_threshold)
        _edition_values(artifacts, params)
        # Contact, acknowledgements, help box, quick exit; the synthetic-data notice when synth made the data.
        write_edition_notices(artifacts, borough=params.borough, synthetic=is_synthetic(params.data_dir))
        parameters = params.notebook_parameters(staged_dir=scratch.staged.resolve(),
                                                artifacts_dir=scratch.artifacts.resolve())
        order = notebooks if notebooks is not None else report_notebooks()
        run_notebooks(order, scratch.notebooks, parameters,
                      on_start=lambda nb: progress(f"Notebook {order.index(nb) + 1} of {len(order)}: {nb.name}"))

        progress("Comparing with the previous edition")
        record = edition_record(params, scratch)
        write_record(scratch.root, record)
        compare_with_previous(artifacts, record, build_dir)
        _disclosure_values(artifacts)
        progress("Assembling the Quarto project")
        stage_project(scratch, params)
        progress(f"Rendering {', '.join(params.formats)}")
        rendered = render_book(scratch.project, scratch.output, formats=params.formats)
        progress("Auditing the published files for disclosure")
        report = audit_edition(scratch.root, staged=scratch.staged, threshold=params.suppression_threshold,
                              edition=params.edition)
        write_report(report, scratch.root)
        if not report.clean:
            kept = build_dir / f".{params.edition}.audit-failed.json"
            shutil.copy2(scratch.root / "audit.json", kept)
            more = f" (and {len(report.findings) - 1} more)" if len(report.findings) > 1 else ""
            raise DisclosureError(f"disclosure audit: {report.findings[0].line()}{more}; the last edition is "
                                  f"unchanged; report: {kept}")
    except BaseException:
        shutil.rmtree(scratch.root, ignore_errors=True)
        raise

    previous = build_dir / f".{params.edition}.previous"
    if final.exists():
        shutil.rmtree(previous, ignore_errors=True)
        final.rename(previous)
    try:
        scratch.root.rename(final)
    except OSError:
        if previous.exists() and not final.exists():
            previous.rename(final)  # the last edition back in its place
        shutil.rmtree(scratch.root, ignore_errors=True)
        raise
    shutil.rmtree(previous, ignore_errors=True)
    (build_dir / f".{params.edition}.audit-failed.json").unlink(missing_ok=True)
    outputs = {fmt: final / path.relative_to(scratch.root) for fmt, path in rendered.items()}
    status = final / "artifacts" / "services_status.json"
    stale = json.loads(status.read_text(encoding="utf-8")).get("stale", []) if status.exists() else []
    return BuildResult(params.edition, final, outputs, stale, report.to_json())


def build_date() -> dt.date:
    """The one date of a build: ``SOURCE_DATE_EPOCH`` (reproducible builds) when set, else today (UTC)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc).date()
    return dt.datetime.now(dt.timezone.utc).date()


def _edition_values(artifacts: ArtifactWriter, params: BuildParameters) -> None:
    built = build_date()
    artifacts.values({
        "edition.borough": (params.borough, "text", 0),
        "edition.comparator": (params.comparator, "text", 0),
        "edition.period_end": (params.period_end.isoformat(), "text", 0),
        "edition.period_end_long": (f"{params.period_end.day} {params.period_end:%B %Y}", "text", 0),
        "edition.report_year": (str(params.report_year), "text", 0),
        "edition.built_on": (f"{built.day} {built:%B %Y}", "text", 0),
        "edition.suppression_threshold": (params.suppression_threshold, "number", 0),
        # The largest count hidden, so the prose reads "1 to 6" rather than "1 to 7 minus one".
        "edition.largest_suppressed": (params.suppression_threshold - 1, "number", 0),
        "edition.open_data_attribution": (OPEN_DATA_ATTRIBUTION, "text", 0),
    })


def edition_record(params: BuildParameters, paths: EditionPaths) -> EditionRecord:
    """What this edition is and what it was built from, kept as ``edition.json`` for ``vawg editions``."""
    sources, repairs = sources_from_staging_log(read_staging_log(paths.staged))
    return EditionRecord(
        edition=params.edition, borough=params.borough, period_end=params.period_end,
        report_year=params.report_year, built_on=build_date(), suppression_threshold=params.suppression_threshold,
        formats=tuple(params.formats), code_version=code_version(), data_fingerprint=data_fingerprint(sources),
        sources=tuple(sources), repairs=repairs)


def compare_with_previous(artifacts: ArtifactWriter, record: EditionRecord, build_dir: Path) -> None:
    """The "What changed since the last edition" section, against the latest earlier edition kept here."""
    found = previous_edition(build_dir, record.borough, record.period_end)
    previous = PublishedEdition.read(found[0] / "artifacts", found[1]) if found else None
    current = PublishedEdition.read(artifacts.root, record)
    changes = compare(previous, current, load_headlines(), artifacts.threshold)
    write_what_changed(artifacts, changes, record)


def _disclosure_values(artifacts: ArtifactWriter) -> None:
    """How many cells the edition hides, for the methods appendix (the audit report has them too)."""
    tally = suppression_tally(artifacts.root)
    artifacts.values({f"disclosure.{how}": (number, "number", 0) for how, number in tally.items()})


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
    stage_date(project / "_quarto.yml", build_date())
    shutil.copytree(paths.artifacts, project / "artifacts")
    stage_html_numbering(project)  # Quarto's HTML pages count figures through the book
    variables = nest_values(read_values(paths.artifacts))
    (project / "_variables.yml").write_text(yaml.safe_dump(variables, allow_unicode=True, sort_keys=True),
                                            encoding="utf-8")
    return project


def stage_date(config: Path, day: dt.date) -> None:
    """Write the edition's date into the staged ``_quarto.yml``'s ``book: date:``.

    Quarto parses ``date`` before it runs shortcodes (src/core/date.ts in
    quarto-dev/quarto-cli), so the date must be there as text, ``YYYY-MM-DD``;
    ``date-format`` says how both renderers print it. Only that line changes, so
    the file keeps its comments and order.
    """
    text = config.read_text(encoding="utf-8")
    book = re.search(r"(?m)^book:[ \t]*\n((?:[ \t]+.*\n|[ \t]*\n)*)", text)
    line = f'date: "{day.isoformat()}"'
    if book is None:
        return
    body = book.group(1)
    if re.search(r"(?m)^([ \t]+)date:.*$", body):
        body = re.sub(r"(?m)^([ \t]+)date:.*$", lambda m: m.group(1) + line, body, count=1)
    else:
        indent = re.match(r"[ \t]+", body).group(0) if body.strip() else "  "
        body = f"{indent}{line}\n{body}"
    config.write_text(text[:book.start(1)] + body + text[book.end(1):], encoding="utf-8")
