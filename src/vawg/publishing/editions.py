"""The editions a build folder keeps: what each was built from, and which one came before.

Every finished edition holds ``edition.json`` (its period, build date, the
fingerprints of the extracts it read and the version of the code that made
it), so ``vawg editions`` can list them and a new edition can find the one it
follows (:func:`previous_edition`) and say what changed
(:mod:`vawg.publishing.what_changed`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from vawg import __version__
from vawg.foundations.digests import digest, file_digest, paths_digest
from vawg.foundations.paths import project_root

RECORD_FILE = "edition.json"
# What makes the report besides the data: a change here is a new code version.
CODE_SOURCES = ("src/vawg", "notebooks", "chapters", "appendices", "templates", "_quarto.yml", "index.qmd")


class SourceRecord(BaseModel):
    """One extract as the edition received it (from the staging log)."""

    model_config = ConfigDict(extra="forbid")

    name: str
    title: str
    rows: int
    staged_rows: int
    fingerprint: str


class EditionRecord(BaseModel):
    model_config = ConfigDict(extra="forbid")

    edition: str
    borough: str
    period_end: dt.date
    report_year: int
    built_on: dt.date
    suppression_threshold: int
    formats: tuple[str, ...]
    code_version: str
    data_fingerprint: str
    sources: tuple[SourceRecord, ...] = ()
    repairs: int = 0


def code_version(root: Path | None = None) -> str:
    """The package version and a digest of the sources that make the report (works without git)."""
    root = root or project_root()
    return f"{__version__}+{paths_digest([root / name for name in CODE_SOURCES if (root / name).exists()], root)[:12]}"


def sources_from_staging_log(log: dict) -> tuple[list[SourceRecord], int]:
    """Each extract's rows and fingerprint, and how many repairs staging applied."""
    records = []
    for source in log.get("sources", []):
        if source.get("status") != "staged":
            continue
        files = [Path(name) for name in source.get("files", [])]
        records.append(SourceRecord(name=source["name"], title=source.get("title", source["name"]),
                                    rows=int(source.get("rows", 0)), staged_rows=int(source.get("staged_rows", 0)),
                                    fingerprint=digest([file_digest(p) for p in files if p.is_file()])[:16]))
    return records, len(log.get("repairs", []))


def write_record(edition_root: Path, record: EditionRecord) -> Path:
    path = edition_root / RECORD_FILE
    path.write_text(record.model_dump_json(indent=2) + "\n", encoding="utf-8")
    return path


def read_record(edition_root: Path) -> EditionRecord | None:
    """The edition's record, or None for a folder that is not a finished edition (or predates records)."""
    path = edition_root / RECORD_FILE
    try:
        return EditionRecord.model_validate_json(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def list_editions(build_dir: Path) -> list[tuple[Path, EditionRecord]]:
    """Finished editions in ``build_dir`` (hidden scratch folders left out), by borough then period."""
    if not build_dir.is_dir():
        return []
    found = [(folder, record) for folder in sorted(build_dir.iterdir())
             if folder.is_dir() and not folder.name.startswith(".") and (record := read_record(folder)) is not None]
    return sorted(found, key=lambda item: (item[1].borough, item[1].period_end))


def previous_edition(build_dir: Path, borough: str, period_end: dt.date) -> tuple[Path, EditionRecord] | None:
    """The latest kept edition of the same borough with an earlier period end."""
    earlier = [(folder, record) for folder, record in list_editions(build_dir)
               if record.borough == borough and record.period_end < period_end]
    return earlier[-1] if earlier else None


def data_fingerprint(sources: Iterable[SourceRecord]) -> str:
    digest = hashlib.sha256()
    for source in sorted(sources, key=lambda s: s.name):
        digest.update(f"{source.name}:{source.fingerprint}\n".encode())
    return digest.hexdigest()[:16]


def read_staging_log(staged_dir: Path) -> dict:
    from vawg.intake.staging import STAGING_LOG

    path = staged_dir / STAGING_LOG
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
