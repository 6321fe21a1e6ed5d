"""The ``vawg`` command: ``vawg synth`` makes the synthetic extracts, ``vawg build`` makes the report.

Expected failures (a bad parameter, missing or malformed data, a failing
notebook) print one reason and exit 1; only bugs show a traceback.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console

from vawg.publishing.check.cli import check_command
from vawg.foundations.errors import VawgError
from vawg.foundations.paths import project_root
from vawg.analysis.services.cli import cards_app

app = typer.Typer(
    help="Rebuild the Violence Against Women and Girls needs assessment from data.",
    invoke_without_command=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
# log_path=False: progress lines without the "cli.py:64" of the line that logged them.
console = Console(stderr=True, log_path=False)


@app.callback()
def _help_without_a_command(context: typer.Context) -> None:
    """Plain ``vawg`` prints the help and succeeds (click's no_args_is_help would exit 2)."""
    if context.invoked_subcommand is None:
        typer.echo(context.get_help())
        raise typer.Exit(0)

REFERENCE_ENV = "VAWG_REFERENCE_DIR"


def _reference_dir(value: Optional[Path]) -> Optional[Path]:
    if value is not None:
        return value
    configured = os.environ.get(REFERENCE_ENV)
    return Path(configured) if configured else None


@app.command()
def build(
    period_end: Annotated[str, typer.Option(help="Last day of the edition's period (YYYY-MM-DD, a month end).")] = "2024-12-31",
    borough: Annotated[str, typer.Option(help="The London borough the report is about (one of the 32 Metropolitan Police boroughs), several separated by commas, or 'all': one edition each, from one validation of the extracts, built side by side.")] = "Camden",
    comparator: Annotated[str, typer.Option(help="The area the borough is compared with.")] = "London",
    formats: Annotated[str, typer.Option(help="Outputs to produce, comma-separated: html, pdf, docx.")] = "html,pdf,docx",
    data_dir: Annotated[Optional[Path], typer.Option(help="Folder of the quarter's extracts, one sub-folder per source. [default: data/raw]")] = None,
    reference_dir: Annotated[Optional[Path], typer.Option(help=f"Folder of open ONS/GLA geography, population and Census files (or set {REFERENCE_ENV}). [default: the shipped data/open]")] = None,
    suppression_threshold: Annotated[int, typer.Option(help="Counts from 1 up to this number minus one are suppressed in every output.")] = 7,
    build_dir: Annotated[Optional[Path], typer.Option(help="Where editions are built. [default: build/]")] = None,
    jobs: Annotated[Optional[int], typer.Option(help="Notebooks run at once (those that read no other's results). [default: the number of cores]", min=1)] = None,
    force: Annotated[bool, typer.Option("--force", help="Rerun staging, every notebook, the render and the audit instead of reusing the results of an earlier build whose inputs are unchanged.")] = False,
    report: Annotated[Optional[Path], typer.Option(help="Build a deep-dive report made by `vawg new report` (its folder, e.g. reports/stalking-clinic) instead of the needs assessment. [default build folder: build/reports/NAME]")] = None,
    editions_at_once: Annotated[Optional[int], typer.Option(help="With several boroughs: editions built at the same time, sharing --jobs between them. [default: --jobs]", min=1)] = None,
    scheduler: Annotated[Optional[str], typer.Option(help="With several boroughs: address of a running Dask scheduler (e.g. tcp://10.0.0.5:8786) to send each edition's build to. Its workers need this project installed and the extracts and build folder at the same paths.")] = None,
) -> None:
    """Validate the extracts, run the notebooks and assemble the report as HTML, PDF and Word.

    Staging and each notebook are reused from an earlier build of the same edition when
    their inputs are unchanged; the progress lines say what was reused and why anything reran.
    """
    from vawg.running.build import build as build_edition
    from vawg.foundations.parameters import parse_parameters

    from vawg.foundations.reference import borough_names

    names = (borough_names(police_only=True) if borough.strip().casefold() == "all"
             else [name.strip() for name in borough.split(",") if name.strip()])
    # Every borough's parameters are checked before the first build starts.
    editions = [parse_parameters(
        period_end=period_end, borough=name, comparator=comparator, formats=formats,
        data_dir=(data_dir or project_root() / "data" / "raw").resolve(),
        reference_dir=_reference_dir(reference_dir), suppression_threshold=suppression_threshold,
    ) for name in names or [borough]]
    report_folder = None
    if report is not None:
        report_folder = report.resolve()
        if not (report_folder / "_quarto.yml").is_file():
            raise VawgError(f"--report {report}: not a report folder (no _quarto.yml); make one with `vawg new report NAME`")
        build_dir = build_dir or project_root() / "build" / "reports" / report_folder.name
    first = time.monotonic()
    if len(editions) > 1 and report_folder is None:
        _build_several(editions, build_dir or project_root() / "build", jobs=jobs, force=force,
                       at_once=editions_at_once, scheduler=scheduler)
        return
    for params in editions:
        started = time.monotonic()
        with console.status("Starting") as status:
            def progress(step: str) -> None:
                console.log(f"{step} [dim]({time.monotonic() - started:.0f} s so far)[/]")
                status.update(step)

            result = build_edition(params, build_dir=build_dir, progress=progress, jobs=jobs, force=force,
                                   report=report_folder)
        console.print(f"[bold green]Built {result.edition}[/] in {time.monotonic() - started:.0f} s:")
        for fmt, path in result.outputs.items():
            console.print(f"  {fmt:5} {path}")
        for card in result.stale_cards:
            console.print(f"[yellow]stale service card:[/] {card['name']} ({card['id']}.yml): data from "
                          f"{card['data_period']}")
    if len(editions) > 1:
        total = time.monotonic() - first
        console.print(f"[bold green]Built {len(editions)} editions[/] in {total:.0f} s "
                      f"({total / len(editions):.0f} s per borough)")


def _build_several(editions: list, build_dir: Path, *, jobs: Optional[int], force: bool, at_once: Optional[int],
                   scheduler: Optional[str]) -> None:
    """Several boroughs: stage them from one validation, then build the editions side by side (or on Dask)."""
    from vawg.running import many_editions
    from vawg.running.build import default_jobs, stage_editions

    first = time.monotonic()
    with console.status("Staging") as status:
        def progress(step: str) -> None:
            console.log(f"{step} [dim]({time.monotonic() - first:.0f} s so far)[/]")
            status.update(step)

        stage_editions(editions, build_dir, force=force, progress=progress)
    work, running = many_editions.plan(editions, build_dir, jobs=jobs or default_jobs(),
                                       at_once=at_once, force=force)
    where = f"on the Dask cluster at {scheduler}" if scheduler else f"{running} at a time"
    console.log(f"Building {len(work)} editions, {where}")
    outcomes = (many_editions.build_on_cluster(work, scheduler) if scheduler
                else many_editions.build_here(work, running))
    failed = []
    for done, outcome in enumerate(outcomes, 1):
        if outcome.error:
            failed.append(outcome)
            console.print(f"[bold red]{outcome.borough} failed[/] ({done} of {len(work)}): {outcome.error}")
            continue
        console.print(f"[bold green]Built {outcome.result.edition}[/] ({done} of {len(work)}) in "
                      f"{outcome.seconds:.0f} s: {outcome.result.root}")
        for card in outcome.result.stale_cards:
            console.print(f"[yellow]stale service card:[/] {card['name']} ({card['id']}.yml): data from "
                          f"{card['data_period']}")
    total = time.monotonic() - first
    console.print(f"[bold green]Built {len(work) - len(failed)} of {len(work)} editions[/] in {total:.0f} s "
                  f"({total / len(work):.0f} s per borough)")
    if failed:
        raise VawgError(f"{len(failed)} edition(s) failed: " + "; ".join(f"{o.borough}: {o.error}" for o in failed))


@app.command()
def validate(
    period_end: Annotated[str, typer.Option(help="Last day of the edition's period (YYYY-MM-DD).")] = "2024-12-31",
    data_dir: Annotated[Optional[Path], typer.Option(help="Folder of the quarter's extracts. [default: data/raw]")] = None,
    reference_dir: Annotated[Optional[Path], typer.Option(help=f"Folder of open ONS/GLA reference data to validate too (or set {REFERENCE_ENV}). [default: the shipped data/open]")] = None,
) -> None:
    """Check every extract against its contract and list every problem and repair; builds nothing."""
    from vawg.foundations.reference import open_data_dir
    from vawg.running.validate_cli import validate_command

    validate_command(data_dir, _reference_dir(reference_dir) or open_data_dir(), period_end)


@app.command()
def synth(
    out: Annotated[Optional[Path], typer.Option(help="Folder to write the synthetic extracts to. [default: data/raw]")] = None,
    seed: Annotated[int, typer.Option(help="Random seed; the same seed gives identical files.")] = 2025,
    scale: Annotated[float, typer.Option(help="Multiplies every count (1.0 = realistic London scale).")] = 1.0,
    period_end: Annotated[str, typer.Option(help="Last day of the synthetic extract (YYYY-MM-DD).")] = "2024-12-31",
    reference_dir: Annotated[Optional[Path], typer.Option(help=f"Take the real 2022 wards from this folder (or set {REFERENCE_ENV}). [default: the shipped data/open]")] = None,
    synthetic_wards: Annotated[bool, typer.Option("--synthetic-wards", help="Invent wards (\"Camden ward 01\" …) instead of the real 2022 wards: the build then falls back to tile maps.")] = False,
) -> None:
    """Write seeded, deterministic synthetic extracts calibrated to the reference edition."""
    import datetime as dt

    from vawg.foundations.errors import ParameterError
    from vawg.running.synth import generate

    try:
        end = dt.date.fromisoformat(period_end)
    except ValueError:
        raise ParameterError(f"period_end: {period_end!r} is not a date written as YYYY-MM-DD") from None
    if scale <= 0:
        raise ParameterError("scale: must be greater than 0")
    target = (out or project_root() / "data" / "raw").resolve()
    with console.status("Generating synthetic extracts"):
        started = time.monotonic()
        written = generate(target, seed=seed, scale=scale, period_end=end,
                           reference_dir=_reference_dir(reference_dir), synthetic_wards=synthetic_wards)
    console.print(f"[bold green]Synthetic extracts written[/] in {time.monotonic() - started:.0f} s:")
    for name, path in written.items():
        console.print(f"  {name:18} {path}")


@app.command()
def audit(
    edition: Annotated[str, typer.Argument(help="The edition to audit, e.g. camden-2024-12-31, or the path of its folder.")],
    build_dir: Annotated[Optional[Path], typer.Option(help="Where editions are built. [default: build/]")] = None,
) -> None:
    """Attack an edition's published files for hidden counts, record-level identifiers and private files."""
    from vawg.publishing.audit import audit_edition, write_report
    from vawg.foundations.errors import DisclosureError

    root = _edition_root(edition, build_dir)
    report = audit_edition(root)
    path = write_report(report, root)
    print(report.summary())
    for finding in report.findings:
        print(f"  {finding.line()}")
    if not report.clean:
        raise DisclosureError(f"disclosure audit: {len(report.findings)} finding(s) in {root}; report: {path}")


def _edition_root(edition: str, build_dir: Optional[Path]) -> Path:
    """An edition given by name (in the build folder) or by the path of its folder."""
    root = Path(edition)
    if not (root / "output").is_dir():
        root = (build_dir or project_root() / "build") / edition
    if not (root / "output").is_dir():
        raise VawgError(f"{root}: no built edition there (no output/ folder)")
    return root


@app.command()
def editions(
    build_dir: Annotated[Optional[Path], typer.Option(help="Where editions are built. [default: build/]")] = None,
) -> None:
    """List the editions kept in the build folder: period, build date, data fingerprint and code version."""
    from rich.table import Table as RichTable

    from vawg.publishing.editions import list_editions

    found = list_editions(build_dir or project_root() / "build")
    if not found:
        print("No editions built yet.")
        return
    headers = ("Edition", "Borough", "Period end", "Built on", "Data fingerprint", "Code version")
    rows = [(record.edition, record.borough, record.period_end.isoformat(), record.built_on.isoformat(),
             record.data_fingerprint, record.code_version) for _, record in found]
    out = Console()
    if not out.is_terminal:  # piped or captured: whole values, tab-separated, never cut to a terminal's width
        print("\n".join("\t".join(row) for row in (headers, *rows)))
        return
    table = RichTable(*headers)
    for row in rows:
        table.add_row(*row)
    out.print(table)


@app.command()
def qa(
    edition: Annotated[str, typer.Argument(help="The edition to check, e.g. camden-2024-12-31, or the path of its folder.")],
    build_dir: Annotated[Optional[Path], typer.Option(help="Where editions are built. [default: build/]")] = None,
    value_tolerance: Annotated[float, typer.Option(help="List values that moved by more than this share (0.2 = 20%).")] = 0.2,
    rows_tolerance: Annotated[float, typer.Option(help="List extracts whose row count moved by more than this share.")] = 0.25,
) -> None:
    """The analyst's check before publishing: what moved since the previous edition (written beside the edition, never published)."""
    from vawg.publishing.qa import quarterly_check, write_report

    root = _edition_root(edition, build_dir)
    report = quarterly_check(root, value_tolerance=value_tolerance, rows_tolerance=rows_tolerance)
    path = write_report(report, root)
    against = report.previous.edition if report.previous else "no earlier edition"
    print(f"Quarterly check of {report.edition.edition} against {against}: {report.items} item(s) to look at; "
          f"report: {path}")


new_app = typer.Typer(help="Start something new for a deep-dive author (see templates/README.md).",
                      no_args_is_help=True)


@new_app.command("report")
def new_report(
    name: Annotated[str, typer.Argument(help="Lower-case words joined by hyphens, e.g. stalking-clinic: the report's "
                                             "folder is reports/NAME.")],
    title: Annotated[Optional[str], typer.Option(help="The report's title. [default: from NAME]")] = None,
) -> None:
    """A stand-alone deep-dive report (its own Quarto book in reports/NAME) with the needs assessment's look and checks."""
    from vawg.running.scaffold import new_report as scaffold

    _list_made(scaffold(name, title), f"vawg build --report reports/{name}")


@new_app.command("section")
def new_section(
    name: Annotated[str, typer.Argument(help="Lower-case words joined by hyphens, e.g. stalking-clinic: the "
                                             "section's ids are fig-NAME, tbl-NAME and sec-NAME.")],
    title: Annotated[Optional[str], typer.Option(help="The section's heading. [default: from NAME]")] = None,
) -> None:
    """A new Chapter 3 section wired into the build: module, notebook, test and chapter partial."""
    from vawg.running.scaffold import new_section as scaffold

    _list_made(scaffold(name, title), "vawg build")


def _list_made(paths: list[Path], build_command: str) -> None:
    root = project_root()
    for path in paths:
        print(path.relative_to(root))
    test = next(path for path in paths if path.name.startswith("test_"))
    print(f"Run `python3 -m pytest {test.relative_to(root).as_posix()}`, then `{build_command}`.")


app.command(name="check")(check_command)
app.add_typer(cards_app, name="cards")
app.add_typer(new_app, name="new")


def main(argv: list[str] | None = None) -> None:
    """Run the command line (``argv`` defaults to the process's arguments); exits with its status."""
    try:
        app(args=argv, standalone_mode=True)
    except VawgError as error:
        console.print(f"[bold red]vawg: error:[/] {error}", highlight=False, soft_wrap=True)
        sys.exit(1)


if __name__ == "__main__":
    main()
