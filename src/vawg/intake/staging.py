"""Read the quarter's extracts, check each against its contract, stage typed Parquet.

Nothing after staging reads a raw file. Every problem in every file is
collected before the build stops, each naming the file, row, column, value
and what was expected, so a data owner can fix a delivery in one pass.
Rows are numbered as a spreadsheet shows them (the header is row 1).
Faults that can be repaired without losing information (a byte-order mark,
Windows-1252 text, ``dd/mm/yyyy`` dates, blanks around values, codes in lower
case) are repaired and listed in the staging log
(``<staged>/staging-log.json``), which ``vawg validate`` also prints.

The contracts themselves live in :mod:`vawg.intake.contracts`, one module per source.

Examples
--------
>>> import datetime as dt
>>> from pathlib import Path
>>> report, tables = validate(Path("data/raw"), period_end=dt.date(2024, 12, 31))  # doctest: +SKIP
>>> report.ok, sorted(tables)  # doctest: +SKIP
(True, ['police_offences', 'population', ...])
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from collections import defaultdict
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa
import pyarrow as pa_arrow
import pyarrow.compute as pc

from vawg.foundations.periods import report_year
from vawg.intake.contracts import CONTRACTS, Context, Contract
from vawg.intake.contracts import contract as contract_named
from vawg.intake.contracts import reference_data
from vawg.intake.contracts._spec import MULTI_SEPARATOR, OWNER
from vawg.intake.contracts.delivery import FIRST_DATA_ROW, Log, Notice, Problem, Repair, coerce, match_columns, \
    read_delivery
from vawg.foundations import methods_used
from vawg.foundations.errors import DataError
from vawg.foundations.paths import staged_file

__all__ = ["Problem", "Repair", "Notice", "SOURCES", "STAGING_LOG", "ValidationFailed", "ValidationReport",
           "read_table", "validate", "validate_and_stage"]

MAX_PROBLEMS_SHOWN = 50
# Rows listed for one kind of problem in one column of one file; the rest are counted.
MAX_ROWS_PER_PROBLEM = 10
STAGING_LOG = "staging-log.json"

# The extracts the report's analysis reads today (Appendix 6a lists them as in use). Every
# contracted extract in vawg.intake.contracts.CONTRACTS is validated and staged when delivered.
SOURCES: tuple[Contract, ...] = tuple(c for c in CONTRACTS
                                      if c.name in ("police_offences", "population", "safety_bus_contacts"))


@dataclass
class SourceSummary:
    """What happened to one extract: its files, rows delivered and rows staged."""

    name: str
    title: str
    status: str  # "staged", "not delivered", "failed" or "withheld" (another borough's council's records)
    files: list[str] = field(default_factory=list)
    rows: int = 0
    staged_rows: int = 0
    reference: bool = False
    owner: str | None = None  # a council extract's borough

    def as_dict(self) -> dict:
        return {"name": self.name, "title": self.title, "status": self.status, "files": self.files,
                "rows": self.rows, "staged_rows": self.staged_rows, "reference": self.reference,
                "owner": self.owner}


@dataclass
class ValidationReport:
    """Every problem, repair and notice of one validation, and what each extract came to."""

    data_dir: Path
    reference_dir: Path | None
    period_end: dt.date
    problems: list[Problem] = field(default_factory=list)
    repairs: list[Repair] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    sources: dict[str, SourceSummary] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict:
        return {
            "period_end": self.period_end.isoformat(),
            "data_dir": str(self.data_dir),
            "reference_dir": None if self.reference_dir is None else str(self.reference_dir),
            "ok": self.ok,
            "sources": [summary.as_dict() for summary in self.sources.values()],
            "problems": [p.as_dict() for p in self.problems],
            "repairs": [r.as_dict() for r in self.repairs],
            "notices": [n.as_dict() for n in self.notices],
        }


class ValidationFailed(DataError):
    """The extracts break their contracts; ``problems`` lists every fault found."""

    def __init__(self, problems: list[Problem], report: ValidationReport | None = None) -> None:
        self.problems = problems
        self.report = report
        shown = "\n".join(f"  - {p}" for p in problems[:MAX_PROBLEMS_SHOWN])
        more = len(problems) - MAX_PROBLEMS_SHOWN
        tail = f"\n  … and {more} more" if more > 0 else ""
        super().__init__(f"{len(problems)} problem(s) in the input data:\n{shown}{tail}")


def validate_and_stage(data_dir: Path, staged_dir: Path, *, period_end: dt.date,
                       reference_dir: Path | None = None, borough: str | None = None) -> dict[str, Path]:
    """Check every extract in ``data_dir``; if all pass, write typed Parquet and the staging log to ``staged_dir``.

    Parameters
    ----------
    data_dir : pathlib.Path
        Folder of the quarter's extracts, one sub-folder per source.
    staged_dir : pathlib.Path
        Where the staged tables go (created if needed). Nothing is written when
        validation fails.
    period_end : datetime.date
        Last day of the edition's period; later rows are left out.
    reference_dir : pathlib.Path, optional
        Folder of open ONS/GLA reference data; its files are validated and
        staged as ``reference_*.parquet``.
    borough : str, optional
        The borough of the edition: its police offences must reach back three whole years before the
        report year and cover every month of the period, and council extracts whose rows name another borough
        are withheld (not staged; the staging log says whose they are).

    Returns
    -------
    dict[str, pathlib.Path]
        Staged table name to its Parquet file.

    Raises
    ------
    DataError
        If the data folder is missing, or :class:`ValidationFailed` listing every problem found.
    """
    report, tables = validate(data_dir, period_end=period_end, reference_dir=reference_dir, borough=borough)
    if not report.ok:
        raise ValidationFailed(report.problems, report)
    return _write_staged(tables, report, Path(staged_dir))


def _write_staged(tables: dict[str, pd.DataFrame], report: ValidationReport, staged_dir: Path) -> dict[str, Path]:
    staged_dir.mkdir(parents=True, exist_ok=True)
    written = {}
    for name, frame in tables.items():
        path = staged_file(staged_dir, name)
        frame.to_parquet(path, index=False)
        written[name] = path
    log_path = staged_dir / STAGING_LOG
    log_path.write_text(json.dumps(report.as_dict(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return written


def validate(data_dir: Path, *, period_end: dt.date, reference_dir: Path | None = None,
             today: dt.date | None = None, sources: Collection[str] | None = None,
             borough: str | None = None) -> tuple[ValidationReport, dict[str, pd.DataFrame]]:
    """Check every delivered extract (and reference file) against its contract; stage nothing.

    Parameters
    ----------
    sources : collection of str, optional
        Check only these contracts (by name), with the ward lists and the
        extracts they refer to; by default every contract.

    Returns
    -------
    tuple
        The :class:`ValidationReport`, and the typed tables that would be
        staged (empty when there are problems).
    """
    return _validated(data_dir, period_end=period_end, reference_dir=reference_dir, today=today,
                      sources=sources).for_borough(borough)


def _validated(data_dir: Path, *, period_end: dt.date, reference_dir: Path | None = None,
               today: dt.date | None = None, sources: Collection[str] | None = None) -> _Validated:
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        raise DataError(f"data folder {data_dir} does not exist; run `vawg synth` or point --data-dir at the extracts")
    reference_dir = None if reference_dir is None else Path(reference_dir)
    report = ValidationReport(data_dir, reference_dir, period_end)
    log = Log()
    context = Context(period_end=period_end, today=today or dt.date.today())
    tables: dict[str, pd.DataFrame] = {}

    plan: list[tuple[Contract, Path]] = [(c, data_dir) for c in CONTRACTS]
    if reference_dir is not None:
        if not reference_dir.is_dir():
            raise DataError(f"reference folder {reference_dir} does not exist")
        plan = [(c, reference_dir) for c in reference_data.REFERENCE_CONTRACTS] + plan
    if sources is not None:
        wanted = {"wards", reference_data.WARD_LOOKUP.name, *sources}
        wanted |= {other for contract, _ in plan if contract.name in wanted for _, other, _ in contract.references}
        unknown = set(sources) - {contract.name for contract, _ in plan}
        if unknown:
            raise DataError(f"no contract called {', '.join(sorted(unknown))}")
        plan = [(contract, root) for contract, root in plan if contract.name in wanted]
    elif not (data_dir / "wards.csv").is_file():
        log.notice(data_dir, None, "no ward list (wards.csv) and no reference folder: ward codes are not checked")

    for contract, root in plan:
        frame = _validate_contract(contract, root, context, log, report, tables)
        if frame is None:
            continue
        tables[contract.name] = frame
        if contract.name == "wards" or (contract.name == reference_data.WARD_LOOKUP.name and context.wards is None):
            context = replace(context, wards=frame[["ward_code", "borough_code"]])

    tables = {name: table for name, table in tables.items() if not name.endswith(".uncut")}
    return _Validated(report, tables, log, context)


@dataclass
class _Validated:
    """Every extract checked against its contract: what no borough's rules change yet."""

    report: ValidationReport
    tables: dict[str, pd.DataFrame]
    log: Log
    context: Context

    def for_borough(self, borough: str | None) -> tuple[ValidationReport, dict[str, pd.DataFrame]]:
        """The report and tables of one borough's edition: the delivery's rules for it, its council's extracts.

        Leaves this object as it was, so one validation serves every borough (the tables are shared, not copied:
        nothing changes them).
        """
        report, tables = copy.deepcopy(self.report), dict(self.tables)
        log = Log(list(self.log.problems), list(self.log.repairs), list(self.log.notices))
        if not log.problems:
            _check_delivery(tables, report.data_dir, self.context, log, borough)
            _withhold_other_councils(tables, report.data_dir, report, log, borough)
        report.problems = _condense(log.problems)
        report.repairs = log.repairs
        report.notices = log.notices
        return report, (tables if report.ok else {})


def validate_and_stage_boroughs(data_dir: Path, staged_dirs: Mapping[str, Path], *, period_end: dt.date,
                                reference_dir: Path | None = None) -> dict[str, ValidationFailed | None]:
    """Validate the extracts once and stage them for each borough's edition (``staged_dirs``: borough → folder).

    The contracts are checked once for London; each borough then gets its own delivery rules (its offences in
    every month) and only its council's extracts. Returns borough → None when staged, or the
    :class:`ValidationFailed` that stopped it (one borough's fault does not stop the others).
    """
    validated = _validated(data_dir, period_end=period_end, reference_dir=reference_dir)
    outcomes: dict[str, ValidationFailed | None] = {}
    for borough, staged_dir in staged_dirs.items():
        report, tables = validated.for_borough(borough)
        if not report.ok:
            outcomes[borough] = ValidationFailed(report.problems, report)
            continue
        _write_staged(tables, report, Path(staged_dir))
        outcomes[borough] = None
    return outcomes


def read_table(contract: Contract, root: Path, *, period_end: dt.date | None = None) -> pd.DataFrame:
    """One extract (or reference file) read, repaired and checked against its contract on its own.

    For code that needs one table outside a build, such as the synthetic
    generator reading the ONS ward lookup. Ward codes are not checked against
    a ward list.

    Raises
    ------
    DataError
        If no file is delivered, or :class:`ValidationFailed` listing every problem.
    """
    end = period_end or dt.date.today()
    report = ValidationReport(Path(root), None, end)
    log = Log()
    frame = _validate_contract(contract, Path(root), Context(period_end=end), log, report)
    if log.problems:
        raise ValidationFailed(_condense(log.problems), report)
    if frame is None:
        raise DataError(f"{contract.location(Path(root)) / contract.files} is missing ({contract.title})")
    methods_used.record("source", contract.name)  # read by an analysis in place of its staged table (Appendix 6a)
    return frame


# Extracts other extracts refer to: their ids are kept before the period cut, so a form may name a
# referral dated after the period end (an earlier edition built from a later extract).
REFERENCED = frozenset(other for c in CONTRACTS for _, other, _ in c.references)


def _validate_contract(contract: Contract, root: Path, context: Context, log: Log,
                       report: ValidationReport, tables: dict[str, pd.DataFrame] | None = None) -> pd.DataFrame | None:
    """Check one extract's files; the typed, period-cut table, or None if it is absent or broken."""
    summary = SourceSummary(contract.name, contract.title, "not delivered", reference=contract.reference)
    report.sources[contract.name] = summary
    files = contract.delivered_files(root)
    if not files:
        where = contract.location(root) / (contract.files if contract.files != "*" else "")
        if contract.required:
            log.problem(contract.location(root), None, None, None,
                        f"at least one {', '.join(contract.formats)} file for {contract.title}")
            summary.status = "failed"
        elif contract.reference or contract.name != "wards":
            log.notice(where, None, f"{contract.title}: not delivered, so not staged")
        return None
    problems_before = len(log.problems)
    frames: list[tuple[Path, pd.DataFrame]] = []
    for path in files:
        summary.files.append(str(path))
        frame = _validate_file(path, contract, context, log)
        if frame is not None and tables:
            _check_references(frame, contract, tables, path, log)
        if frame is not None:
            summary.rows += len(frame)
            frames.append((path, frame))
    if frames:
        _check_unique(frames, contract, log)
    if len(log.problems) > problems_before or not frames:
        summary.status = "failed"
        return None
    table = pd.concat([frame for _, frame in frames], ignore_index=True) if len(frames) > 1 else frames[0][1]
    if tables is not None and contract.name in REFERENCED:
        tables[f"{contract.name}.uncut"] = table
    table = _cut_to_period(table, contract, context, files[0].parent, log)
    if table is None:
        summary.status = "failed"
        return None
    summary.status = "staged"
    summary.staged_rows = len(table)
    return _staged_form(table, contract)


def _validate_file(path: Path, contract: Contract, context: Context, log: Log) -> pd.DataFrame | None:
    raw = read_delivery(path, log, contract)
    if raw is None:
        return None
    if raw.empty:
        log.problem(path, None, None, None, "data rows under the header (the file has none)")
        return None
    frame = match_columns(raw, contract, path, log)
    del raw  # the renamed frame shares its columns; let replaced ones go
    if frame is None:
        return None
    failed = coerce(frame, contract, path, log, context)
    _check_schema(frame, contract, context, path, log, failed)
    return frame


def _check_schema(frame: pd.DataFrame, contract: Contract, context: Context, path: Path, log: Log,
                  failed: set[tuple[int, str]]) -> None:
    """Validate with the contract's pandera schema; one problem per failing cell (or row, for row checks)."""
    schema = contract.schema(context, frame.columns)
    try:
        schema.validate(frame, lazy=True, inplace=True)
    except pa.errors.SchemaErrors as errors:
        rules = {rule.name: rule for rule in contract.row_checks}
        cases = errors.failure_cases
        seen: set[tuple] = set()
        for case in cases.itertuples(index=False):
            index = None if pd.isna(case.index) else int(case.index)
            check = str(case.check)
            if check in rules:
                column, expected = rules[check].column, rules[check].expected
                value = None if index is None else frame.at[index, column]
            else:
                column = None if pd.isna(case.column) else str(case.column)
                expected = _describe(check)
                value = case.failure_case
            if (index, column) in failed or (index, column, expected) in seen:
                continue
            seen.add((index, column, expected))
            row = None if index is None else index + FIRST_DATA_ROW
            log.problem(path, row, column, _plain(value), expected)


def _describe(check: str) -> str:
    if check.startswith("not_nullable"):
        return "a value (the cell is empty)"
    return check


def _plain(value: object) -> object:
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat() if value == value.normalize() else value.isoformat()
    if isinstance(value, np.generic):
        return value.item()
    return value


def _check_unique(frames: list[tuple[Path, pd.DataFrame]], contract: Contract, log: Log) -> None:
    """Ids unique across every file of the extract; each repeat names where the value first appeared."""
    files = np.repeat(np.arange(len(frames)), [len(frame) for _, frame in frames])
    rows = np.concatenate([np.arange(len(frame)) for _, frame in frames]) + FIRST_DATA_ROW
    keys: list[tuple[str, list[str]]] = [(f.name, [f.name]) for f in contract.fields if f.unique]
    if contract.unique_together:
        keys.append((contract.unique_together[-1], list(contract.unique_together)))
    for column, columns in keys:
        if not all(name in frame.columns for _, frame in frames for name in columns):
            continue
        values = frames[0][1][columns] if len(frames) == 1 else \
            pd.concat([frame[columns] for _, frame in frames], ignore_index=True)
        if len(columns) == 1:
            single = values[columns[0]]
            if _all_distinct(single):
                continue
            repeated = single.duplicated(keep="first") & single.notna()
        else:
            repeated = values.duplicated(keep="first") & values.notna().all(axis=1)
        if not repeated.any():
            continue
        group = values.groupby(columns, sort=False, dropna=True).ngroup()
        first_position = pd.Series(np.arange(len(values)))[~values.duplicated(keep="first")]
        first_of_group = pd.Series(first_position.to_numpy(), index=group[first_position.index].to_numpy())
        what = "a value no other row has" if len(columns) == 1 else \
            f"a combination of {', '.join(columns)} no other row has"
        for position in np.flatnonzero(repeated.to_numpy()):
            first = int(first_of_group[group.iloc[position]])
            where = f"row {rows[first]}" if files[first] == files[position] else \
                f"{frames[files[first]][0].name}, row {rows[first]}"
            shown = values.iloc[position, 0] if len(columns) == 1 else \
                ", ".join(str(v) for v in values.iloc[position].tolist())
            log.problem(frames[files[position]][0], int(rows[position]), column, _plain(shown),
                        f"{what} (it repeats {where})")


def _check_references(frame: pd.DataFrame, contract: Contract, tables: dict[str, pd.DataFrame], path: Path,
                      log: Log) -> None:
    """Each value of a referencing column must exist in the extract it refers to (when that one is staged)."""
    for column, other, other_column in contract.references:
        referred = tables.get(f"{other}.uncut", tables.get(other))
        if column not in frame or referred is None or other not in tables:
            continue
        known = frame[column].isin(set(referred[other_column].dropna())) | frame[column].isna()
        for position in np.flatnonzero(~known.to_numpy()):
            log.problem(path, int(position) + FIRST_DATA_ROW, column, _plain(frame[column].iloc[position]),
                        f"a {other_column} of the {other} extract (it has no such value)")


def _all_distinct(values: pd.Series) -> bool:
    """Whether no value repeats (a quick Arrow hash count; empty cells are checked elsewhere)."""
    try:
        convert = getattr(values.array, "__arrow_array__", None)
        array = convert() if convert is not None else pa_arrow.array(values, from_pandas=True)
    except (pa_arrow.ArrowInvalid, pa_arrow.ArrowTypeError):
        return False
    return pc.count_distinct(array, mode="only_valid").as_py() == len(values) - array.null_count


def _cut_to_period(table: pd.DataFrame, contract: Contract, context: Context, folder: Path,
                   log: Log) -> pd.DataFrame | None:
    """Leave out rows after the period end; check the extract reaches it if it must."""
    if contract.period_field is None or contract.period_field not in table:
        return table
    dates = table[contract.period_field]
    end = pd.Timestamp(context.period_end)
    if contract.covers_period:
        latest = dates.max()
        if pd.isna(latest) or latest < end - pd.Timedelta(days=31):
            log.problem(folder, None, contract.period_field, _plain(latest),
                        f"rows up to the period end {context.period_end.isoformat()} (the latest is earlier)")
            return None
    late = dates > end
    if late.any():
        log.notice(folder, contract.period_field,
                   f"{int(late.sum()):,} row(s) dated after the period end {context.period_end.isoformat()} "
                   "left out of the staged table")
        table = table[~late].reset_index(drop=True)
    return table


def _staged_form(table: pd.DataFrame, contract: Contract) -> pd.DataFrame:
    """The contract's columns in contract order, under their staged names; multi-select cells as lists."""
    columns = {}
    for item in contract.fields:
        series = table[item.name]
        if item.kind == "multi":
            series = pd.Series([[] if not isinstance(cell, str) else cell.split(f"{MULTI_SEPARATOR} ")
                                for cell in series.tolist()], index=table.index, dtype=object)
        columns[item.staged_name] = series
    return pd.DataFrame(columns).reset_index(drop=True)


def _condense(problems: list[Problem]) -> list[Problem]:
    """List at most MAX_ROWS_PER_PROBLEM rows of each problem in each column of each file; count the rest."""
    kept: list[Problem] = []
    counts: dict[tuple, int] = defaultdict(int)
    order: list[tuple] = []
    for problem in problems:
        key = (problem.file, problem.column, problem.expected.split(" (it repeats")[0])
        counts[key] += 1
        if counts[key] == 1:
            order.append(key)
        if counts[key] <= MAX_ROWS_PER_PROBLEM:
            kept.append(problem)
    for key in order:
        extra = counts[key] - MAX_ROWS_PER_PROBLEM
        if extra > 0:
            file, column, expected = key
            kept.append(Problem(file, None, column, None,
                                f"{expected} — {extra:,} more row(s) with this problem are not listed"))
    return kept


def _withhold_other_councils(tables: dict[str, pd.DataFrame], data_dir: Path, report: ValidationReport, log: Log,
                             borough: str | None) -> None:
    """Leave out every council extract whose rows name another borough: its sections say not supplied."""
    for contract in CONTRACTS:
        table = tables.get(contract.name)
        if not contract.council or table is None or table.empty:
            continue
        owner = str(table[OWNER].iloc[0])
        report.sources[contract.name].owner = owner
        if borough is None or owner == borough:
            continue
        del tables[contract.name]
        report.sources[contract.name].status = "withheld"
        log.notice(contract.location(data_dir), OWNER, f"{contract.title}: the records are {owner}'s council's, "
                   f"not {borough}'s, so they are not used in this edition")


# -- sanity rules on the whole delivery ------------------------------------------------------------------------


# Trends, control-chart baselines and the forecast (fitted on the months before the March 2024 recording change,
# less a year's hold-out) compare the report year with at least this many whole years before it.
HISTORY_YEARS = 3


def _check_delivery(tables: dict[str, pd.DataFrame], data_dir: Path, context: Context, log: Log,
                    borough: str | None) -> None:
    """Rules no single file can break: denominators for every year and area, offences in every month, enough years."""
    offences, population = tables.get("police_offences"), tables.get("population")
    if offences is None or population is None or offences.empty:
        return
    folder = contract_named("population").location(data_dir)
    first_year = int(offences["recorded_date"].dt.year.min())
    last_year = context.period_end.year
    codes = sorted(set(offences["borough_code"].dropna()))
    names = dict(zip(population["area_code"], population["area_name"]))
    estimates = population.groupby(["area_code", "year"])["population"].sum()
    by_sex = population.groupby(["area_code", "year", "sex"])["population"].sum()
    for code in codes:
        name = names.get(code, code)
        if code not in estimates.index.get_level_values("area_code"):
            log.problem(folder, None, "area_code", code,
                        f"estimates for {code}, which the police extract has offences in (the population has none)")
            continue
        years = sorted(int(y) for y in estimates.loc[code].index)
        latest = years[-1]
        # Offences of year Y use the mid-Y estimate; a year past the latest estimate uses the latest
        # (not yet published): a gap before it would silently give a year another year's denominator.
        needed = [y for y in range(first_year, min(last_year, latest) + 1) if y not in years]
        for year in needed:
            log.problem(folder, None, "year", year,
                        f"a mid-{year} estimate for {name} ({code}): offences of {year} are rated against it "
                        f"(the extract has {', '.join(map(str, years))})")
        if latest < last_year:
            after = max(latest + 1, first_year)
            log.notice(folder, "year", f"{name}: offences of {after}–{last_year} are rated against the "
                                       f"mid-{latest} estimate, the latest delivered" if after < last_year else
                       f"{name}: offences of {last_year} are rated against the mid-{latest} estimate, "
                       "the latest delivered")
        for (year, sex), total in by_sex.loc[code].items():
            if total <= 0:
                log.problem(folder, None, "population", int(total),
                            f"residents for {name} ({code}), mid-{int(year)}, sex {sex}: a rate cannot be "
                            "computed on a population of 0")
    if borough is None:
        return
    from vawg.foundations import reference

    code = dict(zip(reference.boroughs()["borough_name"], reference.boroughs()["borough_code"])).get(borough)
    if code is None:
        return
    year = report_year(context.period_end)
    first, earliest = pd.Timestamp(year - HISTORY_YEARS, 1, 1), offences["recorded_date"].min()
    if earliest >= first + pd.Timedelta(days=31):
        log.problem(contract_named("police_offences").location(data_dir), None, "recorded_date", _plain(earliest),
                    f"offences from {first:%-d %B %Y} or earlier (the earliest is {earliest:%-d %B %Y}): the "
                    f"report compares {year} with the {HISTORY_YEARS} whole years before it")
    end = pd.Period(context.period_end, "M")
    start = min(pd.Period(offences["recorded_date"].min(), "M"), pd.Period(f"{year}-01", "M"))
    ours = offences.loc[offences["borough_code"] == code, "recorded_date"].dt.to_period("M")
    missing = [str(month) for month in pd.period_range(start, end, freq="M") if month not in set(ours.unique())]
    if missing:
        shown = ", ".join(missing[:6]) + (f" … ({len(missing)} months in all)" if len(missing) > 6 else "")
        log.problem(contract_named("police_offences").location(data_dir), None, "recorded_date", missing[0],
                    f"offences in {borough} ({code}) in every month from {start} to {end}: there are none in "
                    f"{shown} (is the extract complete?)")

