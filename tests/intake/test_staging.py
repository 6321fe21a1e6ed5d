"""Validation of delivered extracts: every malformed fixture is rejected (or repaired and logged) precisely.

Each fixture in ``tests/fixtures/malformed/`` is one file of the small valid
extract in ``_valid/`` with one delivery fault, named for the fault
(``make_fixtures.py`` wrote them). A test drops it into a copy of the valid
extract and checks what validation says: a rejection names the file, the row
as a spreadsheet shows it (header = row 1) and the column; a repair is logged
with its column and first row, and the staged value is the repaired one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest
from conftest import FIXTURES as ALL_FIXTURES
from conftest import REPOSITORY

from vawg.intake.staging import STAGING_LOG, ValidationFailed, validate, validate_and_stage

FIXTURES = ALL_FIXTURES / "malformed"
VALID = FIXTURES / "_valid"
PERIOD_END = dt.date(2024, 12, 31)

# Where a fixture goes in the extract (by its name's prefix): folder, and the name it takes there (None = its own).
PLACES = {
    "police_": ("police_offences", None),
    "population_": ("population", None),
    "wards_": ("", "wards.csv"),
    "safety_bus_": ("safety_bus", None),
    "victims_": ("police_victims", None),
    "csn_workflows_": ("csn", None),
    "csn_risk_checklists_": ("csn", None),
    "csn_intake_forms_": ("csn", None),
    "marac_": ("marac", None),
    "cssw_": ("cssw", None),
    "early_help_": ("early_help", None),
    "asc_": ("asc_safeguarding", None),
    "housing_register_": ("housing", None),
    "homelessness_": ("housing", None),
    "victim_support_": ("victim_support", None),
    "nhs_fgm_": ("nhs_fgm", None),
}
# The valid file each fixture replaces, by its name's prefix.
VALID_FILES = {"police_": "police_offences/police_offences.csv", "population_": "population/population.csv",
               "wards_": "wards.csv", "safety_bus_": "safety_bus/safety_bus_contacts.csv",
               "victims_": "police_victims/police_victims.csv", "csn_workflows_": "csn/csn_workflows.csv",
               "csn_risk_checklists_": "csn/csn_risk_checklists.csv", "csn_intake_forms_": "csn/csn_intake_forms.csv",
               "marac_": "marac/marac_annual.csv", "cssw_": "cssw/cssw_forms.csv",
               "early_help_": "early_help/early_help_forms.csv",
               "asc_": "asc_safeguarding/asc_safeguarding_cases.csv",
               "housing_register_": "housing/housing_register_applications.csv",
               "homelessness_": "housing/homelessness_applications.csv",
               "victim_support_": "victim_support/victim_support_quarterly.csv",
               "nhs_fgm_": "nhs_fgm/nhs_fgm_annual.csv"}


@dataclass(frozen=True)
class Rejected:
    fixture: str
    row: int | None
    column: str | None
    says: str  # part of the "expected ..." text
    value: str | None = None
    file: str | None = None  # the file named, when not the fixture itself


@dataclass(frozen=True)
class Repaired:
    fixture: str
    column: str | None
    says: str  # part of the repair's description
    first_row: int | None = None
    staged: tuple[str, int, str, object] | None = None  # (table, row index, column, value after repair)


@dataclass(frozen=True)
class Warned:
    fixture: str
    column: str
    says: str


REJECTED = [
    Rejected("police_bad_date_format.csv", 3, "recorded_date", "a date written as YYYY-MM-DD", "2024-13-05"),
    Rejected("police_impossible_date.csv", 4, "recorded_date", "a date written as YYYY-MM-DD", "31/02/2024"),
    Rejected("police_duplicate_offence_id.csv", 5, "offence_id", "no other row has (it repeats row 3)",
             "MPS0000000002"),
    Rejected("police_unknown_borough_code.csv", 3, "borough_code", "one of 'E09000002'", "E09000099"),
    Rejected("police_city_of_london_borough.csv", 2, "borough_code",
             "is policed by the City of London Police, not the Metropolitan Police", "E09000001"),
    Rejected("police_unknown_ward_code.csv", 4, "ward_code", "a ward code of the row's borough", "E05099999"),
    Rejected("police_ward_in_other_borough.csv", 6, "ward_code", "a ward code of the row's borough", "E05013655"),
    Rejected("police_future_date.csv", 7, "recorded_date", "a date no later than today", "2099-12-28"),
    Rejected("police_out_of_period_date.csv", 3, "recorded_date", "a date on or after 2010-01-01", "1924-12-05"),
    Rejected("police_missing_column.csv", None, "offence_id", "this column to be present"),
    Rejected("police_header_only.csv", None, None, "data rows under the header"),
    Rejected("police_empty.csv", None, None, "the file is empty"),
    Rejected("police_unknown_crime_group.csv", 3, "crime_group", "one of", "Thefts"),
    Rejected("police_subgroup_not_in_group.csv", 6, "crime_subgroup", "a subgroup of the row's crime group",
             "Other Theft"),
    Rejected("police_bad_flag_value.csv", 5, "dva_flag", "true or false", "maybe"),
    Rejected("police_named_offence_not_vawg.csv", 2, "vawg", "true, because the row has a VAWG offence name"),
    Rejected("police_outcome_known_mismatch.csv", 4, "outcome_known", "false for 'Investigation ongoing'"),
    Rejected("police_unknown_outcome.csv", 7, "outcome_category", "one of", "Told off"),
    Rejected("police_ragged_row.csv", 3, None, "17 comma-separated values, as in the header", "18 values"),
    Rejected("police_duplicate_header.csv", 1, "borough_code", "each column name once in the header"),
    Rejected("police_not_utf8.csv", 3, None, "text encoded as UTF-8", "byte 0x81"),
    Rejected("police_stale_extract.csv", None, "recorded_date", "rows up to the period end 2024-12-31",
             "2024-06-28", file="police_offences"),
    Rejected("police_excel_unknown_borough.xlsx", 4, "borough_code", "one of", "E09000999"),
    Rejected("police_parquet_duplicate_offence_id.parquet", 7, "offence_id", "(it repeats row 2)", "MPS0000000001"),
    Rejected("police_duplicate_offence_id_across_files", 2, "offence_id",
             "(it repeats police_offences_2024a.csv, row 4)", "MPS0000000003", file="police_offences_2024b.csv"),
    Rejected("population_negative_count.csv", 3, "population", "a count of at least 0", "-10870"),
    Rejected("population_impossible_age_band.csv", 4, "age_band", "one of '0-4'", "125-129"),
    Rejected("population_duplicate_rows.csv", 7, "age_band",
             "a combination of area_code, year, sex, age_band no other row has (it repeats row 3)"),
    Rejected("population_unknown_area_code.csv", 5, "area_code", "one of", "E09000034"),
    Rejected("population_year_in_future.csv", 2, "year", "a mid-year from 1990 to this year", "2099"),
    Rejected("population_decimal_count.csv", 6, "population", "a whole number", "11877.5"),
    Rejected("population_bad_sex.csv", 4, "sex", "one of 'F' or 'M'", "X"),
    Rejected("wards_duplicate_ward_code.csv", 8, "ward_code", "no other row has (it repeats row 2)", "E05013652",
             file="wards.csv"),
    Rejected("safety_bus_person_without_sex.csv", 4, "sex", "F or M for a person supported"),
    Rejected("safety_bus_unknown_contact_type.csv", 5, "contact_type", "one of 'person_supported' or 'engagement'",
             "outreach"),
    Rejected("victims_impossible_age.csv", 3, "victim_age", "an age from 0 to 120", "-19"),
    Rejected("victims_age_over_120.csv", 4, "victim_age", "an age from 0 to 120", "340"),
    Rejected("csn_workflows_impossible_age.csv", 3, "age", "an age from 10 to 120", "270"),
    Rejected("csn_workflows_unknown_abuse_type.csv", 4, "abuse_types", "each of the values (separated by ';') one of",
             "Non-DVA - Stalking; Cyber abuse"),
    Rejected("csn_workflows_risk_level_without_assessment.csv", 3, "risk_level",
             "empty unless a risk assessment was completed"),
    Rejected("csn_risk_checklists_unknown_workflow.csv", 3, "workflow_id",
             "a workflow_id of the csn_workflows extract", "CSN-W009999"),
    Rejected("csn_risk_checklists_negative_score.csv", 3, "dash_score", "a score from 0 to 24", "-16"),
    Rejected("marac_negative_cases.csv", 2, "cases_heard", "a count of at least 0", "-458"),
    Rejected("marac_part_exceeds_cases.csv", 2, "cases_with_children", "no more than cases_heard on the same row",
             "504"),
    Rejected("marac_referrals_do_not_add_up.csv", 2, "cases_heard", "the sum of the referral sources", "458"),
    Rejected("cssw_unknown_assessment_factor.csv", 4, "assessment_factors", "each of the values",
             "Domestic abuse; Poverty"),
    Rejected("cssw_impossible_age.csv", 3, "age", "an age from 0 to 25", "44"),
    Rejected("cssw_sex_differs_for_the_same_child.csv", 2, "sex", "the same sex on every form of the same person_id"),
    Rejected("early_help_mash_form_in_early_help.csv", 3, "form_type", "one of 'eh_assessment'", "mash_contact"),
    Rejected("asc_child_age.csv", 2, "age", "an adult's age, from 18 to 120", "16"),
    Rejected("asc_unknown_abuse_type.csv", 3, "abuse_types", "each of the values", "Self Neglect; Cuckooing"),
    Rejected("asc_relationship_without_known_perpetrator.csv", 3, "perpetrator_relationship",
             "empty unless perpetrator_known is 'Yes'"),
    Rejected("asc_duplicate_case_id.csv", 3, "case_id", "(it repeats row 2)", "ASC-C0000001"),
    Rejected("housing_register_impossible_age.csv", 2, "age", "an applicant's age, from 16 to 120", "4"),
    Rejected("homelessness_negative_children.csv", 2, "dependent_children", "a number of children from 0 to 15", "-2"),
    Rejected("homelessness_single_with_children.csv", 3, "dependent_children", "0 for a single-person household"),
    Rejected("victim_support_categories_do_not_add_up.csv", 3, "count", "to add up to the total"),
    Rejected("victim_support_not_a_quarter_start.csv", 2, "quarter_start", "the first day of a quarter"),
    Rejected("nhs_fgm_count_not_rounded.csv", 3, "count", "a multiple of 5", "44"),
    Rejected("nhs_fgm_period_end_before_start.csv", 2, "period_end", "a date after period_start"),
    Rejected("marac_duplicate_year_and_area.csv", 4, "area", "a combination of year, area no other row has"),
    Rejected("marac_unknown_area.csv", 2, "area", "one of 'Barking and Dagenham'", "Camdn"),
    Rejected("marac_two_boroughs.csv", 4, "area", "the borough the row's borough column names", "Islington"),
    # A council extract names its council on every row, one council a file.
    Rejected("csn_workflows_two_councils.csv", 4, "borough", "the same borough as the file's first row", "Islington"),
    Rejected("safety_bus_unknown_council.csv", 3, "borough", "one of 'Barking and Dagenham'", "Camdn"),
]

REPAIRED = [
    Repaired("police_dates_ddmmyyyy.csv", "recorded_date", "dd/mm/yyyy", 2,
             ("police_offences", 0, "recorded_date", pd.Timestamp("2024-12-02"))),
    Repaired("police_lowercase_codes.csv", "borough_code", "upper case", 5,
             ("police_offences", 3, "borough_code", "E09000012")),
    Repaired("police_trailing_blanks.csv", "ward_name", "removed blanks", 3,
             ("police_offences", 1, "ward_name", "Bloomsbury")),
    Repaired("police_utf8_bom.csv", None, "byte-order mark", None,
             ("police_offences", 0, "offence_id", "MPS0000000001")),
    Repaired("police_windows1252.csv", None, "Windows-1252", 4,
             ("police_offences", 2, "ward_name", "Belsize – Primrose Hill")),
    Repaired("police_utf16.csv", None, "UTF-16", None, ("police_offences", 5, "ward_name", "Camden Square")),
    Repaired("police_header_case.csv", "offence_id", "read the header 'Offence ID'", 1,
             ("police_offences", 0, "offence_id", "MPS0000000001")),
    Repaired("police_category_case.csv", "crime_group", "capitals", 6,
             ("police_offences", 4, "crime_subgroup", "Burglary - Residential")),
    Repaired("csn_workflows_windows1252.csv", None, "Windows-1252", 3,
             ("csn_workflows", 1, "employment_status", "Don't know")),
    Repaired("csn_intake_forms_lowercase_answers.csv", "separated_from_aptr", "capitals", 2,
             ("csn_intake_forms", 0, "aptr_relationship", "Ex-partner")),
    Repaired("housing_register_dates_ddmmyyyy.csv", "application_date", "dd/mm/yyyy", 2,
             ("housing_register", 1, "application_date", pd.Timestamp("2024-01-22"))),
    Repaired("population_thousands_separator.csv", "population", "thousands separators", 2,
             ("population", 0, "population", 11250)),
    Repaired("population_lowercase_area_code.csv", "area_code", "upper case", 3,
             ("population", 1, "area_code", "E09000007")),
]

# Accepted as delivered: common ways of writing a value that need no repair.
ACCEPTED = [
    ("police_flags_yes_no.csv", ("police_offences", 0, "dva_flag", True)),
    # Any London council can deliver its own MARAC under its borough's name.
    ("marac_hackney_own_marac.csv", ("marac", 0, "area", "Hackney")),
]

# Open reference data: where each stand-in goes in a reference folder, and what is said about it.
REFERENCE_PLACES = {
    "reference_wards_lookup_unknown_borough.csv": "geo/london_wards_2022_lookup.csv",
    "reference_wards_lookup_bad_ward_code.csv": "geo/london_wards_2022_lookup.csv",
    "reference_population_persons_not_female_plus_male.csv": "population/london_mye_mid2020_lad_sex_age5.csv",
    "reference_deprivation_parts_do_not_add_up.csv": "census/london_ts011_household_deprivation_lad.csv",
    "reference_ward_boundaries_outside_london.geojson": "geo/london_wards_2022_ons_bsc.geojson",
}
REFERENCE_REJECTED = [
    Rejected("reference_wards_lookup_unknown_borough.csv", 3, "LAD22CD", "one of", "E09000077",
             file="london_wards_2022_lookup.csv"),
    Rejected("reference_wards_lookup_bad_ward_code.csv", 3, "WD22CD", "a ward code: E05 and six digits", "E5013653",
             file="london_wards_2022_lookup.csv"),
    Rejected("reference_population_persons_not_female_plus_male.csv", 4, "population",
             "persons (sex P) equal to females plus males", "17500", file="london_mye_mid2020_lad_sex_age5.csv"),
    Rejected("reference_deprivation_parts_do_not_add_up.csv", 2, "total_households",
             "the sum of hh_deprived_0", "100", file="london_ts011_household_deprivation_lad.csv"),
    Rejected("reference_ward_boundaries_outside_london.geojson", 3, "geometry", "inside Greater London",
             file="london_wards_2022_ons_bsc.geojson"),
]

WARNED = [
    Warned("police_extra_column.csv", "officer_notes", "unexpected column"),
    Warned("police_without_outcome_columns.csv", "outcome_category", "optional column not delivered"),
]


def test_there_are_at_least_thirty_purpose_named_fixtures_and_each_has_a_test():
    fixtures = sorted(p.name for p in FIXTURES.iterdir() if not p.name.startswith(("_", ".")) and
                      p.name != "make_fixtures.py")
    tested = ({case.fixture for case in [*REJECTED, *REPAIRED, *WARNED, *REFERENCE_REJECTED]}
              | {fixture for fixture, _ in ACCEPTED})
    assert len(fixtures) >= 30
    assert set(fixtures) == tested


def contracts_of(fixture: str) -> list[str]:
    """The contracts a fixture's folder and files belong to (to validate only those)."""
    from vawg.intake.contracts import CONTRACTS

    if fixture in REFERENCE_PLACES:
        from vawg.intake.contracts.reference_data import REFERENCE_CONTRACTS

        name = Path(REFERENCE_PLACES[fixture]).name
        return [c.name for c in REFERENCE_CONTRACTS if c.files == name]
    prefix = next(prefix for prefix in PLACES if fixture.startswith(prefix))
    folder, name = PLACES[prefix]
    target = VALID_FILES[prefix]
    return [c.name for c in CONTRACTS if c.folder == folder and Path(target).match(c.files)]


def extract_with(fixture: str, tmp_path: Path) -> Path:
    """A copy of the valid extract with ``fixture`` in place of its source's valid file."""
    data = tmp_path / "raw"
    shutil.copytree(VALID, data)
    prefix = next(prefix for prefix in PLACES if fixture.startswith(prefix))
    folder, name = PLACES[prefix]
    target = data / folder
    (data / VALID_FILES[prefix]).unlink()
    source = FIXTURES / fixture
    if source.is_dir():
        for path in source.iterdir():
            shutil.copy(path, target / path.name)
    else:
        shutil.copy(source, target / (name or fixture))
    return data


@pytest.mark.parametrize("case", REJECTED + REFERENCE_REJECTED, ids=lambda case: case.fixture)
def test_malformed_fixture_is_rejected_naming_file_row_and_column(case, tmp_path):
    if case.fixture in REFERENCE_PLACES:
        data, reference = VALID, tmp_path / "reference"
        target = reference / REFERENCE_PLACES[case.fixture]
        target.parent.mkdir(parents=True)
        shutil.copy(FIXTURES / case.fixture, target)
    else:
        data, reference = extract_with(case.fixture, tmp_path), None
    report, tables = validate(data, period_end=PERIOD_END, reference_dir=reference, sources=contracts_of(case.fixture))
    assert not report.ok and tables == {}
    named = case.file or (case.fixture if "." in case.fixture else None)
    matches = [p for p in report.problems if p.row == case.row and p.column == case.column and case.says in p.expected
               and (named is None or p.file.name == named)]
    assert matches, "\n".join(str(p) for p in report.problems)
    message = str(matches[0])
    assert (named or "") in message
    if case.row is not None:
        assert f"row {case.row}" in message
    if case.column is not None:
        assert f"column {case.column!r}" in message
    if case.value is not None:
        assert f"value {case.value!r}" in message
    assert "expected " in message


@pytest.mark.parametrize("case", REPAIRED, ids=lambda case: case.fixture)
def test_delivery_fault_is_repaired_and_logged(case, tmp_path):
    data = extract_with(case.fixture, tmp_path)
    report, tables = validate(data, period_end=PERIOD_END, sources=contracts_of(case.fixture))
    assert report.ok, [str(p) for p in report.problems]
    repairs = [r for r in report.repairs if r.file.name == case.fixture and case.says in r.action
               and r.column == case.column]
    assert repairs, [str(r) for r in report.repairs]
    assert repairs[0].first_row == case.first_row
    table, row, column, value = case.staged
    assert tables[table].loc[row, column] == value


def test_repairs_are_listed_in_the_staging_log(tmp_path):
    staged = tmp_path / "staged"
    validate_and_stage(extract_with("police_dates_ddmmyyyy.csv", tmp_path), staged, period_end=PERIOD_END)
    log = json.loads((staged / STAGING_LOG).read_text(encoding="utf-8"))
    assert [r for r in log["repairs"] if r["column"] == "recorded_date" and "dd/mm/yyyy" in r["action"]
            and r["count"] == 6 and r["first_row"] == 2 and r["example"] == "'02/12/2024' → 2024-12-02"]


@pytest.mark.parametrize("case", WARNED, ids=lambda case: case.fixture)
def test_unexpected_or_missing_optional_column_is_a_warning(case, tmp_path):
    data = extract_with(case.fixture, tmp_path)
    report, tables = validate(data, period_end=PERIOD_END, sources=contracts_of(case.fixture))
    assert report.ok
    assert [n for n in report.notices if n.column == case.column and case.says in n.message]
    offences = tables["police_offences"]
    assert "officer_notes" not in offences
    assert "outcome_category" in offences


@pytest.mark.parametrize("fixture,staged", ACCEPTED, ids=[fixture for fixture, _ in ACCEPTED])
def test_common_ways_of_writing_a_value_are_accepted(fixture, staged, tmp_path):
    report, tables = validate(extract_with(fixture, tmp_path), period_end=PERIOD_END, sources=contracts_of(fixture))
    assert report.ok, [str(p) for p in report.problems]
    table, row, column, value = staged
    assert tables[table].loc[row, column] == value


# -- the valid extract ---------------------------------------------------------------------------------------


def test_valid_extract_stages_typed_tables_and_a_log(tmp_path):
    staged = tmp_path / "staged"
    written = validate_and_stage(VALID, staged, period_end=PERIOD_END)
    assert {"police_offences", "population", "wards", "safety_bus_contacts", "police_victims", "csn_workflows",
            "csn_risk_checklists", "csn_intake_forms", "marac", "cssw_forms", "early_help_forms", "asc_safeguarding",
            "housing_register", "homelessness_applications", "victim_support", "nhs_fgm"} <= set(written)
    assert pd.read_parquet(written["nhs_fgm"])["count"].isna().tolist() == [False, False, True]
    workflows = pd.read_parquet(written["csn_workflows"])
    assert workflows["abuse_types"].map(list).tolist() == [["DVA", "DVA - Intimate ex-partner"], [],
                                                            ["Non-DVA - Stalking and harassment"]]
    offences = pd.read_parquet(written["police_offences"])
    assert str(offences["recorded_date"].dtype) == "datetime64[ns]"
    assert offences["vawg"].dtype == bool
    assert offences["outcome_known"].tolist() == [True, True, False, True, False, True]
    victims = pd.read_parquet(written["police_victims"])
    assert victims["victim_age"].tolist() == [27, 19, 34]
    log = json.loads((staged / STAGING_LOG).read_text(encoding="utf-8"))
    assert log["ok"] and log["repairs"] == []
    statuses = {source["name"]: source["status"] for source in log["sources"]}
    assert statuses["police_offences"] == "staged"
    assert statuses["police_suspects"] == "not delivered"


def test_rows_after_the_period_end_are_left_out_and_noted(tmp_path):
    report, tables = validate(VALID, period_end=dt.date(2024, 12, 15))
    assert report.ok
    assert tables["police_offences"]["recorded_date"].max() <= pd.Timestamp("2024-12-15")
    assert any("after the period end" in n.message for n in report.notices)


def test_every_problem_is_reported_at_once(tmp_path):
    data = extract_with("police_bad_date_format.csv", tmp_path)
    shutil.copy(FIXTURES / "population_negative_count.csv", data / "population" / "population.csv")
    report, _ = validate(data, period_end=PERIOD_END)
    files = {p.file.name for p in report.problems}
    assert files == {"police_bad_date_format.csv", "population.csv"}


def test_a_failed_validation_stages_nothing(tmp_path):
    data = extract_with("police_duplicate_offence_id.csv", tmp_path)
    staged = tmp_path / "staged"
    with pytest.raises(ValidationFailed) as failure:
        validate_and_stage(data, staged, period_end=PERIOD_END)
    assert "police_duplicate_offence_id.csv, row 5, column 'offence_id'" in str(failure.value)
    assert not staged.exists()


def test_many_bad_rows_are_counted_not_all_listed(tmp_path):
    data = tmp_path / "raw"
    shutil.copytree(VALID, data)
    frame = pd.read_csv(data / "police_offences" / "police_offences.csv", dtype=str, keep_default_na=False)
    frame = pd.concat([frame] * 10, ignore_index=True)
    frame["offence_id"] = [f"MPS{i:010d}" for i in range(len(frame))]
    frame["borough_code"] = "E09000099"
    frame.to_csv(data / "police_offences" / "police_offences.csv", index=False)
    report, _ = validate(data, period_end=PERIOD_END)
    borough = [p for p in report.problems if p.column == "borough_code"]
    assert len(borough) == 11
    assert "50 more row(s) with this problem are not listed" in str(borough[-1])


# -- open reference data ------------------------------------------------------------------------------------


def shared_reference() -> Path | None:
    from conftest import reference_dir

    return reference_dir()


@pytest.mark.skipif(not shared_reference().is_dir(), reason="open reference data (data/open) not available")
def test_open_reference_data_is_validated_and_staged(tmp_path):
    staged = tmp_path / "staged"
    written = validate_and_stage(VALID, staged, period_end=PERIOD_END, reference_dir=shared_reference())
    wards = pd.read_parquet(written["reference_wards"])
    assert len(wards) == 704 and (wards["borough_code"] == "E09000007").sum() == 20
    assert list(wards.columns) == ["ward_code", "ward_name", "borough_code", "borough_name"]
    boundaries = pd.read_parquet(written["reference_ward_boundaries"])
    assert set(boundaries["ward_code"]) == set(wards["ward_code"])
    population = pd.read_parquet(written["reference_population_lad_2020"])
    persons = population[(population["sex"] == "P") & (population["age_band"] == "all_ages")]
    assert persons["population"].sum() == 9_002_488
    assert len(pd.read_parquet(written["reference_census_deprivation_lsoa"])) == 4_994
    assert pd.read_parquet(written["reference_census_ethnic_group_lad"])["area_code"].nunique() == 33
    assert pd.read_parquet(written["reference_census_sexual_orientation_msoa"])["area_code"].nunique() == 33
    # The synthetic (delivered) population remains the denominator.
    assert pd.read_parquet(written["population"])["year"].tolist() == [2023] * 5
    assert not list(staged.rglob("london_wards_2022_lookup.csv")), "staged as parquet, not copied"


def test_a_missing_reference_file_is_noted_not_fatal(tmp_path):
    reference = tmp_path / "reference"
    (reference / "geo").mkdir(parents=True)
    report, tables = validate(VALID, period_end=PERIOD_END, reference_dir=reference)
    assert report.ok
    assert "reference_wards" not in tables
    assert any("not delivered" in n.message and "lookup" in n.message for n in report.notices)


# -- a failed validation leaves the last good edition untouched -----------------------------------------------


def tree_digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_failed_validation_leaves_the_previous_build_byte_for_byte_intact(built_edition, extract_copy):
    from vawg.running.build import build
    from vawg.foundations.parameters import parse_parameters

    before = tree_digest(built_edition.root)
    population = next((extract_copy / "population").glob("*.csv"))
    frame = pd.read_csv(population, dtype=str)
    frame.loc[10, "population"] = "-5"
    frame.to_csv(population, index=False)
    params = parse_parameters(data_dir=extract_copy, formats="html")
    with pytest.raises(ValidationFailed) as failure:
        build(params, build_dir=built_edition.root.parent)
    assert f"{population.name}, row 12, column 'population': value '-5'" in str(failure.value)
    assert tree_digest(built_edition.root) == before
    assert not list(built_edition.root.parent.glob(".*partial"))


# -- vawg validate ---------------------------------------------------------------------------------------------


def run_validate(data: Path, period_end: str = "2024-12-31"):
    from io import StringIO

    import typer
    from rich.console import Console

    from vawg.running.validate_cli import validate_command

    output = StringIO()
    console = Console(file=output, width=250, color_system=None)
    try:
        validate_command(data, None, period_end, console=console)
        code = 0
    except typer.Exit as exit_:
        code = exit_.exit_code
    return code, output.getvalue()


def test_validate_command_lists_every_problem_and_exits_1_staging_nothing(tmp_path):
    data = extract_with("police_bad_date_format.csv", tmp_path)
    shutil.copy(FIXTURES / "population_negative_count.csv", data / "population" / "population.csv")
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    code, output = run_validate(data)
    assert code == 1
    assert "police_offences/police_bad_date_format.csv, row 3, column 'recorded_date': value '2024-13-05'" in output
    assert "population/population.csv, row 3, column 'population': value '-10870'" in output
    assert "nothing was staged" in output
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == before


def test_validate_command_lists_repairs_and_notes_when_all_pass(tmp_path):
    data = extract_with("police_windows1252.csv", tmp_path)
    shutil.copy(FIXTURES / "police_extra_column.csv", data / "police_offences" / "more.csv")
    (data / "police_offences" / "more.csv").write_text(
        (FIXTURES / "police_extra_column.csv").read_text().replace("MPS00", "MPS11"), encoding="utf-8")
    code, output = run_validate(data)
    assert code == 0, output
    assert "Windows-1252" in output and "first at row 4" in output
    assert "officer_notes" in output and "unexpected column" in output
    assert "All contracts pass" in output


def test_validate_command_refuses_a_bad_period_end(tmp_path):
    from vawg.foundations.errors import ParameterError
    from vawg.running.validate_cli import validate_command

    with pytest.raises(ParameterError, match="period_end"):
        validate_command(VALID, None, "31/12/2024")


def test_the_readme_documents_every_extract_and_column():
    from vawg.intake.contracts import CONTRACTS
    from vawg.intake.contracts.reference_data import REFERENCE_CONTRACTS

    readme = (REPOSITORY / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Using real extracts"):readme.index("## Synthetic data")]
    for contract in CONTRACTS:
        assert f"`{contract.folder}/`" in section or f"`{contract.files}`" in section, contract.name
        for item in contract.fields:  # Early Help is documented "as cssw/" plus its own column
            assert f"`{item.name}`" in section, (contract.name, item.name)
    for contract in REFERENCE_CONTRACTS:
        name = contract.files
        assert name in section or name.split("_")[1] in section, name


# -- faults made from the valid extract, met through the command line -------------------------------------------
#
# Each fault is one file of the valid extract changed by a few characters (so no fixture file is needed). The
# test runs `vawg build` on it into a build folder holding a last good edition, as a user would, and checks the
# exit code, the one message (file, row as a spreadsheet shows it, column, value), that no traceback is printed
# and that the last good edition is byte for byte as it was.


def _replace(relative: str, old: str, new: str, count: int = 1):
    def change(data: Path) -> Path:
        path = data / relative
        text = path.read_text(encoding="utf-8")
        assert old in text, (relative, old)
        path.write_text(text.replace(old, new, count), encoding="utf-8")
        return path
    return change


def _rewrite(relative: str, transform, encoding: str = "utf-8", name: str | None = None):
    def change(data: Path) -> Path:
        path = data / relative
        text = path.read_text(encoding="utf-8")
        target = path.with_name(name) if name else path
        if name:
            path.unlink()
        target.write_bytes(transform(text).encode(encoding) if isinstance(transform(text), str) else transform(text))
        return target
    return change


def _as_parquet(relative: str, **columns):
    """The CSV file saved as Parquet, with some columns given other types (``column=callable(series)``)."""
    def change(data: Path) -> Path:
        path = data / relative
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        for column, convert in columns.items():
            frame[column] = convert(frame[column])
        path.unlink()
        target = path.with_suffix(".parquet")
        frame.to_parquet(target, index=False)
        return target
    return change


def _as_workbook(relative: str, sheets_before: dict | None = None, extra_data_sheet: bool = False):
    def change(data: Path) -> Path:
        path = data / relative
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        path.unlink()
        target = path.with_suffix(".xlsx")
        with pd.ExcelWriter(target) as writer:
            for name, notes in (sheets_before or {}).items():
                pd.DataFrame({"About this extract": notes}).to_excel(writer, sheet_name=name, index=False)
            frame.to_excel(writer, sheet_name="Data", index=False)
            if extra_data_sheet:
                frame.to_excel(writer, sheet_name="Data 2", index=False)
        return target
    return change


POLICE = "police_offences/police_offences.csv"


@dataclass(frozen=True)
class Fault:
    name: str
    change: object  # change(data folder) -> the faulty file
    row: int | None
    column: str | None
    says: str
    value: str | None = None


FAULTS = [
    # Structure, before any contract
    Fault("row_with_fewer_values_than_the_header", _replace(POLICE, ",Camden,E05013653,Bloomsbury,", ",Camden,"),
          3, None, "17 comma-separated values, as in the header", "15 values"),
    Fault("file_cut_off_at_a_comma", _rewrite(POLICE, lambda t: t[: t.rindex(",Public Order Offences")]),
          7, None, "the file to end where a row ends (its last row stops after 6 of 17 values", "6 values"),
    Fault("quote_never_closed", _replace(POLICE, ",Bloomsbury,", ',"Bloomsbury,'), 3, None,
          "a closing quote for the quoted value that opens in this row"),
    Fault("semicolon_separated", _rewrite(POLICE, lambda t: t.replace(",", ";")), 1, None,
          "values separated by commas (this file separates them with semicolons", "offence_id;recorded_date"),
    Fault("tab_separated", _rewrite(POLICE, lambda t: t.replace(",", "\t")), 1, None,
          "values separated by commas (this file separates them with tabs"),
    Fault("utf16_without_byte_order_mark", _rewrite(POLICE, lambda t: t.encode("utf-16-le")), 1, None,
          "the file looks like UTF-16, little-endian, without a byte-order mark", "byte 0x00"),
    # Types of Parquet columns, and numbers that must be whole
    Fault("parquet_ages_as_floats", _as_parquet("police_victims/police_victims.csv",
                                                victim_age=lambda s: s.astype(float) + [0, 0, 0.5]),
          4, "victim_age", "a whole number", "34.5"),
    Fault("parquet_flags_as_floats", _as_parquet(POLICE, dva_flag=lambda s: (s == "true").astype(float)),
          None, "dva_flag", "true/false (bool) or text, the type of this column in the contract", "double"),
    Fault("parquet_dates_as_numbers", _as_parquet(POLICE, recorded_date=lambda s: s.str.replace("-", "").astype(int)),
          None, "recorded_date", "(the Parquet column is stored as int64)", "int64"),
    Fault("parquet_codes_as_numbers", _as_parquet("population/population.csv",
                                                  area_code=lambda s: s.str[1:].astype(int)),
          None, "area_code", "text (string), the type of this column", "int64"),
    # Workbooks: every sheet accounted for
    Fault("workbook_with_two_data_sheets", _as_workbook(POLICE, extra_data_sheet=True), None, None,
          "one sheet whose header holds the columns of", "'Data', 'Data 2'"),
    # Cross-row and cross-file faults keep their spreadsheet row
    Fault("text_for_a_count", _replace("population/population.csv", "9604", "\"9,6O4\""), 4, "population",
          "a whole number", "9,6O4"),
    Fault("date_with_a_time_that_is_not_a_date", _replace(POLICE, "2024-12-09", "2024-12-09 25:61"), 4,
          "recorded_date", "a date written as YYYY-MM-DD", "2024-12-09 25:61"),
]


@pytest.fixture
def last_good_edition(tmp_path) -> Path:
    """A build folder holding a finished edition (its files stand in for a real one: nothing may touch them)."""
    edition = tmp_path / "build" / "camden-2024-12-31"
    (edition / "html").mkdir(parents=True)
    (edition / "html" / "index.html").write_text("<p>the last good edition</p>", encoding="utf-8")
    (edition / "artifacts").mkdir()
    (edition / "artifacts" / "values.json").write_text('{"a": 1}', encoding="utf-8")
    return edition


def run_vawg(args: list[str], capsys) -> tuple[int, str]:
    """``vawg`` run in this process as from a shell: its exit status and everything it printed."""
    from vawg.running.cli import main

    with pytest.raises(SystemExit) as exit_:
        main(args)
    captured = capsys.readouterr()
    code = exit_.value.code
    return (0 if code is None else code), captured.out + captured.err


@pytest.mark.parametrize("fault", FAULTS, ids=lambda fault: fault.name)
def test_a_delivery_fault_is_refused_by_the_build_naming_its_place(fault, tmp_path, last_good_edition, capsys):
    data = tmp_path / "raw"
    shutil.copytree(VALID, data)
    faulty = fault.change(data)
    before = tree_digest(last_good_edition)
    code, output = run_vawg(["build", "--data-dir", str(data), "--build-dir", str(last_good_edition.parent),
                             "--formats", "html"], capsys)
    assert code == 1, output
    assert "Traceback" not in output
    lines = [line for line in output.splitlines() if faulty.name in line and fault.says in line]
    assert lines, output
    line = lines[0]
    if fault.row is not None:
        assert f", row {fault.row}" in line
    if fault.column is not None:
        assert f"column {fault.column!r}" in line
    if fault.value is not None:
        assert f"value {fault.value!r}" in line or fault.value in line
    assert tree_digest(last_good_edition) == before
    assert [p.name for p in last_good_edition.parent.iterdir()] == [last_good_edition.name]


def test_a_workbook_saved_from_a_valid_csv_stages_the_same_table_as_the_csv(tmp_path):
    """Text such as "None" or "N/A" is text in a workbook as in a CSV; a notes sheet before the data is noted."""
    workflows = "csn/csn_workflows.csv"
    _, from_csv = validate(VALID, period_end=PERIOD_END, sources=["csn_workflows"])
    data = tmp_path / "raw"
    shutil.copytree(VALID, data)
    frame = pd.read_csv(data / workflows, dtype=str, keep_default_na=False)
    frame.loc[1, "mental_health"] = "N/A"  # a value no contract allows must still be read as written
    _as_workbook(workflows, sheets_before={"Notes": ["Extracted on 2 January", "N/A means not asked"]})(data)
    report, from_excel = validate(data, period_end=PERIOD_END, sources=["csn_workflows"])
    problems = [str(p) for p in report.problems]
    assert problems == [] or all("'N/A'" in p for p in problems), problems
    (data / workflows).write_text(pd.read_csv(VALID / workflows, dtype=str, keep_default_na=False)
                                  .to_csv(index=False), encoding="utf-8")
    (data / workflows).with_suffix(".xlsx").unlink()
    _as_workbook(workflows, sheets_before={"Notes": ["Extracted on 2 January"]})(data)
    report, from_excel = validate(data, period_end=PERIOD_END, sources=["csn_workflows"])
    assert report.ok, [str(p) for p in report.problems]
    pd.testing.assert_frame_equal(from_excel["csn_workflows"], from_csv["csn_workflows"])
    assert from_excel["csn_workflows"].loc[0, "mental_health"] == "None"
    assert [n for n in report.notices if "sheet 'Notes' has none of the contract's columns" in n.message
            and "sheet 'Data'" in n.message]


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_dates_with_a_time_of_day_are_read_as_dates_so_the_last_day_is_whole(suffix, tmp_path):
    data = tmp_path / "raw"
    shutil.copytree(VALID, data)
    _replace(POLICE, "2024-12-28", "2024-12-31 23:15:00")(data)
    _replace(POLICE, "2024-12-02", "2024-12-02T08:30:00")(data)
    if suffix == ".parquet":
        _as_parquet(POLICE, recorded_date=lambda s: pd.to_datetime(s, format="ISO8601"))(data)
    report, tables = validate(data, period_end=PERIOD_END, sources=["police_offences"])
    assert report.ok, [str(p) for p in report.problems]
    offences = tables["police_offences"]
    assert len(offences) == 6, "no offence of the period's last day is left out"
    assert offences["recorded_date"].tolist()[0] == pd.Timestamp("2024-12-02")
    assert offences["recorded_date"].max() == pd.Timestamp("2024-12-31")
    repairs = [r for r in report.repairs if r.column == "recorded_date" and "time of day" in r.action]
    assert repairs and repairs[0].count == 2 and repairs[0].first_row == 2
    assert not [n for n in report.notices if "after the period end" in n.message]


def _population_of(years: list[int]):
    """The population extract's estimates repeated for each of these years."""
    def change(data: Path) -> Path:
        path = data / "population" / "population.csv"
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        frame = pd.concat([frame.assign(year=str(y)) for y in years], ignore_index=True)
        frame.to_csv(path, index=False)
        return path.parent
    return change


def _population_without(year: int):
    return _population_of([y for y in (2021, 2022, 2023) if y != year])


def _police_from(months: list[str]):
    """The police extract with its Camden offences moved to these months (one offence a month)."""
    def change(data: Path) -> Path:
        path = data / POLICE
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        rows, camden = [], frame[frame["borough_code"] == "E09000007"]
        for number, month in enumerate(months):
            row = camden.iloc[number % len(camden)].copy()
            row["offence_id"], row["recorded_date"] = f"MPS9{number:09d}", f"{month}-15"
            rows.append(row)
        pd.concat([frame, pd.DataFrame(rows)], ignore_index=True).to_csv(path, index=False)
        return path.parent
    return change


def _zero_population(data: Path) -> Path:
    path = data / "population" / "population.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame.loc[frame["area_code"] == "E09000007", "population"] = "0"
    frame.to_csv(path, index=False)
    return path.parent


CAMDEN_2024 = [f"2024-{m:02d}" for m in range(1, 13)]
# The least history a build accepts: every month from three whole years before the report year.
CAMDEN_SINCE_2021 = [f"{y}-{m:02d}" for y in range(2021, 2025) for m in range(1, 13)]
DELIVERY_FAULTS = [
    # Denominators: a gap in the estimates, and a population of zero, name the year and the area
    Fault("population_year_missing", lambda data: (_police_from(["2022-06", *CAMDEN_2024])(data),
                                                   _population_without(2022)(data))[1],
          None, "year", "a mid-2022 estimate for Camden (E09000007): offences of 2022 are rated against it", "2022"),
    Fault("population_of_zero", lambda data: (_police_from(CAMDEN_2024)(data), _zero_population(data))[1],
          None, "population", "residents for Camden (E09000007), mid-2023, sex F: a rate cannot be computed", "0"),
    # Police extracts too thin to cover the period for the borough
    Fault("police_extract_of_one_row",
          lambda data: _rewrite(POLICE, lambda t: "\n".join(t.splitlines()[:2]) + "\n")(data).parent,
          None, "recorded_date", "offences in Camden (E09000007) in every month from 2024-01 to 2024-12", "2024-01"),
    Fault("police_month_without_offences", _police_from([m for m in CAMDEN_2024 if m != "2024-07"]),
          None, "recorded_date", "there are none in 2024-07", "2024-07"),
]


@pytest.mark.parametrize("fault", DELIVERY_FAULTS, ids=lambda fault: fault.name)
def test_a_delivery_too_thin_for_its_rates_is_refused_naming_year_and_area(fault, tmp_path, last_good_edition,
                                                                           capsys):
    test_a_delivery_fault_is_refused_by_the_build_naming_its_place(fault, tmp_path, last_good_edition, capsys)


def test_a_year_past_the_latest_estimate_uses_the_latest_and_says_so(tmp_path):
    data = tmp_path / "raw"
    shutil.copytree(VALID, data)
    _police_from(CAMDEN_SINCE_2021)(data)
    _population_of([2021, 2022, 2023])(data)
    report, _ = validate(data, period_end=PERIOD_END, borough="Camden", sources=["police_offences", "population"])
    assert report.ok, [str(p) for p in report.problems]
    assert [n for n in report.notices if "offences of 2024 are rated against the mid-2023 estimate" in n.message]


def test_a_police_extract_of_one_year_is_refused_at_validation(tmp_path):
    """The trends, baselines and forecast need three whole years before the report year: said before any notebook."""
    data = tmp_path / "raw"
    shutil.copytree(VALID, data)
    _police_from(CAMDEN_2024)(data)
    report, _ = validate(data, period_end=PERIOD_END, borough="Camden", sources=["police_offences", "population"])
    problems = [str(p) for p in report.problems if p.column == "recorded_date"]
    assert problems and "offences from 1 January 2021 or earlier (the earliest is 15 January 2024)" in problems[0]
    assert "police_offences" in problems[0] and "value '2024-01-15'" in problems[0]


# -- the build folder: one build at a time, disk faults in one line ------------------------------------------


def _one_line_error(output: str) -> str:
    errors = [line for line in output.splitlines() if line.startswith("vawg: error:")]
    assert len(errors) == 1, output
    assert "Traceback" not in output
    return errors[0]


def test_a_build_folder_that_is_a_file_is_refused_in_one_line(tmp_path, capsys):
    afile = tmp_path / "build"
    afile.write_text("not a folder", encoding="utf-8")
    code, output = run_vawg(["build", "--data-dir", str(VALID), "--build-dir", str(afile), "--formats", "html"],
                            capsys)
    assert code == 1
    assert f"build_dir: {afile} is a file, not a folder" in _one_line_error(output)
    assert afile.read_text(encoding="utf-8") == "not a folder"


def test_a_second_build_into_a_busy_build_folder_is_refused_with_one_line(tmp_path, last_good_edition, capsys):
    from vawg.running.buildlock import build_lock

    before = tree_digest(last_good_edition)
    with build_lock(last_good_edition.parent, "camden-2024-12-31"):
        code, output = run_vawg(["build", "--data-dir", str(VALID), "--build-dir", str(last_good_edition.parent),
                                 "--formats", "html"], capsys)
    assert code == 1
    line = _one_line_error(output)
    assert f"build folder {last_good_edition.parent} is busy: camden-2024-12-31 is being built by process" in line
    assert "Validating" not in output, "the second build started nothing"
    assert tree_digest(last_good_edition) == before
    assert [p.name for p in last_good_edition.parent.iterdir()] == [last_good_edition.name], "the lock is gone"


def test_a_full_disk_is_reported_in_one_line_and_the_last_edition_is_untouched(tmp_path, last_good_edition,
                                                                               capsys, monkeypatch):
    import errno

    data = tmp_path / "raw"
    shutil.copytree(VALID, data)
    _police_from(CAMDEN_SINCE_2021)(data)
    _population_of([2021, 2022, 2023, 2024])(data)

    def full(self, path, *args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(pd.DataFrame, "to_parquet", full)
    before = tree_digest(last_good_edition)
    code, output = run_vawg(["build", "--data-dir", str(data), "--build-dir", str(last_good_edition.parent),
                             "--formats", "html"], capsys)
    assert code == 1
    line = _one_line_error(output)
    # The first table staged is named, whichever it is.
    assert "No space left on device" in line and re.search(r"staged/\w+\.parquet", line)
    assert "the last edition is untouched" in line
    assert tree_digest(last_good_edition) == before
    assert [p.name for p in last_good_edition.parent.iterdir()] == [last_good_edition.name]


def test_an_earlier_period_end_is_built_from_a_later_extract(tmp_path):
    """Forms are checked against every referral delivered, not only those before the period end."""
    data = tmp_path / "raw"
    shutil.copytree(VALID, data)
    _replace("csn/csn_workflows.csv", "CSN-W000003,CSN-P000001,2024-09-30", "CSN-W000003,CSN-P000001,2024-10-02")(data)
    forms = pd.read_csv(data / "csn/csn_risk_checklists.csv", dtype=str, keep_default_na=False)
    forms.loc[1, ["workflow_id", "completed_date"]] = ["CSN-W000003", "2024-10-05"]
    forms.to_csv(data / "csn/csn_risk_checklists.csv", index=False)
    report, tables = validate(data, period_end=dt.date(2024, 9, 30),
                              sources=["csn_workflows", "csn_risk_checklists", "csn_intake_forms"])
    assert report.ok, [str(p) for p in report.problems]
    assert "CSN-W000003" not in set(tables["csn_workflows"]["workflow_id"])
    assert not [name for name in tables if name.endswith(".uncut")]


def test_plain_vawg_prints_the_help_and_succeeds(capsys):
    code, output = run_vawg([], capsys)
    assert code == 0
    assert "Usage:" in output and "build" in output and "validate" in output


def test_progress_lines_carry_no_source_location(tmp_path, capsys):
    code, output = run_vawg(["build", "--data-dir", str(VALID), "--build-dir", str(tmp_path / "b"),
                             "--formats", "html"], capsys)
    assert code == 1
    progress = [line for line in output.splitlines() if "Validating and staging" in line]
    assert progress and "s so far" in progress[0] and "cli.py" not in output


def test_two_boroughs_editions_may_build_into_one_folder_at_once_but_not_one_edition_twice(tmp_path):
    from vawg.running.buildlock import BuildFolderBusy, build_lock

    with build_lock(tmp_path, "camden-2024-12-31"), build_lock(tmp_path, "hackney-2024-12-31"):
        with pytest.raises(BuildFolderBusy, match="camden-2024-12-31 is being built by process"):
            with build_lock(tmp_path, "camden-2024-12-31"):
                pass
    assert list(tmp_path.iterdir()) == []
