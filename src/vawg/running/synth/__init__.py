"""Seeded, calibrated synthetic data standing in for the confidential extracts.

The default output reproduces the figures the reference edition (Camden's
2025 VAWG needs assessment) quotes, for every source it draws on; the
calibration targets are in ``data/calibration/targets.csv``. The parameters
live in ``data/synth/``: ``police_profile.yml`` for the offences and
population, and one ``<source>.yml`` for each other source. Every extract
meets its contract in :mod:`vawg.intake.contracts` without repairs.

Examples
--------
>>> from pathlib import Path
>>> from vawg.running.synth import generate
>>> paths = generate(Path("data/raw"), scale=0.02)  # doctest: +SKIP
>>> sorted(paths)[:4]  # doctest: +SKIP
['asc_safeguarding', 'csn_intake_forms', 'csn_risk_checklists', 'csn_workflows']
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from pathlib import Path

from vawg.analysis.borough_notices import write_synthetic_marker
from vawg.foundations.errors import ParameterError
from vawg.foundations.reference import open_data_dir
from vawg.running.synth.adults import generate_adults
from vawg.running.synth.children import generate_children
from vawg.running.synth.csn import generate_csn
from vawg.running.synth.housing import generate_housing
from vawg.running.synth.nhs_fgm import generate_nhs_fgm
from vawg.running.synth.marac import generate_marac
from vawg.running.synth.police import OFFENCE_SCHEMA, generate_police_offences
from vawg.running.synth.police_people import generate_police_people
from vawg.running.synth.population import synthesise_population
from vawg.running.synth.profile import load_profile, load_reference, load_source_profile
from vawg.running.synth.safety_bus import generate_safety_bus
from vawg.running.synth.victim_support import generate_victim_support
from vawg.running.synth.wards import load_wards

__all__ = ["COUNCIL_AREA_CODE", "OFFENCE_SCHEMA", "SOURCES", "generate"]

# The borough whose council services' data the synthetic set includes: the one the
# reference edition describes (Camden). Other boroughs have police data only.
COUNCIL_AREA_CODE = "E09000007"


# The sources after the police offences, population and wards, in the order they are made.
SOURCES = ("police_people", "csn", "marac", "children", "adult_safeguarding", "housing", "safety_bus",
           "victim_support", "nhs_fgm")


def generate(
    out_dir: Path,
    *,
    seed: int = 2025,
    scale: float = 1.0,
    start_year: int = 2019,
    period_end: dt.date = dt.date(2024, 12, 31),
    reference_dir: Path | None = None,
    synthetic_wards: bool = False,
    profile_path: Path | None = None,
    only: Collection[str] | None = None,
) -> dict[str, Path]:
    """Write every synthetic extract: police, population and wards, council services, published aggregates.

    Parameters
    ----------
    out_dir : pathlib.Path
        Folder to write into (created if needed), laid out as ``vawg build``
        reads a data folder (one sub-folder per source).
    seed : int, default 2025
        Seed of the record-level detail (days, wards, order). The same seed
        and arguments give byte-identical files; calibrated counts do not
        depend on it.
    scale : float, default 1.0
        Multiplies every count; 1.0 is about 0.9 million offences a year
        London-wide and the reference edition's service volumes, 0.02 makes a
        small extract for tests.
    start_year : int, default 2019
        First year of police recording (from 1 January).
    period_end : datetime.date, default 2024-12-31
        Last date of every extract.
    reference_dir : pathlib.Path, optional
        Folder of open geography data whose ``geo/london_wards_2022_lookup.csv``
        gives the real 2022 wards the offences are placed in (default: the
        shipped ``data/open/``).
    synthetic_wards : bool, default False
        Invent wards instead (codes ``SYNW…``, names such as "Camden ward
        01"), which match no ONS ward: the build then draws tile maps.
    profile_path : pathlib.Path, optional
        Synthetic profile to use instead of ``data/synth/police_profile.yml``
        (the other sources' profiles are always ``data/synth/<source>.yml``).
    only : collection of str, optional
        Make only these of :data:`SOURCES` after the police offences,
        population and wards (default: all).

    Returns
    -------
    dict[str, pathlib.Path]
        Each extract's name (as its contract in :mod:`vawg.intake.contracts`) and
        file: ``police_offences`` (``police_offences/police_offences.parquet``),
        ``population`` (``population/population.csv``), ``wards``
        (``wards.csv``), ``police_victims``, ``police_suspects``, the council's
        ``csn_*``, ``marac``, ``cssw_forms``, ``early_help_forms``,
        ``asc_safeguarding``, ``housing_register``,
        ``homelessness_applications`` and ``safety_bus_contacts`` (for
        Camden only, the borough the reference edition describes), and
        ``victim_support`` (every borough) and ``nhs_fgm`` (once a reporting
        year has ended).

    Raises
    ------
    vawg.foundations.errors.ParameterError
        If ``scale`` is not positive, the period is empty or ``only`` names an
        unknown source.
    vawg.foundations.errors.DataError
        If a profile, a reference lookup or the ward lookup is missing or
        inconsistent.
    """
    if not scale > 0:
        raise ParameterError(f"scale must be positive, got {scale}")
    if period_end < dt.date(start_year, 1, 1):
        raise ParameterError(f"period_end {period_end} is before the start year {start_year}")
    wanted = set(SOURCES if only is None else only)
    if wanted - set(SOURCES):
        raise ParameterError(f"unknown synthetic sources {sorted(wanted - set(SOURCES))}; choose from {SOURCES}")

    out_dir = Path(out_dir)
    reference = load_reference()
    profile = load_profile(profile_path, reference)
    area_names = dict(zip(reference.boroughs["borough_code"], reference.boroughs["borough_name"], strict=True))
    # Offences recorded in year Y are rated against the mid-year Y-1 estimate.
    population = synthesise_population(profile["population"], area_names, range(start_year - 1, period_end.year))
    ward_source = None if synthetic_wards else Path(reference_dir) if reference_dir else open_data_dir()
    wards = load_wards(reference.police_boroughs, ward_source, int(profile["wards"]["synthetic_per_borough"]))

    paths = {
        "police_offences": out_dir / "police_offences" / "police_offences.parquet",
        "population": out_dir / "population" / "population.csv",
        "wards": out_dir / "wards.csv",
    }
    for path in paths.values():
        path.parent.mkdir(parents=True, exist_ok=True)
    population.to_csv(paths["population"], index=False)
    wards.to_csv(paths["wards"], index=False)
    generate_police_offences(
        paths["police_offences"],
        profile=profile,
        reference=reference,
        population=population,
        wards=wards,
        seed=seed,
        scale=scale,
        start_year=start_year,
        period_end=period_end,
        outcomes=load_source_profile("police_outcomes"),
    )
    common = {"scale": scale, "period_end": period_end}
    police_codes = reference.police_boroughs["borough_code"].tolist()
    steps = {
        "police_people": lambda: _police_people(out_dir, paths["police_offences"], seed),
        # Council services' own data: only the borough the reference edition describes has it.
        "csn": lambda: generate_csn(out_dir, load_source_profile("csn"), seed=seed, **common),
        "marac": lambda: generate_marac(out_dir, load_source_profile("marac"), population,
                                        area_code=COUNCIL_AREA_CODE, **common),
        "children": lambda: generate_children(out_dir, load_source_profile("children"), seed=seed, **common),
        "adult_safeguarding": lambda: generate_adults(out_dir, load_source_profile("adult_safeguarding"), seed=seed,
                                                      **common),
        "housing": lambda: generate_housing(out_dir, load_source_profile("housing"), seed=seed, **common),
        "safety_bus": lambda: {"safety_bus_contacts": generate_safety_bus(
            out_dir, seed=seed, profile=load_source_profile("safety_bus"), **common)},
        # Published or London-wide aggregates.
        "victim_support": lambda: generate_victim_support(out_dir, load_source_profile("victim_support"), population,
                                                          police_codes, council=COUNCIL_AREA_CODE, **common),
        "nhs_fgm": lambda: generate_nhs_fgm(out_dir, load_source_profile("nhs_fgm"), population, **common),
    }
    for name in SOURCES:
        if name in wanted:
            paths.update(steps[name]())
    # The build reads this marker and says on every page that the figures are not real.
    write_synthetic_marker(out_dir, seed=seed, scale=scale, start_year=start_year, period_end=period_end)
    return paths


def _police_people(out_dir: Path, offences: Path, seed: int) -> dict[str, Path]:
    victims = out_dir / "police_victims" / "police_victims.parquet"
    suspects = out_dir / "police_suspects" / "police_suspects.parquet"
    for path in (victims, suspects):
        path.parent.mkdir(parents=True, exist_ok=True)
    generate_police_people(offences, victims, suspects, profile=load_source_profile("police_people"), seed=seed)
    return {"police_victims": victims, "police_suspects": suspects}
