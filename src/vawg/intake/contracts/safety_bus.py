"""Camden Safety Bus activity log (DS-21): the data behind the Safety Bus card and figure."""

from __future__ import annotations

from vawg.intake.contracts._spec import ONE_OWNER, council_borough, EARLIEST, Contract, Field, RowCheck

CONTACT_TYPES = ("person_supported", "engagement")

SAFETY_BUS = Contract(
    name="safety_bus_contacts",
    title="Safety Bus activity log",
    folder="safety_bus",
    council=True,
    period_field="contact_date",
    description="One row per person supported and one per engagement activity on the nights the bus runs.",
    fields=(
        Field("contact_id", "text", "Reference of the log entry", unique=True),
        Field("contact_date", "date", "Date the night began", minimum=EARLIEST, maximum="today"),
        Field("contact_type", "category", "person_supported or engagement", allowed=CONTACT_TYPES),
        Field("sex", "category", "F or M for a person supported; empty for an engagement activity",
              nullable=True, allowed=("F", "M")),
        council_borough(),
    ),
    row_checks=(
        RowCheck("person_has_sex", "sex", "F or M for a person supported",
                 lambda frame, context: (frame["contact_type"] != "person_supported") | frame["sex"].notna(),
                 needs=("contact_type",)),
        ONE_OWNER,
    ),
)
