"""Domestic Abuse Navigators' annual report (DS-17) as dated reference data.

No record-level extract exists for this service: the figures of its annual
report are typed into ``data/reference/da_navigators_annual_report.csv``, one
row per figure (``figure, value, unit, denominator, period, source, borough``),
``borough`` naming the council whose service it is, so another borough's
edition does not publish them. Each row is checked by :class:`NavigatorFigure`;
a bad row stops the build with a message naming the file, the row and the column.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from vawg.foundations import methods_used
from vawg.foundations.errors import DataError
from vawg.foundations.reference import reference_path

FILE_NAME = "da_navigators_annual_report.csv"
NAVIGATORS_SOURCE = "da_navigators"  # the name Appendix 6a's register (data_sources.csv) reads it under
COLUMNS = ("figure", "value", "unit", "denominator", "period", "source", "borough")
Unit = Literal["people", "meetings", "appointments", "hearings", "hours", "percent"]


class NavigatorFigure(BaseModel):
    """One figure of the annual report."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    figure: str = Field(pattern=r"^[a-z][a-z0-9_]*$", description="Name of the figure (lower case and _)")
    value: float = Field(ge=0, description="The figure as the report gives it")
    unit: Unit
    denominator: str | None = Field(default=None, description="For a percentage: the figure it is a share of")
    period: str = Field(pattern=r"^\d{4}/\d{2}$", description="Financial year, e.g. 2023/24")
    source: str = Field(min_length=1, description="The document the figure comes from")
    borough: str = Field(min_length=1, description="The borough whose council runs the service")

    @model_validator(mode="after")
    def _a_london_borough(self) -> "NavigatorFigure":
        from vawg.intake.contracts.marac import london_borough_names

        if self.borough not in london_borough_names():
            raise ValueError(f"borough: {self.borough!r} is not one of the 32 London boroughs")
        return self

    @model_validator(mode="after")
    def _percent_has_denominator(self) -> "NavigatorFigure":
        if self.unit == "percent" and self.value > 100:
            raise ValueError("value: a percentage cannot be above 100")
        if self.unit == "percent" and not self.denominator:
            raise ValueError("denominator: a percentage needs the figure it is a share of")
        if self.unit != "percent" and self.denominator:
            raise ValueError("denominator: only a percentage has one")
        if self.unit != "percent" and self.unit != "hours" and self.value != int(self.value):
            raise ValueError(f"value: a number of {self.unit} is a whole number")
        return self


def _describe(error: dict) -> tuple[str, str]:
    """(column, message) of one pydantic error."""
    message = error["msg"].removeprefix("Value error, ")
    column = ".".join(str(part) for part in error["loc"])
    if not column and ": " in message:
        column, message = message.split(": ", 1)
    if error["type"] == "missing":
        message = "is empty"
    return column, message


def load_navigator_figures(path: Path | str | None = None) -> pd.DataFrame:
    """The annual report's figures, validated: one row per figure.

    Raises
    ------
    DataError
        If the file is missing, lacks a column, or a row breaks the contract
        (the message names the file, the row — counted from 1 after the
        header — and the column).
    """
    path = Path(path) if path else reference_path(FILE_NAME)
    methods_used.record("source", NAVIGATORS_SOURCE)  # Appendix 6a lists the sources the analysis read
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
            if missing:
                raise DataError(f"{path}: missing column(s) {', '.join(missing)}")
            raw = list(reader)
    except FileNotFoundError:
        raise DataError(f"{path}: reference file not found") from None
    problems, rows = [], []
    for number, row in enumerate(raw, start=1):
        cleaned = {key: (value if value not in ("", None) else None) for key, value in row.items() if key}
        try:
            rows.append(NavigatorFigure(**cleaned).model_dump())
        except ValidationError as error:
            for item in error.errors():
                column, message = _describe(item)
                problems.append(f"{path}: row {number} (line {number + 1}, figure {row.get('figure')!r}), "
                                f"column '{column}': {message}")
    table = pd.DataFrame(rows, columns=list(COLUMNS))
    names = table["figure"].tolist()
    for number, row in enumerate(rows, start=1):
        if names.count(row["figure"]) > 1:
            problems.append(f"{path}: row {number}, column 'figure': {row['figure']!r} appears more than once")
        if row["denominator"] and row["denominator"] not in names:
            problems.append(f"{path}: row {number}, column 'denominator': {row['denominator']!r} is not a figure "
                            f"of the file")
    owners = sorted(set(table["borough"]))
    if len(owners) > 1:
        problems.append(f"{path}: column 'borough': one borough's figures a file (it has {', '.join(owners)})")
    if problems:
        raise DataError("\n".join(dict.fromkeys(problems)))
    return table


def figures_owner(path: Path | str | None = None) -> str | None:
    """The borough whose Navigators the annual report describes; None when there is no file."""
    path = Path(path) if path else reference_path(FILE_NAME)
    if not path.is_file():
        return None
    owners = load_navigator_figures(path)["borough"]
    return str(owners.iloc[0]) if len(owners) else None
