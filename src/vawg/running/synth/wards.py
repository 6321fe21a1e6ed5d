"""Wards for the synthetic police extract, and how offences spread over them.

By default the real May 2022 London wards are used (read from
``<reference_dir>/geo/london_wards_2022_lookup.csv`` through its contract,
:data:`vawg.intake.contracts.reference_data.WARD_LOOKUP`; the reference folder is the
shipped ``data/open/`` unless another is given); on request
(``vawg synth --synthetic-wards``) each borough gets clearly synthetic wards.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from vawg.intake.contracts.reference_data import WARD_LOOKUP as LOOKUP_CONTRACT
from vawg.foundations.errors import DataError
from vawg.intake.staging import read_table

WARD_COLUMNS = ["ward_code", "ward_name", "borough_code"]
WARD_LOOKUP = Path("geo") / "london_wards_2022_lookup.csv"


def load_wards(boroughs: pd.DataFrame, reference_dir: Path | None, synthetic_per_borough: int) -> pd.DataFrame:
    """Wards of the given boroughs.

    Parameters
    ----------
    boroughs : pandas.DataFrame
        ``borough_code, borough_name`` of the boroughs that need wards.
    reference_dir : pathlib.Path or None
        Folder with the open geography data; ``None`` for synthetic wards.
    synthetic_per_borough : int
        Number of synthetic wards per borough.

    Returns
    -------
    pandas.DataFrame
        ``ward_code, ward_name, borough_code``, sorted by borough then ward code.
        Synthetic wards have codes ``SYNW`` + five digits and names such as
        ``"Camden ward 01"``.
    """
    if reference_dir is not None:
        path = Path(reference_dir) / WARD_LOOKUP
        wards = read_table(LOOKUP_CONTRACT, Path(reference_dir))
        wards = wards[wards["borough_code"].isin(boroughs["borough_code"])][WARD_COLUMNS]
        without_wards = set(boroughs["borough_code"]) - set(wards["borough_code"])
        if without_wards:
            raise DataError(f"{path} has no wards for {sorted(without_wards)}")
    else:
        rows = []
        for borough_number, borough in enumerate(boroughs.itertuples()):
            for ward_number in range(1, synthetic_per_borough + 1):
                rows.append(
                    {
                        "ward_code": f"SYNW{borough_number * 100 + ward_number:05d}",
                        "ward_name": f"{borough.borough_name} ward {ward_number:02d}",
                        "borough_code": borough.borough_code,
                    }
                )
        wards = pd.DataFrame(rows, columns=WARD_COLUMNS)
    return wards.sort_values(["borough_code", "ward_code"]).reset_index(drop=True)


class WardSampler:
    """Draws a ward for each offence from uneven per-borough ward weights.

    Parameters
    ----------
    ward_borough : numpy.ndarray
        Borough index (position in the borough list) of each ward, sorted.
    weight_shape : float
        Shape of the gamma distribution the ward weights come from; small
        shapes give a few hotspot wards.
    rng : numpy.random.Generator
        Source of the ward weights.
    """

    def __init__(self, ward_borough: np.ndarray, weight_shape: float, rng: np.random.Generator):
        weights = rng.gamma(weight_shape, size=len(ward_borough))
        totals = np.bincount(ward_borough, weights=weights)
        # Cumulative weights within each borough, shifted by the borough index,
        # so one searchsorted call finds the ward for offences of any borough.
        within = np.cumsum(weights) - np.concatenate([[0.0], np.cumsum(totals)])[ward_borough]
        self._edges = ward_borough + within / totals[ward_borough]
        # Pin each borough's last edge so rounding can never push a draw into the next borough.
        last_of_borough = np.r_[ward_borough[1:] != ward_borough[:-1], True]
        self._edges[last_of_borough] = ward_borough[last_of_borough] + 1.0

    def sample(self, borough: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """Ward index (position in the ward table) for offences in the given boroughs."""
        return np.searchsorted(self._edges, borough + rng.random(len(borough)), side="right").astype(np.int32)
