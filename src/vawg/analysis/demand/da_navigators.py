"""Chapter 3, service demand: the Domestic Abuse Navigators, from their annual report (DS-17).

No extract exists: the annual report's figures are dated reference data
(``data/reference/da_navigators_annual_report.csv``, validated by
:mod:`vawg.intake.contracts.da_navigators`). They are quoted through the
ArtifactWriter like every other number, so the same suppression applies: a
count from 1 to 6 shows "<7", and a percentage whose part or rest is that
small shows "[c]".

Artifact ids and the functions that make them:

- values ``navigators.*``   :func:`prose_values`   (no seed figure: the seed's text and service card)
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from vawg.intake.contracts.da_navigators import load_navigator_figures
from vawg.foundations.suppression import disclosure_basis


@dataclass
class NavigatorReport:
    """The Navigators' annual report: one row per figure."""

    figures: pd.DataFrame
    threshold: int

    @classmethod
    def load(cls, *, threshold: int, path: Path | str | None = None) -> "NavigatorReport":
        return cls(figures=load_navigator_figures(path), threshold=threshold)

    @property
    def period(self) -> str:
        periods = sorted(set(self.figures["period"]))
        return periods[-1] if periods else ""

    @property
    def source(self) -> str:
        return "; ".join(dict.fromkeys(self.figures["source"]))

    def value(self, figure: str) -> float:
        return float(self.figures.set_index("figure").loc[figure, "value"])

    def basis(self, figure: str) -> int | None:
        """The count a percentage rests on: the smaller of its part and the rest of its denominator."""
        row = self.figures.set_index("figure").loc[figure]
        if row["unit"] != "percent":
            return None
        total = self.value(row["denominator"])
        part = round(row["value"] / 100 * total)
        return disclosure_basis(part, round(total))


def prose_values(analysis: NavigatorReport) -> dict[str, tuple]:
    """Every figure of the report, keyed ``navigators.<figure>``, with its period and source."""
    values: dict[str, tuple] = {
        "navigators.period": (analysis.period, "text", 0),
        "navigators.source": (analysis.source, "text", 0),
    }
    for row in analysis.figures.itertuples():
        if row.unit == "percent":
            values[f"navigators.{row.figure}"] = (row.value, "percent", 0, analysis.basis(row.figure))
        elif row.unit == "hours":
            values[f"navigators.{row.figure}"] = (row.value, "number", 0)
        else:
            values[f"navigators.{row.figure}"] = (int(row.value), "count", 0)
    return values
