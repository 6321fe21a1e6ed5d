"""The building blocks of a data contract: fields, row checks and the contract itself.

A contract says, for one extract, which columns it must have, what type and
values each column holds, which values must be unique and which rules join
columns (a ward must lie in the offence's borough). Staging
(:mod:`vawg.intake.staging`) reads a delivered file, repairs what can be repaired
losslessly, coerces each column to its type and then checks the contract with
pandera, which :meth:`Contract.schema` builds from the fields.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Literal

import pandas as pd
import pandera.pandas as pa

from vawg.foundations import reference

Kind = Literal["text", "code", "category", "date", "bool", "int", "float", "multi"]
KINDS: tuple[str, ...] = ("text", "code", "category", "date", "bool", "int", "float", "multi")

# Separator of the values of a multi-valued (multi-select) field in a delivered file.
MULTI_SEPARATOR = ";"
# Dates before it are out of any extract's period (typing slips such as 1024 or 2002 for 2020).
EARLIEST = "2010-01-01"


@dataclass(frozen=True)
class Context:
    """What a contract's checks may depend on besides the file itself.

    Attributes
    ----------
    period_end : datetime.date
        Last day of the edition's period.
    today : datetime.date
        Dates after it are in the future and rejected.
    wards : pandas.DataFrame or None
        ``ward_code, borough_code`` of every known ward (from the delivered
        ward list or the reference folder's ward lookup); ``None`` when no
        ward list is available, in which case ward codes are not checked.
    """

    period_end: dt.date
    today: dt.date = field(default_factory=dt.date.today)
    wards: pd.DataFrame | None = None

    @cached_property
    def police_borough_codes(self) -> list[str]:
        boroughs = reference.boroughs()
        return sorted(boroughs.loc[boroughs["police_force"] == "Metropolitan Police Service", "borough_code"])

    @cached_property
    def police_borough_names(self) -> list[str]:
        boroughs = reference.boroughs()
        return sorted(boroughs.loc[boroughs["police_force"] == "Metropolitan Police Service", "borough_name"])

    @cached_property
    def london_codes(self) -> list[str]:
        return sorted(reference.boroughs()["borough_code"])

    @cached_property
    def ward_borough(self) -> dict[str, str] | None:
        if self.wards is None:
            return None
        return dict(zip(self.wards["ward_code"], self.wards["borough_code"], strict=True))


Allowed = Collection[str] | Callable[[Context], Collection[str]]


@dataclass(frozen=True)
class Field:
    """One column of an extract.

    Parameters
    ----------
    name : str
        Column name as delivered (matched exactly, else ignoring case, blanks
        and punctuation, which is logged as a repair).
    kind : str
        ``text`` (trimmed), ``code`` (trimmed, upper case), ``category`` (one
        of ``allowed``, case repaired), ``date`` (``YYYY-MM-DD``; ``dd/mm/yyyy``
        repaired), ``bool`` (true/false, yes/no, 1/0), ``int``, ``float``, or
        ``multi`` (several ``allowed`` values separated by ``;``, staged as a list).
    description : str
        What the column holds (README and ``vawg validate``).
    nullable : bool
        Whether a cell may be empty.
    required : bool
        Whether the column must be delivered; an optional column that is
        missing is staged empty, with a warning.
    unique : bool
        Whether every value must differ from every other row's, across all the
        source's files.
    allowed : collection of str or callable, optional
        The values a ``category``, ``code`` or ``multi`` field may take, or a
        function of the :class:`Context` returning them.
    minimum, maximum : float or str or callable, optional
        Inclusive bounds. For dates, ``"today"`` and ``"period_end"`` refer to
        the context; a callable receives the :class:`Context`.
    pattern : str, optional
        Regular expression a text or code value must match in full.
    stage_as : str, optional
        Column name in the staged table, when it differs from the delivered one.
    suppressed : tuple of str
        Markers of a suppressed number (such as ``*``), staged as empty.
    """

    name: str
    kind: Kind = "text"
    description: str = ""
    nullable: bool = False
    required: bool = True
    unique: bool = False
    allowed: Allowed | None = None
    minimum: object = None
    maximum: object = None
    pattern: str | None = None
    stage_as: str | None = None
    suppressed: tuple[str, ...] = ()
    expected: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"field {self.name}: unknown kind {self.kind!r}")

    @property
    def staged_name(self) -> str:
        return self.stage_as or self.name

    def allowed_values(self, context: Context) -> list[str] | None:
        if self.allowed is None:
            return None
        values = self.allowed(context) if callable(self.allowed) else self.allowed
        return list(values)

    def bound(self, value: object, context: Context) -> object:
        if callable(value):
            return value(context)
        if value == "today":
            return context.today
        if value == "period_end":
            return context.period_end
        return value


@dataclass(frozen=True)
class RowCheck:
    """A rule joining columns of a row (or rows of a group); failing rows are reported.

    Parameters
    ----------
    name : str
        Short identifier, unique within the contract.
    column : str
        The column a failure is reported against.
    expected : str
        What a correct row has, phrased to follow "expected ...".
    test : callable
        ``test(frame, context) -> boolean Series`` (True where the row is
        correct), aligned with ``frame``. Rows with an empty value in
        ``needs`` are not tested.
    needs : tuple of str
        Columns the test reads; skipped when one is missing from the file.
    """

    name: str
    column: str
    expected: str
    test: Callable[[pd.DataFrame, Context], pd.Series]
    needs: tuple[str, ...] = ()


@dataclass(frozen=True)
class Contract:
    """The contract of one extract: where it is delivered and what it must hold.

    Parameters
    ----------
    name : str
        Identifier; the staged table is ``<name>.parquet``.
    title : str
        Human name of the extract.
    folder : str
        Folder under the data folder (or the reference folder) holding the
        delivered files; ``""`` for the folder itself.
    fields : tuple of Field
        The columns.
    files : str
        Glob of the files in ``folder`` that belong to this extract.
    required : bool
        Whether the build needs the extract; a missing optional extract is
        noted and skipped.
    unique_together : tuple of str
        Columns whose combination must be unique.
    row_checks : tuple of RowCheck
        Rules across columns.
    period_field : str, optional
        Date column that places a row in time: rows after the period end are
        left out of the staged table (a later extract may serve an earlier
        edition).
    covers_period : bool
        Whether ``period_field`` must reach the period end (within a month).
    council : bool
        Whether this is a council's own data: its rows name the borough whose
        council holds them (:data:`OWNER`), and a build for another borough
        does not use it.
    reference : bool
        Whether this is open reference data read from the reference folder.
    formats : tuple of str
        File suffixes the extract may be delivered as.
    references : tuple of (str, str, str)
        ``(column, other contract, other column)``: each value of ``column``
        must appear in the other extract (checked when that one is delivered
        and valid; it must come earlier in the checking order).
    """

    name: str
    title: str
    folder: str
    fields: tuple[Field, ...]
    files: str = "*"
    required: bool = False
    unique_together: tuple[str, ...] = ()
    row_checks: tuple[RowCheck, ...] = ()
    period_field: str | None = None
    covers_period: bool = False
    council: bool = False
    reference: bool = False
    formats: tuple[str, ...] = (".csv", ".xlsx", ".parquet")
    description: str = ""
    references: tuple[tuple[str, str, str], ...] = ()

    def __post_init__(self) -> None:
        names = [f.name for f in self.fields]
        if len(set(names)) != len(names):
            raise ValueError(f"contract {self.name}: duplicate field names")
        if self.council and OWNER not in names:
            raise ValueError(f"contract {self.name}: a council extract needs its {OWNER!r} column")

    def field(self, name: str) -> Field:
        for item in self.fields:
            if item.name == name:
                return item
        raise KeyError(name)

    def location(self, root: Path) -> Path:
        return Path(root) / self.folder if self.folder else Path(root)

    def delivered_files(self, root: Path) -> list[Path]:
        """The files of this extract under ``root``, sorted by name."""
        folder = self.location(root)
        if not folder.is_dir():
            return []
        return sorted(p for p in folder.glob(self.files)
                      if p.is_file() and p.suffix.lower() in self.formats and not p.name.startswith((".", "~$")))

    def schema(self, context: Context, columns: Collection[str]) -> pa.DataFrameSchema:
        """The pandera schema of the delivered columns present in a file.

        Every check carries, as its error, the text that follows "expected" in
        a problem message, so a failure maps straight back to a message.
        """
        checks_by_column = {}
        for item in self.fields:
            if item.name not in columns:
                continue
            checks_by_column[item.name] = pa.Column(
                checks=_field_checks(item, context), nullable=item.nullable, coerce=False, required=True,
            )
        frame_checks = []
        for rule in self.row_checks:
            if not all(name in columns for name in rule.needs):
                continue
            frame_checks.append(pa.Check(_row_check(rule, context), name=rule.name, error=rule.name))
        return pa.DataFrameSchema(checks_by_column, checks=frame_checks, strict=False)


def _row_check(rule: RowCheck, context: Context) -> Callable[[pd.DataFrame], pd.Series]:
    def check(frame: pd.DataFrame) -> pd.Series:
        present = pd.Series(True, index=frame.index)
        for name in rule.needs:
            present &= frame[name].notna().to_numpy()
        result = pd.Series(True, index=frame.index)
        tested = frame if present.all() else frame[present]
        if len(tested):
            outcome = pd.Series(rule.test(tested, context), index=tested.index)
            result[tested.index] = outcome.fillna(False).astype(bool)
        return result

    return check


def _field_checks(item: Field, context: Context) -> list[pa.Check]:
    checks: list[pa.Check] = []
    allowed = item.allowed_values(context)
    if allowed is not None:
        described = describe_values(allowed)
        if item.allowed in (police_borough, police_borough_names):
            described += CITY_OF_LONDON_NOTE
        if item.kind == "multi":
            allowed_set = set(allowed)
            separator = f"{MULTI_SEPARATOR} "
            checks.append(pa.Check(
                lambda s, a=allowed_set: s.map(lambda v: all(x in a for x in str(v).split(separator))).astype(bool),
                error=f"each of the values (separated by ';') one of {described}"))
        else:
            checks.append(pa.Check.isin(allowed, error=f"one of {described}"))
    lower, upper = item.bound(item.minimum, context), item.bound(item.maximum, context)
    if item.kind == "date":
        if lower is not None:
            text = "today" if item.minimum == "today" else pd.Timestamp(lower).date().isoformat()
            checks.append(pa.Check.ge(pd.Timestamp(lower), error=f"a date on or after {text}"))
        if upper is not None:
            text = (f"a date no later than today ({pd.Timestamp(upper).date().isoformat()})"
                    if item.maximum == "today" else f"a date no later than {pd.Timestamp(upper).date().isoformat()}")
            checks.append(pa.Check.le(pd.Timestamp(upper), error=text))
    else:
        if lower is not None and upper is not None:
            checks.append(pa.Check.in_range(lower, upper, error=item.expected or f"a number from {lower} to {upper}"))
        elif lower is not None:
            checks.append(pa.Check.ge(lower, error=item.expected or f"a number of at least {lower}"))
        elif upper is not None:
            checks.append(pa.Check.le(upper, error=item.expected or f"a number no more than {upper}"))
    if item.pattern is not None:
        checks.append(pa.Check.str_matches(f"(?:{item.pattern})$",
                                           error=item.expected or f"a value matching the pattern {item.pattern}"))
    return checks


def describe_values(values: Collection[str], limit: int = 8) -> str:
    """``'a', 'b' or 'c'`` (the first ``limit`` values, then how many more)."""
    values = list(values)
    shown = ", ".join(repr(v) for v in values[:limit])
    if len(values) > limit:
        return f"{shown} … ({len(values)} values in all)"
    if len(values) > 1:
        head, _, _ = shown.rpartition(", ")
        return f"{head} or {values[-1]!r}"
    return shown


# -- helpers the source modules share ----------------------------------------------------------------


# The 33rd London local authority, and the one a delivery most often includes by mistake.
CITY_OF_LONDON_NOTE = (" (the City of London, E09000001, is policed by the City of London Police, not the "
                       "Metropolitan Police, so its rows do not belong in this extract)")


def borough_in_london(context: Context) -> list[str]:
    return context.london_codes


def police_borough(context: Context) -> list[str]:
    return context.police_borough_codes


# The column of a council extract naming the borough whose council holds the records.
OWNER = "borough"


def police_borough_names(context: Context) -> list[str]:
    return context.police_borough_names


def council_borough() -> Field:
    """The owner column every council extract carries, so no borough's report uses another's records."""
    return Field(OWNER, "category", "The borough whose council holds these records, as `vawg build --borough` "
                 "names it (the same on every row)", allowed=police_borough_names)


def _one_owner(frame: pd.DataFrame, context: Context) -> pd.Series:
    return frame[OWNER] == frame[OWNER].iloc[0]


# A file holds one council's records: a mixed file cannot be given to either borough.
ONE_OWNER = RowCheck("one_owner", OWNER, "the same borough as the file's first row (one council's records a file)",
                     _one_owner, needs=(OWNER,))


def ward_in_borough(ward: str = "ward_code", borough: str = "borough_code") -> RowCheck:
    """Ward codes must be known wards of the row's borough (when a ward list is available)."""

    def test(frame: pd.DataFrame, context: Context) -> pd.Series:
        lookup = context.ward_borough
        if lookup is None:
            return pd.Series(True, index=frame.index)
        return frame[ward].map(lookup) == frame[borough]

    return RowCheck("ward_in_borough", ward, "a ward code of the row's borough (in the ward list)", test,
                    needs=(ward, borough))


def at_most(part: str, whole: str) -> RowCheck:
    """A count that is part of another count cannot exceed it."""
    return RowCheck(f"{part}_at_most_{whole}", part, f"no more than {whole} on the same row",
                    lambda frame, context: frame[part] <= frame[whole], needs=(part, whole))


def this_year(context: Context) -> int:
    return context.today.year


AGE_BANDS_5 = tuple(f"{start}-{start + 4}" for start in range(0, 90, 5)) + ("90+",)
