"""Spatial statistics of ward rates: Moran's I (esda/libpysal) and Pearson correlation (scipy).

Appendix 6e lists them (``statistical_tests.csv``). Each wraps a maintained
library; what is written here is only which wards are neighbours and how the
results are labelled.

- :func:`queen_neighbours`   wards sharing a boundary or a corner (real boundaries)
- :func:`tile_neighbours`    tiles touching at a side or a corner (tile maps)
- :func:`local_morans_i`     Local Moran's I: clusters of high or low rates (LISA)
- :func:`global_morans_i`    Global Moran's I: are rates clustered at all
- :func:`pearson_correlation` Pearson r with its two-sided p-value

Examples
--------
>>> import pandas as pd
>>> layout = pd.DataFrame({"column": [0, 1, 0, 1], "row": [0, 0, 1, 1]}, index=list("abcd"))
>>> sorted(tile_neighbours(layout).neighbors["a"])
['b', 'c', 'd']
>>> round(pearson_correlation([1, 2, 3, 4], [1, 2, 3, 5]).statistic, 3)
0.983
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats as scipy_stats

from vawg.foundations.methods_used import uses
from vawg.foundations.levels import ALPHA
from vawg.foundations.stats.comparisons import TestResult

PERMUTATIONS = 999
# The permutation test of Local Moran's I is random; a fixed seed makes every build of the same data agree.
SEED = 20250101
# esda's quadrant numbers (its default, not GeoDa's) and the words the report uses for them.
QUADRANTS = {1: "High–high", 2: "Low–high", 3: "Low–low", 4: "High–low"}
NOT_SIGNIFICANT = "Not significant"


def queen_neighbours(geometries: Sequence, ids: Sequence[str]):
    """Queen contiguity: areas are neighbours when their boundaries share at least one point.

    Parameters
    ----------
    geometries : sequence of shapely geometries
        One (multi)polygon per area.
    ids : sequence of str
        The areas' codes, in the same order.

    Returns
    -------
    libpysal.weights.W
    """
    from libpysal.weights import Queen

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # islands and disconnected parts are reported by the caller
        return Queen.from_iterable(list(geometries), ids=list(ids))


def tile_neighbours(layout: pd.DataFrame):
    """Tile adjacency: tiles are neighbours when they touch at a side or a corner.

    ``layout`` has integer ``column`` and ``row`` columns and is indexed by area
    code. On a tile map these neighbours are tiles, not places: clusters found
    with them say nothing about geography.
    """
    from libpysal.weights import W

    cells = {(int(c), int(r)): code for code, c, r in zip(layout.index, layout["column"], layout["row"])}
    neighbours = {}
    for (c, r), code in cells.items():
        neighbours[code] = [cells[(c + dc, r + dr)] for dc in (-1, 0, 1) for dr in (-1, 0, 1)
                            if (dc or dr) and (c + dc, r + dr) in cells]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return W(neighbours, id_order=list(layout.index), silence_warnings=True)


@uses(test="local_morans_i")
def local_morans_i(values: pd.Series, neighbours, *, permutations: int = PERMUTATIONS, seed: int = SEED,
                   alpha: float = ALPHA) -> pd.DataFrame:
    """Local Moran's I of each area, with a permutation p-value and its cluster type.

    With row-standardised weights w and z the values' deviations from their mean,
    ``I_i = (n - 1) z_i Σ_j w_ij z_j / Σ_k z_k²`` (esda's ``Moran_Local``). An area
    is in a cluster when its pseudo p-value (conditional permutations, folded) is
    below ``alpha``: "High–high" is a high value among high neighbours,
    "Low–low" the reverse, "High–low" and "Low–high" are outliers.

    Parameters
    ----------
    values : pandas.Series
        One value per area, indexed by the ids ``neighbours`` uses.
    neighbours : libpysal.weights.W
        Spatial weights (row-standardised here).

    Returns
    -------
    pandas.DataFrame
        Indexed like ``values``: ``statistic``, ``p_value``, ``quadrant`` (the
        quadrant's label), ``significant`` and ``cluster`` (the quadrant if
        significant, else "Not significant").

    Examples
    --------
    >>> import pandas as pd
    >>> layout = pd.DataFrame({"column": [0, 1, 2] * 3, "row": [0] * 3 + [1] * 3 + [2] * 3},
    ...                       index=list("abcdefghi"))
    >>> values = pd.Series([9, 8, 1, 8, 7, 1, 1, 1, 1], index=layout.index, dtype=float)
    >>> local_morans_i(values, tile_neighbours(layout)).loc["a", "quadrant"]
    'High–high'
    """
    from esda.moran import Moran_Local

    order = list(neighbours.id_order)
    y = values.reindex(order).astype(float).to_numpy()
    if np.isnan(y).any():
        raise ValueError("local_morans_i: every area needs a value (missing: "
                         f"{[code for code, v in zip(order, y) if np.isnan(v)]})")
    if np.allclose(y, y[0]):
        # No variation: nothing can cluster (esda would divide by zero).
        result = pd.DataFrame({"statistic": 0.0, "p_value": 1.0, "quadrant": NOT_SIGNIFICANT,
                               "significant": False, "cluster": NOT_SIGNIFICANT}, index=order)
        return result.reindex(values.index)
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        local = Moran_Local(y, neighbours, transformation="r", permutations=permutations, seed=seed)
    quadrant = pd.Series(local.q, index=order).map(QUADRANTS)
    p = pd.Series(local.p_sim, index=order, dtype=float)
    significant = p < alpha
    result = pd.DataFrame({
        "statistic": pd.Series(local.Is, index=order, dtype=float),
        "p_value": p,
        "quadrant": quadrant,
        "significant": significant,
        "cluster": quadrant.where(significant, NOT_SIGNIFICANT),
    })
    return result.reindex(values.index)


@uses(test="global_morans_i")
def global_morans_i(values: pd.Series, neighbours) -> TestResult:
    """Global Moran's I of the values with its two-sided p-value under randomisation (analytical).

    ``I = (n / S0) Σ_ij w_ij z_i z_j / Σ_i z_i²`` with row-standardised weights
    (so S0 = n); I above its expectation −1/(n − 1) means similar values sit
    next to each other.
    """
    from esda.moran import Moran

    y = values.reindex(list(neighbours.id_order)).astype(float).to_numpy()
    if np.allclose(y, y[0]):
        return TestResult(float("nan"), 1.0)
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        moran = Moran(y, neighbours, transformation="r", permutations=0, two_tailed=True)
    return TestResult(float(moran.I), float(moran.p_rand))


@uses(test="pearson")
def pearson_correlation(x: Sequence[float], y: Sequence[float]) -> TestResult:
    """Pearson's r between ``x`` and ``y`` (pairs with a missing value dropped), two-sided p-value.

    Returns NaN for r (and p = 1) with fewer than three pairs or no variation.
    """
    frame = pd.DataFrame({"x": np.asarray(x, dtype=float), "y": np.asarray(y, dtype=float)}).dropna()
    if len(frame) < 3 or frame["x"].nunique() < 2 or frame["y"].nunique() < 2:
        return TestResult(float("nan"), 1.0)
    result = scipy_stats.pearsonr(frame["x"], frame["y"])
    return TestResult(float(result.statistic), float(result.pvalue))
