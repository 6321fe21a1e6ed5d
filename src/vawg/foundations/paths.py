"""Where things live: the project's own folders and an edition's build folders."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

PROJECT_MARKER = "_quarto.yml"


def project_root() -> Path:
    """The repository root: ``VAWG_PROJECT`` if set, else the folder above the package source.

    The package is installed editable from the repository, so its chapters,
    notebooks, templates and reference data sit beside ``src/``.
    """
    configured = os.environ.get("VAWG_PROJECT")
    if configured:
        return Path(configured).resolve()
    return Path(__file__).resolve().parents[3]


def display_path(path: Path) -> str:
    """``path`` as a message names it: relative to the project when inside it, else as given."""
    try:
        return str(Path(path).resolve().relative_to(project_root()))
    except ValueError:
        return str(path)


def borough_slug(borough: str) -> str:
    """A borough's name as a folder or edition name: ``Kensington and Chelsea`` → ``kensington-and-chelsea``."""
    return re.sub(r"[^a-z0-9]+", "-", borough.casefold()).strip("-")


def borough_dir(borough: str) -> Path:
    """``data/boroughs/<slug>/``: the borough's own content (services, engagement, contact); it may not exist."""
    return project_root() / "data" / "boroughs" / borough_slug(borough)


def staged_file(staged_dir: Path | str, name: str) -> Path:
    """Where staging writes the table ``name`` and analysis reads it: ``<staged>/<name>.parquet``."""
    return Path(staged_dir) / f"{name}.parquet"


@dataclass(frozen=True)
class EditionPaths:
    """The folders of one edition's build, under ``build/<edition>/``.

    ``staged``, ``notebooks`` and ``logs`` are private (record-level data may
    appear there); ``artifacts`` holds only suppressed aggregates and
    ``output`` only what is published.
    """

    root: Path

    @property
    def staged(self) -> Path:
        return self.root / "staged"

    @property
    def notebooks(self) -> Path:
        return self.root / "notebooks"

    @property
    def artifacts(self) -> Path:
        return self.root / "artifacts"

    @property
    def project(self) -> Path:
        return self.root / "project"

    @property
    def output(self) -> Path:
        return self.root / "output"
