"""Victim Support (MOPAC-commissioned London service), DS-18: quarterly referral counts by borough.

Aggregates, one row per quarter, borough, measure, dimension and category
(all crime types, not VAWG only). Within a quarter, borough and measure the
categories of each dimension add up to the total.
"""

from __future__ import annotations

import pandas as pd

from vawg.intake.contracts._spec import EARLIEST, Context, Contract, Field, RowCheck, police_borough

MEASURES = ("referrals", "cases_supported")
DIMENSIONS = ("total", "referral_source", "crime_category", "age_band", "disability", "ethnicity", "sex", "religion",
              "sexual_orientation")


def _quarter_start(frame: pd.DataFrame, context: Context) -> pd.Series:
    dates = frame["quarter_start"]
    return (dates.dt.day == 1) & dates.dt.month.isin([1, 4, 7, 10])


def _adds_up(frame: pd.DataFrame, context: Context) -> pd.Series:
    keys = ["quarter_start", "borough_code", "measure"]
    totals = frame[frame["dimension"] == "total"].groupby(keys)["count"].sum().rename("total")
    sums = frame[frame["dimension"] != "total"].groupby([*keys, "dimension"])["count"].sum().rename("sum")
    merged = sums.reset_index().merge(totals.reset_index(), on=keys, how="left")
    merged["good"] = merged["total"].isna() | (merged["sum"] == merged["total"])
    good = frame[[*keys, "dimension"]].merge(merged[[*keys, "dimension", "good"]], on=[*keys, "dimension"],
                                             how="left")["good"]
    return good.fillna(True).astype(bool).set_axis(frame.index)


VICTIM_SUPPORT = Contract(
    name="victim_support",
    title="Victim Support quarterly referrals (MOPAC)",
    folder="victim_support",
    period_field="quarter_start",
    unique_together=("quarter_start", "borough_code", "measure", "dimension", "category"),
    description="Referrals and cases supported by quarter and borough, broken down by referral source, crime, "
                "age, disability, ethnicity, sex, religion and sexual orientation.",
    fields=(
        Field("quarter_start", "date", "First day of the quarter", minimum=EARLIEST, maximum="today"),
        Field("borough_code", "code", "ONS code of the borough", allowed=police_borough),
        Field("measure", "category", "referrals or cases_supported", allowed=MEASURES),
        Field("dimension", "category", "What the category breaks down (total for the whole)", allowed=DIMENSIONS),
        Field("category", "text", "Category of the dimension ('All' for the total)"),
        Field("count", "int", "Number of referrals or cases", minimum=0, expected="a count of at least 0"),
    ),
    row_checks=(
        RowCheck("quarter_start", "quarter_start", "the first day of a quarter (1 January, April, July or October)",
                 _quarter_start, needs=("quarter_start",)),
        RowCheck("categories_add_up", "count", "the categories of each dimension to add up to the total of the "
                 "quarter, borough and measure", _adds_up, needs=("quarter_start", "borough_code", "measure",
                                                                  "dimension", "count")),
    ),
)
