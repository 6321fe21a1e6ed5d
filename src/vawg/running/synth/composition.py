"""Choose VAWG offence names and domestic-abuse flags that meet abuse-type targets.

The analysis derives most abuse types from the VAWG offence name (one name can
set several types: "Sexual Grooming" sets sexual violence, sexual exploitation
and controlling behaviour) and reads domestic abuse from a police flag. So a
target such as "619 sexual-violence offences and 41 sexual-exploitation
offences" is a constraint on how many offences get each *set* of abuse types.

The solver here is generic. It groups the offence names by the set of types
they set (a *profile*), crosses each profile with the domestic flag, and solves
a small integer programme: meet every target exactly, and otherwise stay as
close as possible to the prior mix of names the synthetic profile gives. When
the targets cannot all be met (tiny counts at small scales) it gets as close
as it can instead of failing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.optimize import LinearConstraint, linprog, milp

from vawg.running.synth.apportion import apportion
from vawg.running.synth.profile import ReferenceData, parse_subgroup_key

TOTAL = "all_vawg"
DOMESTIC_FLAG = "dva_flag"
# Meeting a target outweighs any departure from the prior mix.
_TARGET_MISS_COST = 1_000.0


def offence_type_table(categorisation: pd.DataFrame) -> pd.DataFrame:
    """Every (group, subgroup, VAWG offence name) an offence can be recorded as.

    Parameters
    ----------
    categorisation : pandas.DataFrame
        The crime categorisation (name ``None`` for offences without a VAWG
        offence name).

    Returns
    -------
    pandas.DataFrame
        The categorisation's rows in file order, then a no-name row for each
        subgroup that lacks one (non-VAWG offences can occur in any subgroup).
        The row position is the offence-type index used by the generator.
    """
    table = categorisation[["crime_group", "crime_subgroup", "vawg_offence_name"]].copy()
    has_unnamed = table[table["vawg_offence_name"].isna()][["crime_group", "crime_subgroup"]]
    pairs = table[["crime_group", "crime_subgroup"]].drop_duplicates()
    missing = pairs.merge(has_unnamed, how="left", indicator=True)
    missing = missing[missing["_merge"] == "left_only"].drop(columns="_merge")
    missing["vawg_offence_name"] = None
    return pd.concat([table, missing], ignore_index=True)


def unnamed_offence_types(offence_types: pd.DataFrame) -> dict[tuple[str, str], int]:
    """Index of the no-name offence type of each (group, subgroup)."""
    unnamed = offence_types[offence_types["vawg_offence_name"].isna()]
    return {
        (group, subgroup): int(index)
        for index, group, subgroup in zip(unnamed.index, unnamed["crime_group"], unnamed["crime_subgroup"], strict=True)
    }


@dataclass(frozen=True)
class VawgOffenceKind:
    """One VAWG offence name (or the no-name domestic offences) with its prior.

    Attributes
    ----------
    name : str or None
        VAWG offence name; ``None`` for domestic offences without one.
    abuse_types : frozenset of str
        Derived abuse types the name sets.
    weight : float
        Prior weight in the VAWG mix.
    domestic_share : float
        Prior share of these offences flagged as domestic abuse.
    offence_types : numpy.ndarray
        Offence-type indices the kind is recorded under.
    offence_type_weights : numpy.ndarray
        How the kind splits over those offence types.
    """

    name: str | None
    abuse_types: frozenset[str]
    weight: float
    domestic_share: float
    offence_types: np.ndarray
    offence_type_weights: np.ndarray


def solve_counts(membership: np.ndarray, targets: np.ndarray, prior: np.ndarray) -> np.ndarray:
    """Whole counts per class that meet targets and stay close to a prior.

    Solves ``membership @ counts == targets`` in non-negative integers,
    minimising the departure from ``prior`` (each class's departure weighted
    by ``1 / sqrt(prior + 1)``, so large classes absorb most of the change).
    Targets that cannot be met are missed by as little as possible.

    Parameters
    ----------
    membership : numpy.ndarray
        0/1 matrix, one row per target, one column per class.
    targets : numpy.ndarray
        Target count of each row.
    prior : numpy.ndarray
        Expected count of each class before the targets are imposed; whole
        numbers make the fast path (a linear programme) usually integral.

    Returns
    -------
    numpy.ndarray
        int64 count per class.
    """
    n_targets, n_classes = membership.shape
    identity_c = np.eye(n_classes)
    identity_t = np.eye(n_targets)
    # Variables: counts, over-prior, under-prior, over-target, under-target.
    meets_targets = np.hstack([membership, np.zeros((n_targets, 2 * n_classes)), identity_t, -identity_t])
    tracks_prior = np.hstack([identity_c, -identity_c, identity_c, np.zeros((n_classes, 2 * n_targets))])
    equations = np.vstack([meets_targets, tracks_prior])
    right_side = np.concatenate([targets, prior])
    departure_cost = 1.0 / np.sqrt(prior + 1.0)
    cost = np.concatenate(
        [np.zeros(n_classes), departure_cost, departure_cost, np.full(2 * n_targets, _TARGET_MISS_COST)]
    )
    # The linear relaxation is some 20 times faster than the integer solver and
    # almost always lands on whole numbers; fall back only when it does not.
    relaxed = linprog(cost, A_eq=equations, b_eq=right_side, bounds=(0, None), method="highs")
    if relaxed.success:
        counts = relaxed.x[:n_classes]
        if np.abs(counts - np.rint(counts)).max() < 1e-6:
            return np.rint(counts).astype(np.int64)
    integrality = np.concatenate([np.ones(n_classes), np.zeros(2 * n_classes + 2 * n_targets)])
    result = milp(
        cost,
        constraints=LinearConstraint(equations, lb=right_side, ub=right_side),
        integrality=integrality,
        options={"mip_rel_gap": 1e-9},
    )
    if not result.success:
        raise RuntimeError(f"composition solver failed: {result.message}")
    return np.rint(result.x[:n_classes]).astype(np.int64)


class VawgComposer:
    """Turns abuse-type targets into VAWG offences with names and domestic flags.

    Parameters
    ----------
    profile : Mapping
        The synthetic profile (uses ``vawg_offences``).
    reference : ReferenceData
        Reference lookups (abuse-type rules, categorisation).
    offence_types : pandas.DataFrame
        Offence-type table from :func:`offence_type_table`.
    """

    def __init__(self, profile: Mapping, reference: ReferenceData, offence_types: pd.DataFrame):
        rules = reference.abuse_types
        self.name_types: list[str] = rules.loc[rules["rule"] == "offence_name", "abuse_type"].tolist()
        self.domestic_type: str = rules.loc[rules["extract_field"] == DOMESTIC_FLAG, "abuse_type"].item()
        self.kinds = _build_kinds(profile["vawg_offences"], reference, offence_types, self.name_types)
        self.name_profile = {kind.name: kind.abuse_types for kind in self.kinds if kind.name is not None}

        # A class is a set of abuse types crossed with the domestic flag; classes
        # no kind can fill (zero prior) are left out so they never get offences.
        class_weights: dict[tuple[frozenset[str], bool], float] = {}
        for kind in self.kinds:
            for domestic, share in ((True, kind.domestic_share), (False, 1.0 - kind.domestic_share)):
                key = (kind.abuse_types, domestic)
                class_weights[key] = class_weights.get(key, 0.0) + kind.weight * share
        self.classes = sorted(
            (key for key, weight in class_weights.items() if weight > 0),
            key=lambda key: (sorted(key[0]), key[1]),
        )
        self.class_prior = np.array([class_weights[key] for key in self.classes])
        self.class_prior /= self.class_prior.sum()
        self.target_names = [TOTAL, self.domestic_type, *self.name_types]
        self.membership = np.array(
            [
                [
                    1 if target == TOTAL or (target == self.domestic_type and domestic) or target in abuse_types else 0
                    for abuse_types, domestic in self.classes
                ]
                for target in self.target_names
            ],
            dtype=float,
        )

    def compose(self, targets: Mapping[str, int], rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        """VAWG offences meeting the targets.

        Parameters
        ----------
        targets : Mapping[str, int]
            Count per abuse type: ``all_vawg``, the domestic-abuse type and
            every name-based type.
        rng : numpy.random.Generator
            Rounds the split of each class over its names and subgroups
            (the class counts, and so the abuse-type counts, are exact).

        Returns
        -------
        offence_type : numpy.ndarray
            Offence-type index of each offence (int16), grouped by kind.
        domestic : numpy.ndarray
            Whether each offence carries the domestic abuse flag.
        """
        wanted = np.array([targets[name] for name in self.target_names], dtype=float)
        prior = apportion(int(targets[TOTAL]), self.class_prior).astype(float)
        class_counts = solve_counts(self.membership, wanted, prior)
        type_parts, domestic_parts = [], []
        for (abuse_types, domestic), count in zip(self.classes, class_counts, strict=True):
            if count == 0:
                continue
            kinds = [kind for kind in self.kinds if kind.abuse_types == abuse_types]
            weights = np.array(
                [kind.weight * (kind.domestic_share if domestic else 1.0 - kind.domestic_share) for kind in kinds]
            )
            for kind, kind_count in zip(kinds, apportion(int(count), weights, rng), strict=True):
                per_type = apportion(int(kind_count), kind.offence_type_weights, rng)
                type_parts.append(np.repeat(kind.offence_types, per_type))
                domestic_parts.append(np.full(int(kind_count), domestic))
        if not type_parts:
            return np.zeros(0, dtype=np.int16), np.zeros(0, dtype=bool)
        return np.concatenate(type_parts).astype(np.int16), np.concatenate(domestic_parts)


def _build_kinds(
    section: Mapping, reference: ReferenceData, offence_types: pd.DataFrame, name_types: Sequence[str]
) -> list[VawgOffenceKind]:
    """One kind per VAWG offence name plus one for the no-name domestic offences."""
    sets_type = reference.abuse_type_offences[reference.abuse_type_offences["abuse_type"].isin(name_types)]
    types_of_name = sets_type.groupby("vawg_offence_name")["abuse_type"].agg(frozenset).to_dict()
    names = offence_types["vawg_offence_name"]
    kinds = []
    for name, prior in section["names"].items():
        indices = np.flatnonzero(names.eq(name).fillna(False).to_numpy(dtype=bool))
        kinds.append(
            VawgOffenceKind(
                name=name,
                abuse_types=types_of_name.get(name, frozenset()),
                weight=float(prior["weight"]),
                domestic_share=float(prior["domestic_share"]),
                offence_types=indices,
                offence_type_weights=np.ones(len(indices)),
            )
        )
    unnamed = section["unnamed"]
    unnamed_types = unnamed_offence_types(offence_types)
    subgroups = [parse_subgroup_key(key) for key in unnamed["subgroups"]]
    kinds.append(
        VawgOffenceKind(
            name=None,
            abuse_types=frozenset(),
            weight=float(unnamed["weight"]),
            domestic_share=1.0,
            offence_types=np.array([unnamed_types[pair] for pair in subgroups]),
            offence_type_weights=np.array([float(w) for w in unnamed["subgroups"].values()]),
        )
    )
    return kinds


def allocate_targets(totals: Mapping[str, int], shares: Mapping[str, Mapping[str, float]]) -> dict[str, dict[str, int]]:
    """Whole abuse-type targets per borough from VAWG totals and shares.

    Boroughs with the same shares are pooled: each type's pooled count is
    rounded once and then split over the boroughs in proportion to their
    totals. Pooling keeps rare types (a handful of FGM offences across London)
    at their pooled rate instead of rounding to zero in every borough.

    Parameters
    ----------
    totals : Mapping[str, int]
        VAWG offences per borough.
    shares : Mapping[str, Mapping[str, float]]
        Share of each borough's VAWG offences carrying each abuse type.

    Returns
    -------
    dict[str, dict[str, int]]
        Per borough: ``all_vawg`` and a count per abuse type in its shares.
    """
    pools: dict[tuple, list[str]] = {}
    for code in totals:
        pools.setdefault(tuple(sorted(shares[code].items())), []).append(code)
    targets = {code: {TOTAL: int(totals[code])} for code in totals}
    for share_items, codes in pools.items():
        weights = np.array([totals[code] for code in codes], dtype=float)
        for abuse_type, share in share_items:
            pooled = round(share * weights.sum())
            for code, count in zip(codes, apportion(pooled, weights), strict=True):
                targets[code][abuse_type] = int(count)
    return targets
