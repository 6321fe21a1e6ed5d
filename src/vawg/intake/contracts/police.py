"""Metropolitan Police extracts: recorded offences (DS-01), VAWG victims (DS-02) and VAWG suspects (DS-03)."""

from __future__ import annotations

import pandas as pd

from vawg.foundations import reference
from vawg.intake.contracts._spec import (
    EARLIEST,
    Context,
    Contract,
    Field,
    RowCheck,
    police_borough,
    ward_in_borough,
)

# Home Office outcome groups the extract's outcome_category may hold: (category, known, positive).
# "Known" outcomes are final; "positive" ones bring an offender to justice.
OUTCOMES: tuple[tuple[str, bool, bool], ...] = (
    ("Charged/summonsed", True, True),
    ("Charged/summonsed - alternative offence", True, True),
    ("Caution", True, True),
    ("Community resolution", True, True),
    ("Penalty notice", True, True),
    ("Victim withdrew support - named suspect identified", True, False),
    ("Investigation complete - no suspect identified", True, False),
    ("Evidential difficulties - victim supports action", True, False),
    ("Prosecution prevented or not in the public interest", True, False),
    ("Other negative outcome", True, False),
    ("Investigation ongoing", False, False),
)
OUTCOME_CATEGORIES = tuple(name for name, _, _ in OUTCOMES)
KNOWN_OUTCOMES = frozenset(name for name, known, _ in OUTCOMES if known)
POSITIVE_OUTCOMES = frozenset(name for name, _, positive in OUTCOMES if positive)
RELATIONSHIPS = ("Known to victim", "Stranger")
VICTIM_SEXES = ("F", "M", "U")
ETHNIC_GROUPS = ("White", "Black", "Asian", "Mixed", "Other", "Not recorded")
ETHNIC_APPEARANCES = ("White North European", "White South European", "Black", "Asian",
                      "Chinese, Japanese or other South East Asian", "Middle Eastern", "Unknown")
SUSPECT_AGE_BANDS = ("10-17", "18-24", "25-29", "30-34", "35-39", "40-44", "45-49", "50-59", "60+", "Unknown")


def crime_groups(context: Context) -> list[str]:
    return sorted(set(reference.crime_categorisation()["crime_group"]))


def crime_subgroups(context: Context) -> list[str]:
    return sorted(set(reference.crime_categorisation()["crime_subgroup"]))


def vawg_offence_names(context: Context) -> list[str]:
    return sorted(set(reference.crime_categorisation()["vawg_offence_name"].dropna()))


def _subgroup_in_group(frame: pd.DataFrame, context: Context) -> pd.Series:
    table = reference.crime_categorisation()
    pairs = pd.MultiIndex.from_frame(table[["crime_group", "crime_subgroup"]].drop_duplicates())
    return pd.Series(pd.MultiIndex.from_frame(frame[["crime_group", "crime_subgroup"]]).isin(pairs), index=frame.index)


def _name_in_subgroup(frame: pd.DataFrame, context: Context) -> pd.Series:
    table = reference.crime_categorisation().dropna(subset=["vawg_offence_name"])
    triples = pd.MultiIndex.from_frame(table[["crime_group", "crime_subgroup", "vawg_offence_name"]])
    keys = frame[["crime_group", "crime_subgroup", "vawg_offence_name"]]
    return pd.Series(pd.MultiIndex.from_frame(keys).isin(triples), index=frame.index)


SUBGROUP_IN_GROUP = RowCheck("subgroup_in_group", "crime_subgroup",
                             "a subgroup of the row's crime group (Appendix 6b, crime_categorisation.csv)",
                             _subgroup_in_group, needs=("crime_group", "crime_subgroup"))
NAME_IN_SUBGROUP = RowCheck("name_in_subgroup", "vawg_offence_name",
                            "a VAWG offence name of the row's crime group and subgroup (Appendix 6b)",
                            _name_in_subgroup, needs=("crime_group", "crime_subgroup", "vawg_offence_name"))
NAMED_IS_VAWG = RowCheck("named_is_vawg", "vawg", "true, because the row has a VAWG offence name",
                         lambda frame, context: frame["vawg"] | frame["vawg_offence_name"].isna(),
                         needs=("vawg",))
OUTCOME_KNOWN_MATCHES = RowCheck(
    "outcome_known_matches", "outcome_known",
    "true for a final outcome and false for 'Investigation ongoing' (as outcome_category says)",
    lambda frame, context: frame["outcome_known"].astype(bool) == frame["outcome_category"].isin(KNOWN_OUTCOMES),
    needs=("outcome_known", "outcome_category"))

POLICE_OFFENCES = Contract(
    name="police_offences",
    title="Metropolitan Police recorded offences",
    folder="police_offences",
    required=True,
    period_field="recorded_date",
    covers_period=True,
    description="Every offence recorded in London, VAWG or not, with the police's VAWG flags, its outcome and "
                "whether the suspect was known to the victim.",
    fields=(
        Field("offence_id", "text", "The police's reference of the offence", unique=True),
        Field("recorded_date", "date", "Date the offence was recorded", minimum=EARLIEST, maximum="today"),
        Field("borough_code", "code", "ONS code of the borough (E09…)", allowed=police_borough),
        Field("borough_name", "text", "Borough name"),
        Field("ward_code", "code", "ONS code of the 2022 ward (E05…) where the offence took place"),
        Field("ward_name", "text", "Ward name", nullable=True),
        Field("crime_group", "category", "Crime group (Appendix 6b)", allowed=crime_groups),
        Field("crime_subgroup", "category", "Crime subgroup (Appendix 6b)", allowed=crime_subgroups),
        Field("vawg_offence_name", "category", "VAWG offence name (Appendix 6b); empty if none", nullable=True,
              allowed=vawg_offence_names),
        Field("vawg", "bool", "The police mark the offence as VAWG"),
        Field("dva_flag", "bool", "Domestic abuse flag"),
        Field("fgm_flag", "bool", "Female genital mutilation flag"),
        Field("forced_marriage_flag", "bool", "Forced marriage flag"),
        Field("hbv_flag", "bool", "So-called honour-based abuse flag"),
        Field("outcome_category", "category", "Home Office outcome group (or 'Investigation ongoing')",
              nullable=True, required=False, allowed=OUTCOME_CATEGORIES),
        Field("outcome_known", "bool", "Whether the offence has a final outcome", nullable=True, required=False),
        Field("suspect_known_to_victim", "category",
              "'Known to victim' or 'Stranger' when a suspect is identified; empty otherwise",
              nullable=True, required=False, allowed=RELATIONSHIPS),
    ),
    row_checks=(ward_in_borough(), SUBGROUP_IN_GROUP, NAME_IN_SUBGROUP, NAMED_IS_VAWG, OUTCOME_KNOWN_MATCHES),
)

POLICE_VICTIMS = Contract(
    name="police_victims",
    title="Metropolitan Police VAWG victims",
    folder="police_victims",
    period_field="recorded_date",
    description="One row per victim of a VAWG offence, with sex, age and ethnicity (linked to the crime group "
                "only, not to the abuse-type flags).",
    fields=(
        Field("victim_id", "text", "The police's reference of the victim record", unique=True),
        Field("recorded_date", "date", "Date the offence was recorded", minimum=EARLIEST, maximum="today"),
        Field("borough_code", "code", "ONS code of the borough", allowed=police_borough),
        Field("crime_group", "category", "Crime group (Appendix 6b)", allowed=crime_groups),
        Field("victim_sex", "category", "F, M or U (unknown)", allowed=VICTIM_SEXES),
        Field("victim_age", "int", "Age in years when the offence was recorded", nullable=True, minimum=0,
              maximum=120, expected="an age from 0 to 120"),
        Field("victim_ethnicity", "category", "Broad ethnic group (self-defined)", allowed=ETHNIC_GROUPS),
    ),
)

POLICE_SUSPECTS = Contract(
    name="police_suspects",
    title="Metropolitan Police VAWG suspects",
    folder="police_suspects",
    period_field="recorded_date",
    description="One row per suspect of a VAWG offence. The extract has no crime reference: an offence is "
                "identified by its date, ward and offence.",
    fields=(
        Field("recorded_date", "date", "Date the offence was recorded", minimum=EARLIEST, maximum="today"),
        Field("borough_code", "code", "ONS code of the borough", allowed=police_borough),
        Field("ward_code", "code", "ONS code of the ward where the offence took place"),
        Field("crime_group", "category", "Crime group (Appendix 6b)", allowed=crime_groups),
        Field("crime_subgroup", "category", "Crime subgroup (Appendix 6b)", allowed=crime_subgroups),
        Field("vawg_offence_name", "category", "VAWG offence name; empty if none", nullable=True,
              allowed=vawg_offence_names),
        Field("suspect_sex", "category", "F, M or U (unknown)", allowed=VICTIM_SEXES),
        Field("suspect_age_band", "category", "Age band of the suspect", allowed=SUSPECT_AGE_BANDS),
        Field("suspect_ethnic_appearance", "category", "Officer-defined ethnic appearance",
              allowed=ETHNIC_APPEARANCES),
        Field("suspect_self_defined_ethnicity", "category", "Self-defined ethnic group", allowed=ETHNIC_GROUPS),
        Field("known_to_victim", "bool", "Whether the suspect was known to the victim", nullable=True),
    ),
    row_checks=(ward_in_borough(), SUBGROUP_IN_GROUP, NAME_IN_SUBGROUP),
)
