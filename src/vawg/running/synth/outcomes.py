"""Outcomes of synthetic offences and whether the suspect was known to the victim.

For the VAWG offences of each borough and year the counts are planned from
``data/synth/police_outcomes.yml`` (so the calibrated figures do not depend on
the seed) and only which offences get each outcome is drawn, with weights that
give domestic abuse offences more named suspects and withdrawals and sexual
violence more charges. Other offences draw from one mix.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from vawg.intake.contracts.police import KNOWN_OUTCOMES, OUTCOME_CATEGORIES
from vawg.foundations.errors import DataError
from vawg.running.synth.apportion import apportion, planned_categories, weighted_choice

NO_SUSPECT = "Investigation complete - no suspect identified"
ONGOING = "Investigation ongoing"
WITHDREW = "Victim withdrew support - named suspect identified"
# Codes of suspect_known_to_victim: 0 = no suspect identified (empty).
RELATIONSHIP_VALUES = (None, "Known to victim", "Stranger")
OUTCOME_INDEX = {name: index for index, name in enumerate(OUTCOME_CATEGORIES)}
KNOWN = np.array([name in KNOWN_OUTCOMES for name in OUTCOME_CATEGORIES])


class OutcomePlanner:
    """Outcome and relationship codes for one borough-year of offences.

    Parameters
    ----------
    profile : Mapping
        ``data/synth/police_outcomes.yml``.
    type_group : numpy.ndarray
        Crime group of each offence type.
    type_abuse : Mapping[str, numpy.ndarray]
        For each name-based abuse type, whether each offence type sets it.
    """

    def __init__(self, profile: Mapping, type_group: np.ndarray, type_abuse: Mapping[str, np.ndarray]):
        self.vawg = profile["vawg"]
        self.other = profile["other"]
        for section in ("positive_mix", "negative_mix"):
            unknown = set(self.vawg[section]) - set(OUTCOME_CATEGORIES)
            if unknown:
                raise DataError(f"police_outcomes.yml: unknown outcome categories in {section}: {sorted(unknown)}")
        unknown = set(self.other["outcome_shares"]) - set(OUTCOME_CATEGORIES)
        if unknown:
            raise DataError(f"police_outcomes.yml: unknown outcome categories in other: {sorted(unknown)}")
        self.type_group = type_group
        self.type_abuse = type_abuse
        self.positive_names = list(self.vawg["positive_mix"])
        self.negative_names = list(self.vawg["negative_mix"])
        other = self.other["outcome_shares"]
        self.other_codes = np.array([OUTCOME_INDEX[name] for name in other], dtype=np.int8)
        self.other_cumulative = np.cumsum(np.array(list(other.values()), float))
        self.other_cumulative /= self.other_cumulative[-1]

    def _weights(self, name: str, offence_type: np.ndarray, dva: np.ndarray) -> np.ndarray:
        weights = np.ones(len(offence_type))
        for key, factor in self.vawg["weights"].get(name, {}).items():
            if key == "dva":
                weights = np.where(dva, weights * float(factor), weights)
            elif key in self.type_abuse:
                weights = np.where(self.type_abuse[key][offence_type], weights * float(factor), weights)
        return weights

    def vawg_offences(self, code: str, offence_type: np.ndarray, dva: np.ndarray,
                      rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        """Outcome codes (index into OUTCOME_CATEGORIES) and relationship codes of a borough-year's VAWG offences."""
        p = self.vawg
        n = len(offence_type)
        outcome = np.full(n, OUTCOME_INDEX[ONGOING], dtype=np.int8)
        relationship = np.zeros(n, dtype=np.int8)
        if n == 0:
            return outcome, relationship
        suspect = np.zeros(n, dtype=bool)
        suspect[weighted_choice(rng, self._weights("suspect_identified", offence_type, dva),
                                round(float(p["suspect_identified"]) * n))] = True
        without, with_ = np.flatnonzero(~suspect), np.flatnonzero(suspect)
        closed = without[weighted_choice(rng, np.ones(len(without)),
                                         round(float(p["final_outcome_without_suspect"]) * len(without)))]
        outcome[closed] = OUTCOME_INDEX[NO_SUSPECT]
        final = with_[weighted_choice(rng, np.ones(len(with_)),
                                      round(float(p["final_outcome_with_suspect"]) * len(with_)))]
        rates = p["positive_rate"]
        rate = float(rates.get(code, rates["default"]))
        positives = min(round(rate * (len(closed) + len(final))), len(final))
        chosen = weighted_choice(rng, self._weights("positive", offence_type[final], dva[final]), positives)
        positive, negative = final[chosen], np.delete(final, chosen)
        mix = np.array([float(p["positive_mix"][name]) for name in self.positive_names])
        outcome[positive] = np.array([OUTCOME_INDEX[name] for name in self.positive_names],
                                     np.int8)[planned_categories(len(positive), mix, rng)]
        negative_mix = np.array([float(p["negative_mix"][name]) for name in self.negative_names])
        counts = apportion(len(negative), negative_mix)
        withdrew_at = self.negative_names.index(WITHDREW)
        chosen = weighted_choice(rng, self._weights("withdrew", offence_type[negative], dva[negative]),
                                 int(counts[withdrew_at]))
        outcome[negative[chosen]] = OUTCOME_INDEX[WITHDREW]
        rest = np.delete(negative, chosen)
        others = [name for name in self.negative_names if name != WITHDREW]
        other_mix = np.delete(counts, withdrew_at).astype(float)
        outcome[rest] = np.array([OUTCOME_INDEX[name] for name in others],
                                 np.int8)[planned_categories(len(rest), other_mix, rng)]

        group_weights = p["weights"]["known_to_victim"]
        weights = np.array([float(group_weights.get(group, group_weights["default"]))
                            for group in self.type_group[offence_type[with_]]])
        known = with_[weighted_choice(rng, weights, round(float(p["known_to_victim"]) * len(with_)))]
        relationship[with_] = 2
        relationship[known] = 1
        return outcome, relationship

    def other_offences(self, count: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        """Outcome and relationship codes of offences that are not VAWG, drawn from one mix."""
        outcome = self.other_codes[np.searchsorted(self.other_cumulative, rng.random(count), side="right")
                                   .clip(max=len(self.other_codes) - 1)]
        has_suspect = outcome != OUTCOME_INDEX[NO_SUSPECT]
        ongoing = outcome == OUTCOME_INDEX[ONGOING]
        has_suspect &= ~ongoing | (rng.random(count) < float(self.other["suspect_identified_when_ongoing"]))
        known = rng.random(count) < float(self.other["known_to_victim"])
        relationship = np.where(has_suspect, np.where(known, 1, 2), 0).astype(np.int8)
        return outcome, relationship
