"""Small-number suppression, applied where artifacts are written.

A count from 1 to ``threshold - 1`` is never published: it is shown as
``<threshold`` (e.g. "<7"), and any value derived from it (a rate, a share, a
test statistic) is shown as ``[c]``, the Government Statistical Service's mark
for confidential. Zero is published: it discloses nothing about a person.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import pandas as pd

CONFIDENTIAL = "[c]"


def is_small(count: float | int | None, threshold: int) -> bool:
    """True when ``count`` is a positive number below ``threshold``."""
    if count is None or (isinstance(count, float) and math.isnan(count)):
        return False
    return 0 < count < threshold


def suppressed_count_text(threshold: int) -> str:
    return f"<{threshold}"


def format_count(count: int | float) -> str:
    return f"{int(round(count)):,}"


def format_number(value: float, decimals: int) -> str:
    return f"{value:,.{decimals}f}"


def format_percent(value: float, decimals: int = 1, *, signed: bool = False) -> str:
    sign = "+" if signed and value > 0 else ""
    return f"{sign}{value:,.{decimals}f}%"


def secondary_suppression(counts: pd.Series, threshold: int) -> pd.Series:
    """Cells to hide so that a published total cannot reveal a suppressed cell.

    If exactly one cell of a group whose total is published is suppressed,
    its value can be recovered by subtraction; the next smallest non-zero
    cell is hidden as well. Returns a boolean mask (primary and secondary).
    """
    hidden = counts.apply(lambda n: is_small(n, threshold))
    if hidden.sum() == 1:
        candidates = counts[~hidden & (counts > 0)]
        if not candidates.empty:
            hidden[candidates.idxmin()] = True
    return hidden


def any_small(counts: Iterable[float | int | None], threshold: int) -> bool:
    return any(is_small(n, threshold) for n in counts)


def chart_values(values: pd.Series, counts: pd.Series, threshold: int, label_format: str) -> tuple[pd.Series, pd.Series]:
    """Values to plot and their labels, with anything resting on a small count hidden.

    A bar's length or a point's height would reveal a suppressed value as
    surely as its label, so both are withheld: the value becomes missing (not
    drawn) and the label says ``[c]``.
    """
    hidden = counts.apply(lambda n: is_small(n, threshold))
    labels = [CONFIDENTIAL if small else label_format.format(value) for value, small in zip(values, hidden)]
    return values.mask(hidden), pd.Series(labels, index=values.index)
