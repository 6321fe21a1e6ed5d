"""Housing (DS-13, DS-14): housing register applications and homelessness applications, with their DVA flags.

Both are delivered to ``housing/``: ``housing_register*`` (Part 6 allocations,
with the domestic violence and abuse points of the allocations scheme) and
``homelessness*`` (Part 7 applications, with the main reason for the loss of
the last settled home, the domestic abuse support need and whether an
assessment identified domestic abuse).
"""

from __future__ import annotations

from vawg.intake.contracts._spec import ONE_OWNER, council_borough, EARLIEST, Contract, Field, RowCheck

SEXES = ("Female", "Male", "Other", "Not recorded")
ETHNIC_GROUPS = ("White", "Black", "Asian", "Mixed", "Other", "Not recorded")
ORIENTATIONS = ("Heterosexual", "Lesbian, gay, bisexual or other", "Prefer not to say", "Not recorded")
EMPLOYMENT = ("Employed", "Unemployed", "Long-term sick or disabled", "Other", "Not recorded")
MAIN_REASONS = ("Domestic abuse", "Family or friends no longer willing or able to accommodate",
                "End of private rented tenancy", "Eviction from supported housing", "Relationship breakdown (non-violent)",
                "Other violence or harassment", "Leaving an institution", "Other")
DA_SUPPORT_NEEDS = ("Victim", "At risk", "None", "Not assessed")


def _age(minimum: int = 16) -> Field:
    return Field("age", "int", "Age of the applicant when applying", nullable=True, minimum=minimum, maximum=120,
                 expected=f"an applicant's age, from {minimum} to 120")


HOUSING_REGISTER = Contract(
    name="housing_register",
    title="Housing register applications",
    folder="housing",
    files="housing_register*",
    council=True,
    period_field="application_date",
    description="One row per application to join the housing register.",
    fields=(
        Field("application_id", "text", "Reference of the application", unique=True),
        Field("application_date", "date", "Date of application", minimum=EARLIEST, maximum="today"),
        Field("applicant_sex", "category", "Sex of the main applicant", allowed=SEXES),
        _age(),
        Field("ethnicity", "category", "Broad ethnic group", allowed=ETHNIC_GROUPS),
        Field("sexual_orientation", "category", "Sexual orientation", allowed=ORIENTATIONS),
        Field("employment_status", "category", "Employment status", allowed=EMPLOYMENT),
        Field("household_size", "int", "People in the household", minimum=1, maximum=20,
              expected="a household of 1 to 20 people"),
        Field("dva_points", "bool", "Awarded domestic violence and abuse points (allocations scheme, group D)"),
        council_borough(),
    ),
    row_checks=(ONE_OWNER,),
)

HOMELESSNESS = Contract(
    name="homelessness_applications",
    title="Homelessness applications",
    folder="housing",
    files="homelessness*",
    council=True,
    period_field="application_date",
    description="One row per homelessness application (Part 7).",
    fields=(
        Field("application_id", "text", "Reference of the application", unique=True),
        Field("application_date", "date", "Date of application", minimum=EARLIEST, maximum="today"),
        Field("applicant_sex", "category", "Sex of the main applicant", allowed=SEXES),
        _age(),
        Field("household_type", "category", "Single person or family", allowed=("Single", "Family")),
        Field("dependent_children", "int", "Dependent children in the household", minimum=0, maximum=15,
              expected="a number of children from 0 to 15"),
        Field("homeless_status", "category", "Status when applying",
              allowed=("Homeless", "Threatened with homelessness")),
        Field("main_reason", "category", "Main reason for the loss of the last settled home", allowed=MAIN_REASONS),
        Field("support_need_domestic_abuse", "category", "Domestic abuse as a support need",
              allowed=DA_SUPPORT_NEEDS),
        Field("da_identified_through_assessment", "bool", "Domestic abuse identified through the assessment"),
        council_borough(),
    ),
    row_checks=(
        RowCheck("single_has_no_children", "dependent_children", "0 for a single-person household",
                 lambda frame, context: (frame["household_type"] != "Single") | (frame["dependent_children"] == 0),
                 needs=("household_type", "dependent_children")),
        ONE_OWNER,
    ),
)
