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


def weighted_choice(rng: np.random.Generator, weights: np.ndarray, count: int) -> np.ndarray:
    """Exactly ``count`` distinct positions, each more likely the larger its weight.

    Weighted sampling without replacement (Efraimidis and Spirakis): each
    position draws the key ``u ** (1 / weight)`` and the ``count`` largest keys
    win. Positions of weight zero are taken only when the others run out.

    Parameters
    ----------
    rng : numpy.random.Generator
        Source of the draw.
    weights : numpy.ndarray
        Non-negative weight of each position.
    count : int
        How many to choose (at most ``len(weights)``).

    Returns
    -------
    numpy.ndarray
        Sorted positions (int64).

    Examples
    --------
    >>> weighted_choice(np.random.default_rng(1), np.array([1.0, 0.0, 5.0]), 2).tolist()
    [0, 2]
    """
    weights = np.asarray(weights, dtype=float)
    count = int(min(max(count, 0), len(weights)))
    if count == 0:
        return np.zeros(0, dtype=np.int64)
    if count == len(weights):
        return np.arange(len(weights), dtype=np.int64)
    with np.errstate(divide="ignore"):
        keys = np.log(rng.random(len(weights))) / np.where(weights > 0, weights, np.nan)
    keys = np.where(np.isnan(keys), -np.inf, keys)
    # Zero weights get -inf; ties among them are broken by a second draw.
    order = np.lexsort((rng.random(len(weights)), -keys))
    return np.sort(order[:count]).astype(np.int64)


def planned_categories(count: int, weights: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Category index of ``count`` records in random order, with counts exactly proportional to ``weights``.

    The counts come from :func:`apportion` (largest remainder, so they do not
    depend on the seed); only the order is drawn.
    """
    counts = apportion(count, np.asarray(weights, dtype=float))
    return rng.permutation(np.repeat(np.arange(len(counts)), counts))
