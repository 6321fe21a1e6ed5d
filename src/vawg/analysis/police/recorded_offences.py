"""Chapter 3, "Recorded VAWG offences": Figures 3–5, Table 2 and the section's prose values.

Artifact ids and the functions that make them:

- ``fig-vawg-share-of-crime``   :func:`figure_vawg_share_of_crime`   (seed Figure 3)
- ``fig-vawg-rate-trend``       :func:`figure_vawg_rate_trend`       (seed Figure 4)
- ``fig-abuse-type-rates``      :func:`figure_abuse_type_rates`      (seed Figure 5)
- ``tbl-abuse-type-rates``      :func:`table_abuse_type_rates`       (seed Table 2)
- ``fig-vawg-borough-funnel``   :func:`figure_borough_funnel`        (the 32 boroughs' rates, funnel plot)
- values ``offences.*``         :func:`prose_values`
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from vawg.foundations.methods_used import uses
from vawg.foundations.periods import report_year
from vawg.writing import charts
from vawg.foundations import reference
from vawg.writing.artifacts import Column, Figure, Table, ordinal
from vawg.analysis.police.offences import ABUSE_TYPES_OVERLAP, counts_by, load_offences, measured_abuse_types
from vawg.analysis.denominators import denominators, describe_estimates, estimate_years, load_population
from vawg.foundations.stats.changes import area_change_test, change_dispersion, rate_change_test
from vawg.foundations.stats.comparisons import TestResult, percent_difference, rank_highest_first, RANK_SIMULATIONS, rank_interval, rate_ratio, two_proportion_ztest
from vawg.foundations.stats.funnels import Funnel, funnel_limits
from vawg.foundations.stats.intervals import Interval, byar_interval, rate_with_interval
from vawg.foundations.stats.profiles import holm_within
from vawg.foundations.suppression import (
    chart_values,
    format_number,
    format_percent,
    hidden_basis,
    interval_texts,
)
from vawg.foundations.wording import direction, join_words, phrase, significance

SOURCE = "Metropolitan Police Service recorded crime; ONS mid-year population estimates"
TREND_YEARS = 5
TABLE_RANGE = "–"  # en dash between the limits of an interval in a table cell
# Between signed limits ("−43.0% – +196.5%"): the no-break space keeps the dash with the first limit when a
# narrow column wraps, so it never stands alone on a line.
SIGNED_RANGE = "\u00a0– "


@dataclass
class RecordedOffences:
    """Everything the section reports, computed once from the staged data."""

    borough: str
    borough_code: str
    year: int
    years: list[int]
    annual: pd.DataFrame          # (borough_code, year) → all_crime and abuse-type counts
    monthly: pd.DataFrame         # (borough_code, month) → counts
    female: pd.DataFrame          # borough_code × year → female residents
    threshold: int
    estimates: dict[int, int] | None = None   # year rated → mid-year estimate used

    @classmethod
    def compute(cls, staged_dir: Path | str, *, borough: str, period_end: str, threshold: int) -> "RecordedOffences":
        boroughs = reference.boroughs().set_index("borough_name")["borough_code"]
        offences = load_offences(staged_dir)
        end = pd.Timestamp(period_end)
        year = report_year(end)
        offences = offences[offences["recorded_date"].dt.year <= year]
        annual = counts_by(offences, "year")
        first = max(int(annual.index.get_level_values("year").min()), year - TREND_YEARS + 1)
        years = list(range(first, year + 1))
        population = load_population(staged_dir)
        police_codes = annual.index.get_level_values("borough_code").unique()
        female = denominators(population, years, sex="F").loc[police_codes]
        monthly = counts_by(offences[offences["recorded_date"].dt.year == year], "month")
        return cls(borough=borough, borough_code=boroughs[borough], year=year, years=years,
                   annual=annual, monthly=monthly, female=female, threshold=threshold,
                   estimates=estimate_years(population, years))

    def denominator_note(self, years: list[int] | None = None) -> str:
        """Which ONS mid-year estimate the rates of ``years`` (all years by default) use, as a sentence."""
        used = {y: e for y, e in (self.estimates or {}).items() if years is None or y in years}
        return f"Population: ONS mid-year estimates, {describe_estimates(used)}." if used else ""

    # -- building blocks -------------------------------------------------------
    def count(self, measure: str, year: int, *, area: str = "borough") -> int:
        frame = self.annual.xs(year, level="year")[measure]
        return int(self._pick(frame, area))

    def population(self, year: int, *, area: str = "borough") -> int:
        return int(self._pick(self.female[year], area))

    def _pick(self, by_borough: pd.Series, area: str) -> float:
        if area == "borough":
            return by_borough.get(self.borough_code, 0)
        if area == "london":
            return by_borough.sum()
        if area == "rest":
            return by_borough.drop(self.borough_code, errors="ignore").sum()
        raise ValueError(area)

    @uses(metric="vawg_rate")
    def rate(self, measure: str, year: int, *, area: str = "borough") -> float:
        return self.count(measure, year, area=area) / self.population(year, area=area) * 1000

    def borough_rates(self, measure: str, year: int) -> pd.Series:
        counts = self.annual.xs(year, level="year")[measure]
        return counts / self.female[year].reindex(counts.index) * 1000

    @uses(metric="borough_rank")
    def rank(self, year: int) -> tuple[int, int]:
        rates = self.borough_rates("all_vawg", year)
        return int(rank_highest_first(rates)[self.borough_code]), int(rates.size)

    # -- seed Figure 3 -------------------------------------------------------------
    @uses(metric="share_of_crime")
    def share_of_crime(self) -> pd.DataFrame:
        rows = []
        for year in self.years:
            for area, name in (("borough", self.borough), ("rest", "Rest of London")):
                vawg, crime = self.count("all_vawg", year, area=area), self.count("all_crime", year, area=area)
                rows.append({"year": year, "area": name, "vawg": vawg, "all_crime": crime,
                             "share": vawg / crime * 100})
        return pd.DataFrame(rows)

    # -- seed Figure 4 -------------------------------------------------------------
    def rate_trend(self) -> pd.DataFrame:
        rows = []
        for year in self.years:
            rank, size = self.rank(year)
            for area, name in (("borough", self.borough), ("london", "London")):
                count, people = self.count("all_vawg", year, area=area), self.population(year, area=area)
                rate, interval = rate_with_interval(count, people)
                rows.append({"year": year, "area": name, "vawg": count, "female_population": people,
                             "rate": rate, "lower": interval.lower, "upper": interval.upper,
                             "borough_rank": rank, "boroughs": size})
        return pd.DataFrame(rows)

    def rank_interval(self, year: int) -> Interval:
        """95% interval of the borough's rank among the boroughs in ``year`` (parametric bootstrap)."""
        counts = self.annual.xs(year, level="year")["all_vawg"]
        return rank_interval(counts, self.female[year].reindex(counts.index), self.borough_code)

    # -- seed Figure 5 and Table 2 -------------------------------------------------
    def abuse_type_comparison(self) -> pd.DataFrame:
        """Rates by abuse type, borough against the rest of London, with a pooled z-test."""
        year, rows = self.year, []
        n_borough, n_rest = self.population(year), self.population(year, area="rest")
        for abuse in measured_abuse_types().itertuples():
            borough_count = self.count(abuse.abuse_type, year)
            rest_count = self.count(abuse.abuse_type, year, area="rest")
            test = two_proportion_ztest(borough_count, n_borough, rest_count, n_rest)
            borough_rate = borough_count / n_borough * 1000
            rest_rate = rest_count / n_rest * 1000
            borough_ci, rest_ci = byar_interval(borough_count, n_borough), byar_interval(rest_count, n_rest)
            ratio = rate_ratio(borough_count, n_borough, rest_count, n_rest)
            rows.append({
                "abuse_type": abuse.abuse_type, "label": abuse.label,
                "borough_count": borough_count, "rest_count": rest_count,
                "borough_rate": borough_rate, "rest_rate": rest_rate,
                "london_rate": self.rate(abuse.abuse_type, year, area="london"),
                "percent_difference": percent_difference(borough_rate, rest_rate),
                "z": test.statistic, "p": test.p_value, "significant": test.significant,
                "borough_lower": borough_ci.lower, "borough_upper": borough_ci.upper,
                "rest_lower": rest_ci.lower, "rest_upper": rest_ci.upper,
                "rate_ratio": ratio.estimate, "ratio_lower": ratio.lower, "ratio_upper": ratio.upper,
            })
        table = pd.DataFrame(rows)
        # The abuse types are one family of tests (Holm); the overall rate is a test of its own.
        return holm_within(table, rows=table["abuse_type"] != "all_vawg")

    # -- changes over time ---------------------------------------------------------
    def comparable_end_year(self) -> int:
        """The last year comparable with earlier ones: before any recording change in the window."""
        changes = reference.events().query("kind == 'recording_change'")
        breaks = [d.year for d in changes["start"] if self.years[0] < d.year <= self.year]
        return min(breaks) - 1 if breaks else self.year

    def boroughs_in(self, measure: str, before: int, after: int) -> tuple[pd.Series, ...]:
        """Every borough's counts and female residents in two years: what the quasi-Poisson tests are fitted to."""
        counts = [self.annual.xs(year, level="year")[measure] for year in (before, after)]
        return (counts[0], counts[1].reindex(counts[0].index, fill_value=0),
                self.female[before].reindex(counts[0].index), self.female[after].reindex(counts[0].index))

    def change_test(self, measure: str, before: int, after: int, area: str = "borough") -> TestResult:
        """Did ``area``'s rate change between two years? Quasi-Poisson, dispersion from the boroughs' own changes."""
        return rate_change_test(self.count(measure, before, area=area), self.population(before, area=area),
                                self.count(measure, after, area=area), self.population(after, area=area),
                                dispersion=change_dispersion(*self.boroughs_in(measure, before, after)))

    def change_difference_test(self, measure: str, before: int, after: int) -> TestResult:
        """Did the borough's rate change by a different proportion from the other boroughs'? (quasi-Poisson)"""
        return area_change_test(*self.boroughs_in(measure, before, after), self.borough_code)

    @uses(metric="change_between_years")
    def change_since_base(self) -> pd.DataFrame:
        base, rows = self.years[0], []
        for year in [y for y in self.years if y > base]:
            test = self.change_test("all_vawg", base, year)
            rows.append({"base_year": base, "year": year,
                         "change": percent_difference(self.rate("all_vawg", year), self.rate("all_vawg", base)),
                         "p": test.p_value, "significant": test.significant})
        return holm_within(pd.DataFrame(rows))

    def recording_change(self) -> str:
        """The month of the latest recording change within the trend window, e.g. "March 2024"."""
        changes = reference.events().query("kind == 'recording_change'")
        inside = [d for d in changes["start"] if self.years[0] < d.year <= self.year]
        return f"{max(inside):%B %Y}" if inside else ""

    def lockdown_years(self) -> str:
        """The years of the COVID-19 lockdowns within the trend window, e.g. "2020 and 2021"."""
        events = reference.events()
        lockdowns = events[events["event_id"].str.startswith("covid_lockdown")]
        years = sorted({d.year for d in lockdowns["start"] if self.years[0] <= d.year <= self.year})
        return join_words([str(year) for year in years])

    @uses(metric="change_within_year")
    def within_year_change(self, area: str) -> float:
        months = self.monthly.xs(self.borough_code, level="borough_code") if area == "borough" else \
            self.monthly.groupby(level="month").sum()
        first, last = months["all_vawg"].iloc[0], months["all_vawg"].iloc[-1]
        return percent_difference(last, first)


# -- artifacts -----------------------------------------------------------------------

def figure_vawg_share_of_crime(analysis: RecordedOffences) -> Figure:
    data = analysis.share_of_crime()
    data["plotted"], data["label"] = chart_values(data["share"], data["vawg"], analysis.threshold, "{:.1f}%")
    borough = data[data["area"] == analysis.borough].set_index("year")["share"]
    rest = data[data["area"] == "Rest of London"].set_index("year")["share"]
    first, last = borough.index.min(), borough.index.max()
    trend = "fell" if borough[last] < borough[first] else "rose"
    lower = "lower" if borough[last] < rest[last] else "higher"
    title = f"VAWG is a {lower} share of recorded crime in {analysis.borough} than in the rest of London"
    plot = charts.line_chart(
        data, x="year", y="plotted", series="area", label="label", title=title,
        subtitle=f"VAWG offences as a percentage of all recorded crime, {first} to {last}",
        y_title="% of recorded crime", series_order=[analysis.borough, "Rest of London"])
    alt = (f"Line chart of the percentage of recorded crime that was violence against women and girls, "
           f"{analysis.borough} against the rest of London, {first} to {last}. In {analysis.borough} the share "
           f"{trend} from {borough[first]:.1f}% to {borough[last]:.1f}%; in the rest of London it went from "
           f"{rest[first]:.1f}% to {rest[last]:.1f}%.")
    return Figure(
        id="fig-vawg-share-of-crime",
        plot=plot,
        caption=f"Share of all recorded crime that was VAWG, {analysis.borough} and the rest of London",
        alt=alt, source=SOURCE, data=data,
        columns=[Column("Year", "year", "text"), Column("Area", "area", "text"),
                 Column("VAWG offences", "vawg", "count"), Column("All recorded offences", "all_crime", "count"),
                 Column("VAWG share of crime (%)", "share", "number", 1, basis="vawg")],
    )


def figure_vawg_rate_trend(analysis: RecordedOffences) -> Figure:
    data = analysis.rate_trend()
    data["plotted"], data["label"] = chart_values(data["rate"], data["vawg"], analysis.threshold, "{:.1f}")
    borough = data[data["area"] == analysis.borough].set_index("year")["rate"]
    london = data[data["area"] == "London"].set_index("year")["rate"]
    first, last = borough.index.min(), borough.index.max()
    rank, size = analysis.rank(last)
    relation = "above" if borough[last] > london[last] else "below"
    plot = charts.line_chart(
        data, x="year", y="plotted", series="area", label="label", lower="lower", upper="upper",
        title=f"{analysis.borough}'s VAWG rate stays {relation} London's",
        subtitle=f"VAWG offences per 1,000 female residents, {first} to {last}, with 95% confidence intervals",
        y_title="Offences per 1,000 female residents", series_order=[analysis.borough, "London"])
    peak = int(borough.idxmax())
    alt = (f"Line chart of VAWG offences per 1,000 female residents, {analysis.borough} against London, "
           f"{first} to {last}. {analysis.borough}'s rate peaked at {borough[peak]:.1f} in {peak} and was "
           f"{borough[last]:.1f} in {last}, {relation} London's {london[last]:.1f}; {analysis.borough} ranked "
           f"{ordinal(rank)} of {size} boroughs in {last}.")
    return Figure(
        id="fig-vawg-rate-trend", plot=plot,
        caption=f"VAWG offences per 1,000 female residents, {analysis.borough} and London",
        alt=alt, source=SOURCE, data=data,
        columns=[Column("Year", "year", "text"), Column("Area", "area", "text"),
                 Column("VAWG offences", "vawg", "count"),
                 Column("Female residents", "female_population", "count"),
                 Column("Rate per 1,000 female residents", "rate", "number", 2, basis="vawg"),
                 Column("95% CI lower", "lower", "number", 2, basis="vawg"),
                 Column("95% CI upper", "upper", "number", 2, basis="vawg"),
                 Column(f"{analysis.borough} rank of boroughs", "borough_rank", "rank")],
        description=("Error bars: 95% confidence intervals of the rates, by Byar's method (the exact Poisson "
                     "interval below 10 offences). London's are narrow: its rates rest on far more offences."),
    )


def borough_funnel(analysis: RecordedOffences) -> Funnel:
    """The London boroughs' VAWG rates in the report year on a funnel plot (Fingertips method)."""
    year = analysis.year
    counts = analysis.annual.xs(year, level="year")["all_vawg"]
    return funnel_limits(counts, analysis.female[year].reindex(counts.index), per=1000)


# The funnel positions, as they read in a sentence: chapters/_03-recorded-offences.wording.yml, "funnel_position".


def funnel_spread(points: pd.DataFrame) -> str:
    """Whether the boroughs outside the 95% limits are more than the one in twenty chance alone would put there."""
    outside = int((points["position"] != "within limits").sum())
    return phrase("recorded-offences", "funnel_spread", "wide" if outside > 0.1 * len(points) else "chance")


def figure_borough_funnel(analysis: RecordedOffences) -> Figure:
    funnel = borough_funnel(analysis)
    names = reference.boroughs().set_index("borough_code")["borough_name"]
    points = funnel.points.assign(borough=lambda d: d.index.map(names),
                                  highlight=lambda d: d.index == analysis.borough_code)
    points["label"] = points["borough"].where(points["highlight"], "")
    own = points.loc[analysis.borough_code]
    above = int(points["position"].str.startswith("above").sum())
    below = int(points["position"].str.startswith("below").sum())
    position = phrase("recorded-offences", "funnel_position", own["position"])
    title = f"{analysis.borough}'s VAWG rate is {own['position'].split()[0]} the range expected for a borough of its size"
    plot = charts.funnel_chart(
        points, funnel.limits, x="population", y="rate", highlight="highlight", label="label",
        average=funnel.average, title=title,
        subtitle=(f"VAWG offences per 1,000 female residents by borough, {analysis.year}, against the number of "
                  "female residents; London average with 95% and 99.8% control limits"),
        x_title="Female residents", y_title="Offences per 1,000 female residents")
    alt = (f"Funnel plot of the {len(points)} London boroughs' VAWG offences per 1,000 female residents in "
           f"{analysis.year} against their female residents, with the London average of {funnel.average:.1f} and "
           f"control limits that narrow as the population grows. {analysis.borough}'s rate of {own['rate']:.1f} is "
           f"{position}. {above} boroughs are above the 95% limit and {below} below it: {funnel_spread(points)}.")
    points["rank"] = rank_highest_first(points["rate"])
    intervals = [rank_interval(points["count"], points["population"], code) for code in points.index]
    points["rank_ci"] = range_texts([i.lower for i in intervals], [i.upper for i in intervals], 0)
    table = points.reset_index(drop=True).sort_values("rate", ascending=False)
    table["position_text"] = table["position"].map(lambda where: phrase("recorded-offences", "funnel_position", where))
    return Figure(
        id="fig-vawg-borough-funnel", plot=plot,
        caption=(f"VAWG offences per 1,000 female residents by London borough, {analysis.year}: funnel plot "
                 "against the London average"),
        alt=alt, source=SOURCE, data=table,
        columns=[Column("Borough", "borough", "text"), Column("VAWG offences", "count", "count"),
                 Column("Female residents", "population", "count"),
                 Column("Rate per 1,000 female residents", "rate", "number", 2, basis="count"),
                 Column("Against the London average", "position_text", "text", basis="count"),
                 Column("Rank (1 = highest rate)", "rank", "rank", basis="count"),
                 Column("Rank 95% interval", "rank_ci", "text", basis="count")],
        description=(f"Rank 95% interval: where each borough's rank could lie, from {RANK_SIMULATIONS:,} "
                     "simulations that redraw every borough's count from a Poisson distribution around the "
                     "recorded count (a parametric bootstrap)."),
    )


def figure_abuse_type_rates(analysis: RecordedOffences) -> Figure:
    table = analysis.abuse_type_comparison()
    subtypes = table[table["abuse_type"] != "all_vawg"]
    long = pd.concat([
        subtypes.assign(area=analysis.borough, rate=subtypes["borough_rate"], count=subtypes["borough_count"]),
        subtypes.assign(area="Rest of London", rate=subtypes["rest_rate"], count=subtypes["rest_count"]),
    ])[["label", "area", "rate", "count"]].reset_index(drop=True)
    long["rate_shown"], long["label_text"] = chart_values(long["rate"], long["count"], analysis.threshold, "{:.2f}")
    significant = subtypes["significant"] & comparable(subtypes, analysis.threshold)
    higher = subtypes[significant & (subtypes["percent_difference"] > 0)]
    lower = subtypes[significant & (subtypes["percent_difference"] < 0)]
    biggest = higher.sort_values("percent_difference").iloc[-1] if not higher.empty else None
    title = (f"{biggest['label']} stands out as higher in {analysis.borough}" if biggest is not None
             else f"No abuse type is significantly higher in {analysis.borough}")
    plot = charts.grouped_bar_chart(
        long, category="label", value="rate_shown", series="area", label="label_text", title=title,
        subtitle=f"Offences per 1,000 female residents by abuse type, {analysis.year}",
        value_title="Offences per 1,000 female residents", category_order=subtypes["label"].tolist(),
        series_order=[analysis.borough, "Rest of London"])

    alt = (f"Grouped bar chart of offences per 1,000 female residents by abuse type in {analysis.year}, "
           f"{analysis.borough} against the rest of London. "
           + (f"Significantly higher in {analysis.borough}: {_listing(higher)}. " if not higher.empty else "")
           + (f"Significantly lower: {_listing(lower)}. " if not lower.empty else "")
           + "Other types show no significant difference.")
    return Figure(
        id="fig-abuse-type-rates", plot=plot, height=6.0, rows_do_not_add_up=ABUSE_TYPES_OVERLAP,
        caption=f"VAWG offences per 1,000 female residents by abuse type, {analysis.borough} and the rest of London, {analysis.year}",
        alt=alt, source=SOURCE, data=long,
        columns=[Column("Abuse type", "label", "text"), Column("Area", "area", "text"),
                 Column("Offences", "count", "count"),
                 Column("Rate per 1,000 female residents", "rate", "number", 2, basis="count")],
    )


def comparable(table: pd.DataFrame, threshold: int) -> pd.Series:
    """Rows whose borough-against-rest-of-London test may be told: neither area's count is hidden (the test, like
    the % difference, rests on both, and would give a hidden one back)."""
    return ~(table["borough_count"].map(lambda count: hidden_basis(count, threshold))
             | table["rest_count"].map(lambda count: hidden_basis(count, threshold)))


def table_abuse_type_rates(analysis: RecordedOffences) -> Table:
    table = analysis.abuse_type_comparison()
    table["significant_text"] = table["significant"].map({True: "Yes", False: "No"})
    # Bold says "significant" too, so a row whose test rests on a hidden count is not bold.
    table["bold"] = table["significant"] & comparable(table, analysis.threshold)
    table["borough_ci"] = interval_texts(table["borough_lower"], table["borough_upper"], table["borough_count"],
                                         analysis.threshold, 2, separator=TABLE_RANGE)
    table["rest_ci"] = interval_texts(table["rest_lower"], table["rest_upper"], table["rest_count"],
                                      analysis.threshold, 2, separator=TABLE_RANGE)
    table["ratio_ci"] = range_texts(table["ratio_lower"], table["ratio_upper"], 2)
    return Table(
        id="tbl-abuse-type-rates",
        caption=(f"VAWG offence rates by abuse type, {analysis.borough} against the rest of London, "
                 f"{analysis.year}. Statistically significant rows are in bold."),
        data=table,
        columns=[
            Column("Abuse type", "label", "text"),
            Column(f"{analysis.borough} rate per 1,000", "borough_rate", "number", 2, basis="borough_count"),
            Column("Rest of London rate", "rest_rate", "number", 2, basis="rest_count"),
            Column("All London rate", "london_rate", "number", 2, basis="rest_count"),
            # Every comparison rests on both areas' counts: with either hidden, it would give the other back.
            Column(f"% difference ({analysis.borough} to rest of London)", "percent_difference", "change", 1,
                   basis=("borough_count", "rest_count")),
            Column("Rate ratio", "rate_ratio", "number", 2, basis=("borough_count", "rest_count")),
            Column("Rate ratio 95% CI", "ratio_ci", "text", basis=("borough_count", "rest_count")),
            Column("z-score", "z", "number", 2, basis=("borough_count", "rest_count")),
            Column("p-value", "p", "pvalue", 3, basis=("borough_count", "rest_count")),
            Column("Significant (p < 0.05)", "significant_text", "text", basis=("borough_count", "rest_count")),
            Column(f"{analysis.borough} 95% CI", "borough_ci", "text"),
            Column("Rest of London 95% CI", "rest_ci", "text"),
        ],
        source=SOURCE,
        rows_do_not_add_up=ABUSE_TYPES_OVERLAP,
        notes=(
            "Rates are offences per 1,000 female residents. " + analysis.denominator_note([analysis.year]),
            "z-score and p-value: pooled two-proportion z-test of the borough against the rest of London, two-sided "
            "(Fisher's exact test where a count is 0). The abuse types' p-values are adjusted by Holm's method for "
            "the number of types tested; the overall row is a test of its own.",
            "95% CI: 95% confidence interval of the rate per 1,000, by Byar's method (the exact Poisson interval "
            "below 10 offences).",
            f"Rate ratio: {analysis.borough}'s rate divided by the rest of London's (the % difference is the ratio "
            "minus 1). Its 95% CI is the log rate ratio interval for two Poisson counts; it is not adjusted for the "
            "number of types, so it can leave out 1 where the adjusted p-value is above 0.05.",
            f"[c]: not shown because it rests on fewer than {analysis.threshold} offences.",
        ),
        emphasis="bold",
    )


def range_texts(lower, upper, decimals: int, suffix: str = "", separator: str = TABLE_RANGE,
                signed: bool = False) -> list[str]:
    """Intervals as table text ("1.05–1.20", signed: "−12.0% – +4.5%"), "–" where a limit is missing.

    No suppression here: the :class:`~vawg.writing.artifacts.Column` showing them names the counts they rest on
    (``basis``), so the writer hides them with those counts.
    """
    def limit(value: float) -> str:
        return format_number(value, decimals, signed=signed) + suffix
    return ["–" if pd.isna(low) or pd.isna(high) else f"{limit(low)}{separator}{limit(high)}"
            for low, high in zip(lower, upper)]




@uses(metric="share_of_vawg")
def prose_values(analysis: RecordedOffences) -> dict[str, tuple]:
    """Every number and data-driven word the section's prose quotes: ``{key: (value, kind, decimals[, basis])}``."""
    a, y = analysis, analysis.year
    pooled_years = [year for year in a.years if year > y - TREND_YEARS]
    pooled = lambda measure, area: sum(a.count(measure, year, area=area) for year in pooled_years)  # noqa: E731
    borough_vawg, london_vawg = pooled("all_vawg", "borough"), pooled("all_vawg", "london")
    borough_crime = pooled("all_crime", "borough")
    rest_share = pooled("all_vawg", "rest") / pooled("all_crime", "rest") * 100
    borough_share = borough_vawg / borough_crime * 100

    rate, london, rest = a.rate("all_vawg", y), a.rate("all_vawg", y, area="london"), a.rate("all_vawg", y, area="rest")
    overall = two_proportion_ztest(a.count("all_vawg", y), a.population(y),
                                   a.count("all_vawg", y, area="rest"), a.population(y, area="rest"))
    rank, size = a.rank(y)
    mean_rate = a.borough_rates("all_vawg", y).mean()

    share = a.share_of_crime().set_index(["year", "area"])["share"]
    ranks = {year: a.rank(year)[0] for year in a.years}
    changes = a.change_since_base()
    base = int(changes["base_year"].iloc[0])
    end = a.comparable_end_year()
    borough_change = percent_difference(a.rate("all_vawg", end), a.rate("all_vawg", base))
    london_change = percent_difference(a.rate("all_vawg", end, area="london"), a.rate("all_vawg", base, area="london"))
    other = a.borough_rates("all_vawg", end).drop(a.borough_code) / a.borough_rates("all_vawg", base).drop(a.borough_code)
    other_mean_change = (other.mean() - 1) * 100
    change_test = a.change_difference_test("all_vawg", base, end)
    table = a.abuse_type_comparison().set_index("abuse_type")
    vawg_count = a.count("all_vawg", y)
    london_vawg_year = a.count("all_vawg", y, area="london")

    values: dict[str, tuple] = {
        "offences.year": (str(y), "text", 0),
        "offences.first_year": (str(a.years[0]), "text", 0),
        "offences.denominators": (describe_estimates(a.estimates or {}), "text", 0),
        "offences.pooled_first_year": (str(pooled_years[0]), "text", 0),
        "offences.pooled_borough_vawg": (borough_vawg, "count", 0),
        "offences.pooled_london_vawg": (london_vawg, "count", 0),
        "offences.pooled_borough_share_of_london": (borough_vawg / london_vawg * 100, "percent", 1, borough_vawg),
        "offences.pooled_borough_share_of_crime": (borough_share, "percent", 1, borough_vawg),
        "offences.pooled_rest_share_of_crime": (rest_share, "percent", 1),
        "offences.pooled_share_comparison": (direction(borough_share - rest_share, "larger", "smaller"), "text", 0),
        "offences.borough_vawg": (vawg_count, "count", 0),
        "offences.borough_rate": (rate, "number", 2, vawg_count),
        "offences.london_rate": (london, "number", 2),
        "offences.rest_rate": (rest, "number", 2),
        "offences.borough_mean_rate": (mean_rate, "number", 2),
        "offences.difference_vs_london": (abs(percent_difference(rate, london)), "percent", 1, vawg_count),
        "offences.difference_vs_rest": (abs(percent_difference(rate, rest)), "percent", 1, vawg_count),
        "offences.comparison": (direction(rate - london), "text", 0),
        "offences.mean_comparison": (direction(rate - mean_rate, "above", "below"), "text", 0),
        "offences.significance": (significance(overall), "text", 0),
        # p-values let the executive summary choose its words without re-testing anything.
        "offences.p_value": (overall.p_value, "pvalue", 3),
        "offences.change_difference_p": (change_test.p_value, "pvalue", 3),
        "offences.rank": (rank, "rank", 0),
        "offences.boroughs": (size, "number", 0),
        "offences.rank_first_year": (ranks[a.years[0]], "rank", 0),
        "offences.rank_base_year": (ranks[base], "rank", 0),
        "offences.rank_end_year": (ranks[end], "rank", 0),
        "offences.base_year": (str(base), "text", 0),
        "offences.comparable_end_year": (str(end), "text", 0),
        "offences.change_to_end": (abs(borough_change), "percent", 1),
        "offences.change_to_end_direction": (direction(borough_change, "rose", "fell"), "text", 0),
        "offences.london_change_to_end": (abs(london_change), "percent", 1),
        "offences.london_change_to_end_direction": (direction(london_change, "rose", "fell"), "text", 0),
        "offences.other_boroughs_mean_change": (abs(other_mean_change), "percent", 1),
        "offences.other_boroughs_mean_change_direction": (direction(other_mean_change, "rise", "fall"), "text", 0),
        "offences.change_difference_significance": (significance(change_test), "text", 0),
        "offences.change_difference_verdict": (
            phrase("recorded-offences", "change_difference", "differed" if change_test.significant else "did_not_differ"),
            "text", 0),
        "offences.within_year_change": (abs(a.within_year_change("borough")), "percent", 1),
        "offences.within_year_direction": (direction(a.within_year_change("borough"), "rose", "fell"), "text", 0),
        "offences.london_within_year_change": (abs(a.within_year_change("london")), "percent", 1),
        "offences.london_within_year_direction": (direction(a.within_year_change("london"), "rose", "fell"), "text", 0),
        "offences.share_of_crime_latest": (share[(y, a.borough)], "percent", 1, vawg_count),
        "offences.share_of_crime_first": (share[(a.years[0], a.borough)], "percent", 1),
        "offences.share_of_crime_max": (share.xs(a.borough, level="area").max(), "percent", 1),
        "offences.share_of_crime_max_year": (str(int(share.xs(a.borough, level="area").idxmax())), "text", 0),
        "offences.rest_share_of_crime_latest": (share[(y, "Rest of London")], "percent", 1),
    }
    rest_ratio = rate_ratio(vawg_count, a.population(y), a.count("all_vawg", y, area="rest"),
                            a.population(y, area="rest"))
    london_ratio = rate_ratio(vawg_count, a.population(y), london_vawg_year, a.population(y, area="london"))
    ranks_interval = a.rank_interval(y)
    values.update({
        # Rate ratios: the borough's rate over the comparator's, with the log rate ratio interval.
        "offences.ratio_vs_rest": (rest_ratio.estimate, "number", 2, vawg_count),
        "offences.ratio_vs_rest_ci": (range_texts([rest_ratio.lower], [rest_ratio.upper], 2, separator=" to ")[0],
                                      "text", 0, vawg_count),
        "offences.ratio_vs_london": (london_ratio.estimate, "number", 2, vawg_count),
        "offences.ratio_vs_london_ci": (range_texts([london_ratio.lower], [london_ratio.upper], 2,
                                                    separator=" to ")[0], "text", 0, vawg_count),
        # Where the rank could lie: 95% interval by simulating every borough's count (parametric bootstrap).
        "offences.rank_lower": (ranks_interval.lower, "rank", 0, vawg_count),
        "offences.rank_upper": (ranks_interval.upper, "rank", 0, vawg_count),
        "offences.rank_simulations": (RANK_SIMULATIONS, "number", 0),
        "offences.rank_certainty": (_rank_certainty(ranks_interval), "text", 0, vawg_count),
    })
    values["offences.change_by_year"] = (_change_sentence(changes), "text", 0)
    funnel = borough_funnel(a).points
    values["offences.funnel_position"] = (phrase("recorded-offences", "funnel_position", funnel.loc[a.borough_code, "position"]),
                                          "text", 0)
    values["offences.funnel_above"] = (int(funnel["position"].str.startswith("above").sum()), "number", 0)
    values["offences.funnel_below"] = (int(funnel["position"].str.startswith("below").sum()), "number", 0)
    values["offences.funnel_spread"] = (funnel_spread(funnel), "text", 0)
    change = a.recording_change()
    values["offences.recording_change"] = (change, "text", 0)
    values["offences.lockdown_years"] = (a.lockdown_years(), "text", 0)
    for abuse_type, row in table.iterrows():
        key = f"abuse.{abuse_type}"
        values[f"{key}.borough_rate"] = (row["borough_rate"], "number", 2, row["borough_count"])
        values[f"{key}.rest_rate"] = (row["rest_rate"], "number", 2)
        values[f"{key}.difference"] = (abs(row["percent_difference"]), "percent", 1,
                                       (row["borough_count"], row["rest_count"]))
        values[f"{key}.direction"] = (direction(row["percent_difference"]), "text", 0)
        values[f"{key}.rate_ratio"] = (row["rate_ratio"], "number", 2, (row["borough_count"], row["rest_count"]))
        values[f"{key}.rate_ratio_ci"] = (range_texts([row["ratio_lower"]], [row["ratio_upper"]], 2,
                                                      separator=" to ")[0], "text", 0,
                                          (row["borough_count"], row["rest_count"]))
        # A test of a hidden count is hidden with it (issue 11): its verdict alone says something about the count.
        values[f"{key}.significance"] = (significance(row["p"]), "text", 0, (row["borough_count"], row["rest_count"]))
        values[f"{key}.p"] = (row["p"], "pvalue", 3, (row["borough_count"], row["rest_count"]))
        values[f"{key}.label"] = (row["label"], "text", 0)
        values[f"{key}.share_of_vawg"] = (row["borough_count"] / vawg_count * 100, "percent", 1, row["borough_count"])
        values[f"{key}.london_share_of_vawg"] = (
            a.count(abuse_type, y, area="london") / london_vawg_year * 100, "percent", 1)
    subtypes = table.drop("all_vawg")
    # Types whose test rests on a hidden count are neither named as different nor picked as the widest gap.
    too_few = subtypes[~comparable(subtypes, a.threshold)]
    compared = subtypes.drop(too_few.index)
    significant = compared[compared["significant"]]
    higher = significant[significant["percent_difference"] > 0].sort_values("percent_difference", ascending=False)
    lower = significant[significant["percent_difference"] < 0]
    not_significant = compared[~compared["significant"]]
    borough = a.borough
    values["abuse.higher_sentence"] = (
        phrase("recorded-offences", "abuse_higher", "some", borough=borough, types=_listing(higher))
        if not higher.empty else phrase("recorded-offences", "abuse_higher", "none", borough=borough), "text", 0)
    values["abuse.lower_sentence"] = (
        phrase("recorded-offences", "abuse_lower", "some", borough=borough, types=_listing(lower))
        if not lower.empty else phrase("recorded-offences", "abuse_lower", "none", borough=borough), "text", 0)
    sentences = [phrase("recorded-offences", "not_significant", "some", types=_listing(not_significant))
                 if not not_significant.empty else phrase("recorded-offences", "not_significant", "none")]
    if not too_few.empty:
        sentences.append(phrase("recorded-offences", "too_rare", "one" if len(too_few) == 1 else "several",
                                Types=_listing(too_few).capitalize()))
    values["abuse.not_significant_sentence"] = (" ".join(sentences), "text", 0)
    top = higher.index[0] if not higher.empty else (compared["percent_difference"].idxmax() if not compared.empty
                                                     else None)
    values["abuse.top_sentence"] = ("" if top is None else _rate_gap_sentence(
        "widest_gap", subtypes.loc[top], type=subtypes.loc[top, "label"].lower()), "text", 0)
    values["abuse.dva_sentence"] = (
        phrase("recorded-offences", "dva", "too_rare") if "dva" in too_few.index else
        _rate_gap_sentence("dva", subtypes.loc["dva"]), "text", 0)
    return values


def _rank_certainty(interval: Interval) -> str:
    """How firmly the data fix the rank, from its 95% interval."""
    if interval.lower == interval.upper:
        return phrase("recorded-offences", "rank_certainty", "firm")
    width = interval.upper - interval.lower
    return phrase("recorded-offences", "rank_certainty", "a_place_or_two" if width <= 3 else "several_places")


def _rate_gap_sentence(entry: str, row: pd.Series, **words: str) -> str:
    """One comparison of a publishable borough count with the rest of London, worded by ``entry`` ("widest_gap" or
    "dva") of the wording file: "… 4.21 … against 3.80, a rate 10.8% higher, which is statistically significant …"."""
    numbers = {"rate": format_number(row["borough_rate"], 2), "rest_rate": format_number(row["rest_rate"], 2),
               "difference": format_percent(abs(row["percent_difference"]), 1), "significance": significance(row["p"])}
    if entry == "widest_gap":
        return phrase("recorded-offences", "widest_gap", "higher" if row["percent_difference"] > 0 else "lower",
                      **numbers, **words)
    return phrase("recorded-offences", "dva", "higher" if row["percent_difference"] > 0 else "lower", **numbers, **words)


def _change_sentence(changes: pd.DataFrame) -> str:
    """E.g. "Compared with 2020, the rate was 1.2% higher in 2021 (not statistically significant, p = 0.45), …"."""
    parts = []
    for row in changes.itertuples():
        verdict = phrase("recorded-offences", "significance", "significant" if row.significant else "not_significant")
        p = "p < 0.001" if row.p < 0.001 else f"p = {row.p:.3f}" if row.p < 0.01 else f"p = {row.p:.2f}"
        parts.append(phrase("recorded-offences", "change_in_year", "higher" if row.change > 0 else "lower",
                            change=f"{abs(row.change):.1f}%", year=row.year, significance=verdict, p=p))
    if not parts:
        return ""
    return phrase("recorded-offences", "change_by_year", base_year=int(changes["base_year"].iloc[0]), changes=join_words(parts))


def _listing(rows: pd.DataFrame) -> str:
    return join_words([label.lower() for label in rows["label"]])
