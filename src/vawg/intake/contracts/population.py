"""Population estimates by area, sex and age (DS-05): the denominators of every rate."""

from __future__ import annotations

from vawg.intake.contracts._spec import AGE_BANDS_5, Contract, Field, borough_in_london, this_year

POPULATION = Contract(
    name="population",
    title="Mid-year population estimates",
    folder="population",
    required=True,
    unique_together=("area_code", "year", "sex", "age_band"),
    description="Residents of each London area by sex and five-year age band, one table per mid-year. "
                "Offences recorded in year Y are rated against the mid-Y estimate, or the latest earlier one.",
    fields=(
        Field("area_code", "code", "ONS code of the local authority (E09…)", allowed=borough_in_london),
        Field("area_name", "text", "Area name"),
        Field("year", "int", "Mid-year of the estimate", minimum=1990, maximum=this_year,
              expected="a mid-year from 1990 to this year"),
        Field("sex", "category", "F or M", allowed=("F", "M")),
        Field("age_band", "category", "Five-year age band (0-4 … 85-89, 90+)", allowed=AGE_BANDS_5),
        Field("population", "int", "Residents", minimum=0, expected="a count of at least 0"),
    ),
)
