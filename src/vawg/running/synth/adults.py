"""Synthetic adult social care safeguarding cases (DS-12).

Women's cases are planned exactly from ``data/synth/adult_safeguarding.yml``:
how many are VAWG and how many carry each Appendix 6h abuse type, some with
two (never physical and sexual together, so physical-or-sexual counts add
up); their other characteristics are planned within the VAWG and other
groups. Men's cases follow the same mix at a lower VAWG share.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from vawg.intake.contracts.adults import ASC_SAFEGUARDING
from vawg.running.synth.profile import value_for_year
from vawg.running.synth.tabular import COUNCIL_BOROUGH, generated_columns, ages_from_bands, category, dates_in, joined, split_exact, write_csv

_STREAM = 51
MALE_VAWG_SHARE = 0.25
NEVER_TOGETHER = {frozenset({"Physical Abuse", "Sexual Abuse"})}
REFERENCE_YEAR = 2024


def _vawg_types(type_counts: Mapping[str, int], cases: int, rng: np.random.Generator) -> list[list[str]]:
    """Abuse types of ``cases`` VAWG cases, each type on exactly its count of cases (some cases get two)."""
    total = sum(type_counts.values())
    overlap = max(0, min(total - cases, cases))
    seconds = split_exact(overlap, type_counts) if overlap else {k: 0 for k in type_counts}
    primary = {k: max(v - seconds[k], 0) for k, v in type_counts.items()}
    firsts = category(cases, primary, rng) if cases else np.array([], dtype=object)
    lists = [[str(t)] for t in firsts]
    has_second = np.zeros(cases, dtype=bool)
    for kind, number in seconds.items():
        allowed = [i for i in range(cases) if not has_second[i] and lists[i][0] != kind
                   and frozenset({lists[i][0], kind}) not in NEVER_TOGETHER]
        for i in rng.choice(allowed, size=min(number, len(allowed)), replace=False):
            lists[i].append(kind)
            has_second[i] = True
    return lists


def _group(profile: Mapping, group: str, count: int, types: list[list[str]], ld: int, year: int,
           last: dt.date, rng: np.random.Generator) -> pd.DataFrame:
    frame = pd.DataFrame({"concern_date": rng.permutation(dates_in(year, last, count, rng))})
    frame["abuse_types"] = joined(types)
    band = category(count, profile["age"][group], rng)
    frame["age"] = ages_from_bands(band, profile["age_bands"], rng)
    need = np.empty(count, dtype=object)
    ld_rows = rng.choice(count, size=min(ld, count), replace=False)
    need[ld_rows] = "Learning disability support"
    rest = np.setdiff1d(np.arange(count), ld_rows)
    need[rest] = category(len(rest), profile["support_need"], rng)
    frame["primary_support_need"] = need
    domestic = np.array(["Domestic Abuse" in t for t in types]) if group == "vawg" else np.zeros(count, bool)
    referrer = np.empty(count, dtype=object)
    referrer[domestic] = category(int(domestic.sum()), profile["referrer"]["domestic_abuse"], rng)
    referrer[~domestic] = category(int((~domestic).sum()), profile["referrer"][group], rng)
    frame["referrer_agency"] = referrer
    known = category(count, profile["perpetrator_known"][group], rng)
    frame["perpetrator_known"] = known
    relationship = np.full(count, None, dtype=object)
    relationship[known == "Yes"] = category(int((known == "Yes").sum()), profile["relationship"][group], rng)
    frame["perpetrator_relationship"] = relationship
    frame["location_of_abuse"] = category(count, profile["location"][group], rng)
    outcome = category(count, profile["outcome"][group], rng)
    frame["outcome"] = outcome
    frame["stage_reached"] = np.where(outcome == "Progressed to enquiry", "Section 42 enquiry", "Concern")
    reason = np.full(count, None, dtype=object)
    nfa = outcome == "No further action"
    reason[nfa] = category(int(nfa.sum()), profile["nfa_reason"], rng)
    frame["nfa_reason"] = reason
    return frame


def asc_table(profile: Mapping, *, seed: int, scale: float, period_end: dt.date) -> pd.DataFrame:
    rng = np.random.default_rng([seed, _STREAM])
    frames = []
    for year in range(int(profile["first_year"]), period_end.year + 1):
        last = min(dt.date(year, 12, 31), period_end)
        days = (dt.date(year + 1, 1, 1) - dt.date(year, 1, 1)).days
        part = ((last - dt.date(year, 1, 1)).days + 1) / days * scale
        women = round(float(value_for_year(profile["female_cases"], year)) * part)
        men = round(women * float(profile["male_share"]))
        vawg_women = round(float(value_for_year(profile["vawg_cases"], year)) * part)
        type_counts = {k: round(float(value_for_year(v, year)) * part) for k, v in profile["type_cases"].items()}
        reference_vawg = float(profile["vawg_cases"][REFERENCE_YEAR])
        reference_other = float(profile["female_cases"][REFERENCE_YEAR]) - reference_vawg
        for sex, total, vawg, counts in (
                ("Female", women, vawg_women, type_counts),
                ("Male", men, round(men * MALE_VAWG_SHARE),
                 split_exact(round(sum(type_counts.values()) * men * MALE_VAWG_SHARE / max(vawg_women, 1)),
                             type_counts) if sum(type_counts.values()) else type_counts)):
            others = total - vawg
            ld = {"vawg": round(profile["learning_disability"]["vawg"] * vawg / reference_vawg),
                  "other": round(profile["learning_disability"]["other"] * others / reference_other)}
            other_types = [[str(t)] for t in category(others, profile["other_types"], rng)]
            for group, count, types in (("vawg", vawg, _vawg_types(counts, vawg, rng)),
                                        ("other", others, other_types)):
                if count <= 0:
                    continue
                frame = _group(profile, group, count, types, ld[group], year, last, rng)
                frame["sex"] = sex
                frames.append(frame)
    table = pd.concat(frames, ignore_index=True).sort_values("concern_date", kind="stable").reset_index(drop=True)
    table["case_id"] = [f"ASC-C{n:07d}" for n in range(1, len(table) + 1)]
    people = max(1, round(len(table) * 0.9))
    table["person_id"] = [f"ASC-P{n:07d}" for n in np.concatenate(
        [np.arange(1, people + 1), rng.integers(1, people + 1, len(table) - people)])[rng.permutation(len(table))]]
    return table[generated_columns(ASC_SAFEGUARDING)]


def generate_adults(out_dir: Path, profile: Mapping, *, seed: int, scale: float, period_end: dt.date,
                    owner: str = COUNCIL_BOROUGH) -> dict[str, Path]:
    """Write ``asc_safeguarding/asc_safeguarding_cases.csv``."""
    table = asc_table(profile, seed=seed, scale=scale, period_end=period_end)
    return {"asc_safeguarding": write_csv(table, Path(out_dir) / "asc_safeguarding" / "asc_safeguarding_cases.csv",
                                                 owner=owner)}
