"""Chapter 3, "Children and young people": children's safeguarding and Early Help (seed Tables 4-9, Figures 22, 28-30).

The council's children's safeguarding and social work (CSSW) service records a
form per child at each stage of a workflow: the MASH contact and referral, and
the child and family assessment; Early Help records a family assessment. Each
form lists the assessment factors found; a form is VAWG when one of its factors
is in Appendix 6g (``data/reference/children_safeguarding_flags.csv``). Early
Help brief closures are left out, as in the reference edition.

Three counting units give three different totals, and each table says which it uses:

- children: unique person IDs (a child counts once however many workflows they had);
- workflows: unique workflow IDs (one episode of work; it may include several children);
- workflow-child pairs: unique combinations of a workflow and a child (a child in two
  workflows counts twice; two children in one workflow count twice).

A unit is VAWG at a stage when any of its forms at that stage is VAWG. The
Total row counts each unit once across the three stages, so it is smaller than
the sum of the rows.

Artifact ids and the functions that make them:

- ``tbl-children-persons``               :func:`table_children_persons`               (seed Table 4)
- ``tbl-children-workflows``             :func:`table_children_workflows`             (seed Table 5)
- ``tbl-children-workflow-persons``      :func:`table_children_workflow_persons`      (seed Table 6)
- ``tbl-girls-persons``                  :func:`table_girls_persons`                  (seed Table 7)
- ``tbl-girls-workflows``                :func:`table_girls_workflows`                (seed Table 8)
- ``tbl-girls-workflow-persons``         :func:`table_girls_workflow_persons`         (seed Table 9)
- ``fig-children-age-profile``           :func:`figure_children_age_profile`          (seed Figure 22)
- ``fig-children-abuse-types-mash``      :func:`figure_children_abuse_types_mash`     (seed Figure 28)
- ``fig-children-abuse-types-cssw``      :func:`figure_children_abuse_types_cssw`     (seed Figure 29)
- ``fig-children-abuse-types-early-help`` :func:`figure_children_abuse_types_early_help` (seed Figure 30)
- values ``children.*``                  :func:`prose_values` (including the child-in-need visits, strategy
  discussions and child-in-need plans of workflows with and without a VAWG flag: odds ratios and Wald
  tests, :meth:`ChildrenSafeguarding.social_work`)

Small numbers: a count from 1 to 6 shows "<7" and its share "[c]". Where a
table publishes a total and a VAWG count, the VAWG count is also hidden
("[c]") when the non-VAWG remainder is from 1 to 6. Abuse types are
multi-label (a workflow may have several), so their counts do not add up to
the total and no secondary suppression is needed across types; age bands do
add up, so when exactly one band is hidden the next smallest is hidden too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from plotnine import expand_limits, facet_wrap, theme

from vawg.foundations.periods import report_year
from vawg.writing import charts
from vawg.writing.artifacts import Column, Figure, Table, format_value
from vawg.intake.contracts.children import vawg_factors
from vawg.foundations.stats.profiles import OddsRatio, fisher_exact_test, odds_ratio, two_sample_group_tests
from vawg.foundations.suppression import (
    CONFIDENTIAL,
    count_texts,
    chart_values,
    is_small,
    secondary_suppression,
)
from vawg.foundations.wording import join_words, phrase, significance
from vawg.writing.supply import staged_table

SOURCE = "Council children's safeguarding and social work and Early Help case records"
STAGES = ("mash_contact", "cssw_assessment", "eh_assessment")
STAGE_KEYS = {"mash_contact": "mash", "cssw_assessment": "cssw", "eh_assessment": "eh"}
STAGE_LABELS = {"mash_contact": "MASH contact and referral (CSSW)",
                "cssw_assessment": "Child and family assessment (CSSW)",
                "eh_assessment": "Early Help family assessment (EH)"}
STAGE_NAMES = {"mash_contact": "MASH contacts and referrals", "cssw_assessment": "child and family assessments",
               "eh_assessment": "Early Help family assessments"}
UNITS = ("persons", "workflows", "workflow_persons")
UNIT_HEADERS = {"persons": "Children", "workflows": "Workflows", "workflow_persons": "Workflow-child pairs"}
UNIT_CAPTIONS = {"persons": "unique children (person IDs)", "workflows": "unique workflows (workflow IDs)",
                 "workflow_persons": "unique combinations of a workflow and a child"}
UNIT_NOTES = {
    "persons": "Counting unit: children. Each child counts once in a row however many workflows they had.",
    "workflows": ("Counting unit: workflows. A workflow is one episode of work and may include several children; "
                  "it counts once in a row however many children it includes."),
    "workflow_persons": ("Counting unit: workflow-child pairs. A child in two workflows counts twice, and two "
                         "children in one workflow count twice."),
}
# Both Early Help and CSSW record domestic abuse as an assessment factor; Early Help has an older "Domestic" too.
DVA_FACTORS = frozenset({"Domestic abuse", "Domestic"})
AGE_BANDS = ("0-4", "5-9", "10-14", "15-19", "20+")  # the contract allows ages up to 25 (care leavers)
GROUPS = ("Girls and young women", "All children")
SERIES = ("With a VAWG flag", "Without a VAWG flag")
ETHNIC_GROUPS = ("White", "Asian or Asian British", "Black or Black British", "Mixed", "Other", "Not recorded")
RELIGIONS = ("Christian", "Muslim", "Jewish", "No religion", "Other religion", "Not recorded")
FACTOR_LABELS = {  # short chart labels; the data table keeps the recorded name too
    "CYP Sexually Exploited": "Child or young person sexually exploited",
    "Trafficked CYP": "Trafficked child or young person",
    "FGM": "Female genital mutilation",
    "Domestic": "Domestic (older Early Help category)",
    "Emotional": "Emotional abuse", "Physical": "Physical abuse", "Sexual": "Sexual abuse",
    "Forced Marriage": "Forced marriage", "Honour Violence": "Honour-based violence",
    "Violence Against the Person": "Violence against the person",
}
# Social work a workflow can lead to (contract field: how the prose names it), compared for VAWG and other workflows.
# Social work events compared (their names in sentences: chapters/_03-children.wording.yml, entry "event").
SOCIAL_WORK = ("cin_visit", "strategy_discussion", "cin_plan")


def factor_label(factor: str) -> str:
    """A readable name for an assessment factor ("Abuse or neglect - neglect" → "Neglect")."""
    if factor in FACTOR_LABELS:
        return FACTOR_LABELS[factor]
    last = factor.split(" - ")[-1]
    return last[:1].upper() + last[1:]


def age_band(age: float) -> str | None:
    if pd.isna(age):
        return None
    return "20+" if age >= 20 else f"{int(age) // 5 * 5}-{int(age) // 5 * 5 + 4}"


def remainder_basis(part: float, whole: float) -> float:
    """The count a share rests on for suppression: the part, or the rest of the whole if that is smaller.

    A share of a published whole reveals both the part and the rest, so it is
    hidden when either is from 1 to threshold - 1.
    """
    counts = [n for n in (part, whole - part) if n > 0]
    return min(counts) if counts else 0


def share(part: float, whole: float) -> float:
    return part / whole * 100 if whole else float("nan")


@dataclass
class ChildrenSafeguarding:
    """The report year's CSSW and Early Help forms, one row per child per form, flagged VAWG and DVA."""

    borough: str
    year: int
    threshold: int
    forms: pd.DataFrame       # form_type, workflow_id, person_id, factors, vawg, dva, vawg_types, characteristics
    brief_closures: int       # Early Help brief closures left out
    _cache: dict = field(default_factory=dict, repr=False)  # people and workflows, derived once

    @classmethod
    def compute(cls, staged_dir: Path | str, *, borough: str, period_end: str, threshold: int) -> ChildrenSafeguarding:
        end = pd.Timestamp(period_end)
        year = report_year(end)
        parts = []
        for name in ("cssw_forms", "early_help_forms"):
            parts.append(staged_table(staged_dir, name))
        forms = pd.concat(parts, ignore_index=True)
        forms = forms[forms["completed_date"].dt.year == year]
        brief = (forms["eh_brief_closure"].astype("boolean").fillna(False).astype(bool)
                 if "eh_brief_closure" in forms else pd.Series(False, index=forms.index))
        forms = forms[~brief].reset_index(drop=True)
        return cls(borough=borough, year=year, threshold=threshold, forms=flag_forms(forms),
                   brief_closures=int(brief.sum()))

    # -- Tables 4-9 -------------------------------------------------------------------
    def rows(self, girls: bool) -> pd.DataFrame:
        return self.forms[self.forms["sex"] == "Female"] if girls else self.forms

    def stage_counts(self, unit: str, *, girls: bool = False) -> pd.DataFrame:
        """Per stage and in total (de-duplicated): units, VAWG units and their share, with suppression fields."""
        rows = self.rows(girls)
        records = []
        for stage in (*STAGES, "total"):
            of_stage = rows if stage == "total" else rows[rows["form_type"] == stage]
            keys = unit_keys(of_stage, unit)
            total, vawg = keys.nunique(), keys[of_stage["vawg"]].nunique()
            records.append({"stage": stage, "label": "Total (each counted once)" if stage == "total"
                            else STAGE_LABELS[stage], "total": total, "vawg": vawg, "share": share(vawg, total)})
        frame = pd.DataFrame(records)
        frame["basis"] = [remainder_basis(v, t) for v, t in zip(frame["vawg"], frame["total"])]
        frame["vawg_text"] = [format_value(v, "count", threshold=self.threshold) if is_small(v, self.threshold)
                              or not is_small(b, self.threshold) else CONFIDENTIAL
                              for v, b in zip(frame["vawg"], frame["basis"])]
        frame["is_total"] = frame["stage"] == "total"
        return frame

    # -- people ----------------------------------------------------------------------------
    def people(self) -> pd.DataFrame:
        """One row per child: VAWG in any form, sex, age (at the latest form), ethnicity, religion, disability."""
        if "people" not in self._cache:
            self._cache["people"] = self._people()
        return self._cache["people"]

    def _people(self) -> pd.DataFrame:
        forms = self.forms.sort_values("completed_date", kind="stable")
        grouped = forms.groupby("person_id", sort=False)
        people = grouped.agg(vawg=("vawg", "any"), sex=("sex", "first"), age=("age", "max"),
                             ethnicity=("ethnicity", "first"), religion=("religion", "first"),
                             looked_after=("looked_after", "any"))
        answers = grouped["disability"].agg(set)
        people["disability"] = answers.map(lambda seen: "Yes" if "Yes" in seen else "No" if "No" in seen
                                           else "Not recorded")
        kinds = grouped["disability_types"].agg(lambda lists: set().union(*map(set, lists)))
        for kind in ("Physical", "Learning"):
            people[f"disability_{kind.lower()}"] = kinds.map(lambda seen, kind=kind: kind in seen)
        people["age_band"] = people["age"].map(age_band)
        return people

    def group(self, girls: bool) -> pd.DataFrame:
        people = self.people()
        return people[people["sex"] == "Female"] if girls else people

    def profile(self, field: str, categories, *, girls: bool) -> pd.DataFrame:
        """Children with and without a VAWG flag by ``field``, compared group by group (Holm-adjusted z-tests)."""
        people = self.group(girls)
        vawg = people.loc[people["vawg"], field].value_counts().reindex(categories, fill_value=0)
        other = people.loc[~people["vawg"], field].value_counts().reindex(categories, fill_value=0)
        frame = pd.DataFrame({"category": list(categories), "vawg": vawg.to_numpy(), "other": other.to_numpy()})
        frame["vawg_hidden"] = secondary_suppression(vawg, self.threshold).to_numpy()
        frame["other_hidden"] = secondary_suppression(other, self.threshold).to_numpy()
        frame["vawg_share"] = frame["vawg"] / vawg.sum() * 100 if vawg.sum() else np.nan
        frame["other_share"] = frame["other"] / other.sum() * 100 if other.sum() else np.nan
        if vawg.sum() and other.sum():
            tests = two_sample_group_tests(vawg, other).reindex(categories)
            frame["p_value"] = tests["p_value"].to_numpy()
            frame["direction"] = tests["direction"].to_numpy()
        else:
            frame["p_value"], frame["direction"] = np.nan, "not tested"
        # What each derived value rests on: 1 (hidden) when the cell is suppressed, primarily or secondarily.
        frame["vawg_basis"] = np.where(frame["vawg_hidden"], 1, frame["vawg"])
        frame["other_basis"] = np.where(frame["other_hidden"], 1, frame["other"])
        frame["test_basis"] = np.minimum(frame["vawg_basis"], frame["other_basis"])
        frame["vawg_text"] = count_texts(frame["vawg"], self.threshold, hidden=frame["vawg_hidden"])
        frame["other_text"] = count_texts(frame["other"], self.threshold, hidden=frame["other_hidden"])
        frame["finding"] = [CONFIDENTIAL if is_small(b, self.threshold) else FINDINGS[d]
                            for b, d in zip(frame["test_basis"], frame["direction"])]
        return frame

    def age_profile(self) -> pd.DataFrame:
        """Seed Figure 22: age bands of children with and without a VAWG flag, girls and all children."""
        frames = []
        for group, girls in zip(GROUPS, (True, False)):
            frame = self.profile("age_band", AGE_BANDS, girls=girls)
            # 20+ (care leavers) appears only when someone is that old.
            if frame.loc[frame["category"] == "20+", ["vawg", "other"]].to_numpy().sum() == 0:
                frame = frame[frame["category"] != "20+"]
            frames.append(frame.assign(group=group))
        return pd.concat(frames, ignore_index=True)

    # -- Figures 28-30 ------------------------------------------------------------------------
    def workflows(self, stage: str, *, girls: bool = False) -> pd.DataFrame:
        """One row per workflow at a stage: VAWG, DVA and the VAWG factors recorded on any of its forms."""
        if (stage, girls) not in self._cache:
            self._cache[(stage, girls)] = self._workflows(stage, girls)
        return self._cache[(stage, girls)]

    def _workflows(self, stage: str, girls: bool) -> pd.DataFrame:
        rows = self.rows(girls)
        rows = rows[rows["form_type"] == stage]
        grouped = rows.groupby("workflow_id")
        frame = grouped.agg(vawg=("vawg", "any"), dva=("dva", "any"), re_referral=("re_referral", "any"))
        frame["types"] = grouped["vawg_types"].agg(lambda sets: frozenset().union(*sets))
        return frame

    def abuse_types(self, stage: str) -> pd.DataFrame:
        """Each Appendix 6g factor of a stage: VAWG workflows recording it, as a share of VAWG and of all workflows."""
        workflows = self.workflows(stage)
        vawg = workflows[workflows["vawg"]]
        factors = vawg_factors(stage)
        counts = pd.Series({f: int(vawg["types"].map(lambda types, f=f: f in types).sum()) for f in factors})
        frame = pd.DataFrame({"factor": factors, "label": [factor_label(f) for f in factors],
                              "workflows": counts.reindex(factors).to_numpy()})
        frame["vawg_workflows"], frame["all_workflows"] = len(vawg), len(workflows)
        frame["share"] = [share(n, len(vawg)) for n in frame["workflows"]]
        frame["share_of_all"] = [share(n, len(workflows)) for n in frame["workflows"]]
        frame["basis"] = [remainder_basis(n, len(vawg)) for n in frame["workflows"]]
        frame["hidden"] = frame["basis"].map(lambda n: is_small(n, self.threshold))
        frame["workflows_text"] = count_texts(frame["workflows"], self.threshold, hidden=frame["hidden"])
        # Largest first; types hidden as "<7" go just above the zeros, alphabetically, so the order tells nothing.
        frame["order"] = np.where(frame["workflows"].map(lambda n: is_small(n, self.threshold)), 0.5,
                                  frame["workflows"])
        return frame.sort_values(["order", "label"], ascending=[False, True]).reset_index(drop=True)

    def dva_share(self, stage: str, *, girls: bool = False, of_all: bool = False) -> tuple[float, float]:
        """Percentage of a stage's VAWG workflows (or of all its workflows) recording domestic abuse, and its basis."""
        workflows = self.workflows(stage, girls=girls)
        whole = workflows if of_all else workflows[workflows["vawg"]]
        part = int(whole["dva"].sum())
        return share(part, len(whole)), remainder_basis(part, len(whole))

    # -- comparisons in the text -----------------------------------------------------------------
    def re_referrals(self) -> pd.DataFrame:
        """MASH workflows referred again within 12 months: VAWG against other workflows."""
        workflows = self.workflows("mash_contact")
        return _two_groups(workflows["vawg"], workflows["re_referral"])

    def all_workflows(self) -> pd.DataFrame:
        """One row per workflow across CSSW and Early Help: VAWG, and each kind of social work, on any of its forms."""
        if "all_workflows" not in self._cache:
            grouped = self.forms.groupby("workflow_id")
            self._cache["all_workflows"] = grouped.agg(vawg=("vawg", "any"),
                                                       **{name: (name, "any") for name in SOCIAL_WORK})
        return self._cache["all_workflows"]

    def social_work(self, name: str) -> tuple[pd.DataFrame, OddsRatio | None]:
        """Workflows with ``name`` (a :data:`SOCIAL_WORK` field): VAWG against all other workflows.

        Returns the two groups' counts, shares and Fisher's p (as :meth:`re_referrals`) and the odds ratio of
        the table ``[[VAWG with, VAWG without], [other with, other without]]`` (None if a group is empty).
        """
        workflows = self.all_workflows()
        frame = _two_groups(workflows["vawg"], workflows[name])
        if not (frame["total"] > 0).all():
            return frame, None
        table = [[int(row.yes), int(row.total - row.yes)] for row in frame.itertuples()]
        return frame, odds_ratio(table)

    def looked_after(self) -> pd.DataFrame:
        """Girls and young women looked after by the council: VAWG against other girls."""
        girls = self.group(girls=True)
        return _two_groups(girls["vawg"], girls["looked_after"])


FINDINGS = {"over": "Higher share with a VAWG flag", "under": "Lower share with a VAWG flag",
            "as expected": "No significant difference", "not tested": "Not tested"}


def flag_forms(forms: pd.DataFrame) -> pd.DataFrame:
    """Add ``vawg_types`` (the form's Appendix 6g factors), ``vawg`` and ``dva`` to a frame of forms."""
    flags = {stage: frozenset(vawg_factors(stage)) for stage in STAGES}
    forms = forms.copy()
    forms["vawg_types"] = [frozenset(factors if factors is not None else ()) & flags[stage]
                           for factors, stage in zip(forms["assessment_factors"], forms["form_type"])]
    forms["vawg"] = forms["vawg_types"].map(bool)
    forms["dva"] = forms["vawg_types"].map(lambda types: bool(types & DVA_FACTORS))
    return forms


def unit_keys(rows: pd.DataFrame, unit: str) -> pd.Series:
    """The identifier of each row's counting unit: a person, a workflow or a workflow-person pair."""
    if unit == "persons":
        return rows["person_id"]
    if unit == "workflows":
        return rows["workflow_id"]
    if unit == "workflow_persons":
        return rows["workflow_id"] + "|" + rows["person_id"]
    raise ValueError(f"unit must be one of {', '.join(UNITS)}, not {unit!r}")


def _two_groups(group: pd.Series, outcome: pd.Series) -> pd.DataFrame:
    """Outcome counts and shares for the VAWG and other groups, with Fisher's exact test of the difference."""
    table = pd.crosstab(group.astype(bool), outcome.astype(bool)).reindex(index=[True, False], columns=[True, False],
                                                                           fill_value=0)
    frame = pd.DataFrame({"group": ["vawg", "other"], "yes": table[True].to_numpy(),
                          "total": table.sum(axis=1).to_numpy()})
    frame["share"] = [share(y, t) for y, t in zip(frame["yes"], frame["total"])]
    frame["basis"] = [remainder_basis(y, t) for y, t in zip(frame["yes"], frame["total"])]
    frame["p_value"] = fisher_exact_test(table.to_numpy()).p_value if (frame["total"] > 0).all() else np.nan
    return frame.set_index("group")


# -- Tables 4-9 ---------------------------------------------------------------------------------

def _stage_table(analysis: ChildrenSafeguarding, unit: str, girls: bool, table_id: str) -> Table:
    a = analysis
    who = "girls and young women" if girls else "all children"
    counts = a.stage_counts(unit, girls=girls)
    header = UNIT_HEADERS[unit] if not girls else {"persons": "Girls and young women"}.get(unit, UNIT_HEADERS[unit])
    return Table(
        id=table_id,
        caption=(f"{header} at each assessment stage and those with a VAWG flag, {who}, {a.borough} "
                 f"{a.year}. Counting unit: {UNIT_CAPTIONS[unit]}"
                 + (" with a form recorded for a girl or young woman" if girls and unit != "persons" else "")),
        data=counts,
        columns=[
            Column("Assessment stage", "label", "text"),
            Column(header, "total", "count"),
            Column("With a VAWG flag", "vawg_text", "text"),
            Column("% with a VAWG flag", "share", "percent", 1, basis="basis"),
        ],
        source=SOURCE,
        notes=(
            UNIT_NOTES[unit],
            ("The total row counts each one once across the three stages, so it is less than the sum of the rows: "
             "many children and workflows reach more than one stage."),
            ("VAWG flag: at least one assessment factor of Appendix 6g recorded at that stage (for the total, at any "
             "stage). Early Help brief closures are left out."),
            (f"<{a.threshold}: fewer than {a.threshold}. [c]: not shown because it rests on fewer than {a.threshold} "
             "children or workflows or would reveal such a count."),
        ),
        emphasis="is_total",
    )


def table_children_persons(analysis: ChildrenSafeguarding) -> Table:
    return _stage_table(analysis, "persons", False, "tbl-children-persons")


def table_children_workflows(analysis: ChildrenSafeguarding) -> Table:
    return _stage_table(analysis, "workflows", False, "tbl-children-workflows")


def table_children_workflow_persons(analysis: ChildrenSafeguarding) -> Table:
    return _stage_table(analysis, "workflow_persons", False, "tbl-children-workflow-persons")


def table_girls_persons(analysis: ChildrenSafeguarding) -> Table:
    return _stage_table(analysis, "persons", True, "tbl-girls-persons")


def table_girls_workflows(analysis: ChildrenSafeguarding) -> Table:
    return _stage_table(analysis, "workflows", True, "tbl-girls-workflows")


def table_girls_workflow_persons(analysis: ChildrenSafeguarding) -> Table:
    return _stage_table(analysis, "workflow_persons", True, "tbl-girls-workflow-persons")


# -- Figure 22 ------------------------------------------------------------------------------------

def figure_children_age_profile(analysis: ChildrenSafeguarding) -> Figure:
    a = analysis
    profile = a.age_profile()
    long = pd.concat([
        profile.assign(series=SERIES[0], value=profile["vawg_share"], count=profile["vawg_basis"]),
        profile.assign(series=SERIES[1], value=profile["other_share"], count=profile["other_basis"]),
    ], ignore_index=True)
    long["plotted"], long["label_text"] = chart_values(long["value"], long["count"], a.threshold, "{:.1f}%")
    starred = (long["series"] == SERIES[0]) & long["direction"].isin(["over", "under"]) \
        & ~long["test_basis"].map(lambda n: is_small(n, a.threshold))
    long.loc[starred, "label_text"] = long.loc[starred, "label_text"] + "*"
    long.loc[long["value"].isna(), "label_text"] = ""
    long["group_panel"] = pd.Categorical(long["group"], categories=list(GROUPS))  # girls first
    bands = [band for band in AGE_BANDS if band in set(profile["category"])]

    def plot_at(width: float = 8.0):
        # Side by side on a phone, the panels' value axes ran into each other ("40 500 10"): one above the other.
        return charts.grouped_bar_chart(
            long, category="category", value="plotted", series="series", label="label_text",
            title=_age_title(profile),
            subtitle=charts.subtitle(f"Share of children in each age band, with and without a VAWG flag on a CSSW or "
                                     f"Early Help form ({a.year}); * significantly different (Holm-adjusted "
                                     f"two-proportion z-tests)"),
            value_title="% of children in the group", category_order=bands, series_order=list(SERIES),
        ) + facet_wrap("~group_panel", ncol=2 if width >= 4 else 1) + theme(plot_title_position="plot")

    plot = plot_at()
    girls = profile[profile["group"] == GROUPS[0]]
    alt = (f"Two bar charts, for girls and young women and for all children, of the age bands (0-4 to 15-19) of "
           f"children with a VAWG flag on a children's safeguarding or Early Help form in {a.year} beside those "
           f"without. " + _age_sentence(girls, phrase("children", "who", "girls")) + " "
           + _age_sentence(profile[profile["group"] == GROUPS[1]], phrase("children", "who", "all")))
    return Figure(
        id="fig-children-age-profile", plot=plot, width=8.0, height=5.5, redraw=plot_at,
        caption=f"Age bands of children with and without a VAWG flag, girls and young women and all children, "
                f"{a.borough} {a.year}",
        alt=alt.strip(), source=SOURCE, data=profile,
        description=("Counting unit: children (each counted once, at their age on their latest form of the year). "
                     "Each band's share is compared between children with and without a VAWG flag by a two-"
                     "proportion z-test, with p-values adjusted for the number of bands (Holm). Bands with fewer "
                     f"than {a.threshold} children are not shown."),
        columns=[
            Column("Group", "group", "text"),
            Column("Age band", "category", "text"),
            Column("With a VAWG flag", "vawg_text", "text"),
            Column("% with a VAWG flag", "vawg_share", "percent", 1, basis="vawg_basis"),
            Column("Without a VAWG flag", "other_text", "text"),
            Column("% without a VAWG flag", "other_share", "percent", 1, basis="other_basis"),
            Column("p-value (z-test, Holm-adjusted)", "p_value", "pvalue", 3, basis="test_basis"),
            Column("Finding", "finding", "text"),
        ],
    )


def _age_title(profile: pd.DataFrame) -> str:
    girls = profile[(profile["group"] == GROUPS[0]) & (profile["category"] == "15-19")]
    if not girls.empty and girls["direction"].iloc[0] == "over" and girls["finding"].iloc[0] != CONFIDENTIAL:
        return "Older girls, aged 15 to 19, make up more of the children with a VAWG flag than of those without"
    return "Ages of children with and without a VAWG flag in children's services"


def _listing(frame: pd.DataFrame, direction: str) -> list[str]:
    return frame.loc[(frame["direction"] == direction) & (frame["finding"] != CONFIDENTIAL), "category"].tolist()


def _age_sentence(frame: pd.DataFrame, who: str) -> str:
    if frame["direction"].eq("not tested").all():
        return phrase("children", "age", "not_tested", who=who)
    over, under = _listing(frame, "over"), _listing(frame, "under")
    if not over and not under:
        return phrase("children", "age", "no_difference", who=who)
    return phrase("children", "age", "shown", who=who, findings=_larger_smaller(
        [phrase("children", "aged", bands=join_words(over))] if over else [],
        [phrase("children", "aged", bands=join_words(under))] if under else []))


def _larger_smaller(over: list[str], under: list[str]) -> str:
    """"X made up a significantly larger share, and Y a significantly smaller share," (either part may be absent)."""
    if over and under:
        return phrase("children", "findings", "both", larger=join_words(over), smaller=join_words(under))
    if over:
        return phrase("children", "findings", "larger", larger=join_words(over))
    return phrase("children", "findings", "smaller", smaller=join_words(under))


# -- Figures 28-30 --------------------------------------------------------------------------------

def _abuse_type_figure(analysis: ChildrenSafeguarding, stage: str, figure_id: str) -> Figure:
    a = analysis
    types = a.abuse_types(stage)
    vawg_total = int(types["vawg_workflows"].iloc[0]) if len(types) else 0
    types["plotted"], types["label_text"] = chart_values(types["share"], types["basis"], a.threshold, "{:.1f}%")
    types["series"] = "VAWG workflows"
    shown = types[~types["hidden"] & (types["workflows"] > 0)]
    top = shown.iloc[0] if not shown.empty else None
    name = STAGE_NAMES[stage]
    title = (f"{top['label']} is recorded most often in VAWG {name}" if top is not None
             else f"Abuse types recorded in VAWG {name}")
    plot = charts.grouped_bar_chart(
        types, category="label", value="plotted", series="series",
        label="label_text", title=title,
        subtitle=charts.subtitle(f"Share of {name} with a VAWG flag ({a.year}) recording each abuse type; a workflow "
                                 f"may record several, so the shares add up to more than 100%"),
        value_title="% of VAWG workflows at this stage", category_order=types["label"].tolist(),
        series_order=["VAWG workflows"]) + theme(plot_title_position="plot", legend_position="none")
    if not (types["plotted"] > 0).any():  # nothing drawn: keep the axis at 0% and up, not centred on zero
        plot = plot + expand_limits(y=[0, 10])
    listed = [f"{_lower(row.label)} ({row.share:.1f}%)" for row in shown.head(3).itertuples()]
    alt = (f"Bar chart of the abuse types recorded in the {format_value(vawg_total, 'count', threshold=a.threshold)} "
           f"{name} with a VAWG flag in {a.borough} in {a.year}, as a share of those workflows. "
           + (f"The most common were {join_words(listed)}. " if listed else "")
           + "A workflow may record several abuse types.")
    return Figure(
        id=figure_id, plot=plot, height=max(3.5, 1.2 + 0.38 * len(types)),
        caption=f"Abuse types recorded in {name} with a VAWG flag, {a.borough} {a.year}",
        alt=alt, source=SOURCE, data=types,
        description=("Counting unit: workflows with a VAWG flag at this stage. Each workflow may record several abuse "
                     "types, so the shares add up to more than 100%. Types recorded in fewer than "
                     f"{a.threshold} workflows are not shown."),
        columns=[
            Column("Abuse type", "label", "text"),
            Column("Recorded as", "factor", "text"),
            Column("VAWG workflows", "workflows_text", "text"),
            Column("% of VAWG workflows", "share", "percent", 1, basis="basis"),
            Column("% of all workflows at this stage", "share_of_all", "percent", 1, basis="basis"),
        ],
    )


def figure_children_abuse_types_mash(analysis: ChildrenSafeguarding) -> Figure:
    return _abuse_type_figure(analysis, "mash_contact", "fig-children-abuse-types-mash")


def figure_children_abuse_types_cssw(analysis: ChildrenSafeguarding) -> Figure:
    return _abuse_type_figure(analysis, "cssw_assessment", "fig-children-abuse-types-cssw")


def figure_children_abuse_types_early_help(analysis: ChildrenSafeguarding) -> Figure:
    return _abuse_type_figure(analysis, "eh_assessment", "fig-children-abuse-types-early-help")


# -- prose -----------------------------------------------------------------------------------------

def prose_values(analysis: ChildrenSafeguarding) -> dict[str, tuple]:
    """Every number and data-driven sentence the section quotes: ``{key: (value, kind, decimals[, basis])}``."""
    a = analysis
    values: dict[str, tuple] = {
        "children.year": (str(a.year), "text", 0),
        "children.brief_closures": (a.brief_closures, "count", 0),
        "children.older_band": ("15 to 19", "text", 0),  # the oldest band of the age profile
    }
    for girls, prefix in ((False, "children"), (True, "children.girls")):
        for unit in UNITS:
            counts = a.stage_counts(unit, girls=girls).set_index("stage")
            for stage, row in counts.iterrows():
                key = f"{prefix}.{STAGE_KEYS.get(stage, 'total')}_{unit}"
                values[key] = (row["total"], "count", 0)
                values[f"{key}_vawg"] = (row["vawg"], "count", 0, row["basis"])
                values[f"{key}_vawg_share"] = (row["share"], "percent", 1, row["basis"])
    for stage in STAGES:
        key = STAGE_KEYS[stage]
        for girls, prefix in ((False, "children"), (True, "children.girls")):
            value, basis = a.dva_share(stage, girls=girls)
            values[f"{prefix}.{key}_dva_share"] = (value, "percent", 1, basis)
            value, basis = a.dva_share(stage, girls=girls, of_all=True)
            values[f"{prefix}.{key}_dva_share_of_all"] = (value, "percent", 1, basis)
        values[f"children.{key}_top_types"] = (_top_types(a, stage), "text", 0)
    values.update(_comparison_values(a))
    values.update(_people_values(a))
    return values


def _top_types(a: ChildrenSafeguarding, stage: str, count: int = 3) -> str:
    """A sentence naming the commonest published abuse types of a stage's VAWG workflows, with their shares."""
    types = a.abuse_types(stage)
    shown = types[~types["hidden"] & (types["workflows"] > 0)].head(count)
    if shown.empty:
        return phrase("children", "top_types", "too_few")
    listed = join_words([f"{_lower(row.label)} ({row.share:.1f}%)" for row in shown.itertuples()])
    return phrase("children", "top_types", "several" if len(shown) > 1 else "one", types=listed)


def _lower(label: str) -> str:
    return label if label.split()[0].isupper() else label[:1].lower() + label[1:]


def _comparison_values(a: ChildrenSafeguarding) -> dict[str, tuple]:
    values = {}
    for key, frame in (("re_referral", a.re_referrals()), ("looked_after", a.looked_after())):
        unit = phrase("children", "unit", key)
        values[f"children.{key}_vawg"] = (frame.loc["vawg", "share"], "percent", 1, frame.loc["vawg", "basis"])
        values[f"children.{key}_other"] = (frame.loc["other", "share"], "percent", 1, frame.loc["other", "basis"])
        values[f"children.{key}_verdict"] = (_verdict(frame, a.threshold, unit), "text", 0)
    workflows = a.all_workflows()
    values["children.all_workflows"] = (len(workflows), "count", 0)
    values["children.all_workflows_vawg"] = (int(workflows["vawg"].sum()), "count", 0,
                                             remainder_basis(int(workflows["vawg"].sum()), len(workflows)))
    for name in SOCIAL_WORK:
        what = phrase("children", "event", name)
        frame, ratio = a.social_work(name)
        values[f"children.{name}_vawg"] = (frame.loc["vawg", "share"], "percent", 1, frame.loc["vawg", "basis"])
        values[f"children.{name}_other"] = (frame.loc["other", "share"], "percent", 1, frame.loc["other", "basis"])
        values[f"children.{name}_odds_sentence"] = (_social_work_sentence(frame, ratio, what, a.threshold), "text", 0)
    return values


def _social_work_sentence(frame: pd.DataFrame, ratio: OddsRatio | None, what: str, threshold: int) -> str:
    """The odds of ``what`` for VAWG workflows against the rest, read right whatever is suppressed."""
    if ratio is None:
        return phrase("children", "odds", "no_groups", event=what)
    cells = [int(n) for row in frame.itertuples() for n in (row.yes, row.total - row.yes)]
    if any(is_small(n, threshold) for n in cells):
        return phrase("children", "odds", "hidden", event=what)
    p = "p < 0.001" if ratio.p_value < 0.001 else f"p = {ratio.p_value:.3f}"
    return phrase("children", "odds", ("higher" if ratio.estimate > 1 else "lower") if ratio.significant
                  else "no_difference", event=what, odds_ratio=f"{ratio.estimate:.2f}", lower=f"{ratio.lower:.2f}",
                  upper=f"{ratio.upper:.2f}", p=p)


def _verdict(frame: pd.DataFrame, threshold: int, unit: str) -> str:
    """A sentence on the difference between the two groups that reads right even when the counts are hidden."""
    if frame["p_value"].isna().any():
        return phrase("children", "verdict", "no_records")
    if any(is_small(n, threshold) for n in frame["basis"]):
        return phrase("children", "verdict", "hidden", unit=unit)
    p = float(frame["p_value"].iloc[0])
    return phrase("children", "verdict", "tested", verdict=significance(p))


def _people_values(a: ChildrenSafeguarding) -> dict[str, tuple]:
    values: dict[str, tuple] = {}
    people = a.people()
    vawg = people[people["vawg"]]
    girls = vawg[vawg["sex"] == "Female"]
    n, g = len(vawg), len(girls)

    def part(mask: pd.Series, whole: int) -> tuple:
        count = int(mask.sum())
        return (share(count, whole), "percent", 1, remainder_basis(count, whole))

    values["children.vawg_people"] = (n, "count", 0)
    values["children.vawg_female_share"] = part(vawg["sex"] == "Female", n)
    values["children.vawg_male_share"] = part(vawg["sex"] == "Male", n)
    values["children.vawg_aged_15_19_share"] = part(vawg["age_band"] == "15-19", n)
    values["children.vawg_girls_aged_15_19_share"] = part(girls["age_band"] == "15-19", g)
    values["children.vawg_white_share"] = part(vawg["ethnicity"] == "White", n)
    values["children.vawg_disabled_share"] = part(vawg["disability"] == "Yes", n)
    for name, group in (("white", "White"), ("asian", "Asian or Asian British"), ("black", "Black or Black British"),
                        ("mixed", "Mixed")):
        values[f"children.vawg_girls_{name}_share"] = part(girls["ethnicity"] == group, g)
    for name, religion in (("muslim", "Muslim"), ("christian", "Christian"), ("religion_unknown", "Not recorded")):
        values[f"children.vawg_girls_{name}_share"] = part(girls["religion"] == religion, g)
    values["children.vawg_girls_disabled_share"] = part(girls["disability"] == "Yes", g)
    values["children.vawg_girls_disability_not_recorded_share"] = part(girls["disability"] == "Not recorded", g)
    values["children.vawg_girls_physical_share"] = part(girls["disability_physical"], g)
    values["children.vawg_girls_learning_share"] = part(girls["disability_learning"], g)
    profile = a.age_profile()
    values["children.girls_age_sentence"] = (_age_sentence(profile[profile["group"] == GROUPS[0]],
                                                           phrase("children", "who", "girls")), "text", 0)
    values["children.all_age_sentence"] = (_age_sentence(profile[profile["group"] == GROUPS[1]],
                                                         phrase("children", "who", "all")), "text", 0)
    girls, ethnic_groups = phrase("children", "who", "girls"), phrase("children", "what", "ethnicity")
    values["children.girls_ethnicity_sentence"] = (_profile_sentence(
        a.profile("ethnicity", ETHNIC_GROUPS, girls=True), ethnic_groups, _ethnic_name, who=girls), "text", 0)
    values["children.girls_religion_sentence"] = (_profile_sentence(
        a.profile("religion", RELIGIONS, girls=True), phrase("children", "what", "religion"), _religion_name,
        who=girls), "text", 0)
    values["children.all_ethnicity_sentence"] = (_profile_sentence(
        a.profile("ethnicity", ETHNIC_GROUPS, girls=False), ethnic_groups, _ethnic_name,
        who=phrase("children", "who", "children")), "text", 0)
    return values


def _ethnic_name(group: str) -> str:
    return phrase("children", "ethnic_group", group)


def _religion_name(group: str) -> str:
    return phrase("children", "religion", group)


def _profile_sentence(frame: pd.DataFrame, what: str, name, who: str) -> str:
    """Which groups make up a significantly larger or smaller share of those with a VAWG flag than of the rest."""
    if frame["direction"].eq("not tested").all():
        return phrase("children", "profile", "not_tested", what=what, who=who)
    over, under = _listing(frame, "over"), _listing(frame, "under")
    if not over and not under:
        return phrase("children", "profile", "no_difference", what=what, who=who)
    return phrase("children", "profile", "shown", who=who,
                  findings=_larger_smaller([name(g) for g in over], [name(g) for g in under]))
