"""Service-user profiles (seed Figures 15, 17 and 19) and the Safety Net's odds tables, against independent sums.

Every expected number here is worked out by hand or with plain pandas/scipy from
small, purpose-built staged tables; the analysis is vawg.analysis.people.service_profiles
and vawg.analysis.people.csn_odds.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from by_hand import holm, log_odds_ratio_p
from scipy.stats import binomtest, chi2, norm

from vawg.writing.artifacts import ArtifactWriter
from vawg.foundations.paths import project_root
from vawg.analysis.people import csn_odds, service_profiles
from vawg.analysis.people.service_profiles import ServiceProfiles

from vawg.writing.artifacts import read_download

CAMDEN = "E09000007"
POPULATION_BANDS = [f"{start}-{start + 4}" for start in range(0, 90, 5)] + ["90+"]
CSN_ORDER = ["15-17", "18-24", "25-29", "30-34", "35-39", "40-44", "45-49", "50-54", "55-59", "60+"]
# 500 female residents in every five-year band, spread evenly over its years: 100 a year (90+ over 90 to 99: 50).
FEMALE_CSN = {"15-17": 300, "18-24": 700, "60+": 3500, **{band: 500 for band in CSN_ORDER[2:9]}}
# And 400 male residents a band under 60, 300 from 60 (so a comparator of one sex would give other shares):
# the referrals, of every gender, are set against residents of both sexes.
MALE_CSN = {"15-17": 240, "18-24": 560, "60+": 2100, **{band: 400 for band in CSN_ORDER[2:9]}}
ALL_CSN = {band: FEMALE_CSN[band] + MALE_CSN[band] for band in CSN_ORDER}
ASC_ORDER = ["18-29", "30-39", "40-49", "50-59", "60-69", "70-79", "80-89", "90+"]
FEMALE_ASC = {"18-29": 1200, "90+": 500, **{band: 1000 for band in ASC_ORDER[1:7]}}
# Census residents by broad group (codes of TS021's 20 categories: Asian 1-5, Black 6-8, Mixed 9-12, White 13-17, Other 18-19).
CENSUS = {"Asian": (1, 2000), "Black": (6, 1000), "Mixed": (9, 500), "White": (13, 6000), "Other": (18, 500)}


def _ages(counts: dict[str, int]) -> list[int | None]:
    return [int(band.rstrip("+").split("-")[0]) + i % 3 for band, count in counts.items() for i in range(count)]


def _stage(folder, referrals: pd.DataFrame, cases: pd.DataFrame | None = None, *, census: bool = True):
    """A staged folder: Safety Net referrals (2024 plus one of 2023 that must be left out), population, Census."""
    folder.mkdir(parents=True, exist_ok=True)
    n = len(referrals)
    defaults = {"referral_date": pd.Timestamp("2024-04-01"), "gender": "Woman", "ethnicity": "White",
                "referral_source": "Police", "risk_assessment_completed": False, "outcome": "Declined services"}
    for column, value in defaults.items():
        if column not in referrals:
            referrals[column] = [value] * n
    if "abuse_types" not in referrals:
        referrals["abuse_types"] = [["DVA", "DVA - Intimate partner violence"]] * n
    stray = referrals.iloc[[0]].assign(referral_date=pd.Timestamp("2023-06-01"), age=30)
    frame = pd.concat([referrals, stray], ignore_index=True)
    frame["age"] = pd.array(frame["age"], dtype="Int64")
    frame.insert(0, "workflow_id", [f"W{i:05d}" for i in range(len(frame))])
    frame.to_parquet(folder / "csn_workflows.parquet", index=False)
    rows = [{"area_code": CAMDEN, "area_name": "Camden", "year": 2023, "sex": sex, "age_band": band,
             "population": 500 if sex == "F" else 300 if int(band.rstrip("+").split("-")[0]) >= 60 else 400}
            for sex in ("F", "M") for band in POPULATION_BANDS]
    pd.DataFrame(rows).to_parquet(folder / "population.parquet", index=False)
    if census:
        pd.DataFrame([{"area_code": CAMDEN, "area_name": "Camden", "ethnic_group_code": code, "ethnic_group": group,
                       "residents": residents} for group, (code, residents) in CENSUS.items()]
                     ).to_parquet(folder / "reference_census_ethnic_group_lad.parquet", index=False)
    if cases is not None:
        cases.to_parquet(folder / "asc_safeguarding.parquet", index=False)
    return folder


def _compute(folder) -> ServiceProfiles:
    return ServiceProfiles.compute(folder, borough="Camden", period_end="2024-12-31", threshold=7)


def test_csn_age_profile_matches_a_chi_square_and_holm_adjusted_binomials_worked_out_by_hand(tmp_path):
    counts = {"15-17": 9, "18-24": 60, "25-29": 50, "30-34": 45, "35-39": 40, "40-44": 30, "45-49": 20,
              "50-54": 12, "55-59": 10, "60+": 8}
    ages = _ages(counts) + [None, 12]  # one age not recorded and one younger than the service's bands: left out
    analysis = _compute(_stage(tmp_path / "staged", pd.DataFrame({"age": ages})))
    assert len(analysis.referrals) == len(ages)
    assert analysis.csn_residents_bands.to_dict() == pytest.approx(ALL_CSN)

    n, population = sum(counts.values()), sum(ALL_CSN.values())
    expected = {band: ALL_CSN[band] / population * n for band in counts}
    statistic = sum((counts[b] - expected[b]) ** 2 / expected[b] for b in counts)
    test = analysis.csn_age().test()
    assert test.statistic == pytest.approx(statistic)
    assert test.dof == len(counts) - 1
    assert test.p_value == pytest.approx(chi2.sf(statistic, len(counts) - 1))
    table = analysis.csn_age().table().set_index("group")
    raw = [binomtest(counts[b], n, ALL_CSN[b] / population).pvalue for b in counts]
    assert list(table["p_value"]) == pytest.approx(holm(raw), rel=1e-6)
    assert table.loc["18-24", "finding"] == "Over-represented"
    assert table.loc["60+", "finding"] == "Under-represented"
    values = service_profiles.prose_values(analysis)
    assert values["profiles.csn_aged_60_plus_share"][0] == pytest.approx(8 / n * 100)
    assert values["profiles.csn_residents_60_plus_share"][0] == pytest.approx(ALL_CSN["60+"] / population * 100)
    # scipy's chi-square on the same counts and the matching population (residents of both sexes).
    from scipy.stats import chisquare
    scipy_test = chisquare([counts[b] for b in counts], [expected[b] for b in counts])
    assert test.statistic == pytest.approx(scipy_test.statistic) and test.p_value == pytest.approx(scipy_test.pvalue)
    # A small number of referrals without a recorded age (two) would be revealed by total minus recorded.
    assert values["profiles.csn_age_recorded"][0] == "[c]"
    assert "referrals aged 18-24" in values["profiles.csn_age_groups_sentence"][0]


def test_a_small_age_band_is_hidden_with_the_next_smallest_in_the_figure_and_the_odds_table(tmp_path):
    counts = {"15-17": 3, "18-24": 60, "25-29": 50, "30-34": 45, "35-39": 40, "40-44": 30, "45-49": 20,
              "50-54": 12, "55-59": 10, "60+": 8}
    referrals = pd.DataFrame({"age": _ages(counts)})
    referrals["referral_source"] = ["Self-referral" if i % 2 else "Police" for i in range(len(referrals))]
    analysis = _compute(_stage(tmp_path / "staged", referrals))
    writer = ArtifactWriter(tmp_path / "artifacts", 7)
    writer.figure(service_profiles.figure_csn_age_profile(analysis))
    writer.table(csn_odds.table_csn_age_odds(analysis))
    figure = read_download(tmp_path / "artifacts" / "data" / "fig-csn-age-profile.csv").set_index("Age band")
    assert figure.loc["15-17", "Referrals"] == "<7"
    assert figure.loc["60+", "Referrals"] == "[c]"  # the next smallest: the total is published
    assert set(figure.loc["60+", ["% of referrals", "Finding"]]) == {"[c]"}
    assert figure.loc["55-59", "Referrals"] == "10"
    odds = read_download(tmp_path / "artifacts" / "data" / "tbl-csn-age-odds.csv")
    for band in ("15-17", "60+"):
        rows = odds[odds["Age band"] == band]
        assert set(rows["Odds ratio"]) == {"[c]"} and set(rows["95% CI"]) == {"[c]"}
        assert set(rows["Referrals with it"]) <= {"<7", "[c]"}
    # No published cell anywhere is a count from 1 to 6.
    for frame in (figure.reset_index(), odds):
        for cell in frame.to_numpy().ravel():
            assert not (isinstance(cell, str) and cell.isdigit() and 1 <= int(cell) <= 6), cell


def test_odds_ratio_interval_and_p_values_match_woolf_and_the_wald_test(tmp_path):
    # 18-24: 30 of 50 self-referred; every other band 20 of 100 (hand-built two-by-two table [[30, 20], [20, 80]]).
    bands = {"18-24": (50, 30), "30-34": (50, 10), "40-44": (50, 10)}
    ages, sources = [], []
    for band, (size, selves) in bands.items():
        start = int(band.split("-")[0])
        ages += [start] * size
        sources += ["Self-referral"] * selves + ["Police"] * (size - selves)
    analysis = _compute(_stage(tmp_path / "staged", pd.DataFrame({"age": ages, "referral_source": sources})))
    odds = csn_odds.age_odds(analysis)
    row = odds[(odds["characteristic"] == "self_referral") & (odds["group"] == "18-24")].iloc[0]
    a, b, c, d = 30, 20, 20, 80
    ratio = a * d / (b * c)
    half_width = norm.ppf(0.975) * math.sqrt(1 / a + 1 / b + 1 / c + 1 / d)
    assert row["odds_ratio"] == pytest.approx(ratio)
    assert (row["lower"], row["upper"]) == pytest.approx((math.exp(math.log(ratio) - half_width),
                                                          math.exp(math.log(ratio) + half_width)))
    assert row["p_value"] == pytest.approx(log_odds_ratio_p([[a, b], [c, d]]))
    # Holm over the bands compared for self-referral (the empty bands are not tested).
    tested = odds[(odds["characteristic"] == "self_referral") & odds["p_value"].notna()]
    others = {band: (sum(s for k, (n, s) in bands.items() if k != band),
                     sum(n - s for k, (n, s) in bands.items() if k != band)) for band in bands}
    raw = [log_odds_ratio_p([[bands[g][1], bands[g][0] - bands[g][1]], list(others[g])]) for g in tested["group"]]
    assert list(tested["adjusted_p"]) == pytest.approx(holm(raw))
    assert row["finding"] == "Higher odds"
    # The prose names this finding, and only significant ones.
    sentence = csn_odds.prose_values(analysis)["profiles.csn_age_odds_sentence"][0]
    assert "referrals aged 18-24 had higher odds of having referred themselves (odds ratio 6.00" in sentence
    significant = odds[odds["significant"]]
    assert set(significant["group"]) <= {"18-24", "30-34", "40-44"}
    for other in odds[~odds["significant"]].itertuples():
        assert f"{other.phrase} (odds ratio {other.odds_ratio:.2f}" not in sentence


def test_ethnicity_profile_and_odds_hide_a_planted_small_group(tmp_path):
    groups = {"White": 80, "Black": 60, "Asian": 40, "Mixed": 4, "Other": 20, "Not recorded": 10}
    ethnicity = [group for group, count in groups.items() for _ in range(count)]
    referrals = pd.DataFrame({"age": [30] * len(ethnicity), "ethnicity": ethnicity})
    referrals["outcome"] = ["DVA client" if i % 3 == 0 else "Declined services" for i in range(len(referrals))]
    analysis = _compute(_stage(tmp_path / "staged", referrals))
    known = {g: n for g, n in groups.items() if g != "Not recorded"}
    n, residents = sum(known.values()), sum(r for _, r in CENSUS.values())
    statistic = sum((known[g] - CENSUS[g][1] / residents * n) ** 2 / (CENSUS[g][1] / residents * n) for g in known)
    assert analysis.csn_ethnicity().test().statistic == pytest.approx(statistic)
    values = service_profiles.prose_values(analysis)
    assert values["profiles.csn_white_share_of_all"][0] == pytest.approx(80 / 214 * 100)
    assert values["profiles.csn_white_share"][0] == pytest.approx(80 / 204 * 100)
    writer = ArtifactWriter(tmp_path / "artifacts", 7)
    writer.figure(service_profiles.figure_csn_ethnicity_profile(analysis))
    writer.table(csn_odds.table_csn_ethnicity_odds(analysis))
    figure = read_download(tmp_path / "artifacts" / "data" / "fig-csn-ethnicity-profile.csv")
    figure = figure.set_index("Ethnic group")
    assert figure.loc["Mixed or multiple ethnic groups", "Referrals"] == "<7"
    assert figure.loc["Other ethnic group", "Referrals"] == "[c]"
    odds = read_download(tmp_path / "artifacts" / "data" / "tbl-csn-ethnicity-odds.csv")
    mixed = odds[odds["Ethnic group"] == "Mixed or multiple ethnic groups"]
    assert set(mixed["Odds ratio"]) == {"[c]"} and set(mixed["Referrals with it"]) <= {"<7", "[c]"}
    assert "Mixed" not in csn_odds.prose_values(analysis)["profiles.csn_ethnicity_odds_sentence"][0]


def _cases(rows: list[tuple[str, int | None, list[str], str]]) -> pd.DataFrame:
    """Safeguarding cases from (sex, age, abuse types, concern date)."""
    return pd.DataFrame({"case_id": [f"C{i:05d}" for i in range(len(rows))],
                         "sex": [r[0] for r in rows], "age": pd.array([r[1] for r in rows], dtype="Int64"),
                         "abuse_types": [r[2] for r in rows],
                         "concern_date": pd.to_datetime([r[3] for r in rows])})


def test_asc_age_profile_counts_only_women_s_vawg_cases_of_the_year(tmp_path):
    ages = {"18-29": 10, "30-39": 12, "40-49": 14, "50-59": 14, "60-69": 16, "70-79": 18, "80-89": 20, "90+": 8}
    rows = [("Female", int(band[:2]) + i % 5, ["Domestic Abuse", "Self-Neglect"], "2024-05-01")
            for band, count in ages.items() for i in range(count)]
    rows += [("Male", 70, ["Domestic Abuse"], "2024-05-01"),          # a man
             ("Female", 40, ["Self-Neglect"], "2024-05-01"),          # not a VAWG abuse type
             ("Female", 80, ["Physical Abuse"], "2023-05-01")]        # another year
    analysis = _compute(_stage(tmp_path / "staged", pd.DataFrame({"age": [30] * 20}), _cases(rows)))
    assert len(analysis.cases) == sum(ages.values())
    assert analysis.female_asc_bands.to_dict() == pytest.approx(FEMALE_ASC)
    n, population = sum(ages.values()), sum(FEMALE_ASC.values())
    statistic = sum((ages[b] - FEMALE_ASC[b] / population * n) ** 2 / (FEMALE_ASC[b] / population * n) for b in ages)
    assert analysis.asc_age().test().statistic == pytest.approx(statistic)
    values = service_profiles.prose_values(analysis)
    older = sum(v for b, v in ages.items() if int(b[:2]) >= 60)
    assert values["profiles.asc_aged_60_plus_share"][0] == pytest.approx(older / n * 100)
    assert values["profiles.asc_residents_60_plus_share"][0] == pytest.approx(
        sum(v for b, v in FEMALE_ASC.items() if int(b[:2]) >= 60) / population * 100)
    figure = service_profiles.figure_asc_age_profile(analysis)
    assert figure.id == "fig-asc-age-profile" and "18 and over" in figure.alt


def test_each_service_profile_is_set_against_residents_of_its_own_sex_and_names_them(tmp_path):
    from vawg.analysis.people.group_profile import SEXES

    ages = {"18-29": 10, "30-39": 12, "40-49": 14, "50-59": 14, "60-69": 16, "70-79": 18, "80-89": 20, "90+": 8}
    rows = [("Female", int(band[:2]) + i % 5, ["Domestic Abuse"], "2024-05-01")
            for band, count in ages.items() for i in range(count)]
    genders = ["Woman"] * 40 + ["Man"] * 10
    referrals = pd.DataFrame({"age": [30] * 50, "gender": genders})
    analysis = _compute(_stage(tmp_path / "staged", referrals, _cases(rows)))
    profiles = {"fig-csn-age-profile": (analysis.csn_age(), service_profiles.figure_csn_age_profile(analysis)),
                "fig-csn-ethnicity-profile": (analysis.csn_ethnicity(),
                                              service_profiles.figure_csn_ethnicity_profile(analysis)),
                "fig-asc-age-profile": (analysis.asc_age(), service_profiles.figure_asc_age_profile(analysis))}
    # Referrals of every gender (here men too): residents of both sexes. Women's safeguarding cases: female residents.
    expected_sex = {"fig-csn-age-profile": None, "fig-csn-ethnicity-profile": None, "fig-asc-age-profile": "F"}
    for figure_id, (profile, figure) in profiles.items():
        assert profile.group_sex == expected_sex[figure_id], figure_id
        assert profile.comparator.sex == profile.group_sex, figure_id
        label = profile.comparator.label
        assert label.startswith(f"{SEXES[profile.group_sex]} residents"), (figure_id, label)
        # The chart, its caption or description and the alt text name the comparator.
        assert label in figure.alt and (label in figure.caption or label in figure.description), figure_id
    assert profiles["fig-csn-age-profile"][0].comparator.label == "all residents aged 15 and over"
    assert profiles["fig-asc-age-profile"][0].comparator.label == "female residents aged 18 and over"
    # A profile refuses a comparator of another sex, and a comparator must say whose it is.
    from vawg.analysis.people.group_profile import Comparator, GroupProfile
    counts = pd.Series({"a": 10, "b": 20})
    with pytest.raises(ValueError, match="cannot be compared"):
        GroupProfile(counts, counts, 7, group_sex="F", comparator=Comparator("all residents", None, "x"))
    with pytest.raises(ValueError, match="cannot be compared"):
        GroupProfile(counts, counts, 7, group_sex=None, comparator=Comparator("female residents", "F", "x"))
    with pytest.raises(ValueError, match="does not name its sex"):
        Comparator("residents aged 16 and over", "F", "x")
    with pytest.raises(ValueError, match="must name it"):
        GroupProfile(counts, counts, 7)


def test_without_the_safeguarding_extract_the_prose_says_so(tmp_path):
    analysis = _compute(_stage(tmp_path / "staged", pd.DataFrame({"age": [30] * 20})))
    values = service_profiles.prose_values(analysis)
    assert "not delivered" in values["profiles.asc_sentence"][0]
    assert np.isnan(analysis.asc_share_aged_over(60))


# -- calibration: the default data reproduce the seed's figures through the analysis itself ----------------

@pytest.mark.slow
def test_service_profiles_reproduce_the_seed_figures_from_the_default_data(full_scale_staged):
    targets = pd.read_csv(project_root() / "data" / "calibration" / "targets.csv").set_index("target")
    analysis = ServiceProfiles.compute(full_scale_staged, borough="Camden", period_end="2024-12-31", threshold=7)
    values = service_profiles.prose_values(analysis)
    analysed = {"csn.white_share_2024": values["profiles.csn_white_share_of_all"][0],
                "asc.vawg_aged_60_plus_share_2024": values["profiles.asc_aged_60_plus_share"][0],
                "csn.referrals_2024": values["profiles.csn_referrals"][0],
                "asc.vawg_cases_2024": values["profiles.asc_vawg_cases"][0]}
    misses = [f"{target}: {value:.3f}, seed {targets.loc[target, 'value']} ± {targets.loc[target, 'tolerance']}"
              for target, value in analysed.items()
              if abs(value - targets.loc[target, "value"]) > targets.loc[target, "tolerance"] + 1e-9]
    assert not misses, "\n".join(misses)
