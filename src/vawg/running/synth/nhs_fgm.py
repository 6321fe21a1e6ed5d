"""Synthetic NHS FGM Enhanced Dataset publication (DS-19), from the Appendix 6f rates.

The reference edition's Appendix 6f rates per 1,000 female residents, kept in
``data/synth/nhs_fgm_rates.csv`` as the generator's input (the report computes 6f
from the staged extract: :func:`vawg.analysis.appendix.nhs_fgm_rates`), are turned back into
counts with the synthetic female population and published the NHS England way (1-7 suppressed as ``*``, others rounded to 5), for each
reporting year in that file that ends by the period end.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from vawg.running.synth.profile import default_profile_path
from vawg.running.synth.tabular import write_csv

RATES_FILE = "nhs_fgm_rates.csv"


def nhs_fgm_table(profile: Mapping, population: pd.DataFrame, *, scale: float, period_end: dt.date) -> pd.DataFrame:
    rates = pd.read_csv(default_profile_path().parent / RATES_FILE, dtype={"rate_per_1000_female": float},
                        keep_default_na=False)
    rates = rates[pd.to_datetime(rates["period_end"]).dt.date <= period_end]
    female = population[population["sex"] == "F"].groupby(["area_code", "year"])["population"].sum()
    years = sorted(set(female.index.get_level_values("year")))
    rows = []
    for _, row in rates.iterrows():
        start = pd.Timestamp(row["period_start"])
        source = profile["areas"].get(row["area"])
        if source is None:
            continue
        # The mid-year estimate at the start of the reporting year, or the nearest one there is.
        year = min(years, key=lambda y: (abs(y - start.year), -y))
        if source == "london":
            residents = female.xs(year, level="year").sum()
        elif isinstance(source, str):
            residents = female[(source, year)]
        else:
            residents = float(source)
        count = float(row["rate_per_1000_female"]) * residents * scale / 1000
        rows.append({"period_start": row["period_start"], "period_end": row["period_end"], "area": row["area"],
                     "question": row["question"], "response": row["response"], "count": _published(count, profile)})
    return pd.DataFrame(rows, columns=["period_start", "period_end", "area", "question", "response", "count"])


def _published(count: float, profile: Mapping) -> str:
    whole = round(count)
    if 0 < whole < int(profile["suppress_below"]):
        return "*"
    step = int(profile["round_to"])
    return str(int(round(count / step) * step))


def generate_nhs_fgm(out_dir: Path, profile: Mapping, population: pd.DataFrame, *, scale: float,
                     period_end: dt.date) -> dict[str, Path]:
    """Write ``nhs_fgm/nhs_fgm_annual.csv``; nothing when no reporting year ends by the period end."""
    table = nhs_fgm_table(profile, population, scale=scale, period_end=period_end)
    if table.empty:
        return {}
    return {"nhs_fgm": write_csv(table, Path(out_dir) / "nhs_fgm" / "nhs_fgm_annual.csv")}
