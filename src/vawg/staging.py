"""Read the quarter's extracts, check each against its contract, stage typed Parquet.

Nothing after staging reads a raw file. Every problem in every file is
collected before the build stops, each naming the file, row, column, value
and what was expected, so a data owner can fix a delivery in one pass.
Rows are numbered as a spreadsheet shows them (the header is row 1).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from vawg import reference
from vawg.errors import DataError

MAX_PROBLEMS_SHOWN = 50


@dataclass(frozen=True)
class Problem:
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
        value = "" if self.value is None else f": value {self.value!r}"
        return f"{', '.join(where)}{value}: expected {self.expected}"


class ValidationFailed(DataError):
    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        shown = "\n".join(f"  - {p}" for p in problems[:MAX_PROBLEMS_SHOWN])
        more = len(problems) - MAX_PROBLEMS_SHOWN
        tail = f"\n  … and {more} more" if more > 0 else ""
        super().__init__(f"{len(problems)} problem(s) in the input data:\n{shown}{tail}")


@dataclass(frozen=True)
class Source:
    """One extract: where it is delivered, its contract and its typed form."""

    name: str
    folder: str
    schema: Callable[[], pa.DataFrameSchema]
    dates: tuple[str, ...] = ()
    booleans: tuple[str, ...] = ()
    integers: tuple[str, ...] = ()


def _police_schema() -> pa.DataFrameSchema:
    boroughs = reference.boroughs()
    police = boroughs[boroughs["police_force"] == "Metropolitan Police Service"]
    categorisation = reference.crime_categorisation()
    subgroups = set(categorisation["crime_subgroup"])
    names = set(categorisation["vawg_offence_name"].dropna())
    flag = pa.Column(bool, nullable=False)
    return pa.DataFrameSchema(
        {
            "offence_id": pa.Column(str, unique=True, nullable=False),
            "recorded_date": pa.Column("datetime64[ns]", nullable=False),
            "borough_code": pa.Column(str, pa.Check.isin(sorted(police["borough_code"])), nullable=False),
            "borough_name": pa.Column(str, nullable=False),
            "ward_code": pa.Column(str, nullable=False),
            "ward_name": pa.Column(str, nullable=True),
            "crime_group": pa.Column(str, pa.Check.isin(sorted(set(categorisation["crime_group"]))), nullable=False),
            "crime_subgroup": pa.Column(str, pa.Check.isin(sorted(subgroups)), nullable=False),
            "vawg_offence_name": pa.Column(str, pa.Check.isin(sorted(names)), nullable=True),
            "vawg": flag,
            "dva_flag": flag,
            "fgm_flag": flag,
            "forced_marriage_flag": flag,
            "hbv_flag": flag,
        },
        strict=False,
    )


def _population_schema() -> pa.DataFrameSchema:
    codes = sorted(reference.boroughs()["borough_code"])
    return pa.DataFrameSchema(
        {
            "area_code": pa.Column(str, pa.Check.isin(codes), nullable=False),
            "area_name": pa.Column(str, nullable=False),
            "year": pa.Column("int64", pa.Check.in_range(1990, 2100), nullable=False),
            "sex": pa.Column(str, pa.Check.isin(["F", "M"]), nullable=False),
            "age_band": pa.Column(str, nullable=False),
            "population": pa.Column("int64", pa.Check.ge(0), nullable=False),
        },
        unique=["area_code", "year", "sex", "age_band"],
        strict=False,
    )


SOURCES: tuple[Source, ...] = (
    Source(
        name="police_offences",
        folder="police_offences",
        schema=_police_schema,
        dates=("recorded_date",),
        booleans=("vawg", "dva_flag", "fgm_flag", "forced_marriage_flag", "hbv_flag"),
    ),
    Source(
        name="population",
        folder="population",
        schema=_population_schema,
        integers=("year", "population"),
    ),
)

TRUE_TEXT = {"true", "1", "y", "yes", "t"}
FALSE_TEXT = {"false", "0", "n", "no", "f", ""}


def _read(path: Path) -> pd.DataFrame:
    if path.suffix == ".parquet":
        return pd.read_parquet(path)
    if path.suffix in (".xlsx", ".xls"):
        return pd.read_excel(path, dtype=str)
    return pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""], encoding="utf-8-sig")


def _files(data_dir: Path, source: Source) -> list[Path]:
    folder = data_dir / source.folder
    files = sorted(p for p in folder.glob("*") if p.suffix in (".parquet", ".csv", ".xlsx", ".xls"))
    return files


def _coerce(frame: pd.DataFrame, source: Source, path: Path, problems: list[Problem]) -> pd.DataFrame:
    """Turn delivered text into the contract's types, recording each value that will not convert."""
    frame = frame.copy()
    for column in source.dates:
        if column not in frame:
            continue
        if pd.api.types.is_datetime64_any_dtype(frame[column]):
            frame[column] = frame[column].astype("datetime64[ns]")
            continue
        first = frame[column].dropna().head(1).tolist()
        if first and isinstance(first[0], dt.date):  # Parquet date32 arrives as date objects
            frame[column] = pd.to_datetime(frame[column]).astype("datetime64[ns]")
            continue
        text = frame[column].astype("string").str.strip()
        parsed = pd.to_datetime(text, format="%Y-%m-%d", errors="coerce")
        bad = parsed.isna() & text.notna()
        for index in frame.index[bad][:MAX_PROBLEMS_SHOWN]:
            problems.append(Problem(path, int(index) + 2, column, frame.at[index, column],
                                    "a date written as YYYY-MM-DD"))
        frame[column] = parsed.astype("datetime64[ns]")
    for column in source.booleans:
        if column not in frame or pd.api.types.is_bool_dtype(frame[column]):
            continue
        text = frame[column].astype("string").str.strip().str.lower().fillna("")
        bad = ~text.isin(TRUE_TEXT | FALSE_TEXT)
        for index in frame.index[bad][:MAX_PROBLEMS_SHOWN]:
            problems.append(Problem(path, int(index) + 2, column, frame.at[index, column],
                                    "true or false"))
        frame[column] = text.isin(TRUE_TEXT)
    for column in source.integers:
        if column not in frame or pd.api.types.is_integer_dtype(frame[column]):
            continue
        numbers = pd.to_numeric(frame[column], errors="coerce")
        bad = numbers.isna() | (numbers % 1 != 0)
        for index in frame.index[bad][:MAX_PROBLEMS_SHOWN]:
            problems.append(Problem(path, int(index) + 2, column, frame.at[index, column], "a whole number"))
        frame[column] = numbers.fillna(-1).astype("int64")
    for column in frame.columns:
        if frame[column].dtype == object or str(frame[column].dtype).startswith("string"):
            frame[column] = frame[column].astype(object).where(frame[column].notna(), None)
    return frame


def _check(frame: pd.DataFrame, schema: pa.DataFrameSchema, path: Path, problems: list[Problem]) -> None:
    missing = [name for name in schema.columns if name not in frame.columns]
    for name in missing:
        problems.append(Problem(path, None, name, None, "this column to be present"))
    if missing:
        return
    try:
        schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as errors:
        for case in errors.failure_cases.head(MAX_PROBLEMS_SHOWN).itertuples():
            row = None if pd.isna(case.index) else int(case.index) + 2
            column = None if pd.isna(case.column) else str(case.column)
            problems.append(Problem(path, row, column, case.failure_case, _describe(str(case.check))))


def _describe(check: str) -> str:
    if check.startswith("isin("):
        return "one of the values the reference data allows"
    if check == "field_uniqueness":
        return "a value no other row has"
    if check.startswith("not_nullable"):
        return "a value (it is empty)"
    return check


def validate_and_stage(data_dir: Path, staged_dir: Path, *, period_end: dt.date) -> dict[str, Path]:
    """Check every source in ``data_dir``; if all pass, write typed Parquet to ``staged_dir``.

    Raises
    ------
    DataError
        If a source is missing, or :class:`ValidationFailed` listing every problem found.
    """
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        raise DataError(f"data folder {data_dir} does not exist; run `vawg synth` or point --data-dir at the extracts")
    problems: list[Problem] = []
    staged: dict[str, pd.DataFrame] = {}
    for source in SOURCES:
        files = _files(data_dir, source)
        if not files:
            problems.append(Problem(data_dir / source.folder, None, None, None,
                                    f"at least one .parquet, .csv or .xlsx file for {source.name}"))
            continue
        frames = []
        for path in files:
            raw = _read(path)
            if raw.empty:
                problems.append(Problem(path, None, None, None, "data rows (the file has none)"))
                continue
            frame = _coerce(raw, source, path, problems)
            _check(frame, source.schema(), path, problems)
            for column in source.dates:
                _check_not_future(frame, column, path, problems)
            frames.append(frame)
        if frames:
            staged[source.name] = pd.concat(frames, ignore_index=True)
    if not problems:
        _check_covers_period(staged["police_offences"], data_dir, period_end, problems)
    if problems:
        raise ValidationFailed(problems)
    staged_dir.mkdir(parents=True, exist_ok=True)
    offences = staged["police_offences"]
    # A later extract may serve an earlier edition: keep the edition's period only.
    staged["police_offences"] = offences[offences["recorded_date"] <= pd.Timestamp(period_end)]
    written = {}
    for name, frame in staged.items():
        path = staged_dir / f"{name}.parquet"
        frame.to_parquet(path, index=False)
        written[name] = path
    return written


def _check_not_future(frame: pd.DataFrame, column: str, path: Path, problems: list[Problem]) -> None:
    if column not in frame or not pd.api.types.is_datetime64_any_dtype(frame[column]):
        return
    future = frame.index[frame[column] > pd.Timestamp(dt.date.today())]
    for index in future[:MAX_PROBLEMS_SHOWN]:
        problems.append(Problem(path, int(index) + 2, column, frame.at[index, column].date().isoformat(),
                                "a date no later than today"))


def _check_covers_period(offences: pd.DataFrame, data_dir: Path, period_end: dt.date,
                         problems: list[Problem]) -> None:
    latest = offences["recorded_date"].max()
    if latest < pd.Timestamp(period_end) - pd.Timedelta(days=31):
        problems.append(Problem(data_dir / "police_offences", None, "recorded_date", latest.date().isoformat(),
                                f"offences recorded up to the period end {period_end.isoformat()}"))
