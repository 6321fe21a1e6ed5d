"""Synthetic ONS-style mid-year population estimates for the London local authorities.

Every number comes from the ``population`` section of the synthetic profile:
each area's total and female count in a reference year, a London-wide growth
index for the other years, and an age profile per sex. Splits use the
largest-remainder method, so female plus male equals the total exactly and
the age bands add up to each sex's total.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from vawg.running.synth.apportion import apportion
from vawg.running.synth.profile import value_for_year

POPULATION_COLUMNS = ["area_code", "area_name", "year", "sex", "age_band", "population"]


def area_totals(population_profile: Mapping, year: int) -> pd.DataFrame:
    """Female and male mid-year population of every profiled area in one year.

    Parameters
    ----------
    population_profile : Mapping
        The ``population`` section of the synthetic profile.
    year : int
        Mid-year of the estimate.

    Returns
    -------
    pandas.DataFrame
        One row per area with columns ``area_code``, ``female``, ``male`` (int).
    """
    reference_year = int(population_profile["reference_year"])
    growth = population_profile["growth_index"]
    # Growth is relative to the reference year, whose figures are kept exactly.
    factor = float(value_for_year(growth, year)) / float(growth[reference_year])
    rows = []
    for code, area in population_profile["areas"].items():
        total = round(int(area["total"]) * factor)
        female = round(int(area["female"]) * factor)
        rows.append({"area_code": code, "female": female, "male": total - female})
    return pd.DataFrame(rows)


def synthesise_population(
    population_profile: Mapping, area_names: Mapping[str, str], years: Iterable[int]
) -> pd.DataFrame:
    """Mid-year estimates by area, sex and five-year age band.

    Parameters
    ----------
    population_profile : Mapping
        The ``population`` section of the synthetic profile (areas, growth
        index, age profile).
    area_names : Mapping[str, str]
        Area code to area name, as in ``data/reference/boroughs.csv``.
    years : Iterable[int]
        Mid-years to produce.

    Returns
    -------
    pandas.DataFrame
        Columns ``area_code, area_name, year, sex, age_band, population``
        (population as int64), sorted by area, year, sex and band order.
    """
    age_profile = population_profile["age_profile"]
    frames = []
    for year in years:
        totals = area_totals(population_profile, year)
        for sex, column in (("F", "female"), ("M", "male")):
            bands = list(age_profile[sex])
            shares = np.array([age_profile[sex][band] for band in bands], dtype=float)
            counts = np.vstack([apportion(int(total), shares) for total in totals[column]])
            frame = pd.DataFrame(counts, columns=bands)
            frame.insert(0, "area_code", totals["area_code"].to_numpy())
            frame = frame.melt(id_vars="area_code", var_name="age_band", value_name="population")
            frame["band_order"] = frame["age_band"].map({band: i for i, band in enumerate(bands)})
            frame["year"] = year
            frame["sex"] = sex
            frames.append(frame)
    population = pd.concat(frames, ignore_index=True)
    population["area_name"] = population["area_code"].map(area_names)
    population = population.sort_values(["area_code", "year", "sex", "band_order"], kind="stable")
    population["population"] = population["population"].astype("int64")
    return population[POPULATION_COLUMNS].reset_index(drop=True)
