"""Chapter 3, MARAC: high-risk domestic abuse cases heard at the borough's Multi-Agency Risk Assessment Conference.

The MARAC extract (DS-09) holds annual aggregates, SafeLives-style: cases heard
and how many had each characteristic, for the borough's MARAC and for its
comparison areas (the Metropolitan Police area, the most similar force group,
England and Wales). Rates per 10,000 female residents aged 16 and over and the
shares of cases are computed here from the counts; the borough is compared with
each comparator by a pooled two-proportion z-test (:func:`vawg.foundations.stats.comparisons.two_proportion_ztest`),
and with itself in the first year of the series by the same test.

Artifact ids and the functions that make them:

- ``fig-marac-case-rate``      :func:`figure_marac_case_rate`      (seed Figure 27)
- ``fig-marac-minoritised``    :func:`figure_marac_minoritised`    (seed Figure 20)
- ``fig-marac-lgbtq``          :func:`figure_marac_lgbtq`          (seed Figure 21)
- ``fig-marac-children``       :func:`figure_marac_children`       (seed Figure 23)
- ``fig-marac-aged-16-17``     :func:`figure_marac_aged_16_17`     (seed Figure 24)
- ``tbl-marac-borough-trend``  :func:`table_marac_borough_trend`   (repeat cases, referral routes and IDVA
  involvement by year, the text around seed Figure 27)
- ``tbl-marac-comparators``    :func:`table_marac_comparators`     (the report year's case mix, every area)
- values ``marac.*``           :func:`prose_values`

Small numbers: a share of cases is withheld (``[c]``, no point on a chart) when
the cases with the characteristic, or the cases without it, number 1 to 6,
since the cases heard are published.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from vawg.writing import charts
from vawg.writing.artifacts import Column, Figure, Table, format_value
from vawg.foundations.errors import DataError
from vawg.foundations.suppression import count_texts, disclosure_basis
from vawg.foundations.periods import report_year
from vawg.foundations.stats.comparisons import TestResult, percent_difference, two_proportion_ztest
from vawg.foundations.stats.intervals import byar_interval, wilson_interval
from vawg.foundations.stats.profiles import adjust_p_values
from vawg.foundations.suppression import chart_values, is_small
from vawg.foundations.wording import direction, join_words, phrase, significance
from vawg.writing.supply import staged_table

SOURCE = "MARAC annual data (SafeLives), the borough's MARAC and comparison areas"
POLICE_AREA = "Metropolitan Police area"
SIMILAR = "Most similar force group"
NATIONAL = "England and Wales"
COMPARATORS = (POLICE_AREA, SIMILAR, NATIONAL)
PER = 10_000  # MARAC rates are cases per 10,000 female residents aged 16 and over
# part: its table header after "% ". What the cases had and were, in sentences, is worded in
# chapters/_03-marac.wording.yml (entries "having" and "predicate").
PARTS = {
    "repeat_cases": "repeat cases",
    "police_referrals": "referred by the police",
    "idva_involved": "IDVA involved",
    "cases_with_children": "children in the household",
    "bame_victims": "Black, Asian or minoritised victim",
    "lgbtq_victims": "LGBTQ+ victim",
    "disabled_victims": "disabled victim",
    "male_victims": "male victim",
    "victims_16_17": "victim aged 16 or 17",
}



@dataclass
class Marac:
    """The borough's MARAC and its comparison areas, one row per year and area, up to the report year."""

    borough: str
    year: int
    first_year: int
    threshold: int
    annual: pd.DataFrame

    @classmethod
    def compute(cls, staged_dir: Path | str, *, borough: str, period_end: str, threshold: int) -> Marac:
        annual = staged_table(staged_dir, "marac")
        annual["area"] = annual["area"].astype(str)
        annual["year"] = annual["year"].astype(int)
        year = report_year(period_end)
        # The borough's own rows carry its name (the contract ties them to the extract's owner column).
        own = annual[annual["area"] == borough]
        if year not in set(own["year"]):
            raise DataError(f"the MARAC extract has no {year} row for {borough}: the report year must be delivered")
        first = int(own["year"].min())
        annual = annual[annual["year"].between(first, year)].sort_values(["year", "area"]).reset_index(drop=True)
        return cls(borough=borough, year=year, first_year=first, threshold=threshold, annual=annual)

    # -- building blocks -------------------------------------------------------
    @property
    def areas(self) -> list[str]:
        present = set(self.annual["area"])
        return [self.borough] + [area for area in COMPARATORS if area in present]

    @property
    def comparators(self) -> list[str]:
        return self.areas[1:]

    def row(self, area: str | None = None, year: int | None = None) -> pd.Series | None:
        rows = self.annual[(self.annual["area"] == (area or self.borough)) & (self.annual["year"] == (year or self.year))]
        return rows.iloc[0] if len(rows) else None

    def rates(self) -> pd.DataFrame:
        """Cases heard per 10,000 female residents aged 16+, with a 95% interval (Byar), by year and area."""
        frame = self.annual[["year", "area", "cases_heard", "adult_female_population"]].copy()
        frame["rate"] = frame["cases_heard"] / frame["adult_female_population"] * PER
        interval = byar_interval(frame["cases_heard"].to_numpy(), frame["adult_female_population"].to_numpy(), per=PER)
        frame["lower"], frame["upper"] = interval.lower, interval.upper
        return self._ordered(frame)

    def shares(self, part: str) -> pd.DataFrame:
        """The share of cases heard with ``part`` (e.g. ``bame_victims``), with a 95% Wilson interval, by year and area.

        ``basis`` is the count a published share rests on: the smaller non-zero of the cases with and without.
        """
        frame = self.annual[["year", "area", "cases_heard", part]].rename(columns={part: "count"}).copy()
        total = frame["cases_heard"].replace(0, np.nan)
        frame["share"] = frame["count"] / total * 100
        interval = wilson_interval(frame["count"].to_numpy(), frame["cases_heard"].to_numpy())
        frame["lower"], frame["upper"] = interval.lower * 100, interval.upper * 100
        frame["basis"] = [disclosure_basis(n, t) for n, t in zip(frame["count"], frame["cases_heard"])]
        return self._ordered(frame)

    def _ordered(self, frame: pd.DataFrame) -> pd.DataFrame:
        frame = frame[frame["area"].isin(self.areas)].copy()
        frame["area"] = pd.Categorical(frame["area"], categories=self.areas)
        return frame.sort_values(["area", "year"]).reset_index(drop=True).assign(area=lambda d: d["area"].astype(str))

    def share(self, part: str, area: str | None = None, year: int | None = None) -> tuple[float, int]:
        """(share %, basis) of one area and year; (nan, 0) when the row is missing."""
        row = self.row(area, year)
        if row is None or not row["cases_heard"]:
            return float("nan"), 0
        return float(row[part] / row["cases_heard"] * 100), disclosure_basis(row[part], row["cases_heard"])

    def hidden(self, basis: int) -> bool:
        return is_small(basis, self.threshold)

    def comparison(self, part: str) -> pd.DataFrame:
        """The borough's share in the report year against each comparator's: pooled two-proportion z-tests."""
        own = self.row()
        rows = []
        for area in self.comparators:
            other = self.row(area)
            if other is None:
                continue
            test = two_proportion_ztest(int(own[part]), int(own["cases_heard"]), int(other[part]),
                                        int(other["cases_heard"]))
            rows.append({"area": area, "share": self.share(part)[0], "other_share": self.share(part, area)[0],
                         "test": test, "basis": self.share(part)[1]})
        # The comparators are one family of tests (MULTIPLICITY_POLICY): Holm-adjusted p-values.
        adjusted = adjust_p_values([row["test"].p_value for row in rows]) if rows else []
        for row, p in zip(rows, adjusted):
            row["test"] = TestResult(row["test"].statistic, float(p))
        return pd.DataFrame(rows)

    def rate_test(self, area: str) -> TestResult | None:
        own, other = self.row(), self.row(area)
        if other is None:
            return None
        return two_proportion_ztest(int(own["cases_heard"]), int(own["adult_female_population"]),
                                    int(other["cases_heard"]), int(other["adult_female_population"]))

    def change_test(self, part: str) -> TestResult:
        """The borough's share in the first year against the report year (pooled two-proportion z-test)."""
        first, last = self.row(year=self.first_year), self.row()
        return two_proportion_ztest(int(last[part]), int(last["cases_heard"]), int(first[part]),
                                    int(first["cases_heard"]))

    def non_police(self, area: str | None = None, year: int | None = None) -> tuple[float, int]:
        share, basis = self.share("police_referrals", area, year)
        return 100 - share, basis

    def peak(self) -> tuple[float, list[int]]:
        """The borough's highest rate (as published, whole numbers) and the years it was reached."""
        rates = self.rates()
        own = rates[rates["area"] == self.borough]
        shown = own["rate"].round(0)
        return float(shown.max()), own.loc[shown == shown.max(), "year"].astype(int).tolist()


# -- artifacts -----------------------------------------------------------------------

def _pct(a: Marac, value: float, basis: int | None = None) -> str:
    return format_value(value, "percent", decimals=1, threshold=a.threshold, basis=basis)


def _share_columns() -> list[Column]:
    return [Column("Year", "year_text", "text"), Column("Area", "area", "text"),
            Column("Cases heard", "cases_heard", "count"), Column("Cases with the characteristic", "count_text", "text"),
            Column("% of cases", "share", "percent", 1, basis="basis"),
            Column("95% CI lower (%)", "lower", "percent", 1, basis="basis"),
            Column("95% CI upper (%)", "upper", "percent", 1, basis="basis")]


def figure_marac_case_rate(analysis: Marac) -> Figure:
    a = analysis
    rates = a.rates()
    rates["label_text"] = [f"{r:.0f}" if area == a.borough else "" for r, area in zip(rates["rate"], rates["area"])]
    national = a.row(NATIONAL)
    own_rate = rates.loc[(rates["area"] == a.borough) & (rates["year"] == a.year), "rate"].iloc[0]
    test = a.rate_test(NATIONAL) if national is not None else None
    if test is not None and test.significant:
        title = (f"{a.borough}'s MARAC heard {direction(test.statistic, 'more', 'fewer')} cases per head than "
                 f"England and Wales in {a.year}")
    else:
        title = f"MARAC cases per 10,000 women in {a.borough} and comparison areas, {a.first_year} to {a.year}"
    plot = charts.multi_line_chart(
        rates, x="year", y="rate", series="area", label="label_text", title=title,
        subtitle=charts.subtitle(f"Cases heard at the MARAC per 10,000 female residents aged 16 and over, "
                                 f"{a.first_year} to {a.year}; the borough's points are labelled"),
        y_title="Cases per 10,000 women aged 16+", series_order=a.areas)
    first_rate = rates.loc[(rates["area"] == a.borough) & (rates["year"] == a.first_year), "rate"].iloc[0]
    peak, years = a.peak()
    alt = (f"Line chart of MARAC cases heard per 10,000 female residents aged 16 and over, each year from "
           f"{a.first_year} to {a.year}, for {join_words(a.areas)}. The borough's rate was {first_rate:.0f} in "
           f"{a.first_year}, highest at {peak:.0f} in {join_words([str(y) for y in years])} and {own_rate:.0f} in "
           f"{a.year}.")
    if national is not None:
        alt += f" England and Wales: {national['cases_heard'] / national['adult_female_population'] * PER:.0f} in {a.year}."
    rates["year_text"] = rates["year"].astype(str)
    return Figure(
        id="fig-marac-case-rate", plot=plot, height=5.0,
        caption=f"MARAC cases per 10,000 female residents aged 16 and over, {a.borough} and comparison areas, "
                f"{a.first_year} to {a.year}",
        alt=alt, source=SOURCE + "; ONS mid-year population estimates", data=rates,
        description=("The 95% confidence intervals in the data use Byar's method. A case is counted each time it "
                     "is heard, so a victim heard twice in a year counts twice."),
        columns=[Column("Year", "year_text", "text"), Column("Area", "area", "text"),
                 Column("Cases heard", "cases_heard", "count"),
                 Column("Female residents aged 16+", "adult_female_population", "count"),
                 Column("Cases per 10,000", "rate", "rate", 1, basis="cases_heard"),
                 Column("95% CI lower", "lower", "rate", 1, basis="cases_heard"),
                 Column("95% CI upper", "upper", "rate", 1, basis="cases_heard")])


def _share_figure(a: Marac, part: str, figure_id: str, noun: str) -> Figure:
    """A line chart of the share of cases with ``part``, the borough against every comparator."""
    data = a.shares(part)
    data["plotted"], data["label_text"] = chart_values(data["share"], data["basis"], a.threshold, "{:.1f}%")
    # Only the borough's points are labelled: four labelled lines would overlap.
    data.loc[data["area"] != a.borough, "label_text"] = ""
    data["count_text"] = count_texts(data["count"], a.threshold, bases=data["basis"])
    data["year_text"] = data["year"].astype(str)
    share, basis = a.share(part)
    verdict = a.comparison(part).set_index("area")
    if not a.hidden(basis) and NATIONAL in verdict.index and verdict.loc[NATIONAL, "test"].significant:
        word = direction(verdict.loc[NATIONAL, "test"].statistic)
        title = f"A {word} share of MARAC cases in {a.borough} than in England and Wales had {noun}"
    else:
        title = f"MARAC cases with {noun}, {a.borough} and comparison areas"
    plot = charts.multi_line_chart(
        data, x="year", y="plotted", series="area", label="label_text", title=title,
        subtitle=charts.subtitle(f"Share of cases heard at the MARAC with {phrase('marac', 'having', part)}, "
                                 f"{a.first_year} to {a.year}; the borough's points are labelled; a share resting on "
                                 f"fewer than {a.threshold} cases is not shown"),
        y_title="% of cases heard", series_order=a.areas)
    first, first_basis = a.share(part, year=a.first_year)
    own = (f"The borough's share was {_pct(a, first, first_basis)} in {a.first_year} and {_pct(a, share, basis)} in "
           f"{a.year}." if not (a.hidden(basis) and a.hidden(first_basis)) else
           "The borough's shares rest on too few cases to publish.")
    others = [f"{area} {_pct(a, a.share(part, area)[0])}" for area in a.comparators]
    alt = (f"Line chart of the share of MARAC cases with {phrase('marac', 'having', part)}, each year from {a.first_year} to {a.year}, "
           f"for {join_words(a.areas)}. {own}"
           + (f" In {a.year}: {join_words(others)}." if others else ""))
    return Figure(
        id=figure_id, plot=plot, height=5.0,
        caption=f"Share of MARAC cases with {phrase('marac', 'having', part)}, {a.borough} and comparison areas, "
                f"{a.first_year} to {a.year}",
        alt=alt, source=SOURCE, data=data,
        description=(f"The 95% confidence intervals in the data are Wilson score intervals. A share resting on fewer "
                     f"than {a.threshold} cases, with or without the characteristic, is withheld."),
        columns=_share_columns())


def figure_marac_minoritised(analysis: Marac) -> Figure:
    return _share_figure(analysis, "bame_victims", "fig-marac-minoritised", "Black, Asian or minoritised victims")


def figure_marac_lgbtq(analysis: Marac) -> Figure:
    return _share_figure(analysis, "lgbtq_victims", "fig-marac-lgbtq", "LGBTQ+ victims")


def figure_marac_children(analysis: Marac) -> Figure:
    return _share_figure(analysis, "cases_with_children", "fig-marac-children", "children in the household")


def figure_marac_aged_16_17(analysis: Marac) -> Figure:
    return _share_figure(analysis, "victims_16_17", "fig-marac-aged-16-17", "victims aged 16 or 17")


def _with_shares(a: Marac, frame: pd.DataFrame, parts, column: str, value) -> pd.DataFrame:
    """``frame`` (the rows of :meth:`Marac.rates` whose ``column`` is ``value``) with each part's share and basis."""
    for part in parts:
        shares = a.shares(part)
        shares = shares[shares[column] == value].reset_index(drop=True)
        frame[f"{part}_share"], frame[f"{part}_basis"] = shares["share"], shares["basis"]
    return frame


TREND_PARTS = ("repeat_cases", "police_referrals", "idva_involved")


def table_marac_borough_trend(analysis: Marac) -> Table:
    a = analysis
    frame = a.rates()
    frame = _with_shares(a, frame[frame["area"] == a.borough].reset_index(drop=True), TREND_PARTS, "area", a.borough)
    frame["non_police_share"] = 100 - frame["police_referrals_share"]
    frame["children"] = a.annual.loc[a.annual["area"] == a.borough].sort_values("year")["children_in_households"].to_numpy()
    frame["year_text"] = frame["year"].astype(str)
    return Table(
        id="tbl-marac-borough-trend",
        caption=f"Cases heard at the {a.borough} MARAC by year: rate, repeat cases, referral routes, IDVA "
                f"involvement and children in the households, {a.first_year} to {a.year}",
        data=frame, source=SOURCE + "; ONS mid-year population estimates",
        columns=[Column("Year", "year_text", "text"), Column("Cases heard", "cases_heard", "count"),
                 Column("Cases per 10,000 women aged 16+", "rate", "rate", 0, basis="cases_heard"),
                 Column("% repeat cases", "repeat_cases_share", "percent", 1, basis="repeat_cases_basis"),
                 Column("% referred by the police", "police_referrals_share", "percent", 1,
                        basis="police_referrals_basis"),
                 Column("% referred by other agencies", "non_police_share", "percent", 1,
                        basis="police_referrals_basis"),
                 Column("% with an IDVA involved", "idva_involved_share", "percent", 1, basis="idva_involved_basis"),
                 Column("Children in the households", "children", "count")],
        notes=[f"Shares resting on fewer than {a.threshold} cases are shown as [c]."])


COMPARATOR_PARTS = ("repeat_cases", "police_referrals", "idva_involved", "cases_with_children", "bame_victims",
                    "lgbtq_victims", "disabled_victims", "victims_16_17")


def table_marac_comparators(analysis: Marac) -> Table:
    a = analysis
    rates = a.rates()
    frame = _with_shares(a, rates[rates["year"] == a.year].reset_index(drop=True), COMPARATOR_PARTS, "year", a.year)
    columns = [Column("Area", "area", "text"), Column("Cases heard", "cases_heard", "count"),
               Column("Cases per 10,000 women aged 16+", "rate", "rate", 0, basis="cases_heard")]
    columns += [Column(f"% {PARTS[part]}", f"{part}_share",
                       "percent", 1, basis=f"{part}_basis") for part in COMPARATOR_PARTS]
    return Table(
        id="tbl-marac-comparators",
        caption=f"MARAC cases heard in {a.year} and their make-up: {a.borough} against the comparison areas",
        data=frame, columns=columns, source=SOURCE + "; ONS mid-year population estimates",
        notes=[(f"Shares resting on fewer than {a.threshold} cases are shown as [c]. IDVA: independent domestic "
               f"violence adviser.")])


# -- prose ---------------------------------------------------------------------------

def _versus(test: TestResult, other: str) -> str:
    """"higher than the 15.6% in England and Wales, a difference that is statistically significant (p < 0.001)"."""
    return phrase("marac", "versus", ("higher" if test.statistic > 0 else "lower") if test.significant else "close",
                  other=other, verdict=significance(test))


def comparison_sentence(a: Marac, part: str) -> str:
    """The borough's share of cases with ``part`` in the report year against each comparator, with the test."""
    share, basis = a.share(part)
    if a.hidden(basis):
        return phrase("marac", "comparison", "hidden", having=phrase("marac", "having", part), year=a.year,
                      threshold=a.threshold)
    clauses = [_versus(row.test, phrase("marac", "other_share", share=_pct(a, row.other_share),
                                        area=phrase("marac", "area", row.area)))
               for row in a.comparison(part).itertuples()]
    words = {"year": a.year, "share": _pct(a, share, basis), "predicate": phrase("marac", "predicate", part)}
    if not clauses:
        return phrase("marac", "comparison", "alone", **words)
    return phrase("marac", "comparison", "compared", **words, comparisons="; ".join(clauses))


def _rate_sentence(a: Marac) -> str:
    row = a.row()
    own = row["cases_heard"] / row["adult_female_population"] * PER
    clauses = []
    for area in a.comparators:
        other = a.row(area)
        rate = other["cases_heard"] / other["adult_female_population"] * PER
        clauses.append(_versus(a.rate_test(area), phrase("marac", "other_rate", area=phrase("marac", "area", area),
                                                         rate=f"{rate:.0f}")))
    if not clauses:
        return phrase("marac", "rate", "alone", year=a.year, rate=f"{own:.0f}")
    return phrase("marac", "rate", "compared", year=a.year, rate=f"{own:.0f}", comparisons="; ".join(clauses))


def change_sentence(a: Marac, part: str, noun: str) -> str:
    """How the borough's share of ``part`` moved between the first and the report year, with the test."""
    first, first_basis = a.share(part, year=a.first_year)
    last, last_basis = a.share(part)
    hidden = [str(year) for year, basis in ((a.first_year, first_basis), (a.year, last_basis)) if a.hidden(basis)]
    if hidden:
        return phrase("marac", "change", "hidden", noun=noun, hidden_years=join_words(hidden), first_year=a.first_year)
    test = a.change_test(part)
    caveat = phrase("marac", "caveat", "significant" if test.significant else "chance")
    if _pct(a, first) == _pct(a, last):
        return phrase("marac", "change", "same", noun=noun, last=_pct(a, last), first_year=a.first_year, year=a.year)
    return phrase("marac", "change", "rose" if last > first else "fell", noun=noun, first=_pct(a, first),
                  first_year=a.first_year, last=_pct(a, last), year=a.year, verdict=significance(test), caveat=caveat)


def _share_value(a: Marac, part: str, area: str | None = None, year: int | None = None) -> tuple:
    share, basis = a.share(part, area, year)
    return (share, "percent", 1, basis)


def _non_police_value(a: Marac, area: str | None = None, year: int | None = None) -> tuple:
    share, basis = a.non_police(area, year)
    return (share, "percent", 1, basis)


def prose_values(analysis: Marac) -> dict[str, tuple]:
    """Every number and data-driven sentence the MARAC section quotes: ``{key: (value, kind, decimals[, basis])}``."""
    a = analysis
    rates = a.rates().set_index(["area", "year"])["rate"]
    peak, peak_years = a.peak()
    own, first = a.row(), a.row(year=a.first_year)
    children_basis = min(int(own["children_in_households"]), int(first["children_in_households"])) or 0
    values: dict[str, tuple] = {
        "marac.year": (str(a.year), "text", 0),
        "marac.first_year": (str(a.first_year), "text", 0),
        "marac.comparators": (join_words([phrase("marac", "area", area) for area in a.comparators]), "text", 0),
        # Definitions the prose states; kept here so that no number is typed into the chapter.
        "marac.rate_unit": ("per 10,000 female residents aged 16 and over", "text", 0),
        "marac.young_ages": ("16 or 17", "text", 0),
        "marac.repeat_window": ("12 months", "text", 0),
        "marac.cases": (int(own["cases_heard"]), "count", 0),
        "marac.cases_first": (int(first["cases_heard"]), "count", 0),
        "marac.rate": (rates[(a.borough, a.year)], "rate", 0),
        "marac.rate_first": (rates[(a.borough, a.first_year)], "rate", 0),
        "marac.peak_rate": (peak, "rate", 0),
        "marac.peak_years": (join_words([str(y) for y in peak_years]), "text", 0),
        "marac.rate_sentence": (_rate_sentence(a), "text", 0),
        "marac.repeat_share": _share_value(a, "repeat_cases"),
        "marac.repeat_share_first": _share_value(a, "repeat_cases", year=a.first_year),
        "marac.police_share": _share_value(a, "police_referrals"),
        "marac.police_share_first": _share_value(a, "police_referrals", year=a.first_year),
        "marac.non_police_share": _non_police_value(a),
        "marac.idva_share": _share_value(a, "idva_involved"),
        "marac.idva_share_first": _share_value(a, "idva_involved", year=a.first_year),
        "marac.repeat_change_sentence": (change_sentence(a, "repeat_cases", phrase("marac", "noun", "repeat_cases")),
                                         "text", 0),
        "marac.police_change_sentence": (change_sentence(a, "police_referrals",
                                                         phrase("marac", "noun", "police_referrals")), "text", 0),
        "marac.idva_change_sentence": (change_sentence(a, "idva_involved", phrase("marac", "noun", "idva_involved")),
                                       "text", 0),
        "marac.repeat_comparison_sentence": (comparison_sentence(a, "repeat_cases"), "text", 0),
        "marac.police_comparison_sentence": (comparison_sentence(a, "police_referrals"), "text", 0),
        "marac.idva_comparison_sentence": (comparison_sentence(a, "idva_involved"), "text", 0),
        "marac.children": (int(own["children_in_households"]), "count", 0),
        "marac.children_first": (int(first["children_in_households"]), "count", 0),
        "marac.children_change": (percent_difference(own["children_in_households"], first["children_in_households"]),
                                  "change", 1, children_basis),
        "marac.with_children_share": _share_value(a, "cases_with_children"),
        "marac.with_children_share_first": _share_value(a, "cases_with_children", year=a.first_year),
        "marac.bame_share": _share_value(a, "bame_victims"),
        "marac.lgbtq_share": _share_value(a, "lgbtq_victims"),
        "marac.disabled_share": _share_value(a, "disabled_victims"),
        "marac.aged_16_17_share": _share_value(a, "victims_16_17"),
        "marac.minoritised_sentence": (comparison_sentence(a, "bame_victims"), "text", 0),
        "marac.lgbtq_sentence": (comparison_sentence(a, "lgbtq_victims"), "text", 0),
        "marac.disabled_sentence": (comparison_sentence(a, "disabled_victims"), "text", 0),
        "marac.children_sentence": (comparison_sentence(a, "cases_with_children"), "text", 0),
        "marac.aged_16_17_sentence": (comparison_sentence(a, "victims_16_17"), "text", 0),
    }
    for area, prefix in ((NATIONAL, "national"), (POLICE_AREA, "police_area"), (SIMILAR, "similar")):
        # Always written, so the chapter reads "–" rather than failing when a comparator is not delivered.
        values[f"marac.{prefix}_rate"] = (rates.get((area, a.year), float("nan")), "rate", 0)
        values[f"marac.{prefix}_rate_first"] = (rates.get((area, a.first_year), float("nan")), "rate", 0)
        for part, key in (("repeat_cases", "repeat_share"), ("idva_involved", "idva_share"),
                          ("cases_with_children", "with_children_share"), ("bame_victims", "bame_share")):
            values[f"marac.{prefix}_{key}"] = _share_value(a, part, area)
        values[f"marac.{prefix}_non_police_share"] = _non_police_value(a, area)
    return values
