"""The synthetic police extract, population and wards (vawg.running.synth).

Fast tests use small extracts (scale 0.02 or less). The one slow test builds
the full-scale default extract and recomputes the reference edition's police
figures with plain pandas, independently of the analysis package.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
import yaml

from vawg.foundations.errors import DataError, ParameterError
from vawg.foundations.paths import project_root
from vawg.running.synth import OFFENCE_SCHEMA, generate
from vawg.running.synth.apportion import apportion
from vawg.running.synth.composition import TOTAL, VawgComposer, offence_type_table, solve_counts
from vawg.running.synth.profile import default_profile_path, load_profile, load_reference

SMALL_SCALE = 0.02
CAMDEN = "E09000007"
CITY_OF_LONDON = "E09000001"
REFERENCE = project_root() / "data" / "reference"
OPEN_LOOKUP = project_root() / "data" / "open" / "geo" / "london_wards_2022_lookup.csv"


def read_offences(paths: dict[str, Path], columns: list[str] | None = None) -> pd.DataFrame:
    offences = pd.read_parquet(paths["police_offences"], columns=columns)
    if "recorded_date" in offences:
        offences["recorded_date"] = pd.to_datetime(offences["recorded_date"])
    return offences


def abuse_type_flags(offences: pd.DataFrame) -> pd.DataFrame:
    """One boolean column per abuse type, set as the reference edition's Appendix 6c describes."""
    rules = pd.read_csv(REFERENCE / "abuse_types.csv", keep_default_na=False)
    names = pd.read_csv(REFERENCE / "abuse_type_offences.csv")
    flags = pd.DataFrame(index=offences.index)
    for rule in rules.itertuples():
        if rule.rule == "all_vawg":
            flags[rule.abuse_type] = True
        elif rule.rule == "extract_flag":
            flags[rule.abuse_type] = offences[rule.extract_field]
        elif rule.rule == "offence_name":
            listed = names.loc[names["abuse_type"] == rule.abuse_type, "vawg_offence_name"].str.strip()
            flags[rule.abuse_type] = offences["vawg_offence_name"].isin(set(listed))
    return flags


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> dict[str, Path]:
    return generate(tmp_path_factory.mktemp("synth-small"), scale=SMALL_SCALE)


@pytest.fixture(scope="module")
def small_offences(small) -> pd.DataFrame:
    return read_offences(small)


# -- the extract's contract -----------------------------------------------------------


EXPECTED_OUTPUTS = {
    "police_offences": "police_offences/police_offences.parquet",
    "population": "population/population.csv",
    "wards": "wards.csv",
    "police_victims": "police_victims/police_victims.parquet",
    "police_suspects": "police_suspects/police_suspects.parquet",
    "csn_workflows": "csn/csn_workflows.csv",
    "csn_risk_checklists": "csn/csn_risk_checklists.csv",
    "csn_intake_forms": "csn/csn_intake_forms.csv",
    "marac": "marac/marac_annual.csv",
    "cssw_forms": "cssw/cssw_forms.csv",
    "early_help_forms": "early_help/early_help_forms.csv",
    "asc_safeguarding": "asc_safeguarding/asc_safeguarding_cases.csv",
    "housing_register": "housing/housing_register_applications.csv",
    "homelessness_applications": "housing/homelessness_applications.csv",
    "safety_bus_contacts": "safety_bus/safety_bus_contacts.csv",
    "victim_support": "victim_support/victim_support_quarterly.csv",
    "nhs_fgm": "nhs_fgm/nhs_fgm_annual.csv",
}


def test_writes_every_source_where_documented(small):
    root = small["wards"].parent
    assert {name: path.relative_to(root).as_posix() for name, path in small.items()} == EXPECTED_OUTPUTS
    assert all(path.exists() for path in small.values())


def test_every_synthetic_source_meets_its_contract_without_repairs(small):
    from vawg.intake.staging import validate

    report, tables = validate(small["wards"].parent, period_end=dt.date(2024, 12, 31))
    assert report.ok, [str(p) for p in report.problems[:5]]
    assert report.repairs == []
    assert set(EXPECTED_OUTPUTS) <= set(tables)


def test_offence_columns_and_types_are_exactly_the_contract(small):
    assert pq.read_schema(small["police_offences"]).remove_metadata() == OFFENCE_SCHEMA


def test_offence_ids_are_unique_and_well_formed(small_offences):
    ids = small_offences["offence_id"]
    assert ids.is_unique
    assert ids.str.fullmatch(r"MPS\d{10}").all()


def test_offences_cover_the_period_and_every_police_borough(small_offences):
    dates = small_offences["recorded_date"]
    assert dates.min() >= pd.Timestamp("2019-01-01")
    assert dates.max() <= pd.Timestamp("2024-12-31")
    assert sorted(dates.dt.year.unique()) == list(range(2019, 2025))
    boroughs = pd.read_csv(REFERENCE / "boroughs.csv")
    police = boroughs[boroughs["police_force"] == "Metropolitan Police Service"]
    assert set(small_offences["borough_code"]) == set(police["borough_code"])
    assert CITY_OF_LONDON not in set(small_offences["borough_code"])
    names = dict(zip(boroughs["borough_code"], boroughs["borough_name"], strict=True))
    assert (small_offences["borough_code"].map(names) == small_offences["borough_name"]).all()


def test_every_offence_category_is_in_the_reference_categorisation(small_offences):
    categorisation = pd.read_csv(REFERENCE / "crime_categorisation.csv", keep_default_na=False)
    triples = set(categorisation.itertuples(index=False, name=None))
    pairs = {(group, subgroup) for group, subgroup, _ in triples}
    named = small_offences.dropna(subset=["vawg_offence_name"])
    used_triples = set(named[["crime_group", "crime_subgroup", "vawg_offence_name"]].itertuples(index=False, name=None))
    used_pairs = set(small_offences[["crime_group", "crime_subgroup"]].itertuples(index=False, name=None))
    assert used_triples <= triples
    assert used_pairs <= pairs
    assert len(used_pairs) == len(pairs), "every subgroup should occur somewhere in London over six years"


def test_flags_follow_the_police_rules(small_offences):
    offences = small_offences
    named = offences["vawg_offence_name"].notna()
    assert offences.loc[named, "vawg"].all(), "an offence with a VAWG offence name is a VAWG offence"
    unnamed_vawg = offences["vawg"] & ~named
    assert unnamed_vawg.any()
    assert offences.loc[unnamed_vawg, "dva_flag"].all(), "a VAWG offence without a name is domestic"
    for flag in ("fgm_flag", "forced_marriage_flag", "hbv_flag"):
        assert offences.loc[offences[flag], "vawg"].all(), f"{flag} is only on VAWG offences"
    non_vawg_domestic = offences.loc[~offences["vawg"], "dva_flag"].mean()
    assert 0 < non_vawg_domestic < 0.02, "some non-VAWG offences are domestic, at a modest rate"


def test_wards_belong_to_their_borough_and_are_uneven(small, small_offences):
    wards = pd.read_csv(small["wards"])
    assert list(wards.columns) == ["ward_code", "ward_name", "borough_code"]
    assert set(wards["ward_code"]) <= set(pd.read_csv(OPEN_LOOKUP)["WD22CD"]), "the shipped ONS 2022 wards"
    assert set(wards["borough_code"]) == set(small_offences["borough_code"])
    assert wards.groupby("borough_code").size().between(15, 30).all()
    borough_of_ward = dict(zip(wards["ward_code"], wards["borough_code"], strict=True))
    assert (small_offences["ward_code"].map(borough_of_ward) == small_offences["borough_code"]).all()
    camden = small_offences[small_offences["borough_code"] == CAMDEN]["ward_name"].value_counts()
    assert {"Bloomsbury", "Kentish Town North", "West Hampstead"} <= set(camden.index)
    assert camden.max() > 2 * camden.median(), "some wards are hotspots"


# -- outcomes, victims and suspects ------------------------------------------------------------


POSITIVE = {"Charged/summonsed", "Charged/summonsed - alternative offence", "Caution", "Community resolution",
            "Penalty notice"}


def test_outcomes_and_relationships_are_consistent(small_offences):
    offences = small_offences
    ongoing = offences["outcome_category"] == "Investigation ongoing"
    assert (offences["outcome_known"] == ~ongoing).all()
    no_suspect = offences["outcome_category"] == "Investigation complete - no suspect identified"
    assert offences.loc[no_suspect, "suspect_known_to_victim"].isna().all()
    named = offences["outcome_category"].isin(POSITIVE | {"Victim withdrew support - named suspect identified"})
    assert offences.loc[named, "suspect_known_to_victim"].notna().all(), "a charge or withdrawal needs a suspect"
    assert set(offences["suspect_known_to_victim"].dropna()) == {"Known to victim", "Stranger"}


def test_vawg_outcome_counts_are_planned_from_the_profile(small_offences):
    profile = yaml.safe_load((project_root() / "data" / "synth" / "police_outcomes.yml").read_text())["vawg"]
    year = small_offences["recorded_date"].dt.year
    for (code, _), cell in small_offences[small_offences["vawg"]].groupby(["borough_code", year]):
        with_suspect = cell["suspect_known_to_victim"].notna()
        assert with_suspect.sum() == round(profile["suspect_identified"] * len(cell))
        known = (cell.loc[with_suspect, "suspect_known_to_victim"] == "Known to victim").sum()
        assert known == round(profile["known_to_victim"] * with_suspect.sum())
        final = cell["outcome_known"]
        rate = profile["positive_rate"].get(code, profile["positive_rate"]["default"])
        positives = cell["outcome_category"].isin(POSITIVE).sum()
        assert positives == min(round(rate * final.sum()), (final & with_suspect).sum())


def test_domestic_abuse_and_sexual_violence_are_likelier_to_end_positively_and_withdrawals_are_domestic(
        small_offences):
    vawg = small_offences[small_offences["vawg"] & small_offences["outcome_known"]]
    positive = vawg["outcome_category"].isin(POSITIVE)
    flags = abuse_type_flags(vawg)

    def odds_ratio(flag):
        a, b = positive[flag].sum(), (~positive[flag]).sum()
        c, d = positive[~flag].sum(), (~positive[~flag]).sum()
        return (a * d) / (b * c)

    assert odds_ratio(flags["dva"]) > 1.2
    assert odds_ratio(flags["sexual_violence"]) > 1.5
    assert odds_ratio(flags["stalking_harassment"]) < 0.85
    negative = vawg[~positive & vawg["suspect_known_to_victim"].notna()]
    withdrew = negative["outcome_category"] == "Victim withdrew support - named suspect identified"
    assert withdrew[negative["dva_flag"]].mean() > withdrew[~negative["dva_flag"]].mean() + 0.1


def test_every_vawg_offence_has_a_female_victim_aged_10_or_over(small, small_offences):
    victims = pd.read_parquet(small["police_victims"])
    victims["recorded_date"] = pd.to_datetime(victims["recorded_date"])
    vawg = small_offences[small_offences["vawg"]]
    assert victims["victim_id"].is_unique
    female = victims[victims["victim_sex"] == "F"]
    assert len(female) >= len(vawg)
    assert len(victims) == pytest.approx(len(vawg) * 1.05, rel=0.02)
    ages = victims["victim_age"].dropna()
    assert ages.between(0, 100).all()
    first = victims.groupby(["borough_code", victims["recorded_date"]]).size()
    offences = vawg.groupby(["borough_code", "recorded_date"]).size()
    assert (first.reindex(offences.index, fill_value=0) >= offences).all()


def test_suspects_belong_to_offences_with_an_identified_suspect(small, small_offences):
    suspects = pd.read_parquet(small["police_suspects"])
    suspects["recorded_date"] = pd.to_datetime(suspects["recorded_date"])
    with_suspect = small_offences[small_offences["vawg"] & small_offences["suspect_known_to_victim"].notna()]
    key = ["recorded_date", "ward_code", "crime_subgroup", "vawg_offence_name"]
    offences = with_suspect.groupby(key, dropna=False).size()
    per_offence = suspects.groupby(key, dropna=False).size()
    assert set(per_offence.index) == set(offences.index)
    assert (per_offence.reindex(offences.index) >= offences).all()
    assert 1.1 < len(suspects) / len(with_suspect) < 1.2
    known = with_suspect.groupby(key, dropna=False)["suspect_known_to_victim"].first() == "Known to victim"
    assert (suspects.groupby(key, dropna=False)["known_to_victim"].any().reindex(known.index)
            >= known).all()


# -- council services ----------------------------------------------------------------------------


def test_csn_at_full_scale_reproduces_table_3_and_the_referral_counts():
    from vawg.running.synth.csn import csn_tables
    from vawg.running.synth.profile import load_source_profile

    tables = csn_tables(load_source_profile("csn"), seed=3, scale=1.0, period_end=dt.date(2024, 12, 31))
    workflows = tables["csn_workflows"]
    referrals = workflows[pd.to_datetime(workflows["referral_date"]).dt.year == 2024]
    assert len(referrals) == 1115 and referrals["person_id"].nunique() == 883
    ticked = referrals["abuse_types"].str.split("; ").explode().value_counts()
    assert ticked[["DVA", "DVA - Intimate ex-partner", "DVA - Intimate partner violence",
                   "Non-DVA - Stalking and harassment", "Non-DVA - Rape or sexual assault"]].tolist() == [
        949, 441, 325, 13, 27]
    assert set(tables["csn_risk_checklists"]["workflow_id"]) <= set(workflows["workflow_id"])
    assessed = set(workflows.loc[workflows["risk_assessment_completed"], "workflow_id"])
    assert set(tables["csn_risk_checklists"]["workflow_id"]) == assessed
    clients = set(workflows.loc[workflows["outcome"] == "DVA client", "workflow_id"])
    assert set(tables["csn_intake_forms"]["workflow_id"]) == clients
    assert workflows["risk_level"].notna().sum() == len(assessed)


def test_victim_support_financial_year_reproduces_the_annual_figures():
    """2024/25 ends after the default period: generate to March 2025 and check the year's figures."""
    from vawg.running.synth.population import synthesise_population
    from vawg.running.synth.profile import load_source_profile
    from vawg.running.synth.victim_support import victim_support_table

    reference = load_reference()
    names = dict(zip(reference.boroughs["borough_code"], reference.boroughs["borough_name"], strict=True))
    population = synthesise_population(load_profile(reference=reference)["population"], names, range(2021, 2025))
    table = victim_support_table(load_source_profile("victim_support"), population,
                                 reference.police_boroughs["borough_code"].tolist(), council=CAMDEN, scale=1.0,
                                 period_end=dt.date(2025, 3, 31))
    year = table[(table["borough_code"] == CAMDEN) & (table["measure"] == "referrals")
                 & (table["quarter_start"] >= dt.date(2024, 4, 1))]
    total = year.loc[year["dimension"] == "total", "count"].sum()
    assert total == 533
    counts = year.groupby(["dimension", "category"])["count"].sum()
    assert counts[("crime_category", "Violence without injury")] == 186
    for key, expected in ((("referral_source", "Police"), 82.2), (("sex", "Female"), 74.1),
                          (("age_band", "45-64"), 23.27), (("ethnicity", "Not disclosed"), 70.5)):
        assert counts[key] / total * 100 == pytest.approx(expected, abs=0.2), key
    female_2023 = population[(population["area_code"] == CAMDEN) & (population["year"] == 2023)
                             & (population["sex"] == "F")]["population"].sum()
    assert total / female_2023 * 1000 == pytest.approx(4.5, abs=0.06)


def test_no_nhs_fgm_publication_before_its_first_reporting_year_ends(tmp_path):
    paths = generate(tmp_path, scale=0.01, start_year=2023, period_end=dt.date(2023, 12, 31), only=("nhs_fgm",))
    assert "nhs_fgm" not in paths and not (tmp_path / "nhs_fgm").exists()


# -- determinism and parameters -------------------------------------------------------


def test_same_seed_gives_byte_identical_files(small, tmp_path):
    again = generate(tmp_path, scale=SMALL_SCALE)
    for name, path in small.items():
        assert again[name].read_bytes() == path.read_bytes(), name


def test_another_seed_moves_records_but_not_the_calibrated_counts(small_offences, tmp_path):
    other = read_offences(generate(tmp_path, scale=SMALL_SCALE, seed=7, only=()))
    assert not other["ward_code"].equals(small_offences["ward_code"])

    def counts(offences):
        year = offences["recorded_date"].dt.year
        return offences.groupby([offences["borough_code"], year, offences["vawg"]]).size()

    pd.testing.assert_series_equal(counts(other), counts(small_offences))


def test_scale_multiplies_the_counts(tmp_path):
    one_year = dict(start_year=2024, period_end=dt.date(2024, 12, 31))
    single = read_offences(generate(tmp_path / "single", scale=0.01, only=(), **one_year), ["borough_code"])
    double = read_offences(generate(tmp_path / "double", scale=0.02, only=(), **one_year), ["borough_code"])
    assert len(double) / len(single) == pytest.approx(2, rel=0.01)
    # At full scale London records about 0.9 million offences a year.
    assert len(single) == pytest.approx(9_000, rel=0.1)


def test_period_can_end_mid_year_and_run_past_the_profiled_years(tmp_path):
    paths = generate(tmp_path, scale=0.01, start_year=2025, period_end=dt.date(2025, 3, 31))
    offences = read_offences(paths, ["recorded_date"])
    assert offences["recorded_date"].min() >= pd.Timestamp("2025-01-01")
    assert offences["recorded_date"].max() <= pd.Timestamp("2025-03-31")
    assert pd.read_csv(paths["population"])["year"].unique().tolist() == [2024]


@pytest.mark.parametrize(
    "arguments",
    [dict(scale=0), dict(scale=-1), dict(start_year=2025, period_end=dt.date(2024, 12, 31)), dict(only=("csv",))],
)
def test_rejects_impossible_parameters(arguments, tmp_path):
    with pytest.raises(ParameterError):
        generate(tmp_path, **arguments)


def test_profile_naming_an_unknown_offence_is_refused(tmp_path):
    profile = yaml.safe_load(default_profile_path().read_text(encoding="utf-8"))
    profile["vawg_offences"]["names"]["Harrassment"] = profile["vawg_offences"]["names"].pop("Harassment")
    broken = tmp_path / "profile.yml"
    broken.write_text(yaml.safe_dump(profile), encoding="utf-8")
    with pytest.raises(DataError, match="Harrassment"):
        load_profile(broken)


# -- population ---------------------------------------------------------------------


def test_population_covers_every_area_year_sex_and_band(small):
    population = pd.read_csv(small["population"])
    assert list(population.columns) == ["area_code", "area_name", "year", "sex", "age_band", "population"]
    assert population["area_code"].nunique() == 33
    assert sorted(population["year"].unique()) == list(range(2018, 2024))
    bands = [f"{start}-{start + 4}" for start in range(0, 90, 5)] + ["90+"]
    for _, cell in population.groupby(["area_code", "year", "sex"]):
        assert cell["age_band"].tolist() == bands
    assert (population["population"] >= 0).all()
    assert not population.duplicated(["area_code", "year", "sex", "age_band"]).any()


def test_population_totals_are_plausible_and_hit_camden(small):
    population = pd.read_csv(small["population"])
    by_sex = population.groupby(["area_code", "year", "sex"])["population"].sum().unstack("sex")
    camden_2023 = by_sex.loc[(CAMDEN, 2023)]
    assert camden_2023["F"] + camden_2023["M"] == 220_903
    assert camden_2023["F"] == 119_312
    london_2023 = by_sex.xs(2023, level="year").sum()
    assert london_2023.sum() == pytest.approx(8_900_000, rel=0.03)
    assert 0.51 <= london_2023["F"] / london_2023.sum() <= 0.52
    assert by_sex.loc[CITY_OF_LONDON].sum(axis=1).between(5_000, 15_000).all()


# -- real wards ------------------------------------------------------------------------


def test_the_real_2022_wards_are_the_default(tmp_path):
    paths = generate(tmp_path, scale=0.005, start_year=2024, only=())
    lookup = pd.read_csv(OPEN_LOOKUP)
    wards = pd.read_csv(paths["wards"])
    assert set(wards["ward_code"]) <= set(lookup["WD22CD"])
    assert CITY_OF_LONDON not in set(wards["borough_code"])
    camden = lookup[lookup["LAD22CD"] == CAMDEN]
    assert sorted(wards.loc[wards["borough_code"] == CAMDEN, "ward_name"]) == sorted(camden["WD22NM"])
    offences = read_offences(paths, ["ward_code", "ward_name", "borough_code"])
    ward_borough = dict(zip(lookup["WD22CD"], lookup["LAD22CD"], strict=True))
    assert (offences["ward_code"].map(ward_borough) == offences["borough_code"]).all()
    ward_name = dict(zip(lookup["WD22CD"], lookup["WD22NM"], strict=True))
    assert (offences["ward_code"].map(ward_name) == offences["ward_name"]).all()
    assert not list(tmp_path.rglob("london_wards*")), "the open lookup is read, never copied"


def test_another_reference_folder_overrides_the_shipped_wards(tmp_path):
    folder = tmp_path / "reference"
    (folder / "geo").mkdir(parents=True)
    lookup = pd.read_csv(OPEN_LOOKUP)
    lookup["WD22NM"] = lookup["WD22NM"] + " (renamed)"
    lookup.to_csv(folder / "geo" / "london_wards_2022_lookup.csv", index=False)
    paths = generate(tmp_path / "raw", scale=0.005, start_year=2024, reference_dir=folder, only=())
    assert pd.read_csv(paths["wards"])["ward_name"].str.endswith(" (renamed)").all()


def test_synthetic_wards_on_request_are_clearly_not_real(tmp_path):
    paths = generate(tmp_path, scale=0.005, start_year=2024, synthetic_wards=True, only=())
    wards = pd.read_csv(paths["wards"])
    assert wards["ward_code"].str.fullmatch(r"SYNW\d{5}").all()
    assert wards.loc[wards["borough_code"] == CAMDEN, "ward_name"].str.startswith("Camden ward ").all()


# -- building blocks ------------------------------------------------------------------


@pytest.mark.parametrize("rng", [None, np.random.default_rng(3)], ids=["largest-remainder", "drawn"])
@pytest.mark.parametrize("total", [0, 1, 7, 1_000])
def test_apportion_keeps_the_total(total, rng):
    weights = np.array([0.5, 0.3, 0.2, 0.0])
    parts = apportion(total, weights, rng)
    assert parts.sum() == total
    assert parts[-1] == 0
    assert (np.abs(parts - total * weights) < 1).all()


def test_drawn_apportion_is_unbiased_for_rare_parts():
    rng = np.random.default_rng(5)
    rare = sum(apportion(10, np.array([0.98, 0.02]), rng)[1] for _ in range(2_000))
    assert rare == pytest.approx(2_000 * 10 * 0.02, rel=0.15)


def test_solver_meets_reachable_targets_exactly():
    membership = np.array([[1, 1, 1], [1, 1, 0], [0, 1, 1]], dtype=float)
    counts = solve_counts(membership, np.array([10.0, 6.0, 7.0]), np.array([5.0, 3.0, 2.0]))
    assert (membership @ counts).tolist() == [10, 6, 7]


def test_composer_meets_table2_style_targets_through_offence_names():
    reference = load_reference()
    profile = load_profile(reference=reference)
    offence_types = offence_type_table(reference.categorisation)
    composer = VawgComposer(profile, reference, offence_types)
    targets = {
        TOTAL: 500,
        "dva": 180,
        "sexual_violence": 90,
        "stalking_harassment": 200,
        "physical_sexual": 205,
        "violent_threatening": 203,
        "ccb": 19,
        "sexual_exploitation": 6,
        "psychological": 1,
    }
    offence_type, domestic = composer.compose(targets, np.random.default_rng(1))
    offences = offence_types.iloc[offence_type].reset_index(drop=True)
    offences["dva_flag"] = domestic
    for flag in ("fgm_flag", "forced_marriage_flag", "hbv_flag"):
        offences[flag] = False
    flags = abuse_type_flags(offences)
    assert {name: int(flags[name].sum()) for name in targets} == targets


# -- calibration against the reference edition (full scale) -------------------------------------------

# Table 2 counts for Camden 2024 (rate x 119,312 / 1,000).
CAMDEN_2024_COUNTS = {
    "all_vawg": 3466,
    "dva": 1249,
    "sexual_violence": 619,
    "stalking_harassment": 1391,
    "physical_sexual": 1421,
    "violent_threatening": 1406,
    "ccb": 129,
    "sexual_exploitation": 41,
    "hbv": 6,
    "forced_marriage": 3,
    "fgm": 1,
    "psychological": 1,
}
REST_OF_LONDON_2024_RATES = {
    "all_vawg": 26.46,
    "dva": 12.91,
    "fgm": 0.003,
    "forced_marriage": 0.02,
    "hbv": 0.08,
    "sexual_exploitation": 0.32,
    "sexual_violence": 3.69,
    "stalking_harassment": 9.88,
    "physical_sexual": 9.70,
    "violent_threatening": 9.95,
    "ccb": 1.05,
    "psychological": 0.01,
}
TABLE2_Z = {
    "all_vawg": 5.47,
    "dva": -7.35,
    "fgm": 1.78,
    "forced_marriage": 0.63,
    "hbv": -1.07,
    "sexual_exploitation": 0.37,
    "sexual_violence": 8.32,
    "stalking_harassment": 6.09,
    "physical_sexual": 7.61,
    "violent_threatening": 6.26,
    "ccb": 0.32,
    "psychological": 0.41,
}
SIGNIFICANT = {"all_vawg", "dva", "sexual_violence", "stalking_harassment", "physical_sexual", "violent_threatening"}


@pytest.mark.slow
def test_full_scale_default_reproduces_the_reference_edition(tmp_path):
    paths = generate(tmp_path)
    columns = [
        "recorded_date",
        "borough_code",
        "vawg_offence_name",
        "vawg",
        "dva_flag",
        "fgm_flag",
        "forced_marriage_flag",
        "hbv_flag",
    ]
    offences = read_offences(paths, columns)
    offences["year"] = offences["recorded_date"].dt.year
    assert 5_000_000 < len(offences) < 5_800_000
    population = pd.read_csv(paths["population"])
    female = population[population["sex"] == "F"].groupby(["area_code", "year"])["population"].sum()
    residents = population.groupby(["area_code", "year"])["population"].sum()

    vawg = offences[offences["vawg"]]
    flags = abuse_type_flags(vawg)
    in_2024 = (vawg["year"] == 2024).to_numpy()
    counts = flags[in_2024].groupby(vawg.loc[in_2024, "borough_code"]).sum()
    denominators = female.xs(2023, level="year").reindex(counts.index)

    camden = counts.loc[CAMDEN]
    assert {name: int(camden[name]) for name in CAMDEN_2024_COUNTS} == CAMDEN_2024_COUNTS
    n_camden = denominators[CAMDEN]
    rest = counts.drop(CAMDEN).sum()
    n_rest = denominators.drop(CAMDEN).sum()
    for name, expected in REST_OF_LONDON_2024_RATES.items():
        assert rest[name] / n_rest * 1000 == pytest.approx(expected, abs=0.05), name
        # Pooled two-proportion z-test, as Table 2 (female residents as the denominators).
        p_camden, p_rest = camden[name] / n_camden, rest[name] / n_rest
        pooled = (camden[name] + rest[name]) / (n_camden + n_rest)
        z = (p_camden - p_rest) / np.sqrt(pooled * (1 - pooled) * (1 / n_camden + 1 / n_rest))
        assert z == pytest.approx(TABLE2_Z[name], abs=0.3), name
        assert (abs(z) > 1.959964) == (name in SIGNIFICANT), name
    london = counts["all_vawg"].sum() / denominators.sum() * 1000
    assert london == pytest.approx(26.49, abs=0.05)

    vawg_per_year = vawg.groupby(["borough_code", "year"]).size()
    rates = vawg_per_year / female.rename(lambda year: year + 1, level="year").reindex(vawg_per_year.index) * 1000
    by_year = rates.unstack("year")
    ranks = by_year.rank(ascending=False)
    assert (ranks.loc[CAMDEN, 2024], ranks.loc[CAMDEN, 2020], ranks.loc[CAMDEN, 2023]) == (11, 7, 8)
    assert by_year[2024].mean() == pytest.approx(26.53, abs=0.05)
    assert by_year[2024].between(15, 45).all()
    camden_rates = by_year.loc[CAMDEN]
    assert camden_rates[2024] == pytest.approx(29.05, abs=0.005)
    assert camden_rates[2020] == pytest.approx(34.6, abs=0.1)
    assert camden_rates[2020] < camden_rates[2021] < camden_rates[2020] * 1.03
    assert camden_rates[2023] / camden_rates[2020] - 1 == pytest.approx(0.082, abs=0.005)
    assert camden_rates[2024] / camden_rates[2020] - 1 == pytest.approx(-0.16, abs=0.01)
    london_counts = vawg_per_year.groupby(level="year").sum()
    london_female = female.groupby(level="year").sum() - female.xs(CITY_OF_LONDON, level="area_code")
    london_rates = london_counts / london_female.rename(lambda year: year + 1).reindex(london_counts.index)
    assert london_rates[2023] / london_rates[2020] - 1 == pytest.approx(0.064, abs=0.005)
    other_changes = (by_year[2023] / by_year[2020] - 1).drop(CAMDEN)
    assert other_changes.mean() == pytest.approx(0.057, abs=0.005)

    all_crime = offences.groupby(["borough_code", "year"]).size()
    share = (vawg_per_year / all_crime).xs(CAMDEN, level="borough_code") * 100
    assert share[[2020, 2022, 2023, 2024]].round(1).tolist() == [13.3, 12.3, 11.1, 8.1]
    all_2024 = all_crime.xs(2024, level="year")
    residents_2023 = residents.xs(2023, level="year").reindex(all_2024.index)
    assert all_2024[CAMDEN] / residents_2023[CAMDEN] * 1000 == pytest.approx(193.7, abs=0.05)
    assert all_2024.sum() / residents_2023.sum() * 1000 == pytest.approx(102.5, abs=0.05)

    months_2024 = vawg[vawg["year"] == 2024].groupby(["borough_code", vawg["recorded_date"].dt.month]).size()
    camden_months = months_2024.loc[CAMDEN]
    london_months = months_2024.groupby(level=1).sum()
    assert camden_months[12] / camden_months[1] - 1 == pytest.approx(-0.15, abs=0.02)
    assert london_months[12] / london_months[1] - 1 == pytest.approx(-0.176, abs=0.01)
