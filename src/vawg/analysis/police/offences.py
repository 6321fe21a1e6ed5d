"""Police offences: abuse-type flags from the reference mapping, and counts by area and time.

The flag rules are data (``data/reference/abuse_types.csv`` and
``abuse_type_offences.csv``, Appendix 6c): changing a mapping there changes
every rate computed here and the appendix that documents it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from vawg.foundations import reference
from vawg.foundations.methods_used import uses
from vawg.writing.supply import read_staged

COLUMNS = ["recorded_date", "borough_code", "ward_code", "crime_group", "crime_subgroup",
           "vawg_offence_name", "vawg", "dva_flag", "fgm_flag", "forced_marriage_flag", "hbv_flag"]


# Few distinct values over millions of rows: held as categories (a full-scale extract's frame 97 MB, not 572 MB).
CATEGORIES = ["borough_code", "ward_code", "crime_group", "crime_subgroup", "vawg_offence_name"]


def load_offences(staged_dir: Path | str, *, since: pd.Timestamp | None = None) -> pd.DataFrame:
    """The staged police offences (``COLUMNS``), only those recorded on or after ``since`` when given."""
    filters = [("recorded_date", ">=", since)] if since is not None else None
    return read_staged(staged_dir, "police_offences", COLUMNS, categories=CATEGORIES, filters=filters)


def count_groups(values: pd.DataFrame, keys: list[pd.Series]) -> pd.DataFrame:
    """``values`` summed by ``keys``, as int64, with text keys' levels as text (not categories), so the counts
    index and join as they would had the offences been read as text."""
    # Column by column over one grouping: summing the frame at once copies every column to int64 first
    # (5.4 M rows x 13 columns, 560 MB); this way the peak is one column's and the sum is faster.
    grouping = values.groupby(keys)
    grouped = pd.concat({column: grouping[column].sum() for column in values.columns}, axis=1).astype("int64")
    if isinstance(grouped.index, pd.MultiIndex):
        grouped.index = grouped.index.set_levels([_as_text(level) for level in grouped.index.levels])
    else:
        grouped.index = _as_text(grouped.index)
    return grouped


def _as_text(level: pd.Index) -> pd.Index:
    return level.astype(level.categories.dtype) if isinstance(level, pd.CategoricalIndex) else level


def measured_abuse_types() -> pd.DataFrame:
    """Abuse types the police data can measure (economic abuse has no police offence)."""
    types = reference.abuse_types()
    return types[types["rule"] != "none"].reset_index(drop=True)

# Printed under every table and chart by abuse type, and told to the disclosure audit (Table.rows_do_not_add_up).
ABUSE_TYPES_OVERLAP = "An offence can carry several abuse-type flags, so the abuse types' rows do not add up to the overall row."


def abuse_type_flags(offences: pd.DataFrame) -> pd.DataFrame:
    """One boolean column per measured abuse type; only VAWG offences can be flagged."""
    names = reference.abuse_type_offences().groupby("abuse_type")["vawg_offence_name"].apply(set)
    # The names are matched once per distinct name, not once per offence (millions of rows, a few dozen names).
    codes, distinct = pd.factorize(offences["vawg_offence_name"])
    distinct = pd.Index(distinct).astype("string").str.strip()
    flags = {}
    for row in measured_abuse_types().itertuples():
        if row.rule == "all_vawg":
            flag = offences["vawg"]
        elif row.rule == "extract_flag":
            flag = offences[row.extract_field]
        else:
            matched = np.append(np.asarray(distinct.isin(names.get(row.abuse_type, set())), dtype=bool), False)
            flag = pd.Series(matched[codes], index=offences.index)  # code -1 (no name) picks the final False
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
    return count_groups(flags, [offences["borough_code"], key.rename(period)])


def crime_group_counts(offences: pd.DataFrame, year: int) -> pd.DataFrame:
    """All crime and VAWG offences by borough and crime group in ``year``."""
    in_year = offences[offences["recorded_date"].dt.year == year]
    counts = pd.DataFrame({"all_crime": 1, "vawg": in_year["vawg"]}, index=in_year.index)
    return count_groups(counts, [in_year["borough_code"], in_year["crime_group"]])
