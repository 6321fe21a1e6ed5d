"""How a delivered file becomes typed columns: reading, lossless repairs and coercion.

Services deliver extracts as CSV, Excel or Parquet, and the same faults recur:
a byte-order mark, Windows-1252 text, dates written ``dd/mm/yyyy``, blanks
around values, codes in lower case, headers with different capitals. Each is
repaired here without losing information and logged (:class:`Repair`); a
value that cannot be read as its column's type is a :class:`Problem` naming
the file, the row as a spreadsheet shows it (the header is row 1), the column,
the value and what was expected.
"""

from __future__ import annotations

import codecs
import io
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from vawg.intake.contracts._spec import MULTI_SEPARATOR, Contract, Field

TRUE_TEXT = frozenset({"true", "1", "y", "yes", "t"})
FALSE_TEXT = frozenset({"false", "0", "n", "no", "f"})
# Row numbers as a spreadsheet shows them: the header is row 1, the first data row is row 2.
FIRST_DATA_ROW = 2


@dataclass(frozen=True)
class Problem:
    """A fault that stops the build: where it is, what was found and what was expected."""

    file: Path
    row: int | None
    column: str | None
    value: object
    expected: str

    def __str__(self) -> str:
        where = [str(self.file)]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column {self.column!r}")
        value = "" if self.value is None else f": value {_show(self.value)}"
        return f"{', '.join(where)}{value}: expected {self.expected}"

    def as_dict(self) -> dict:
        return {"file": str(self.file), "row": self.row, "column": self.column,
                "value": None if self.value is None else str(self.value), "expected": self.expected}


@dataclass(frozen=True)
class Repair:
    """A fault repaired without losing information, with how many cells it touched."""

    file: Path
    column: str | None
    action: str
    count: int = 1
    first_row: int | None = None
    example: str | None = None

    def __str__(self) -> str:
        where = str(self.file) + (f", column {self.column!r}" if self.column else "")
        cells = f" ({self.count:,} cell{'s' if self.count != 1 else ''}" if self.column else " ("
        first = f"first at row {self.first_row}" if self.first_row is not None else ""
        example = f": {self.example}" if self.example else ""
        detail = (cells + (", " if self.column and first else "") + first + example + ")")
        detail = "" if detail in (" (", " ()") else detail
        return f"{where}: {self.action}{detail}"

    def as_dict(self) -> dict:
        return {"file": str(self.file), "column": self.column, "action": self.action, "count": self.count,
                "first_row": self.first_row, "example": self.example}


@dataclass(frozen=True)
class Notice:
    """Something worth knowing that does not stop the build (an unexpected column, a missing optional extract)."""

    file: Path
    column: str | None
    message: str

    def __str__(self) -> str:
        return str(self.file) + (f", column {self.column!r}" if self.column else "") + f": {self.message}"

    def as_dict(self) -> dict:
        return {"file": str(self.file), "column": self.column, "message": self.message}


@dataclass
class Log:
    """Problems, repairs and notices collected while reading and checking."""

    problems: list[Problem] = field(default_factory=list)
    repairs: list[Repair] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)

    def problem(self, file: Path, row: int | None, column: str | None, value: object, expected: str) -> None:
        self.problems.append(Problem(file, row, column, value, expected))

    def repair(self, file: Path, column: str | None, action: str, count: int = 1, first_row: int | None = None,
               example: str | None = None) -> None:
        self.repairs.append(Repair(file, column, action, count, first_row, example))

    def notice(self, file: Path, column: str | None, message: str) -> None:
        self.notices.append(Notice(file, column, message))


def _show(value: object) -> str:
    if isinstance(value, pd.Timestamp):
        return repr(value.date().isoformat() if value == value.normalize() else value.isoformat())
    if isinstance(value, float) and value.is_integer():
        return repr(str(int(value)))
    return repr(str(value))


# -- reading ---------------------------------------------------------------------------------------


def read_delivery(path: Path, log: Log, contract: Contract | None = None) -> pd.DataFrame | None:
    """Read one delivered file as delivered: headers as written, cells as text (Parquet keeps its types).

    With a ``contract``, Parquet column types are checked against it and a
    workbook's sheets are matched to it (the sheet whose header holds its
    columns is read; every other sheet is noted).
    Returns ``None`` (after logging a problem) when the file cannot be read at all.
    """
    suffix = path.suffix.lower()
    if path.stat().st_size == 0:
        log.problem(path, None, None, None, "a header row and data rows (the file is empty)")
        return None
    try:
        if suffix == ".parquet":
            return _read_parquet(path, log, contract)
        if suffix in (".xlsx", ".xlsm"):
            return _read_excel(path, log, contract)
        if suffix in (".geojson", ".json"):
            return _read_geojson(path, log)
        return _read_csv(path, log)
    except _Unreadable:
        return None
    except Exception as error:  # a damaged file: say what the reader said, and where
        log.problem(path, None, None, None, f"a readable {suffix.lstrip('.').upper()} file ({error})")
        return None


class _Unreadable(Exception):
    pass


def _decode(path: Path, log: Log) -> str:
    raw = path.read_bytes()
    for bom, encoding, name in ((codecs.BOM_UTF8, "utf-8", "UTF-8"),
                                (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"),
                                (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16")):
        if raw.startswith(bom):
            raw = raw[len(bom):]
            if encoding == "utf-8":
                log.repair(path, None, "removed a UTF-8 byte-order mark before the header")
                break
            log.repair(path, None, f"read as {name} text (byte-order mark) and staged as UTF-8")
            return raw.decode(encoding)
    head = raw[:4096]
    if head.count(0) * 4 >= len(head):
        # Every other byte zero: UTF-16 saved without its byte-order mark, which cannot be told apart safely.
        order = "little" if head[1::2].count(0) > head[0::2].count(0) else "big"
        log.problem(path, 1, None, "byte 0x00",
                    f"text encoded as UTF-8 (the file looks like UTF-16, {order}-endian, without a byte-order "
                    "mark: save it as UTF-8, or as UTF-16 with a byte-order mark)")
        raise _Unreadable
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        row = raw.count(b"\n", 0, error.start) + 1
        try:
            text = raw.decode("cp1252")
        except UnicodeDecodeError as second:
            row = raw.count(b"\n", 0, second.start) + 1
            log.problem(path, row, None, f"byte 0x{raw[second.start]:02X}",
                        "text encoded as UTF-8 (or Windows-1252, which is repaired)")
            raise _Unreadable from None
        character = raw[error.start:error.start + 1].decode("cp1252")
        log.repair(path, None, "read as Windows-1252 (not UTF-8) and staged as UTF-8", first_row=row,
                   example=f"byte 0x{raw[error.start]:02X} read as {character!r}")
        return text


_RAGGED = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")
_EOF_IN_QUOTES = re.compile(r"EOF inside string starting at row (\d+)")
# Separators a spreadsheet may use instead of commas, and what to call them in a message.
_OTHER_SEPARATORS = {";": "semicolons (';')", "\t": "tabs", "|": "vertical bars ('|')"}


def _read_csv(path: Path, log: Log) -> pd.DataFrame:
    text = _decode(path, log)
    if not text.strip():
        log.problem(path, None, None, None, "a header row and data rows (the file is empty)")
        raise _Unreadable
    header_line = text.lstrip("\r\n").split("\n", 1)[0].rstrip("\r")
    if "," not in header_line:
        for separator, name in _OTHER_SEPARATORS.items():
            if separator in header_line:
                log.problem(path, 1, None, header_line[:60] + ("…" if len(header_line) > 60 else ""),
                            f"values separated by commas (this file separates them with {name}: "
                            "save it as comma-separated CSV)")
                raise _Unreadable
    try:
        table = pd.read_csv(io.StringIO(text), header=None, dtype=str, keep_default_na=False,
                            skip_blank_lines=True)
    except pd.errors.ParserError as error:
        match, quote = _RAGGED.search(str(error)), _EOF_IN_QUOTES.search(str(error))
        if match:
            expected, line, saw = match.groups()
            log.problem(path, int(line), None, f"{saw} values", f"{expected} comma-separated values, as in the header")
        elif quote:
            log.problem(path, int(quote.group(1)) + 1, None, None,
                        "a closing quote for the quoted value that opens in this row (the file ends inside it)")
        else:
            log.problem(path, None, None, None, f"comma-separated values ({error})")
        raise _Unreadable from None
    _check_row_lengths(text, path, log, len(table.columns))
    return _header_from_first_row(table)


def _check_row_lengths(text: str, path: Path, log: Log, width: int) -> None:
    """Every row as many values as the header, and the file ends where a row ends.

    pandas pads a short row with empty cells, so a row with values missing (or a
    file cut off at a comma) would pass unseen; Arrow's reader reports each one.
    """
    import pyarrow as arrow
    import pyarrow.csv as arrow_csv

    def read(threads: bool, short: list) -> None:
        def handler(row) -> str:
            short.append(row)
            return "skip"
        arrow_csv.read_csv(
            io.BytesIO(text.encode("utf-8")),
            read_options=arrow_csv.ReadOptions(autogenerate_column_names=True, use_threads=threads),
            parse_options=arrow_csv.ParseOptions(newlines_in_values=True, invalid_row_handler=handler),
            convert_options=arrow_csv.ConvertOptions(column_types={f"f{i}": arrow.string() for i in range(width)}))

    short: list = []
    read(True, short)
    if not short:
        return
    short = []
    read(False, short)  # row numbers are known only when one thread reads
    for row in short:
        ends_file = row is short[-1] and text.rstrip().endswith(row.text.rstrip())
        if row.text.count('"') % 2:
            log.problem(path, row.number, None, _clip(row.text),
                        "a closing quote for the quoted value that opens in this row")
        elif ends_file:
            log.problem(path, row.number, None, f"{row.actual_columns} values",
                        f"the file to end where a row ends (its last row stops after {row.actual_columns} of "
                        f"{width} values: was the file cut off?)")
        else:
            log.problem(path, row.number, None, f"{row.actual_columns} values",
                        f"{width} comma-separated values, as in the header")
    raise _Unreadable


def _clip(text: str, limit: int = 60) -> str:
    text = text.replace("\n", " ")
    return text if len(text) <= limit else text[:limit] + "…"


def _read_excel(path: Path, log: Log, contract: Contract | None = None) -> pd.DataFrame:
    # Cells as written: "None", "N/A" or "NA" are text in a workbook as in a CSV, never missing values.
    sheets = pd.read_excel(path, header=None, dtype=object, sheet_name=None, keep_default_na=False, na_values=[])
    tables = {name: _header_from_first_row(sheet.map(_excel_cell)) for name, sheet in sheets.items()}
    tables = {name: table for name, table in tables.items() if len(table.columns) or len(table)}
    if len(tables) <= 1 or contract is None:
        return next(iter(tables.values())) if tables else pd.DataFrame()
    keys = {header_key(item.name) for item in contract.fields}
    data = [name for name, table in tables.items() if keys & {header_key(c) for c in table.columns}]
    if len(data) != 1:
        found = "none has" if not data else f"{len(data)} sheets have"
        log.problem(path, None, None, ", ".join(repr(name) for name in (data or tables)),
                    f"one sheet whose header holds the columns of {contract.title} ({found} them: keep the data "
                    "on one sheet, or save each sheet as its own file)")
        raise _Unreadable
    for name in tables:
        if name != data[0]:
            log.notice(path, None, f"sheet {name!r} has none of the contract's columns: not read "
                                   f"(the data were read from sheet {data[0]!r})")
    return tables[data[0]]


# Arrow types a contract column may be stored as in a Parquet file, by the field's kind.
def _parquet_type_fits(kind: str, arrow_type) -> bool:
    import pyarrow as arrow

    types = arrow.types
    if types.is_null(arrow_type):
        return True
    if types.is_dictionary(arrow_type):
        arrow_type = arrow_type.value_type
    text = types.is_string(arrow_type) or types.is_large_string(arrow_type)
    if kind in ("text", "code", "category", "multi"):
        return text
    if kind == "date":
        return text or types.is_date(arrow_type) or types.is_timestamp(arrow_type)
    if kind == "bool":
        return text or types.is_boolean(arrow_type) or types.is_integer(arrow_type)
    if kind == "int":  # floats are read when every value is whole (a column with gaps is stored as float)
        return text or types.is_integer(arrow_type) or types.is_floating(arrow_type)
    return text or types.is_integer(arrow_type) or types.is_floating(arrow_type) or types.is_decimal(arrow_type)


_KIND_NAMES = {"text": "text (string)", "code": "text (string)", "category": "text (string)",
               "multi": "text (string)", "date": "dates (date32 or timestamp) or text",
               "bool": "true/false (bool) or text", "int": "whole numbers (int) or text",
               "float": "numbers (int, float or decimal) or text"}


def _read_parquet(path: Path, log: Log, contract: Contract | None) -> pd.DataFrame:
    import pyarrow.parquet as parquet

    if contract is not None:
        schema = parquet.read_schema(path)
        by_key = {header_key(name): name for name in schema.names}
        wrong = False
        for item in contract.fields:
            name = item.name if item.name in schema.names else by_key.get(header_key(item.name))
            if name is None:
                continue
            found = schema.field(name).type
            if not _parquet_type_fits(item.kind, found):
                log.problem(path, None, item.name, str(found),
                            f"{_KIND_NAMES[item.kind]}, the type of this column in the contract "
                            f"(the Parquet column is stored as {found})")
                wrong = True
        if wrong:
            raise _Unreadable
    return pd.read_parquet(path)


def _excel_cell(value: object) -> object:
    """An Excel cell as the text a CSV would hold (dates as YYYY-MM-DD, whole numbers without .0)."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, pd.Timestamp) or hasattr(value, "isoformat"):
        stamp = pd.Timestamp(value)
        return stamp.date().isoformat() if stamp == stamp.normalize() else stamp.isoformat(sep=" ")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _header_from_first_row(table: pd.DataFrame) -> pd.DataFrame:
    header = ["" if pd.isna(v) else str(v) for v in table.iloc[0].tolist()] if len(table) else []
    body = table.iloc[1:].reset_index(drop=True)
    body.columns = header
    return body.astype("str") if len(body.columns) else body


def _read_geojson(path: Path, log: Log) -> pd.DataFrame:
    collection = json.loads(_decode(path, log))
    if not isinstance(collection, dict) or collection.get("type") != "FeatureCollection":
        log.problem(path, None, None, None, "a GeoJSON FeatureCollection")
        raise _Unreadable
    rows = []
    for feature in collection.get("features", []):
        geometry = feature.get("geometry") or {}
        row = {key: ("" if value is None else str(value)) for key, value in (feature.get("properties") or {}).items()}
        row["geometry_type"] = str(geometry.get("type", ""))
        row["geometry"] = json.dumps(geometry, separators=(",", ":"))
        rows.append(row)
    return pd.DataFrame(rows, dtype="str")


# -- headers ---------------------------------------------------------------------------------------


def header_key(name: str) -> str:
    """A header with case, blanks and punctuation ignored: ``'Offence ID '`` → ``'offence_id'``."""
    return re.sub(r"[^0-9a-z]+", "_", str(name).casefold()).strip("_")


def match_columns(frame: pd.DataFrame, contract: Contract, path: Path, log: Log) -> pd.DataFrame | None:
    """Rename delivered headers to the contract's names; report missing, duplicated and extra columns.

    A required column that is missing is a problem; an optional one is added
    empty with a notice; an unexpected column is left out with a notice.
    """
    delivered = [str(c) for c in frame.columns]
    duplicated = sorted({c for c in delivered if delivered.count(c) > 1 and c != ""})
    for name in duplicated:
        log.problem(path, 1, name, None, "each column name once in the header (it appears more than once)")
    if duplicated:
        return None
    frame.columns = delivered
    by_key: dict[str, list[str]] = {}
    for name in delivered:
        by_key.setdefault(header_key(name), []).append(name)
    renames: dict[str, str] = {}
    used: set[str] = set()
    for item in contract.fields:
        if item.name in delivered:
            used.add(item.name)
            continue
        candidates = [c for c in by_key.get(header_key(item.name), []) if c not in used and c not in renames]
        if candidates:
            renames[candidates[0]] = item.name
            used.add(candidates[0])
            log.repair(path, item.name, f"read the header {candidates[0]!r} as {item.name!r}", first_row=1)
    frame = frame.rename(columns=renames)
    names = {item.name for item in contract.fields}
    extras = [c for c in frame.columns if c not in names]
    for name in extras:
        if name.strip() == "" and frame[name].astype("string").fillna("").str.strip().eq("").all():
            continue  # a trailing empty column a spreadsheet left behind
        log.notice(path, name or "(no name)", "unexpected column, not in the contract: left out of the staged table")
    frame = frame.drop(columns=extras)
    for item in contract.fields:
        if item.name in frame.columns:
            continue
        if item.required:
            log.problem(path, None, item.name, None, "this column to be present")
        else:
            log.notice(path, item.name, "optional column not delivered: staged empty")
            frame[item.name] = pd.Series(pd.NA, index=frame.index, dtype=_empty_dtype(item))
    return frame


def _empty_dtype(item: Field) -> str:
    return {"date": "datetime64[ns]", "bool": "boolean", "int": "Int64", "float": "float64"}.get(item.kind, "str")


# -- coercion --------------------------------------------------------------------------------------


Failed = set[tuple[int, str]]


def coerce(frame: pd.DataFrame, contract: Contract, path: Path, log: Log, context) -> Failed:
    """Repair and type every contract column in place; return the (index, column) cells that failed."""
    failed: Failed = set()
    for item in contract.fields:
        if item.name not in frame.columns:
            continue
        coercer = _COERCERS[item.kind]
        frame[item.name] = coercer(frame[item.name], item, path, log, failed, context)
    return failed


def _is_text(series: pd.Series) -> bool:
    return series.dtype == object or pd.api.types.is_string_dtype(series)


def _strip(series: pd.Series, item: Field, path: Path, log: Log) -> pd.Series:
    """Trim blanks (logged) and turn empty cells into missing values.

    Large clean columns are only scanned, not copied: the strip and the mask
    run only when some cell needs them.
    """
    text = series.astype("str") if series.dtype != "str" else series
    stripped = text.str.strip()
    padded = (stripped.ne(text) & text.notna()).fillna(False).astype(bool)
    if padded.any():
        first = int(np.flatnonzero(padded.to_numpy())[0])
        log.repair(path, item.name, "removed blanks before or after values", int(padded.sum()),
                   first + FIRST_DATA_ROW, f"{text.iloc[first]!r} → {stripped.iloc[first]!r}")
        text = stripped
    del stripped
    empty = text.eq("").fillna(False).astype(bool)
    return text.mask(empty) if empty.any() else text


def _text(series, item, path, log, failed, context):
    if not _is_text(series):
        series = series.astype("str").mask(series.isna())
    return _strip(series, item, path, log)


def _code(series, item, path, log, failed, context):
    text = _text(series, item, path, log, failed, context)
    upper = text.str.upper()
    changed = (upper.ne(text) & text.notna()).fillna(False).astype(bool)
    if changed.any():
        first = int(np.flatnonzero(changed.to_numpy())[0])
        log.repair(path, item.name, "put codes in upper case", int(changed.sum()), first + FIRST_DATA_ROW,
                   f"{text.iloc[first]!r} → {upper.iloc[first]!r}")
        return upper
    return text


# Typographic punctuation that word processors and spreadsheets put in for the plain kind.
_PLAIN_PUNCTUATION = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"',
                                    "\u2013": "-", "\u2014": "-", "\u00a0": " "})


def _value_key(value: str) -> str:
    return " ".join(str(value).translate(_PLAIN_PUNCTUATION).casefold().split())


def _canonical_case(values: Iterable[str], allowed: list[str]) -> dict[str, str]:
    """Delivered values that match an allowed value except for case, spacing and typographic punctuation."""
    by_key = {_value_key(a): a for a in allowed}
    allowed_set = set(allowed)
    mapping = {}
    for value in values:
        if value in allowed_set:
            continue
        match = by_key.get(_value_key(value))
        if match is not None:
            mapping[value] = match
    return mapping


def _category(series, item, path, log, failed, context):
    text = _text(series, item, path, log, failed, context)
    allowed = item.allowed_values(context)
    if allowed is None:
        return text
    mapping = _canonical_case(text.dropna().unique(), allowed)
    if mapping:
        changed = text.isin(list(mapping))
        first = int(np.flatnonzero(changed.to_numpy())[0])
        log.repair(path, item.name, "wrote values in the contract's capitals, spacing and punctuation",
                   int(changed.sum()), first + FIRST_DATA_ROW, f"{text.iloc[first]!r} → {mapping[text.iloc[first]]!r}")
        text = text.replace(mapping)
    return text


def _multi(series, item, path, log, failed, context):
    """Multi-select cells: values separated by ``;`` (or ``|``), trimmed and in canonical case."""
    text = _text(series, item, path, log, failed, context)
    allowed = item.allowed_values(context) or []
    cells = text.tolist()
    split = [None if not isinstance(cell, str) else [p.strip() for p in re.split(r"[;|]", cell) if p.strip()]
             for cell in cells]
    mapping = _canonical_case({part for parts in split if parts for part in parts}, allowed)
    out, changed_rows = [], []
    for position, parts in enumerate(split):
        if parts is None:
            out.append(None)
            continue
        fixed = [mapping.get(p, p) for p in parts]
        if fixed != parts:
            changed_rows.append(position)
        out.append(f"{MULTI_SEPARATOR} ".join(dict.fromkeys(fixed)) if fixed else None)
    if changed_rows:
        first = changed_rows[0]
        log.repair(path, item.name, "wrote values in the contract's capitals, spacing and punctuation",
                   len(changed_rows), first + FIRST_DATA_ROW, f"{cells[first]!r} → {out[first]!r}")
    return pd.Series(out, index=series.index, dtype="str")


def _date(series, item, path, log, failed, context):
    if pd.api.types.is_datetime64_any_dtype(series):
        stamps = series.dt.tz_localize(None) if series.dt.tz else series
        return _drop_time_of_day(stamps.astype("datetime64[ns]"), None, item, path, log)
    if series.dtype == object:
        sample = series.dropna().head(1).tolist()
        if sample and hasattr(sample[0], "isoformat") and not isinstance(sample[0], str):
            # Parquet dates arrive as date objects
            return _drop_time_of_day(pd.to_datetime(series).astype("datetime64[ns]"), None, item, path, log)
    text = _text(series, item, path, log, failed, context)
    parsed = pd.to_datetime(text, format="%Y-%m-%d", errors="coerce")
    left = parsed.isna() & text.notna()
    if left.any():
        # Excel's date cells and many exports carry a time of day: the record's date is the day it names.
        for pattern in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M"):
            stamped = pd.to_datetime(text[left], format=pattern, errors="coerce").dropna()
            parsed.loc[stamped.index] = stamped
            left = parsed.isna() & text.notna()
            if not left.any():
                break
    if left.any():
        for pattern in ("%d/%m/%Y", "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M"):
            uk = pd.to_datetime(text[left], format=pattern, errors="coerce").dropna()
            if len(uk):
                parsed.loc[uk.index] = uk
                first = int(text.index.get_indexer([uk.index[0]])[0])
                log.repair(path, item.name, "read dates written as dd/mm/yyyy (staged as YYYY-MM-DD)", len(uk),
                           first + FIRST_DATA_ROW, f"{text.iloc[first]!r} → {uk.iloc[0].date().isoformat()}")
            left = parsed.isna() & text.notna()
    for position in np.flatnonzero(left.to_numpy()):
        index = text.index[position]
        log.problem(path, int(position) + FIRST_DATA_ROW, item.name, text.iloc[position],
                    "a date written as YYYY-MM-DD (or dd/mm/yyyy)")
        failed.add((index, item.name))
    return _drop_time_of_day(parsed.astype("datetime64[ns]"), text, item, path, log)


def _drop_time_of_day(stamps: pd.Series, text: pd.Series | None, item, path, log) -> pd.Series:
    """Dates only: a time of day would put a record of the period's last day after its midnight end."""
    timed = (stamps.notna() & (stamps != stamps.dt.normalize())).to_numpy()
    if not timed.any():
        return stamps
    first = int(np.flatnonzero(timed)[0])
    shown = text.iloc[first] if text is not None else stamps.iloc[first].isoformat(sep=" ")
    log.repair(path, item.name, "dropped the time of day from dates (the date is kept)", int(timed.sum()),
               first + FIRST_DATA_ROW, f"{shown!r} → {stamps.iloc[first].date().isoformat()}")
    return stamps.dt.normalize()


def _bool(series, item, path, log, failed, context):
    if pd.api.types.is_bool_dtype(series):
        return series
    if pd.api.types.is_numeric_dtype(series):
        series = series.astype("Int64").astype("str").mask(series.isna())
    text = _text(series, item, path, log, failed, context).str.lower()
    truth = text.isin(TRUE_TEXT)
    known = truth | text.isin(FALSE_TEXT)
    empty = text.isna()
    bad = ~known & ~empty
    for position in np.flatnonzero(bad.to_numpy()):
        log.problem(path, int(position) + FIRST_DATA_ROW, item.name, series.iloc[position],
                    "true or false (or yes/no, 1/0)")
        failed.add((text.index[position], item.name))
    if item.nullable:
        result = pd.Series(pd.NA, index=series.index, dtype="boolean")
        result[known] = truth[known]
        return result
    # A police-style flag column leaves the cell empty when the flag is not set.
    return truth.astype(bool)


def _number(series, item, path, log, failed, context, whole: bool):
    if pd.api.types.is_bool_dtype(series):
        series = series.astype("int64")
    if not _is_text(series):
        numbers = series.astype("float64")
        if whole:  # a float column (Parquet, Excel) may hold whole numbers only for an int field
            bad = numbers.notna() & (numbers % 1 != 0)
            for position in np.flatnonzero(bad.to_numpy()):
                log.problem(path, int(position) + FIRST_DATA_ROW, item.name, numbers.iloc[position],
                            "a whole number")
                failed.add((series.index[position], item.name))
            numbers = numbers.mask(bad)
    else:
        text = _text(series, item, path, log, failed, context)
        if item.suppressed:
            suppressed = text.isin(list(item.suppressed))
            if suppressed.any():
                log.notice(path, item.name, f"{int(suppressed.sum()):,} suppressed value(s) "
                                            f"({', '.join(map(repr, item.suppressed))}) staged as empty")
                text = text.mask(suppressed)
        thousands = text.str.fullmatch(r"-?\d{1,3}(,\d{3})+(\.\d+)?").fillna(False).astype(bool)
        if thousands.any():
            first = int(np.flatnonzero(thousands.to_numpy())[0])
            log.repair(path, item.name, "removed thousands separators", int(thousands.sum()), first + FIRST_DATA_ROW,
                       repr(text.iloc[first]))
            text = text.mask(thousands, text.str.replace(",", "", regex=False))
        numbers = pd.to_numeric(text, errors="coerce")
        bad = numbers.isna() & text.notna()
        if whole:
            bad |= numbers.notna() & (numbers % 1 != 0)
        expected = "a whole number" if whole else "a number"
        for position in np.flatnonzero(bad.to_numpy()):
            log.problem(path, int(position) + FIRST_DATA_ROW, item.name, series.iloc[position], expected)
            failed.add((text.index[position], item.name))
        numbers = numbers.mask(bad).astype("float64")
    if not whole:
        return numbers
    if item.nullable or numbers.isna().any():
        return numbers.round().astype("Int64")
    return numbers.astype("int64")


def _int(series, item, path, log, failed, context):
    if pd.api.types.is_integer_dtype(series):
        return series if (item.nullable or not series.isna().any()) else series
    return _number(series, item, path, log, failed, context, whole=True)


def _float(series, item, path, log, failed, context):
    if pd.api.types.is_float_dtype(series):
        return series
    return _number(series, item, path, log, failed, context, whole=False)


_COERCERS = {
    "text": _text, "code": _code, "category": _category, "multi": _multi, "date": _date, "bool": _bool,
    "int": _int, "float": _float,
}
