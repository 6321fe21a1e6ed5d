"""Synthetic Camden Safety Bus activity log (the data behind Figure 35 of the web edition).

The bus parks outside Camden Town station on Friday and Saturday nights. Its log
has one row per person supported and one per engagement activity (outreach to
members of the public and to venues), from January 2023 to the period end.

Calibration (the reference edition, Chapter 4): more than 500 people supported
from January 2023 to June 2025, about 130 of them from 1 January to 30 June
2025, about one third of them men; 2,700 engagement activities since January
2023. Yearly totals below reproduce these at ``scale=1``; every count is
multiplied by ``scale`` and the parts always add up (largest remainder).

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
from pathlib import Path

import numpy as np
import pandas as pd

from vawg.synth.apportion import apportion

FIRST_YEAR = 2023
COLUMNS = ["contact_id", "contact_date", "contact_type", "sex"]
# People supported in a full year; years after the last listed one continue at its rate.
PEOPLE_PER_YEAR = {2023: 190, 2024: 210, 2025: 260}
ENGAGEMENTS_PER_YEAR = {2023: 1080, 2024: 1080, 2025: 1080}
MEN_SHARE = 1 / 3


def _per_month(per_year: dict[int, int], year: int, scale: float) -> np.ndarray:
    total = round(per_year.get(year, per_year[max(per_year)]) * scale)
    return apportion(total, np.ones(12))


def _nights(year: int, month: int, last: dt.date) -> list[dt.date]:
    days = calendar.monthrange(year, month)[1]
    nights = [dt.date(year, month, day) for day in range(1, days + 1)]
    return [night for night in nights if night.weekday() in (4, 5) and night <= last]


def safety_bus_contacts(*, seed: int, scale: float, period_end: dt.date) -> pd.DataFrame:
    """The synthetic log as a frame (``contact_date`` as text), January 2023 to ``period_end``."""
    rng = np.random.default_rng([seed, 35])
    rows: list[tuple[str, str, str]] = []
    for year in range(FIRST_YEAR, period_end.year + 1):
        people = _per_month(PEOPLE_PER_YEAR, year, scale)
        engagements = _per_month(ENGAGEMENTS_PER_YEAR, year, scale)
        for month in range(1, 13):
            nights = _nights(year, month, period_end)
            if not nights:
                continue
            n_people, n_engagements = int(people[month - 1]), int(engagements[month - 1])
            men = round(n_people * MEN_SHARE)
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


def generate_safety_bus(out_dir: Path, *, seed: int, scale: float, period_end: dt.date) -> Path:
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

    Examples
    --------
    >>> import tempfile
    >>> path = generate_safety_bus(Path(tempfile.mkdtemp()), seed=1, scale=1.0, period_end=dt.date(2025, 6, 30))
    >>> frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    >>> int((frame["contact_type"] == "person_supported").sum())
    532
    """
    folder = Path(out_dir) / "safety_bus"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "safety_bus_contacts.csv"
    safety_bus_contacts(seed=seed, scale=scale, period_end=period_end).to_csv(path, index=False)
    return path
