"""A readable report of a :class:`~vawg.publishing.check.results.CheckReport`, printed with rich.

One section per output: a pass/fail line, what was checked, then every problem as a row
naming the file or page, the element and what is wrong.
"""

from __future__ import annotations

from itertools import groupby

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from vawg.publishing.check.results import ERROR, CheckReport, Section


def _status(section: Section) -> Text:
    if section.not_run is not None:
        return Text("NOT RUN", style="bold red")
    if section.errors:
        return Text(f"FAIL ({len(section.errors)})", style="bold red")
    return Text("PASS", style="bold green")


def section_renderable(section: Section) -> Panel:
    parts: list = []
    if section.not_run is not None:
        parts.append(Text(f"Could not check: {section.not_run}", style="red"))
    for line in section.checked:
        parts.append(Text(f"✓ {line}" if not section.findings else f"• {line}", style="dim" if section.findings else ""))
    if section.findings:
        table = Table(show_header=True, header_style="bold", expand=True, show_lines=False, pad_edge=False)
        table.add_column("", width=1, no_wrap=True)
        table.add_column("file / page", ratio=2, overflow="fold")
        table.add_column("element", ratio=3, overflow="fold")
        table.add_column("problem", ratio=4, overflow="fold")
        ordered = sorted(section.findings, key=lambda f: (f.severity != ERROR, f.where))
        for (_, where), findings in groupby(ordered, key=lambda f: (f.severity, f.where)):
            for index, finding in enumerate(findings):
                mark = Text("✗", style="red") if finding.severity == ERROR else Text("!", style="yellow")
                table.add_row(mark, where if index == 0 else "", finding.element,
                              Text(f"[{finding.rule}] ", style="dim") + Text(finding.message))
        parts.append(table)
    title = Text.assemble((section.title, "bold"), "  ", _status(section))
    return Panel(Group(*parts), title=title, title_align="left", subtitle=section.target, subtitle_align="right",
                 border_style="red" if not section.passed else "green")


def print_report(report: CheckReport, console: Console | None = None) -> None:
    """Print ``report`` section by section, then a one-line verdict."""
    console = console or Console()
    console.print(Text.assemble(("Accessibility check of ", "bold"), (str(report.edition_dir), "bold cyan")))
    for section in report.sections:
        console.print(section_renderable(section))
    errors = len(report.errors)
    not_run = [section.title for section in report.sections if section.not_run is not None]
    warnings = sum(len(section.warnings) for section in report.sections)
    if report.passed:
        console.print(Text(f"All checks passed ({warnings} warning{'s' if warnings != 1 else ''} to review).",
                           style="bold green"))
    else:
        message = f"{errors} problem{'s' if errors != 1 else ''} found"
        if not_run:
            message += f"; not checked: {', '.join(not_run)}"
        console.print(Text(message + ".", style="bold red"))
