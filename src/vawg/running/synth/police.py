"""Synthetic Metropolitan Police Service extract: one row per recorded offence.

Counts are planned, not sampled: for each borough and year the profile's rates
and the mid-year population give the number of VAWG and of all offences; the
composition solver names the VAWG offences so the abuse-type shares hold; the
rest of the borough's crime fills the other categories. Only the detail is
random: how a class's exact count rounds over its names and subgroups, which
offences fall in each month, the day, the ward and the order of the ids. So
the calibrated aggregates do not depend on the seed, and the same seed always
gives the same file.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from vawg.intake.contracts.police import OUTCOME_CATEGORIES
from vawg.running.synth.apportion import apportion
from vawg.running.synth.composition import (
    DOMESTIC_FLAG,
    TOTAL,
    VawgComposer,
    allocate_targets,
    offence_type_table,
    unnamed_offence_types,
)
from vawg.running.synth.outcomes import KNOWN, RELATIONSHIP_VALUES, OutcomePlanner
from vawg.running.synth.profile import ReferenceData, parse_subgroup_key, value_for_year
from vawg.running.synth.wards import WardSampler

OFFENCE_SCHEMA = pa.schema(
    [
        ("offence_id", pa.string()),
        ("recorded_date", pa.date32()),
        ("borough_code", pa.string()),
        ("borough_name", pa.string()),
        ("ward_code", pa.string()),
        ("ward_name", pa.string()),
        ("crime_group", pa.string()),
        ("crime_subgroup", pa.string()),
        ("vawg_offence_name", pa.string()),
        ("vawg", pa.bool_()),
        ("dva_flag", pa.bool_()),
        ("fgm_flag", pa.bool_()),
        ("forced_marriage_flag", pa.bool_()),
        ("hbv_flag", pa.bool_()),
        ("outcome_category", pa.string()),
        ("outcome_known", pa.bool_()),
        ("suspect_known_to_victim", pa.string()),
    ]
)
FLAG_COLUMNS = ["dva_flag", "fgm_flag", "forced_marriage_flag", "hbv_flag"]
OFFENCE_ID_PREFIX = "MPS"
OFFENCE_ID_DIGITS = 10
# Independent random streams, so changing one part never shifts another.
_WARD_STREAM = 1
_OFFENCE_STREAM = 2
_OUTCOME_STREAM = 3


def generate_police_offences(
    path: Path,
    *,
    profile: Mapping,
    reference: ReferenceData,
    population: pd.DataFrame,
    wards: pd.DataFrame,
    seed: int,
    scale: float,
    start_year: int,
    period_end: dt.date,
    outcomes: Mapping,
) -> Path:
    """Write the synthetic offence extract as parquet.

    Parameters
    ----------
    path : pathlib.Path
        Parquet file to write (its folder must exist).
    profile : Mapping
        The synthetic profile.
    reference : ReferenceData
        Reference lookups.
    population : pandas.DataFrame
        Mid-year estimates from :func:`vawg.running.synth.population.synthesise_population`,
        covering ``start_year - 1`` to ``period_end.year - 1``.
    wards : pandas.DataFrame
        ``ward_code, ward_name, borough_code`` for every police borough.
    seed : int
        Seed of the record-level detail.
    scale : float
        Multiplies every count.
    start_year : int
        First year of recording (from 1 January).
    period_end : datetime.date
        Last date of recording.
    outcomes : Mapping
        The outcome profile, ``data/synth/police_outcomes.yml``.

    Returns
    -------
    pathlib.Path
        ``path``.
    """
    planner = _OffencePlanner(profile, reference, population, wards, seed, scale, outcomes)
    next_id = 1
    with pq.ParquetWriter(path, OFFENCE_SCHEMA, compression="zstd") as writer:
        for year in range(start_year, period_end.year + 1):
            table = planner.year_table(year, period_end, next_id)
            next_id += table.num_rows
            writer.write_table(table)
    return path


class _OffencePlanner:
    """Plans and draws one year of offences at a time."""

    def __init__(
        self,
        profile: Mapping,
        reference: ReferenceData,
        population: pd.DataFrame,
        wards: pd.DataFrame,
        seed: int,
        scale: float,
        outcomes: Mapping,
    ):
        self.profile = profile
        self.seed = seed
        self.scale = scale
        self.boroughs = reference.police_boroughs
        self.codes = self.boroughs["borough_code"].tolist()
        self.offence_types = offence_type_table(reference.categorisation)
        self.composer = VawgComposer(profile, reference, self.offence_types)
        self.unnamed_type = unnamed_offence_types(self.offence_types)
        self.profiled_years = sorted(
            {year for borough in profile["boroughs"].values() for year in borough["vawg_rate"]}
        )

        by_area = population.groupby(["area_code", "year", "sex"])["population"].sum()
        self.female = by_area.xs("F", level="sex")
        self.residents = by_area.groupby(level=["area_code", "year"]).sum()

        self.wards = wards.reset_index(drop=True)
        ward_borough = self.wards["borough_code"].map({code: i for i, code in enumerate(self.codes)}).to_numpy()
        self.ward_sampler = WardSampler(
            ward_borough,
            float(profile["wards"]["weight_shape"]),
            np.random.default_rng([seed, _WARD_STREAM]),
        )

        types = self.offence_types
        self.type_group = types["crime_group"].to_numpy()
        self.type_name = np.array([None if pd.isna(name) else name for name in types["vawg_offence_name"]])
        # Number each distinct set of name-based abuse types, to compare offences by it.
        abuse_sets = sorted({frozenset(), *self.composer.name_profile.values()}, key=sorted)
        self.type_abuse_set = np.array(
            [abuse_sets.index(self.composer.name_profile.get(name, frozenset())) for name in self.type_name]
        )
        mix = profile["crime_mix"]
        domestic = mix["non_vawg_domestic_share"]
        self.non_vawg_domestic_share = np.array(
            [float(domestic["groups"].get(group, domestic["default"])) for group in self.type_group]
        )
        self.carriers = self._carriers(profile["extract_flag_carriers"], reference)
        abuse_types = {abuse for types in self.composer.name_profile.values() for abuse in types}
        type_abuse = {abuse: np.array([abuse in self.composer.name_profile.get(name, frozenset())
                                       for name in self.type_name]) for abuse in abuse_types}
        self.outcomes = OutcomePlanner(outcomes, self.type_group, type_abuse)

    def _carriers(self, section: Mapping, reference: ReferenceData) -> list[dict]:
        """Flag, abuse type and carrier offence type of each police flag put on afterwards."""
        field_type = dict(zip(reference.abuse_types["extract_field"], reference.abuse_types["abuse_type"], strict=True))
        carriers = []
        for flag, carrier in section.items():
            name = carrier.get("offence_name")
            carrier_type = None if name is None else int(np.flatnonzero(self.type_name == name)[0])
            carriers.append(
                {
                    "flag": flag,
                    "abuse_type": field_type[flag],
                    "offence_type": carrier_type,
                    "prefer_domestic": bool(carrier.get("prefer_domestic", False)),
                }
            )
        return carriers

    # -- planning -----------------------------------------------------------------

    def _profile_year(self, year: int) -> int:
        """The profiled year whose parameters a year of recording uses."""
        return min(max(year, self.profiled_years[0]), self.profiled_years[-1])

    def _shares(self, code: str, year: int) -> dict[str, float]:
        """Abuse-type shares of a borough's VAWG offences in a year."""
        composition = self.profile["composition"]
        profile_year = self._profile_year(year)
        shares: dict[str, float] = {}
        for entry in (composition["default"], composition.get("boroughs", {}).get(code)):
            if entry is not None:
                shares.update(entry["base"])
                shares.update(entry.get("years", {}).get(profile_year, {}))
        return shares

    def _counts(self, code: str, year: int) -> tuple[int, int]:
        """VAWG offences and all offences of a borough in a year."""
        rates = self.profile["boroughs"][code]
        vawg_rate = float(value_for_year(rates["vawg_rate"], year))
        all_rate = float(value_for_year(rates["all_crime_rate"], year))
        # Offences recorded in year Y are counted against the mid-year Y-1 population.
        vawg = round(vawg_rate * self.female[(code, year - 1)] / 1000 * self.scale)
        everything = round(all_rate * self.residents[(code, year - 1)] / 1000 * self.scale)
        return vawg, everything

    def year_table(self, year: int, period_end: dt.date, first_id: int) -> pa.Table:
        """All offences recorded in one year (up to ``period_end``) as an Arrow table."""
        counts = {code: self._counts(code, year) for code in self.codes}
        targets = allocate_targets(
            {code: vawg for code, (vawg, _) in counts.items()},
            {code: self._shares(code, year) for code in self.codes},
        )
        parts = [
            self._borough_year(number, code, year, targets[code], counts[code][1])
            for number, code in enumerate(self.codes)
        ]
        rows = {column: np.concatenate([part[column] for part in parts]) for column in parts[0]}
        keep = rows["date"] <= np.datetime64(period_end)
        order = np.argsort(rows["date"][keep], kind="stable")
        rows = {column: values[keep][order] for column, values in rows.items()}
        return self._to_arrow(rows, first_id)

    def _borough_year(self, number: int, code: str, year: int, targets: Mapping[str, int], all_total: int) -> dict:
        """Offences of one borough in one year, as column arrays."""
        rng = np.random.default_rng([self.seed, _OFFENCE_STREAM, year, number])
        solver_targets = {name: targets[name] for name in self.composer.target_names}
        vawg_type, vawg_domestic = self.composer.compose(solver_targets, rng)
        vawg_flags = {flag: np.zeros(len(vawg_type), dtype=bool) for flag in FLAG_COLUMNS}
        vawg_flags[DOMESTIC_FLAG] = vawg_domestic
        for carrier in self.carriers:
            self._put_flag(carrier, targets.get(carrier["abuse_type"], 0), vawg_type, vawg_flags, rng)

        other_type = self._other_offences(code, vawg_type, all_total - targets[TOTAL], rng)
        other_flags = {flag: np.zeros(len(other_type), dtype=bool) for flag in FLAG_COLUMNS}
        other_flags[DOMESTIC_FLAG] = rng.random(len(other_type)) < self.non_vawg_domestic_share[other_type]
        # Outcomes draw from their own stream, so they never move the offences themselves.
        outcome_rng = np.random.default_rng([self.seed, _OUTCOME_STREAM, year, number])
        vawg_outcome, vawg_relationship = self.outcomes.vawg_offences(code, vawg_type, vawg_flags[DOMESTIC_FLAG],
                                                                      outcome_rng)
        other_outcome, other_relationship = self.outcomes.other_offences(len(other_type), outcome_rng)

        # Shuffle each set, then cut it into months by the planned monthly counts,
        # so monthly totals follow the profile's shape and the mix is random within it.
        vawg_order = rng.permutation(len(vawg_type))
        other_order = rng.permutation(len(other_type))
        months = np.concatenate(
            [
                self._months(len(vawg_type), self._vawg_month_weights(code, year)),
                self._months(len(other_type), self._other_month_weights(year)),
            ]
        )
        month_starts, month_lengths = _calendar(year)
        days = (rng.random(len(months)) * month_lengths[months]).astype(np.int64)
        borough = np.full(len(months), number, dtype=np.int16)
        return {
            "date": month_starts[months] + days,
            "borough": borough,
            "ward": self.ward_sampler.sample(borough, rng),
            "offence_type": np.concatenate([vawg_type[vawg_order], other_type[other_order]]),
            "vawg": np.concatenate([np.ones(len(vawg_type), bool), np.zeros(len(other_type), bool)]),
            **{
                flag: np.concatenate([vawg_flags[flag][vawg_order], other_flags[flag][other_order]])
                for flag in FLAG_COLUMNS
            },
            "outcome": np.concatenate([vawg_outcome[vawg_order], other_outcome[other_order]]),
            "relationship": np.concatenate([vawg_relationship[vawg_order], other_relationship[other_order]]),
        }

    def _put_flag(
        self, carrier: Mapping, count: int, offence_type: np.ndarray, flags: dict, rng: np.random.Generator
    ) -> None:
        """Flag ``count`` VAWG offences, renaming carriers where the profile names one."""
        if count == 0:
            return
        preferred = np.zeros(len(offence_type), dtype=bool)
        if carrier["offence_type"] is not None:
            # Same abuse types as the carrier name, so renaming leaves the type counts alone.
            carrier_set = self.type_abuse_set[carrier["offence_type"]]
            preferred = (self.type_abuse_set[offence_type] == carrier_set) & ~flags[carrier["flag"]]
        elif carrier["prefer_domestic"]:
            preferred = flags[DOMESTIC_FLAG].copy()
        chosen = _choose(rng, np.flatnonzero(preferred), count)
        if carrier["offence_type"] is not None:
            offence_type[chosen] = carrier["offence_type"]
        rest = np.flatnonzero(~preferred & ~flags[carrier["flag"]])
        chosen = np.concatenate([chosen, _choose(rng, rest, count - len(chosen))])
        flags[carrier["flag"]][chosen] = True

    def _other_offences(
        self, code: str, vawg_type: np.ndarray, other_total: int, rng: np.random.Generator
    ) -> np.ndarray:
        """Offence types of the borough's non-VAWG offences (group sizes exact, subgroups rounded at random)."""
        mix = self.profile["crime_mix"]
        share_of_group = mix["vawg_share_of_group"].get(code, mix["vawg_share_of_group"]["default"])
        vawg_group = self.type_group[vawg_type]
        type_parts, count_parts = [], []
        for group, share in share_of_group.items():
            vawg_in_group = int(np.count_nonzero(vawg_group == group))
            other_in_group = round(vawg_in_group / float(share)) - vawg_in_group
            subgroups = mix["vawg_group_subgroups"][group]
            type_parts.append([self.unnamed_type[(group, subgroup)] for subgroup in subgroups])
            count_parts.append(apportion(max(other_in_group, 0), np.array(list(subgroups.values()), float), rng))
        # Never negative: a profile whose all-crime rate is too low for its VAWG
        # offences gets no further offences rather than a failure at small scales.
        remaining = max(other_total - int(sum(part.sum() for part in count_parts)), 0)
        other_mix = mix["other_subgroups"].get(code, mix["other_subgroups"]["default"])
        type_parts.append([self.unnamed_type[parse_subgroup_key(key)] for key in other_mix])
        count_parts.append(apportion(remaining, np.array(list(other_mix.values()), float), rng))
        return np.repeat(np.concatenate(type_parts), np.concatenate(count_parts)).astype(np.int16)

    # -- months ---------------------------------------------------------------------

    @staticmethod
    def _months(count: int, weights: np.ndarray) -> np.ndarray:
        """Month index (0-11) of each of ``count`` offences, in month order."""
        return np.repeat(np.arange(12), apportion(count, weights))

    def _vawg_month_weights(self, code: str, year: int) -> np.ndarray:
        """Relative size of each month's VAWG offences: days x seasonality x within-year trend."""
        monthly = self.profile["monthly"]
        changes = monthly["vawg_within_year_change"]
        change = float({**changes["default"], **changes.get(code, {})}.get(year, 0.0))
        trend = 1.0 + change * np.arange(12) / 11
        return _calendar(year)[1] * np.array(monthly["vawg_seasonality"], float) * trend

    def _other_month_weights(self, year: int) -> np.ndarray:
        """Relative size of each month's other offences: days x seasonality x lockdown factors."""
        monthly = self.profile["monthly"]
        factors = monthly.get("other_month_factors", {})
        month_factor = np.array([float(factors.get(f"{year}-{month:02d}", 1.0)) for month in range(1, 13)])
        return _calendar(year)[1] * np.array(monthly["other_seasonality"], float) * month_factor

    # -- output -----------------------------------------------------------------------

    def _to_arrow(self, rows: Mapping[str, np.ndarray], first_id: int) -> pa.Table:
        """Arrow table in the extract's schema from planned column arrays."""

        def lookup(values, index) -> pa.Array:
            return pa.array(list(values), pa.string()).take(pa.array(index))

        ids = pa.array(np.arange(first_id, first_id + len(rows["date"]), dtype=np.int64)).cast(pa.string())
        offence_id = pc.binary_join_element_wise(OFFENCE_ID_PREFIX, pc.utf8_lpad(ids, OFFENCE_ID_DIGITS, "0"), "")
        types = self.offence_types
        columns = {
            "offence_id": offence_id,
            "recorded_date": pa.array(rows["date"].astype("datetime64[D]")),
            "borough_code": lookup(self.codes, rows["borough"]),
            "borough_name": lookup(self.boroughs["borough_name"], rows["borough"]),
            "ward_code": lookup(self.wards["ward_code"], rows["ward"]),
            "ward_name": lookup(self.wards["ward_name"], rows["ward"]),
            "crime_group": lookup(types["crime_group"], rows["offence_type"]),
            "crime_subgroup": lookup(types["crime_subgroup"], rows["offence_type"]),
            "vawg_offence_name": lookup(self.type_name, rows["offence_type"]),
            "vawg": pa.array(rows["vawg"]),
            **{flag: pa.array(rows[flag]) for flag in FLAG_COLUMNS},
            "outcome_category": lookup(OUTCOME_CATEGORIES, rows["outcome"]),
            "outcome_known": pa.array(KNOWN[rows["outcome"]]),
            "suspect_known_to_victim": lookup(RELATIONSHIP_VALUES, rows["relationship"]),
        }
        return pa.table(columns, schema=OFFENCE_SCHEMA)


def _calendar(year: int) -> tuple[np.ndarray, np.ndarray]:
    """First day (datetime64[D]) and number of days of each month of a year."""
    bounds = np.arange(f"{year}-01", f"{year + 1}-02", dtype="datetime64[M]").astype("datetime64[D]")
    return bounds[:-1], np.diff(bounds).astype(np.int64)


def _choose(rng: np.random.Generator, candidates: np.ndarray, count: int) -> np.ndarray:
    """Up to ``count`` distinct candidates at random."""
    count = min(count, len(candidates))
    if count <= 0:
        return np.zeros(0, dtype=np.int64)
    return rng.choice(candidates, size=count, replace=False)
