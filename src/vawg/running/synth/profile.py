"""Load the synthetic profile and the reference lookups it refers to.

The profile (``data/synth/police_profile.yml``) holds every tunable number;
the reference lookups (``data/reference/*.csv``, read through
:mod:`vawg.foundations.reference`) hold the crime categorisation and the abuse-type rules
the analysis also uses. Loading checks that the two agree, so a typo in the
profile stops the generator with a clear message instead of producing quietly
wrong data.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import yaml

from vawg.foundations import reference as reference_files
from vawg.foundations.errors import DataError
from vawg.foundations.paths import project_root

POLICE_FORCE = "Metropolitan Police Service"


def default_profile_path() -> Path:
    """The project's synthetic profile, ``data/synth/police_profile.yml``."""
    return project_root() / "data" / "synth" / "police_profile.yml"


@dataclass(frozen=True)
class ReferenceData:
    """The reference lookups the generator needs (treat the frames as read-only).

    Attributes
    ----------
    boroughs : pandas.DataFrame
        ``borough_code, borough_name, police_force`` for the 33 London areas.
    categorisation : pandas.DataFrame
        ``crime_group, crime_subgroup, vawg_offence_name`` (name missing for
        offences in a subgroup that carry no VAWG offence name).
    abuse_type_offences : pandas.DataFrame
        ``abuse_type, vawg_offence_name``: the names that set each derived flag.
    abuse_types : pandas.DataFrame
        ``abuse_type, rule, extract_field, ...``: how each abuse type is set.
    """

    boroughs: pd.DataFrame
    categorisation: pd.DataFrame
    abuse_type_offences: pd.DataFrame
    abuse_types: pd.DataFrame

    @property
    def police_boroughs(self) -> pd.DataFrame:
        """The boroughs the Metropolitan Police Service covers, in code order."""
        mps = self.boroughs[self.boroughs["police_force"] == POLICE_FORCE]
        return mps.sort_values("borough_code").reset_index(drop=True)


def load_reference() -> ReferenceData:
    """Read the reference lookups from the project's ``data/reference`` folder."""
    return ReferenceData(
        boroughs=reference_files.boroughs(),
        categorisation=reference_files.crime_categorisation(),
        abuse_type_offences=reference_files.abuse_type_offences(),
        abuse_types=reference_files.abuse_types(),
    )


def load_profile(path: Path | None = None, reference: ReferenceData | None = None) -> dict:
    """Read the synthetic profile and check it against the reference lookups.

    Parameters
    ----------
    path : pathlib.Path, optional
        Profile YAML; defaults to :func:`default_profile_path`.
    reference : ReferenceData, optional
        Lookups to check against; read with :func:`load_reference` if omitted.

    Returns
    -------
    dict
        The parsed profile.

    Raises
    ------
    vawg.foundations.errors.DataError
        If the file is missing or names a borough, abuse type, offence name or
        subgroup the reference lookups do not know.
    """
    path = default_profile_path() if path is None else Path(path)
    if not path.exists():
        raise DataError(f"synthetic profile {path} is missing")
    with path.open(encoding="utf-8") as handle:
        profile = yaml.safe_load(handle)
    lookups = load_reference() if reference is None else reference
    _check_profile(profile, lookups, path)
    return profile


def load_source_profile(name: str, directory: Path | None = None) -> dict:
    """Read ``data/synth/<name>.yml``, the parameters of one synthetic source other than the police offences.

    Raises
    ------
    vawg.foundations.errors.DataError
        If the file is missing or is not a YAML mapping.
    """
    path = (directory or default_profile_path().parent) / f"{name}.yml"
    if not path.exists():
        raise DataError(f"synthetic profile {path} is missing")
    with path.open(encoding="utf-8") as handle:
        profile = yaml.safe_load(handle)
    if not isinstance(profile, dict):
        raise DataError(f"{path}: expected a mapping of parameters")
    return profile


def value_for_year(table: Mapping[int, object], year: int) -> object:
    """Value of a year-keyed profile table; years outside it take the nearest listed year."""
    years = sorted(table)
    return table[min(max(year, years[0]), years[-1])]


def parse_subgroup_key(key: str) -> tuple[str, str]:
    """Split a ``"Group / Subgroup"`` profile key into its two parts."""
    group, _, subgroup = key.partition(" / ")
    return group, subgroup


def _check_profile(profile: Mapping, reference: ReferenceData, path: Path) -> None:
    """Raise DataError on the first thing in the profile the lookups contradict."""

    def fail(message: str) -> None:
        raise DataError(f"{path}: {message}")

    mps_codes = set(reference.police_boroughs["borough_code"])
    if set(profile["boroughs"]) != mps_codes:
        fail(f"boroughs must be exactly the {len(mps_codes)} MPS boroughs in boroughs.csv")
    areas = set(profile["population"]["areas"])
    if areas != set(reference.boroughs["borough_code"]):
        fail("population areas must be exactly the areas in boroughs.csv")

    known_types = set(reference.abuse_types["abuse_type"])
    composition = profile["composition"]
    entries = [composition["default"], *composition.get("boroughs", {}).values()]
    for entry in entries:
        for shares in [entry["base"], *entry.get("years", {}).values()]:
            unknown = set(shares) - known_types
            if unknown:
                fail(f"unknown abuse types in composition: {sorted(unknown)}")
    unknown_boroughs = set(composition.get("boroughs", {})) - mps_codes
    if unknown_boroughs:
        fail(f"composition for unknown boroughs: {sorted(unknown_boroughs)}")

    named = reference.categorisation.dropna(subset=["vawg_offence_name"])
    profiled = set(profile["vawg_offences"]["names"])
    missing = set(named["vawg_offence_name"]) - profiled
    extra = profiled - set(named["vawg_offence_name"])
    if missing or extra:
        fail(
            f"vawg_offences.names must list every VAWG offence name; missing {sorted(missing)}, unknown {sorted(extra)}"
        )
    for flag, carrier in profile["extract_flag_carriers"].items():
        name = carrier.get("offence_name")
        if name is not None and name not in profiled:
            fail(f"carrier of {flag} names an unknown offence: {name!r}")

    pairs = set(zip(reference.categorisation["crime_group"], reference.categorisation["crime_subgroup"], strict=True))
    unnamed = reference.categorisation[reference.categorisation["vawg_offence_name"].isna()]
    unnamed_pairs = set(zip(unnamed["crime_group"], unnamed["crime_subgroup"], strict=True))
    for key in profile["vawg_offences"]["unnamed"]["subgroups"]:
        if parse_subgroup_key(key) not in unnamed_pairs:
            fail(f"unnamed VAWG subgroup {key!r} has no no-name row in the crime categorisation")
    mix = profile["crime_mix"]
    keys = [key for table in mix["other_subgroups"].values() for key in table]
    for key in keys:
        if parse_subgroup_key(key) not in pairs:
            fail(f"unknown crime subgroup {key!r}")
    for group, subgroups in mix["vawg_group_subgroups"].items():
        for subgroup in subgroups:
            if (group, subgroup) not in pairs:
                fail(f"unknown crime subgroup {group} / {subgroup}")
    heavy_groups = {group for table in mix["vawg_share_of_group"].values() for group in table}
    if heavy_groups != set(mix["vawg_group_subgroups"]):
        fail("vawg_share_of_group and vawg_group_subgroups must name the same groups")
    for key in keys:
        if parse_subgroup_key(key)[0] in heavy_groups:
            fail(f"{key!r} is sized from its VAWG offences; it cannot also be in other_subgroups")
