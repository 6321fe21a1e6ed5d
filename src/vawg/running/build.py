"""One edition of the report: validate → stage → notebooks → artifacts → assemble → audit → publish.

The edition is built in a scratch folder and only replaces
``build/<edition>/`` when every step succeeded, the disclosure audit
(:mod:`vawg.publishing.audit`) included, so a failed build leaves the last good edition
exactly as it was. The audit's report is kept as ``build/<edition>/audit.json``.

Staging and each notebook are reused from ``build/.cache/<edition>/`` (:mod:`vawg.running.buildcache`) when
their inputs are unchanged; each notebook runs in its own artifacts folder, and the edition's
artifacts are assembled from those in the registry's order (:mod:`vawg.foundations.sections`), so a build that
reuses gives the same files as one that reruns. Assembly, rendering and the audit always run.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import os
import shutil
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from vawg.running import buildcache
from vawg.foundations import methods_used
from vawg.writing import supply
from vawg.writing.artifacts import MERGED_LEDGERS, ArtifactWriter, nest_values, read_values, suppression_tally
from vawg.publishing.audit import AuditReport, audit_edition, write_report
from vawg.running.buildcache import ResultCache
from vawg.publishing.editions import (EditionRecord, code_version, data_fingerprint, previous_edition, read_staging_log,
                           sources_from_staging_log, write_record)
from vawg.foundations.errors import DisclosureError, NotebookError, RenderError
from vawg.foundations.clock import build_date
from vawg.foundations.memory import release_freed_memory
from vawg.running.buildlock import DISK_ERRNOS, build_lock, disk_error
from vawg.analysis.borough_content import missing_content_line
from vawg.analysis.borough_notices import is_synthetic, write_edition_notices
from vawg.running.notebooks import Run, report_notebooks, run_graph
from vawg.foundations.parameters import BuildParameters
from vawg.writing.prose_blocks import apply_value_blocks
from vawg.publishing.provenance import write_provenance
from vawg.foundations.paths import EditionPaths, borough_slug, project_root
from vawg.foundations.reference import OPEN_DATA_ATTRIBUTION
from vawg.publishing.render import render_book
from vawg.publishing.render.quarto import stage_html_numbering
from vawg.foundations.sections import (METHODS_APPENDIX, SECTIONS, SHARED_PROJECT_FILES, Section, dependencies, matches_table,
                           section_for)
from vawg.publishing.catalogue import CATALOGUE, write_catalogue
from vawg.intake.staging import validate_and_stage, validate_and_stage_boroughs
from vawg.publishing.what_changed import PublishedEdition, compare, load_headlines, write_what_changed
from vawg.foundations.wording import WORDING_SUFFIX

# What the assembler needs from the repository; everything else stays behind.
PROJECT_SOURCES = ("_quarto.yml", "index.qmd", "accessibility.qmd", "chapters", "appendices", "templates", "references.qmd",
                   "references.json")
# What a build reads from the repository besides the book's sources; with them and the root pages' wording files,
# what a copy of the project needs (copy_project).
BUILD_INPUTS = ("notebooks", "data/reference", "data/open", "data/boroughs")
# The author's guide and the new-section templates are for the repository, not the book: Quarto would
# render a stray Markdown file in the project as a page of its own. The chapters' wording files
# (vawg.foundations.wording) are read by the notebooks, which have run by then; the book needs none of them.
NOT_STAGED = shutil.ignore_patterns("README.md", "new-section", "new-report", "*" + WORDING_SUFFIX)
# A deep-dive report's folder: what is not part of its book, and what it takes from the project.
REPORT_ONLY = {"notebooks", "build", "README.md"}
REPORT_SHARED = ("templates", "accessibility.qmd", "references.json")

Progress = Callable[[str], None]
CACHE = ".cache"


@dataclass(frozen=True)
class BuildResult:
    edition: str
    root: Path
    outputs: dict[str, Path]
    stale_cards: list[dict] = field(default_factory=list)
    audit: dict = field(default_factory=dict)


def copy_project(target: Path, *, also: tuple[str, ...] = ()) -> Path:
    """A copy of everything a build reads from the repository (and the parts ``also`` names), into ``target``: a
    project a test or a benchmark may change, built with ``VAWG_PROJECT`` set to it."""
    root = project_root()
    wording = sorted(path.name for path in root.glob("*" + WORDING_SUFFIX))  # beside index.qmd, accessibility.qmd
    for part in (*PROJECT_SOURCES, *BUILD_INPUTS, *wording, *also):
        source, destination = root / part, target / part
        if source.is_dir():
            shutil.copytree(source, destination, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
        else:
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination)
    return target


def default_jobs() -> int:
    """Notebooks (or editions) run at once when not told: one per core."""
    return os.cpu_count() or 1


def build(params: BuildParameters, *, build_dir: Path | None = None, notebooks: list[Path] | None = None,
          progress: Progress = lambda step: None, jobs: int | None = None, force: bool = False,
          report: Path | None = None) -> BuildResult:
    """Build one edition; returns where its outputs are.

    ``jobs`` notebooks run at once (default: the number of cores); ``force`` reuses nothing. ``report``: the
    folder of a deep-dive book (``vawg new report``), built from its own sources and notebooks instead of
    the needs assessment's, with the same staging, notices, suppression, render and audit.
    One build at a time holds the build folder (:mod:`vawg.running.buildlock`); a disk
    fault is told in one line and leaves the last edition as it was.
    """
    build_dir = Path(build_dir or project_root() / "build")
    with build_lock(build_dir, params.edition):
        try:
            with buildcache.remembered_digests(build_dir / CACHE / params.edition / "digests.json"):
                return _build(params, build_dir, notebooks, progress, jobs or default_jobs(), force, report)
        except OSError as error:
            if error.errno in DISK_ERRNOS:
                raise disk_error(error, build_dir) from None
            raise


def _build(params: BuildParameters, build_dir: Path, notebooks: list[Path] | None,
           progress: Progress, jobs: int, force: bool, deep_dive: Path | None = None) -> BuildResult:
    final = build_dir / params.edition
    scratch = EditionPaths(build_dir / f".{params.edition}.partial")
    if scratch.root.exists():
        shutil.rmtree(scratch.root)
    scratch.root.mkdir(parents=True)
    cache = build_dir / CACHE / params.edition
    try:
        staged_files = stage(params, scratch.staged, ResultCache(cache / "staged"), force=force, progress=progress)
        for line in supply.supply_lines(scratch.staged, params.borough):
            progress(line)
        missing_content = missing_content_line(params.borough)
        if missing_content:
            progress(missing_content)

        artifacts = ArtifactWriter(scratch.artifacts, params.suppression_threshold, record_methods=False)
        _edition_values(artifacts, params)
        # Contact, acknowledgements, help box, quick exit; the synthetic-data notice when synth made the data.
        write_edition_notices(artifacts, borough=params.borough, synthetic=is_synthetic(params.data_dir))
        order = (notebooks if notebooks is not None else sorted((deep_dive / "notebooks").glob("*.ipynb")) if deep_dive
                 else report_notebooks())
        run_notebooks(order, scratch, params, ResultCache(cache / "notebooks"), jobs=jobs, force=force,
                      progress=progress, staged_files=staged_files)

        progress("Comparing with the previous edition")
        record = edition_record(params, scratch)
        write_record(scratch.root, record)
        compare_with_previous(artifacts, record, build_dir)
        write_provenance(artifacts, record, read_staging_log(scratch.staged), scratch.staged, params.comparator)
        _disclosure_values(artifacts)
        progress("Assembling the Quarto project")
        stage_project(scratch, params, deep_dive)
        write_catalogue(scratch.artifacts, scratch.project, scratch.root / CATALOGUE)
        rendered = render(params, scratch, ResultCache(cache / "rendered"), force=force, progress=progress)
        report = audit(params, scratch, ResultCache(cache / "audit"), staged_files, force=force, progress=progress)
        if not report.clean:
            kept = build_dir / f".{params.edition}.audit-failed.json"
            shutil.copy2(scratch.root / "audit.json", kept)
            more = f" (and {len(report.findings) - 1} more)" if len(report.findings) > 1 else ""
            raise DisclosureError(f"disclosure audit: {report.findings[0].line()}{more}; the last edition is "
                                  f"unchanged; report: {kept}")
        if report.unfinished:  # vawg.publishing.check.published: nothing internal or unfinished in print
            more = f" (and {len(report.unfinished) - 1} more)" if len(report.unfinished) > 1 else ""
            raise RenderError(f"published text: {report.unfinished[0]}{more}; the last edition is unchanged")
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


def render(params: BuildParameters, paths: EditionPaths, cache: ResultCache, *, force: bool = False,
           progress: Progress = lambda step: None) -> dict[str, Path]:
    """Render the staged book, or copy the outputs of an earlier render of the very same book.

    The key is every byte of the staged project (sources, artifacts, variables and the build date), the
    formats, the renderer's code and the software, so a rebuild with nothing changed renders nothing.
    """
    from vawg.publishing.render.quarto import quarto_available

    inputs = {
        "book": buildcache.digest(buildcache.tree_files(paths.project)),
        "formats": ",".join(params.formats),
        "renderer": "quarto" if quarto_available() else "built-in",
        "package code": buildcache.code_digest(["vawg.publishing.render"]),
        "software": buildcache.software_digest(),
    }
    found = None if force else cache.lookup("rendered", inputs)
    if found is not None and found.folder is not None and found.meta:
        progress(f"Rendering {', '.join(params.formats)}: reused (book unchanged)")
        buildcache.restore(found.folder, paths.output)
        return {fmt: paths.output / relative for fmt, relative in found.meta.items()}
    progress(f"Rendering {', '.join(params.formats)} ({'--force' if force else found.reason})")
    rendered = render_book(paths.project, paths.output, formats=params.formats)
    try:
        listed = {fmt: Path(path).relative_to(paths.output).as_posix() for fmt, path in rendered.items()}
    except ValueError:  # an output outside the output folder (a test's stand-in renderer): nothing to keep
        return rendered
    cache.store("rendered", inputs, paths.output, meta=listed)
    return rendered


def audit(params: BuildParameters, paths: EditionPaths, cache: ResultCache, staged_files: dict[str, str], *,
          force: bool = False, progress: Progress = lambda step: None) -> AuditReport:
    """Attack the published files for disclosure (and unfinished text), or reuse the report of an earlier
    audit of exactly the same outputs, artifacts and staged tables by the same code; writes ``audit.json``.

    ``staged_files``: the staged tables' digests, as staging left them (:func:`stage`), not hashed again.
    """
    inputs = {
        "output": buildcache.digest(buildcache.tree_files(paths.output)),
        "artifacts": buildcache.digest(buildcache.tree_files(paths.artifacts)),
        "staged": buildcache.digest(staged_files),
        "edition": params.edition,
        "threshold": str(params.suppression_threshold),
        "reference data": buildcache.project_digest(project_root(), "data/reference"),
        "package code": buildcache.code_digest(["vawg.publishing.audit"]),
        "software": buildcache.software_digest(),
    }
    found = None if force else cache.lookup("audit", inputs)
    if found is not None and found.folder is not None and found.meta:
        progress("Auditing the published files for disclosure: reused (nothing published changed)")
        report = AuditReport.from_json(json.loads(found.meta["report"]))
    else:
        progress(f"Auditing the published files for disclosure ({'--force' if force else found.reason})")
        report = audit_edition(paths.root, staged=paths.staged, threshold=params.suppression_threshold,
                               edition=params.edition)
        # Kept as text: the cache's entry sorts keys, and the report's order (its summary's) must survive.
        cache.store("audit", inputs, None, meta={"report": json.dumps(report.to_json(), ensure_ascii=False)})
    write_report(report, paths.root)
    return report


def stage(params: BuildParameters, staged: Path, cache: ResultCache, *, force: bool = False,
          progress: Progress = lambda step: None) -> dict[str, str]:
    """Validate and stage the extracts, or copy the staged tables of an earlier build of the same extracts;
    returns the staged files' digests (relative path → SHA-256)."""
    inputs = staging_inputs(params)
    found = None if force else cache.lookup("staged", inputs)
    if found is not None and found.folder is not None:
        progress("Staging: reused (extracts unchanged)")
        buildcache.restore(found.folder, staged)
        return dict(found.files or {})
    progress(f"Validating and staging the extracts ({'--force' if force else found.reason})")
    validate_and_stage(params.data_dir, staged, period_end=params.period_end,
                       reference_dir=params.reference_dir, borough=params.borough)
    release_freed_memory()
    return cache.store("staged", inputs, staged) if staged.is_dir() else {}


def staging_inputs(params: BuildParameters) -> dict[str, str]:
    """What staged tables depend on: the key of the ``staged`` cache."""
    return {
        "extracts": buildcache.digest(buildcache.tree_files(params.data_dir)) if params.data_dir.is_dir() else "",
        "reference data": (buildcache.digest(buildcache.tree_files(params.reference_dir))
                           if params.reference_dir and params.reference_dir.is_dir() else ""),
        "period_end": params.period_end.isoformat(),
        "borough": params.borough,
        "package code": buildcache.code_digest(["vawg.intake.staging"]),
        "software": buildcache.software_digest(),
        # Contracts check dates against today ("no later than today"), so a new day validates again.
        "today": dt.date.today().isoformat(),
    }


def stage_editions(editions: list[BuildParameters], build_dir: Path, *, force: bool = False,
                   progress: Progress = lambda step: None) -> None:
    """Stage several boroughs' editions of one delivery with one validation of London's extracts.

    Each edition's staged tables go into its own cache as :func:`stage` would keep them, so its build then
    reuses them. Editions already staged are left alone; an edition whose extracts fail is left to its own
    build to report.
    """
    build_dir = Path(build_dir)
    todo = {}
    with buildcache.remembered_digests(build_dir / CACHE / "digests.json"):
        for params in editions:
            cache = ResultCache(build_dir / CACHE / params.edition / "staged")
            inputs = staging_inputs(params)
            if force or cache.lookup("staged", inputs).folder is None:
                todo[params.borough] = (params, cache, inputs)
    first = next(iter(todo.values()))[0] if todo else None
    if len(todo) < 2 or any((p.data_dir, p.reference_dir, p.period_end) != (first.data_dir, first.reference_dir,
                                                                            first.period_end)
                            for p, _, _ in todo.values()):
        return  # one edition, or editions of different deliveries: each stages itself
    progress(f"Validating the extracts once for {len(todo)} boroughs' editions")
    scratch = build_dir / f".staging.{uuid.uuid4().hex}"
    try:
        outcomes = validate_and_stage_boroughs(first.data_dir, {borough: scratch / borough for borough in todo},
                                               period_end=first.period_end, reference_dir=first.reference_dir)
        for borough, (params, cache, inputs) in todo.items():
            if outcomes[borough] is None:
                cache.store("staged", inputs, scratch / borough)
        release_freed_memory()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def run_notebooks(notebooks: list[Path], paths: EditionPaths, params: BuildParameters, cache: ResultCache, *,
                  jobs: int = 1, force: bool = False, progress: Progress = lambda step: None,
                  registry: tuple[Section, ...] = SECTIONS, staged_files: dict[str, str] | None = None) -> dict[str, str]:
    """Run (or reuse) each notebook into its own folder, then add their artifacts to the edition's in order.

    A notebook's cache key is made of its source, the package modules it imports (followed
    through the package), its declared parameters, staged tables and project files, the
    software's versions and, for one that reads other notebooks' results, those results. Returns
    each notebook's name → ``"reused: …"`` or ``"reran: …"``. ``staged_files``: the staged files' digests as
    staging left them (:func:`stage`), so the tables are not hashed again.
    """
    sections = {section.name: section for section in (section_for(notebook, registry) for notebook in notebooks)}
    notebook_of = {Path(notebook).stem: Path(notebook) for notebook in notebooks}
    order = list(notebook_of)
    needs = dependencies([sections[name] for name in order])
    runs = paths.root / ".runs"
    if staged_files is None:
        staged_files = buildcache.tree_files(paths.staged) if paths.staged.is_dir() else {}
    staged = {Path(name).stem: sha for name, sha in sorted(staged_files.items())
              if "/" not in name and name.endswith(".parquet")}
    root = project_root()
    base_files = buildcache.tree_files(paths.artifacts)
    injected = params.notebook_parameters(staged_dir=paths.staged.resolve(), artifacts_dir=paths.artifacts.resolve())
    results: dict[str, Path] = {}  # name → the folder of artifacts it wrote
    files: dict[str, dict[str, str]] = {}
    inputs: dict[str, dict[str, str]] = {}
    outcomes: dict[str, str] = {}

    def report(name: str, outcome: str) -> None:
        outcomes[name] = outcome
        progress(f"Notebook {order.index(name) + 1} of {len(order)}: {notebook_of[name].name}: {outcome}")

    def prepare(name: str) -> Run | None:
        section, notebook = sections[name], notebook_of[name]
        read = tuple(f"artifacts/{part}" for part in section.reads)
        upstream = {need: {path: sha for path, sha in files[need].items()
                           if path in read or path.startswith(tuple(f"{part}/" for part in read))}
                    for need in needs[name]}  # only what it reads (never the executed notebooks: they hold run times)
        inputs[name] = _notebook_inputs(section, notebook, params, staged, root, upstream, base_files)
        found = None if force or not section.declared else cache.lookup(name, inputs[name])
        if found is not None and found.folder is not None:
            results[name], files[name] = found.folder, dict(found.files)
            report(name, "reused (unchanged)")
            return None
        why = "--force" if force else "not in the registry" if not section.declared else found.reason
        report(name, f"reran ({why})")
        folder = runs / name
        shutil.rmtree(folder, ignore_errors=True)
        seed = folder / "artifacts"
        if needs[name]:  # it reads what the edition holds so far, as a sequential build would have
            shutil.copytree(paths.artifacts, seed)
            writer = ArtifactWriter(seed, params.suppression_threshold, record_methods=False)
            for need in needs[name]:
                writer.merge(results[need] / "artifacts")
            shutil.copytree(seed, folder / "seeded")
        seed.mkdir(parents=True, exist_ok=True)
        parameters = {**injected, "artifacts_dir": str(seed.resolve())}
        if not section.declared:  # e.g. a deep-dive report's: only what its parameters cell asks for
            import papermill

            asked = papermill.inspect_notebook(str(notebook))
            parameters = {key: value for key, value in parameters.items() if key in asked}
        return Run(notebook, folder / "executed" / notebook.name, parameters)

    def finish(name: str) -> None:
        if name in results:
            return
        folder = runs / name
        result = folder / "result"
        if sections[name].declared:
            _check_reads_declared(name, sections[name], folder, staged)
        _written(folder / "artifacts", folder / "seeded", result / "artifacts")
        shutil.copytree(folder / "executed", result / "executed")
        files[name] = cache.store(name, inputs[name], result) if sections[name].declared else \
            buildcache.tree_files(result)
        results[name] = result

    try:
        run_graph(order, needs, prepare, finish, jobs=jobs)
        _check_methods_listed(order, results)
        writer = ArtifactWriter(paths.artifacts, params.suppression_threshold, record_methods=False)
        for name in order:
            # The executed notebook stays with the edition's private files.
            shutil.copytree(results[name] / "executed", paths.notebooks, dirs_exist_ok=True)
            writer.merge(results[name] / "artifacts")
    finally:
        shutil.rmtree(runs, ignore_errors=True)
    return outcomes


def _check_reads_declared(name: str, section: Section, folder: Path, staged: dict[str, str]) -> None:
    """A notebook reads only the staged tables its registry entry declares: they are its cache key, so an
    undeclared one would leave it reused, and wrong, after that table changed."""
    read = methods_used.read(folder / "artifacts")["source"] - methods_used.read(folder / "seeded")["source"]
    undeclared = sorted(table for table in read
                        if table in staged and not any(matches_table(pattern, table) for pattern in section.staged))
    if undeclared:
        raise NotebookError(f"notebook {name}.ipynb read the staged table {', '.join(undeclared)}, which its entry in "
                            "vawg/foundations/sections.py does not declare (staged=...): a change to it would not "
                            "rerun the notebook")


def _check_methods_listed(order: list[str], results: dict[str, Path]) -> None:
    """Appendix 6 lists what the notebooks before it recorded: a notebook after it must record nothing new."""
    late = methods_used.recorded_after({name: methods_used.read(results[name] / "artifacts") for name in order},
                                       order, METHODS_APPENDIX)
    if late:
        name, keys = next(iter(late.items()))
        raise NotebookError(f"notebook {name}.ipynb used {', '.join(keys)} after {METHODS_APPENDIX}.ipynb wrote "
                            "Appendix 6, which cannot list it; declare it before the appendix in vawg/foundations/sections.py")


def _notebook_inputs(section: Section, notebook: Path, params: BuildParameters, staged: dict[str, str], root: Path,
                     upstream: dict[str, dict[str, str]], base: dict[str, str]) -> dict[str, str]:
    """What a notebook's result depends on, one fingerprint per named input (the names show in the progress line)."""
    given = params.notebook_parameters(staged_dir=Path(), artifacts_dir=Path())
    inputs = {
        "notebook": buildcache.file_digest(notebook),
        "package code": buildcache.code_digest(buildcache.notebook_modules(notebook)),
        "software": buildcache.software_digest(),
    }
    for name in section.parameters:
        inputs[f"parameter {name}"] = json.dumps(given[name])
    for pattern in section.staged:
        matched = [name for name in staged if matches_table(pattern, name)]
        if not matched and not pattern.endswith("*"):
            inputs[f"staged {pattern}"] = "not staged"
        for name in matched:
            inputs[f"staged {name}"] = staged[name]
    # The chapters' wording the notebook's code reads (vawg.foundations.wording): an edited sentence reruns only its section.
    for where in buildcache.wording_files(buildcache.notebook_modules(notebook)):
        inputs[where] = buildcache.project_digest(root, where)
    slug = borough_slug(params.borough)
    for pattern in (*SHARED_PROJECT_FILES, *section.project):
        where = pattern.format(slug=slug)
        inputs[where] = buildcache.project_digest(root, where)
    if upstream:
        inputs["edition values"] = buildcache.digest(base)
    for need, written in upstream.items():
        inputs[f"results of {need}"] = buildcache.digest(written)
    return inputs


def _written(after: Path, seeded: Path, result: Path) -> None:
    """What a notebook added to the artifacts it was given (``seeded``, absent when it was given none):
    new or changed files, and new or changed entries of the ledgers and the manifest."""
    before = buildcache.tree_files(seeded) if seeded.is_dir() else {}
    result.mkdir(parents=True)
    for relative, sha in buildcache.tree_files(after).items():
        source, target = after / relative, result / relative
        if before.get(relative) == sha:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        if relative in before and (relative in MERGED_LEDGERS or relative == "manifest.json"):
            now = json.loads(source.read_text(encoding="utf-8"))
            was = json.loads((seeded / relative).read_text(encoding="utf-8"))
            if relative == "manifest.json":
                now = {kind: [item for item in items if item not in was.get(kind, [])] for kind, items in now.items()}
            else:
                now = {key: entry for key, entry in now.items() if was.get(key) != entry}
            target.write_text(json.dumps(now, indent=2, sort_keys=True, ensure_ascii=False), encoding="utf-8")
        else:
            shutil.copyfile(source, target)


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


def stage_project(paths: EditionPaths, params: BuildParameters, report: Path | None = None) -> Path:
    """Copy the Quarto sources beside this edition's artifacts and variables.

    A deep-dive ``report`` brings its own book; the look (``templates/``), the accessibility statement and the
    bibliography come from the project unless the report has its own.
    """
    root = project_root()
    project = paths.project
    project.mkdir(parents=True, exist_ok=True)
    sources = ([(path, path.name) for path in sorted(report.iterdir()) if path.name not in REPORT_ONLY]
               if report else [])
    sources += [(root / name, name) for name in (REPORT_SHARED if report else PROJECT_SOURCES)
                if not (report and (report / name).exists())]
    for source, name in sources:
        if source.is_dir():
            shutil.copytree(source, project / name, ignore=NOT_STAGED)
        elif source.exists():
            shutil.copy2(source, project / name)
    # Prose that needs an extract this edition lacks becomes a "not supplied" note.
    supply.apply_to_project(project, paths.staged, params.borough)
    stage_date(project / "_quarto.yml", build_date())
    shutil.copytree(paths.artifacts, project / "artifacts")
    values = read_values(paths.artifacts)
    # Prose written around a number: the version for a published number, or the one for a hidden number.
    apply_value_blocks(project, values, params.suppression_threshold)
    stage_html_numbering(project)  # Quarto's HTML pages count figures through the book
    variables = nest_values(values)
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
