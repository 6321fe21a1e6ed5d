"""Synthetic Camden Safety Net extract (DS-08): referrals with contact forms, risk checklists, intake forms.

Parameters and the figures they reproduce are in ``data/synth/csn.yml``.
Each year's referrals are planned from the 2024 counts (scaled to the year's
volume), so a category's share is exact in every year and the 2024 counts at
scale 1 are the reference edition's. Columns are those of
:mod:`vawg.intake.contracts.csn`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from vawg.intake.contracts.csn import CSN_INTAKE_FORMS, CSN_RISK_CHECKLISTS, CSN_WORKFLOWS
from vawg.running.synth.tabular import COUNCIL_BOROUGH, generated_columns, ages_from_bands, category, dates_in, joined, split_exact, write_csv, yearly_counts

_STREAM = 31
REFERENCE_REFERRALS = 1115  # the 2024 volume the profile's counts describe


def _scaled(weights: Mapping[str, float], total: int) -> dict[str, float]:
    """Counts given for 1,115 referrals, as weights for ``total``."""
    return {key: float(value) * total / REFERENCE_REFERRALS for key, value in weights.items()}


def csn_tables(profile: Mapping, *, seed: int, scale: float, period_end: dt.date,
               start_year: int | None = None) -> dict[str, pd.DataFrame]:
    """The three CSN tables for every year from the profile's first year to ``period_end``."""
    rng = np.random.default_rng([seed, _STREAM])
    workflows, checklists, intakes = [], [], []
    person_pool: list[str] = []
    next_person = 1
    first_year = max(int(profile["first_year"]), start_year or 0)
    for year, count, last in yearly_counts(profile["referrals_per_year"], scale=scale, first_year=first_year,
                                           period_end=period_end):
        if count == 0:
            continue
        frame = _year_of_referrals(profile, year, count, last, rng)
        # People: some referred more than once in the year; some seen in earlier years.
        people = max(1, round(float(profile["people_per_referral"]) * count))
        returning = min(len(person_pool), round(people * 0.25))
        ids = list(rng.choice(person_pool, size=returning, replace=False)) if returning else []
        ids += [f"CSN-P{n:06d}" for n in range(next_person, next_person + people - returning)]
        next_person += people - returning
        person_pool.extend(ids[returning:])
        extra = rng.choice(len(ids), size=count - people, replace=True)
        frame["person_id"] = np.array(ids + [ids[i] for i in extra], dtype=object)[rng.permutation(count)]
        workflows.append(frame)
        checklists.append(_risk_checklists(profile, frame, year, last, rng))
        intakes.append(_intake_forms(profile, frame, year, last, rng))
    workflows_frame = pd.concat(workflows, ignore_index=True)
    workflows_frame.insert(0, "workflow_id", [f"CSN-W{n:06d}" for n in range(1, len(workflows_frame) + 1)])
    ids = dict(zip(workflows_frame.index, workflows_frame["workflow_id"], strict=True))
    tables = {"csn_workflows": workflows_frame}
    for name, parts, prefix in (("csn_risk_checklists", checklists, "CSN-R"), ("csn_intake_forms", intakes, "CSN-I")):
        offset = 0
        frames = []
        for part, workflows_part in zip(parts, workflows, strict=True):
            part = part.copy()
            part["workflow_id"] = [ids[offset + i] for i in part.pop("row")]
            offset += len(workflows_part)
            frames.append(part)
        table = pd.concat(frames, ignore_index=True).sort_values("completed_date", kind="stable")
        table.insert(0, "form_id", [f"{prefix}{n:06d}" for n in range(1, len(table) + 1)])
        tables[name] = table.reset_index(drop=True)
    # Risk level of a referral: that of its latest checklist.
    latest = tables["csn_risk_checklists"].sort_values("completed_date").groupby("workflow_id")["risk_level"].last()
    workflows_frame["risk_level"] = workflows_frame["workflow_id"].map(latest)
    tables["csn_workflows"] = workflows_frame[generated_columns(CSN_WORKFLOWS)]
    tables["csn_risk_checklists"] = tables["csn_risk_checklists"][generated_columns(CSN_RISK_CHECKLISTS)]
    tables["csn_intake_forms"] = tables["csn_intake_forms"][generated_columns(CSN_INTAKE_FORMS)]
    return tables


def _year_of_referrals(profile: Mapping, year: int, count: int, last: dt.date,
                       rng: np.random.Generator) -> pd.DataFrame:
    contact = profile["contact_form"]
    frame = pd.DataFrame({"referral_date": dates_in(year, last, count, rng)})
    for column in ("new_or_repeat", "referral_source", "gender", "gender_same_as_birth", "ethnicity", "disability",
                   "religion", "sexual_orientation", "marital_status", "employment_status", "mental_health",
                   "children_involved", "pregnant", "council_tenant"):
        frame[column] = category(count, _scaled(contact[column], count), rng)
    substance = category(count, _scaled(contact["substance_use"], count), rng)
    frame["drug_use"] = np.select([np.isin(substance, ["Drugs only", "Both"]), substance == "Not recorded"],
                                  ["Yes", "Not recorded"], "No")
    frame["alcohol_use"] = np.select([np.isin(substance, ["Alcohol only", "Both"]), substance == "Not recorded"],
                                     ["Yes", "Not recorded"], "No")
    bands = list(contact["age_bands"])
    band = category(count, dict(zip(bands, contact["age_weights"], strict=True)), rng)
    frame["age"] = ages_from_bands(band, contact["age_bands"], rng)
    frame["abuse_types"] = joined(_abuse_types(profile["abuse_types"], count, rng))

    assessed = np.zeros(count, dtype=bool)
    assessed[rng.choice(count, size=round(float(profile["risk_assessed"]) * count / REFERENCE_REFERRALS),
                        replace=False)] = True
    outcome = np.empty(count, dtype=object)
    outcome[assessed] = category(int(assessed.sum()), profile["outcome_when_assessed"], rng)
    outcome[~assessed] = category(int((~assessed).sum()), profile["outcome_otherwise"], rng)
    frame["risk_assessment_completed"] = assessed
    frame["outcome"] = outcome
    frame["risk_level"] = None
    clients = np.flatnonzero(outcome == "DVA client")
    interventions: list[list[str]] = [[] for _ in range(count)]
    reference_clients = sum(v for k, v in profile["outcome_when_assessed"].items() if k == "DVA client") + \
        sum(v for k, v in profile["outcome_otherwise"].items() if k == "DVA client")
    for item, number in profile["interventions"].items():
        chosen = rng.choice(clients, size=min(len(clients), round(number * len(clients) / reference_clients)),
                            replace=False)
        for position in chosen:
            interventions[position].append(item)
    frame["interventions"] = joined(interventions)
    return frame


def _abuse_types(spec: Mapping, count: int, rng: np.random.Generator) -> list[list[str]]:
    """Contact-form abuse types (Table 3): "DVA" with one or two subtypes, or one or two non-DVA items, or none."""
    dva = round(spec["dva"] * count / REFERENCE_REFERRALS)
    non_dva = round(spec["non_dva"] * count / REFERENCE_REFERRALS)
    order = rng.permutation(count)
    lists: list[list[str]] = [[] for _ in range(count)]
    for positions, primary, second, parent in ((order[:dva], spec["dva_primary"], spec["dva_second"], "DVA"),
                                              (order[dva:dva + non_dva], spec["non_dva_primary"],
                                               spec["non_dva_second"], None)):
        n = len(positions)
        scale = n / sum(primary.values()) if primary else 0
        firsts = category(n, primary, rng)
        seconds = split_exact(round(sum(second.values()) * scale), second)
        for position, item in zip(positions, firsts, strict=True):
            lists[position] = ([parent] if parent else []) + [item]
        for item, number in seconds.items():
            candidates = [p for p in positions if item not in lists[p] and len(lists[p]) < 3]
            for position in rng.choice(candidates, size=min(number, len(candidates)), replace=False):
                lists[position].append(item)
    return lists


def _answers(count: int, yes: float, not_recorded: float, rng: np.random.Generator) -> np.ndarray:
    return category(count, {"Yes": yes, "No": max(0.0, 1 - yes - not_recorded), "Not recorded": not_recorded}, rng)


def _within_year(dates: np.ndarray, last: dt.date, rng: np.random.Generator) -> np.ndarray:
    later = dates + rng.integers(0, 15, len(dates)).astype("timedelta64[D]")
    return np.minimum(later, np.datetime64(last))


def _risk_checklists(profile: Mapping, referrals: pd.DataFrame, year: int, last: dt.date,
                     rng: np.random.Generator) -> pd.DataFrame:
    spec = profile["risk_checklists"]
    assessed = np.flatnonzero(referrals["risk_assessment_completed"].to_numpy())
    total = round(spec["forms"] * len(assessed) / profile["risk_assessed"]) if len(assessed) else 0
    rows = np.concatenate([assessed, rng.choice(assessed, size=max(total - len(assessed), 0))]) \
        if len(assessed) else assessed
    n = len(rows)
    frame = pd.DataFrame({"row": rows,
                          "completed_date": _within_year(referrals["referral_date"].to_numpy()[rows], last, rng)})
    yes_count = np.zeros(n, dtype=np.int64)
    for item, share in spec["answers"].items():
        frame[item] = _answers(n, float(share), float(spec["not_recorded"]), rng)
        yes_count += frame[item].to_numpy() == "Yes"
    frame["children_harmed"] = category(n, {k: v * n / spec["forms"] for k, v in spec["children_harmed"].items()},
                                        rng)
    score = np.clip(yes_count + rng.integers(0, 12, n), 0, 24)
    frame["dash_score"] = score
    frame["risk_level"] = np.select([score >= 14, score >= 10], ["High", "Medium"], "Standard")
    return frame


def _intake_forms(profile: Mapping, referrals: pd.DataFrame, year: int, last: dt.date,
                  rng: np.random.Generator) -> pd.DataFrame:
    spec = profile["intake_forms"]
    clients = np.flatnonzero(referrals["outcome"].to_numpy() == "DVA client")
    reference_clients = profile["outcome_when_assessed"]["DVA client"] + profile["outcome_otherwise"]["DVA client"]
    total = round(spec["forms"] * len(clients) / reference_clients) if len(clients) else 0
    rows = np.concatenate([clients, rng.choice(clients, size=max(total - len(clients), 0))]) \
        if len(clients) else clients
    n = len(rows)
    frame = pd.DataFrame({"row": rows,
                          "completed_date": _within_year(referrals["referral_date"].to_numpy()[rows], last, rng)})
    frame["employment_status"] = category(n, spec["employment_status"], rng)
    frame["aptr_relationship"] = category(n, spec["aptr_relationship"], rng)
    for item, share in spec["answers"].items():
        frame[item] = _answers(n, float(share), float(spec["not_recorded"]), rng)
    return frame


def generate_csn(out_dir: Path, profile: Mapping, *, seed: int, scale: float, period_end: dt.date,
                 owner: str = COUNCIL_BOROUGH) -> dict[str, Path]:
    """Write ``csn/csn_workflows.csv``, ``csn/csn_risk_checklists.csv`` and ``csn/csn_intake_forms.csv``."""
    tables = csn_tables(profile, seed=seed, scale=scale, period_end=period_end)
    folder = Path(out_dir) / "csn"
    return {name: write_csv(frame, folder / f"{name}.csv", owner=owner) for name, frame in tables.items()}
