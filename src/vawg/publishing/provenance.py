"""Where an edition's numbers came from: the data-quality statement (Appendix 6a) and the colophon.

Both are written from the staging log and the edition's record (:mod:`vawg.publishing.editions`), so they
describe this build and no other:

- ``tbl-data-quality``: per source, whether it came, the period its records cover, about how many
  records it held, the repairs staging made and what validation noted;
- the ``edition-colophon`` partial: build date, code version, data fingerprint and parameters.

Record counts are rounded (:func:`rounded_records`): an exact count of a council extract, set
beside the yearly counts the chapters publish, would give away a hidden year by subtraction.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from vawg.foundations.paths import staged_file
from vawg.writing.artifacts import ArtifactWriter, Column, Table
from vawg.publishing.check.published import text_faults
from vawg.publishing.editions import EditionRecord
from vawg.writing import supply

TABLE_ID = "tbl-data-quality"
COLOPHON = "edition-colophon"
MAX_NOTES = 3
STATUS_WORDS = {supply.SUPPLIED: "Used", supply.NOT_DELIVERED: "Not supplied this edition",
                supply.WITHHELD: "Not used: another council's records"}


def rounded_records(rows: int) -> str:
    """"under 100", "about 500", "about 270,000": to the nearest hundred, or two significant figures above
    10,000; never an exact count."""
    if rows < 100:
        return "under 100"
    step = 10 ** max(2, int(math.log10(rows)) - 1)
    return f"about {int(round(rows / step) * step):,}"


def period_covered(staged: Path) -> str:
    """The months a staged table's records span ("January 2019 to December 2024"), from its first date column.

    Only that column is read (pyarrow): a whole police extract is millions of rows, read on every build."""
    try:
        schema = pq.read_schema(staged)
    except (OSError, ValueError, pa.ArrowException):
        return "–"
    dates = [field.name for field in schema if pa.types.is_timestamp(field.type) or pa.types.is_date(field.type)]
    years = [name for name in ("year", "report_year") if name in schema.names
             and pa.types.is_integer(schema.field(name).type)]
    column = dates[0] if dates else years[0] if years else None
    if column is None:
        return "–"
    low, high = pc.min_max(pq.read_table(staged, columns=[column])[column]).values()
    if not low.is_valid:
        return "–"
    if dates:
        first, last = f"{pd.Timestamp(low.as_py()):%B %Y}", f"{pd.Timestamp(high.as_py()):%B %Y}"
    else:
        first, last = str(low.as_py()), str(high.as_py())
    return first if first == last else f"{first} to {last}"


def _notes(source: Mapping, log: Mapping) -> str:
    files = set(source.get("files", []))
    def concerns(item: Mapping) -> bool:
        where = str(item.get("file", ""))
        return where in files or any(name.startswith(where + "/") for name in files)

    # A repair's example is a cell of the extract: only what was done is said.
    said = [item["message"] for item in log.get("notices", []) if concerns(item)]
    said += [item["action"] for item in log.get("repairs", []) if concerns(item)]
    # What validation says is for the analyst; a reader gets it only where it names no file or column.
    shown = [message for message in dict.fromkeys(said) if not text_faults(message)]
    if len(shown) > MAX_NOTES:  # e.g. one "rated against the latest estimate" per borough
        shown = shown[:MAX_NOTES - 1] + [f"and {len(shown) - MAX_NOTES + 1} more of the same kind"]
    return "; ".join(shown) or "–"


def data_quality_table(log: Mapping, staged_dir: Path, borough: str) -> Table:
    staged_sources = {source["name"]: source for source in log.get("sources", [])}
    extracts = supply.extract_supply(staged_dir, borough)
    rows = []
    for name, source in staged_sources.items():
        if source.get("status") != "staged":
            continue
        repairs = sum(1 for item in log.get("repairs", []) if item.get("file") in set(source.get("files", [])))
        rows.append({"source": source.get("title", name),
                     "kind": "Open data" if source.get("reference") else "Extract",
                     "status": STATUS_WORDS[supply.SUPPLIED],
                     "period": period_covered(staged_file(staged_dir, name)),
                     "records": rounded_records(int(source.get("staged_rows", 0))),
                     "repairs": str(repairs) if repairs else "none",
                     "notes": _notes(source, log)})
    for item in extracts.values():
        if item.name not in staged_sources and item.status != supply.SUPPLIED:
            rows.append({"source": item.title, "kind": "Extract", "status": STATUS_WORDS[item.status],
                         "period": "–", "records": "–", "repairs": "–", "notes": "–"})
    return Table(
        id=TABLE_ID,
        caption="Data quality: each source of this edition, the period its records cover and what validation "
                "found",
        data=pd.DataFrame(rows),
        columns=[Column("Source", "source", "text"), Column("Kind", "kind", "text"),
                 Column("Status", "status", "text"), Column("Period covered", "period", "text"),
                 Column("Records", "records", "text"), Column("Repairs", "repairs", "text"),
                 Column("Notes", "notes", "text")],
        source="Validation and staging of this edition's data",
        notes=("Records are rounded (to the nearest hundred, or to two significant figures above 10,000) so that "
               "no exact count of an extract can be set "
               "against the counts the chapters publish. Validation refuses an extract with any faulty row, so a "
               "published edition holds no rejected row; records dated after the period end are left out. A "
               "repair is a fault staging corrects and records, such as a byte-order mark or a date written "
               "with a time of day.",),
    )


def colophon_text(record: EditionRecord, comparator: str) -> str:
    """The colophon: what this edition was built from and with, so a reader can cite exactly this edition."""
    lines = [
        f"- Built on: {record.built_on.day} {record.built_on:%B %Y}",
        f"- Borough and period: {record.borough}, data to {record.period_end.day} {record.period_end:%B %Y} "
        f"(report year {record.report_year}), compared with {comparator}",
        f"- Small numbers: counts from 1 to {record.suppression_threshold - 1} hidden",
        f"- Data fingerprint: `{record.data_fingerprint}` (a digest of every file the edition was built from)",
        f"- Code version: `{record.code_version}`",
        "",
        "The same data and code give the same files, apart from the build date.",
        "",
    ]
    return "\n".join(lines)


def write_provenance(artifacts: ArtifactWriter, record: EditionRecord, log: Mapping, staged_dir: Path,
                     comparator: str) -> None:
    artifacts.table(data_quality_table(log, staged_dir, record.borough))
    artifacts.partial(COLOPHON, colophon_text(record, comparator))
