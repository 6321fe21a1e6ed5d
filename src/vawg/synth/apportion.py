"""Integer splits that keep totals exact.

The generator works from expected counts; rounding each part separately
would let totals drift, so every split goes through the largest-remainder
method here and the parts always add up to the whole.
"""

from __future__ import annotations

import numpy as np


def apportion(total: int, weights: np.ndarray) -> np.ndarray:
    """Split a whole number into whole parts proportional to weights.

    Parameters
    ----------
    total : int
        Non-negative number to split.
    weights : numpy.ndarray
        Non-negative weights, one per part. If they are all zero the parts
        are weighted equally.

    Returns
    -------
    numpy.ndarray
        Integer parts (int64) summing exactly to ``total``. Ties in the
        remainders go to the earlier part, so the result is deterministic.

    Examples
    --------
    >>> apportion(10, np.array([1.0, 1.0, 1.0])).tolist()
    [4, 3, 3]
    """
    weights = np.asarray(weights, dtype=float)
    if total < 0:
        raise ValueError(f"cannot apportion a negative total ({total})")
    if weights.size == 0:
        if total:
            raise ValueError("cannot apportion a positive total over no parts")
        return np.zeros(0, dtype=np.int64)
    if weights.sum() <= 0:
        weights = np.ones_like(weights)
    quotas = total * weights / weights.sum()
    parts = np.floor(quotas).astype(np.int64)
    short = total - int(parts.sum())
    if short:
        # Stable sort on the negated remainder: largest remainder first, earlier part on ties.
        order = np.argsort(-(quotas - parts), kind="stable")
        parts[order[:short]] += 1
    return parts
