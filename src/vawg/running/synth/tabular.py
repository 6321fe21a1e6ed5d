"""Building blocks of the synthetic council-service extracts: yearly volumes, dates, planned columns.

Every council source is generated the same way: a yearly volume from its
profile (``data/synth/<source>.yml``), multiplied by ``scale`` and cut at the
period end; dates spread over the year; and categorical columns whose counts
are planned exactly from the profile's weights
(:func:`vawg.running.synth.apportion.planned_categories`), so the calibrated shares
do not depend on the seed. Only which record gets which value is drawn.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from vawg.intake.contracts import Contract
from vawg.intake.contracts._spec import OWNER
from vawg.running.synth.apportion import apportion, planned_categories
from vawg.running.synth.profile import value_for_year


def yearly_counts(volumes: Mapping[int, float], *, scale: float, first_year: int,
                  period_end: dt.date) -> Iterator[tuple[int, int, dt.date]]:
    """``(year, count, last day)`` for each year from ``first_year`` to the period end.

    A year the period end cuts short gets its share of the year's volume; a
    year past the profiled ones takes the nearest listed year's volume.
    """
    for year in range(first_year, period_end.year + 1):
        last = min(dt.date(year, 12, 31), period_end)
        days = (dt.date(year + 1, 1, 1) - dt.date(year, 1, 1)).days
        covered = (last - dt.date(year, 1, 1)).days + 1
        count = round(float(value_for_year(volumes, year)) * scale * covered / days)
        yield year, count, last


def dates_in(year: int, last: dt.date, count: int, rng: np.random.Generator,
             weekdays: tuple[int, ...] | None = None) -> np.ndarray:
    """``count`` dates (datetime64[D], sorted) spread evenly at random from 1 January to ``last``."""
    days = np.arange(np.datetime64(dt.date(year, 1, 1)), np.datetime64(last) + 1, dtype="datetime64[D]")
    if weekdays is not None:
        weekday = (days.astype(np.int64) + 3) % 7  # 1970-01-01 was a Thursday (3)
        days = days[np.isin(weekday, weekdays)]
    if count == 0 or len(days) == 0:
        return np.array([], dtype="datetime64[D]")
    return np.sort(rng.choice(days, size=count))


def category(count: int, weights: Mapping[str, float], rng: np.random.Generator) -> np.ndarray:
    """``count`` values whose counts are exactly proportional to ``weights`` (largest remainder), shuffled."""
    names = np.array(list(weights), dtype=object)
    return names[planned_categories(count, np.array(list(weights.values()), dtype=float), rng)]


def flagged(count: int, share: float, rng: np.random.Generator, among: np.ndarray | None = None) -> np.ndarray:
    """A boolean array with exactly ``round(share * n)`` True values, at random (within ``among`` if given)."""
    result = np.zeros(count, dtype=bool)
    pool = np.arange(count) if among is None else np.flatnonzero(among)
    chosen = rng.choice(pool, size=round(float(share) * len(pool)), replace=False) if len(pool) else pool
    result[chosen] = True
    return result


def multi_select(count: int, items: Mapping[str, float], rng: np.random.Generator,
                 among: np.ndarray | None = None) -> list[list[str]]:
    """For each record, the items ticked: each item on exactly ``round(share * n)`` records of ``among``."""
    ticked: list[list[str]] = [[] for _ in range(count)]
    for item, share in items.items():
        for position in np.flatnonzero(flagged(count, share, rng, among)):
            ticked[position].append(item)
    return ticked


def ages_from_bands(bands: np.ndarray, spans: Mapping[str, list | None], rng: np.random.Generator) -> pd.array:
    """A whole age drawn uniformly within each record's band; a band spanning ``None`` gives no age."""
    low = np.array([(spans[b] or [-1, -1])[0] for b in bands])
    high = np.array([(spans[b] or [-1, -1])[1] for b in bands])
    ages = low + (rng.random(len(bands)) * (high - low + 1)).astype(np.int64)
    return pd.array(np.where(low < 0, np.nan, ages), dtype="Int64")


def joined(lists: list[list[str]]) -> list[str]:
    """Multi-select cells as delivered: values separated by ``; ``."""
    return ["; ".join(items) for items in lists]


def generated_columns(contract: Contract) -> list[str]:
    """The contract's columns a generator makes, in order; :func:`write_csv` adds the owner column."""
    return [f.name for f in contract.fields if f.name != OWNER]


# The borough whose council's records the synthetic council extracts are (the reference edition's).
COUNCIL_BOROUGH = "Camden"


def write_csv(frame: pd.DataFrame, path: Path, *, owner: str | None = None) -> Path:
    """Write an extract as the services deliver it: CSV, UTF-8, dates as YYYY-MM-DD, empty for missing.

    ``owner`` fills a council extract's ``borough`` column (the council whose records they are).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    if owner is not None:
        frame = frame.assign(borough=owner)
    frame.to_csv(path, index=False, date_format="%Y-%m-%d")
    return path


def split_exact(total: int, weights: Mapping[str, float]) -> dict[str, int]:
    """Whole counts per key, proportional to ``weights`` and adding up to ``total``."""
    parts = apportion(total, np.array(list(weights.values()), dtype=float))
    return dict(zip(weights, (int(p) for p in parts), strict=True))
