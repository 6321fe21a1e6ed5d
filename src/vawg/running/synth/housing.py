"""Synthetic housing register and homelessness applications (DS-13, DS-14).

Counts are planned from ``data/synth/housing.yml`` (the 2024 counts at scale
1, scaled for other years and scales): applications with DVA points by age
band, and women's homelessness applications by domestic abuse flag; the
other characteristics are planned within the flagged and other groups.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from vawg.intake.contracts.housing import HOMELESSNESS, HOUSING_REGISTER
from vawg.running.synth.profile import value_for_year
from vawg.running.synth.tabular import COUNCIL_BOROUGH, generated_columns, ages_from_bands, category, dates_in, flagged, split_exact, write_csv

_STREAM = 61
REFERENCE_YEAR = 2024


def _part_of_year(year: int, period_end: dt.date, scale: float) -> tuple[float, dt.date]:
    last = min(dt.date(year, 12, 31), period_end)
    days = (dt.date(year + 1, 1, 1) - dt.date(year, 1, 1)).days
    return ((last - dt.date(year, 1, 1)).days + 1) / days * scale, last


def register_table(profile: Mapping, *, rng: np.random.Generator, scale: float, period_end: dt.date) -> pd.DataFrame:
    spec = profile["register"]
    frames = []
    for year in range(int(profile["first_year"]), period_end.year + 1):
        part, last = _part_of_year(year, period_end, scale)
        total = round(float(value_for_year(spec["applications"], year)) * part)
        dva = round(float(value_for_year(spec["dva_share"], year)) * total)
        by_age = split_exact(total, spec["applicants_by_age"])
        dva_by_age = split_exact(dva, spec["dva_by_age"])
        bands, is_dva = [], []
        for band, count in by_age.items():
            with_points = min(dva_by_age[band], count)
            bands += [band] * count
            is_dva += [True] * with_points + [False] * (count - with_points)
        is_dva = np.array(is_dva, dtype=bool)
        frame = pd.DataFrame({"application_date": rng.permutation(dates_in(year, last, total, rng)),
                              "band": bands, "dva_points": is_dva})
        frame["age"] = ages_from_bands(frame["band"].to_numpy(), spec["age_bands"], rng)
        sex = np.empty(total, dtype=object)
        for group, mask in (("dva", is_dva), ("other", ~is_dva)):
            n = int(mask.sum())
            sex[mask] = np.where(flagged(n, float(spec["female_share"][group]), rng), "Female", "Male")
        frame["applicant_sex"] = sex
        women_dva = (sex == "Female") & is_dva
        for column in ("ethnicity", "sexual_orientation", "employment_status"):
            values = np.empty(total, dtype=object)
            values[women_dva] = category(int(women_dva.sum()), spec["women_with_dva"][column], rng)
            values[~women_dva] = category(int((~women_dva).sum()), spec["others"][column], rng)
            frame[column] = values
        frame["household_size"] = category(total, {int(k): v for k, v in spec["household_size"].items()},
                                           rng).astype(int)
        frames.append(frame)
    table = pd.concat(frames, ignore_index=True).sort_values("application_date", kind="stable").reset_index(drop=True)
    table["application_id"] = [f"HR-{n:07d}" for n in range(1, len(table) + 1)]
    return table[generated_columns(HOUSING_REGISTER)]


def homelessness_table(profile: Mapping, *, rng: np.random.Generator, scale: float,
                       period_end: dt.date) -> pd.DataFrame:
    spec = profile["homelessness"]
    frames = []
    reference_women = float(spec["women"][REFERENCE_YEAR])
    for year in range(int(profile["first_year"]), period_end.year + 1):
        part, last = _part_of_year(year, period_end, scale)
        total = round(float(value_for_year(spec["applications"], year)) * part)
        women = min(round(float(value_for_year(spec["women"], year)) * part), total)
        ratio = women / reference_women if reference_women else 0
        main = round(spec["women_main_reason_da"] * ratio)
        support = round(spec["women_support_need_da"] * ratio)
        union = round(spec["women_main_or_support"] * ratio)
        any_flag = min(round(spec["women_any_flag"] * ratio), women)
        both = max(main + support - union, 0)
        # Women's applications in five groups: main reason only, both, support need only,
        # identified through the assessment only, none.
        groups = np.array(["main"] * (main - both) + ["both"] * both + ["support"] * (support - both)
                          + ["assessed"] * max(any_flag - union, 0), dtype=object)
        groups = np.concatenate([groups, np.full(max(women - len(groups), 0), "none", dtype=object)])[:women]
        men = total - women
        frame = pd.DataFrame({"group": np.concatenate([groups, np.full(men, "man", dtype=object)])})
        frame["applicant_sex"] = np.where(frame["group"] == "man", "Male", "Female")
        main_da = frame["group"].isin(["main", "both"]).to_numpy().copy()
        man = (frame["group"] == "man").to_numpy()
        main_da[man] = flagged(men, float(spec["men_main_reason_da_share"]), rng)
        reasons = np.empty(total, dtype=object)
        reasons[main_da] = "Domestic abuse"
        reasons[~main_da] = category(int((~main_da).sum()), spec["other_reasons"], rng)
        frame["main_reason"] = reasons
        needs = frame["group"].isin(["support", "both"]).to_numpy()
        support_need = np.empty(total, dtype=object)
        support_need[needs] = category(int(needs.sum()), spec["support_need_split"], rng)
        support_need[~needs] = category(int((~needs).sum()), {"None": 0.8, "Not assessed": 0.2}, rng)
        frame["support_need_domestic_abuse"] = support_need
        any_group = frame["group"].isin(["main", "both", "support", "assessed"]).to_numpy()
        assessed = (frame["group"] == "assessed").to_numpy() | (flagged(total, 0.4, rng) & any_group)
        frame["da_identified_through_assessment"] = assessed
        for name, mask in (("flagged", any_group), ("others", ~any_group)):
            n = int(mask.sum())
            weights = spec[name]
            single = flagged(n, float(weights["single"]), rng)
            children = np.zeros(n, dtype=np.int64)
            # A share of all the group's applications, all of them families.
            share_of_families = float(weights["with_children"]) * n / max(int((~single).sum()), 1)
            with_children = flagged(n, min(share_of_families, 1.0), rng, among=~single)
            children[with_children] = rng.integers(1, 4, int(with_children.sum()))
            frame.loc[mask, "household_type"] = np.where(single, "Single", "Family")
            frame.loc[mask, "dependent_children"] = children
            frame.loc[mask, "homeless_status"] = np.where(flagged(n, float(weights["already_homeless"]), rng),
                                                          "Homeless", "Threatened with homelessness")
        band = category(total, spec["age_weights"], rng)
        frame["age"] = ages_from_bands(band, spec["ages"], rng)
        frame["application_date"] = rng.permutation(dates_in(year, last, total, rng))
        frames.append(frame)
    table = pd.concat(frames, ignore_index=True).sort_values("application_date", kind="stable").reset_index(drop=True)
    table["application_id"] = [f"HA-{n:07d}" for n in range(1, len(table) + 1)]
    table["dependent_children"] = table["dependent_children"].astype(int)
    return table[generated_columns(HOMELESSNESS)]


def generate_housing(out_dir: Path, profile: Mapping, *, seed: int, scale: float,
                     period_end: dt.date, owner: str = COUNCIL_BOROUGH) -> dict[str, Path]:
    """Write ``housing/housing_register_applications.csv`` and ``housing/homelessness_applications.csv``."""
    rng = np.random.default_rng([seed, _STREAM])
    folder = Path(out_dir) / "housing"
    return {
        "housing_register": write_csv(register_table(profile, rng=rng, scale=scale, period_end=period_end),
                                      folder / "housing_register_applications.csv", owner=owner),
        "homelessness_applications": write_csv(homelessness_table(profile, rng=rng, scale=scale,
                                                                  period_end=period_end),
                                               folder / "homelessness_applications.csv", owner=owner),
    }
