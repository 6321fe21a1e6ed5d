"""Chapter 3 service sections: adult social care safeguarding, Victim Support and the Domestic Abuse Navigators.

Numbers are checked against calculations written out here on small, purpose-built tables;
the slow test checks the default synthetic data reproduce the reference edition's figures.
"""

from __future__ import annotations

import math
import shutil

import pandas as pd
import pytest
from statsmodels.stats.multitest import multipletests
from by_hand import log_odds_ratio_p
from scipy.stats import norm

from vawg.writing.artifacts import ArtifactWriter, format_frame, read_values
from vawg.intake.contracts.da_navigators import load_navigator_figures
from vawg.analysis.demand import adult_safeguarding as asc
from vawg.analysis.demand import da_navigators as navigators
from vawg.analysis.demand import victim_support as vs
from vawg.foundations.errors import DataError
from vawg.foundations.paths import project_root
from vawg.foundations.suppression import count_text
from vawg.foundations.reference import reference_path
from vawg.writing.artifacts import read_download

CAMDEN, ISLINGTON, HACKNEY = "E09000007", "E09000019", "E09000012"
THRESHOLD = 7


# -- adult social care safeguarding ----------------------------------------------------------------

def _case(number: int, year: int, types: list[str], *, sex: str = "Female", need: str = "Physical support",
          known: str = "Not recorded", location: str = "Not recorded", outcome: str = "No further action",
          reason: str | None = "Signposted to alternative service") -> dict:
    return {"case_id": f"C{number}", "person_id": f"P{number}", "concern_date": pd.Timestamp(f"{year}-06-15"),
            "sex": sex, "age": 70, "primary_support_need": need, "abuse_types": types,
            "referrer_agency": "Emergency services", "perpetrator_known": known,
            "perpetrator_relationship": "Relative or family carer" if known == "Yes" else None,
            "location_of_abuse": location, "stage_reached": "Concern", "outcome": outcome,
            "nfa_reason": reason if outcome == "No further action" else None}


def _write_cases(folder, rows: list[dict]):
    folder.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(rows).to_parquet(folder / "asc_safeguarding.parquet")
    return folder


@pytest.fixture
def learning_disability_cases(tmp_path):
    """2024: 50 VAWG cases (30 with learning disability), 50 other cases (10), plus men's and 2023 cases to ignore."""
    rows, n = [], 0
    for vawg, with_ld, count in ((True, True, 30), (True, False, 20), (False, True, 10), (False, False, 40)):
        for _ in range(count):
            n += 1
            rows.append(_case(n, 2024, ["Domestic Abuse"] if vawg else ["Self-Neglect"],
                              need="Learning disability support" if with_ld else "Physical support"))
    for _ in range(15):  # men's cases and an earlier year's: not in the 2024 comparison
        n += 1
        rows.append(_case(n, 2024, ["Domestic Abuse"], sex="Male", need="Learning disability support"))
    for _ in range(40):
        n += 1
        rows.append(_case(n, 2023, ["Financial And Material"] if n % 2 else ["Self-Neglect"]))
    return _write_cases(tmp_path / "staged", rows)


def _asc(folder) -> asc.AdultSafeguarding:
    return asc.AdultSafeguarding.compute(folder, borough="Camden", period_end="2024-12-31", threshold=THRESHOLD)


def test_women_vawg_cases_and_shares_match_a_count_by_hand(learning_disability_cases):
    analysis = _asc(learning_disability_cases)
    yearly = analysis.yearly().set_index("year")
    assert yearly.loc[2024, "cases"] == 100 and yearly.loc[2024, "vawg_cases"] == 50
    assert yearly.loc[2023, "vawg_cases"] == 20  # Financial And Material is economic abuse (Appendix 6h)
    assert analysis.type_share("dva", 2024) == pytest.approx(50.0)
    assert analysis.type_share("economic", 2023) == pytest.approx(50.0)
    values = asc.prose_values(analysis)
    assert values["asc.vawg_share_mean"][0] == pytest.approx((50 + 50) / 2)


def test_learning_disability_odds_ratio_and_wald_test_match_statsmodels_on_the_hand_built_table(learning_disability_cases):
    row = _asc(learning_disability_cases).comparison().set_index("key").loc["learning_disability"]
    table = [[30, 20], [10, 40]]
    odds = (30 * 40) / (20 * 10)
    half_width = norm.ppf(0.975) * math.sqrt(1 / 30 + 1 / 20 + 1 / 10 + 1 / 40)
    assert row["odds_ratio"] == pytest.approx(odds)
    assert row["lower"] == pytest.approx(odds * math.exp(-half_width), rel=1e-6)
    assert row["upper"] == pytest.approx(odds * math.exp(half_width), rel=1e-6)
    assert row["p_unadjusted"] == pytest.approx(log_odds_ratio_p(table))
    # One family of tests (VAWG against other cases on every measure): Holm-adjusted, as statsmodels does it.
    family = _asc(learning_disability_cases).comparison()
    adjusted = multipletests(family["p_unadjusted"], method="holm")[1]
    assert row["p"] == pytest.approx(adjusted[list(family["key"]).index("learning_disability")])
    assert row["vawg_share"] == pytest.approx(60.0) and row["other_share"] == pytest.approx(20.0)
    verdict = asc.prose_values(_asc(learning_disability_cases))["asc.learning_disability_verdict"][0]
    assert "significantly more likely" in verdict and "6.00" in verdict


@pytest.fixture
def few_coercive_control_cases(tmp_path):
    """2024: 40 domestic abuse cases and a planted 3 with coercion and control; 30 other cases."""
    rows = [_case(i, 2024, ["Domestic Abuse"]) for i in range(40)]
    rows += [_case(100 + i, 2024, ["Coercion And Control"]) for i in range(3)]
    rows += [_case(200 + i, 2024, ["Self-Neglect"], known="Yes") for i in range(30)]
    return _write_cases(tmp_path / "staged", rows)


def test_a_planted_small_abuse_type_is_suppressed_in_table_chart_and_data(few_coercive_control_cases, tmp_path):
    analysis = _asc(few_coercive_control_cases)
    table = asc.table_asc_abuse_types(analysis)
    shown = format_frame(table.data, table.columns, THRESHOLD).set_index("Abuse type")
    assert shown.loc["Controlling or coercive behaviour", "Cases in 2024"] == "<7"
    assert shown.loc["Controlling or coercive behaviour", "2024"] == "[c]"
    assert shown.loc["Domestic abuse", "2024"] == f"{40 / 73 * 100:.1f}%"
    writer = ArtifactWriter(tmp_path / "artifacts", THRESHOLD)
    writer.figure(asc.figure_asc_abuse_types(analysis))
    data = read_download(tmp_path / "artifacts" / "data" / "fig-asc-abuse-types.csv")
    ccb = data[data["Abuse type"] == "Controlling or coercive behaviour"]
    assert ccb["Cases with this abuse type"].tolist() == ["<7"] and ccb["% of women's cases"].tolist() == ["[c]"]
    assert "3" not in set(data["Cases with this abuse type"])


def test_a_share_whose_rest_is_small_is_hidden_with_its_count(few_coercive_control_cases):
    # All 30 other cases have a known perpetrator (nothing left to reveal), no VAWG case has (0 is published);
    # 27 of 30 would reveal the 3 left, so that count is hidden too.
    row = _asc(few_coercive_control_cases).comparison().set_index("key").loc["perpetrator_known"]
    assert row["vawg_text"] == "0" and row["other_text"] == "30"
    assert count_text(27, THRESHOLD, basis=3) == "[c]" and count_text(3, THRESHOLD, basis=3) == "<7"


# -- Victim Support ----------------------------------------------------------------------------------

def _vs_rows(quarter: str, borough: str, total: int, parts: dict[tuple[str, str], int], supported: int) -> list:
    rows = [(quarter, borough, "referrals", "total", "All", total),
            (quarter, borough, "cases_supported", "total", "All", supported)]
    for (dimension, category), count in parts.items():
        rows.append((quarter, borough, "referrals", dimension, category, count))
        rows.append((quarter, borough, "referrals", dimension, "Not disclosed", total - count))
    return rows


@pytest.fixture
def victim_support_quarters(tmp_path):
    """Camden and two other boroughs; Q1 2024/25 compared, with a planted 3 lesbian referrals in Camden."""
    camden = {("referral_source", "Police"): 70, ("crime_category", "Violence without injury"): 50,
              ("ethnicity", "Other"): 9, ("religion", "Muslim"): 8, ("sexual_orientation", "Lesbian"): 3}
    other = {("referral_source", "Police"): 60, ("crime_category", "Violence without injury"): 30,
             ("ethnicity", "Other"): 5, ("religion", "Muslim"): 4, ("sexual_orientation", "Lesbian"): 1}
    rows = _vs_rows("2024-04-01", CAMDEN, 100, camden, 25)
    rows += _vs_rows("2024-04-01", ISLINGTON, 100, other, 20) + _vs_rows("2024-04-01", HACKNEY, 100, other, 20)
    for quarter in ("2024-01-01", "2024-07-01", "2024-10-01"):
        rows += _vs_rows(quarter, CAMDEN, 50, {("referral_source", "Police"): 40, ("sex", "Female"): 30}, 10)
    rows += _vs_rows("2025-01-01", CAMDEN, 999, {}, 1)  # after the period end: left out
    frame = pd.DataFrame(rows, columns=["quarter_start", "borough_code", "measure", "dimension", "category", "count"])
    frame["quarter_start"] = pd.to_datetime(frame["quarter_start"])
    folder = tmp_path / "staged"
    folder.mkdir()
    frame.to_parquet(folder / "victim_support.parquet")
    return folder


def _vs(folder) -> vs.VictimSupport:
    return vs.VictimSupport.compute(folder, borough="Camden", period_end="2024-12-31", threshold=THRESHOLD)


def _pooled_z_p(x1, n1, x2, n2) -> float:
    pooled = (x1 + x2) / (n1 + n2)
    z = (x1 / n1 - x2 / n2) / math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    return 2 * norm.sf(abs(z))


def test_first_quarter_shares_and_tests_match_a_pooled_z_test_by_hand(victim_support_quarters):
    table = _vs(victim_support_quarters).comparison().set_index("key")
    police = table.loc["police"]
    assert police["share"] == pytest.approx(70.0) and police["rest_share"] == pytest.approx(60.0)
    assert police["p_unadjusted"] == pytest.approx(_pooled_z_p(70, 100, 120, 200))
    assert table.loc["muslim", "p_unadjusted"] == pytest.approx(_pooled_z_p(8, 100, 8, 200))
    tested = table["p_unadjusted"].dropna()
    adjusted = dict(zip(tested.index, multipletests(tested, method="holm")[1]))
    assert police["p"] == pytest.approx(adjusted["police"])  # the comparisons are one family (Holm)


def test_the_report_year_adds_the_quarters_of_that_year_only(victim_support_quarters):
    values = vs.prose_values(_vs(victim_support_quarters))
    assert values["victim_support.year_referrals"][0] == 100 + 3 * 50
    assert values["victim_support.year_police_share"][0] == pytest.approx((70 + 3 * 40) / 250 * 100)
    assert values["victim_support.year_quarters"][0] == "the whole of 2024"
    assert values["victim_support.q1_cases_supported"][0] == 25


def test_a_planted_small_category_is_suppressed_in_the_table_and_the_prose(victim_support_quarters, tmp_path):
    analysis = _vs(victim_support_quarters)
    writer = ArtifactWriter(tmp_path / "artifacts", THRESHOLD)
    writer.table(vs.table_victim_support_comparison(analysis))
    writer.values(vs.prose_values(analysis))
    shown = read_download(tmp_path / "artifacts" / "data" / "tbl-victim-support-comparison.csv")
    lesbian = shown[shown["Referrals"] == "Sexual orientation: lesbian"].iloc[0]
    assert lesbian["Camden"] == "<7" and lesbian["% of Camden's referrals"] == "[c]"
    assert lesbian["p-value (two-proportion z-test, Holm-adjusted)"] == "[c]"
    # The rest of London's 2 of 200 is small too: its share is hidden as well.
    assert lesbian["% of the rest of London's"] == "[c]"
    values = read_values(tmp_path / "artifacts")
    assert values["victim_support.q1_lesbian_share"]["text"] == "[c]"
    sentence = values["victim_support.comparison_sentence"]["text"]
    assert sentence.endswith("Lesbian people: too few referrals in Camden or the rest of London to publish the "
                             "comparison.")
    assert "3" not in sentence


# -- Domestic Abuse Navigators -------------------------------------------------------------------------

def test_the_annual_report_figures_are_quoted_with_small_numbers_suppressed(tmp_path):
    path = tmp_path / "report.csv"
    table = pd.read_csv(reference_path("da_navigators_annual_report.csv"), dtype=str, keep_default_na=False)
    table.loc[table["figure"] == "marac_perpetrators", "value"] = "4"  # a planted small count
    table.to_csv(path, index=False)
    writer = ArtifactWriter(tmp_path / "artifacts", THRESHOLD)
    writer.values(navigators.prose_values(navigators.NavigatorReport.load(threshold=THRESHOLD, path=path)))
    values = read_values(tmp_path / "artifacts")
    assert values["navigators.marac_perpetrators"]["text"] == "<7"
    assert values["navigators.survivors_supported"]["text"] == "20"
    assert values["navigators.meetings_attended"]["text"] == "282"
    # 70% of 20 survivors leaves 6 not referred: the share would reveal them.
    assert values["navigators.referred_to_marac_share"]["text"] == "[c]"
    assert values["navigators.black_asian_or_traveller_share"]["text"] == "50%"
    assert values["navigators.period"]["text"] == "2023/24"


@pytest.mark.parametrize("column, bad, message", [
    ("value", "-3", "greater than or equal to 0"),
    ("value", "140", "cannot be above 100"),
    ("period", "2023", "should match pattern"),
])
def test_a_bad_navigators_row_is_rejected_naming_file_row_and_column(tmp_path, column, bad, message):
    path = tmp_path / "da_navigators_annual_report.csv"
    shutil.copy(reference_path("da_navigators_annual_report.csv"), path)
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    row = table.index[table["figure"] == "meeting_attendance_rate"][0]
    table.loc[row, column] = bad
    table.to_csv(path, index=False)
    with pytest.raises(DataError) as error:
        load_navigator_figures(path)
    text = str(error.value)
    assert str(path) in text and f"row {row + 1} " in text and f"column '{column}'" in text and message in text


def test_the_shipped_navigators_report_is_valid():
    figures = load_navigator_figures()
    assert figures.set_index("figure").loc["survivors_supported", "value"] == 20


# -- calibration: the default data reproduce the seed's figures through the analysis ------------------

def analysed_targets(folder) -> dict[str, float]:
    """The ``asc.*`` and ``victim_support.*`` calibration targets as the build's analysis computes them."""
    a = _asc(folder)
    compared = a.comparison().set_index("key")
    yearly = a.yearly().set_index("year")
    vawg = a.vawg
    nfa = vawg[vawg["outcome"] == asc.NO_FURTHER_ACTION]
    targets = {
        "asc.female_cases_2024": yearly.loc[2024, "cases"],
        "asc.vawg_cases_2024": yearly.loc[2024, "vawg_cases"],
        "asc.vawg_share_mean_2019_2024": yearly.loc[2019:2024, "vawg_share"].mean(),
        "asc.vawg_learning_disability_2024": compared.loc["learning_disability", "vawg_n"],
        "asc.other_learning_disability_2024": compared.loc["learning_disability", "other_n"],
        "asc.vawg_perpetrator_known_share_2024": compared.loc["perpetrator_known", "vawg_share"],
        "asc.vawg_perpetrator_not_recorded_share_2024": compared.loc["perpetrator_not_recorded", "vawg_share"],
        "asc.vawg_in_home_share_2024": compared.loc["own_home", "vawg_share"],
        "asc.vawg_no_further_action_share_2024": compared.loc["no_further_action", "vawg_share"],
        "asc.vawg_enquiry_share_2024": compared.loc["enquiry", "vawg_share"],
        "asc.vawg_signposted_share_2024": a.share_of(nfa, nfa["nfa_reason"] == asc.SIGNPOSTED)[0],
        "asc.vawg_screened_out_share_2024": a.share_of(nfa, nfa["nfa_reason"] == asc.SCREENED_OUT)[0],
    }
    for key, flag, year in (("dva", "dva", 2024), ("economic", "economic", 2024),
                            ("violent", "violent_threatening", 2024), ("physical_sexual", "physical_sexual", 2024),
                            ("psychological", "psychological", 2024), ("physical_sexual", "physical_sexual", 2022),
                            ("violent", "violent_threatening", 2020), ("economic", "economic", 2021),
                            ("psychological", "psychological", 2020)):
        targets[f"asc.{key}_share_{year}"] = a.type_share(flag, year)
    support = _vs(folder)
    values = vs.prose_values(support)
    targets["victim_support.q1_referrals_2024"] = values["victim_support.q1_referrals"][0]
    targets["victim_support.q1_cases_supported_2024"] = values["victim_support.q1_cases_supported"][0]
    for row in support.comparison().itertuples():
        targets[f"victim_support.q1_{row.key}_share_2024"] = row.share
        targets[f"victim_support.q1_rest_{row.key}_share_2024"] = row.rest_share
    return targets


@pytest.mark.slow
def test_the_analysis_reproduces_the_seed_figures_from_the_default_data(full_scale_staged):
    targets = pd.read_csv(project_root() / "data" / "calibration" / "targets.csv").set_index("target")
    ours = analysed_targets(full_scale_staged)
    expected = {t for t in targets.index if t.startswith(("asc.", "victim_support."))}
    assert expected - set(ours) == {"asc.vawg_aged_60_plus_share_2024"}  # drawn in "Who the victims are"
    misses = [f"{target}: {value:.3f}, seed {targets.loc[target, 'value']} ± {targets.loc[target, 'tolerance']}"
              for target, value in ours.items()
              if abs(value - targets.loc[target, "value"]) > targets.loc[target, "tolerance"] + 1e-9]
    assert not misses, "\n".join(misses)
