"""Chapter 3, "Future demand": a forecast of the monthly VAWG rate of every borough (seed Figure 33).

Artifact ids and the functions that make them:

- ``fig-vawg-forecast``        :func:`figure_vawg_forecast`        (seed Figure 33: the borough's forecast)
- ``tbl-forecast-boroughs``    :func:`table_forecast_boroughs`     (every borough's forecast and accuracy)
- values ``forecast.*``        :func:`prose_values`

The model (:func:`vawg.foundations.stats.forecasting.forecast_monthly`) is fitted on the months before the
police recording change of ``data/reference/events.csv``, so the forecast says what
the rate would be on the old recording basis. It regresses the monthly rate per
1,000 female residents on a linear trend, seasonal terms and the share of each
month spent in a dated context period (the COVID-19 lockdowns), with AR(1)
errors; its prediction interval includes the uncertainty of the fitted trend and
coefficients. Its accuracy is the mean absolute percentage error (MAPE) on the last
:data:`HOLDOUT_MONTHS` of those months, forecast by a model fitted without them.

The interval's coverage is measured on a rolling hold-out: the model is refitted
at :data:`ROLLING_ORIGINS` points :data:`ORIGIN_STEP` months apart (the last being
the MAPE's), each time on the months up to that point only, and each forecast of
the next :data:`HOLDOUT_MONTHS` months is checked against what was recorded. The
share of those months inside the interval is published for the borough and for
all boroughs pooled (``tbl-forecast-coverage``, Appendix 6e).

- ``tbl-forecast-coverage``    :func:`table_forecast_coverage`     (the interval's measured coverage)
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from vawg.writing import charts
from vawg.foundations import reference
from vawg.writing.artifacts import Column, Figure, Table
from vawg.foundations.wording import direction, join_words, phrase, with_article
from vawg.foundations.methods_used import uses
from vawg.analysis.police.monthly import MonthlyRates, chart_events, recording_changes
from vawg.analysis.police.recorded_offences import SOURCE
from vawg.foundations.stats.comparisons import percent_difference
from vawg.foundations.stats.forecasting import Forecast, forecast_monthly, mean_absolute_percentage_error

HOLDOUT_MONTHS = 12
ROLLING_ORIGINS = 5        # hold-out fits for the interval's coverage, the last one the MAPE's
ORIGIN_STEP = 2            # months between two hold-out fits
MIN_TRAINING_MONTHS = 24   # no hold-out fit on fewer months than this (two years of seasons)
HORIZON_BANDS = ((1, 3), (4, 6), (7, 9), (10, 12))  # months ahead, for the coverage table
HORIZON_YEARS = 4    # the forecast runs to December, this many years after the report year
FOURIER_PAIRS = 2    # annual sine and cosine waves in the seasonal terms
LEVEL = 0.95
MEASURE = "all_vawg"


@dataclass
class BoroughForecast:
    code: str
    name: str
    history: pd.DataFrame    # month, rate (every month of the chart window)
    training: pd.DataFrame   # the months the model is fitted on
    forecast: Forecast
    holdout: pd.DataFrame    # month, actual, mean, lower, upper (the last HOLDOUT_MONTHS of the training months)
    mape: float
    rolling: pd.DataFrame    # origin, month, ahead, actual, mean, lower, upper, inside: every hold-out forecast

    @property
    def last_fitted(self) -> pd.Series:
        """The last month the model was fitted on."""
        return self.training.iloc[-1]

    @property
    def start(self) -> pd.Series:
        """The latest fitted month in the same calendar month as the forecast's end (e.g. the December before
        the recording change), so that the change compares like with like (no seasonal or day-count effect)."""
        month = self.end["month"].month
        same = self.training[self.training["month"].dt.month == month]
        return same.iloc[-1] if not same.empty else self.last_fitted

    @property
    def end(self) -> pd.Series:
        return self.forecast.forecast.iloc[-1]

    @property
    def change(self) -> float:
        return percent_difference(self.end["mean"], self.start["rate"])

    @property
    def holdout_coverage(self) -> float:
        """Percentage of the rolling hold-out's forecast months whose recorded rate is inside the interval."""
        return coverage(self.rolling)


def coverage(rolling: pd.DataFrame) -> float:
    """Percentage of hold-out forecasts (rows of a rolling hold-out) inside their prediction interval."""
    return float(rolling["inside"].mean() * 100) if len(rolling) else float("nan")


def regressors(months: pd.PeriodIndex) -> pd.DataFrame:
    """Seasonal terms and the share of each month's days inside a dated context period (e.g. a lockdown)."""
    frame = pd.DataFrame(index=months)
    for k in range(1, FOURIER_PAIRS + 1):
        angle = 2 * np.pi * k * months.month.to_numpy() / 12
        frame[f"sin{k}"], frame[f"cos{k}"] = np.sin(angle), np.cos(angle)
    events = reference.events()
    periods = events[(events["kind"] == "context") & events["end"].notna()]
    share = np.zeros(len(months))
    for period in periods.itertuples():
        for position, month in enumerate(months):
            first, last = max(month.start_time, period.start), min(month.end_time.normalize(), period.end)
            if last >= first:
                share[position] += ((last - first).days + 1) / month.days_in_month
    frame["context_period"] = np.minimum(share, 1.0)
    return frame


def training_end(months: pd.PeriodIndex) -> pd.Period:
    """The last month before the first recording change after the series starts (else the last month)."""
    changes = sorted(d.to_period("M") for d in recording_changes()["start"] if d.to_period("M") > months[0])
    inside = [change for change in changes if change <= months[-1]]
    return inside[0] - 1 if inside else months[-1]


def rolling_holdout(training: pd.Series, exog: pd.DataFrame) -> pd.DataFrame:
    """Forecasts of the next :data:`HOLDOUT_MONTHS` months from models fitted on the months up to each origin.

    The origins are the last :data:`ROLLING_ORIGINS` months, :data:`ORIGIN_STEP` apart, that leave a full
    hold-out after them and at least :data:`MIN_TRAINING_MONTHS` before; the last is the MAPE's hold-out.
    """
    last = len(training) - HOLDOUT_MONTHS
    sizes = [size for size in range(last, last - ROLLING_ORIGINS * ORIGIN_STEP, -ORIGIN_STEP)
             if size >= MIN_TRAINING_MONTHS]
    frames = []
    for size in sorted(sizes):
        fit_part, held = training.iloc[:size], training.iloc[size:size + HOLDOUT_MONTHS]
        check = forecast_monthly(fit_part, exog.loc[fit_part.index], exog.loc[held.index], level=LEVEL).forecast
        actual = held.to_numpy()
        frames.append(check.reset_index(drop=True).assign(
            origin=fit_part.index[-1], month=held.index, ahead=np.arange(1, len(held) + 1), actual=actual,
            inside=(actual >= check["lower"].to_numpy()) & (actual <= check["upper"].to_numpy())))
    columns = ["origin", "month", "ahead", "actual", "mean", "lower", "upper", "inside"]
    return pd.concat(frames, ignore_index=True)[columns] if frames else pd.DataFrame(columns=columns)


def forecast_borough(rates: pd.Series, *, code: str, name: str, horizon_end: pd.Period) -> BoroughForecast:
    """Fit, hold-out checks and forecast for one monthly series of rates (indexed by month)."""
    months = rates.index
    end = training_end(months)
    training = rates[rates.index <= end]
    exog = regressors(training.index)
    rolling = rolling_holdout(training, exog)
    holdout = rolling[rolling["origin"] == rolling["origin"].max()].drop(columns=["origin", "ahead", "inside"])
    future = pd.period_range(end + 1, horizon_end, freq="M")
    final = forecast_monthly(training, exog, regressors(future), level=LEVEL)
    final.forecast["month"] = future
    return BoroughForecast(
        code=code, name=name,
        history=pd.DataFrame({"month": months, "rate": rates.to_numpy()}),
        training=pd.DataFrame({"month": training.index, "rate": training.to_numpy()}),
        forecast=final, holdout=holdout.reset_index(drop=True),
        mape=mean_absolute_percentage_error(holdout["actual"], holdout["mean"]), rolling=rolling,
    )


@dataclass
class FutureDemand:
    borough: str
    borough_code: str
    year: int
    forecasts: dict[str, BoroughForecast]   # borough code → forecast
    london: BoroughForecast                 # London as a whole (all boroughs' offences over all their women)
    threshold: int

    @classmethod
    def compute(cls, staged_dir: Path | str, *, borough: str, period_end: str, threshold: int,
                boroughs: list[str] | None = None) -> "FutureDemand":
        """Forecast every borough (or only ``boroughs``, codes, for a quick look; the borough is always included)."""
        monthly = MonthlyRates.compute(staged_dir, borough=borough, period_end=period_end, threshold=threshold)
        names = reference.boroughs().set_index("borough_code")["borough_name"]
        counts = monthly.counts[MEASURE].unstack("month", fill_value=0).reindex(columns=monthly.months, fill_value=0)
        population = pd.DataFrame({month: monthly.female[month.year] for month in monthly.months})
        rates = counts / population.reindex(counts.index) * 1000
        codes = list(rates.index) if boroughs is None else sorted(set(boroughs) | {monthly.borough_code})
        horizon_end = pd.Period(f"{monthly.year + HORIZON_YEARS}-12", "M")
        forecasts = {code: forecast_borough(rates.loc[code], code=code, name=names[code], horizon_end=horizon_end)
                     for code in codes}
        london_rates = counts.sum() / population.reindex(counts.index).sum() * 1000
        london = forecast_borough(london_rates, code="london", name="London", horizon_end=horizon_end)
        return cls(borough=borough, borough_code=monthly.borough_code, year=monthly.year, forecasts=forecasts,
                   london=london, threshold=threshold)

    @property
    def own(self) -> BoroughForecast:
        return self.forecasts[self.borough_code]

    def pooled_rolling(self) -> pd.DataFrame:
        """Every borough's rolling hold-out forecasts together (London's, a sum of them, left out)."""
        return pd.concat([result.rolling.assign(borough_code=code) for code, result in self.forecasts.items()],
                         ignore_index=True)

    @uses(metric="forecast_change")
    def summary(self) -> pd.DataFrame:
        rows = []
        for code, result in self.forecasts.items():
            rows.append({
                "borough_code": code, "borough": result.name, "is_borough": code == self.borough_code,
                "start_month": f"{result.start['month']:%b %Y}", "start_rate": result.start["rate"],
                "end_rate": result.end["mean"], "end_lower": result.end["lower"], "end_upper": result.end["upper"],
                "change": result.change,
                "change_lower": percent_difference(result.end["lower"], result.start["rate"]),
                "change_upper": percent_difference(result.end["upper"], result.start["rate"]),
                "mape": result.mape, "coverage": result.holdout_coverage,
            })
        return pd.DataFrame(rows).sort_values("borough").reset_index(drop=True)


# -- artifacts -----------------------------------------------------------------------

def _part_names(result: BoroughForecast) -> tuple[str, str]:
    return (f"Recorded, {result.training['month'].iloc[0]:%b %Y} to {result.last_fitted['month']:%b %Y} (model fitted)",
            "Recorded after the recording change")


def figure_vawg_forecast(demand: FutureDemand) -> Figure:
    result = demand.own
    fitted_name, after_name = _part_names(result)
    history = result.history.copy()
    history["part"] = np.where(history["month"] <= result.last_fitted["month"], fitted_name, after_name)
    history["date"] = history["month"].dt.start_time
    forecast = result.forecast.forecast.copy()
    forecast["date"] = forecast["month"].dt.start_time
    months = pd.period_range(history["month"].min(), forecast["month"].max(), freq="M")
    events = chart_events(months)
    events = events[events["kind"] == "recording_change"]
    rises = result.change > 0
    end_month = f"{result.end['month']:%B %Y}"
    if result.end["lower"] <= result.start["rate"] <= result.end["upper"]:
        title = phrase("future-demand", "title", "little", borough=demand.borough, end_month=end_month)
    else:
        title = phrase("future-demand", "title", "rise" if rises else "fall", borough=demand.borough,
                       end_month=end_month)
    parts = [fitted_name] + ([after_name] if (history["part"] == after_name).any() else [])
    def plot_at(width: float = 8.0):
        return charts.forecast_chart(
            history, forecast, x="date", y="rate", part="part", mean="mean", lower="lower", upper="upper",
            events=events, title=title,
            subtitle=phrase("future-demand", "subtitle", end_month=end_month, level=f"{LEVEL:.0%}"),
            y_title="Offences per 1,000 female residents", part_order=parts, forecast_label="Forecast",
            interval_label=f"{LEVEL:.0%} prediction interval", width=width)

    plot = plot_at()
    alt = phrase(
        "future-demand", "alt", "rise" if rises else "fall", borough=demand.borough,
        first_month=f"{result.history['month'].iloc[0]:%B %Y}", last_month=f"{result.history['month'].iloc[-1]:%B %Y}",
        forecast_month=f"{forecast['month'].iloc[0]:%B %Y}", end_month=end_month,
        fitted_month=f"{result.last_fitted['month']:%B %Y}", start_rate=f"{result.start['rate']:.2f}",
        start_month=f"{result.start['month']:%B %Y}", end_rate=f"{result.end['mean']:.2f}", level=f"{LEVEL:.0%}",
        lower=f"{result.end['lower']:.2f}", upper=f"{result.end['upper']:.2f}", change=f"{abs(result.change):.1f}",
        after=phrase("future-demand", "alt_after", "below" if _after_below(result) else "not_below"))
    data = pd.concat([
        history.assign(series=history["part"], lower=np.nan, upper=np.nan)[["month", "series", "rate", "lower", "upper"]],
        forecast.assign(series="Forecast", rate=forecast["mean"])[["month", "series", "rate", "lower", "upper"]],
    ], ignore_index=True)
    data["month_text"] = data["month"].dt.strftime("%b %Y")
    return Figure(
        id="fig-vawg-forecast", plot=plot, height=5.0, redraw=plot_at,
        caption=phrase("future-demand", "caption", borough=demand.borough),
        alt=alt, source=SOURCE, data=data,
        columns=[Column("Month", "month_text", "text"), Column("Series", "series", "text"),
                 Column("Rate per 1,000 female residents", "rate", "number", 3),
                 Column(f"{LEVEL:.0%} interval, lower", "lower", "number", 3),
                 Column(f"{LEVEL:.0%} interval, upper", "upper", "number", 3)],
    )


def _after_below(result: BoroughForecast) -> bool:
    after = result.history[result.history["month"] > result.last_fitted["month"]].set_index("month")["rate"]
    forecast = result.forecast.forecast.set_index("month")["mean"]
    common = after.index.intersection(forecast.index)
    return bool(len(common) and (after[common] < forecast[common]).mean() > 0.5)


def table_forecast_boroughs(demand: FutureDemand) -> Table:
    """The borough's forecast beside London's, and the spread of the forecasts of every borough (not named, so
    that the chapter of one borough does not report on the others)."""
    summary = demand.summary()
    end = f"{demand.own.end['month']:%b %Y}"
    size = len(summary)

    def row(name: str, result: BoroughForecast, emphasis: bool) -> dict:
        return {"area": name, "start_rate": result.start["rate"], "end_rate": result.end["mean"],
                "interval": f"{result.end['lower']:.2f}–{result.end['upper']:.2f}", "change": result.change,
                "mape": result.mape, "emphasis": emphasis}

    rows = [row(demand.borough, demand.own, True), row("London", demand.london, False)]
    for label, pick in (("lowest", "min"), ("median", "median"), ("highest", "max")):
        rows.append({"area": f"Boroughs: {label} of {size}", "start_rate": float("nan"), "end_rate": float("nan"),
                     "interval": "–", "change": getattr(summary["change"], pick)(),
                     "mape": getattr(summary["mape"], pick)(), "emphasis": False})
    table = pd.DataFrame(rows)
    return Table(
        id="tbl-forecast-boroughs",
        caption=phrase("future-demand", "boroughs_caption", end=end, borough=demand.borough, boroughs=size),
        data=table,
        columns=[
            Column("Area", "area", "text"),
            Column(f"Rate, {demand.own.start['month']:%b %Y}", "start_rate", "number", 2),
            Column(f"Forecast, {end}", "end_rate", "number", 2),
            Column(f"{LEVEL:.0%} prediction interval", "interval", "text"),
            Column("Change (%)", "change", "change", 1),
            Column("Hold-out error (MAPE, %)", "mape", "number", 1),
        ],
        source=SOURCE,
        notes=(phrase("future-demand", "boroughs_note_model"),
               phrase("future-demand", "boroughs_note_mape", months=HOLDOUT_MONTHS)),
        emphasis="emphasis",
    )


def _band_name(first: int, last: int) -> str:
    return f"{first} to {last} months ahead"


def coverage_rows(demand: FutureDemand) -> pd.DataFrame:
    """The interval's measured coverage by months ahead: the borough's hold-out forecasts and all boroughs'."""
    own, pooled = demand.own.rolling, demand.pooled_rolling()
    rows = []
    for first, last in (*HORIZON_BANDS, (1, HOLDOUT_MONTHS)):
        mine, every = (frame[frame["ahead"].between(first, last)] for frame in (own, pooled))
        rows.append({"ahead": _band_name(first, last) if (first, last) != (1, HOLDOUT_MONTHS)
                     else f"All {HOLDOUT_MONTHS} months", "borough": coverage(mine), "borough_n": len(mine),
                     "all": coverage(every), "all_n": len(every), "emphasis": (first, last) == (1, HOLDOUT_MONTHS)})
    return pd.DataFrame(rows)


def table_forecast_coverage(demand: FutureDemand) -> Table:
    """How often the recorded rate fell inside the prediction interval in the rolling hold-out (Appendix 6e)."""
    rows, own = coverage_rows(demand), demand.own.rolling
    origins = sorted(own["origin"].unique())
    size = len(demand.forecasts)
    return Table(
        id="tbl-forecast-coverage",
        caption=phrase("future-demand", "coverage_caption", level=f"{LEVEL:.0%}", borough=demand.borough,
                       boroughs=size),
        data=rows,
        columns=[
            Column("Months ahead", "ahead", "text"),
            Column(f"{demand.borough}: inside the interval (%)", "borough", "percent", 0),
            Column(f"{demand.borough}: months checked", "borough_n", "number", 0),
            Column(f"All {size} boroughs: inside the interval (%)", "all", "percent", 0),
            Column(f"All {size} boroughs: months checked", "all_n", "number", 0),
        ],
        source=SOURCE,
        notes=(
            phrase("future-demand", "rolling_note", "origins", fits=len(origins), months=HOLDOUT_MONTHS,
                   origins=join_words([f"{month:%B %Y}" for month in origins])) if origins else
            phrase("future-demand", "rolling_note", "no_origins", fits=len(origins), months=HOLDOUT_MONTHS),
            phrase("future-demand", "coverage_note_calibration", level=f"{LEVEL:.0%}"),
        ),
        emphasis="emphasis",
    )


def prose_values(demand: FutureDemand) -> dict[str, tuple]:
    """Every number and data-driven word the section's prose quotes: ``{key: (value, kind, decimals[, basis])}``."""
    result, summary = demand.own, demand.summary()
    median_mape = float(summary["mape"].median())
    events = reference.events()
    context = events[(events["kind"] == "context") & events["end"].notna()]
    return {
        "forecast.training_first_month": (f"{result.training['month'].iloc[0]:%B %Y}", "text", 0),
        "forecast.training_last_month": (f"{result.last_fitted['month']:%B %Y}", "text", 0),
        "forecast.start_month": (f"{result.start['month']:%B %Y}", "text", 0),
        "forecast.training_months": (len(result.training), "number", 0),
        "forecast.holdout_months": (HOLDOUT_MONTHS, "number", 0),
        "forecast.holdout_first_month": (f"{result.holdout['month'].iloc[0]:%B %Y}", "text", 0),
        "forecast.mape": (result.mape, "percent", 1),
        "forecast.median_mape": (median_mape, "percent", 1),
        "forecast.min_mape": (float(summary["mape"].min()), "percent", 1),
        "forecast.max_mape": (float(summary["mape"].max()), "percent", 1),
        "forecast.accuracy_comparison": (phrase(
            "future-demand", "accuracy",
            "more" if result.mape < median_mape else "less" if result.mape > median_mape else "same"), "text", 0),
        "forecast.coverage": (result.holdout_coverage, "percent", 0),
        "forecast.coverage_all": (coverage(demand.pooled_rolling()), "percent", 0),
        "forecast.coverage_comparison": (_coverage_comparison(coverage(demand.pooled_rolling())), "text", 0),
        "forecast.coverage_origins": (int(result.rolling["origin"].nunique()), "number", 0),
        "forecast.coverage_step": (ORIGIN_STEP, "number", 0),
        "forecast.coverage_months": (len(result.rolling), "number", 0),
        "forecast.coverage_all_months": (len(demand.pooled_rolling()), "number", 0),
        "forecast.coverage_first_origin": (f"{result.rolling['origin'].min():%B %Y}", "text", 0),
        "forecast.coverage_last_origin": (f"{result.rolling['origin'].max():%B %Y}", "text", 0),
        "forecast.boroughs": (len(summary), "number", 0),
        "forecast.level": (LEVEL * 100, "percent", 0),
        "forecast.context_periods": (phrase(
            "future-demand", "context_periods",
            "lockdowns" if context["event_id"].str.startswith("covid_lockdown").all() else "disruptions",
            periods=len(context)), "text", 0),
        "forecast.start_rate": (result.start["rate"], "number", 2),
        "forecast.end_month": (f"{result.end['month']:%B %Y}", "text", 0),
        "forecast.end_rate": (result.end["mean"], "number", 2),
        "forecast.end_lower": (result.end["lower"], "number", 2),
        "forecast.end_upper": (result.end["upper"], "number", 2),
        "forecast.change": (abs(result.change), "percent", 1),
        "forecast.direction": (direction(result.change, "rise", "fall"), "text", 0),
        "forecast.change_words": (_signed_change(result.change), "text", 0),
        "forecast.change_lower": (_signed_change(percent_difference(result.end["lower"], result.start["rate"])), "text", 0),
        "forecast.change_upper": (_signed_change(percent_difference(result.end["upper"], result.start["rate"])), "text", 0),
        "forecast.interval_verdict": (_interval_verdict(result), "text", 0),
        "forecast.boroughs_rising": (int((summary["change"] > 0).sum()), "number", 0),
        "forecast.change_rank": (int((summary["change"] > result.change).sum()) + 1, "rank", 0),
        "forecast.london_change": (abs(demand.london.change), "percent", 1),
        "forecast.london_direction": (direction(demand.london.change, "rise", "fall"), "text", 0),
        "forecast.london_end_rate": (demand.london.end["mean"], "number", 2),
        "forecast.london_mape": (demand.london.mape, "percent", 1),
        "forecast.after_change_sentence": (
            phrase("future-demand", "after_change", "below" if _after_below(result) else "not_below"), "text", 0),
    }


CLOSE_TO_NOMINAL = 3  # percentage points: a measured coverage this near the stated level reads as "close to" it


def _coverage_comparison(measured: float) -> str:
    """The pooled hold-out coverage against the interval's stated level, in words (a reading rule, not a test:
    the hold-out forecasts overlap, so the months are not independent)."""
    stated = f"{LEVEL:.0%}"
    if abs(measured - LEVEL * 100) <= CLOSE_TO_NOMINAL:
        return phrase("future-demand", "coverage", "close", stated=stated)
    return phrase("future-demand", "coverage", "below" if measured < LEVEL * 100 else "above", stated=stated)


def _interval_verdict(result: BoroughForecast) -> str:
    """What the prediction interval for the last month allows: a level rate too, or only the forecast direction."""
    if result.end["lower"] <= result.start["rate"] <= result.end["upper"]:
        return phrase("future-demand", "interval_verdict", "level_or_fall" if result.change > 0 else "level_or_rise")
    return phrase("future-demand", "interval_verdict", "rise" if result.change > 0 else "fall")


def _signed_change(value: float) -> str:
    return with_article(phrase("future-demand", "signed_change", "rise" if value > 0 else "fall",
                               change=f"{abs(value):.1f}"))
