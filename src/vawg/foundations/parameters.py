"""The build's parameters: one validated model, checked before any notebook runs.

papermill only warns about parameters a notebook does not declare, so the
project validates them itself here (docs/design.md, decision 2).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from vawg.foundations.periods import report_year
from vawg.foundations.errors import ParameterError
from vawg.foundations.paths import borough_slug
from vawg.foundations.reference import borough_names, open_data_dir

OutputFormat = Literal["html", "pdf", "docx"]
# Below it a published count could be one, two or three people: with the report's breakdowns by ward, month,
# age and ethnicity that can point at one person. README ("Parameters") says why 5.
SUPPRESSION_FLOOR = 5
ALL_FORMATS: tuple[OutputFormat, ...] = ("html", "pdf", "docx")


class BuildParameters(BaseModel):
    """Everything that distinguishes one edition of the report from another."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    period_end: dt.date = Field(
        dt.date(2024, 12, 31),
        description="Last day of the period the edition covers; must be a month end.",
    )
    borough: str = Field("Camden", description="London borough the report is about.")
    comparator: Literal["London"] = Field(
        "London", description="Area the borough is compared with."
    )
    formats: tuple[OutputFormat, ...] = Field(ALL_FORMATS, description="Outputs to produce.")
    data_dir: Path = Field(Path("data/raw"), description="Folder holding the quarter's extracts.")
    reference_dir: Path | None = Field(
        default_factory=open_data_dir,
        description="Folder of open ONS/GLA geography, population and Census files (default: the shipped "
                    "data/open/).",
    )
    suppression_threshold: int = Field(
        7, le=100, description="Counts from 1 to this number minus one are suppressed."
    )

    @field_validator("suppression_threshold")
    @classmethod
    def _safe_threshold(cls, value: int) -> int:
        if value < SUPPRESSION_FLOOR:
            raise ValueError(
                f"{value} would publish counts from 1 up; the smallest threshold that keeps the report's "
                f"safeguards is {SUPPRESSION_FLOOR} (counts 1–{SUPPRESSION_FLOOR - 1} never published; see README)"
            )
        return value

    @field_validator("data_dir", "reference_dir")
    @classmethod
    def _a_folder(cls, value: Path | None) -> Path | None:
        if value is not None and value.exists() and not value.is_dir():
            raise ValueError(f"{value} is a file, not a folder")
        return value

    @field_validator("borough")
    @classmethod
    def _known_borough(cls, value: str) -> str:
        names = borough_names(police_only=True)
        match = {name.casefold(): name for name in names}.get(value.strip().casefold())
        if match is None:
            others = {name.casefold(): name for name in borough_names()}.get(value.strip().casefold())
            if others is not None:
                raise ValueError(
                    f"unknown borough {value!r}: {others} is policed by its own force, not the Metropolitan "
                    "Police, so the police extract does not cover it; expected one of the 32 Metropolitan "
                    f"Police boroughs, e.g. {', '.join(names[:4])}"
                )
            raise ValueError(
                f"unknown borough {value!r}; expected one of the 32 Metropolitan Police "
                f"boroughs, e.g. {', '.join(names[:4])}"
            )
        return match

    @field_validator("period_end")
    @classmethod
    def _month_end(cls, value: dt.date) -> dt.date:
        if (value + dt.timedelta(days=1)).day != 1:
            raise ValueError(f"{value.isoformat()} is not the last day of a month")
        if value > dt.date.today():
            raise ValueError(f"{value.isoformat()} is in the future")
        if value.year < 2020:
            raise ValueError("the police extract starts in 2019; period end must be 2020 or later")
        return value

    @field_validator("formats", mode="before")
    @classmethod
    def _split_formats(cls, value: object) -> object:
        if isinstance(value, str):
            value = [part.strip() for part in value.split(",") if part.strip()]
        return value

    @model_validator(mode="after")
    def _some_format(self) -> "BuildParameters":
        if not self.formats:
            raise ValueError("formats: choose at least one of html, pdf, docx")
        return self

    @property
    def borough_slug(self) -> str:
        return borough_slug(self.borough)

    @property
    def edition(self) -> str:
        """The edition's name, used for its build folder: e.g. ``camden-2024-12-31``."""
        return f"{self.borough_slug}-{self.period_end.isoformat()}"

    @property
    def report_year(self) -> int:
        """The calendar year of the cross-sectional analysis (the last full year)."""
        return report_year(self.period_end)

    def notebook_parameters(self, *, staged_dir: Path, artifacts_dir: Path) -> dict[str, object]:
        """The values papermill injects: plain JSON types only."""
        return {
            "period_end": self.period_end.isoformat(),
            "borough": self.borough,
            "comparator": self.comparator,
            "suppression_threshold": self.suppression_threshold,
            "staged_dir": str(staged_dir),
            "artifacts_dir": str(artifacts_dir),
            "reference_dir": str(self.reference_dir) if self.reference_dir else "",
        }


def parse_parameters(**values: object) -> BuildParameters:
    """Validate raw values (e.g. from the command line) into :class:`BuildParameters`.

    Raises
    ------
    ParameterError
        With one line per invalid parameter, naming it.
    """
    try:
        return BuildParameters(**{k: v for k, v in values.items() if v is not None})
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            where = ".".join(str(part) for part in error["loc"]) or "parameters"
            message = error["msg"].removeprefix("Value error, ")
            problems.append(f"{where}: {message}")
        raise ParameterError("; ".join(problems)) from None
