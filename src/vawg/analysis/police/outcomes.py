"""Chapter 3, "Outcomes": positive outcomes of VAWG offences and the reasons for the rest (seed Figure 34).

Artifact ids and the functions that make them:

- ``fig-positive-outcome-rates``        :func:`figure_positive_outcome_rates`        (seed Figure 34)
- ``tbl-positive-outcome-rates``        :func:`table_positive_outcome_rates`
- ``tbl-outcome-odds-ratios``           :func:`table_outcome_odds_ratios`
- ``fig-no-positive-outcome-reasons``   :func:`figure_no_positive_outcome_reasons`
- ``tbl-no-positive-outcome-reasons``   :func:`table_no_positive_outcome_reasons`
- values ``outcomes.*``                 :func:`prose_values`

A positive outcome is a criminal justice outcome: charge or summons (also for
an alternative offence), caution, community resolution or penalty notice
(:data:`vawg.intake.contracts.police.POSITIVE_OUTCOMES`). The positive outcome rate
is positive outcomes as a percentage of the report year's VAWG offences with a
final (known) outcome; offences still under investigation are left out. The
borough is compared with the rest of London by a pooled two-proportion z-test,
and every rate has a 95% Wilson interval. Within an area, the odds of a
positive outcome for offences of one abuse type are compared with the odds for
the area's other VAWG offences (odds ratio with a 95% confidence interval and
Fisher's exact test).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from vawg.writing import charts
from vawg.foundations import reference
from vawg.writing.artifacts import Column, Figure, Table, format_value, ordinal
from vawg.intake.contracts.police import KNOWN_OUTCOMES, OUTCOME_CATEGORIES, POSITIVE_OUTCOMES
from vawg.foundations.methods_used import uses
from vawg.analysis.police.offences import ABUSE_TYPES_OVERLAP, abuse_type_flags, measured_abuse_types
from vawg.foundations.wording import direction, join_words, phrase, significance
from vawg.foundations.suppression import interval_texts
from vawg.analysis.police.relationships import load_vawg_offences
from vawg.foundations.suppression import disclosure_basis, significance_columns
from vawg.foundations.periods import report_year
from vawg.foundations.stats.intervals import share_row
from vawg.foundations.stats.comparisons import rank_highest_first, ztest_columns
from vawg.foundations.stats.profiles import holm_within, odds_ratio
from vawg.foundations.suppression import CONFIDENTIAL, chart_values, degenerate, is_small, secondary_suppression

SOURCE = "Metropolitan Police Service recorded crime (outcomes)"
POSITIVE = [name for name in OUTCOME_CATEGORIES if name in POSITIVE_OUTCOMES]
NEGATIVE = [name for name in OUTCOME_CATEGORIES if name in KNOWN_OUTCOMES and name not in POSITIVE_OUTCOMES]
MIN_LONDON_SHARE_CHARTED = 1.0  # abuse types with under 1% of London's known outcomes are in the table only
# How each reason reads in a sentence: chapters/_03-outcomes.wording.yml, "reason" and "reason_short" (by _key).
REASON_LABELS = {
    "Victim withdrew support - named suspect identified": "Victim withdrew support (suspect named)",
    "Investigation complete - no suspect identified": "No suspect identified",
    "Evidential difficulties - victim supports action": "Evidential difficulties (victim supports action)",
    "Prosecution prevented or not in the public interest": "Prosecution prevented or not in the public interest",
    "Other negative outcome": "Other outcome",
}
POSITIVE_WORDS = {
    "Charged/summonsed": "charge or summons",
    "Charged/summonsed - alternative offence": "charge or summons for an alternative offence",
    "Caution": "caution",
    "Community resolution": "community resolution",
    "Penalty notice": "penalty notice",
}
REASON_COLUMNS = {  # short table headers, explained in the table's notes
    "Victim withdrew support - named suspect identified": "withdrew",
    "Investigation complete - no suspect identified": "no suspect",
    "Evidential difficulties - victim supports action": "evidential",
    "Prosecution prevented or not in the public interest": "prevented",
    "Other negative outcome": "other",
}
WITHDREW = "Victim withdrew support - named suspect identified"
NO_SUSPECT = "Investigation complete - no suspect identified"
EVIDENTIAL = "Evidential difficulties - victim supports action"


@dataclass
class Outcomes:
    """The report year's VAWG offences across London with their outcome and abuse-type flags."""

    borough: str
    borough_code: str
    year: int
    offences: pd.DataFrame   # borough_code, outcome_category, known, positive, and one flag per abuse type
    types: pd.DataFrame      # measured abuse types (abuse_type, label)
    threshold: int

    @classmethod
    def compute(cls, staged_dir: Path | str, *, borough: str, period_end: str, threshold: int) -> Outcomes:
        boroughs = reference.boroughs().set_index("borough_name")["borough_code"]
        year = report_year(period_end)
        offences = load_vawg_offences(staged_dir, year, needs=("outcome_category", "outcome_known"))
        return cls(borough=borough, borough_code=boroughs[borough], year=year,
                   offences=outcome_frame(offences), types=measured_abuse_types()[["abuse_type", "label"]],
                   threshold=threshold)

    # -- building blocks -------------------------------------------------------
    def area(self, area: str = "borough", *, known: bool = True) -> pd.DataFrame:
        frame = self.offences[self.offences["known"]] if known else self.offences
        if area == "borough":
            return frame[frame["borough_code"] == self.borough_code]
        if area == "rest":
            return frame[frame["borough_code"] != self.borough_code]
        return frame

    def borough_rates(self) -> pd.Series:
        """Positive outcome rate (%) of every borough's VAWG offences with a known outcome."""
        known = self.area("london")
        return known.groupby("borough_code")["positive"].mean() * 100

    @uses(metric="borough_rank")
    def rank(self) -> tuple[int, int]:
        rates = self.borough_rates()
        return int(rank_highest_first(rates)[self.borough_code]), int(rates.size)

    @uses(metric="positive_outcome_rate")
    def rate_table(self) -> pd.DataFrame:
        """Positive outcome rate by abuse type (all VAWG first), borough, rest of London and London."""
        areas = {area: self.area(area) for area in ("borough", "rest", "london")}
        total_london = int(areas["london"]["all_vawg"].sum())
        rows = []
        for abuse in self.types.itertuples():
            counts = {}
            for area, frame in areas.items():
                flagged = frame[frame[abuse.abuse_type]]
                counts[area] = (len(flagged), int(flagged["positive"].sum()))
            (n, positive), (n_rest, positive_rest), (n_london, positive_london) = \
                counts["borough"], counts["rest"], counts["london"]
            if n_london == 0:
                continue
            rate, london = share_row(positive, n), share_row(positive_london, n_london)
            rows.append({
                "abuse_type": abuse.abuse_type, "label": abuse.label, "known": n, "positive": positive,
                "rate": rate["share"], "lower": rate["lower"], "upper": rate["upper"],
                "rest_known": n_rest, "rest_positive": positive_rest,
                "rest_rate": positive_rest / n_rest * 100 if n_rest else float("nan"),
                "london_known": n_london, "london_positive": positive_london, "london_rate": london["share"],
                "london_lower": london["lower"], "london_upper": london["upper"],
                "london_share_of_known": n_london / total_london * 100 if total_london else float("nan"),
                **ztest_columns(positive, n, positive_rest, n_rest),
            })
        table = pd.DataFrame(rows)
        table["basis"] = [disclosure_basis(positive, n) for positive, n in zip(table["positive"], table["known"])]
        # The abuse types are one family of tests (Holm); all VAWG offences are a test of their own.
        return holm_within(table, rows=table["abuse_type"] != "all_vawg")

    def odds_ratios(self, area: str = "borough") -> pd.DataFrame:
        """Odds of a positive outcome for each abuse type against the area's other VAWG offences."""
        frame = self.area(area)
        rows = []
        for abuse in self.types.itertuples():
            if abuse.abuse_type == "all_vawg":
                continue
            flag = frame[abuse.abuse_type]
            cells = (int((flag & frame["positive"]).sum()), int((flag & ~frame["positive"]).sum()),
                     int((~flag & frame["positive"]).sum()), int((~flag & ~frame["positive"]).sum()))
            if cells[0] + cells[1] == 0:
                continue
            table = [[cells[0], cells[1]], [cells[2], cells[3]]]
            ratio = odds_ratio(table)
            rows.append({"abuse_type": abuse.abuse_type, "label": abuse.label,
                         "flagged_positive": cells[0], "flagged_other": cells[1],
                         "unflagged_positive": cells[2], "unflagged_other": cells[3],
                         "odds_ratio": ratio.estimate, "lower": ratio.lower, "upper": ratio.upper,
                         "p": ratio.p_value, "significant": ratio.significant,
                         "basis": min([n for n in cells if n > 0], default=0)})
        return holm_within(pd.DataFrame(rows))

    def positive_mix(self, area: str = "borough") -> pd.DataFrame:
        """Positive outcomes by category, largest first."""
        positive = self.area(area)
        positive = positive[positive["positive"]]
        counts = positive["outcome_category"].value_counts().reindex(POSITIVE, fill_value=0)
        counts = counts.sort_values(ascending=False, kind="stable")
        total = int(counts.sum())
        return pd.DataFrame({"category": counts.index, "count": counts.to_numpy(),
                             "share": counts.to_numpy() / total * 100 if total else float("nan")})

    @uses(metric="no_positive_outcome_share")
    def reasons(self, area: str = "borough", abuse_type: str = "all_vawg") -> pd.DataFrame:
        """Offences with a known outcome that was not positive, by reason (share of them), in the contract's order."""
        frame = self.area(area)
        frame = frame[frame[abuse_type] & ~frame["positive"]]
        counts = frame["outcome_category"].value_counts().reindex(NEGATIVE, fill_value=0)
        total = int(counts.sum())
        # Reasons add up to the published total: when one is small, the next smallest is hidden as well.
        hidden = secondary_suppression(counts, self.threshold)
        rows = []
        for reason, count in counts.items():
            share = share_row(int(count), total)
            basis = 1 if hidden[reason] and not is_small(count, self.threshold) else int(count)
            rows.append({"reason": reason, "label": REASON_LABELS.get(reason, reason), "count": int(count),
                         "total": total, "share": share["share"], "lower": share["lower"], "upper": share["upper"],
                         "basis": basis})
        return pd.DataFrame(rows)

    def reasons_by_type(self) -> pd.DataFrame:
        """For each abuse type, the borough's offences with no positive outcome and the share for each reason."""
        rows = []
        for abuse in self.types.itertuples():
            reasons = self.reasons("borough", abuse.abuse_type).set_index("reason")
            london = self.reasons("london", abuse.abuse_type).set_index("reason")
            if london["total"].iloc[0] == 0:
                continue
            total = int(reasons["total"].iloc[0])
            row = {"abuse_type": abuse.abuse_type, "label": abuse.label, "no_positive": total,
                   "london_no_positive": int(london["total"].iloc[0])}
            # A hidden total hides its shares (0% of "<7" still says where all of them went), and so does a
            # distribution with every offence in one reason.
            whole = is_small(total, self.threshold) or degenerate(reasons["count"])
            for reason in NEGATIVE:
                row[f"count_{_key(reason)}"] = int(reasons.loc[reason, "count"])
                row[f"share_{_key(reason)}"] = reasons.loc[reason, "share"]
                row[f"basis_{_key(reason)}"] = 1 if whole else int(reasons.loc[reason, "basis"])
                row[f"london_share_{_key(reason)}"] = london.loc[reason, "share"]
            top = reasons["count"].idxmax() if total else ""
            row["top_reason"] = top
            row["top_count"] = int(reasons.loc[top, "count"]) if total else 0
            rows.append(row)
        return pd.DataFrame(rows)


def outcome_frame(offences: pd.DataFrame) -> pd.DataFrame:
    """Outcome fields and abuse-type flags of VAWG offences (one row per offence)."""
    category = offences["outcome_category"].astype("string")
    frame = pd.DataFrame({
        "borough_code": offences["borough_code"].to_numpy(),
        "outcome_category": category.to_numpy(),
        "known": offences["outcome_known"].astype("boolean").fillna(False).astype(bool).to_numpy()
        & category.isin(KNOWN_OUTCOMES).fillna(False).to_numpy(),
        "positive": category.isin(POSITIVE_OUTCOMES).fillna(False).to_numpy(),
    })
    flags = abuse_type_flags(offences).reset_index(drop=True)
    return pd.concat([frame, flags], axis=1)


def _key(reason: str) -> str:
    return {WITHDREW: "withdrew", NO_SUSPECT: "no_suspect", EVIDENTIAL: "evidential",
            "Prosecution prevented or not in the public interest": "prevented",
            "Other negative outcome": "other"}.get(reason, reason.lower().replace(" ", "_"))


# -- artifacts -----------------------------------------------------------------------

def _percent(value: float, basis: int, threshold: int) -> str:
    return format_value(value, "percent", decimals=1, threshold=threshold, basis=basis)


def _charted(table: pd.DataFrame) -> pd.DataFrame:
    return table[(table["abuse_type"] == "all_vawg") | (table["london_share_of_known"] >= MIN_LONDON_SHARE_CHARTED)]


def figure_positive_outcome_rates(analysis: Outcomes) -> Figure:
    a = analysis
    table = _charted(a.rate_table())
    long = pd.concat([
        table.assign(area=a.borough, value=table["rate"], n=table["positive"], total=table["known"]),
        table.assign(area="London", value=table["london_rate"], lower=table["london_lower"],
                     upper=table["london_upper"], n=table["london_positive"], total=table["london_known"]),
    ])[["label", "area", "n", "total", "value", "lower", "upper"]].reset_index(drop=True)
    long["basis"] = [disclosure_basis(n, total) for n, total in zip(long["n"], long["total"])]
    long["plotted"], long["label_text"] = chart_values(long["value"], long["basis"], a.threshold, "{:.1f}%")
    overall = table.iloc[0]
    rank, size = a.rank()
    if overall["significant"]:
        title = phrase("outcomes", "rate_title", "higher" if overall["rate"] - overall["rest_rate"] > 0 else "lower",
                       borough=a.borough)
    else:
        title = phrase("outcomes", "rate_title", "similar", In_ten=_in_ten(overall["rate"]).capitalize(),
                       borough=a.borough)
    subtypes = table.iloc[1:]
    shown = subtypes[[not is_small(basis, a.threshold) for basis in subtypes["basis"]]]
    above = shown[shown["rate"] > shown["london_rate"]]
    plot = charts.interval_bar_chart(
        long, category="label", value="plotted", lower="lower", upper="upper", series="area", label="label_text",
        title=title,
        subtitle=phrase("outcomes", "rate_subtitle", year=a.year),
        value_title="% of offences with a known outcome", category_order=table["label"].tolist(),
        series_order=[a.borough, "London"])
    alt = phrase(
        "outcomes", "rate_alt", borough=a.borough, year=a.year,
        rate=_percent(overall["rate"], overall["basis"], a.threshold), rank=ordinal(rank), boroughs=size,
        london_rate=f"{overall['london_rate']:.1f}%",
        above=phrase("outcomes", "rate_alt_above", "some", borough=a.borough, types=_labels(above))
        if not above.empty else phrase("outcomes", "rate_alt_above", "none"),
        significance=phrase("outcomes", "rate_alt_significance", "none") if not shown["significant"].any() else
        phrase("outcomes", "rate_alt_significance", "some", types=_labels(shown[shown["significant"]])))
    return Figure(
        id="fig-positive-outcome-rates", plot=plot, height=5.6, rows_do_not_add_up=ABUSE_TYPES_OVERLAP,
        caption=phrase("outcomes", "rate_caption", borough=a.borough, year=a.year),
        alt=alt, source=SOURCE, data=long,
        columns=[Column("Abuse type", "label", "text"), Column("Area", "area", "text"),
                 Column("Positive outcomes", "n", "number", 0, basis="basis"),
                 Column("Offences with a known outcome", "total", "count"),
                 Column("Positive outcome rate (%)", "value", "number", 1, basis="basis"),
                 Column("95% CI lower", "lower", "number", 1, basis="basis"),
                 Column("95% CI upper", "upper", "number", 1, basis="basis")],
    )


def table_positive_outcome_rates(analysis: Outcomes) -> Table:
    a = analysis
    table = a.rate_table()
    table["ci"] = interval_texts(table["lower"], table["upper"], table["basis"], a.threshold, 1, "%")
    table["london_ci"] = interval_texts(table["london_lower"], table["london_upper"], table["london_positive"],
                                        a.threshold, 1, "%")
    table = table.assign(**significance_columns(table, a.threshold))
    return Table(
        id="tbl-positive-outcome-rates",
        caption=phrase("outcomes", "rates_caption", borough=a.borough, year=a.year),
        data=table,
        columns=[
            Column("Abuse type", "label", "text"),
            Column("Known outcomes", "known", "count"),
            Column("Positive", "positive", "number", 0, basis="basis"),
            Column("Rate (%)", "rate", "number", 1, basis="basis"),
            Column("95% CI", "ci", "text"),
            Column("Rest of London (%)", "rest_rate", "number", 1, basis="rest_positive"),
            Column("London (%)", "london_rate", "number", 1, basis="london_positive"),
            Column("p-value", "p", "pvalue", 3, basis="basis"),
            Column("p < 0.05", "significant_text", "text"),
        ],
        source=SOURCE,
        rows_do_not_add_up=ABUSE_TYPES_OVERLAP,
        notes=(phrase("outcomes", "rates_note_definition"), phrase("outcomes", "rates_note_columns"),
               phrase("outcomes", "hidden_note", threshold=a.threshold)),
        emphasis="bold",
    )


def _odds_text(row: pd.Series, threshold: int) -> str:
    if is_small(row["basis"], threshold):
        return CONFIDENTIAL
    if pd.isna(row["lower"]) or pd.isna(row["upper"]):
        return "–"
    return f"{row['lower']:.2f} to {row['upper']:.2f}"


def odds_comparison(analysis: Outcomes) -> pd.DataFrame:
    """Odds ratios of the borough and of London side by side (abuse types the borough has)."""
    borough, london = analysis.odds_ratios("borough"), analysis.odds_ratios("london")
    return borough.merge(london, on=["abuse_type", "label"], how="left", suffixes=("", "_london"))


def table_outcome_odds_ratios(analysis: Outcomes) -> Table:
    a = analysis
    table = odds_comparison(a)
    table["ci"] = [_odds_text(row, a.threshold) for _, row in table.iterrows()]
    table["london_ci"] = [_odds_text(pd.Series({"basis": row["basis_london"], "lower": row["lower_london"],
                                                "upper": row["upper_london"]}), a.threshold)
                          for _, row in table.iterrows()]
    table = table.assign(**significance_columns(table, a.threshold))
    table["flagged"] = table["flagged_positive"] + table["flagged_other"]
    return Table(
        id="tbl-outcome-odds-ratios",
        caption=phrase("outcomes", "odds_caption", borough=a.borough, year=a.year),
        data=table,
        columns=[
            Column("Abuse type", "label", "text"),
            Column("Known outcomes", "flagged", "count"),
            Column("Odds ratio", "odds_ratio", "number", 2, basis="basis"),
            Column("95% CI", "ci", "text"),
            Column("p-value", "p", "pvalue", 3, basis="basis"),
            Column("p < 0.05", "significant_text", "text"),
            Column("London odds ratio", "odds_ratio_london", "number", 2, basis="basis_london"),
            Column("London 95% CI", "london_ci", "text"),
        ],
        source=SOURCE,
        rows_do_not_add_up=ABUSE_TYPES_OVERLAP,
        notes=(phrase("outcomes", "odds_note_definition"), phrase("outcomes", "odds_note_method"),
               phrase("outcomes", "odds_note_hidden", threshold=a.threshold)),
        emphasis="bold",
    )


def figure_no_positive_outcome_reasons(analysis: Outcomes) -> Figure:
    a = analysis
    borough, london = a.reasons("borough"), a.reasons("london")
    long = pd.concat([borough.assign(area=a.borough), london.assign(area="London")]).reset_index(drop=True)
    long["plotted"], long["label_text"] = chart_values(long["share"], long["basis"], a.threshold, "{:.1f}%")
    shown = borough[[not is_small(basis, a.threshold) for basis in borough["basis"]]]
    top = shown.sort_values("count", ascending=False).iloc[0] if not shown.empty else None
    title = (phrase("outcomes", "reasons_title", "top", borough=a.borough,
                    reason=phrase("outcomes", "reason_short", _key(top["reason"])))
             if top is not None else phrase("outcomes", "reasons_title", "none", borough=a.borough))
    plot = charts.interval_bar_chart(
        long, category="label", value="plotted", lower="lower", upper="upper", series="area", label="label_text",
        title=title,
        subtitle=phrase("outcomes", "reasons_subtitle", year=a.year),
        value_title="% of offences with no positive outcome", category_order=borough["label"].tolist(),
        series_order=[a.borough, "London"])
    alt = phrase("outcomes", "reasons_alt", borough=a.borough, year=a.year, reasons=join_words([
        phrase("outcomes", "reasons_alt_reason", reason=row.label.lower(), share=_percent(row.share, row.basis, a.threshold),
               london_share=f"{london_row.share:.1f}%")
        for row, london_row in zip(borough.itertuples(), london.itertuples())]))
    return Figure(
        id="fig-no-positive-outcome-reasons", plot=plot, height=4.8,
        caption=phrase("outcomes", "reasons_caption", borough=a.borough, year=a.year),
        alt=alt, source=SOURCE, data=long,
        columns=[Column("Outcome", "label", "text"), Column("Area", "area", "text"),
                 Column("Offences", "count", "number", 0, basis="basis"),
                 Column("Offences with no positive outcome", "total", "count"),
                 Column("% of offences with no positive outcome", "share", "number", 1, basis="basis"),
                 Column("95% CI lower", "lower", "number", 1, basis="basis"),
                 Column("95% CI upper", "upper", "number", 1, basis="basis")],
    )


def table_no_positive_outcome_reasons(analysis: Outcomes) -> Table:
    a = analysis
    table = a.reasons_by_type()
    columns = [Column("Abuse type", "label", "text"),
               Column("No positive outcome", "no_positive", "count")]
    for reason in NEGATIVE:
        columns.append(Column(f"% {REASON_COLUMNS[reason]}", f"share_{_key(reason)}", "number", 1,
                              basis=f"basis_{_key(reason)}"))
    return Table(
        id="tbl-no-positive-outcome-reasons",
        caption=phrase("outcomes", "reasons_table_caption", borough=a.borough, year=a.year),
        data=table, columns=columns, source=SOURCE, rows_do_not_add_up=ABUSE_TYPES_OVERLAP,
        notes=(phrase("outcomes", "reasons_note_shares"), phrase("outcomes", "reasons_note_columns"),
               phrase("outcomes", "hidden_note", threshold=a.threshold)),
    )


def prose_values(analysis: Outcomes) -> dict[str, tuple]:
    """Every number and data-driven word the section's prose quotes: ``{key: (value, kind, decimals[, basis])}``."""
    a = analysis
    table = a.rate_table().set_index("abuse_type")
    overall = table.loc["all_vawg"]
    all_offences = len(a.area("borough", known=False))
    rank, size = a.rank()
    values: dict[str, tuple] = {
        "outcomes.year": (str(a.year), "text", 0),
        "outcomes.offences": (all_offences, "count", 0),
        "outcomes.known": (overall["known"], "count", 0),
        "outcomes.known_share": (overall["known"] / all_offences * 100 if all_offences else float("nan"), "percent", 1,
                                 disclosure_basis(overall["known"], all_offences)),
        "outcomes.positive": (overall["positive"], "number", 0, overall["basis"]),
        "outcomes.rate": (overall["rate"], "percent", 1, overall["basis"]),
        "outcomes.rate_ci": (interval_texts([overall["lower"]], [overall["upper"]], [overall["basis"]], a.threshold, 1,
                                            "%")[0], "text", 0),
        "outcomes.london_rate": (overall["london_rate"], "percent", 1),
        "outcomes.rest_rate": (overall["rest_rate"], "percent", 1),
        "outcomes.comparison": (direction(overall["rate"] - overall["london_rate"]), "text", 0),
        "outcomes.significance": (significance(overall["p"]) if pd.notna(overall["p"]) else "not tested", "text", 0),
        "outcomes.rank": (rank, "rank", 0),
        "outcomes.boroughs": (size, "number", 0),
        "outcomes.in_ten": (_in_ten(overall["rate"]), "text", 0),
    }
    subtypes = table.drop("all_vawg")
    publishable = subtypes[[not is_small(basis, a.threshold) and known > 0
                            for basis, known in zip(subtypes["basis"], subtypes["known"])]]
    above = publishable[publishable["rate"] > publishable["london_rate"]]
    below = publishable[publishable["rate"] < publishable["london_rate"]]
    significant = publishable[publishable["significant"]]
    if not above.empty and not below.empty:
        above_london = phrase("outcomes", "above_london", "both", borough=a.borough, above=_labels(above),
                              below=_labels(below))
    elif not above.empty:
        above_london = phrase("outcomes", "above_london", "above", borough=a.borough, above=_labels(above))
    elif not below.empty:
        above_london = phrase("outcomes", "above_london", "below", borough=a.borough, below=_labels(below))
    else:
        above_london = phrase("outcomes", "above_london", "none")
    values["outcomes.above_london_sentence"] = (above_london, "text", 0)
    values["outcomes.type_significance_sentence"] = (
        phrase("outcomes", "type_significance", "none") if significant.empty else
        phrase("outcomes", "type_significance", "some", types=_labels(significant)), "text", 0)
    for abuse_type, row in table.iterrows():
        key = f"outcomes.types.{abuse_type}"
        values[f"{key}.rate"] = (row["rate"], "percent", 1, row["basis"])
        values[f"{key}.london_rate"] = (row["london_rate"], "percent", 1)
        values[f"{key}.significance"] = (significance(row["p"]) if pd.notna(row["p"]) else "not tested", "text", 0)
    values.update(_odds_values(a))
    values.update(_positive_mix_values(a))
    values.update(_reason_values(a))
    return values


def _labels(rows: pd.DataFrame) -> str:
    return join_words([label.lower() for label in rows["label"]])


def _in_ten(rate: float) -> str:
    """A rate in words a reader can hold: "fewer than one in ten", "about one in ten" …"""
    if rate < 9:
        return phrase("outcomes", "in_ten", "fewer")
    if rate < 11:
        return phrase("outcomes", "in_ten", "one")
    if rate < 18:
        return phrase("outcomes", "in_ten", "between")
    return phrase("outcomes", "in_ten", "more", tens=f"{rate / 10:.0f}")


def _times_words(ratio: float) -> str:
    """An odds ratio in words, to go before "those of": "about twice", "1.6 times", "about half" …"""
    if ratio >= 1.15:
        nearest = round(ratio)
        if nearest >= 2 and abs(ratio - nearest) <= 0.15:
            return phrase("outcomes", "times", "twice") if nearest == 2 else \
                phrase("outcomes", "times", "about", times=nearest)
        return phrase("outcomes", "times", "times", ratio=f"{ratio:.1f}")
    if ratio > 0.87:
        return phrase("outcomes", "times", "same")
    if 0.4 <= ratio <= 0.6:
        return phrase("outcomes", "times", "half")
    return phrase("outcomes", "times", "times", ratio=f"{ratio:.2f}")


def _odds_values(a: Outcomes) -> dict[str, tuple]:
    table = odds_comparison(a)
    values: dict[str, tuple] = {}
    publishable = table[[not is_small(basis, a.threshold) for basis in table["basis"]]]
    higher = publishable[publishable["significant"] & (publishable["odds_ratio"] > 1)] \
        .sort_values("odds_ratio", ascending=False)
    lower = publishable[publishable["significant"] & (publishable["odds_ratio"] < 1)].sort_values("odds_ratio")

    def describe(rows: pd.DataFrame) -> str:
        return join_words([phrase("outcomes", "odds_type", type=row.label.lower(), ratio=f"{row.odds_ratio:.2f}",
                                  lower=f"{row.lower:.2f}", upper=f"{row.upper:.2f}") for row in rows.itertuples()])

    values["outcomes.odds_higher_sentence"] = (
        phrase("outcomes", "odds_higher", "some", borough=a.borough, types=describe(higher)) if not higher.empty
        else phrase("outcomes", "odds_higher", "none", borough=a.borough), "text", 0)
    values["outcomes.odds_lower_sentence"] = (
        phrase("outcomes", "odds_lower", "some", types=describe(lower)) if not lower.empty else
        phrase("outcomes", "odds_lower", "none"), "text", 0)
    borough_pattern = {(row.abuse_type, row.odds_ratio > 1) for row in higher.itertuples()} | \
        {(row.abuse_type, row.odds_ratio > 1) for row in lower.itertuples()}
    london = table[table["p_london"] < 0.05]
    london_pattern = {(row.abuse_type, row.odds_ratio_london > 1) for row in london.itertuples()}
    same = borough_pattern <= london_pattern if borough_pattern else False
    higher_london, lower_london = london[london["odds_ratio_london"] > 1], london[london["odds_ratio_london"] < 1]
    values["outcomes.odds_london_sentence"] = (
        phrase("outcomes", "odds_london", "same") if same else phrase(
            "outcomes", "odds_london", "differs",
            higher=phrase("outcomes", "odds_london_higher", "some", types=_labels(higher_london))
            if not higher_london.empty else phrase("outcomes", "odds_london_higher", "none"),
            lower=phrase("outcomes", "odds_london_lower", "some", types=_labels(lower_london))
            if not lower_london.empty else phrase("outcomes", "odds_london_lower", "none")), "text", 0)
    for row in table.itertuples():
        key = f"outcomes.types.{row.abuse_type}"
        values[f"{key}.odds_ratio"] = (row.odds_ratio, "number", 2, row.basis)
        values[f"{key}.odds_words"] = (_times_words(row.odds_ratio) if not is_small(row.basis, a.threshold)
                                       else CONFIDENTIAL, "text", 0)
        values[f"{key}.odds_ci"] = (_odds_text(pd.Series({"basis": row.basis, "lower": row.lower,
                                                          "upper": row.upper}), a.threshold), "text", 0)
        values[f"{key}.odds_significance"] = (significance(row.p) if not is_small(row.basis, a.threshold)
                                              else CONFIDENTIAL, "text", 0)
        values[f"{key}.london_odds_ratio"] = (row.odds_ratio_london, "number", 2, row.basis_london)
    return values


def _positive_mix_values(a: Outcomes) -> dict[str, tuple]:
    mix = a.positive_mix()
    london = a.positive_mix("london").set_index("category")
    total = int(mix["count"].sum())
    top, second = mix.iloc[0], mix.iloc[1]
    return {
        "outcomes.top_positive": (POSITIVE_WORDS.get(top["category"], top["category"].lower()), "text", 0),
        "outcomes.top_positive_count": (top["count"], "number", 0, disclosure_basis(top["count"], total)),
        "outcomes.top_positive_share": (top["share"], "percent", 1, disclosure_basis(top["count"], total)),
        "outcomes.london_top_positive_share": (london.loc[top["category"], "share"], "percent", 1),
        "outcomes.second_positive_sentence": (
            phrase("outcomes", "second_positive", "shown", share=f"{second['share']:.1f}%",
                   outcome=POSITIVE_WORDS.get(second["category"], second["category"].lower()))
            if second["count"] >= a.threshold else
            phrase("outcomes", "second_positive", "few", threshold=a.threshold) if second["count"] else
            phrase("outcomes", "second_positive", "none"), "text", 0),
    }


def _reason_values(a: Outcomes) -> dict[str, tuple]:
    reasons = a.reasons("borough").set_index("reason")
    london = a.reasons("london").set_index("reason")
    total = int(reasons["total"].iloc[0])
    ordered = reasons.sort_values("count", ascending=False)
    values: dict[str, tuple] = {
        "outcomes.no_positive": (total, "count", 0),
        "outcomes.london_no_positive": (int(london["total"].iloc[0]), "count", 0),
    }
    for position, word in enumerate(("first", "second", "third")):
        row = ordered.iloc[position]
        hidden = is_small(row["basis"], a.threshold)
        values[f"outcomes.reason_{word}"] = (CONFIDENTIAL if hidden else phrase("outcomes", "reason", _key(row.name)),
                                             "text", 0)
        values[f"outcomes.reason_{word}_share"] = (row["share"], "percent", 1, row["basis"])
        values[f"outcomes.reason_{word}_london_share"] = (london.loc[row.name, "share"], "percent", 1)
    for reason in NEGATIVE:
        values[f"outcomes.reasons.{_key(reason)}.share"] = (reasons.loc[reason, "share"], "percent", 1,
                                                             reasons.loc[reason, "basis"])
        values[f"outcomes.reasons.{_key(reason)}.london_share"] = (london.loc[reason, "share"], "percent", 1)
    withdrew = reasons.loc[WITHDREW, "share"]
    values["outcomes.withdrew_in_ten"] = (_share_in_ten(withdrew), "text", 0)
    by_type = a.reasons_by_type().set_index("abuse_type")
    publishable = by_type[[total_type >= a.threshold and count > 0
                           and not is_small(disclosure_basis(count, total_type), a.threshold)
                           for count, total_type in zip(by_type["top_count"], by_type["no_positive"])]]
    publishable = publishable.drop("all_vawg", errors="ignore")
    for abuse_type in a.types["abuse_type"]:
        key = f"outcomes.types.{abuse_type}"
        if abuse_type not in by_type.index:  # no offence of the type ended without a positive outcome in London
            for name in ("withdrew_share", "no_suspect_share", "london_withdrew_share", "withdrew_comparison"):
                values[f"{key}.{name}"] = ("–", "text", 0)
            continue
        row = by_type.loc[abuse_type]
        values[f"{key}.withdrew_share"] = (row["share_withdrew"], "percent", 1, row["basis_withdrew"])
        values[f"{key}.no_suspect_share"] = (row["share_no_suspect"], "percent", 1, row["basis_no_suspect"])
        values[f"{key}.london_withdrew_share"] = (row["london_share_withdrew"], "percent", 1)
        values[f"{key}.withdrew_comparison"] = (
            "–" if pd.isna(row["share_withdrew"]) or is_small(row["basis_withdrew"], a.threshold)
            else direction(row["share_withdrew"] - withdrew, "higher", "lower"), "text", 0)
    parts = []
    for abuse_type in ("dva", "ccb"):
        if abuse_type not in by_type.index:
            continue
        row = by_type.loc[abuse_type]
        label = row["label"].lower()
        if row["no_positive"] == 0:
            continue
        if is_small(row["basis_withdrew"], a.threshold):
            parts.append(phrase("outcomes", "withdrawal_part", "hidden", type=label))
        else:
            parts.append(phrase("outcomes", "withdrawal_part", "higher" if row["share_withdrew"] - withdrew > 0 else "lower",
                                type=label, share=f"{row['share_withdrew']:.1f}%",
                                london_share=f"{row['london_share_withdrew']:.1f}%"))
    values["outcomes.withdrawal_close_sentence"] = (
        phrase("outcomes", "withdrawal_close", parts=", and ".join(parts)) if parts else "", "text", 0)
    grouped: dict[str, list[str]] = {}
    for row in publishable.itertuples():
        grouped.setdefault(row.top_reason, []).append(row.label.lower())
    sentences = [phrase("outcomes", "top_reason_by_type", types=join_words(labels),
                        reason=phrase("outcomes", "reason", _key(reason))) for reason, labels in grouped.items()]
    values["outcomes.top_reason_by_type_sentence"] = (" ".join(sentences), "text", 0)
    return values


def _share_in_ten(share: float) -> str:
    tenths = ("none", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
    return phrase("outcomes", "share_in_ten", tenths[round(share / 10)])
