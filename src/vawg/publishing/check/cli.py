"""The ``vawg check`` command: check the last build; exit 1 on any failure. Builds nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console

from vawg.foundations.errors import VawgError
from vawg.foundations.paths import project_root


def latest_edition(build_dir: Path) -> Path:
    """The most recently built edition folder under ``build_dir`` (one holding ``output/``)."""
    if not build_dir.is_dir():
        raise VawgError(f"check: no build folder {build_dir}; run `vawg build` first")
    editions = [folder for folder in build_dir.iterdir()
                if folder.is_dir() and not folder.name.startswith(".") and (folder / "output").is_dir()]
    if not editions:
        raise VawgError(f"check: no built edition in {build_dir}; run `vawg build` first")
    return max(editions, key=lambda folder: (folder / "output").stat().st_mtime)


def check_command(
    edition: Annotated[Optional[Path], typer.Option(
        help="Edition folder to check, e.g. build/camden-2024-12-31. [default: the newest under --build-dir]")] = None,
    build_dir: Annotated[Optional[Path], typer.Option(
        help="Where editions are built. [default: build/]")] = None,
) -> None:
    """Check the last build's website, PDF and Word file for accessibility (WCAG 2.2 AA, PDF/UA); builds nothing."""
    from vawg.publishing.check import check_edition
    from vawg.publishing.check.report import print_report

    if edition is None:
        edition = latest_edition((build_dir or project_root() / "build").resolve())
    elif not edition.is_dir():
        raise VawgError(f"check: edition folder {edition} does not exist")
    console = Console()
    with Console(stderr=True).status(f"Checking {edition}"):
        report = check_edition(edition)
    print_report(report, console)
    if not report.passed:
        raise typer.Exit(code=1)
