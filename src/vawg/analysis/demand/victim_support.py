"""Chapter 3, service demand: Victim Support (MOPAC-commissioned), the borough against the rest of London.

The extract holds quarterly aggregates per borough of referrals and cases
supported, broken down by referral source, crime, age, disability, ethnicity,
sex, religion and sexual orientation. They cover every crime Victim Support
helps with, not VAWG alone. The reference edition compares the first quarter
of the financial year with the rest of London; each share is compared by a
pooled two-proportion z-test (:func:`vawg.foundations.stats.comparisons.two_proportion_ztest`).

Artifact ids and the functions that make them:

- ``tbl-victim-support-comparison``   :func:`table_victim_support_comparison`   (no seed table: the seed's text)
- values ``victim_support.*``         :func:`prose_values`

Small numbers: a count from 1 to 6 shows "<7"; a share or test resting on it,
or on a rest-of-total that small, shows "[c]".
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from vawg.foundations import reference
from vawg.writing.artifacts import Column, Table, format_value
from vawg.foundations.errors import DataError
from vawg.foundations.suppression import disclosure_basis
from vawg.foundations.periods import report_year
from vawg.foundations.stats.comparisons import ztest_columns
from vawg.foundations.stats.profiles import holm_within
from vawg.foundations.suppression import CONFIDENTIAL, is_small
from vawg.foundations.wording import join_words, phrase
from vawg.writing.supply import staged_table

SOURCE = "Victim Support, quarterly referrals by borough (Mayor's Office for Policing and Crime)"
FIRST_QUARTER_MONTH = 4  # the financial year starts in April
# The comparisons the reference edition makes: (key, dimension, category, label).
COMPARED = (
    ("police", "referral_source", "Police", "Referred by the police"),
    ("violence_without_injury", "crime_category", "Violence without injury", "Crime: violence without injury"),
    ("other_ethnic", "ethnicity", "Other", "Ethnic group: other"),
    ("muslim", "religion", "Muslim", "Religion: Muslim"),
    ("lesbian", "sexual_orientation", "Lesbian", "Sexual orientation: lesbian"),
)
NOT_DISCLOSED = "Not disclosed"


@dataclass
class VictimSupport:
    """Victim Support's quarterly referrals: the borough's and every other borough's."""

    borough: str
    borough_code: str
    year: int
    threshold: int
    table: pd.DataFrame              # the staged aggregates, every borough and quarter up to the period end
    first_quarter: pd.Timestamp      # first quarter of the financial year compared
    year_quarters: list[pd.Timestamp]  # the quarters of the report year the extract holds

    @classmethod
    def compute(cls, staged_dir: Path | str, *, borough: str, period_end: str, threshold: int) -> "VictimSupport":
        table = staged_table(staged_dir, "victim_support")
        code = reference.boroughs().set_index("borough_name")["borough_code"][borough]
        year = report_year(period_end)
        table = table[table["quarter_start"] <= pd.Timestamp(period_end)]
        quarters = sorted(table["quarter_start"].unique())
        firsts = [q for q in quarters if q.month == FIRST_QUARTER_MONTH and q.year <= year]
        if not firsts:
            raise DataError(f"the Victim Support extract (victim_support/) has no first quarter (April to June) "
                            f"of a financial year up to {year}")
        return cls(borough=borough, borough_code=code, year=year, threshold=threshold, table=table,
                   first_quarter=pd.Timestamp(firsts[-1]),
                   year_quarters=[pd.Timestamp(q) for q in quarters if q.year == year])

    # -- building blocks -------------------------------------------------------
    def _rows(self, quarters, *, measure: str = "referrals", borough: bool = True) -> pd.DataFrame:
        rows = self.table[self.table["quarter_start"].isin(list(quarters)) & (self.table["measure"] == measure)]
        here = rows["borough_code"] == self.borough_code
        return rows[here if borough else ~here]

    def total(self, quarters, *, measure: str = "referrals", borough: bool = True) -> int:
        rows = self._rows(quarters, measure=measure, borough=borough)
        return int(rows.loc[rows["dimension"] == "total", "count"].sum())

    def breakdown(self, quarters, dimension: str, *, borough: bool = True) -> pd.Series:
        """Referrals by category of ``dimension`` over ``quarters``, largest first."""
        rows = self._rows(quarters, borough=borough)
        rows = rows[rows["dimension"] == dimension]
        return rows.groupby("category")["count"].sum().sort_values(ascending=False, kind="stable")

    @property
    def financial_year(self) -> str:
        start = self.first_quarter.year
        return f"{start}/{str(start + 1)[-2:]}"

    def comparison(self) -> pd.DataFrame:
        """First quarter of the financial year: the borough's shares against the rest of London's, with z-tests."""
        quarter = [self.first_quarter]
        total, rest_total = self.total(quarter), self.total(quarter, borough=False)
        rows = []
        for key, dimension, category, label in COMPARED:
            n = int(self.breakdown(quarter, dimension).get(category, 0))
            rest = int(self.breakdown(quarter, dimension, borough=False).get(category, 0))
            rows.append({"key": key, "label": label, "n": n, "total": total,
                         "share": n / total * 100 if total else np.nan, "basis": disclosure_basis(n, total),
                         "rest_n": rest, "rest_total": rest_total,
                         "rest_share": rest / rest_total * 100 if rest_total else np.nan,
                         "rest_basis": disclosure_basis(rest, rest_total),
                         **ztest_columns(n, total, rest, rest_total)})
        # The compared groups are one family of tests (MULTIPLICITY_POLICY): Holm-adjusted.
        frame = holm_within(pd.DataFrame(rows))
        frame["n_text"] = [CONFIDENTIAL if is_small(b, self.threshold) and not is_small(n, self.threshold)
                           else format_value(n, "count", threshold=self.threshold)
                           for n, b in zip(frame["n"], frame["basis"])]
        frame["test_basis"] = [min(b, r) if b and r else max(b, r) for b, r in zip(frame["basis"], frame["rest_basis"])]
        frame["significant_text"] = [CONFIDENTIAL if is_small(row.test_basis, self.threshold) else
                                     "–" if pd.isna(row.p) else "Yes" if row.significant else "No"
                                     for row in frame.itertuples()]
        frame["finding"] = [_finding(row, self.borough, self.threshold) for row in frame.itertuples()]
        return frame


def _finding(row, borough: str, threshold: int) -> str:
    if is_small(row.basis, threshold):
        return f"Too few referrals in {borough} to publish"
    if is_small(row.rest_basis, threshold):
        return "Too few referrals in the rest of London to publish"
    if pd.isna(row.p):
        return "Not tested"
    if not row.significant:
        return "No significant difference"
    return f"Significantly {'higher' if row.share > row.rest_share else 'lower'} in {borough}"


def _quarter_name(start: pd.Timestamp) -> str:
    end = start + pd.DateOffset(months=2)
    return phrase("victim-support", "quarter", first=f"{start:%B}", last=f"{end:%B %Y}")


# -- artifacts -----------------------------------------------------------------------

def table_victim_support_comparison(analysis: VictimSupport) -> Table:
    a = analysis
    frame = a.comparison()
    return Table(
        id="tbl-victim-support-comparison",
        caption=f"Referrals to Victim Support, {a.borough} against the rest of London, "
                f"{_quarter_name(a.first_quarter)} (first quarter of {a.financial_year})",
        data=frame,
        columns=[Column("Referrals", "label", "text"),
                 Column(a.borough, "n_text", "text"),
                 Column(f"% of {a.borough}'s referrals", "share", "percent", 1, basis="basis"),
                 Column("% of the rest of London's", "rest_share", "percent", 1, basis="rest_basis"),
                 Column("p-value (two-proportion z-test, Holm-adjusted)", "p", "pvalue", 3, basis="test_basis"),
                 Column("Finding", "finding", "text")],
        source=SOURCE,
        notes=(f"Referrals in the quarter: {a.borough} {format_value(a.total([a.first_quarter]), 'count', threshold=a.threshold)}, "
               f"rest of London {a.total([a.first_quarter], borough=False):,}. All crime types, not VAWG alone.",),
    )


# -- prose ---------------------------------------------------------------------------

def _share(a: VictimSupport, part: int, total: int) -> tuple:
    return (part / total * 100 if total else float("nan"), "percent", 1, disclosure_basis(part, total))


def prose_values(analysis: VictimSupport) -> dict[str, tuple]:
    """Every number and data-driven sentence the section quotes: ``{key: (value, kind, decimals[, basis])}``."""
    a = analysis
    q1 = [a.first_quarter]
    compared = a.comparison().set_index("key")
    values: dict[str, tuple] = {
        "victim_support.year": (str(a.year), "text", 0),
        "victim_support.quarter": (_quarter_name(a.first_quarter), "text", 0),
        "victim_support.financial_year": (a.financial_year, "text", 0),
        "victim_support.q1_referrals": (a.total(q1), "count", 0),
        "victim_support.q1_cases_supported": (a.total(q1, measure="cases_supported"), "count", 0),
        "victim_support.q1_rest_referrals": (a.total(q1, borough=False), "count", 0),
        "victim_support.comparison_sentence": (_comparison_sentence(a, compared), "text", 0),
    }
    for key in compared.index:
        row = compared.loc[key]
        values[f"victim_support.q1_{key}_share"] = (row["share"], "percent", 1, row["basis"])
        values[f"victim_support.q1_rest_{key}_share"] = (row["rest_share"], "percent", 1, row["rest_basis"])
    values.update(_year_values(a))
    return values


def _comparison_sentence(a: VictimSupport, compared: pd.DataFrame) -> str:
    """Which of the compared shares differ significantly, and which cannot be published."""
    small = compared["test_basis"].map(lambda n: is_small(n, a.threshold))
    shown, hidden = compared[~small], compared[small]
    def words(key: str) -> str:
        return phrase("victim-support", "share", key)

    higher = [words(k) for k, r in shown.iterrows() if r["significant"] and r["share"] > r["rest_share"]]
    lower = [words(k) for k, r in shown.iterrows() if r["significant"] and r["share"] < r["rest_share"]]
    same = [words(k) for k, r in shown.iterrows() if not r["significant"]]
    parts = []
    if higher:
        parts.append(phrase("victim-support", "higher", "several" if len(higher) > 1 else "one",
                            shares=join_words(higher), borough=a.borough))
    if lower:
        parts.append(phrase("victim-support", "lower", "several" if len(lower) > 1 else "one", shares=join_words(lower)))
    if same:
        parts.append(phrase("victim-support", "no_different", "several" if len(same) > 1 else "one",
                            shares=join_words(same)))
    sentences = [phrase("victim-support", "comparison", findings="; ".join(parts))] if parts else []
    if len(hidden):
        sentences.append(phrase("victim-support", "hidden", Shares=join_words([words(k) for k in hidden.index])
                                .capitalize(), borough=a.borough))
    return " ".join(sentences)


def _year_values(a: VictimSupport) -> dict[str, tuple]:
    quarters = a.year_quarters
    total = a.total(quarters)
    values: dict[str, tuple] = {
        "victim_support.year_quarters": (
            phrase("victim-support", "year_quarters", "whole", year=a.year) if len(quarters) == 4 else
            phrase("victim-support", "year_quarters", "one", quarters=1, year=a.year) if len(quarters) == 1 else
            phrase("victim-support", "year_quarters", "several", quarters=len(quarters), year=a.year), "text", 0),
        "victim_support.year_referrals": (total, "count", 0),
        "victim_support.year_cases_supported": (a.total(quarters, measure="cases_supported"), "count", 0),
    }
    source = a.breakdown(quarters, "referral_source")
    values["victim_support.year_police_share"] = _share(a, int(source.get("Police", 0)), total)
    crimes = a.breakdown(quarters, "crime_category")
    shown = _top_sentence(a, crimes, total)
    several = shown.count("(") > 1
    values["victim_support.year_crime_sentence"] = (
        phrase("victim-support", "year_crime", "several" if several else "one", types=shown) if "(" in shown else
        phrase("victim-support", "year_crime", "too_few"), "text", 0)
    sex = a.breakdown(quarters, "sex")
    values["victim_support.year_female_share"] = _share(a, int(sex.get("Female", 0)), total)
    disability = a.breakdown(quarters, "disability")
    values["victim_support.year_disabled_share"] = _share(a, int(disability.get("Yes", 0)), total)
    for dimension in ("ethnicity", "religion", "sexual_orientation", "disability"):
        counts = a.breakdown(quarters, dimension)
        values[f"victim_support.year_{dimension}_not_disclosed_share"] = _share(
            a, int(counts.get(NOT_DISCLOSED, 0)), total)
    ages = a.breakdown(quarters, "age_band").drop(NOT_DISCLOSED, errors="ignore")
    values["victim_support.year_age_sentence"] = (_top_sentence(a, ages, total, ages=True, limit=1), "text", 0)
    return values


def _top_sentence(a: VictimSupport, counts: pd.Series, total: int, *, ages: bool = False, limit: int = 3) -> str:
    """"violence without injury (35.0%), stalking and harassment (21.0%) and other crime (13.1%)"."""
    shown = [(name, n) for name, n in counts.items() if n > 0 and not is_small(disclosure_basis(n, total),
                                                                                  a.threshold)][:limit]
    if not shown or not total:
        return phrase("victim-support", "too_few")
    return join_words([f"{phrase('victim-support', 'age_band', band=name) if ages else name.lower()} "
                       f"({n / total * 100:.1f}%)" for name, n in shown])
