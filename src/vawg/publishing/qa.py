"""The analyst's quarterly check before publishing (``vawg qa``): never published.

It compares an edition with the previous edition of the same borough and lists
what deserves a look before sign-off: values that moved more than a tolerance,
figures and tables whose data gained or lost rows, the repairs staging applied
to this quarter's extracts, and extracts whose row count moved unusually.
The report is written beside the edition (``build/<edition>/qa.md``), outside
``output/``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from vawg.publishing.editions import EditionRecord, previous_edition, read_record, read_staging_log
from vawg.foundations.errors import DataError
from vawg.publishing.what_changed import PublishedEdition

REPORT_FILE = "qa.md"
NUMERIC_KINDS = ("count", "rate", "percent", "change", "number", "rank")


@dataclass
class QAReport:
    edition: EditionRecord
    previous: EditionRecord | None
    moved_values: list[tuple[str, str, str, float]] = field(default_factory=list)  # key, old, new, relative change
    changed_rows: list[tuple[str, int, int]] = field(default_factory=list)  # artifact id, old rows, new rows
    repairs: list[str] = field(default_factory=list)
    unusual_extracts: list[tuple[str, int, int]] = field(default_factory=list)  # extract, old rows, new rows

    @property
    def items(self) -> int:
        return len(self.moved_values) + len(self.changed_rows) + len(self.repairs) + len(self.unusual_extracts)

    def markdown(self) -> str:
        lines = [f"# Quarterly check: {self.edition.edition}", ""]
        if self.previous is None:
            lines += ["No earlier edition of this borough is kept in this build folder: nothing to compare with.", ""]
        else:
            lines += [f"Compared with {self.previous.edition} (built on {self.previous.built_on}).", ""]
        sections = [
            ("Values that moved by more than the tolerance", ["key", "previous", "this edition", "change"],
             [(k, o, n, f"{c:+.0%}") for k, o, n, c in self.moved_values]),
            ("Figures and tables whose data gained or lost rows", ["artifact", "previous rows", "rows"],
             self.changed_rows),
            ("Repairs applied to this quarter's extracts", ["repair"], [(r,) for r in self.repairs]),
            ("Extracts whose row count moved unusually", ["extract", "previous rows", "rows"], self.unusual_extracts),
        ]
        for title, headers, rows in sections:
            lines += [f"## {title} ({len(rows)})", ""]
            if rows:
                lines += ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
                lines += ["| " + " | ".join(str(cell).replace("|", "\\|") for cell in row) + " |" for row in rows]
            else:
                lines.append("None.")
            lines.append("")
        return "\n".join(lines)


def quarterly_check(edition_root: Path, *, value_tolerance: float = 0.2, rows_tolerance: float = 0.25) -> QAReport:
    """Compare ``edition_root`` with the previous edition of its borough kept beside it."""
    record = read_record(edition_root)
    if record is None:
        raise DataError(f"{edition_root}: not a finished edition (no edition.json); build it first")
    found = previous_edition(edition_root.parent, record.borough, record.period_end)
    report = QAReport(record, found[1] if found else None)
    log = read_staging_log(edition_root / "staged")
    report.repairs = [" ".join(str(repair.get(part, "")) for part in ("file", "column", "message")).strip()
                      for repair in log.get("repairs", [])]
    if found is None:
        return report
    current = PublishedEdition.read(edition_root / "artifacts", record)
    previous = PublishedEdition.read(found[0] / "artifacts", found[1])
    for key, entry in sorted(current.values.items()):
        old = previous.values.get(key)
        if old is None or entry["kind"] not in NUMERIC_KINDS:
            continue
        before, after = old.get("value"), entry.get("value")
        if before is None or after is None or before == after:
            continue
        change = (after - before) / abs(before) if before else float("inf")
        if abs(change) > value_tolerance:
            report.moved_values.append((key, old["text"], entry["text"], change))
    for artifact_id, (_, _, frame) in sorted(current.data.items()):
        if artifact_id in previous.data and len(previous.data[artifact_id][2]) != len(frame):
            report.changed_rows.append((artifact_id, len(previous.data[artifact_id][2]), len(frame)))
    old_sources = {source.name: source for source in found[1].sources}
    for source in record.sources:
        before = old_sources.get(source.name)
        if before is None or before.rows == 0:
            continue
        ratio = source.rows / before.rows
        # A refreshed extract grows a little each quarter; one that shrank or jumped needs a look.
        if ratio < 1 or abs(ratio - 1) > rows_tolerance:
            report.unusual_extracts.append((source.name, before.rows, source.rows))
    return report


def write_report(report: QAReport, edition_root: Path) -> Path:
    path = edition_root / REPORT_FILE
    path.write_text(report.markdown(), encoding="utf-8")
    return path
