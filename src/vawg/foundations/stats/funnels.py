"""Funnel plots of areas' crude rates against the pooled average (PHStatsMethods)."""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import pandas as pd
import PHStatsMethods as ph

from vawg.foundations.methods_used import uses


FUNNEL_SIGNIFICANCE = {"High (0.001)": "above 99.8% limit", "High (0.025)": "above 95% limit",
                       "Not significant": "within limits", "Low (0.025)": "below 95% limit",
                       "Low (0.001)": "below 99.8% limit"}


@dataclass(frozen=True)
class Funnel:
    """A funnel plot of crude rates: the areas, the limit lines and the London average.

    ``points``: one row per area (index as given) with ``count``, ``population``,
    ``rate`` and ``position`` (a :data:`FUNNEL_SIGNIFICANCE` value).
    ``limits``: the four limit lines, ``line`` (``lower_95``, ``upper_95``,
    ``lower_998``, ``upper_998``), ``population`` and ``rate`` (per ``per``),
    100 points each.
    """

    points: pd.DataFrame
    limits: pd.DataFrame
    average: float
    per: int


@uses(test="funnel")
def funnel_limits(counts: pd.Series, populations: pd.Series, per: int = 1000) -> Funnel:
    """Funnel plot of areas' crude rates against the pooled average, by the Fingertips method (PHStatsMethods).

    Control limits at 95% (about 2 sigma) and 99.8% (about 3 sigma) from the
    exact Poisson distribution of the count expected at the pooled rate;
    each area is placed against them (``assign_funnel_significance``).
    """
    frame = pd.DataFrame({"count": counts.astype(float), "population": populations.reindex(counts.index).astype(float)})
    frame["rate"] = frame["count"] / frame["population"] * per
    data = frame.reset_index(drop=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pandas chained-assignment warnings from inside the library
        lines = ph.calculate_funnel_limits(data.copy(), "count", "rate", per, denom_col="population", metadata=False,
                                           rate="rate", rate_type="crude", years_of_data=1)
        placed = ph.assign_funnel_significance(data.copy(), "count", "rate", denom_col="population", rate="rate",
                                               rate_type="crude", multiplier=per)
    # The library gives each limit line its own population axis: one (population, rate) pair per number of events.
    limits = pd.concat([pd.DataFrame({"line": line, "population": lines[f"{side}_{sigma}s_population_1_year"].to_numpy(),
                                      "rate": lines[f"{side}_{sigma}s_limit"].to_numpy()})
                        for line, side, sigma in (("lower_95", "lower", 2), ("upper_95", "upper", 2),
                                                  ("lower_998", "lower", 3), ("upper_998", "upper", 3))],
                       ignore_index=True)
    frame["position"] = placed["significance"].map(FUNNEL_SIGNIFICANCE).to_numpy()
    return Funnel(points=frame, limits=limits, average=float(frame["count"].sum() / frame["population"].sum() * per),
                  per=per)
