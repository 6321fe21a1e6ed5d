"""Integer splits that keep totals exact.

The generator works from expected counts; rounding each part separately
would let totals drift, so every split goes through :func:`apportion` and the
parts always add up to the whole.
"""

from __future__ import annotations

import numpy as np


def apportion(total: int, weights: np.ndarray, rng: np.random.Generator | None = None) -> np.ndarray:
    """Split a whole number into whole parts proportional to weights.

    Each part gets the whole part of its quota; the units left over go to the
    largest remainders, or, with ``rng``, to parts drawn with probability
    equal to their remainders (systematic sampling). The drawn version is
    unbiased, so a rare part still turns up in proportion across many splits
    instead of always rounding down to nothing.

    Parameters
    ----------
    total : int
        Non-negative number to split.
    weights : numpy.ndarray
        Non-negative weights, one per part. If they are all zero the parts
        are weighted equally.
    rng : numpy.random.Generator, optional
        Source of the draw; without it the split is deterministic (ties in
        the remainders go to the earlier part).

    Returns
    -------
    numpy.ndarray
        Integer parts (int64) summing exactly to ``total``.

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
    if short == 0:
        return parts
    remainders = quotas - parts
    if rng is None:
        # Stable sort on the negated remainder: largest remainder first, earlier part on ties.
        parts[np.argsort(-remainders, kind="stable")[:short]] += 1
    else:
        # Evenly spaced points over the stacked remainders; each remainder is
        # shorter than the spacing, so no part can be hit twice.
        points = rng.random() + np.arange(short)
        hit = np.searchsorted(np.cumsum(remainders), points, side="right")
        parts[np.minimum(hit, len(parts) - 1)] += 1
    return parts
