"""Chapter 3, the abuse-type sections: monthly rates as control charts (Figures 6–10) and December changes.

Artifact ids and the functions that make them:

- ``fig-dva-control-chart``                  :func:`figure_control_chart` ("dva", seed Figure 6)
- ``fig-physical-sexual-control-chart``      :func:`figure_control_chart` ("physical_sexual", seed Figure 7)
- ``fig-violent-threatening-control-chart``  :func:`figure_control_chart` ("violent_threatening", seed Figure 8)
- ``fig-sexual-violence-control-chart``      :func:`figure_control_chart` ("sexual_violence", seed Figure 9)
- ``fig-stalking-harassment-control-chart``  :func:`figure_control_chart` ("stalking_harassment", seed Figure 10)

Each chart shows the monthly rate per 1,000 female residents of the borough and of
London with the centre line and 3-sigma limits of an XmR control chart
(:func:`vawg.foundations.stats.control_charts.control_limits`), the months that signal special-cause variation
(:func:`vawg.foundations.stats.control_charts.special_causes`) and the dated events of
``data/reference/events.csv``. Limits are set on the months before a recording
change, leaving out the COVID-19 lockdown period (from the first lockdown's
month to the last one's: lockdown months are themselves special causes, and
would widen the limits); the months after a change are judged against them
until there are :data:`MIN_PHASE_MONTHS` of them, when they get limits of their
own. Special causes follow the NHS Making Data Count rules
(:func:`vawg.foundations.stats.control_charts.special_causes`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from vawg.foundations.methods_used import uses
from vawg.foundations.periods import report_year
from vawg.writing import charts
from vawg.foundations import reference
from vawg.writing.artifacts import Column, Figure
from vawg.analysis.police.offences import counts_by, load_offences
from vawg.analysis.police.recorded_offences import SOURCE, TREND_YEARS
from vawg.foundations.wording import join_words, phrase
from vawg.analysis.denominators import denominators, load_population
from vawg.foundations.reference import abuse_type_label
from vawg.foundations.stats.changes import area_change_test, change_dispersion, rate_change_test
from vawg.foundations.stats.comparisons import RateRatio, TestResult, percent_difference, rate_ratio
from vawg.foundations.stats.control_charts import control_limits, special_causes
from vawg.foundations.suppression import chart_values

CONTROL_CHART_TYPES = ("dva", "physical_sexual", "violent_threatening", "sexual_violence", "stalking_harassment")
MIN_PHASE_MONTHS = 12
SIGNAL_OUTSIDE = "Outside the 3-sigma limits"
SIGNAL_PATTERN = "Shift, trend or two of three near a limit"   # the chart draws the other three rules alike
RULE_NAMES = {"outside": "outside the limits", "shift": "shift of 7 or more on one side",
              "trend": "trend of 7 or more rising or falling", "near_limit": "two of three beyond 2 sigma"}


def chart_id(abuse_type: str) -> str:
    return f"fig-{abuse_type.replace('_', '-')}-control-chart"


@dataclass
class DecemberChange:
    """December of one year against December of the year before, for one area."""

    before: int
    after: int
    rate_before: float
    rate_after: float
    change: float
    test: TestResult
    ratio: RateRatio | None = None   # December after over December before, with its quasi-Poisson 95% CI


@dataclass
class MonthlyRates:
    """Monthly counts of every abuse type by borough, and the female residents they are rates of."""

    borough: str
    borough_code: str
    year: int                  # last complete calendar year (as in the recorded-offences section)
    months: pd.PeriodIndex     # January of the first trend year to the period end
    counts: pd.DataFrame       # (borough_code, month) → all_crime and abuse-type counts
    female: pd.DataFrame       # borough_code × year → female residents
    threshold: int
    _cache: dict = field(default_factory=dict, repr=False)

    @classmethod
    def compute(cls, staged_dir: Path | str, *, borough: str, period_end: str, threshold: int,
                offences: pd.DataFrame | None = None) -> "MonthlyRates":
        boroughs = reference.boroughs().set_index("borough_name")["borough_code"]
        end = pd.Timestamp(period_end)
        year = report_year(end)
        offences = load_offences(staged_dir) if offences is None else offences
        first = max(int(offences["recorded_date"].dt.year.min()), year - TREND_YEARS + 1)
        months = pd.period_range(f"{first}-01", end.to_period("M"), freq="M")
        window = offences[(offences["recorded_date"] >= months[0].start_time)
                          & (offences["recorded_date"] <= months[-1].end_time)]
        counts = counts_by(window, "month")
        codes = counts.index.get_level_values("borough_code").unique()
        years = sorted({month.year for month in months})
        female = denominators(load_population(staged_dir), years, sex="F").loc[codes]
        return cls(borough=borough, borough_code=boroughs[borough], year=year, months=months,
                   counts=counts, female=female, threshold=threshold)

    # -- series ---------------------------------------------------------------------
    @uses(metric="monthly_rate")
    def series(self, measure: str, area: str = "borough") -> pd.DataFrame:
        """Monthly count, female residents and rate per 1,000 of ``area`` ("borough", "london" or "rest")."""
        key = ("series", measure, area)
        if key not in self._cache:
            self._cache[key] = self._series(measure, area)
        return self._cache[key].copy()

    def _series(self, measure: str, area: str) -> pd.DataFrame:
        by_month = self.counts[measure].unstack("month", fill_value=0).reindex(columns=self.months, fill_value=0)
        if area == "borough":
            codes = [self.borough_code]
        elif area == "london":
            codes = list(by_month.index)
        elif area == "rest":
            codes = [code for code in by_month.index if code != self.borough_code]
        else:
            raise ValueError(area)
        count = by_month.reindex(codes, fill_value=0).sum()
        population = pd.Series([self.female.loc[codes, month.year].sum() for month in self.months], index=self.months)
        return pd.DataFrame({"month": self.months, "count": count.to_numpy(), "population": population.to_numpy(),
                             "rate": (count / population * 1000).to_numpy()})

    def phases(self) -> pd.Series:
        """For each month, the phase whose control limits apply: months before the first recording change
        are phase 0; a later phase gets its own limits once it has MIN_PHASE_MONTHS months."""
        changes = sorted(d.to_period("M") for d in recording_changes()["start"]
                         if self.months[0] < d.to_period("M") <= self.months[-1])
        phase = pd.Series(0, index=self.months)
        current = 0
        for number, start in enumerate(changes, start=1):
            following = changes[number] if number < len(changes) else self.months[-1] + 1
            if ((self.months >= start) & (self.months < following)).sum() >= MIN_PHASE_MONTHS:
                current = number
            phase[self.months >= start] = current
        return phase

    def control_chart(self, measure: str, area: str = "borough") -> pd.DataFrame:
        """The series with its phase, centre line, 3-sigma limits and special-cause signals.

        A phase's limits are set on its months before the next recording change (months after a
        change too recent to have limits of its own are judged against the earlier limits).
        """
        key = ("chart", measure, area)
        if key not in self._cache:
            self._cache[key] = self._control_chart(measure, area)
        return self._cache[key].copy()

    def _control_chart(self, measure: str, area: str) -> pd.DataFrame:
        data = self.series(measure, area)
        data["phase"] = self.phases().to_numpy()
        changes = sorted(d.to_period("M") for d in recording_changes()["start"])
        lockdown = data["month"].isin(lockdown_months()).to_numpy()
        data["baseline"] = False
        for number in sorted(data["phase"].unique()):
            in_phase = (data["phase"] == number).to_numpy()
            start = data.loc[in_phase, "month"].min()
            following = next((change for change in changes if change > start), None)
            own = in_phase & ((data["month"] < following).to_numpy() if following is not None else True)
            # Lockdown months are left out of the baseline unless that would leave too few months.
            baseline = own & ~lockdown if (own & ~lockdown).sum() >= MIN_PHASE_MONTHS else own
            limits = control_limits(data["rate"], baseline=baseline)
            data.loc[in_phase, ["centre", "lower", "upper", "sigma"]] = (
                limits.centre, limits.lower, limits.upper, limits.sigma)
            data.loc[baseline, "baseline"] = True
            months = data.loc[own, "month"]
            left_out = data.loc[own & ~baseline, "month"]
            data.loc[in_phase, "limits_from"] = f"{months.min():%B %Y} to {months.max():%B %Y}"
            data.loc[in_phase, "left_out"] = f"{left_out.min():%B %Y} to {left_out.max():%B %Y}" if len(left_out) else ""
        signals = special_causes(data["rate"], data["centre"], data["lower"], data["upper"], phases=data["phase"])
        for rule in RULE_NAMES:
            data[rule] = signals[rule].to_numpy()
        pattern = data["shift"] | data["trend"] | data["near_limit"]
        data["signal"] = [SIGNAL_OUTSIDE if out else SIGNAL_PATTERN if other else ""
                          for out, other in zip(data["outside"], pattern)]
        data["rules"] = ["; ".join(name for rule, name in RULE_NAMES.items() if row[rule]) for _, row in
                         data[list(RULE_NAMES)].iterrows()]
        data["above"] = data["rate"] > data["centre"]
        return data

    @uses(metric="change_december")
    def december_change(self, measure: str, area: str = "borough") -> DecemberChange | None:
        """December of the report year against the December before (None if either is missing)."""
        data = self.series(measure, area).set_index("month")
        after, before = pd.Period(f"{self.year}-12", "M"), pd.Period(f"{self.year - 1}-12", "M")
        if before not in data.index or after not in data.index:
            return None
        b, a = data.loc[before], data.loc[after]
        dispersion = change_dispersion(*self._boroughs_in(measure, before, after))
        test = rate_change_test(int(b["count"]), float(b["population"]), int(a["count"]), float(a["population"]),
                                dispersion=dispersion)
        ratio = rate_ratio(int(a["count"]), float(a["population"]), int(b["count"]), float(b["population"]),
                           dispersion=dispersion)
        return DecemberChange(int(b["count"]), int(a["count"]), float(b["rate"]), float(a["rate"]),
                              percent_difference(a["rate"], b["rate"]), test, ratio)

    def _boroughs_in(self, measure: str, before: pd.Period, after: pd.Period) -> tuple[pd.Series, ...]:
        """Every borough's count and female residents in two months: what the quasi-Poisson tests are fitted to."""
        by_month = self.counts[measure].unstack("month", fill_value=0)
        counts = [by_month[m] if m in by_month.columns else pd.Series(0, index=by_month.index) for m in (before, after)]
        return (*counts, self.female[before.year].reindex(by_month.index),
                self.female[after.year].reindex(by_month.index))

    def december_difference(self, measure: str) -> TestResult | None:
        """Did the borough's December change differ from the other boroughs'? (Quasi-Poisson regression.)

        None when a December is missing or one of the borough's two counts is zero (its ratio is then undefined).
        """
        borough = self.december_change(measure)
        if borough is None or min(borough.before, borough.after) == 0:
            return None
        before, after = pd.Period(f"{self.year - 1}-12", "M"), pd.Period(f"{self.year}-12", "M")
        return area_change_test(*self._boroughs_in(measure, before, after), self.borough_code)


def limits_description(chart: pd.DataFrame, change: str) -> str:
    """Where a control chart's limits come from, in words, e.g. "January 2020 to February 2024, the months before
    the police changed their recording system in March 2024"."""
    periods = list(dict.fromkeys(chart["limits_from"]))
    text = (phrase("abuse-type-sections", "limits", "change", period=periods[0], change=change) if change else
            phrase("abuse-type-sections", "limits", "no_change", period=periods[0]))
    if len(periods) > 1:
        text += phrase("abuse-type-sections", "limits_since", periods=join_words(periods[1:]))
    left_out = [period for period in dict.fromkeys(chart["left_out"]) if period]
    if left_out:
        text += phrase("abuse-type-sections", "limits_left_out", left_out=join_words(left_out))
    return text


def recording_changes() -> pd.DataFrame:
    return reference.events().query("kind == 'recording_change'")


def lockdown_months() -> pd.PeriodIndex:
    """The COVID-19 lockdown period, month by month: from the first national lockdown's month to the last one's.

    The months between lockdowns are included: restrictions continued through them, so they are no baseline either.
    """
    events = reference.events()
    lockdowns = events[events["event_id"].str.startswith("covid_lockdown")]
    if lockdowns.empty:
        return pd.PeriodIndex([], freq="M")
    end = lockdowns["end"].fillna(lockdowns["start"]).max()
    return pd.period_range(lockdowns["start"].min().to_period("M"), end.to_period("M"), freq="M")


def chart_events(months: pd.PeriodIndex) -> pd.DataFrame:
    """Events of events.csv that fall within the charted months: start, end (missing for a date) and label."""
    events = reference.events()
    first, last = months[0].start_time, months[-1].end_time
    end = events["end"].fillna(events["start"])
    inside = events[(events["start"] <= last) & (end >= first)].copy()
    inside["start"] = inside["start"].clip(lower=first)
    inside["end"] = inside["end"].clip(upper=last)
    return inside[["event_id", "start", "end", "label", "kind"]].reset_index(drop=True)


def _month_list(months: list[pd.Period]) -> str:
    return join_words([f"{month:%B %Y}" for month in months])


def signal_summary(chart: pd.DataFrame, area_name: str) -> str:
    """One sentence on the months that signal special-cause variation, e.g. for the alt text and prose."""
    outside = chart[chart["outside"]]
    high = [m for m, above in zip(outside["month"], outside["above"]) if above]
    low = [m for m, above in zip(outside["month"], outside["above"]) if not above]
    parts = []
    if high:
        parts.append(phrase("abuse-type-sections", "outside_high", "months", months=_month_list(high)) if len(high) <= 4
                     else phrase("abuse-type-sections", "outside_high", "many", count=len(high)))
    if low:
        parts.append(phrase("abuse-type-sections", "outside_low", "months", months=_month_list(low)) if len(low) <= 4
                     else phrase("abuse-type-sections", "outside_low", "many", count=len(low), first=f"{min(low):%B %Y}",
                                 last=f"{max(low):%B %Y}"))
    runs = ""
    if chart["shift"].any():
        run_months = chart[chart["shift"]]
        below, above = int((~run_months["above"]).sum()), int(run_months["above"].sum())
        total = below + above
        if not above:
            runs += phrase("abuse-type-sections", "shift_months", "all_below", total=total)
        elif not below:
            runs += phrase("abuse-type-sections", "shift_months", "all_above", total=total)
        else:
            runs += phrase("abuse-type-sections", "shift_months", "mixed", total=total, below=below, above=above)
    others = [phrase("abuse-type-sections", "other_signals", rule, months=int(chart[rule].sum()))
              for rule in ("trend", "near_limit") if chart[rule].any()]
    if others:
        runs += "; " + join_words(others)
    if parts:
        return phrase("abuse-type-sections", "signals", "outside", area=area_name, parts=" and ".join(parts), runs=runs)
    return phrase("abuse-type-sections", "signals", "within", area=area_name, runs=runs)


# -- artifacts -----------------------------------------------------------------------

def figure_control_chart(monthly: MonthlyRates, abuse_type: str) -> Figure:
    label = abuse_type_label(abuse_type)
    name = label.lower() if abuse_type != "dva" else "domestic abuse"
    borough_chart = monthly.control_chart(abuse_type).assign(area=monthly.borough)
    london_chart = monthly.control_chart(abuse_type, "london").assign(area="London")
    data = pd.concat([borough_chart, london_chart], ignore_index=True)
    data["plotted"], data["label"] = chart_values(data["rate"], data["count"], monthly.threshold, "{:.2f}")
    data["date"] = data["month"].dt.start_time
    data["month_text"] = data["month"].dt.strftime("%b %Y")
    first, last = monthly.months[0], monthly.months[-1]
    events = chart_events(monthly.months)
    limits_from = join_words(list(dict.fromkeys(borough_chart["limits_from"])))
    left_out = join_words([p for p in dict.fromkeys(borough_chart["left_out"]) if p])
    limits_from = (phrase("abuse-type-sections", "limits_from", "without_lockdown", limits_from=limits_from,
                          left_out=left_out) if left_out else
                   phrase("abuse-type-sections", "limits_from", "all_months", limits_from=limits_from))

    latest = borough_chart.iloc[-1]
    recent = borough_chart.tail(12)
    period = (phrase("abuse-type-sections", "period", "year", year=monthly.year) if last.month == 12 else
              phrase("abuse-type-sections", "period", "to_month", month=f"{last:%B %Y}"))
    if recent["outside"].any() and not recent.loc[recent["outside"], "above"].any():
        finding = phrase("abuse-type-sections", "finding", "fell", period=period)
    elif recent["outside"].any() and recent.loc[recent["outside"], "above"].all():
        finding = phrase("abuse-type-sections", "finding", "rose", period=period)
    elif recent["shift"].any():
        finding = phrase("abuse-type-sections", "finding", "stayed_below" if not recent.loc[recent["shift"], "above"].any()
                         else "stayed_above", period=period)
    else:
        finding = phrase("abuse-type-sections", "finding", "within", period=period)
    above = borough_chart["rate"].tail(12).mean() > london_chart["rate"].tail(12).mean()
    title = phrase("abuse-type-sections", "control_title", "above" if above else "below", borough=monthly.borough,
                   name=name, finding=finding)
    def plot_at(width: float = 8.0):
        return charts.control_chart(
            data, x="date", y="plotted", panel="area", centre="centre", lower="lower", upper="upper",
            phase="phase", signal="signal", events=events, title=title,
            subtitle=phrase("abuse-type-sections", "control_subtitle", label=label, first=f"{first:%B %Y}",
                            last=f"{last:%B %Y}", limits_from=limits_from),
            y_title="Offences per 1,000 female residents", panel_order=[monthly.borough, "London"],
            signal_order=[SIGNAL_OUTSIDE, SIGNAL_PATTERN], width=width)

    plot = plot_at()

    event_text = join_words([
        phrase("abuse-type-sections", "event", "month", event=row.label, start=f"{row.start:%B %Y}")
        if pd.isna(row.end) or row.end == row.start else
        phrase("abuse-type-sections", "event", "months", event=row.label, start=f"{row.start:%B %Y}",
               end=f"{row.end:%B %Y}") for row in events.itertuples()])
    shown = borough_chart.dropna(subset=["rate"])
    hidden = (data["plotted"].isna() & data["rate"].notna()).any()
    alt = phrase(
        "abuse-type-sections", "control_alt", name=name, borough=monthly.borough, first=f"{first:%B %Y}",
        last=f"{last:%B %Y}", limits_from=limits_from, lowest=f"{shown['rate'].min():.2f}",
        highest=f"{shown['rate'].max():.2f}", average=f"{borough_chart['centre'].iloc[0]:.2f}",
        latest_month=f"{latest['month']:%B %Y}", latest_rate=f"{latest['rate']:.2f}",
        london_rate=f"{london_chart['rate'].iloc[-1]:.2f}",
        borough_signals=signal_summary(borough_chart, monthly.borough),
        london_signals=signal_summary(london_chart, "London"),
        events=phrase("abuse-type-sections", "control_events", "some", events=event_text) if event_text else
        phrase("abuse-type-sections", "control_events", "none"),
        hidden=phrase("abuse-type-sections", "control_hidden", "some" if hidden else "none"))
    data["signal_text"] = data["rules"].replace("", "None")
    return Figure(
        id=chart_id(abuse_type), plot=plot, height=7.0, redraw=plot_at,
        caption=phrase("abuse-type-sections", "control_caption", name=name, borough=monthly.borough,
                       first=f"{first:%B %Y}", last=f"{last:%B %Y}"),
        alt=alt, source=SOURCE + "; lockdown dates: UK Government; CONNECT date: Metropolitan Police Service", data=data,
        columns=[Column("Month", "month_text", "text"), Column("Area", "area", "text"),
                 Column("Offences", "count", "count"),
                 Column("Rate per 1,000 female residents", "rate", "number", 3, basis="count"),
                 Column("Average", "centre", "number", 3), Column("Lower limit", "lower", "number", 3),
                 Column("Upper limit", "upper", "number", 3), Column("Special cause", "signal_text", "text")],
    )
