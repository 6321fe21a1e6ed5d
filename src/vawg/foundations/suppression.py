"""Small-number suppression, applied where artifacts are written.

A count from 1 to ``threshold - 1`` is never published: it is shown as
``<threshold`` (e.g. "<7"), and any value derived from it (a rate, a share, a
test statistic) is shown as ``[c]``, the Government Statistical Service's mark
for confidential. Zero is published: it discloses nothing about a person.

Suppression is decided over a set of cells with the totals published beside
them, not cell by cell: :func:`protect` hides the small cells (primary) and then
as many further cells (secondary) as it takes for no hidden cell to be worked
out exactly from the published ones (borough = London - rest of London, a part
= its total - the other parts), checked by linear programming
(:func:`feasible_ranges`). The disclosure audit (:mod:`vawg.publishing.audit`) attacks the
published files with the same solver.

Why no library: the statistical disclosure control packages on PyPI serve other
jobs (ACRO checks one research output at a time: threshold and dominance rules,
primary suppression only; aisdc is for trained models), and tau-Argus and
sdcTable are Java and R. Complementary suppression over linked tables here is a
small linear program, which scipy (already a dependency) solves.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
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


MINUS = "\u2212"  # the minus sign, not a hyphen: one sign for every published negative number, read as "minus"


def format_number(value: float, decimals: int, *, signed: bool = False) -> str:
    """ "1,234.5", "−2.0" (a minus sign), "+3.1" when ``signed`` and above 0."""
    text = f"{value:{'+' if signed else ''},.{decimals}f}"
    return text.replace("-", MINUS)


def format_percent(value: float, decimals: int = 1, *, signed: bool = False) -> str:
    return format_number(value, decimals, signed=signed and value > 0) + "%"


def secondary_suppression(counts: pd.Series, threshold: int, *, total_hidden: bool = False) -> pd.Series:
    """Cells to hide so that a published total cannot reveal a suppressed cell.

    The cells are parts of a total that is published (unless ``total_hidden``);
    :func:`protect` hides the small ones and the next smallest until none can be
    recovered by subtraction. Returns a boolean mask (primary and secondary).
    """
    cells = {("part", key): value for key, value in counts.items()}
    cells[("total",)] = float(counts.sum())
    relation = Relation(("total",), tuple(cells)[:-1])
    hidden = protect(cells, [relation], threshold, hidden=[("total",)] if total_hidden else ())
    return pd.Series([("part", key) in hidden for key in counts.index], index=counts.index)


class _Hidden:
    """A basis that is hidden whatever its size (a cell suppressed secondarily or at source)."""

    def __repr__(self) -> str:
        return "HIDDEN"


HIDDEN = _Hidden()


def hidden_basis(basis, threshold: int) -> bool:
    """True when a value built on ``basis`` must be hidden: the basis, or any of several, is small or HIDDEN."""
    if basis is HIDDEN:
        return True
    if isinstance(basis, (list, tuple, set, pd.Series, np.ndarray)):
        return any(hidden_basis(item, threshold) for item in basis)
    return is_small(basis, threshold)


@dataclass(frozen=True)
class Relation:
    """A published identity between cells: ``total`` = the sum of ``parts``.

    ``partial``: the parts need not add up to the total (they share members, as an offence's several abuse-type
    flags do, or some are left out), so a reader knows only that each part is at most the total.
    """

    total: Hashable
    parts: tuple[Hashable, ...]
    partial: bool = False

    @property
    def members(self) -> tuple[Hashable, ...]:
        return (self.total, *self.parts)


def feasible_ranges(known: Mapping[Hashable, float], bounds: Mapping[Hashable, tuple[float, float]],
                    relations: Sequence[Relation]) -> dict[Hashable, tuple[float, float]]:
    """The smallest and largest value each unknown cell can take, given the known cells and the relations.

    ``bounds`` are what a reader knows of each unknown cell ("<7": 1 to 6). Solved as linear programs (the
    integer bounds are at least as wide, so a cell pinned here is pinned for certain); a cell whose range holds
    a single whole number is recovered. Cells of a relation that are neither known nor bounded make the relation
    say nothing and it is left out.
    """
    from scipy.optimize import linprog

    unknown = list(bounds)
    index = {cell: i for i, cell in enumerate(unknown)}
    equal: tuple[list, list] = ([], [])
    at_most: tuple[list, list] = ([], [])  # row · x <= rhs

    def add(into: tuple[list, list], terms: list[tuple[Hashable, float]]) -> None:
        """``sum(sign * cell) (=|<=) 0`` over ``terms``, the known cells moved to the right-hand side."""
        row = np.zeros(len(unknown))
        constant = 0.0
        for cell, sign in terms:
            if cell in index:
                row[index[cell]] += sign
            else:
                constant += sign * float(known[cell])
        if row.any():
            into[0].append(row)
            into[1].append(-constant)

    for relation in relations:
        if any(cell not in known and cell not in index for cell in relation.members):
            continue
        if not relation.partial:
            add(equal, [(relation.total, -1.0)] + [(part, 1.0) for part in relation.parts])
            continue
        # Only "each part <= the total": an offence may also carry none of the types the table lists.
        for part in relation.parts:
            add(at_most, [(part, 1.0), (relation.total, -1.0)])  # each part <= the total
    ranges: dict[Hashable, tuple[float, float]] = {cell: tuple(bounds[cell]) for cell in unknown}
    if not equal[0] and not at_most[0]:
        return ranges
    constraints = {}
    if equal[0]:
        constraints.update(A_eq=np.array(equal[0]), b_eq=np.array(equal[1]))
    if at_most[0]:
        constraints.update(A_ub=np.array(at_most[0]), b_ub=np.array(at_most[1]))
    limits = [(low, None if high == math.inf else high) for low, high in (bounds[c] for c in unknown)]
    linked = np.where(np.abs(np.vstack(equal[0] + at_most[0])).sum(axis=0) > 0)[0]
    for i in linked:
        objective = np.zeros(len(unknown))
        objective[i] = 1.0
        low = linprog(objective, bounds=limits, method="highs", **constraints)
        high = linprog(-objective, bounds=limits, method="highs", **constraints)
        if low.status == 0:
            ranges[unknown[i]] = (low.fun, -high.fun if high.status == 0 else math.inf)
    return ranges


def pinned(low: float, high: float) -> bool:
    """True when the range ``[low, high]`` holds exactly one whole number."""
    return high != math.inf and math.ceil(low - 1e-6) == math.floor(high + 1e-6)


def reader_bounds(value: float, primary: bool, threshold: int) -> tuple[float, float]:
    """What a reader knows of a hidden cell: "<7" says 1 to 6; a cell hidden secondarily is not small."""
    if primary:
        return (1.0, float(threshold - 1))
    return (0.0 if value == 0 else float(threshold), math.inf)


def recoverable(counts: Mapping[Hashable, float], relations: Sequence[Relation], hidden: Iterable[Hashable],
                primary: Iterable[Hashable], threshold: int) -> dict[Hashable, float]:
    """The primary hidden cells a reader can work out exactly from the cells shown: ``{cell: value}``."""
    hidden, primary = set(hidden), set(primary)
    known = {cell: value for cell, value in counts.items() if cell not in hidden}
    bounds = {cell: reader_bounds(counts[cell], cell in primary, threshold) for cell in hidden}
    ranges = feasible_ranges(known, bounds, relations)
    return {cell: round(ranges[cell][0]) for cell in primary & hidden if pinned(*ranges[cell])}


def protect(counts: Mapping[Hashable, float], relations: Sequence[Relation], threshold: int, *,
            hidden: Iterable[Hashable] = (), keep: Iterable[Hashable] = ()) -> set[Hashable]:
    """Cells to hide: every small cell (primary), ``hidden`` (suppressed at source), and complementary cells.

    First, while a relation has exactly one hidden cell, the smallest shown non-zero cell of it is hidden too
    (a part before the total, a cell that mends a second such relation first); then, while the solver still
    works out a primary cell exactly, the same is done around that cell. ``keep`` are cells that must stay shown
    (a chart's node sizes). Returns the hidden cells, primary and secondary.
    """
    relations = list(relations)
    keep = set(keep)
    primary = {cell for cell, value in counts.items() if is_small(value, threshold)} | set(hidden)
    chosen = set(primary)

    def lonely() -> list[Relation]:
        # One hidden cell of parts that need not add up is not worked out by subtraction; the solver checks.
        return [r for r in relations if not r.partial and sum(member in chosen for member in r.members) == 1]

    def pick(around: list[Relation]) -> Hashable:
        weak = lonely()
        candidates = [(member in keep, member == r.total, counts[member] == 0,
                       -sum(member in w.members for w in weak), counts[member], str(member), member)
                      for r in around for member in r.members if member not in chosen]
        if not candidates or candidates and min(candidates)[0]:
            raise ValueError(f"cannot protect the cells of {around[0]!r}: every other cell is hidden or kept")
        return min(candidates)[-1]

    while True:
        weak = lonely()
        if weak:
            chosen.add(pick(weak[:1]))
            continue
        exposed = recoverable(counts, relations, chosen, primary, threshold)
        if not exposed:
            return chosen
        cell = next(iter(exposed))
        chosen.add(pick([r for r in relations if cell in r.members]))


def degenerate(counts: Iterable[float]) -> bool:
    """True when a distribution has at least two categories and every one but one is zero (all in one group)."""
    values = [value for value in counts if not pd.isna(value)]
    return len(values) > 1 and sum(1 for value in values if value > 0) == 1


def chart_values(values: pd.Series, counts: pd.Series, threshold: int, label_format: str) -> tuple[pd.Series, pd.Series]:
    """Values to plot and their labels, with anything resting on a small count hidden.

    A bar's length or a point's height would reveal a suppressed value as
    surely as its label, so both are withheld: the value becomes missing (not
    drawn) and the label says ``[c]``.
    """
    hidden = counts.apply(lambda n: is_small(n, threshold))
    labels = [CONFIDENTIAL if small else label_format.format(value) for value, small in zip(values, hidden)]
    return values.mask(hidden), pd.Series(labels, index=values.index)


def disclosure_basis(part: int, total: int) -> int:
    """The count a published share of ``total`` rests on: the smaller non-zero of the part and the rest.

    With the total published, a share reveals the rest as surely as the part, so
    the share (and the part's count) is hidden when either is small.
    """
    return min([n for n in (int(part), int(total) - int(part)) if n > 0], default=0)


def count_texts(counts: Iterable[int], threshold: int, *, bases: Iterable[int] | None = None,
                hidden: Iterable[bool] | None = None) -> list[str]:
    """Counts as a table's text column publishes them: "<7" when small; "[c]" when ``hidden`` (secondarily) or
    when the share beside it rests on a small ``bases`` count (the rest of the total), which the count would reveal.

    >>> count_texts([3, 40, 40, 40], 7, bases=[3, 40, 2, 40], hidden=[False, False, False, True])
    ['<7', '40', '[c]', '[c]']
    """
    counts = list(counts)
    bases = [None] * len(counts) if bases is None else bases
    hidden = [False] * len(counts) if hidden is None else hidden
    return [count_text(n, threshold, basis=b, hidden=h) for n, b, h in zip(counts, bases, hidden)]


def count_text(count: int, threshold: int, *, basis: int | None = None, hidden: bool = False) -> str:
    """One count as :func:`count_texts` publishes it ("–" for a missing one, as ArtifactWriter prints it)."""
    if is_small(count, threshold):
        return suppressed_count_text(threshold)
    if hidden or is_small(basis, threshold):
        return CONFIDENTIAL
    return "–" if pd.isna(count) else format_count(count)


def significance_texts(significant: pd.Series, p: pd.Series, basis: pd.Series, threshold: int) -> list[str]:
    """"Yes"/"No" for a table's significance column; ``[c]`` where the test rests on a small count."""
    return [CONFIDENTIAL if is_small(count, threshold) else "–" if pd.isna(value) else "Yes" if flag else "No"
            for flag, value, count in zip(significant, p, basis)]


def significance_columns(table: pd.DataFrame, threshold: int) -> dict[str, object]:
    """A comparison table's ``significant_text`` column and its ``bold`` emphasis, from its ``significant``,
    ``p`` and ``basis`` columns: for ``table.assign(**significance_columns(table, threshold))``. A row is bold
    only where its test is published, so emphasis never says what ``[c]`` hides.

    >>> table = pd.DataFrame({"significant": [True, True, False], "p": [0.01, 0.02, 0.5], "basis": [40, 3, 40]})
    >>> marks = significance_columns(table, 7)
    >>> marks["significant_text"], marks["bold"].tolist()
    (['Yes', '[c]', 'No'], [True, False, False])
    """
    return {"significant_text": significance_texts(table["significant"], table["p"], table["basis"], threshold),
            "bold": table["significant"] & ~table["basis"].map(lambda n: is_small(n, threshold))}


def interval_texts(lower: pd.Series, upper: pd.Series, basis: pd.Series, threshold: int, decimals: int,
                   suffix: str = "", separator: str = " to ") -> list[str]:
    """Confidence intervals as published text ("28.09 to 30.05"; tables use "28.09–30.05"), ``[c]`` where the
    count is small."""
    return [CONFIDENTIAL if is_small(count, threshold) else
            "–" if pd.isna(low) or pd.isna(high) else
            f"{format_number(low, decimals)}{suffix}{separator}{format_number(high, decimals)}{suffix}"
            for low, high, count in zip(lower, upper, basis)]
