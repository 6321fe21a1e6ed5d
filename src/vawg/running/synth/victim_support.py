"""Synthetic Victim Support (MOPAC) quarterly aggregates (DS-18) for every police borough.

Camden's quarters are planned so its first quarter of 2024/25 has the seed's
shares exactly and the whole year the seed's annual shares; the other
boroughs get the rest of London's shares and a volume proportional to their
female residents. Only complete quarters up to the period end are written.
Parameters: ``data/synth/victim_support.yml``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from vawg.intake.contracts.victim_support import VICTIM_SUPPORT
from vawg.running.synth.apportion import apportion
from vawg.running.synth.profile import value_for_year
from vawg.running.synth.tabular import write_csv

QUARTER_MONTHS = (4, 7, 10, 1)


def _quarters(first_year: int, period_end: dt.date):
    """(financial year, quarter number, first day) of every complete quarter up to the period end."""
    year = first_year
    while True:
        for number, month in enumerate(QUARTER_MONTHS, start=1):
            start = dt.date(year + (month == 1), month, 1)
            end = (pd.Timestamp(start) + pd.offsets.QuarterEnd(0)).date()
            if end > period_end:
                return
            yield year, number, start
        year += 1


def _with_overrides(shares: Mapping[str, float], overrides: Mapping[str, float]) -> dict[str, float]:
    """Shares with some categories fixed and the others rescaled to fill the rest."""
    rest = {k: v for k, v in shares.items() if k not in overrides}
    left = 100.0 - sum(overrides.values())
    scale = left / sum(rest.values()) if rest else 0
    return {k: float(overrides.get(k, shares[k] if k not in rest else rest[k] * scale)) for k in shares}


def _split(total: int, shares: Mapping[str, float]) -> dict[str, int]:
    return dict(zip(shares, (int(x) for x in apportion(total, np.array(list(shares.values()), float))), strict=True))


def victim_support_table(profile: Mapping, population: pd.DataFrame, boroughs: list[str], *, council: str,
                         scale: float, period_end: dt.date) -> pd.DataFrame:
    female = population[population["sex"] == "F"].groupby(["area_code", "year"])["population"].sum()
    rows = []
    camden_plan: dict[tuple[int, int], dict[str, dict[str, int]]] = {}
    for year, number, start in _quarters(int(profile["first_financial_year"]), period_end):
        index = float(value_for_year(profile["year_index"], year))
        if (year, 1) not in camden_plan:
            camden_plan.update(_camden_year(profile, year, index * scale))
        for code in boroughs:
            if code == council:
                counts = camden_plan[(year, number)]
                supported = round(profile["camden_cases_supported"][number - 1] * index * scale)
            else:
                residents = female.get((code, year - 1), female.xs(code, level="area_code").iloc[-1])
                referrals = round(float(profile["other_boroughs_per_1000_female"]) * residents / 1000 * index
                                  * scale / 4)
                counts = {dimension: _split(referrals, _with_overrides(shares, profile["rest_of_london"].get(
                    dimension, {}))) for dimension, shares in profile["year"].items()}
                counts["total"] = {"All": referrals}
                supported = round(referrals * float(profile["cases_supported_share"]))
            for dimension, categories in counts.items():
                for category, count in categories.items():
                    rows.append((start, code, "referrals", dimension, category, count))
            rows.append((start, code, "cases_supported", "total", "All", supported))
    frame = pd.DataFrame(rows, columns=[f.name for f in VICTIM_SUPPORT.fields])
    order = {name: i for i, name in enumerate(["total", *profile["year"]])}
    frame["_order"] = frame["dimension"].map(order)
    frame = frame.sort_values(["quarter_start", "borough_code", "measure", "_order"], kind="stable")
    return frame.drop(columns="_order").reset_index(drop=True)


def _camden_year(profile: Mapping, year: int, factor: float) -> dict[tuple[int, int], dict[str, dict[str, int]]]:
    """Camden's four quarters of a financial year: Q1 with the seed's Q1 shares, the year with its annual shares."""
    quarters = [round(n * factor) for n in profile["camden_quarters"]]
    plan: dict[tuple[int, int], dict[str, dict[str, int]]] = {(year, q): {"total": {"All": n}}
                                                              for q, n in enumerate(quarters, start=1)}
    for dimension, shares in profile["year"].items():
        year_counts = _split(sum(quarters), shares)
        first = _split(quarters[0], _with_overrides(shares, profile["camden_q1"].get(dimension, {})))
        first = {k: min(v, year_counts[k]) for k, v in first.items()}
        short = quarters[0] - sum(first.values())
        for k in sorted(first, key=lambda key: year_counts[key] - first[key], reverse=True):
            if short <= 0:
                break
            room = year_counts[k] - first[k]
            add = min(room, short)
            first[k] += add
            short -= add
        plan[(year, 1)][dimension] = first
        remaining = {k: year_counts[k] - first[k] for k in shares}
        for number in (2, 3, 4):
            n = quarters[number - 1]
            if number == 4:
                counts = dict(remaining)
            else:
                weights = np.array(list(remaining.values()), float)
                counts = dict(zip(remaining, (int(x) for x in apportion(n, weights)), strict=True))
            plan[(year, number)][dimension] = counts
            remaining = {k: remaining[k] - counts[k] for k in remaining}
    return plan


def generate_victim_support(out_dir: Path, profile: Mapping, population: pd.DataFrame, boroughs: list[str], *,
                            council: str, scale: float, period_end: dt.date) -> dict[str, Path]:
    """Write ``victim_support/victim_support_quarterly.csv``."""
    table = victim_support_table(profile, population, boroughs, council=council, scale=scale, period_end=period_end)
    return {"victim_support": write_csv(table, Path(out_dir) / "victim_support" / "victim_support_quarterly.csv")}
