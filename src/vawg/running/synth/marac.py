"""Synthetic MARAC annual figures (DS-09) for the borough and its comparison areas.

Each area's cases per 10,000 adult (16+) female residents and the shares of
its cases with each characteristic are read from ``data/synth/marac.yml``
(linear between the years listed); counts follow by rounding. The borough's
adult female population comes from the synthetic population estimates (the
mid-year before), the comparators' are fixed. Only complete years are written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from vawg.intake.contracts.marac import MARAC
from vawg.running.synth.tabular import COUNCIL_BOROUGH, generated_columns, split_exact, write_csv

COUNCIL_AREA = "Camden"


def interpolate(table: Mapping[int, float], year: int) -> float:
    """A year-keyed value, linear between the listed years and constant beyond them."""
    years = sorted(table)
    values = [float(table[y]) for y in years]
    return float(np.interp(year, years, values))


def adult_female(population: pd.DataFrame, area_code: str, year: int) -> int:
    """Female residents aged 16 and over (four fifths of the 15-19 band) in an area's mid-year estimate."""
    people = population[(population["area_code"] == area_code) & (population["year"] == year)
                        & (population["sex"] == "F")]
    if people.empty:
        people = population[(population["area_code"] == area_code) & (population["sex"] == "F")]
        people = people[people["year"] == people["year"].max()]
    starts = people["age_band"].str.extract(r"^(\d+)")[0].astype(int)
    adults = people.loc[starts >= 20, "population"].sum()
    return int(adults + round(people.loc[starts == 15, "population"].sum() * 4 / 5))


def marac_table(profile: Mapping, population: pd.DataFrame, *, area_code: str, scale: float,
                period_end: dt.date) -> pd.DataFrame:
    rows = []
    last_year = period_end.year if period_end >= dt.date(period_end.year, 12, 31) else period_end.year - 1
    for year in range(int(profile["first_year"]), last_year + 1):
        for area, spec in profile["areas"].items():
            if spec["adult_female_population"] is None:
                denominator = adult_female(population, area_code, year - 1)
            else:
                denominator = int(spec["adult_female_population"])
            denominator = round(denominator * scale)
            cases = round(interpolate(spec["rate_per_10000"], year) * denominator / 10_000)
            row = {"year": year, "area": area, "cases_heard": cases, "adult_female_population": denominator}
            for part, table in spec["percent"].items():
                row[part] = round(interpolate(table, year) / 100 * cases)
            non_police = split_exact(cases - row["police_referrals"], profile["non_police_mix"])
            row.update(non_police)
            if "children_in_households" in spec:
                row["children_in_households"] = round(interpolate(spec["children_in_households"], year) * scale)
            else:
                row["children_in_households"] = round(row["cases_with_children"]
                                                      * float(spec["children_per_case_with_children"]))
            rows.append(row)
    return pd.DataFrame(rows)[generated_columns(MARAC)]


def generate_marac(out_dir: Path, profile: Mapping, population: pd.DataFrame, *, area_code: str, scale: float,
                   period_end: dt.date, owner: str = COUNCIL_BOROUGH) -> dict[str, Path]:
    """Write ``marac/marac_annual.csv``."""
    table = marac_table(profile, population, area_code=area_code, scale=scale, period_end=period_end)
    return {"marac": write_csv(table, Path(out_dir) / "marac" / "marac_annual.csv", owner=owner)}
