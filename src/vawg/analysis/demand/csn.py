"""Chapter 3, the council's in-house DVA service (Camden Safety Net in the reference edition): demand, abuse
types, referral pathways, risk, and what its records say about the people referred.

One referral is one workflow with one contact form; a person can be referred more than once. Risk indicator
checklists and client intake forms belong to a workflow and are counted by the date they were completed.

Artifact ids and the functions that make them:

- ``tbl-csn-abuse-types``         :func:`table_csn_abuse_types`         (seed Table 3)
- ``fig-csn-abuse-types``         :func:`figure_csn_abuse_types`        (seed Figure 25; a pie in the seed,
  a sorted bar chart here)
- ``fig-csn-referral-pathways``   :func:`figure_csn_referral_pathways`  (seed Figure 26, a Sankey diagram)
- ``tbl-csn-characteristics``     :func:`table_csn_characteristics`     (protected characteristics: the seed's
  text beside Figures 17 and 21; no seed table)
- values ``csn.*``                :func:`prose_values`

Small numbers: a count from 1 to 6 shows "<7" and anything built on it "[c]". Abuse types are suppressed
secondarily within their group (a group's count is published). The pathway diagram folds small referral
sources and outcomes into "other" nodes and hides flows under 7, with enough further flows hidden that no
hidden flow can be worked out from a node's total (:func:`suppress_flows`). In the characteristics table each
characteristic's groups add up to all referrals, so they are suppressed secondarily together; an odds ratio is
published only when every cell of its two-by-two table is 0 or at least the threshold.

Comparisons with residents use the Census 2021 tables of the reference folder: sexual orientation (TS077,
residents aged 16 and over, all sexes: the open table has no split by sex). The reference folder has no Census
religion table, so religion is described but not compared.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
import textwrap

import numpy as np
import pandas as pd
from plotnine import (
    aes,
    annotate,
    element_blank,
    geom_polygon,
    geom_rect,
    geom_text,
    ggplot,
    labs,
    scale_fill_manual,
    scale_x_continuous,
    scale_y_continuous,
    theme,
)

from vawg.foundations.periods import report_year
from vawg.writing import charts
from vawg.foundations import reference
from vawg.writing.artifacts import Column, Figure, Table, format_value
from vawg.intake.contracts.csn import (
    ABUSE_TYPES,
    MARITAL_STATUSES,
    OUTCOMES,
    REFERRAL_SOURCES,
    RELIGIONS,
    SEXUAL_ORIENTATIONS,
)
from vawg.intake.contracts.reference_data import SEXUAL_ORIENTATION_LAD
from vawg.analysis.people.population import load_reference_table, published_comparators
from vawg.analysis.denominators import denominators, estimate_years, load_population
from vawg.foundations.stats.profiles import OddsRatio, group_proportion_tests, odds_ratio
from vawg.foundations.suppression import (
    CONFIDENTIAL,
    Relation,
    is_small,
    protect,
    secondary_suppression,
    suppressed_count_text,
)
from vawg.foundations.wording import join_words, phrase, wording
from vawg.writing.supply import is_staged, optional_table, staged_table

SOURCE = "Council DVA service case records (referrals, contact forms, risk checklists and intake forms)"
BASELINE_YEAR = 2019  # the reference edition measures the change in referrals from 2019, the last year before COVID-19
DVA = "DVA"
CLIENT = "DVA client"  # the outcome that means the referral became a case (case work)
PARTNER = "DVA - Intimate partner violence"
EX_PARTNER = "DVA - Intimate ex-partner"
NONE_SELECTED = "None selected"
ANY_NON_DVA = "Non-DVA"
OTHER_SOURCES = "Other sources (combined)"
OTHER_OUTCOMES = "Other outcomes (combined)"
# Table 3's rows: (key, label, group). Groups are published together, so suppression is secondary within each.
ABUSE_ROWS = (
    ("dva", "DVA", "top"),
    ("dva_ex_partner", "DVA: intimate ex-partner", "dva"),
    ("dva_partner", "DVA: intimate partner", "dva"),
    ("dva_family", "DVA: family (incl. child to parent, siblings)", "dva"),
    ("dva_honour", "DVA: honour-based violence", "dva"),
    ("dva_forced_marriage", "DVA: forced marriage", "dva"),
    ("non_dva", "Non-DVA", "top"),
    ("non_dva_exploitation", "Non-DVA: sexual exploitation", "non_dva"),
    ("non_dva_stalking", "Non-DVA: stalking and harassment", "non_dva"),
    ("non_dva_rape", "Non-DVA: rape or sexual assault", "non_dva"),
    ("none_selected", "No abuse type selected", "top"),
)
# The contract's abuse types, in its order, against the Table 3 rows that count them one by one.
ABUSE_ITEMS = dict(zip([key for key, _, _ in ABUSE_ROWS if key not in ("non_dva", "none_selected")], ABUSE_TYPES,
                       strict=True))
RISK_QUESTIONS = {  # checklist field: how the prose names a "yes"
    "frightened": "very frightened", "isolated": "isolated from family or friends",
    "emotions_hard": "finding emotions hard to manage", "threatened_to_kill": "threatened with death",
    "stalked_or_harassed": "stalked or harassed", "controlling_or_jealous": "facing a controlling or jealous abuser",
    "children_harmed": "with children who had been harmed", "depressed": "feeling depressed",
    "low_mood": "in low mood", "suicidal": "having suicidal thoughts",
}
INTAKE_QUESTIONS = {
    "suicide_threatened_or_attempted": "had threatened or attempted suicide",
    "separated_from_aptr": "were separated from, or not living with, the alleged perpetrator",
    "aptr_has_access_to_address": "said the alleged perpetrator had access to their address",
    "wants_to_flee": "wanted to flee",
}
# The interventions the prose counts, in the order ties are listed (their names: chapters/_03-csn.wording.yml).
INTERVENTIONS = ("MARAC referral", "Counselling referral", "Move to a safe address in borough", "Safety plan",
                 "Sanctuary scheme", "IDVA support", "Legal or civil remedy")
HETEROSEXUAL = "Heterosexual"
LGB_PLUS = "Lesbian, gay, bisexual or other"
# Census 2021 TS077 columns making up each of the service's two recorded orientations ("not answered" left out).
CENSUS_ORIENTATIONS = {HETEROSEXUAL: ("straight_heterosexual",),
                       LGB_PLUS: ("gay_lesbian", "bisexual", "other_sexual_orientation")}
# Steps a referral can escalate to, each: (key, how the prose names it).
ESCALATIONS = (("risk_assessed", "a completed risk assessment"), ("client", "becoming a DVA client"),
               ("safety_plan", "a safety plan"))
SAFETY_PLAN = "Safety plan"
# Table rows on who is referred: (characteristic, contract field, {recorded value: label}); each adds up to all.
PROFILE_GROUPS = (
    ("Gender the same as assigned at birth", "gender_same_as_birth",
     {"Yes": "Same as at birth", "No": "Different from birth", "Prefer not to say": "Prefer not to say",
      "Not recorded": "Not recorded"}),
    ("Marriage and civil partnership", "marital_status", {status: status for status in MARITAL_STATUSES}),
    ("Pregnancy", "pregnant", {"Yes": "Pregnant", "No": "Not pregnant", "Not recorded": "Not recorded"}),
    ("Children involved", "children_involved", {"Yes": "Children involved", "No": "No children involved",
                                                "Not recorded": "Not recorded"}),
    ("Religion or belief", "religion", {religion: religion for religion in RELIGIONS}),
    ("Sexual orientation", "sexual_orientation", {orientation: orientation for orientation in SEXUAL_ORIENTATIONS}),
)
# The two-group comparisons of escalation: contract field, the group's name and the others' name.
ESCALATION_GROUPS = (("pregnant", "of pregnant people", "of people not pregnant"),
                     ("children_involved", "with children involved", "without children involved"))
# Mid grey: light enough to read as "hidden", dark enough for 3:1 against white (WCAG 1.4.11).
HIDDEN_FLOW_GREY = "#949494"
NODE_COLOUR = "#3D3D3D"


@dataclass
class SafetyNet:
    """The service's referrals in the report year (and the baseline year's count), its forms and the population."""

    borough: str
    year: int
    baseline_year: int | None
    baseline_referrals: int
    threshold: int
    referrals: pd.DataFrame          # the year's workflows (every contract field)
    checklists: pd.DataFrame         # risk indicator checklists completed in the year
    intakes: pd.DataFrame            # client intake forms completed in the year
    female_population: float | None  # female residents (the mid-year estimate rates use)
    population_year: int | None
    # % of all residents disabled at the 2021 Census (published, TS038), if known: the referrals are of every gender
    census_disabled: float | None
    # Census 2021 residents aged 16+ by the service's two recorded orientations (None: no reference table)
    census_orientation: pd.Series | None = None

    @classmethod
    def compute(cls, staged_dir: Path | str, *, borough: str, period_end: str, threshold: int,
                reference_dir: Path | str | None = None) -> SafetyNet:
        staged = Path(staged_dir)
        end = pd.Timestamp(period_end)
        year = report_year(end)
        workflows = staged_table(staged, "csn_workflows")
        referrals = workflows[workflows["referral_date"].dt.year == year].reset_index(drop=True)
        years = sorted(int(y) for y in workflows["referral_date"].dt.year.unique() if y < year)
        baseline = BASELINE_YEAR if BASELINE_YEAR in years else (years[0] if years else None)
        baseline_referrals = int((workflows["referral_date"].dt.year == baseline).sum()) if baseline else 0

        def forms(name: str) -> pd.DataFrame:
            frame = optional_table(staged, name)
            if frame is None:
                return pd.DataFrame(columns=["completed_date"])
            return frame[frame["completed_date"].dt.year == year].reset_index(drop=True)

        female, population_year = _female_residents(staged, borough, year)
        return cls(borough=borough, year=year, baseline_year=baseline, baseline_referrals=baseline_referrals,
                   threshold=threshold, referrals=referrals, checklists=forms("csn_risk_checklists"),
                   intakes=forms("csn_intake_forms"), female_population=female, population_year=population_year,
                   census_disabled=_census_disabled(borough),
                   census_orientation=_census_orientation(
                       load_reference_table(staged, reference_dir, SEXUAL_ORIENTATION_LAD), borough))

    # -- demand ----------------------------------------------------------------------
    @property
    def total(self) -> int:
        return len(self.referrals)

    def count(self, mask: pd.Series) -> int:
        return int(mask.sum())

    def share(self, mask: pd.Series, of: pd.Series | None = None) -> float:
        """Percentage of referrals (or of the ``of`` subset) where ``mask`` holds."""
        base = mask if of is None else mask[of]
        return float(base.mean() * 100) if len(base) else float("nan")

    def people(self) -> int:
        return int(self.referrals["person_id"].nunique())

    def rate_per_1000(self) -> float:
        """People referred per 1,000 female residents (the reference edition's measure)."""
        if not self.female_population:
            return float("nan")
        return self.people() / self.female_population * 1000

    def change_since_baseline(self) -> float:
        return (self.total / self.baseline_referrals - 1) * 100 if self.baseline_referrals else float("nan")

    def source_counts(self) -> pd.Series:
        counts = self.referrals["referral_source"].value_counts()
        return counts.reindex(_order(counts, REFERRAL_SOURCES), fill_value=0)

    def outcome_counts(self, assessed_only: bool = False) -> pd.Series:
        frame = self.referrals[self.referrals["risk_assessment_completed"]] if assessed_only else self.referrals
        return frame["outcome"].value_counts().reindex(OUTCOMES, fill_value=0).sort_values(ascending=False,
                                                                                           kind="stable")

    def clients(self) -> pd.DataFrame:
        return self.referrals[self.referrals["outcome"] == CLIENT]

    def intervention_counts(self) -> pd.Series:
        ticked = self.clients()["interventions"].map(lambda items: set(items) if items is not None else set())
        counts = pd.Series({item: int(ticked.map(lambda s, i=item: i in s).sum()) for item in INTERVENTIONS})
        return counts.sort_values(ascending=False, kind="stable")

    # -- seed Table 3 and Figure 25 ----------------------------------------------------
    def ticked(self) -> pd.Series:
        return self.referrals["abuse_types"].map(lambda items: set(items) if items is not None else set())

    def abuse_types(self) -> pd.DataFrame:
        """One row per Table 3 row: count and % of referrals, and whether it is hidden (primary or secondary)."""
        ticked = self.ticked()
        counts = {key: int(ticked.map(lambda s, i=item: i in s).sum()) for key, item in ABUSE_ITEMS.items()}
        counts["non_dva"] = int(ticked.map(lambda s: any(i.startswith(ANY_NON_DVA) for i in s)).sum())
        counts["none_selected"] = int(ticked.map(lambda s: not s).sum())
        frame = pd.DataFrame([{"key": key, "label": label, "group": group, "count": counts[key]}
                              for key, label, group in ABUSE_ROWS])
        frame["share"] = frame["count"] / self.total * 100 if self.total else np.nan
        frame["hidden"] = False
        for _, rows in frame.groupby("group"):
            frame.loc[rows.index, "hidden"] = secondary_suppression(rows["count"], self.threshold).to_numpy()
        _mark_hidden(frame, "count", self.threshold)
        return frame

    # -- seed Figure 26 ---------------------------------------------------------------
    def pathway_flows(self) -> pd.DataFrame:
        """Referrals from each source to each outcome, small sources and outcomes folded, small flows hidden."""
        sources = fold_small(self.referrals["referral_source"].value_counts(), self.threshold, OTHER_SOURCES)
        outcomes = fold_small(self.referrals["outcome"].value_counts(), self.threshold, OTHER_OUTCOMES)
        matrix = pd.crosstab(self.referrals["referral_source"].map(sources), self.referrals["outcome"].map(outcomes))
        matrix = matrix.reindex(index=_order(matrix.sum(axis=1), REFERRAL_SOURCES, OTHER_SOURCES),
                                columns=_order(matrix.sum(axis=0), OUTCOMES, OTHER_OUTCOMES), fill_value=0)
        return suppress_flows(matrix, self.threshold)

    def folded(self, column: str, other: str) -> list[str]:
        """The categories folded into ``other`` on the pathway diagram."""
        mapping = fold_small(self.referrals[column].value_counts(), self.threshold, other)
        return [name for name, node in mapping.items() if node == other]

    # -- people ---------------------------------------------------------------------
    def disability_odds(self, outcome: pd.Series) -> tuple[OddsRatio | None, int]:
        """Odds of ``outcome`` for referrals recorded as disabled against those recorded as not disabled.

        Returns the odds ratio (None if either group is empty) and its smallest non-zero cell, which decides
        whether it can be published.
        """
        disabled = self.referrals["disability"]
        cells = [int((disabled.eq(group) & outcome).sum()) for group in ("Yes", "No")]
        totals = [int(disabled.eq(group).sum()) for group in ("Yes", "No")]
        table = [[cells[0], totals[0] - cells[0]], [cells[1], totals[1] - cells[1]]]
        if not totals[0] or not totals[1]:
            return None, 0
        return odds_ratio(table), min([n for row in table for n in row if n > 0], default=0)

    def two_groups(self, column: str, outcome: pd.Series) -> TwoGroups:
        """Referrals recorded "Yes" in ``column`` against those recorded "No": ``outcome`` in each, and its odds ratio.

        Referrals where ``column`` was not recorded are left out.
        """
        field = self.referrals[column]
        outcome = outcome.astype(bool)
        yes, no = field.eq("Yes"), field.eq("No")
        return TwoGroups(group_total=self.count(yes), group_with=self.count(yes & outcome),
                         other_total=self.count(no), other_with=self.count(no & outcome))

    def escalation(self, key: str) -> pd.Series:
        """Whether each referral reached an escalation step (:data:`ESCALATIONS`)."""
        r = self.referrals
        if key == "risk_assessed":
            return r["risk_assessment_completed"].astype(bool)
        if key == "client":
            return r["outcome"] == CLIENT
        if key == "safety_plan":
            return r["interventions"].map(lambda items: items is not None and SAFETY_PLAN in set(items))
        raise ValueError(f"unknown escalation {key!r}")

    def orientation_against_census(self) -> pd.DataFrame | None:
        """The recorded orientations of referrals (heterosexual; lesbian, gay, bisexual or other) tested group by
        group against the borough's residents aged 16+ who answered the Census question (exact binomial tests).

        None when the Census table is missing or no referral recorded an orientation.
        """
        if self.census_orientation is None:
            return None
        recorded = self.referrals["sexual_orientation"].value_counts().reindex(list(CENSUS_ORIENTATIONS),
                                                                               fill_value=0)
        if recorded.sum() == 0:
            return None
        return group_proportion_tests(recorded, self.census_orientation)

    def characteristics(self) -> pd.DataFrame:
        """Rows of ``tbl-csn-characteristics``: each characteristic's groups, then the escalation comparisons."""
        rows, profile_hidden = [], {}
        census = self.orientation_against_census()
        for characteristic, column, labels in PROFILE_GROUPS:
            counts = self.referrals[column].value_counts().reindex(list(labels), fill_value=0)
            # Hidden groups must add up to 0 or at least the threshold, as in the prose (the same shares).
            hidden = hidden_against_total(counts, self.total, self.threshold)
            for value, label in labels.items():
                profile_hidden[(column, value)] = bool(hidden[value])
                n = int(counts[value])
                row = {"characteristic": characteristic, "group": label, "count": n,
                       "share": n / self.total * 100 if self.total else np.nan, "hidden": bool(hidden[value]),
                       "compared": "", "finding": ""}
                if column == "sexual_orientation" and value in CENSUS_ORIENTATIONS and census is not None:
                    row.update(self._census_cells(census, value))
                rows.append(row)
        for column, group, other in ESCALATION_GROUPS:
            for key, step in ESCALATIONS:
                rows.append(self._escalation_row(column, group, other, key, step, profile_hidden[(column, "Yes")],
                                                 profile_hidden[(column, "No")]))
        frame = pd.DataFrame(rows)
        _mark_hidden(frame, "count", self.threshold)
        return frame

    def _census_cells(self, census: pd.DataFrame, value: str) -> dict:
        test = census.loc[value]
        smallest = int(census["observed"].min())  # the two groups add up to the recorded total
        compared = phrase("csn", "census_compared", share=f"{test['expected_share']:.1f}%")
        if is_small(smallest, self.threshold):
            return {"compared": compared, "finding": CONFIDENTIAL}
        verdict = phrase("csn", "census_verdict", test["direction"])
        return {"compared": compared,
                "finding": phrase("csn", "census_finding", share=f"{test['share']:.1f}%", verdict=verdict,
                                  p=_p_text(test["p_value"]))}

    def _escalation_row(self, column: str, group: str, other: str, key: str, step: str, group_hidden: bool,
                        other_hidden: bool) -> dict:
        """One escalation comparison; ``group_hidden``/``other_hidden``: the groups' sizes are not published, so
        nothing that would give them away is either."""
        groups = self.two_groups(column, self.escalation(key))
        ratio = groups.odds_ratio()
        share_other = groups.other_with / groups.other_total * 100 if groups.other_total else np.nan
        if ratio is None:
            finding = phrase("csn", "escalation_row", "empty_group")
        elif groups.nobody_differs():
            finding = phrase("csn", "escalation_row", "all_or_none")
        elif is_small(groups.smallest_cell(), self.threshold) or group_hidden or other_hidden:
            finding = CONFIDENTIAL
        else:
            finding = phrase("csn", "escalation_row", "compared", **_odds_words(ratio))
        return {"characteristic": "Escalation", "group": f"Referrals {group}: {step}", "count": groups.group_with,
                "share": groups.group_with / groups.group_total * 100 if groups.group_total else np.nan,
                # A share of a published group total reveals the group's other referrals too.
                "hidden": group_hidden or is_small(groups.group_total - groups.group_with, self.threshold),
                "compared": phrase("csn", "escalation_compared", other=other,
                                   share=_text(self, share_other, basis=1 if other_hidden else groups.other_basis())),
                "finding": finding}

    def disability_against_census(self) -> pd.DataFrame | None:
        """The disabled share of referrals whose disability was recorded, tested against the Census share of all
        residents (referrals are of every gender, so residents of both sexes)."""
        if self.census_disabled is None:
            return None
        recorded = self.referrals["disability"].value_counts().reindex(["Yes", "No"], fill_value=0)
        if recorded.sum() == 0:
            return None
        census = pd.Series({"Yes": self.census_disabled, "No": 100 - self.census_disabled})
        return group_proportion_tests(recorded, census)


@dataclass(frozen=True)
class TwoGroups:
    """A two-by-two table: referrals in a group and the rest of the comparison, with and without an outcome."""

    group_total: int
    group_with: int
    other_total: int
    other_with: int

    def table(self) -> list[list[int]]:
        return [[self.group_with, self.group_total - self.group_with],
                [self.other_with, self.other_total - self.other_with]]

    def odds_ratio(self) -> OddsRatio | None:
        """Odds of the outcome in the group against the others (Woolf CI, Wald p); None if a group is empty."""
        if not self.group_total or not self.other_total:
            return None
        return odds_ratio(self.table())

    def nobody_differs(self) -> bool:
        """Every referral compared reached the outcome, or none did: there is nothing to compare."""
        reached = self.group_with + self.other_with
        return reached == 0 or reached == self.group_total + self.other_total

    def smallest_cell(self) -> int:
        """The smallest non-zero cell: below the threshold, the comparison cannot be published."""
        return min([n for row in self.table() for n in row if n > 0], default=0)

    def other_basis(self) -> int:
        """What the others' share rests on: it reveals both their count with the outcome and without."""
        return min([n for n in self.table()[1] if n > 0], default=0)


def _p_text(p: float) -> str:
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def _odds_words(ratio: OddsRatio) -> dict[str, str]:
    """An odds ratio's placeholders: its estimate, interval and Wald p-value as printed."""
    return {"estimate": f"{ratio.estimate:.2f}", "lower": f"{ratio.lower:.2f}", "upper": f"{ratio.upper:.2f}",
            "p": _p_text(ratio.p_value)}


def _census_orientation(table: pd.DataFrame | None, borough: str) -> pd.Series | None:
    """The borough's residents aged 16+ in the service's two recorded orientations (Census 2021 TS077)."""
    if table is None:
        return None
    code = reference.boroughs().set_index("borough_name")["borough_code"].get(borough)
    rows = table[table["area_code"] == code]
    if rows.empty:
        return None
    return pd.Series({name: float(rows[list(columns)].to_numpy().sum())
                      for name, columns in CENSUS_ORIENTATIONS.items()})


def _female_residents(staged: Path, borough: str, year: int) -> tuple[float | None, int | None]:
    """Female residents of the borough in the mid-year estimate rates use (the same year, or the latest earlier)."""
    if not is_staged(staged, "population"):
        return None, None
    codes = reference.boroughs().set_index("borough_name")["borough_code"]
    population = load_population(staged)
    try:
        female = denominators(population, [year])
    except ValueError:
        return None, None
    if codes.get(borough) not in female.index:
        return None, None
    used = estimate_years(population, [year])[year]
    return float(female.loc[codes[borough], year]), used


def _census_disabled(borough: str) -> float | None:
    """The published Census 2021 share of the borough's residents (both sexes) who are disabled, if the project has it."""
    table = published_comparators()
    rows = table[(table["indicator"] == "disabled") & (table["area_level"] == "borough")
                 & (table["area"].str.casefold() == borough.casefold())
                 & table["applies_to"].isin(["", borough])]
    return float(rows["value"].iloc[-1]) if not rows.empty else None


def _order(counts: pd.Series, known: tuple[str, ...], last: str | None = None) -> list[str]:
    """Categories largest first (ties in the contract's order), with a folded "other" node last."""
    names = [name for name in known if name in counts.index] + [
        name for name in counts.index if name not in known and name != last]
    ordered = sorted(names, key=lambda name: (-counts.get(name, 0), names.index(name)))
    return ordered + ([last] if last is not None and last in counts.index else [])


def hidden_against_total(counts: pd.Series, total: int, threshold: int) -> pd.Series:
    """Which of ``counts`` to hide when they are published beside ``total`` and the rest is not.

    Whatever is not shown (hidden counts plus the unpublished rest, ``total - counts.sum()``) can be worked
    out by subtraction, so it must come to 0 or at least ``threshold``: small counts are hidden, then the
    smallest shown ones until it does (for a complete breakdown the rest is 0 and this is the usual
    secondary suppression).
    """
    counts = pd.Series(counts, dtype=int)
    hidden = counts.map(lambda n: is_small(n, threshold))
    rest = int(total - counts.sum())
    while is_small(int(counts[hidden].sum()) + rest, threshold):
        candidates = counts[~hidden & (counts > 0)]
        if candidates.empty:
            break
        hidden[candidates.idxmin()] = True
    return hidden


def _percents(a: SafetyNet, counts: dict[str, int], base: int) -> dict[str, tuple]:
    """Prose values for shares of ``base``, hidden ([c]) when they or what they leave out would reveal a small count."""
    series = pd.Series(counts, dtype=int)
    hidden = hidden_against_total(series, base, a.threshold)
    return {key: (n / base * 100 if base else float("nan"), "percent", 1, 1 if hidden[key] else n)
            for key, n in series.items()}


def _mark_hidden(frame: pd.DataFrame, count: str, threshold: int) -> None:
    """Add the published count text and the basis derived values rest on (1 = hidden secondarily)."""
    small = frame[count].map(lambda n: is_small(n, threshold))
    frame["basis"] = np.where(frame["hidden"] & ~small, 1, frame[count])
    frame["count_text"] = [CONFIDENTIAL if hidden and not is_small(n, threshold)
                           else format_value(n, "count", threshold=threshold)
                           for n, hidden in zip(frame[count], frame["hidden"])]


# -- folding and suppressing the pathway flows ---------------------------------------------

def fold_small(counts: pd.Series, threshold: int, other: str) -> dict[str, str]:
    """Map each category to its node: itself, or ``other`` when it has fewer than ``threshold`` referrals.

    When the folded node would itself hold 1 to ``threshold - 1`` referrals, the next smallest categories
    join it until it holds at least ``threshold`` (a node's size is published).
    """
    counts = counts[counts > 0].sort_values(kind="stable")
    folded = [name for name, n in counts.items() if is_small(n, threshold)]
    rest = [name for name in counts.index if name not in folded]
    while folded and is_small(counts[folded].sum(), threshold) and rest:
        folded.append(rest.pop(0))
    if len(folded) == 1 and not is_small(counts[folded[0]], threshold):
        folded = []  # a single large category needs no "other" node
    return {name: (other if name in folded else name) for name in counts.index}


def suppress_flows(matrix: pd.DataFrame, threshold: int) -> pd.DataFrame:
    """Long table of flows (source, outcome, referrals) with the flows that must not be shown marked hidden.

    Flows of 1 to ``threshold - 1`` are hidden. Node totals are published (the diagram's labels, and the
    outcomes in the prose), so every row (source) and column (outcome) is a published total of its flows:
    :func:`vawg.foundations.suppression.protect` hides further flows until no hidden flow can be worked out from them.
    """
    values = matrix.to_numpy(dtype=int)
    cells = {(i, j): int(values[i, j]) for i in range(values.shape[0]) for j in range(values.shape[1])}
    relations = []
    for i in range(values.shape[0]):
        cells[("source", i)] = int(values[i, :].sum())
        relations.append(Relation(("source", i), tuple((i, j) for j in range(values.shape[1]))))
    for j in range(values.shape[1]):
        cells[("outcome", j)] = int(values[:, j].sum())
        relations.append(Relation(("outcome", j), tuple((i, j) for i in range(values.shape[0]))))
    totals = [cell for cell in cells if isinstance(cell[0], str)]
    chosen = protect(cells, relations, threshold, keep=totals)
    hidden = np.zeros(values.shape, dtype=bool)
    for cell in chosen:
        if not isinstance(cell[0], str):  # a small node total is hidden by its label ("<7"), not here
            hidden[cell] = True
    rows = []
    for i, source in enumerate(matrix.index):
        for j, outcome in enumerate(matrix.columns):
            rows.append({"source": source, "outcome": outcome, "referrals": int(values[i, j]),
                         "hidden": bool(hidden[i, j])})
    flows = pd.DataFrame(rows)
    flows["source_total"] = flows.groupby("source")["referrals"].transform("sum")
    flows["share_of_source"] = flows["referrals"] / flows["source_total"] * 100
    _mark_hidden(flows, "referrals", threshold)
    return flows


def pathway_layout(flows: pd.DataFrame, gap: float = 0.02) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Where the diagram draws each node, each shown flow (ribbon) and each node's hidden remainder.

    Heights are in referrals; nodes are stacked top-down in the order the flows list them, ``gap`` (a share
    of all referrals) apart. A node's shown flows start at its top; the rest of the node, the flows too
    small to show, is its ``remainder``. Returns ``(nodes, ribbons, remainders)``.
    """
    total = flows["referrals"].sum()
    space = gap * total
    nodes, ends = [], {}
    for side, column in (("source", "source"), ("outcome", "outcome")):
        sizes = flows.groupby(column, sort=False)["referrals"].sum()
        top = sum(sizes) + space * (len(sizes) - 1)
        for name, size in sizes.items():
            nodes.append({"side": side, "name": name, "size": int(size), "top": top, "bottom": top - size})
            ends[(side, name)] = top
            top -= size + space
    nodes = pd.DataFrame(nodes)
    shown = flows[~flows["hidden"] & (flows["referrals"] > 0)]
    ribbons = shown[["source", "outcome", "referrals"]].reset_index(drop=True)
    # Sources fill from the top in outcome order, outcomes in source order, so ribbons cross as little as possible.
    for side, key, other in (("source", "source", "outcome"), ("outcome", "outcome", "source")):
        order = list(dict.fromkeys(flows[other]))
        ribbons[f"{side}_top"] = np.nan
        for name, group in ribbons.groupby(key, sort=False):
            cursor = ends[(side, name)]
            for index in sorted(group.index, key=lambda i: order.index(ribbons.at[i, other])):
                ribbons.at[index, f"{side}_top"] = cursor
                cursor -= ribbons.at[index, "referrals"]
    remainders = []
    for node in nodes.itertuples():
        drawn = ribbons.loc[ribbons[node.side] == node.name, "referrals"].sum()
        if node.size - drawn > 0:
            remainders.append({"side": node.side, "name": node.name, "referrals": int(node.size - drawn),
                               "top": node.bottom + node.size - drawn, "bottom": node.bottom})
    return nodes, ribbons, pd.DataFrame(remainders, columns=["side", "name", "referrals", "top", "bottom"])


def ribbon_polygons(ribbons: pd.DataFrame, x_from: float, x_to: float, steps: int = 40) -> pd.DataFrame:
    """Each ribbon as a polygon: two S-curves (smoothstep) joining its ends, traced out and back."""
    t = np.linspace(0, 1, steps)
    ease = t * t * (3 - 2 * t)
    x = x_from + (x_to - x_from) * t
    parts = []
    for number, row in enumerate(ribbons.itertuples()):
        upper = row.source_top + (row.outcome_top - row.source_top) * ease
        lower = upper - row.referrals
        parts.append(pd.DataFrame({"x": np.concatenate([x, x[::-1]]), "y": np.concatenate([upper, lower[::-1]]),
                                   "flow": number, "outcome": row.outcome}))
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=["x", "y", "flow", "outcome"])


# -- artifacts ------------------------------------------------------------------------------

def table_csn_abuse_types(analysis: SafetyNet) -> Table:
    frame = analysis.abuse_types()
    return Table(
        id="tbl-csn-abuse-types",
        caption=phrase("csn", "abuse_types_caption", borough=analysis.borough, year=analysis.year),
        data=frame,
        columns=[Column("Abuse type", "label", "text"), Column("Referrals", "count_text", "text"),
                 Column("% of referrals", "share", "percent", 1, basis="basis")],
        source=SOURCE,
        notes=[phrase("csn", "abuse_types_note_shares", year=analysis.year,
                      referrals=format_value(analysis.total, "count", threshold=analysis.threshold)),
               phrase("csn", "abuse_types_note_hidden", largest_hidden=analysis.threshold - 1,
                      small=suppressed_count_text(analysis.threshold), confidential=CONFIDENTIAL)],
    )


def figure_csn_abuse_types(analysis: SafetyNet) -> Figure:
    frame = analysis.abuse_types()
    # Largest first; hidden rows last in table order, since their place in a sorted list would rank them.
    drawn = pd.concat([frame[~frame["hidden"]].sort_values("share", ascending=False, kind="stable"),
                       frame[frame["hidden"]]])
    drawn = drawn.assign(value=drawn["share"].where(~drawn["hidden"]), series="Referrals",
                         label_text=[CONFIDENTIAL if hidden else f"{share:.1f}%"
                                     for share, hidden in zip(drawn["share"], drawn["hidden"])])
    dva = frame.set_index("key").loc["dva"]
    plot = charts.grouped_bar_chart(
        drawn, category="label", value="value", series="series", label="label_text",
        title=(phrase("csn", "abuse_types_chart_title", "dva", share=_text(analysis, dva["share"], basis=dva["basis"]))
               if not dva["hidden"] else phrase("csn", "abuse_types_chart_title", "hidden")),
        subtitle=phrase("csn", "abuse_types_chart_subtitle", year=analysis.year), value_title="% of referrals",
        category_order=drawn["label"].tolist(), series_order=["Referrals"],
    ) + theme(legend_position="none", plot_title_position="plot")
    shown = drawn[~drawn["hidden"]]
    words = {"referrals": f"{analysis.total:,}", "year": analysis.year, "threshold": analysis.threshold}
    if len(shown) > 1:
        alt = phrase("csn", "abuse_types_chart_alt", "two", **words, first=shown.iloc[0]["label"],
                     first_share=f"{shown.iloc[0]['share']:.1f}%", second=shown.iloc[1]["label"],
                     second_share=f"{shown.iloc[1]['share']:.1f}%")
    elif len(shown):
        alt = phrase("csn", "abuse_types_chart_alt", "one", **words, first=shown.iloc[0]["label"],
                     first_share=f"{shown.iloc[0]['share']:.1f}%")
    else:
        alt = phrase("csn", "abuse_types_chart_alt", "none", **words)
    return Figure(
        id="fig-csn-abuse-types", plot=plot, height=5.0,
        caption=phrase("csn", "abuse_types_chart_caption", borough=analysis.borough, year=analysis.year),
        alt=alt, source=SOURCE, data=frame, description=phrase("csn", "abuse_types_chart_description"),
        columns=[Column("Abuse type", "label", "text"), Column("Referrals", "count_text", "text"),
                 Column("% of referrals", "share", "percent", 1, basis="basis")],
    )


# A Sankey diagram's node labels: their average width a character and line height in points (9 pt Liberation
# Sans runs at about half an em a character), used to leave them room and keep them apart.
CHAR_PT = 0.52 * charts.LABEL_SIZE
LINE_PT = 1.2 * charts.LABEL_SIZE


def spread_labels(middles: list[float], heights: list[float], low: float, high: float) -> list[float]:
    """Label centres as near ``middles`` as they can be without overlapping, inside ``low`` to ``high``.

    ``middles`` run top to bottom (decreasing); each label is ``heights`` tall. Pushed down where they
    crowd, then back up from the bottom where that ran past ``low``.
    """
    placed = []
    for middle, height in zip(middles, heights):
        ceiling = high - height / 2 if not placed else placed[-1] - (heights[len(placed) - 1] + height) / 2
        placed.append(min(middle, ceiling))
    for index in range(len(placed) - 1, -1, -1):
        floor = low + heights[index] / 2 if index == len(placed) - 1 else \
            placed[index + 1] + (heights[index + 1] + heights[index]) / 2
        placed[index] = max(placed[index], floor)
    return placed


def pathway_plot(analysis: SafetyNet, flows: pd.DataFrame, width: float = 8.0):
    """The referral-pathway Sankey drawn ``width`` inches wide: node labels wrapped to the room beside the
    nodes (which grows as the chart narrows) and spread apart where small nodes sit close together."""
    nodes, ribbons, remainders = pathway_layout(flows)
    # No plotting library in the stack draws a Sankey diagram, so the ribbons are polygons computed here:
    # each joins a stretch of a source node to a stretch of an outcome node with two S-curves.
    left, right, bar = 0.0, 1.0, 0.04
    polygons = ribbon_polygons(ribbons, left + bar, right)
    outcomes = list(dict.fromkeys(flows["outcome"]))
    colours = dict(zip(outcomes, charts.CATEGORICAL))
    nodes = nodes.assign(x0=np.where(nodes["side"] == "source", left, right),
                         x1=np.where(nodes["side"] == "source", left + bar, right + bar))
    panel_pt = width * 72 - 16
    chars = max(12, int((panel_pt * 0.36 - 8) / CHAR_PT))
    nodes["label"] = [textwrap.fill(f"{name} ({format_value(size, 'count', threshold=analysis.threshold)})", chars)
                      for name, size in zip(nodes["name"], nodes["size"])]
    room = {side: max(len(line) for label in nodes.loc[nodes["side"] == side, "label"] for line in label.split("\n"))
            * CHAR_PT + 10 for side in ("source", "outcome")}
    per_pt = (right + bar - left) / max(panel_pt - room["source"] - room["outcome"], panel_pt * 0.2)
    gap = 4 * per_pt  # between a node and its label
    nodes["label_x"] = np.where(nodes["side"] == "source", left - gap, right + bar + gap)
    top = float(nodes["top"].max())
    title = charts.headline(_pathway_title(analysis, flows))
    subtitle = phrase("csn", "pathways_subtitle", year=analysis.year, threshold=analysis.threshold)
    # The panel's height in points, less the title and subtitle as vawg.writing.charts.narrow wraps them.
    title_lines = len(textwrap.wrap(title, max(12, round(charts.TITLE_WIDTH * width / 8.0)))) if width < 8 \
        else title.count("\n") + 1
    subtitle_lines = (len(textwrap.wrap(subtitle, max(12, round(charts.TITLE_WIDTH * 1.2 * width / 8.0))))
                      if width < 8 else subtitle.count("\n") + 1)
    height_pt = charts.narrow_height(ggplot(), 6.5, width) * 72 - 16 * title_lines - 13 * subtitle_lines - 50
    y_per_pt = top * 1.07 / height_pt
    nodes["middle"] = (nodes["top"] + nodes["bottom"]) / 2
    for side in ("source", "outcome"):
        these = nodes[nodes["side"] == side]
        heights = [(label.count("\n") + 1) * LINE_PT * y_per_pt + 2 * y_per_pt for label in these["label"]]
        nodes.loc[these.index, "middle"] = spread_labels(these["middle"].tolist(), heights, 0.0, top * 1.01)
    remainders = remainders.assign(x0=np.where(remainders["side"] == "source", left, right),
                                   x1=np.where(remainders["side"] == "source", left + bar, right + bar))
    return (
        ggplot()
        + geom_polygon(polygons, aes(x="x", y="y", group="flow", fill="outcome"), alpha=0.55)
        + geom_rect(nodes, aes(xmin="x0", xmax="x1", ymin="bottom", ymax="top"), fill=NODE_COLOUR)
        + geom_rect(remainders, aes(xmin="x0", xmax="x1", ymin="bottom", ymax="top"), fill=HIDDEN_FLOW_GREY)
        + geom_text(nodes[nodes["side"] == "source"], aes(x="label_x", y="middle", label="label"), ha="right",
                    size=charts.LABEL_SIZE, color=charts.TEXT_COLOUR, lineheight=1.2)
        + geom_text(nodes[nodes["side"] == "outcome"], aes(x="label_x", y="middle", label="label"), ha="left",
                    size=charts.LABEL_SIZE, color=charts.TEXT_COLOUR, lineheight=1.2)
        + annotate("text", x=left + bar / 2, y=top * 1.04, label="Referred by", size=9,
                   fontweight="bold", color=charts.TEXT_COLOUR, ha="right" if width < 6 else "center")
        + annotate("text", x=right + bar / 2, y=top * 1.04, label="Outcome", size=9,
                   fontweight="bold", color=charts.TEXT_COLOUR, ha="left" if width < 6 else "center")
        + scale_fill_manual(values=colours, breaks=outcomes)
        + scale_x_continuous(limits=(left - room["source"] * per_pt, right + bar + room["outcome"] * per_pt),
                             expand=(0, 0))
        # Below zero a little: the lowest node ends at zero give or take a rounding error, and a rectangle
        # past a scale's limit is not drawn.
        + scale_y_continuous(limits=(-0.01 * top, top * 1.07))
        + labs(title=title, subtitle=subtitle, x="", y="")
        + charts.af_theme()
        + theme(axis_text=element_blank(), panel_grid_major_y=element_blank(), legend_position="none",
                plot_title_position="plot")
    )


def figure_csn_referral_pathways(analysis: SafetyNet) -> Figure:
    flows = analysis.pathway_flows()
    nodes, _, _ = pathway_layout(flows)
    plot = pathway_plot(analysis, flows)
    largest = flows[~flows["hidden"] & (flows["referrals"] > 0)].sort_values("referrals", ascending=False).head(1)
    sources = nodes[nodes["side"] == "source"]
    targets = nodes[nodes["side"] == "outcome"]
    words = {"referrals": f"{analysis.total:,}", "year": analysis.year, "sources": len(sources),
             "outcomes": len(targets), "top_source": sources.iloc[0]["name"],
             "top_source_size": f"{sources.iloc[0]['size']:,}",
             "top_outcome": targets.sort_values("size").iloc[-1]["name"],
             "top_outcome_size": f"{targets['size'].max():,}"}
    alt = (phrase("csn", "pathways_alt", "flow", **words, flow_source=largest.iloc[0]["source"],
                  flow_outcome=largest.iloc[0]["outcome"], flow_size=f"{largest.iloc[0]['referrals']:,}")
           if len(largest) else phrase("csn", "pathways_alt", "no_flow", **words))
    folded = [phrase("csn", "pathways_folded", names=join_words(analysis.folded(column, other)), other=other)
              for column, other in (("referral_source", OTHER_SOURCES), ("outcome", OTHER_OUTCOMES))
              if analysis.folded(column, other)]
    if folded:
        folded.append(phrase("csn", "pathways_fold_rule", threshold=analysis.threshold))
    description = " ".join([*folded, phrase("csn", "pathways_hidden", threshold=analysis.threshold,
                                            small=suppressed_count_text(analysis.threshold),
                                            confidential=CONFIDENTIAL)])
    # A flow left out of the data is read as none, so a hidden flow stays listed whatever its size.
    published = flows[(flows["referrals"] > 0) | flows["hidden"]].reset_index(drop=True)
    return Figure(
        id="fig-csn-referral-pathways", plot=plot, height=6.5, width=8.0,
        redraw=lambda width: pathway_plot(analysis, flows, width),
        caption=phrase("csn", "pathways_caption", borough=analysis.borough, year=analysis.year),
        alt=alt, source=SOURCE, data=published, description=description,
        columns=[Column("Referral source", "source", "text"), Column("Outcome", "outcome", "text"),
                 Column("Referrals", "count_text", "text"),
                 Column("% of the source's referrals", "share_of_source", "percent", 1, basis="basis")],
    )


def table_csn_characteristics(analysis: SafetyNet) -> Table:
    a = analysis
    census_note = phrase("csn", "characteristics_census", "compared" if a.census_orientation is not None
                         else "no_census")
    return Table(
        id="tbl-csn-characteristics",
        caption=phrase("csn", "characteristics_caption", borough=a.borough, year=a.year),
        data=a.characteristics(),
        columns=[Column("Characteristic", "characteristic", "text"), Column("Group", "group", "text"),
                 Column("Referrals", "count_text", "text"),
                 Column("% of referrals (escalation: % of the group)", "share", "percent", 1, basis="basis"),
                 Column("Compared with", "compared", "text"), Column("Finding", "finding", "text")],
        source=f"{SOURCE}; ONS Census 2021",
        notes=[phrase("csn", "characteristics_note_groups", year=a.year, census=census_note,
                      referrals=format_value(a.total, "count", threshold=a.threshold)),
               phrase("csn", "characteristics_note_escalation"),
               phrase("csn", "characteristics_note_hidden", largest_hidden=a.threshold - 1,
                      small=suppressed_count_text(a.threshold), confidential=CONFIDENTIAL, threshold=a.threshold)],
    )


def _pathway_title(analysis: SafetyNet, flows: pd.DataFrame) -> str:
    sources = flows.groupby("source", sort=False)["referrals"].sum()
    top = sources.drop(OTHER_SOURCES, errors="ignore")
    if top.empty:
        return phrase("csn", "pathways_title", "no_source")
    return phrase("csn", "pathways_title", "top_source", source=top.index[0], clients=_outcome_headline(analysis))


def _outcome_headline(analysis: SafetyNet) -> str:
    clients = analysis.count(analysis.referrals["outcome"] == CLIENT)
    share = clients / analysis.total * 100 if analysis.total else float("nan")
    return (phrase("csn", "pathways_clients", "share", share=_text(analysis, share, basis=clients))
            if not is_small(clients, analysis.threshold) else phrase("csn", "pathways_clients", "few"))


# -- prose -----------------------------------------------------------------------------------

def _text(analysis: SafetyNet, value: float, kind: str = "percent", decimals: int = 1,
          basis: float | None = None) -> str:
    return format_value(value, kind, decimals=decimals, threshold=analysis.threshold, basis=basis)


def _counted(analysis: SafetyNet, counts: pd.Series, named: Callable[[str], str], base: int, limit: int,
             exclusive: bool = True) -> list[str]:
    """The ``limit`` largest categories as 'name (count, share)' phrases (``named`` says a category inside a
    sentence), small counts suppressed.

    For ``exclusive`` categories (each referral in one) the referrals not listed can be worked out from
    ``base``, so the list is suppressed against it (:func:`hidden_against_total`).
    """
    shown = counts[counts > 0].head(limit)
    hidden = (hidden_against_total(shown, base, analysis.threshold) if exclusive
              else shown.map(lambda n: is_small(n, analysis.threshold)))
    return [f"{named(name)} ({_count_text(analysis, n, hidden[name])}, "
            f"{_text(analysis, n / base * 100 if base else float('nan'), basis=1 if hidden[name] else n)})"
            for name, n in shown.items()]


def _count_text(analysis: SafetyNet, n: int, hidden: bool) -> str:
    return CONFIDENTIAL if hidden and not is_small(n, analysis.threshold) else _text(analysis, n, "count")


def _lower(name: str) -> str:
    """A category name inside a sentence: lower case, unless it starts with an acronym (MARAC, DVA)."""
    first = name.split()[0]
    return name if first.isupper() else name[0].lower() + name[1:]


def prose_values(analysis: SafetyNet) -> dict[str, tuple]:
    """Every number and data-driven sentence the section quotes: ``{key: (value, kind, decimals[, basis])}``."""
    a, r = analysis, analysis.referrals
    total = a.total
    fell = a.change_since_baseline() < 0
    values: dict[str, tuple] = {
        "csn.year": (str(a.year), "text", 0),
        "csn.referrals": (total, "count", 0),
        "csn.people": (a.people(), "count", 0),
        "csn.rate_per_1000": (a.rate_per_1000(), "rate", 2, a.people()),
        "csn.population_year": (str(a.population_year or ""), "text", 0),
        "csn.baseline_year": (str(a.baseline_year or ""), "text", 0),
        "csn.baseline_referrals": (a.baseline_referrals, "count", 0),
        "csn.change_since_baseline": (abs(a.change_since_baseline()), "percent", 1, total),
        "csn.change_direction": (phrase("csn", "change_direction", "fell" if fell else "rose"), "text", 0),
        "csn.change_context": (phrase("csn", "change_context") if fell else "", "text", 0),
    }
    women = _percents(a, {"csn.women_share": a.count(r["gender"] == "Woman")}, total)
    values.update(women)
    values["csn.referrals_women"] = ((a.count(r["gender"] == "Woman"), "count", 0) if women["csn.women_share"][3] != 1
                                     else (CONFIDENTIAL, "text", 0))
    values.update(_percents(a, {"csn.new_share": a.count(r["new_or_repeat"] == "New"),
                                "csn.repeat_share": a.count(r["new_or_repeat"] == "Repeat"),
                                "csn.new_or_repeat_not_recorded_share": a.count(r["new_or_repeat"] == "Not recorded")},
                            total))
    values.update(_percents(a, {"csn.council_tenant_share": a.count(r["council_tenant"] == "Yes")}, total))
    # Every group of a characteristic, as in tbl-csn-characteristics, so that prose and table hide the same shares.
    values.update(_percents(a, {"csn.children_involved_share": a.count(r["children_involved"] == "Yes"),
                                "csn.no_children_share": a.count(r["children_involved"] == "No"),
                                "csn.children_not_recorded_share": a.count(r["children_involved"] == "Not recorded")},
                            total))
    sources = a.source_counts()
    housing = int(sources.get("Housing", 0))
    values.update(_percents(a, {"csn.source_housing_share": housing}, total))
    values["csn.tenant_sentence"] = (_tenant_sentence(a, housing), "text", 0)
    values["csn.top_sources_sentence"] = (
        phrase("csn", "top_sources", sources=join_words(_counted(a, sources, _lower, total, 3))) if total else "",
        "text", 0)
    ticked = a.ticked()
    partner_any = ticked.map(lambda s: PARTNER in s or EX_PARTNER in s)
    values.update(_percents(a, {"csn.partner_share": a.count(partner_any)}, total))
    abuse = a.abuse_types().set_index("key")
    for key in ("dva", "non_dva", "none_selected"):
        values[f"csn.{key}_share"] = (abuse.at[key, "share"], "percent", 1, abuse.at[key, "basis"])
        values[f"csn.{key}"] = _count_value(abuse.loc[key], a.threshold)
    # Conversion and outcomes
    assessed = r["risk_assessment_completed"].astype(bool)
    client = r["outcome"] == CLIENT
    values.update({
        "csn.dva_clients": (a.count(client), "count", 0),
        "csn.risk_assessed": (a.count(assessed), "count", 0),
        "csn.assessed_dva_clients": (a.count(client & assessed), "count", 0),
    })
    values.update(_percents(a, {"csn.conversion_share": a.count(client)}, total))
    values.update(_percents(a, {"csn.risk_assessed_share": a.count(assessed)}, total))
    values.update(_percents(a, {"csn.assessed_conversion_share": a.count(client & assessed)}, a.count(assessed)))
    values.update(_percents(a, {"csn.high_risk_share_of_assessed": a.count(r["risk_level"] == "High")},
                            a.count(assessed)))
    values["csn.outcomes_sentence"] = (_outcomes_sentence(a, a.outcome_counts(), total), "text", 0)
    values["csn.assessed_outcomes_sentence"] = (
        _outcomes_sentence(a, a.outcome_counts(assessed_only=True), a.count(assessed), assessed=True), "text", 0)
    interventions = a.intervention_counts()
    clients = a.count(client)
    values["csn.interventions_sentence"] = (
        phrase("csn", "interventions", "recorded", clients=_text(a, clients, "count"), interventions=join_words(
            _counted(a, interventions, lambda name: phrase("csn", "intervention", name), clients, 3,
                     exclusive=False)))
        if clients and interventions.sum() else phrase("csn", "interventions", "none"), "text", 0)
    values.update(_risk_values(a))
    values.update(_people_values(a))
    return values


def _tenant_sentence(a: SafetyNet, housing: int) -> str:
    """Council tenants among the people referred, against the housing teams' share of referrals."""
    tenants = a.count(a.referrals["council_tenant"] == "Yes")
    if not a.total:
        return ""
    tenant_share, housing_share = tenants / a.total * 100, housing / a.total * 100
    shares = {"tenants": _text(a, tenant_share, basis=tenants), "housing": _text(a, housing_share, basis=housing)}
    if is_small(tenants, a.threshold) or is_small(housing, a.threshold) or housing_share >= tenant_share / 2:
        sentence = phrase("csn", "tenant", "alone", **shares)
    else:
        sentence = phrase("csn", "tenant", "few_referred", **shares)
    return sentence[:1].upper() + sentence[1:]


def _count_value(row: pd.Series, threshold: int) -> tuple:
    """A Table 3 count as a prose value: the count, or [c] when it is hidden to protect another."""
    if row["hidden"] and not is_small(row["count"], threshold):
        return (CONFIDENTIAL, "text", 0)
    return (int(row["count"]), "count", 0)


def _outcomes_sentence(a: SafetyNet, counts: pd.Series, base: int, assessed: bool = False) -> str:
    """The four commonest outcomes of all referrals, or of those ``assessed`` for risk."""
    if not base:
        return ""
    shown = counts[counts > 0].head(4)
    hidden = hidden_against_total(shown, base, a.threshold)
    phrases = [f"{_count_text(a, n, hidden[name])} ({_text(a, n / base * 100, basis=1 if hidden[name] else n)}) "
               f"{_outcome_name(name)}" for name, n in shown.items()]
    return phrase("csn", "outcomes", "assessed" if assessed else "all", base=_text(a, base, "count"),
                  outcomes=join_words(phrases))


def _outcome_name(name: str) -> str:
    """What the referrals with an outcome did; an outcome the wording file does not name, as recorded."""
    return phrase("csn", "outcome", name) if name in wording("csn")["outcome"] else _lower(name)


def _risk_values(a: SafetyNet) -> dict[str, tuple]:
    checklists, intakes = a.checklists, a.intakes
    values: dict[str, tuple] = {"csn.risk_checklists": (len(checklists), "count", 0),
                                "csn.intake_forms": (len(intakes), "count", 0)}
    for field in RISK_QUESTIONS:
        yes = int((checklists[field] == "Yes").sum()) if len(checklists) else 0
        values.update(_percents(a, {f"csn.risk_{field}_share": yes}, len(checklists)))
    for field in INTAKE_QUESTIONS:
        yes = int((intakes[field] == "Yes").sum()) if len(intakes) else 0
        values.update(_percents(a, {f"csn.intake_{field}_share": yes}, len(intakes)))
    unemployed = int((intakes["employment_status"] == "Unemployed").sum()) if len(intakes) else 0
    values.update(_percents(a, {"csn.intake_unemployed_share": unemployed}, len(intakes)))
    return values


def _people_values(a: SafetyNet) -> dict[str, tuple]:
    r = a.referrals

    def counts(column: str, **keys: str) -> dict[str, int]:
        return {f"csn.{key}": a.count(r[column] == value) for key, value in keys.items()}

    answered_gender = r["gender_same_as_birth"] != "Not recorded"
    employment = r["employment_status"] != "Not recorded"
    substance = (r["drug_use"] == "Yes") | (r["alcohol_use"] == "Yes")
    total = a.total
    values: dict[str, tuple] = {"csn.gender_identity_answered": (a.count(answered_gender), "count", 0),
                                "csn.employment_answered": (a.count(employment), "count", 0)}
    # Each group of shares is published beside its base, so it is suppressed as a group (hidden_against_total).
    groups = [
        (counts("gender", non_binary_share="Non-binary"), total),
        ({"csn.same_gender_as_birth_share": a.count(answered_gender & (r["gender_same_as_birth"] == "Yes"))},
         a.count(answered_gender)),
        (counts("gender_same_as_birth", same_gender_as_birth_share_of_all="Yes", different_gender_from_birth_share="No",
                gender_identity_prefer_not_share="Prefer not to say", gender_identity_not_recorded_share="Not recorded"),
         total),
        (counts("pregnant", pregnant_share="Yes", not_pregnant_share="No", pregnancy_not_recorded_share="Not recorded"),
         total),
        (counts("marital_status", married_share="Married or civil partnership", single_share="Single",
                cohabiting_share="Cohabiting", separated_share="Separated or divorced", widowed_share="Widowed",
                marital_not_recorded_share="Not recorded"), total),
        (counts("religion", religion_not_recorded_share="Not recorded", christian_share="Christian",
                muslim_share="Muslim", jewish_share="Jewish", no_religion_share="No religion",
                other_religion_share="Other religion", religion_prefer_not_share="Prefer not to say"), total),
        (counts("sexual_orientation", heterosexual_share="Heterosexual", lgbtq_share="Lesbian, gay, bisexual or other",
                orientation_not_recorded_share="Not recorded", orientation_prefer_not_share="Prefer not to say"),
         total),
        ({f"csn.{key}": a.count(employment & (r["employment_status"] == value)) for key, value in
          (("unemployed_share_of_answers", "Unemployed"), ("employment_unknown_share_of_answers", "Don't know"),
           ("full_time_share_of_answers", "Full-time"))}, a.count(employment)),
        (counts("mental_health", mental_health_diagnosed_share="Diagnosed",
                mental_health_undiagnosed_share="Undiagnosed", mental_health_unknown_share="Unknown"), total),
        ({"csn.substance_use_share": a.count(substance)}, total),
        (counts("drug_use", substance_not_recorded_share="Not recorded"), total),
        (counts("disability", disabled_share="Yes", disability_not_recorded_share="Not recorded"), total),
    ]
    for group, base in groups:
        values.update(_percents(a, group, base))
    values["csn.disability_sentence"] = (_disability_sentence(a), "text", 0)
    values["csn.orientation_census_sentence"] = (_orientation_sentence(a), "text", 0)
    values["csn.religion_census_sentence"] = (phrase("csn", "religion_census"), "text", 0)
    for column, group, other in ESCALATION_GROUPS:
        values[f"csn.{column}_escalation_sentence"] = (_escalation_sentence(a, column, group, other), "text", 0)
    return values


def _orientation_sentence(a: SafetyNet) -> str:
    """Recorded orientations against the borough's residents aged 16+ (Census 2021), or why they are not compared."""
    if a.census_orientation is None:
        return phrase("csn", "orientation", "no_census")
    census = a.orientation_against_census()
    if census is None or is_small(int(census["observed"].min()), a.threshold):
        return phrase("csn", "orientation", "too_few")
    het, lgb = census.loc[HETEROSEXUAL], census.loc[LGB_PLUS]
    return phrase("csn", "orientation", "compared", recorded=_text(a, int(het["total"]), "count"),
                  share=_text(a, lgb["share"], basis=lgb["observed"]),
                  verdict=phrase("csn", "orientation_verdict", lgb["direction"]),
                  census_share=f"{lgb['expected_share']:.1f}%", p=_p_text(lgb["p_value"]))


def _escalation_sentence(a: SafetyNet, column: str, group: str, other: str) -> str:
    """The odds of each escalation step for referrals in ``group`` against ``other`` referrals (odds ratios)."""
    frame = a.characteristics()
    rows = frame[frame["group"].str.startswith(f"Referrals {group}: ")]
    found, withheld = [], []
    for (key, step), row in zip(ESCALATIONS, rows.itertuples()):
        groups = a.two_groups(column, a.escalation(key))
        ratio = groups.odds_ratio()
        if ratio is None:
            return phrase("csn", "escalation", "no_groups", group=group, other=other)
        if groups.nobody_differs():
            continue
        if row.finding == CONFIDENTIAL:
            withheld.append(step)
            continue
        if ratio.significant:
            found.append(phrase("csn", "escalation_finding", "higher" if ratio.estimate > 1 else "lower", step=step,
                                **_odds_words(ratio)))
        else:
            found.append(phrase("csn", "escalation_finding", "same", step=step, estimate=f"{ratio.estimate:.2f}",
                                p=_p_text(ratio.p_value)))
    parts = []
    if found:
        parts.append(phrase("csn", "escalation", "compared", group=group, other=other, findings=join_words(found)))
    if withheld:
        parts.append(phrase("csn", "escalation", "withheld", group=group, other=other, steps=join_words(withheld)))
    return " ".join(parts) or phrase("csn", "escalation", "nothing", group=group)


def _odds_phrase(a: SafetyNet, ratio: OddsRatio | None, basis: int, what: str) -> str:
    if ratio is None:
        return phrase("csn", "disability_odds", "no_records", what=what)
    if is_small(basis, a.threshold):
        return phrase("csn", "disability_odds", "too_few", what=what)
    finding = phrase("csn", "disability_odds_finding", "significant" if ratio.significant else "chance")
    return phrase("csn", "disability_odds", "compared", what=what, finding=finding, **_odds_words(ratio))


def _disability_sentence(a: SafetyNet) -> str:
    """Disability against the Census, and the two odds ratios the reference edition reports."""
    r = a.referrals
    parts = []
    census = a.disability_against_census()
    if census is not None:
        yes = census.loc["Yes"]
        recorded = int(yes["total"])
        if is_small(yes["observed"], a.threshold) or is_small(recorded - yes["observed"], a.threshold):
            census = None
    if census is not None:
        parts.append(phrase("csn", "disability", "compared", recorded=_text(a, recorded, "count"),
                            share=_text(a, yes["share"], basis=yes["observed"]),
                            verdict=phrase("csn", "disability_verdict", yes["direction"]),
                            census_share=f"{a.census_disabled:.1f}%"))
    elif a.census_disabled is not None:
        parts.append(phrase("csn", "disability", "too_few"))
    partner = r["abuse_types"].map(lambda items: PARTNER in set(items) if items is not None else False)
    ratio, basis = a.disability_odds(partner)
    parts.append(_odds_phrase(a, ratio, basis, phrase("csn", "disability_odds_of", "partner")))
    ratio, basis = a.disability_odds(r["outcome"] == CLIENT)
    parts.append(_odds_phrase(a, ratio, basis, phrase("csn", "disability_odds_of", "client")))
    return " ".join(parts)
