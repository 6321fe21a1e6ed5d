"""Population denominators: a rate for year Y uses the mid-Y estimate, or the latest earlier one.

This is the Fingertips rule: the same year's estimate where ONS has published
it, else the latest published (mid-2023 for 2024 until mid-2024 appears).
:func:`estimate_years` says which estimate each year used, so the report can.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from vawg.foundations.methods_used import uses
from vawg.writing.supply import read_staged


def load_population(staged_dir: Path | str) -> pd.DataFrame:
    return read_staged(staged_dir, "population")


def estimate_years(population: pd.DataFrame, years: list[int]) -> dict[int, int]:
    """For each year rated, the mid-year estimate its denominator comes from (the same year or the latest earlier)."""
    published = sorted({int(y) for y in population["year"].unique()})
    used = {}
    for year in years:
        available = [y for y in published if y <= year]
        if not available:
            raise ValueError(f"no population estimate for mid-{year} or earlier")
        used[year] = available[-1]
    return used


def describe_estimates(used: dict[int, int]) -> str:
    """Which estimate each year's rates use, in words: "mid-2020 to mid-2023 for 2020 to 2023 (each year its own);
    mid-2023 for 2024 (the latest published)"."""
    same = sorted(year for year, estimate in used.items() if year == estimate)
    parts = []
    if same:
        parts.append(f"mid-{same[0]} for {same[0]}" if len(same) == 1 else
                     f"mid-{same[0]} to mid-{same[-1]} for {same[0]} to {same[-1]} (each year its own)")
    parts += [f"mid-{estimate} for {year} (the latest published)"
              for year, estimate in sorted(used.items()) if year != estimate]
    return "; ".join(parts)


def denominators(population: pd.DataFrame, years: list[int], *, sex: str | None = "F") -> pd.DataFrame:
    """Population by area (rows) and year rated (columns) for the given sex (None = everyone).

    Each year uses the estimate :func:`estimate_years` picks: the same
    mid-year, or the latest earlier one when that has not been published.
    """
    people = population if sex is None else population[population["sex"] == sex]
    by_year = people.groupby(["area_code", "year"])["population"].sum().unstack("year")
    by_year.columns = [int(y) for y in by_year.columns]
    return pd.DataFrame({year: by_year[estimate] for year, estimate in estimate_years(people, years).items()})


# -- ward populations --------------------------------------------------------------------------------

WARD_ESTIMATE, HOUSEHOLD_SHARE = "ward estimate", "households"


def _name_key(names: pd.Series) -> pd.Series:
    """Ward names compared loosely: case, "&"/"and" and punctuation do not matter."""
    return (names.str.casefold().str.replace("&", "and", regex=False)
            .str.replace(r"[^a-z0-9]", "", regex=True))


@uses(metric="ward_female_population")
def ward_female_estimates(wards: pd.DataFrame, ward_estimates: pd.DataFrame,
                          households: pd.Series) -> pd.DataFrame:
    """Female residents of the 2022 wards at mid-2020, from the ONS small-area estimates for the 2020 wards.

    A 2022 ward takes the 2020 ward's estimate where the two are the same ward: the same code, or (in a borough
    whose ward names are all unchanged since 2020, so no ward boundary moved) the same name. In a borough whose
    wards changed, the borough's female residents not already given to an unchanged ward are shared among its
    other wards in proportion to their households at the 2021 Census, summed from the LSOAs that best fit each
    ward (TS011). The wards of a borough therefore add up to the borough's mid-2020 estimate.

    Parameters
    ----------
    wards : pandas.DataFrame
        ``ward_code, ward_name, borough_code`` of the 2022 wards.
    ward_estimates : pandas.DataFrame
        ONS mid-2020 estimates by 2020 ward as staged: ``ward20_code, ward20_name, area_code, sex, all_ages``.
    households : pandas.Series
        Census 2021 households by 2022 ward code (best-fit LSOAs).

    Returns
    -------
    pandas.DataFrame
        ``ward_code, borough_code, female_2020, method`` (:data:`WARD_ESTIMATE` or :data:`HOUSEHOLD_SHARE`),
        one row per ward of ``wards`` in its order.
    """
    female = ward_estimates[ward_estimates["sex"] == "F"]
    result = wards[["ward_code", "ward_name", "borough_code"]].reset_index(drop=True).copy()
    by_code = female.set_index("ward20_code")["all_ages"]
    result["female_2020"] = result["ward_code"].map(by_code).astype("float64")
    for borough, rows in result.groupby("borough_code"):
        old = female[female["area_code"] == borough]
        if result.loc[rows.index, "female_2020"].isna().all() and len(old) == len(rows):
            same = set(_name_key(old["ward20_name"])) == set(_name_key(rows["ward_name"]))
            if same:  # every ward kept its name: the same wards under new codes
                by_name = dict(zip(_name_key(old["ward20_name"]), old["ward20_name"].index, strict=True))
                keys = _name_key(rows["ward_name"])
                result.loc[rows.index, "female_2020"] = [float(old.at[by_name[k], "all_ages"]) for k in keys]
    result["method"] = result["female_2020"].notna().map({True: WARD_ESTIMATE, False: HOUSEHOLD_SHARE})
    borough_total = female.groupby("area_code")["all_ages"].sum()
    for borough, rows in result[result["method"] == HOUSEHOLD_SHARE].groupby("borough_code"):
        given = result.loc[(result["borough_code"] == borough) & (result["method"] == WARD_ESTIMATE),
                           "female_2020"].sum()
        rest = max(float(borough_total.get(borough, 0)) - given, 0.0)
        weight = rows["ward_code"].map(households).fillna(0).astype("float64")
        if weight.sum() == 0:
            weight = pd.Series(1.0, index=rows.index)
        result.loc[rows.index, "female_2020"] = rest * weight / weight.sum()
    return result[["ward_code", "borough_code", "female_2020", "method"]]
