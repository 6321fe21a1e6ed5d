"""MARAC (DS-09): annual Multi-Agency Risk Assessment Conference figures for the borough and its comparators.

SafeLives-style annual data: cases heard and their make-up, for the borough's
MARAC and for the comparison areas (England and Wales, the Metropolitan Police
area and the most similar force group). Counts, so that shares and rates per
10,000 adult (16+) female residents are computed, not copied.

Any London borough's council can deliver its own MARAC: every row names the
delivering council's borough (``borough``, one of the 32 boroughs in
``data/reference/boroughs.csv``), and its own MARAC's rows carry that name as
their ``area``; a file holds one borough's MARAC only.
"""

from __future__ import annotations

import pandas as pd

from vawg.foundations import reference
from vawg.intake.contracts._spec import ONE_OWNER, OWNER, council_borough, Context, Contract, Field, RowCheck, at_most, this_year

COMPARATOR_AREAS = ("Metropolitan Police area", "Most similar force group", "England and Wales")
PARTS = ("repeat_cases", "police_referrals", "idva_involved", "cases_with_children", "bame_victims",
         "lgbtq_victims", "disabled_victims", "male_victims", "victims_16_17")
REFERRAL_SOURCES = ("police_referrals", "probation_referrals", "voluntary_sector_referrals",
                    "secondary_care_referrals", "primary_care_referrals", "children_services_referrals",
                    "other_referrals")


def london_borough_names() -> list[str]:
    """The 32 London boroughs (the City of London has its own police force and is not one)."""
    boroughs = reference.boroughs()
    return sorted(boroughs.loc[boroughs["police_force"] == "Metropolitan Police Service", "borough_name"])


def _areas(context: Context) -> list[str]:
    return [*london_borough_names(), *COMPARATOR_AREAS]


def _own_marac(frame: pd.DataFrame, context: Context) -> pd.Series:
    """A row that is no comparator is the delivering council's own MARAC, named as its borough column names it."""
    return frame["area"].isin(COMPARATOR_AREAS) | (frame["area"] == frame[OWNER])


def _count(name: str, description: str) -> Field:
    return Field(name, "int", description, minimum=0, expected="a count of at least 0")


MARAC = Contract(
    name="marac",
    title="MARAC annual figures (borough and comparators)",
    folder="marac",
    council=True,
    unique_together=("year", "area"),
    description="One row per year and area.",
    fields=(
        Field("year", "int", "Calendar year", minimum=2010, maximum=this_year,
              expected="a year from 2010 to this year"),
        Field("area", "category", "The borough whose MARAC it is (any London borough's name) or a comparison area",
              allowed=_areas),
        _count("cases_heard", "Cases heard"),
        _count("adult_female_population", "Female residents aged 16 and over (the rate's denominator)"),
        _count("repeat_cases", "Repeat cases (heard within 12 months of a previous case)"),
        _count("police_referrals", "Cases referred by the police"),
        _count("probation_referrals", "Cases referred by probation"),
        _count("voluntary_sector_referrals", "Cases referred by the voluntary and community sector"),
        _count("secondary_care_referrals", "Cases referred by secondary health care"),
        _count("primary_care_referrals", "Cases referred by primary health care"),
        _count("children_services_referrals", "Cases referred by children's services (including the MASH)"),
        _count("other_referrals", "Cases referred by other agencies"),
        _count("idva_involved", "Cases with an independent domestic violence adviser involved"),
        _count("cases_with_children", "Cases with children in the household"),
        _count("children_in_households", "Children in the households of the cases"),
        _count("bame_victims", "Victims from Black, Asian and minoritised ethnic groups"),
        _count("lgbtq_victims", "Lesbian, gay, bisexual or trans victims"),
        _count("disabled_victims", "Disabled victims"),
        _count("male_victims", "Male victims"),
        _count("victims_16_17", "Victims aged 16 or 17"),
        council_borough(),
    ),
    row_checks=(
        RowCheck("own_marac", "area", "the borough the row's borough column names, or a comparison area (one "
                 "borough's MARAC a file)", _own_marac, needs=("area", OWNER)),
        *(at_most(part, "cases_heard") for part in PARTS),
        RowCheck("referrals_add_up", "cases_heard", "the sum of the referral sources (police, probation, …)",
                 lambda frame, context: frame[list(REFERRAL_SOURCES)].sum(axis=1) == frame["cases_heard"],
                 needs=("cases_heard", *REFERRAL_SOURCES)),
        ONE_OWNER,
    ),
)
