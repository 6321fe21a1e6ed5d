"""Police offences: abuse-type flags from the reference mapping, and counts by area and time.

The flag rules are data (``data/reference/abuse_types.csv`` and
``abuse_type_offences.csv``, Appendix 6c): changing a mapping there changes
every rate computed here and the appendix that documents it.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from vawg.foundations import reference
from vawg.foundations.methods_used import uses
from vawg.writing.supply import read_staged

COLUMNS = ["recorded_date", "borough_code", "ward_code", "crime_group", "crime_subgroup",
           "vawg_offence_name", "vawg", "dva_flag", "fgm_flag", "forced_marriage_flag", "hbv_flag"]


def load_offences(staged_dir: Path | str) -> pd.DataFrame:
    return read_staged(staged_dir, "police_offences", COLUMNS)


def measured_abuse_types() -> pd.DataFrame:
    """Abuse types the police data can measure (economic abuse has no police offence)."""
    types = reference.abuse_types()
    return types[types["rule"] != "none"].reset_index(drop=True)

# Printed under every table and chart by abuse type, and told to the disclosure audit (Table.rows_do_not_add_up).
ABUSE_TYPES_OVERLAP = "An offence can carry several abuse-type flags, so the abuse types' rows do not add up to the overall row."


def abuse_type_flags(offences: pd.DataFrame) -> pd.DataFrame:
    """One boolean column per measured abuse type; only VAWG offences can be flagged."""
    names = reference.abuse_type_offences().groupby("abuse_type")["vawg_offence_name"].apply(set)
    offence_name = offences["vawg_offence_name"].astype("string").str.strip()
    flags = {}
    for row in measured_abuse_types().itertuples():
        if row.rule == "all_vawg":
            flag = offences["vawg"]
        elif row.rule == "extract_flag":
            flag = offences[row.extract_field]
        else:
            flag = offence_name.isin(names.get(row.abuse_type, set())).fillna(False)
        flags[row.abuse_type] = (offences["vawg"] & flag).astype(bool)
    return pd.DataFrame(flags, index=offences.index)


@uses(metric="offence_count")
def counts_by(offences: pd.DataFrame, period: str = "year") -> pd.DataFrame:
    """All-crime and abuse-type counts by borough and ``period`` ("year" or "month").

    Returns a frame indexed by (borough_code, period) with an ``all_crime``
    column and one column per measured abuse type.
    """
    dates = offences["recorded_date"]
    key = dates.dt.year if period == "year" else dates.dt.to_period("M")
    flags = abuse_type_flags(offences)
    flags["all_crime"] = True
    grouped = flags.groupby([offences["borough_code"], key.rename(period)]).sum()
    return grouped.astype("int64")


def crime_group_counts(offences: pd.DataFrame, year: int) -> pd.DataFrame:
    """All crime and VAWG offences by borough and crime group in ``year``."""
    in_year = offences[offences["recorded_date"].dt.year == year]
    return (in_year.groupby(["borough_code", "crime_group"])["vawg"]
            .agg(all_crime="size", vawg="sum").astype("int64"))
