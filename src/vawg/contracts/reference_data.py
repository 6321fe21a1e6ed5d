"""Open reference data (DS-05, DS-06, DS-20): ONS/GLA boundaries, population and Census 2021 tables.

These files are read from the configured reference folder (``--reference-dir``
or ``VAWG_REFERENCE_DIR``), never copied into the project, and staged as
``reference_*.parquet`` for the chapters that map, rank or compare areas.
Column names are the publishers'; staged names are the project's.
"""

from __future__ import annotations

from vawg.contracts._spec import Contract, Field, borough_in_london

WARD_LOOKUP = Contract(
    name="reference_wards",
    title="ONS ward to local authority lookup (December 2022)",
    folder="geo",
    files="london_wards_2022_lookup.csv",
    formats=(".csv",),
    reference=True,
    fields=(
        Field("WD22CD", "code", "Ward code", unique=True, pattern=r"E05\d{6}", stage_as="ward_code",
              expected="a ward code E05 followed by six digits"),
        Field("WD22NM", "text", "Ward name", stage_as="ward_name"),
        Field("LAD22CD", "code", "Local authority code", allowed=borough_in_london, stage_as="borough_code"),
        Field("LAD22NM", "text", "Local authority name", stage_as="borough_name"),
    ),
)

REFERENCE_CONTRACTS: tuple[Contract, ...] = (WARD_LOOKUP,)
