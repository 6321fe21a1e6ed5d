"""``vawg cards``: commands for the people who update the service cards.

``vawg cards check`` validates every card of a borough (``data/boroughs/<borough>/services/``) and lists which
are stale (their figures ended more than ``--months`` months before the edition
date) and what each lacks. Invalid cards make it exit 1, naming file and field.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from vawg.analysis.services.loading import DEFAULT_BOROUGH, CardError, card_files, load_cards, services_dir
from vawg.analysis.services.schema import CATEGORIES, STALE_AFTER_MONTHS

cards_app = typer.Typer(
    help="Check the service cards of Chapter 4 and Appendix 2 (data/boroughs/<borough>/services/).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@cards_app.callback()
def _cards() -> None:
    """Check the service cards of Chapter 4 and Appendix 2 (data/boroughs/<borough>/services/)."""


@cards_app.command("check")
def check(
    edition_date: Annotated[str | None, typer.Option(
        help="Date staleness is measured from (YYYY-MM-DD), usually the next edition's period end. [default: today]")] = None,
    months: Annotated[int, typer.Option(min=1, help="A card is stale when its figures ended more than this many months before the edition date.")] = STALE_AFTER_MONTHS,
    borough: Annotated[str, typer.Option(help="Borough whose cards to check (its folder under data/boroughs/).")] = DEFAULT_BOROUGH,
    folder: Annotated[Path | None, typer.Option(help="Folder of card files. [default: data/boroughs/<borough>/services]")] = None,
) -> None:
    """Validate every card; list stale cards and what each card lacks. Exits 1 if any card is invalid."""
    from vawg.analysis.services.chapter import card_status, load_facts  # pandas: only when the command runs
    from vawg.analysis.services.render import period_text

    out = Console()
    err = Console(stderr=True)
    try:
        as_of = dt.date.fromisoformat(edition_date) if edition_date else dt.date.today()
    except ValueError:
        err.print(f"[bold red]vawg: error:[/] --edition-date: {edition_date!r} is not a date written as YYYY-MM-DD",
                  highlight=False)
        raise typer.Exit(1) from None
    folder = folder or services_dir(borough)
    files = card_files(folder)
    try:
        cards = load_cards(paths=files)
        if (folder / "_local-response.yml").is_file():
            load_facts(folder / "_local-response.yml")
    except CardError as error:
        err.print(f"[bold red]{len(error.problems)} problem(s) in the service cards[/] (nothing was built):",
                  highlight=False)
        for problem in error.problems:
            err.print(f"  • {problem}", highlight=False, soft_wrap=True)
        raise typer.Exit(1) from None
    if not cards:
        err.print(f"[bold red]vawg: error:[/] no card files (*.yml) in {folder}", highlight=False)
        raise typer.Exit(1)

    status = card_status(cards, edition_date=as_of, stale_after_months=months)
    by_category = {key: sum(card.category == key for card in cards) for key in CATEGORIES}
    out.print(f"[bold green]{len(cards)} valid card(s)[/] in {folder} "
              f"({', '.join(f'{key}: {count}' for key, count in by_category.items() if count)})", highlight=False)

    stale = {entry["id"] for entry in status["stale"]}
    table = Table(title=f"Cards as of {as_of.isoformat()} (stale after {months} months)", show_lines=False)
    for header in ("Card", "Category", "Figures cover", "Last updated", "Status"):
        table.add_column(header)
    for card in cards:
        period = card.data_period()
        flags = []
        if card.id in stale:
            flags.append("[bold yellow]stale[/]")
        flags += status["gaps"].get(card.id, [])
        table.add_row(f"{card.name}\n[dim]{card.id}.yml[/]", card.category,
                      period_text(period) if period else "–", card.last_updated.isoformat(),
                      "; ".join(flags) if flags else "[green]ok[/]")
    out.print(table)
    if stale:
        out.print(f"[bold yellow]{len(stale)} stale card(s)[/]: their figures will show a "
                  f"'Data from <period>' notice: {', '.join(sorted(stale))}", highlight=False)
    else:
        out.print("[green]No stale cards.[/]")
    incomplete = len(status["gaps"])
    if incomplete:
        out.print(f"{incomplete} card(s) could be completed (see Status).", highlight=False)
