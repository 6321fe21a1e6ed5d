"""Synthetic police VAWG victims (DS-02) and suspects (DS-03), drawn from the synthetic offences.

Every VAWG offence gets a female victim aged 10 or over (some a second victim)
and every VAWG offence with an identified suspect one to three suspects. The
numbers in each category are planned within each borough, year and crime
group (:func:`vawg.running.synth.apportion.planned_categories`), so calibrated shares
do not depend on the seed; only which record gets which value is drawn. The
parameters are in ``data/synth/police_people.yml``.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from vawg.running.synth.apportion import planned_categories

VICTIM_SCHEMA = pa.schema([
    ("victim_id", pa.string()),
    ("recorded_date", pa.date32()),
    ("borough_code", pa.string()),
    ("crime_group", pa.string()),
    ("victim_sex", pa.string()),
    ("victim_age", pa.int16()),
    ("victim_ethnicity", pa.string()),
])
SUSPECT_SCHEMA = pa.schema([
    ("recorded_date", pa.date32()),
    ("borough_code", pa.string()),
    ("ward_code", pa.string()),
    ("crime_group", pa.string()),
    ("crime_subgroup", pa.string()),
    ("vawg_offence_name", pa.string()),
    ("suspect_sex", pa.string()),
    ("suspect_age_band", pa.string()),
    ("suspect_ethnic_appearance", pa.string()),
    ("suspect_self_defined_ethnicity", pa.string()),
    ("known_to_victim", pa.bool_()),
])
OFFENCE_COLUMNS = ["recorded_date", "borough_code", "ward_code", "crime_group", "crime_subgroup",
                   "vawg_offence_name", "suspect_known_to_victim"]
_VICTIM_STREAM = 21
_SUSPECT_STREAM = 22


def read_vawg_offences(offences: Path) -> pd.DataFrame:
    """The VAWG offences of a synthetic (or delivered) extract, with their year."""
    table = pq.read_table(offences, columns=[*OFFENCE_COLUMNS, "vawg"], filters=[("vawg", "==", True)])
    frame = table.drop(["vawg"]).to_pandas()
    frame["recorded_date"] = pd.to_datetime(frame["recorded_date"])
    frame["year"] = frame["recorded_date"].dt.year
    return frame


def _weights(table: Mapping, group: str) -> np.ndarray:
    return np.asarray(table.get(group, table["default"]), dtype=float)


def _by_cell(frame: pd.DataFrame, keys: list[str]):
    """Positions of the rows of each (key...) cell, in a stable order."""
    codes = frame.groupby(keys, sort=True, observed=True).ngroup().to_numpy()
    order = np.argsort(codes, kind="stable")
    bounds = np.flatnonzero(np.diff(codes[order])) + 1
    return np.split(order, bounds)


def police_victims(offences: pd.DataFrame, profile: Mapping, seed: int) -> pd.DataFrame:
    """One row per victim of the given VAWG offences (columns of ``VICTIM_SCHEMA``)."""
    p = profile["victims"]
    rng = np.random.default_rng([seed, _VICTIM_STREAM])
    bands = list(p["age_bands"].values())
    n = len(offences)
    band = np.zeros(n, dtype=np.int64)
    ethnicity = np.zeros(n, dtype=np.int64)
    ethnic_names = list(p["ethnicity"])
    ethnic_weights = np.array(list(p["ethnicity"].values()), float)
    for positions in _by_cell(offences, ["borough_code", "year", "crime_group"]):
        group = offences["crime_group"].iloc[positions[0]]
        band[positions] = planned_categories(len(positions), _weights(p["age_weights"], group), rng)
    for positions in _by_cell(offences, ["borough_code", "year"]):
        ethnicity[positions] = planned_categories(len(positions), ethnic_weights, rng)
    age = _ages(band, bands, rng)
    first = pd.DataFrame({
        "recorded_date": offences["recorded_date"].to_numpy(),
        "borough_code": offences["borough_code"].to_numpy(),
        "crime_group": offences["crime_group"].to_numpy(),
        "victim_sex": "F",
        "victim_age": age,
        "victim_ethnicity": np.array(ethnic_names, dtype=object)[ethnicity],
    })
    # A second victim of some offences: any sex, any age.
    extra = np.flatnonzero(rng.random(n) < float(p["second_victim_share"]))
    sexes = list(p["second_victim_sex"])
    sex_p = np.array(list(p["second_victim_sex"].values()), float)
    second = first.iloc[extra].copy()
    second["victim_sex"] = np.array(sexes, dtype=object)[rng.choice(len(sexes), len(extra), p=sex_p / sex_p.sum())]
    second["victim_age"] = rng.integers(5, 80, len(extra))
    second["victim_ethnicity"] = np.array(ethnic_names, dtype=object)[
        rng.choice(len(ethnic_names), len(extra), p=ethnic_weights / ethnic_weights.sum())]
    victims = pd.concat([first, second], ignore_index=True).sort_values("recorded_date", kind="stable")
    victims.insert(0, "victim_id", [f"V{i:09d}" for i in range(1, len(victims) + 1)])
    victims["victim_age"] = victims["victim_age"].astype("Int16")
    return victims.reset_index(drop=True)


def _ages(band: np.ndarray, bands: list, rng: np.random.Generator) -> np.ndarray:
    low = np.array([b[0] if b else -1 for b in bands])[band]
    high = np.array([b[1] if b else -1 for b in bands])[band]
    ages = low + (rng.random(len(band)) * (high - low + 1)).astype(np.int64)
    return pd.array(np.where(low < 0, np.nan, ages), dtype="Int16")


def police_suspects(offences: pd.DataFrame, profile: Mapping, seed: int) -> pd.DataFrame:
    """One row per suspect of the given VAWG offences that have an identified suspect."""
    p = profile["suspects"]
    rng = np.random.default_rng([seed, _SUSPECT_STREAM])
    with_suspect = offences[offences["suspect_known_to_victim"].notna()].reset_index(drop=True)
    copies = np.ones(len(with_suspect), dtype=np.int64)
    for positions in _by_cell(with_suspect, ["borough_code", "year"]):
        several = round(float(p["several_suspects_share"]) * len(positions))
        chosen = rng.choice(positions, several, replace=False)
        three = round(float(p["three_suspects_share"]) * several)
        copies[chosen[:three]] = 3
        copies[chosen[three:]] = 2
    suspects = with_suspect.loc[np.repeat(np.arange(len(with_suspect)), copies)].reset_index(drop=True)
    n = len(suspects)
    sex = np.empty(n, dtype=object)
    age = np.empty(n, dtype=object)
    for positions in _by_cell(suspects, ["borough_code", "year", "crime_group"]):
        group = suspects["crime_group"].iloc[positions[0]]
        sexes = p["sex"].get(group, p["sex"]["default"])
        sex[positions] = np.array(list(sexes), dtype=object)[
            planned_categories(len(positions), np.array(list(sexes.values()), float), rng)]
        age[positions] = np.array(p["age_bands"], dtype=object)[
            planned_categories(len(positions), _weights(p["age_weights"], group), rng)]
    appearance = np.empty(n, dtype=object)
    self_defined = np.empty(n, dtype=object)
    for positions in _by_cell(suspects, ["borough_code", "year"]):
        for target, table in ((appearance, p["ethnic_appearance"]), (self_defined, p["self_defined_ethnicity"])):
            target[positions] = np.array(list(table), dtype=object)[
                planned_categories(len(positions), np.array(list(table.values()), float), rng)]
    return pd.DataFrame({
        "recorded_date": suspects["recorded_date"].to_numpy(),
        "borough_code": suspects["borough_code"].to_numpy(),
        "ward_code": suspects["ward_code"].to_numpy(),
        "crime_group": suspects["crime_group"].to_numpy(),
        "crime_subgroup": suspects["crime_subgroup"].to_numpy(),
        "vawg_offence_name": suspects["vawg_offence_name"].to_numpy(),
        "suspect_sex": sex,
        "suspect_age_band": age,
        "suspect_ethnic_appearance": appearance,
        "suspect_self_defined_ethnicity": self_defined,
        "known_to_victim": (suspects["suspect_known_to_victim"] == "Known to victim").to_numpy(),
    })


def generate_police_people(offences: Path, victims_path: Path, suspects_path: Path, *, profile: Mapping,
                           seed: int) -> tuple[Path, Path]:
    """Write the victims and suspects extracts (Parquet) of a synthetic offence extract."""
    vawg = read_vawg_offences(offences)
    for path, frame, schema in ((victims_path, police_victims(vawg, profile, seed), VICTIM_SCHEMA),
                                (suspects_path, police_suspects(vawg, profile, seed), SUSPECT_SCHEMA)):
        frame = frame.copy()
        frame["recorded_date"] = frame["recorded_date"].dt.date
        table = pa.Table.from_pandas(frame, schema=schema, preserve_index=False)
        pq.write_table(table, path, compression="zstd")
    return victims_path, suspects_path
