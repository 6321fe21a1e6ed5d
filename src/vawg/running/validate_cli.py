"""``vawg validate``: check the quarter's extracts against their contracts and report, staging nothing.

It prints what each extract came to, every repair made (and logged), every
notice (unexpected columns, extracts not delivered) and every problem, each
naming the file, row, column, value and what was expected. It exits 1 when
any contract fails. Being the build's first step, it lets a data owner fix a
delivery before anyone builds.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from vawg.foundations.errors import ParameterError
from vawg.foundations.paths import project_root
from vawg.intake.staging import ValidationReport, validate

STATUS_STYLE = {"staged": "green", "not delivered": "dim", "failed": "bold red"}


def validate_command(data_dir: Path | None, reference_dir: Path | None, period_end: str, *,
                     console: Console | None = None) -> ValidationReport:
    """Validate every extract (and reference file) and print a report; raise ``typer.Exit(1)`` on failure.

    Parameters
    ----------
    data_dir : pathlib.Path, optional
        Folder of the extracts (default ``data/raw``).
    reference_dir : pathlib.Path, optional
        Folder of the open ONS/GLA reference data, also validated when given.
    period_end : str
        Last day of the edition's period, ``YYYY-MM-DD``.
    console : rich.console.Console, optional
        Where to print (default: standard output).

    Returns
    -------
    ValidationReport
        When every contract passes.
    """
    console = console or Console()
    try:
        end = dt.date.fromisoformat(period_end)
    except ValueError:
        raise ParameterError(f"period_end: {period_end!r} is not a date written as YYYY-MM-DD") from None
    folder = (data_dir or project_root() / "data" / "raw").resolve()
    report, _ = validate(folder, period_end=end, reference_dir=reference_dir)
    print_report(report, console)
    if not report.ok:
        raise typer.Exit(code=1)
    return report


def _relative(path: Path, report: ValidationReport) -> str:
    for root in (report.data_dir, report.reference_dir):
        if root is not None:
            try:
                return str(Path(path).relative_to(root)) or "."
            except ValueError:
                continue
    return str(path)


def print_report(report: ValidationReport, console: Console) -> None:
    """The validation report as rich tables and lists."""
    where = f"{report.data_dir}" + (f" and {report.reference_dir}" if report.reference_dir else "")
    console.print(f"[bold]Validating[/] {escape(where)} for the period ending {report.period_end.isoformat()}")

    table = Table(title="Extracts", title_justify="left", show_lines=False)
    for column, justify in (("extract", "left"), ("status", "left"), ("files", "right"), ("rows", "right"),
                            ("staged rows", "right")):
        table.add_column(column, justify=justify)
    for summary in report.sources.values():
        status = summary.status
        shown = "valid, not staged" if status == "staged" and not report.ok else status
        label = summary.title + (" [dim](reference)[/]" if summary.reference else "")
        staged = f"{summary.staged_rows:,}" if report.ok and summary.status == "staged" else "–"
        table.add_row(label, f"[{STATUS_STYLE.get(status, '')}]{shown}[/]", str(len(summary.files)),
                      f"{summary.rows:,}" if summary.files else "–", staged)
    console.print(table)

    if report.repairs:
        console.print(f"\n[bold]Repaired and logged[/] ({len(report.repairs)}):")
        for repair in report.repairs:
            text = str(repair).replace(str(repair.file), _relative(repair.file, report), 1)
            console.print(f"  [cyan]•[/] {escape(text)}", soft_wrap=True)
    if report.notices:
        console.print(f"\n[bold]Notes[/] ({len(report.notices)}):")
        for notice in report.notices:
            text = str(notice).replace(str(notice.file), _relative(notice.file, report), 1)
            console.print(f"  [yellow]•[/] {escape(text)}", soft_wrap=True)
    if report.problems:
        by_file: dict[str, list] = defaultdict(list)
        for problem in report.problems:
            by_file[_relative(problem.file, report)].append(problem)
        console.print(f"\n[bold red]Problems[/] ({len(report.problems)}), in {len(by_file)} file(s):")
        for name, problems in by_file.items():
            console.print(f"  [bold]{escape(name)}[/]")
            for problem in problems:
                text = str(problem).replace(str(problem.file), _relative(problem.file, report), 1)
                console.print(f"    [red]✗[/] {escape(text)}", soft_wrap=True)
        console.print("\n[bold red]Validation failed:[/] nothing was staged. Fix the files above and run "
                      "`vawg validate` again.")
    else:
        staged = sum(1 for s in report.sources.values() if s.status == "staged")
        console.print(f"\n[bold green]All contracts pass[/]: {staged} extract(s) ready to stage, "
                      f"{len(report.repairs)} repair(s) logged.")
