"""The ward list delivered with the extracts (``wards.csv``): which wards each borough has."""

from __future__ import annotations

from vawg.intake.contracts._spec import Contract, Field, borough_in_london

WARDS = Contract(
    name="wards",
    title="Ward list",
    folder="",
    files="wards.csv",
    formats=(".csv",),
    description="The wards the extracts use, with their borough. `vawg synth` writes it; for real extracts the "
                "reference folder's ONS ward lookup is used instead.",
    fields=(
        Field("ward_code", "code", "Ward code (ONS E05…, or SYNW… for synthetic wards)", unique=True),
        Field("ward_name", "text", "Ward name"),
        Field("borough_code", "code", "ONS code of the borough", allowed=borough_in_london),
    ),
)
