"""Population denominators: offences recorded in year Y use the mid-year Y-1 estimate."""

from __future__ import annotations

from pathlib import Path

import pandas as pd


def load_population(staged_dir: Path | str) -> pd.DataFrame:
    return pd.read_parquet(Path(staged_dir) / "population.parquet")


def denominators(population: pd.DataFrame, years: list[int], *, sex: str | None = "F") -> pd.DataFrame:
    """Population by area (rows) and offence year (columns) for the given sex (None = everyone).

    Uses the mid-year estimate of the year before the offence year, or the
    latest earlier estimate when that one has not been published yet.
    """
    people = population if sex is None else population[population["sex"] == sex]
    by_year = people.groupby(["area_code", "year"])["population"].sum().unstack("year")
    columns = {}
    for year in years:
        available = [y for y in by_year.columns if y <= year - 1]
        if not available:
            raise ValueError(f"no population estimate for mid-{year - 1} or earlier")
        columns[year] = by_year[max(available)]
    return pd.DataFrame(columns)
