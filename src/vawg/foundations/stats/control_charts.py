"""Statistical process control: XmR control limits and the NHS Making Data Count special-cause rules."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from vawg.foundations.methods_used import uses


SIGMA_LIMITS = 3
SHIFT_LENGTH = 7   # NHS Making Data Count: seven or more points on one side of the mean
TREND_LENGTH = 7   # seven or more points each higher (or each lower) than the one before
NEAR_SIGMAS = 2    # "close to a limit": beyond 2 sigma
MOVING_RANGE_CONSTANT = 1.128  # d2 for moving ranges of two points


@dataclass(frozen=True)
class ControlLimits:
    centre: float
    sigma: float
    lower: float
    upper: float


@uses(test="control_limits", metric="control_limits")
def control_limits(values, sigmas: float = SIGMA_LIMITS, *, baseline=None) -> ControlLimits:
    """Centre line and 3-sigma limits of an XmR (individuals) control chart.

    The centre is the mean of the baseline points; sigma is estimated from
    the mean moving range (the average absolute difference between
    consecutive baseline points) divided by 1.128, which is robust to a
    shift or trend. ``baseline`` (a boolean mask, all points by default)
    leaves out months that should not set the limits, such as lockdowns: a
    moving range is only taken between two consecutive baseline points. The
    lower limit is not allowed below zero (a rate cannot be negative).

    Examples
    --------
    >>> limits = control_limits([10, 12, 11, 13, 12])
    >>> limits.centre, round(limits.sigma, 4), round(limits.upper, 3)
    (11.6, 1.3298, 15.589)
    """
    series = np.asarray(values, dtype=float)
    keep = ~np.isnan(series) & (np.ones(series.size, dtype=bool) if baseline is None
                                else np.asarray(baseline, dtype=bool))
    if keep.sum() < 2:
        raise ValueError("control limits need at least two points")
    ranges = np.abs(np.diff(series))[keep[1:] & keep[:-1]]
    if not ranges.size:
        raise ValueError("control limits need two consecutive baseline points")
    centre = float(series[keep].mean())
    sigma = float(ranges.mean() / MOVING_RANGE_CONSTANT)
    return ControlLimits(centre, sigma, max(centre - sigmas * sigma, 0.0), centre + sigmas * sigma)


def _runs(keys: np.ndarray, breaks: np.ndarray, length: int) -> np.ndarray:
    """Points in a run of ``length`` or more consecutive equal non-zero ``keys`` not crossing a break."""
    size, flagged, start = keys.size, np.zeros(keys.size, dtype=bool), 0
    for position in range(1, size + 1):
        if position == size or keys[position] == 0 or keys[position] != keys[start] or breaks[position]:
            if keys[start] != 0 and position - start >= length:
                flagged[start:position] = True
            start = position
    return flagged


@uses(test="special_causes")
def special_causes(values, centre, lower, upper, *, phases=None, shift_length: int = SHIFT_LENGTH,
                   trend_length: int = TREND_LENGTH) -> pd.DataFrame:
    """Which points of a control chart signal special-cause variation, by the NHS Making Data Count rules.

    - ``outside``: the point is above the upper or below the lower limit;
    - ``shift``: the point belongs to ``shift_length`` (7) or more
      consecutive points on the same side of the centre line (a point on the
      line, a missing point or a new phase ends it);
    - ``trend``: the point belongs to ``trend_length`` (7) or more
      consecutive points each higher than the one before, or each lower;
    - ``near_limit``: two of three consecutive points beyond 2 sigma on the
      same side of the centre line (the points beyond 2 sigma are flagged).

    ``centre``, ``lower`` and ``upper`` are scalars or one value per point
    (limits that change between phases); sigma is a third of the distance
    from the centre to the upper limit. No rule crosses a change of phase.
    Returns a frame with the four boolean columns, one row per point.
    """
    series = np.asarray(values, dtype=float)
    size = series.size
    centre, lower, upper = (np.broadcast_to(np.asarray(x, dtype=float), (size,)) for x in (centre, lower, upper))
    present = ~np.isnan(series)
    outside = present & ((series > upper) | (series < lower))
    phase = np.asarray(phases) if phases is not None else np.zeros(size)
    breaks = np.r_[False, phase[1:] != phase[:-1]]
    side = np.sign(np.nan_to_num(series - centre, nan=0.0))
    shift = _runs(side, breaks, shift_length)
    # A trend of n points is n - 1 steps in the same direction; step i joins point i - 1 to point i.
    step = np.r_[0.0, np.sign(np.nan_to_num(np.diff(series), nan=0.0))]
    step[breaks | ~present | ~np.r_[False, present[:-1]]] = 0
    in_steps = _runs(step, np.zeros(size, dtype=bool), trend_length - 1)
    trend = in_steps | np.r_[in_steps[1:] & ~in_steps[:-1] & (step[1:] != 0), False]
    sigma = (upper - centre) / SIGMA_LIMITS
    near = np.where(present & (series > centre + NEAR_SIGMAS * sigma), 1,
                    np.where(present & (series < centre - NEAR_SIGMAS * sigma), -1, 0))
    near_limit = np.zeros(size, dtype=bool)
    for first in range(max(size - 2, 0)):
        window = slice(first, first + 3)
        if breaks[first + 1] or breaks[first + 2]:
            continue
        for direction in (1, -1):
            hits = near[window] == direction
            if hits.sum() >= 2:
                near_limit[window] |= hits
    return pd.DataFrame({"outside": outside, "shift": shift, "trend": trend, "near_limit": near_limit})
