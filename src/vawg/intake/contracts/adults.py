"""Adult social care safeguarding (DS-12): one row per safeguarding case (concern and any Section 42 enquiry).

Abuse types are multi-select; which count as VAWG, and as which abuse type,
is Appendix 6h (``data/reference/adult_safeguarding_flags.csv``).
"""

from __future__ import annotations

import pandas as pd

from vawg.intake.contracts._spec import ONE_OWNER, council_borough, EARLIEST, Context, Contract, Field, RowCheck
from vawg.foundations.reference import reference_path

OTHER_ABUSE_TYPES = ("Neglect And Acts Of Omission", "Self-Neglect", "Organisational Abuse", "Modern Slavery")
SUPPORT_NEEDS = ("Physical support", "Learning disability support", "Mental health support", "Sensory support",
                 "Memory and cognition support", "Social support", "No support need", "Not recorded")
REFERRERS = ("Emergency services", "NHS primary or community health", "NHS secondary health", "Social care staff",
             "Housing", "Family or friend", "Self", "Other")
RELATIONSHIPS = ("Relative or family carer", "Partner or ex-partner", "Paid carer", "Other known person")
LOCATIONS = ("Own home", "Care home", "Hospital", "In the community", "Other", "Not recorded")
OUTCOMES = ("No further action", "Progressed to enquiry", "Other")
NFA_REASONS = ("Signposted to alternative service", "Screened out", "Other reason")


def vawg_abuse_types() -> list[str]:
    """Adult social care abuse types that set a VAWG flag (Appendix 6h)."""
    return sorted(set(pd.read_csv(reference_path("adult_safeguarding_flags.csv"), dtype=str)["asc_abuse_type"]))


def _abuse_types(context: Context) -> list[str]:
    return sorted(set(vawg_abuse_types()) | set(OTHER_ABUSE_TYPES))


ASC_SAFEGUARDING = Contract(
    name="asc_safeguarding",
    title="Adult social care safeguarding cases",
    folder="asc_safeguarding",
    council=True,
    period_field="concern_date",
    description="One row per safeguarding case, from the concern to the enquiry's outcome.",
    fields=(
        Field("case_id", "text", "Reference of the case", unique=True),
        Field("person_id", "text", "Reference of the adult"),
        Field("concern_date", "date", "Date the concern was raised", minimum=EARLIEST, maximum="today"),
        Field("sex", "category", "Female, Male or Unknown", allowed=("Female", "Male", "Unknown")),
        Field("age", "int", "Age in years when the concern was raised", nullable=True, minimum=18, maximum=120,
              expected="an adult's age, from 18 to 120"),
        Field("primary_support_need", "category", "Primary support need", allowed=SUPPORT_NEEDS),
        Field("abuse_types", "multi", "Types of abuse (multi-select)", allowed=_abuse_types),
        Field("referrer_agency", "category", "Who raised the concern", allowed=REFERRERS),
        Field("perpetrator_known", "category", "Whether the person alleged to have caused harm is known",
              allowed=("Yes", "No", "Not recorded")),
        Field("perpetrator_relationship", "category", "Relationship of a known person alleged to have caused harm",
              nullable=True, allowed=RELATIONSHIPS),
        Field("location_of_abuse", "category", "Where the abuse happened", allowed=LOCATIONS),
        Field("stage_reached", "category", "Furthest stage", allowed=("Concern", "Section 42 enquiry")),
        Field("outcome", "category", "Outcome of the concern", allowed=OUTCOMES),
        Field("nfa_reason", "category", "Why no further action (when none was taken)", nullable=True,
              allowed=NFA_REASONS),
        council_borough(),
    ),
    row_checks=(
        RowCheck("relationship_needs_known_perpetrator", "perpetrator_relationship",
                 "empty unless perpetrator_known is 'Yes'",
                 lambda frame, context: frame["perpetrator_known"] == "Yes",
                 needs=("perpetrator_relationship", "perpetrator_known")),
        RowCheck("reason_needs_no_further_action", "nfa_reason", "empty unless the outcome is 'No further action'",
                 lambda frame, context: frame["outcome"] == "No further action", needs=("nfa_reason", "outcome")),
        RowCheck("enquiry_stage", "stage_reached", "'Section 42 enquiry' when the concern progressed to an enquiry",
                 lambda frame, context: (frame["outcome"] != "Progressed to enquiry")
                 | (frame["stage_reached"] == "Section 42 enquiry"), needs=("stage_reached", "outcome")),
        ONE_OWNER,
    ),
)
