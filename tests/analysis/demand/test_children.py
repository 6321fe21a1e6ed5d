"""Children's safeguarding and Early Help (vawg.analysis.demand.children): counts by stage and counting unit, abuse types,
suppression of small stages, and the calibration targets of the default data.

Expected numbers on the small fixtures are worked out by hand in the comments, not by the analysis.
"""

from __future__ import annotations

import json
import math

import pandas as pd
import pytest
from by_hand import log_odds_ratio_p
from scipy.stats import norm

from vawg.writing.artifacts import ArtifactWriter
from vawg.analysis.demand import children
from vawg.writing.artifacts import read_download

DA = "Domestic abuse"
EMOTIONAL = "Abuse or neglect - emotional abuse"
NEGLECT = "Abuse or neglect - neglect"
SEXUAL_ADULT = "Abuse or neglect - sexual abuse - sexual abuse by an adult"
TRAFFICKING = "Trafficking"


def form(stage: str, workflow: str, person: str, sex: str, factors: list[str], *, date: str = "2024-06-01",
         brief: bool = False, re_referral: bool = False, looked_after: bool = False, age: int = 10) -> dict:
    return {"form_type": stage, "workflow_id": workflow, "person_id": person, "sex": sex,
            "assessment_factors": factors, "completed_date": pd.Timestamp(date), "eh_brief_closure": brief,
            "re_referral": re_referral, "looked_after": looked_after, "age": age, "ethnicity": "White",
            "religion": "Not recorded", "disability": "Not recorded", "disability_types": [], "cin_visit": False,
            "strategy_discussion": False, "cin_plan": False, "housing_issue": "No", "council_tenant": "No"}


def stage_forms(folder, rows: list[dict]):
    """Write the rows as the staged CSSW and Early Help tables."""
    frame = pd.DataFrame(rows)
    frame["form_id"] = [f"F{n}" for n in range(len(frame))]
    early = frame["form_type"] == "eh_assessment"
    frame[~early].drop(columns="eh_brief_closure").to_parquet(folder / "cssw_forms.parquet")
    frame[early].to_parquet(folder / "early_help_forms.parquet")
    return folder


@pytest.fixture
def siblings_and_repeat_referrals(tmp_path):
    """Two siblings in one VAWG workflow, a girl referred twice (once VAWG), a workflow that reaches assessment,
    a brief Early Help closure and a form from the year before (both left out)."""
    return stage_forms(tmp_path, [
        form("mash_contact", "W1", "P1", "Female", [DA]),
        form("mash_contact", "W1", "P2", "Male", [DA, EMOTIONAL]),
        form("mash_contact", "W2", "P1", "Female", ["Gangs"], re_referral=True),
        form("mash_contact", "W3", "P3", "Female", ["Parental mental health"], re_referral=True),
        form("mash_contact", "W5", "P5", "Male", [SEXUAL_ADULT, DA], re_referral=True),
        form("mash_contact", "W6", "P6", "Female", [NEGLECT]),
        form("mash_contact", "W9", "P9", "Female", [DA], date="2023-12-31"),
        form("cssw_assessment", "W1", "P1", "Female", [DA, NEGLECT]),
        form("eh_assessment", "W4", "P4", "Female", [DA]),
        form("eh_assessment", "W7", "P3", "Female", [DA], brief=True),
        form("eh_assessment", "W8", "P7", "Male", ["Housing difficulties"]),
    ])


def analyse(folder, threshold: int = 1) -> children.ChildrenSafeguarding:
    return children.ChildrenSafeguarding.compute(folder, borough="Camden", period_end="2024-12-31",
                                                 threshold=threshold)


def counts(analysis, unit: str, girls: bool = False) -> dict[str, tuple[int, int]]:
    table = analysis.stage_counts(unit, girls=girls)
    return {row.stage: (row.total, row.vawg) for row in table.itertuples()}


# (total, VAWG) per stage and de-duplicated total, worked out by hand from the fixture.
EXPECTED = {
    ("persons", False): {"mash_contact": (5, 4), "cssw_assessment": (1, 1), "eh_assessment": (2, 1), "total": (7, 5)},
    ("workflows", False): {"mash_contact": (5, 3), "cssw_assessment": (1, 1), "eh_assessment": (2, 1),
                           "total": (7, 4)},
    # W1-P1 is at both MASH and assessment: one pair in the total.
    ("workflow_persons", False): {"mash_contact": (6, 4), "cssw_assessment": (1, 1), "eh_assessment": (2, 1),
                                  "total": (8, 5)},
    ("persons", True): {"mash_contact": (3, 2), "cssw_assessment": (1, 1), "eh_assessment": (1, 1), "total": (4, 3)},
    # A girls' workflow has a form for a girl; W1 counts as VAWG for girls through P1's form.
    ("workflows", True): {"mash_contact": (4, 2), "cssw_assessment": (1, 1), "eh_assessment": (1, 1),
                          "total": (5, 3)},
    ("workflow_persons", True): {"mash_contact": (4, 2), "cssw_assessment": (1, 1), "eh_assessment": (1, 1),
                                 "total": (5, 3)},
}


@pytest.mark.parametrize(("unit", "girls"), list(EXPECTED))
def test_each_counting_unit_counts_distinct_units_per_stage_and_once_in_the_total(siblings_and_repeat_referrals,
                                                                                  unit, girls):
    assert counts(analyse(siblings_and_repeat_referrals), unit, girls) == EXPECTED[(unit, girls)]


def test_the_total_is_not_the_sum_of_the_stages(siblings_and_repeat_referrals):
    table = analyse(siblings_and_repeat_referrals).stage_counts("persons").set_index("stage")
    assert table.loc["total", "total"] < table.drop("total")["total"].sum()
    assert table.loc["total", "share"] == pytest.approx(5 / 7 * 100)


def test_brief_closures_and_other_years_are_left_out(siblings_and_repeat_referrals):
    analysis = analyse(siblings_and_repeat_referrals)
    assert analysis.brief_closures == 1
    assert not analysis.forms["workflow_id"].isin(["W7", "W9"]).any()


def test_abuse_types_are_shares_of_vawg_workflows_and_may_overlap(siblings_and_repeat_referrals):
    # MASH VAWG workflows: W1 {DA, emotional} (over two children's forms), W5 {sexual by an adult, DA}, W6 {neglect}.
    types = analyse(siblings_and_repeat_referrals).abuse_types("mash_contact").set_index("factor")
    assert types.loc[DA, "workflows"] == 2
    assert types.loc[DA, "share"] == pytest.approx(200 / 3)
    assert types.loc[DA, "share_of_all"] == pytest.approx(40.0)       # 2 of the 5 MASH workflows
    for factor in (EMOTIONAL, SEXUAL_ADULT, NEGLECT):
        assert types.loc[factor, "share"] == pytest.approx(100 / 3)
    assert types.loc[TRAFFICKING, "workflows"] == 0
    assert types["share"].sum() > 100                                  # multi-label
    assert types.index[0] == DA                                        # largest first


def test_domestic_abuse_and_re_referral_shares(siblings_and_repeat_referrals):
    analysis = analyse(siblings_and_repeat_referrals)
    assert analysis.dva_share("mash_contact")[0] == pytest.approx(200 / 3)
    # Re-referred: W5 of the 3 VAWG MASH workflows; W2 and W3, both of the 2 others.
    re_referrals = analysis.re_referrals()
    assert re_referrals.loc["vawg", "share"] == pytest.approx(100 / 3)
    assert re_referrals.loc["other", "share"] == pytest.approx(100.0)


def test_a_person_with_a_vawg_form_at_any_stage_is_a_vawg_child(siblings_and_repeat_referrals):
    people = analyse(siblings_and_repeat_referrals).people()
    assert set(people.index[people["vawg"]]) == {"P1", "P2", "P4", "P5", "P6"}
    assert (people.loc[people["vawg"], "sex"] == "Female").mean() == pytest.approx(3 / 5)


# -- suppression ---------------------------------------------------------------------------------

@pytest.fixture
def small_early_help_and_rare_trafficking(tmp_path):
    """40 MASH workflows (20 VAWG: 12 domestic abuse, 6 neglect, 2 trafficking), 10 assessments of which 8 VAWG (so the 2 without a
    flag would be revealed), and an Early Help stage of 3 workflows, 1 VAWG."""
    rows = []
    for n in range(40):
        factors = [DA] if n < 12 else [NEGLECT] if n < 18 else [TRAFFICKING] if n < 20 else ["Gangs"]
        rows.append(form("mash_contact", f"M{n}", f"P{n}", "Female" if n % 2 else "Male", factors))
    for n in range(10):
        rows.append(form("cssw_assessment", f"M{n}", f"P{n}", "Female" if n % 2 else "Male",
                         [DA] if n < 8 else ["Gangs"]))
    for n in range(3):
        rows.append(form("eh_assessment", f"E{n}", f"Q{n}", "Female", [DA] if n == 0 else ["Young carer"]))
    return stage_forms(tmp_path, rows)


def published(folder, threshold: int = 7):
    analysis = analyse(folder, threshold)
    writer = ArtifactWriter(folder / "artifacts", threshold)
    writer.table(children.table_children_workflows(analysis))
    writer.figure(children.figure_children_abuse_types_mash(analysis))
    writer.figure(children.figure_children_abuse_types_early_help(analysis))
    writer.values(children.prose_values(analysis))
    data = folder / "artifacts" / "data"
    return (read_download(data / "tbl-children-workflows.csv").set_index("Assessment stage"),
            read_download(data / "fig-children-abuse-types-mash.csv").set_index("Recorded as"),
            json.loads((folder / "artifacts" / "values.json").read_text()))


def test_a_small_stage_shows_under_seven_and_hides_its_share(small_early_help_and_rare_trafficking):
    table, _, values = published(small_early_help_and_rare_trafficking)
    early_help = table.loc[children.STAGE_LABELS["eh_assessment"]]
    assert list(early_help) == ["<7", "<7", "[c]"]
    assert list(table.loc[children.STAGE_LABELS["mash_contact"]]) == ["40", "20", "50.0"]
    assert values["children.eh_workflows"]["text"] == "<7"
    assert values["children.eh_workflows_vawg_share"]["text"] == "[c]"
    assert values["children.eh_workflows_vawg_share"]["value"] is None


def test_a_vawg_count_that_would_reveal_a_small_remainder_is_hidden(small_early_help_and_rare_trafficking):
    table, _, _ = published(small_early_help_and_rare_trafficking)
    assessment = table.loc[children.STAGE_LABELS["cssw_assessment"]]
    assert list(assessment) == ["10", "[c]", "[c]"]   # 8 of 10 would reveal the 2 without a flag


def test_a_rare_abuse_type_is_suppressed_in_the_chart_data_and_prose(small_early_help_and_rare_trafficking):
    _, types, values = published(small_early_help_and_rare_trafficking)
    assert types.loc[TRAFFICKING, "VAWG workflows"] == "<7"
    assert types.loc[TRAFFICKING, "% of VAWG workflows"] == "[c]"
    assert types.loc[NEGLECT, "VAWG workflows"] == "<7"
    assert types.loc[DA, "VAWG workflows"] == "12"
    assert types.loc[DA, "% of VAWG workflows"] == "60.0"
    assert "trafficking" not in values["children.mash_top_types"]["text"].lower()
    assert values["children.eh_top_types"]["text"].startswith("Too few")


def test_no_published_children_file_holds_a_count_from_one_to_six(small_early_help_and_rare_trafficking):
    published(small_early_help_and_rare_trafficking)
    for path in (small_early_help_and_rare_trafficking / "artifacts" / "data").glob("*.csv"):
        cells = read_download(path).drop(columns=["Abuse type", "Recorded as", "Assessment stage"],
                                                  errors="ignore")
        small = cells.isin([str(n) for n in range(1, 7)])
        assert not small.any().any(), f"{path.name} publishes a count from 1 to 6"


# -- calibration -----------------------------------------------------------------------------------

def analysed_targets(folder) -> dict[str, float]:
    """The calibration targets of this section, as the build's analysis computes them (Camden 2024)."""
    values = children.prose_values(analyse(folder, threshold=7))
    keys = {}
    for stage in ("mash", "cssw", "eh", "total"):
        keys.update({f"children.{stage}_workflows_2024": f"children.{stage}_workflows",
                     f"children.{stage}_vawg_workflows_2024": f"children.{stage}_workflows_vawg",
                     f"children.{stage}_persons_2024": f"children.{stage}_persons",
                     f"children.{stage}_vawg_persons_2024": f"children.{stage}_persons_vawg",
                     f"children.{stage}_girls_2024": f"children.girls.{stage}_persons",
                     f"children.{stage}_vawg_girls_2024": f"children.girls.{stage}_persons_vawg",
                     f"children.{stage}_dva_share_2024": f"children.{stage}_dva_share"})
    keys.update({
        "children.re_referral_vawg_2024": "children.re_referral_vawg",
        "children.re_referral_other_2024": "children.re_referral_other",
        "children.looked_after_vawg_girls_2024": "children.looked_after_vawg",
        "children.looked_after_other_girls_2024": "children.looked_after_other",
        "children.vawg_girls_white_2024": "children.vawg_girls_white_share",
        "children.vawg_girls_asian_2024": "children.vawg_girls_asian_share",
        "children.vawg_girls_mixed_2024": "children.vawg_girls_mixed_share",
        "children.vawg_girls_religion_unknown_2024": "children.vawg_girls_religion_unknown_share",
        "children.vawg_girls_muslim_2024": "children.vawg_girls_muslim_share",
        "children.vawg_female_share_2024": "children.vawg_female_share",
        "children.vawg_aged_15_19_share_2024": "children.vawg_aged_15_19_share",
    })
    return {target: float(values[key][0]) for target, key in keys.items() if key in values}


@pytest.mark.slow
def test_the_analysis_reproduces_the_seed_figures_from_the_default_data(full_scale_staged):
    from vawg.foundations.paths import project_root

    targets = pd.read_csv(project_root() / "data" / "calibration" / "targets.csv").set_index("target")
    targets = targets[targets.index.str.startswith("children.")]
    analysed = analysed_targets(full_scale_staged)
    assert set(targets.index) <= set(analysed), sorted(set(targets.index) - set(analysed))
    misses = [f"{target}: {analysed[target]:.3f}, seed {row['value']} ± {row['tolerance']}"
              for target, row in targets.iterrows()
              if abs(analysed[target] - row["value"]) > row["tolerance"] + 1e-9]
    assert not misses, "\n".join(misses)


# -- child-in-need visits, strategy discussions and plans: VAWG workflows against the rest ---------------------

@pytest.fixture
def seventy_workflows(tmp_path):
    """30 VAWG workflows (V0-V29) and 40 others (O0-O39), one child each, every count planted:

    child-in-need visit: VAWG 20 of 30, others 10 of 40; strategy discussion: VAWG 3 of 30 (too few to publish),
    others 9 of 40; child-in-need plan: VAWG 12 of 30, others 8 of 40. V0 also has a MASH form with no visit
    recorded: a workflow has a visit if any of its forms records one.
    """
    rows = []
    for n in range(30):
        row = form("cssw_assessment", f"V{n}", f"PV{n}", "Female", [DA])
        rows.append({**row, "cin_visit": n < 20, "strategy_discussion": n < 3, "cin_plan": n < 12})
    rows.append(form("mash_contact", "V0", "PV0", "Female", [DA]))
    for n in range(40):
        row = form("cssw_assessment", f"O{n}", f"PO{n}", "Male", ["Gangs"])
        rows.append({**row, "cin_visit": n < 10, "strategy_discussion": n < 9, "cin_plan": n < 8})
    return stage_forms(tmp_path, rows)


def test_social_work_odds_ratios_match_woolf_and_the_wald_test(seventy_workflows):
    analysis = analyse(seventy_workflows, threshold=7)
    for name, (a, b, c, d) in (("cin_visit", (20, 10, 10, 30)), ("cin_plan", (12, 18, 8, 32))):
        frame, ratio = analysis.social_work(name)
        assert (frame.loc["vawg", "yes"], frame.loc["vawg", "total"]) == (a, a + b)
        assert (frame.loc["other", "yes"], frame.loc["other", "total"]) == (c, c + d)
        half = norm.ppf(0.975) * math.sqrt(1 / a + 1 / b + 1 / c + 1 / d)
        assert ratio.estimate == pytest.approx(a * d / (b * c))
        assert ratio.lower == pytest.approx(a * d / (b * c) / math.exp(half))
        assert ratio.upper == pytest.approx(a * d / (b * c) * math.exp(half))
        assert ratio.p_value == pytest.approx(log_odds_ratio_p([[a, b], [c, d]]))
    values = children.prose_values(analysis)
    assert values["children.cin_visit_vawg"][0] == pytest.approx(20 / 30 * 100)
    assert values["children.cin_visit_other"][0] == pytest.approx(10 / 40 * 100)
    p = log_odds_ratio_p([[20, 10], [10, 30]])
    sentence = values["children.cin_visit_odds_sentence"][0]
    assert "significantly higher odds of a child-in-need visit" in sentence and f"{20 * 30 / 100:.2f}" in sentence
    assert ("p < 0.001" if p < 0.001 else f"p = {p:.3f}") in sentence


def test_a_social_work_comparison_resting_on_a_small_count_is_withheld(seventy_workflows, tmp_path):
    analysis = analyse(seventy_workflows, threshold=7)
    writer = ArtifactWriter(tmp_path / "artifacts", 7)
    writer.values(children.prose_values(analysis))
    values = json.loads((tmp_path / "artifacts" / "values.json").read_text())
    # 3 VAWG workflows had a strategy discussion: the share and the odds ratio are not published.
    assert values["children.strategy_discussion_vawg"]["text"] == "[c]"
    assert values["children.strategy_discussion_other"]["text"] == "22.5%"
    sentence = values["children.strategy_discussion_odds_sentence"]["text"]
    assert sentence.startswith("Too few workflows") and "odds ratio" not in sentence
