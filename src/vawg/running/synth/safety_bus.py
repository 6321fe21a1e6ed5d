"""Synthetic Camden Safety Bus activity log (the data behind Figure 35 of the web edition).

The bus parks outside Camden Town station on Friday and Saturday nights. Its log
has one row per person supported and one per engagement activity (outreach to
members of the public and to venues), from January 2023 to the period end.

Calibration (the reference edition, Chapter 4): more than 500 people supported
from January 2023 to June 2025, about 130 of them from 1 January to 30 June
2025, about one third of them men; 2,700 engagement activities since January
2023. The yearly totals in ``data/synth/safety_bus.yml`` reproduce these at
``scale=1``; every count is multiplied by ``scale`` and the parts always add
up (:func:`vawg.running.synth.apportion.apportion`).

Columns of ``safety_bus/safety_bus_contacts.csv``:

=============== ======================================================================
contact_id      text, unique (``SB-000001``)
contact_date    date the night began, ``YYYY-MM-DD`` (always a Friday or a Saturday)
contact_type    ``person_supported`` or ``engagement``
sex             ``F`` or ``M`` for a person supported; empty for an engagement activity
=============== ======================================================================
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from vawg.running.synth.apportion import apportion
from vawg.running.synth.profile import load_source_profile
from vawg.running.synth.tabular import COUNCIL_BOROUGH, write_csv

COLUMNS = ["contact_id", "contact_date", "contact_type", "sex"]


def _profile(profile: Mapping | None) -> Mapping:
    return load_source_profile("safety_bus") if profile is None else profile


def _per_month(per_year: Mapping[int, int], year: int, scale: float) -> np.ndarray:
    total = round(per_year.get(year, per_year[max(per_year)]) * scale)
    return apportion(total, np.ones(12))


def _nights(year: int, month: int, last: dt.date, weekdays: tuple[int, ...]) -> list[dt.date]:
    days = calendar.monthrange(year, month)[1]
    nights = [dt.date(year, month, day) for day in range(1, days + 1)]
    return [night for night in nights if night.weekday() in weekdays and night <= last]


def safety_bus_contacts(*, seed: int, scale: float, period_end: dt.date,
                        profile: Mapping | None = None) -> pd.DataFrame:
    """The synthetic log as a frame (``contact_date`` as text), from the profile's first year to ``period_end``."""
    profile = _profile(profile)
    rng = np.random.default_rng([seed, 35])
    rows: list[tuple[str, str, str]] = []
    weekdays = tuple(int(day) for day in profile["nights"])
    for year in range(int(profile["first_year"]), period_end.year + 1):
        people = _per_month(profile["people_per_year"], year, scale)
        engagements = _per_month(profile["engagements_per_year"], year, scale)
        for month in range(1, 13):
            nights = _nights(year, month, period_end, weekdays)
            if not nights:
                continue
            n_people, n_engagements = int(people[month - 1]), int(engagements[month - 1])
            men = round(n_people * float(profile["men_share"]))
            sexes = np.array(["M"] * men + ["F"] * (n_people - men))
            rng.shuffle(sexes)
            for night, sex in zip(rng.choice(nights, size=n_people), sexes):
                rows.append((night.isoformat(), "person_supported", str(sex)))
            for night in rng.choice(nights, size=n_engagements):
                rows.append((night.isoformat(), "engagement", ""))
    frame = pd.DataFrame(rows, columns=["contact_date", "contact_type", "sex"])
    frame = frame.sort_values(["contact_date", "contact_type"], kind="stable").reset_index(drop=True)
    frame.insert(0, "contact_id", [f"SB-{index:06d}" for index in range(1, len(frame) + 1)])
    return frame[COLUMNS]


def generate_safety_bus(out_dir: Path, *, seed: int, scale: float, period_end: dt.date,
                        profile: Mapping | None = None, owner: str = COUNCIL_BOROUGH) -> Path:
    """Write ``out_dir/safety_bus/safety_bus_contacts.csv`` and return its path.

    Parameters
    ----------
    out_dir : Path
        The synthetic data folder (the one ``vawg synth`` writes, e.g. ``data/raw``).
    seed : int
        Random seed; the same seed gives an identical file.
    scale : float
        Multiplies every count (1.0 = the reference edition's numbers).
    period_end : datetime.date
        Last night in the log.
    profile : Mapping, optional
        ``data/synth/safety_bus.yml`` (read if not given).

    Examples
    --------
    >>> import tempfile
    >>> path = generate_safety_bus(Path(tempfile.mkdtemp()), seed=1, scale=1.0, period_end=dt.date(2025, 6, 30))
    >>> frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    >>> int((frame["contact_type"] == "person_supported").sum())
    532
    """
    path = Path(out_dir) / "safety_bus" / "safety_bus_contacts.csv"
    return write_csv(safety_bus_contacts(seed=seed, scale=scale, period_end=period_end, profile=profile), path,
                     owner=owner)
