"""Synthetic children's safeguarding and Early Help forms (DS-10).

Families of one to three children have one or more MASH contacts (workflows)
in a year; each contact has a row per child. Some workflows go on to a child
and family assessment (CSSW) or an Early Help family assessment, recorded for
one child; further Early Help families come directly. A workflow is VAWG when
one of its factors is in Appendix 6g. Which families, workflows and children
are VAWG is planned so the counts of Tables 4, 5 and 7 hold (see
``data/synth/children.yml``); people's characteristics are planned within the
VAWG and other groups.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from vawg.intake.contracts.children import CSSW_FORMS, EARLY_HELP_FORMS, OTHER_FACTORS
from vawg.running.synth.profile import value_for_year
from vawg.running.synth.tabular import COUNCIL_BOROUGH, generated_columns, category, dates_in, flagged, joined, write_csv

_STREAM = 41
AGE_SPANS = {"0-4": (0, 4), "5-9": (5, 9), "10-14": (10, 14), "15-19": (15, 19)}


def children_tables(profile: Mapping, *, seed: int, scale: float, period_end: dt.date) -> dict[str, pd.DataFrame]:
    rng = np.random.default_rng([seed, _STREAM])
    cssw, early = [], []
    counters = {"person": 1, "workflow": 1}
    for year in range(int(profile["first_year"]), period_end.year + 1):
        last = min(dt.date(year, 12, 31), period_end)
        days = (dt.date(year + 1, 1, 1) - dt.date(year, 1, 1)).days
        factor = float(value_for_year(profile["volume_index"], year)) * scale * ((last - dt.date(year, 1, 1)).days
                                                                                 + 1) / days
        if factor <= 0:
            continue
        mash, assessments, eh = _year(profile, year, last, factor, counters, rng)
        cssw.extend([mash, assessments])
        early.append(eh)
    tables = {}
    for name, parts, contract, prefix in (("cssw_forms", cssw, CSSW_FORMS, None),
                                          ("early_help_forms", early, EARLY_HELP_FORMS, "EH-F")):
        table = pd.concat(parts, ignore_index=True).sort_values(["completed_date", "workflow_id"], kind="stable")
        if prefix is None:
            prefixes = table["form_type"].map({"mash_contact": "MASH-F", "cssw_assessment": "CSSW-F"})
            numbers = table.groupby("form_type").cumcount() + 1
            table["form_id"] = prefixes + numbers.map(lambda n: f"{n:07d}")
        else:
            table["form_id"] = [f"{prefix}{n:07d}" for n in range(1, len(table) + 1)]
        table["completed_date"] = pd.to_datetime(table["completed_date"]).dt.date
        columns = [name for name in generated_columns(contract) if name in table.columns]
        tables[name] = table[columns].reset_index(drop=True)
    return tables


def _year(profile: Mapping, year: int, last: dt.date, factor: float, counters: dict, rng: np.random.Generator):
    spec = profile["mash"]
    persons_target = round(spec["persons"] * factor)
    workflows_target = max(round(spec["workflows"] * factor), 1)
    # Families and their children.
    sizes_weights = {int(k): float(v) for k, v in spec["family_size"].items()}
    mean_size = sum(k * v for k, v in sizes_weights.items()) / sum(sizes_weights.values())
    families = max(1, min(round(persons_target / mean_size), workflows_target))
    size = category(families, {str(k): v for k, v in sizes_weights.items()}, rng).astype(int)
    first_person = np.concatenate([[0], np.cumsum(size)[:-1]])
    persons = int(size.sum())
    # Workflows: each family at least one.
    family_of_workflow = np.concatenate([np.arange(families),
                                         rng.choice(families, size=workflows_target - families, replace=True)])
    family_of_workflow = np.sort(family_of_workflow)
    workflows = len(family_of_workflow)

    # VAWG families: cover the target number of children; then exactly the target VAWG workflows among theirs.
    order = rng.permutation(families)
    covered = np.cumsum(size[order])
    vawg_persons = round(spec["vawg_persons"] * factor)
    vawg_family = np.zeros(families, dtype=bool)
    vawg_family[order[:int(np.searchsorted(covered, vawg_persons) + 1) if vawg_persons else 0]] = True
    candidates = np.flatnonzero(vawg_family[family_of_workflow])
    vawg_workflow = np.zeros(workflows, dtype=bool)
    first_of_family = np.unique(family_of_workflow[candidates], return_index=True)[1]
    vawg_workflow[candidates[first_of_family]] = True
    wanted = round(spec["vawg_workflows"] * factor)
    rest = np.setdiff1d(candidates, candidates[first_of_family])
    extra = max(0, min(wanted - int(vawg_workflow.sum()), len(rest)))
    vawg_workflow[rng.choice(rest, size=extra, replace=False)] = True

    people = _people(profile, persons, np.repeat(vawg_family, size), counters, rng)
    workflow_ids = np.array([f"CH-W{n:07d}" for n in range(counters["workflow"], counters["workflow"] + workflows)],
                            dtype=object)
    counters["workflow"] += workflows
    wf = _workflow_attributes(profile, vawg_workflow, rng)
    contact_dates = dates_in(year, last, workflows, rng)
    rng.shuffle(contact_dates)

    # MASH: one row per child of the family.
    children_per_workflow = size[family_of_workflow]
    rows = np.repeat(np.arange(workflows), children_per_workflow)
    child = first_person[family_of_workflow][rows] + _within_family(children_per_workflow)
    mash = _rows(profile, "mash_contact", rows, child, workflow_ids, vawg_workflow, wf, people,
                 contact_dates[rows], profile["mash"]["dva_share_of_vawg"], rng)

    # Child and family assessments: one child per chosen workflow, mostly VAWG ones.
    # Some assessments find VAWG the contact did not record: those workflows become VAWG.
    cssw_spec = profile["cssw"]
    found_later = round(cssw_spec["vawg_after_other_contact"] * factor)
    chosen = _choose(vawg_workflow, round(cssw_spec["workflows"] * factor),
                     round(cssw_spec["vawg_workflows"] * factor) - found_later, rng)
    assessed_vawg = vawg_workflow.copy()
    unflagged = chosen[~vawg_workflow[chosen]]
    assessed_vawg[rng.choice(unflagged, size=min(found_later, len(unflagged)), replace=False)] = True
    family = family_of_workflow[chosen]
    # The index child, and each sibling with some probability.
    assessed = [(w, first_person[f] + c) for w, f in zip(chosen, family, strict=True) for c in range(size[f])
                if c == 0 or rng.random() < float(cssw_spec["sibling_share"])]
    pairs = np.array(assessed, dtype=np.int64).reshape(-1, 2)
    assessments = _rows(profile, "cssw_assessment", pairs[:, 0], pairs[:, 1], workflow_ids, assessed_vawg, wf,
                        people, _later(contact_dates[pairs[:, 0]], last, rng), cssw_spec["dva_share_of_vawg"], rng)

    # Early Help: some after a MASH contact (not VAWG there), the rest new families of one child.
    eh_spec = profile["early_help"]
    after = _choose(vawg_workflow, round(eh_spec["after_mash"] * factor), 0, rng, exclude=chosen)
    after_child = first_person[family_of_workflow[after]]
    new = max(round(eh_spec["workflows"] * factor) - len(after), 0)
    vawg_new = min(max(round(eh_spec["vawg_workflows"] * factor), 0), new)
    new_vawg = np.zeros(new, dtype=bool)
    new_vawg[rng.choice(new, size=vawg_new, replace=False)] = True
    # Some of these children had a MASH contact in another workflow; the others are new to the services.
    known = flagged(new, float(eh_spec["known_child_share"]), rng, among=~new_vawg)
    fresh = _people(profile, int((~known).sum()), new_vawg[~known], counters, rng)
    new_people = pd.concat([fresh, people.iloc[rng.choice(persons, size=int(known.sum()), replace=False)]],
                           ignore_index=True)
    child_of_new = np.empty(new, dtype=np.int64)
    child_of_new[~known] = np.arange(int((~known).sum()))
    child_of_new[known] = len(fresh) + np.arange(int(known.sum()))
    new_ids = np.array([f"CH-W{n:07d}" for n in range(counters["workflow"], counters["workflow"] + new)], dtype=object)
    counters["workflow"] += new
    new_wf = _workflow_attributes(profile, new_vawg, rng)
    eh_after = _rows(profile, "eh_assessment", after, after_child, workflow_ids, vawg_workflow, wf, people,
                     _later(contact_dates[after], last, rng), eh_spec["dva_share_of_vawg"], rng)
    eh_new = _rows(profile, "eh_assessment", np.arange(new), child_of_new, new_ids, new_vawg, new_wf, new_people,
                   dates_in(year, last, new, rng), eh_spec["dva_share_of_vawg"], rng)
    eh = pd.concat([eh_after, eh_new], ignore_index=True)
    eh["eh_brief_closure"] = False
    brief = eh.sample(n=round(len(eh) * float(eh_spec["brief_closure_share"])), random_state=rng, replace=True)
    brief = brief.assign(eh_brief_closure=True, workflow_id=[f"CH-B{counters['workflow'] + i:07d}"
                                                             for i in range(len(brief))],
                         assessment_factors=joined([[str(rng.choice(OTHER_FACTORS))] for _ in range(len(brief))]))
    counters["workflow"] += len(brief)
    return mash, assessments, pd.concat([eh, brief], ignore_index=True)


def _within_family(children_per_workflow: np.ndarray) -> np.ndarray:
    """0, 1, … for the children of each workflow's row block."""
    starts = np.repeat(np.cumsum(children_per_workflow) - children_per_workflow, children_per_workflow)
    return np.arange(int(children_per_workflow.sum())) - starts


def _choose(vawg: np.ndarray, total: int, of_vawg: int, rng: np.random.Generator,
            exclude: np.ndarray | None = None) -> np.ndarray:
    allowed = np.ones(len(vawg), dtype=bool)
    if exclude is not None:
        allowed[exclude] = False
    pools = np.flatnonzero(vawg & allowed), np.flatnonzero(~vawg & allowed)
    take_vawg = min(of_vawg, len(pools[0]))
    take_other = min(total - take_vawg, len(pools[1]))
    return np.sort(np.concatenate([rng.choice(pools[0], take_vawg, replace=False),
                                   rng.choice(pools[1], take_other, replace=False)]))


def _later(dates: np.ndarray, last: dt.date, rng: np.random.Generator) -> np.ndarray:
    return np.minimum(dates + rng.integers(10, 46, len(dates)).astype("timedelta64[D]"), np.datetime64(last))


def _people(profile: Mapping, count: int, vawg: np.ndarray, counters: dict, rng: np.random.Generator) -> pd.DataFrame:
    """Characteristics of ``count`` children, planned within the VAWG and other groups."""
    spec = profile["people"]
    frame = pd.DataFrame(index=np.arange(count))
    frame["person_id"] = [f"CH-P{n:07d}" for n in range(counters["person"], counters["person"] + count)]
    counters["person"] += count
    for group, mask in (("vawg", vawg), ("other", ~vawg)):
        n = int(mask.sum())
        if n == 0:
            continue
        weights = spec[group]
        for column in ("sex", "age_band", "ethnicity", "religion", "disability"):
            frame.loc[mask, column] = category(n, weights[column], rng)
        frame.loc[mask, "looked_after"] = flagged(n, float(weights["looked_after"]), rng)
    disabled = (frame["disability"] == "Yes").to_numpy()
    types = [[] for _ in range(count)]
    for kind, share in spec["disability_types"].items():
        for position in np.flatnonzero(flagged(count, float(share), rng, among=disabled)):
            types[position].append(kind)
    frame["disability_types"] = joined(types)
    low = frame["age_band"].map(lambda band: AGE_SPANS[band][0]).to_numpy()
    frame["age"] = low + rng.integers(0, 5, count)
    frame["looked_after"] = frame["looked_after"].astype(bool)
    return frame


def _workflow_attributes(profile: Mapping, vawg: np.ndarray, rng: np.random.Generator) -> pd.DataFrame:
    spec = profile["workflows"]
    frame = pd.DataFrame(index=np.arange(len(vawg)))
    for group, mask in (("vawg", vawg), ("other", ~vawg)):
        n = int(mask.sum())
        for column, share in spec[group].items():
            values = flagged(n, float(share), rng)
            if column in ("housing_issue", "council_tenant"):
                values = np.where(values, "Yes", "No")
            frame.loc[mask, column] = values
    for column in ("re_referral", "cin_visit", "strategy_discussion", "cin_plan"):
        frame[column] = frame[column].astype(bool)
    return frame


def _rows(profile: Mapping, form: str, workflows: np.ndarray, children: np.ndarray, workflow_ids: np.ndarray,
          vawg: np.ndarray, wf: pd.DataFrame, people: pd.DataFrame, dates: np.ndarray, dva_share: float,
          rng: np.random.Generator) -> pd.DataFrame:
    """Form rows for (workflow, child) pairs (``dates`` aligned with them), factors from the workflow's VAWG status."""
    unique_workflows, first = np.unique(workflows, return_index=True)
    factors = _factors(profile, form, vawg[unique_workflows], dva_share, rng)
    factor_of = dict(zip(unique_workflows, factors, strict=True))
    person = people.iloc[children].reset_index(drop=True)
    attributes = wf.iloc[workflows].reset_index(drop=True)
    frame = pd.concat([person, attributes], axis=1)
    frame["form_type"] = form
    frame["workflow_id"] = workflow_ids[workflows]
    frame["completed_date"] = dates
    frame["assessment_factors"] = [factor_of[w] for w in workflows]
    return frame


def _factors(profile: Mapping, form: str, vawg: np.ndarray, dva_share: float, rng: np.random.Generator) -> list[str]:
    kind = "eh_assessment" if form == "eh_assessment" else "mash_contact"
    others = profile["other_vawg_factors"][kind]
    names = list(others)
    weights = np.array(list(others.values()), float)
    weights /= weights.sum()
    dva = flagged(len(vawg), dva_share, rng, among=vawg)
    lists = []
    for is_vawg, has_dva in zip(vawg, dva, strict=True):
        items = []
        if has_dva:
            items.append(profile["dva_factor"][form])
        if is_vawg and (not has_dva or rng.random() < 0.3):
            items.append(str(rng.choice(names, p=weights)))
        for extra in rng.choice(OTHER_FACTORS, size=rng.integers(0 if is_vawg else 1, 3), replace=False):
            items.append(str(extra))
        lists.append(items)
    return joined(lists)


def generate_children(out_dir: Path, profile: Mapping, *, seed: int, scale: float,
                      period_end: dt.date, owner: str = COUNCIL_BOROUGH) -> dict[str, Path]:
    """Write ``cssw/cssw_forms.csv`` and ``early_help/early_help_forms.csv``."""
    tables = children_tables(profile, seed=seed, scale=scale, period_end=period_end)
    return {"cssw_forms": write_csv(tables["cssw_forms"], Path(out_dir) / "cssw" / "cssw_forms.csv", owner=owner),
            "early_help_forms": write_csv(tables["early_help_forms"],
                                          Path(out_dir) / "early_help" / "early_help_forms.csv", owner=owner)}
