"""Chapter 3, the abuse-type sections: one section per abuse type, from domestic abuse to stalking.

Artifact ids and the functions that make them:

- ``tbl-abuse-type-profile``   :func:`table_abuse_type_profile`   (counts, rates and shares with 95% CIs, ranks)
- ``tbl-december-changes``     :func:`table_december_changes`     (December to December changes with tests)
- values ``types.*``           :func:`prose_values`

The control charts of the sections (seed Figures 6–10) are made by
:mod:`vawg.analysis.police.monthly`. Every abuse type of ``data/reference/abuse_types.csv``
gets values; a type no police offence sets (economic abuse) gets a sentence saying
so, computed from the same file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from vawg.foundations import reference
from vawg.writing.artifacts import Column, Table
from vawg.foundations.wording import direction, join_words, phrase, significance, slug
from vawg.foundations.methods_used import uses
from vawg.analysis.police.monthly import CONTROL_CHART_TYPES, MonthlyRates, limits_description, signal_summary
from vawg.analysis.police.offences import (ABUSE_TYPES_OVERLAP, abuse_type_flags, count_groups, load_offences,
                                          measured_abuse_types)
from vawg.analysis.police.recorded_offences import SIGNED_RANGE, SOURCE, TABLE_RANGE, RecordedOffences, range_texts
from vawg.foundations.suppression import interval_texts
from vawg.analysis.denominators import denominators, load_population
from vawg.foundations.suppression import HIDDEN, Relation, format_percent, hidden_basis, protect
from vawg.foundations.stats.changes import change_dispersion, rate_change_test
from vawg.foundations.stats.comparisons import TestResult, percent_difference, rank_highest_first, two_proportion_ztest
from vawg.foundations.stats.intervals import byar_interval, wilson_interval
from vawg.foundations.stats.profiles import adjust_p_values, holm_within

ANNUAL_YEARS = 6  # the abuse-type trends reach one year further back than the overall trend (2019 to 2024)


@dataclass
class AbuseTypeSections:
    """Everything the abuse-type sections report, computed once from the staged data."""

    recorded: RecordedOffences   # the recorded-offences section: Table 2's comparisons, ranks, years
    monthly: MonthlyRates
    annual: pd.DataFrame         # (borough_code, year) → counts, every year of the extract up to the report year
    female: pd.DataFrame         # borough_code × year → female residents, for annual_years
    groups: pd.DataFrame         # (borough_code, crime_group) → all_crime and abuse-type counts, report year
    first_year_groups: pd.DataFrame  # the same for the first of annual_years
    annual_years: list[int]
    _cache: dict = field(default_factory=dict, repr=False)

    @classmethod
    def compute(cls, staged_dir: Path | str, *, borough: str, period_end: str, threshold: int) -> "AbuseTypeSections":
        recorded = RecordedOffences.compute(staged_dir, borough=borough, period_end=period_end, threshold=threshold)
        offences = load_offences(staged_dir)
        monthly = MonthlyRates.compute(staged_dir, borough=borough, period_end=period_end, threshold=threshold,
                                       offences=offences)
        year = recorded.year
        available = sorted(recorded.annual.index.get_level_values("year").unique())
        annual_years = [y for y in available if year - ANNUAL_YEARS < y <= year]
        codes = recorded.annual.index.get_level_values("borough_code").unique()
        female = denominators(load_population(staged_dir), annual_years, sex="F").loc[codes]
        return cls(recorded=recorded, monthly=monthly, annual=recorded.annual, female=female,
                   groups=_group_counts(offences, year), first_year_groups=_group_counts(offences, annual_years[0]),
                   annual_years=annual_years)

    @property
    def borough(self) -> str:
        return self.recorded.borough

    @property
    def code(self) -> str:
        return self.recorded.borough_code

    @property
    def year(self) -> int:
        return self.recorded.year

    @property
    def threshold(self) -> int:
        return self.recorded.threshold

    # -- one abuse type ---------------------------------------------------------------
    def annual_series(self, measure: str, area: str = "borough") -> pd.DataFrame:
        """Count, female residents and rate per 1,000 for each year of ``annual_years``."""
        rows = []
        for year in self.annual_years:
            counts = self.annual.xs(year, level="year")[measure]
            population = self.female[year].reindex(counts.index)
            if area == "borough":
                count, people = counts.get(self.code, 0), population.get(self.code, 0)
            else:
                keep = counts.index if area == "london" else counts.index.drop(self.code, errors="ignore")
                count, people = counts[keep].sum(), population[keep].sum()
            rows.append({"year": year, "count": int(count), "population": int(people), "rate": count / people * 1000})
        return pd.DataFrame(rows).set_index("year")

    def change_test(self, measure: str, before: int, after: int) -> TestResult:
        """Did the borough's rate of ``measure`` change between two years? Quasi-Poisson, with the dispersion
        of every borough's own change (:func:`vawg.foundations.stats.changes.change_dispersion`)."""
        b, a = self.annual_series(measure).loc[before], self.annual_series(measure).loc[after]
        counts = [self.annual.xs(year, level="year")[measure] for year in (before, after)]
        codes = counts[0].index
        dispersion = change_dispersion(counts[0], counts[1].reindex(codes, fill_value=0),
                                       self.female[before].reindex(codes), self.female[after].reindex(codes))
        return rate_change_test(int(b["count"]), b["population"], int(a["count"]), a["population"],
                                dispersion=dispersion)

    @uses(metric="borough_rank")
    def rank(self, measure: str, year: int | None = None) -> tuple[int, int]:
        year = year or self.year
        counts = self.annual.xs(year, level="year")[measure]
        rates = counts / self.female[year].reindex(counts.index) * 1000
        return int(rank_highest_first(rates)[self.code]), int(rates.size)

    @uses(metric="abuse_type_share_of_group")
    def group_shares(self, measure: str, groups: pd.DataFrame | None = None) -> pd.DataFrame:
        """By crime group: the type's offences, the share of the group they make up, and the same for London."""
        groups = self.groups if groups is None else groups
        borough = groups.xs(self.code, level="borough_code") if self.code in groups.index.get_level_values(0) \
            else groups.iloc[0:0].droplevel(0)
        london = groups.groupby(level="crime_group").sum()
        # Every crime group of the categorisation (Appendix 6b), so the prose can quote any of them.
        every = pd.Index(reference.crime_categorisation()["crime_group"].unique(), name="crime_group")
        borough, london = borough.reindex(every, fill_value=0), london.reindex(every, fill_value=0)
        frame = pd.DataFrame({
            "count": borough[measure], "group_total": borough["all_crime"],
            "london_count": london[measure], "london_group_total": london["all_crime"],
        }).fillna(0)
        frame["share_of_group"] = frame["count"] / frame["group_total"].where(frame["group_total"] > 0) * 100
        frame["london_share_of_group"] = frame["london_count"] / frame["london_group_total"].where(
            frame["london_group_total"] > 0) * 100
        total = frame["count"].sum()
        frame["share_of_type"] = frame["count"] / total * 100 if total else float("nan")
        return frame.sort_values("count", ascending=False)

    # -- all abuse types ------------------------------------------------------------------
    def profile(self) -> pd.DataFrame:
        """One row per measured abuse type: count, rate, share of VAWG (with 95% CIs), rank, comparisons."""
        if "profile" not in self._cache:
            self._cache["profile"] = self._profile()
        return self._cache["profile"].copy()

    def _profile(self) -> pd.DataFrame:
        a, y = self.recorded, self.year
        table = a.abuse_type_comparison().set_index("abuse_type")
        vawg, rest_vawg = a.count("all_vawg", y), a.count("all_vawg", y, area="rest")
        london_vawg = a.count("all_vawg", y, area="london")
        rows = []
        for abuse_type, row in table.iterrows():
            count, rest_count = int(row["borough_count"]), int(row["rest_count"])
            rate_ci = byar_interval(count, a.population(y))
            share_ci = wilson_interval(count, vawg)
            share_test = two_proportion_ztest(count, vawg, rest_count, rest_vawg) if abuse_type != "all_vawg" else None
            rank, size = self.rank(abuse_type)
            rows.append({
                "abuse_type": abuse_type, "label": row["label"], "count": count,
                "rate": row["borough_rate"], "rate_lower": rate_ci.lower, "rate_upper": rate_ci.upper,
                "rest_rate": row["rest_rate"], "london_rate": row["london_rate"],
                "percent_difference": row["percent_difference"], "p": row["p"], "significant": row["significant"],
                "rate_ratio": row["rate_ratio"], "ratio_lower": row["ratio_lower"], "ratio_upper": row["ratio_upper"],
                "rest_count": rest_count,
                "rank": rank if count > 0 else float("nan"), "boroughs": size,
                "share_of_vawg": count / vawg * 100, "share_lower": share_ci.lower * 100,
                "share_upper": share_ci.upper * 100,
                "rest_share_of_vawg": rest_count / rest_vawg * 100,
                "london_share_of_vawg": a.count(abuse_type, y, area="london") / london_vawg * 100,
                "share_p": share_test.p_value if share_test else float("nan"),
                "share_significant": bool(share_test and share_test.significant),
                "share_of_crime": count / a.count("all_crime", y) * 100,
                "london_share_of_crime": a.count(abuse_type, y, area="london") / a.count("all_crime", y, area="london") * 100,
            })
        return holm_within(pd.DataFrame(rows), p="share_p", significant="share_significant")

    def december_changes(self) -> pd.DataFrame:
        """December of the report year against the December before, borough and rest of London, every type."""
        if "december" not in self._cache:
            self._cache["december"] = self._december_changes()
        return self._cache["december"].copy()

    def _december_changes(self) -> pd.DataFrame:
        rows = []
        for abuse in measured_abuse_types().itertuples():
            borough = self.monthly.december_change(abuse.abuse_type)
            rest = self.monthly.december_change(abuse.abuse_type, "rest")
            if borough is None or rest is None:
                continue
            difference = self.monthly.december_difference(abuse.abuse_type)
            rows.append({
                "abuse_type": abuse.abuse_type, "label": abuse.label,
                "before": borough.before, "after": borough.after, "smaller": min(borough.before, borough.after),
                "rate_before": borough.rate_before, "rate_after": borough.rate_after,
                "change": borough.change, "p": borough.test.p_value, "significant": borough.test.significant,
                "change_lower": (borough.ratio.lower - 1) * 100, "change_upper": (borough.ratio.upper - 1) * 100,
                "rest_change_lower": (rest.ratio.lower - 1) * 100, "rest_change_upper": (rest.ratio.upper - 1) * 100,
                "rest_before": rest.before, "rest_after": rest.after,
                "rest_smaller": min(rest.before, rest.after),
                "rest_change": rest.change, "rest_p": rest.test.p_value, "rest_significant": rest.test.significant,
                "difference_p": difference.p_value if difference else float("nan"),
                "difference_significant": bool(difference and difference.significant),
                "difference_text": "Not tested" if difference is None else "Yes" if difference.significant else "No",
            })
        table = pd.DataFrame(rows)
        # Each column of tests (borough, rest of London, difference) is one family across the abuse types.
        for p, significant in (("p", "significant"), ("rest_p", "rest_significant"),
                               ("difference_p", "difference_significant")):
            table = holm_within(table, p=p, significant=significant)
        if len(table):
            table["difference_text"] = ["Not tested" if pd.isna(p) else "Yes" if p < 0.05 else "No"
                                        for p in table["difference_p"]]
        return table


def _group_counts(offences: pd.DataFrame, year: int) -> pd.DataFrame:
    """All crime and abuse-type counts by borough and crime group in ``year``."""
    in_year = offences[offences["recorded_date"].dt.year == year]
    flags = abuse_type_flags(in_year)
    flags["all_crime"] = True
    return count_groups(flags, [in_year["borough_code"], in_year["crime_group"]])


# -- artifacts -----------------------------------------------------------------------

def table_abuse_type_profile(sections: AbuseTypeSections) -> Table:
    table = sections.profile()
    threshold = sections.threshold
    table["rate_ci"] = interval_texts(table["rate_lower"], table["rate_upper"], table["count"], threshold, 2,
                                      separator=TABLE_RANGE)
    table["share_ci"] = interval_texts(table["share_lower"], table["share_upper"], table["count"], threshold, 1, "%",
                                       separator=TABLE_RANGE)
    return Table(
        id="tbl-abuse-type-profile",
        caption=(f"VAWG offences by abuse type in {sections.borough}, {sections.year}: rate, rank among the London "
                 "boroughs and share of all VAWG offences, with 95% confidence intervals"),
        data=table,
        columns=[
            Column("Abuse type", "label", "text"),
            Column("Offences", "count", "count"),
            Column("Rate per 1,000 female residents", "rate", "number", 2, basis="count"),
            Column("Rate 95% CI", "rate_ci", "text"),
            Column("Rank of boroughs (1 = highest rate)", "rank", "rank", basis="count"),
            Column("Share of VAWG offences (%)", "share_of_vawg", "number", 1, basis="count"),
            Column("Share 95% CI", "share_ci", "text"),
            Column("Rest of London share (%)", "rest_share_of_vawg", "number", 1),
        ],
        source=SOURCE,
        rows_do_not_add_up=ABUSE_TYPES_OVERLAP + " The shares add up to more than 100%.",
        notes=(
            "95% CI: confidence interval by Byar's method for rates and the Wilson score method for shares.",
            f"Ranks are among the {int(table['boroughs'].max())} London boroughs the police data cover.",
            f"[c]: not shown because it rests on fewer than {threshold} offences; <{threshold}: a count below "
            f"{threshold}.",
        ),
    )


def table_december_changes(sections: AbuseTypeSections) -> Table:
    table = sections.december_changes()
    for prefix in ("", "rest_"):
        table[f"{prefix}change_ci"] = range_texts(table[f"{prefix}change_lower"], table[f"{prefix}change_upper"], 1,
                                                  "%", separator=SIGNED_RANGE, signed=True) if len(table) else []
    y = sections.year
    return Table(
        id="tbl-december-changes",
        caption=(f"VAWG offences in December {y - 1} and December {y} by abuse type, {sections.borough} and the "
                 f"rest of London, with tests of the change. Rows where {sections.borough}'s change is statistically "
                 "significant are in bold."),
        data=table,
        columns=[
            Column("Abuse type", "label", "text"),
            Column(f"{sections.borough}, Dec {y - 1}", "before", "count"),
            Column(f"{sections.borough}, Dec {y}", "after", "count"),
            # A change or p-value rests on both months' counts: with one of them shown, the test inverts.
            Column(f"{sections.borough} change in rate", "change", "change", 1, basis=("before", "after")),
            Column("95% CI", "change_ci", "text", basis=("before", "after")),
            Column("p-value", "p", "pvalue", 3, basis=("before", "after")),
            Column("Rest of London change in rate", "rest_change", "change", 1, basis=("rest_before", "rest_after")),
            Column("95% CI (rest of London)", "rest_change_ci", "text", basis=("rest_before", "rest_after")),
            Column("p-value (rest of London)", "rest_p", "pvalue", 3, basis=("rest_before", "rest_after")),
            Column("Change differs from other boroughs' (p < 0.05)", "difference_text", "text",
                   basis=("before", "after", "rest_before", "rest_after")),
        ],
        source=SOURCE,
        rows_do_not_add_up=ABUSE_TYPES_OVERLAP,
        notes=(
            "Change in the rate per 1,000 female residents from one December to the next. Each p-value is from a "
            "quasi-Poisson score test of the ratio of the two rates, its variance scaled by how much the London "
            "boroughs' own December changes vary beyond Poisson variation; whether the borough's change differs "
            "from the other boroughs' is tested with a quasi-Poisson regression of every borough's two Decembers.",
            "In each p-value column the p-values are adjusted by Holm's method for the number of abuse types tested.",
            "95% CI: confidence interval of the change, from the ratio of the two December rates (log rate ratio "
            "interval, widened by the same quasi-Poisson scaling as the test). It is not adjusted for the number of "
            "types, so it can leave out 0 where the adjusted p-value is above 0.05.",
            "December to December spans the police recording change of the year where there is one, so part of a "
            "change can reflect recording rather than offending.",
            f"[c]: not shown because it rests on fewer than {sections.threshold} offences.",
        ),
        emphasis="significant",
    )


# -- prose values --------------------------------------------------------------------------

# Crime groups the sections' prose names; each abuse type also gets the groups that hold at least
# MIN_GROUP_SHARE % of its offences across London.
PROSE_GROUPS = ("Violence Against The Person", "Public Order Offences", "Sexual Offences")
MIN_GROUP_SHARE = 1.0



def _verdict(significant: bool, difference: float) -> str:
    if not significant:
        return phrase("abuse-type-sections", "verdict", "not_different")
    return phrase("abuse-type-sections", "verdict", "higher" if difference > 0 else "lower")


def _significant_text(p: float) -> str:
    return phrase("abuse-type-sections", "significance", "significant" if p < 0.05 else "not_significant")


def _p_text(p: float) -> str:
    """"p < 0.001", "p = 0.004", "p = 0.21"."""
    if pd.isna(p):
        return phrase("abuse-type-sections", "p_not_tested")
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}" if p < 0.01 else f"p = {p:.2f}"


def december_sentence(d: pd.Series, threshold: int, previous_year: int) -> str:
    """What follows "Between December Y-1 and December Y, ": the comparison in words, with nothing in it that
    rests on a hidden count.

    Where the borough's December counts are too small to publish, the sentence says so instead of
    printing "[c] rise ([c], [c])"; the rest of London's change (always large) is still given.
    """
    def change(whose: str, before: float, after: float, value: float, p: float) -> str:
        if hidden_basis((before, after), threshold):
            return phrase("abuse-type-sections", "change", "hidden", whose=whose)
        if pd.isna(value):
            return phrase("abuse-type-sections", "change", "no_december", whose=whose, previous_year=previous_year)
        return phrase("abuse-type-sections", "change", "rise" if value > 0 else "fall", whose=whose,
                      change=format_percent(abs(value), 1), significance=_significant_text(p), p=_p_text(p))

    borough_hidden = hidden_basis((d["before"], d["after"]), threshold)
    text = phrase("abuse-type-sections", "december",
                  borough_change=change(phrase("abuse-type-sections", "whose", "borough"), d["before"], d["after"], d["change"],
                                        d["p"]),
                  rest_change=change(phrase("abuse-type-sections", "whose", "rest"), d["rest_before"], d["rest_after"],
                                     d["rest_change"], d["rest_p"]))
    if not borough_hidden and not pd.isna(d["change"]):
        if pd.isna(d["difference_p"]):
            text += " " + phrase("abuse-type-sections", "december_difference", "not_tested")
        else:
            text += " " + phrase("abuse-type-sections", "december_difference",
                                 "differed" if d["difference_significant"] else "did_not_differ",
                                 p=_p_text(d["difference_p"]))
    return text


def _yearly_range(fewest: int, most: int, threshold: int) -> str:
    """"between 7 and 14", "fewer than 7 in every year" … without revealing a count below the threshold."""
    if most < threshold:
        return (phrase("abuse-type-sections", "yearly_range", "none") if most == 0 else
                phrase("abuse-type-sections", "yearly_range", "all_small", threshold=threshold))
    low = phrase("abuse-type-sections", "fewer_than", threshold=threshold) if 0 < fewest < threshold else f"{fewest:,}"
    return phrase("abuse-type-sections", "yearly_range", "range", fewest=low, most=f"{most:,}")


def prose_values(sections: AbuseTypeSections) -> dict[str, tuple]:
    """Every number and data-driven word the abuse-type sections quote: ``{key: (value, kind, decimals[, basis])}``."""
    s, y = sections, sections.year
    profile = s.profile().set_index("abuse_type").drop("all_vawg", errors="ignore")
    december = s.december_changes().set_index("abuse_type")
    recorded = s.recorded
    base, end = recorded.years[0], recorded.comparable_end_year()
    values: dict[str, tuple] = {
        "types.year": (str(y), "text", 0),
        "types.previous_year": (str(y - 1), "text", 0),
        "types.first_year": (str(s.annual_years[0]), "text", 0),
        "types.trend_first_year": (str(base), "text", 0),
        "types.comparable_end_year": (str(end), "text", 0),
        "types.boroughs": (int(profile["boroughs"].max()), "number", 0),
        "types.recording_change": (recorded.recording_change(), "text", 0),
        "types.chart_first_month": (f"{s.monthly.months[0]:%B %Y}", "text", 0),
        "types.chart_last_month": (f"{s.monthly.months[-1]:%B %Y}", "text", 0),
        "types.limits_description": (limits_description(s.monthly.control_chart("all_vawg"),
                                                         recorded.recording_change()), "text", 0),
    }
    # The change tests are two families across the abuse types (MULTIPLICITY_POLICY): base year to the last
    # comparable year, and last year to this year; each is Holm-adjusted over the types.
    change_tests = {name: pd.Series({t: s.change_test(t, before, after) for t in profile.index}, dtype=object)
                    for name, (before, after) in (("to_end", (base, end)), ("yoy", (y - 1, y)))}
    for name, tests in change_tests.items():
        adjusted = adjust_p_values([test.p_value for test in tests]) if len(tests) else []
        change_tests[name] = {t: TestResult(test.statistic, float(p)) for (t, test), p in zip(tests.items(), adjusted)}
    for abuse_type, row in profile.iterrows():
        key, count = f"types.{abuse_type}", row["count"]
        london_count = s.recorded.count(abuse_type, y, area="london")
        # London = borough + rest of London; both parts are published (here and in Figure 5's data), so
        # London's count is what gives way when either part is hidden.
        areas = protect({"borough": count, "rest": london_count - count, "london": london_count},
                        [Relation("london", ("borough", "rest"))], s.threshold, keep=("borough", "rest"))
        series, london = s.annual_series(abuse_type), s.annual_series(abuse_type, "london")
        comparable = series.loc[[year for year in series.index if base <= year <= end]]
        peak = comparable["rate"].idxmax()
        most, fewest = series["count"].idxmax(), series["count"].idxmin()
        change_test = change_tests["to_end"][abuse_type]
        change = percent_difference(series.loc[end, "rate"], series.loc[base, "rate"])
        yoy_test = change_tests["yoy"][abuse_type]
        yoy = percent_difference(series.loc[y, "rate"], series.loc[y - 1, "rate"])
        first = s.annual_years[0]
        values.update({
            f"{key}.count": (count, "count", 0),
            f"{key}.london_count": (london_count, "count", 0, HIDDEN if "london" in areas else None),
            f"{key}.rate": (row["rate"], "number", 2, count),
            f"{key}.rate_ci": (interval_texts([row["rate_lower"]], [row["rate_upper"]], [count], s.threshold, 2)[0],
                               "text", 0),
            f"{key}.rest_rate": (row["rest_rate"], "number", 2),
            f"{key}.london_rate": (row["london_rate"], "number", 2),
            f"{key}.difference": (abs(row["percent_difference"]), "percent", 1, count),
            f"{key}.direction": (direction(row["percent_difference"]), "text", 0),
            f"{key}.rate_ratio": (row["rate_ratio"], "number", 2, (count, row["rest_count"])),
            f"{key}.rate_ratio_ci": (range_texts([row["ratio_lower"]], [row["ratio_upper"]], 2, separator=" to ")[0],
                                     "text", 0, (count, row["rest_count"])),
            # A test of one hidden count against the rest of London can be inverted: hidden with the count.
            f"{key}.significance": (significance(row["p"]), "text", 0, count),
            f"{key}.significant_text": (_significant_text(row["p"]), "text", 0, count),
            f"{key}.p": (_p_text(row["p"]), "text", 0, count),
            f"{key}.verdict": (_verdict(row["significant"], row["percent_difference"]), "text", 0, count),
            f"{key}.rank": (row["rank"], "rank", 0, count),
            f"{key}.share_of_vawg": (row["share_of_vawg"], "percent", 1, count),
            f"{key}.share_ci": (interval_texts([row["share_lower"]], [row["share_upper"]], [count], s.threshold, 1,
                                               "%")[0], "text", 0),
            f"{key}.rest_share_of_vawg": (row["rest_share_of_vawg"], "percent", 1),
            f"{key}.london_share_of_vawg": (row["london_share_of_vawg"], "percent", 1),
            f"{key}.share_difference": (abs(percent_difference(row["share_of_vawg"], row["rest_share_of_vawg"])),
                                        "percent", 1, count),
            f"{key}.share_direction": (direction(row["share_of_vawg"] - row["rest_share_of_vawg"]), "text", 0),
            f"{key}.share_significance": (significance(row["share_p"]), "text", 0, count),
            f"{key}.share_p": (_p_text(row["share_p"]), "text", 0, count),
            f"{key}.share_of_crime": (row["share_of_crime"], "percent", 2 if row["share_of_crime"] < 0.1 else 1, count),
            f"{key}.london_share_of_crime": (row["london_share_of_crime"], "percent", 1),
            f"{key}.first_year_rate": (series.loc[first, "rate"], "number", 2, series.loc[first, "count"]),
            f"{key}.london_base_rate": (london.loc[base, "rate"], "number", 2),
            f"{key}.london_end_rate": (london.loc[end, "rate"], "number", 2),
            f"{key}.peak_year": (str(peak), "text", 0),
            f"{key}.peak_rate": (comparable.loc[peak, "rate"], "number", 2, comparable.loc[peak, "count"]),
            f"{key}.min_rate": (series["rate"].min(), "number", 2, series["count"].min()),
            f"{key}.max_rate": (series["rate"].max(), "number", 2, series["count"].max()),
            f"{key}.most_year": (str(most), "text", 0),
            f"{key}.most_count": (series.loc[most, "count"], "count", 0),
            f"{key}.fewest_year": (str(fewest), "text", 0),
            f"{key}.fewest_count": (series.loc[fewest, "count"], "count", 0),
            f"{key}.yearly_range": (_yearly_range(int(series["count"].min()), int(series["count"].max()),
                                                  s.threshold), "text", 0),
            f"{key}.pooled_count": (int(series.loc[base:, "count"].sum()), "count", 0),
            f"{key}.pooled_london_count": (int(london.loc[base:, "count"].sum()), "count", 0),
            f"{key}.change_to_end": (abs(change), "percent", 1, min(series.loc[base, "count"], series.loc[end, "count"])),
            f"{key}.change_to_end_direction": (direction(change, "rose", "fell"), "text", 0),
            f"{key}.change_to_end_significance": (significance(change_test), "text", 0,
                                                  (series.loc[base, "count"], series.loc[end, "count"])),
            f"{key}.previous_year_rate": (series.loc[y - 1, "rate"], "number", 2, series.loc[y - 1, "count"]),
            f"{key}.yoy_change": (abs(yoy), "percent", 1, min(series.loc[y - 1, "count"], count)),
            f"{key}.yoy_direction": (direction(yoy, "rose", "fell"), "text", 0),
            f"{key}.yoy_significance": (significance(yoy_test), "text", 0, (series.loc[y - 1, "count"], count)),
        })
        groups = s.group_shares(abuse_type)
        top = groups[groups["count"] > 0].head(2)
        values[f"{key}.top_groups"] = (join_words([name.lower() for name in top.index])
                                       or phrase("abuse-type-sections", "no_groups"), "text", 0)
        quoted = groups.index[groups.index.isin(PROSE_GROUPS)
                              | (groups["london_count"] / max(groups["london_count"].sum(), 1) * 100 >= MIN_GROUP_SHARE)]
        first_groups = s.group_shares(abuse_type, s.first_year_groups)
        for group in quoted:
            group_key = f"{key}.groups.{slug(group)}"
            shares, earlier = groups.loc[group], first_groups.loc[group]
            values[f"{group_key}.share"] = (shares["share_of_group"], "percent", 1, shares["count"])
            values[f"{group_key}.london_share"] = (shares["london_share_of_group"], "percent", 1)
            values[f"{group_key}.first_year_share"] = (earlier["share_of_group"], "percent", 1, earlier["count"])
        if abuse_type in CONTROL_CHART_TYPES and abuse_type in december.index:
            d = december.loc[abuse_type]
            # One sentence per comparison, so a hidden count never leaves "[c] rise ([c], [c])" in the prose.
            values[f"{key}.dec.sentence"] = (december_sentence(d, s.threshold, y - 1), "text", 0)
            values[f"{key}.spc_borough"] = (signal_summary(s.monthly.control_chart(abuse_type), s.borough), "text", 0)
            values[f"{key}.spc_london"] = (signal_summary(s.monthly.control_chart(abuse_type, "london"), "London"),
                                           "text", 0)
    types = reference.abuse_types()
    for row in types[types["rule"] == "none"].itertuples():
        values[f"types.{row.abuse_type}.police_data"] = (phrase("abuse-type-sections", "police_data", label=row.label.lower()),
                                                         "text", 0)
    return values
