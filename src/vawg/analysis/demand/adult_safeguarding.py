"""Chapter 3, service demand: adult social care safeguarding of women, and how much of it is VAWG.

A safeguarding case counts as VAWG when any of its abuse types maps to a VAWG
flag in Appendix 6h (``data/reference/adult_safeguarding_flags.csv``); an
abuse type can set more than one flag and a case can carry several types.
Shares of abuse types are of all women's cases in the year (the reference
edition's measure). VAWG cases are compared with women's other safeguarding
cases by odds ratios (95% Woolf interval) and the Wald test of the log odds ratio
(:mod:`vawg.foundations.stats`).

Artifact ids and the functions that make them:

- ``fig-asc-abuse-types``        :func:`figure_asc_abuse_types`        (no seed figure: the seed's text on trends)
- ``tbl-asc-abuse-types``        :func:`table_asc_abuse_types`
- ``tbl-asc-vawg-compared``      :func:`table_asc_vawg_compared`
- values ``asc.*``               :func:`prose_values`

(The age profile of VAWG cases, seed Figure 17, ``fig-asc-age-profile``, is
drawn in the "Who the victims are" section.)

Small numbers: a count from 1 to 6 shows "<7" and anything built on it
"[c]"; a share also hides when the rest of its total is small, since the
total is published.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from vawg.analysis import appendix
from vawg.writing import charts
from vawg.foundations import reference
from vawg.writing.artifacts import Column, Figure, Table, format_value
from vawg.foundations.errors import DataError
from vawg.foundations.suppression import count_text, count_texts, disclosure_basis
from vawg.foundations.periods import report_year
from vawg.foundations.stats.profiles import holm_within, odds_ratio
from vawg.foundations.suppression import CONFIDENTIAL, chart_values, is_small
from vawg.foundations.wording import join_words, phrase
from vawg.writing.supply import staged_table

# Printed with the chart and the table by abuse type, and told to the disclosure audit (rows_do_not_add_up).
CASE_TYPES_OVERLAP = "A case can have more than one abuse type, so the abuse types do not add up to all cases."
SOURCE = "Adult social care safeguarding cases (concerns and Section 42 enquiries); VAWG flags of Appendix 6h"
LEARNING_DISABILITY = "Learning disability support"
HEALTH_REFERRERS = ("Emergency services", "NHS primary or community health", "NHS secondary health")
CHARTED_TYPES = 6  # abuse types drawn in the figure (the most common in the report year); the table has all
NO_FURTHER_ACTION = "No further action"
ENQUIRY = "Progressed to enquiry"
SIGNPOSTED = "Signposted to alternative service"
SCREENED_OUT = "Screened out"
RELATIVE = "Relative or family carer"
# Characteristics compared between VAWG and other cases: (key, label, test on a case).
COMPARED = (
    ("learning_disability", "Learning disability is the primary support need",
     lambda c: c["primary_support_need"] == LEARNING_DISABILITY),
    ("perpetrator_known", "Person alleged to have caused harm is known", lambda c: c["perpetrator_known"] == "Yes"),
    ("perpetrator_not_recorded", "Not recorded whether that person is known",
     lambda c: c["perpetrator_known"] == "Not recorded"),
    ("own_home", "Abuse in the person's own home", lambda c: c["location_of_abuse"] == "Own home"),
    ("location_not_recorded", "Where the abuse happened is not recorded",
     lambda c: c["location_of_abuse"] == "Not recorded"),
    ("no_further_action", "No further action after the concern", lambda c: c["outcome"] == NO_FURTHER_ACTION),
    ("enquiry", "Progressed to a Section 42 enquiry", lambda c: c["outcome"] == ENQUIRY),
)


def vawg_flag_map() -> dict[str, set[str]]:
    """Appendix 6h: the adult social care abuse types that set each VAWG flag (validated on reading)."""
    flags = appendix.adult_safeguarding_flags()
    return {flag: set(group["asc_abuse_type"]) for flag, group in flags.groupby("vawg_flag")}


def flag_cases(cases: pd.DataFrame, flag_map: dict[str, set[str]]) -> pd.DataFrame:
    """``cases`` with a boolean column per VAWG flag and ``vawg`` (any flag)."""
    types = cases["abuse_types"].map(lambda values: set() if values is None else set(values))
    flagged = cases.copy()
    for flag, names in flag_map.items():
        flagged[flag] = types.map(lambda items, names=names: bool(items & names)).astype(bool)
    every = set().union(*flag_map.values()) if flag_map else set()
    flagged["vawg"] = types.map(lambda items: bool(items & every)).astype(bool)
    return flagged


@dataclass
class AdultSafeguarding:
    """Women's adult social care safeguarding cases, by year, with their VAWG flags."""

    borough: str
    year: int
    first_year: int
    threshold: int
    cases: pd.DataFrame          # women's cases: year, flags, vawg and the case fields
    flags: list[str]             # VAWG flags in report order

    @classmethod
    def compute(cls, staged_dir: Path | str, *, borough: str, period_end: str, threshold: int) -> "AdultSafeguarding":
        cases = staged_table(staged_dir, "asc_safeguarding")
        year = report_year(period_end)
        cases = cases[(cases["sex"] == "Female") & (cases["concern_date"].dt.year <= year)].copy()
        if cases.empty:
            raise DataError(f"the adult social care safeguarding extract (asc_safeguarding/) has no cases of women "
                            f"up to {year}")
        cases["year"] = cases["concern_date"].dt.year
        flag_map = vawg_flag_map()
        order = [t for t in reference.abuse_types()["abuse_type"] if t in flag_map]
        return cls(borough=borough, year=year, first_year=int(cases["year"].min()), threshold=threshold,
                   cases=flag_cases(cases, flag_map).reset_index(drop=True), flags=order)

    # -- building blocks -------------------------------------------------------
    @property
    def years(self) -> list[int]:
        return list(range(self.first_year, self.year + 1))

    @property
    def now(self) -> pd.DataFrame:
        return self.cases[self.cases["year"] == self.year]

    @property
    def vawg(self) -> pd.DataFrame:
        return self.now[self.now["vawg"]]

    def yearly(self) -> pd.DataFrame:
        """Women's cases, VAWG cases and the VAWG share, one row per year."""
        grouped = self.cases.groupby("year")
        frame = pd.DataFrame({"cases": grouped.size(), "vawg_cases": grouped["vawg"].sum()}).reindex(
            self.years, fill_value=0)
        frame["vawg_share"] = frame["vawg_cases"] / frame["cases"].replace(0, np.nan) * 100
        frame["basis"] = [disclosure_basis(v, n) for v, n in zip(frame["vawg_cases"], frame["cases"])]
        return frame.rename_axis("year").reset_index()

    def type_shares(self) -> pd.DataFrame:
        """Long: flag, label, year, cases with the flag, women's cases, share (%) and its disclosure basis."""
        rows = []
        totals = self.cases.groupby("year").size().reindex(self.years, fill_value=0)
        counts = self.cases.groupby("year")[self.flags].sum().reindex(self.years, fill_value=0)
        for flag in self.flags:
            for year in self.years:
                n, total = int(counts.loc[year, flag]), int(totals[year])
                rows.append({"flag": flag, "label": reference.abuse_type_label(flag), "year": year, "n": n,
                             "cases": total, "share": n / total * 100 if total else np.nan,
                             "basis": disclosure_basis(n, total)})
        return pd.DataFrame(rows)

    def type_share(self, flag: str, year: int) -> float:
        shares = self.type_shares().set_index(["flag", "year"])
        return float(shares.loc[(flag, year), "share"])

    def charted_flags(self) -> list[str]:
        """The abuse types most common in the report year (ties in report order), largest first."""
        now = self.type_shares().query("year == @self.year")
        now = now[now["n"] > 0].sort_values("n", ascending=False, kind="stable")
        return now["flag"].head(CHARTED_TYPES).tolist()

    def comparison(self) -> pd.DataFrame:
        """VAWG against women's other cases in the report year, one row per characteristic, with odds ratios."""
        now = self.now
        rows = []
        for key, label, test in COMPARED:
            has = test(now).astype(bool)
            a, b = int((has & now["vawg"]).sum()), int((~has & now["vawg"]).sum())
            c, d = int((has & ~now["vawg"]).sum()), int((~has & ~now["vawg"]).sum())
            ratio = odds_ratio([[a, b], [c, d]]) if (a + b) and (c + d) else None
            vawg_basis, other_basis = disclosure_basis(a, a + b), disclosure_basis(c, c + d)
            rows.append({
                "key": key, "label": label, "vawg_n": a, "vawg_total": a + b,
                "vawg_share": a / (a + b) * 100 if a + b else np.nan, "vawg_basis": vawg_basis,
                "other_n": c, "other_total": c + d,
                "other_share": c / (c + d) * 100 if c + d else np.nan, "other_basis": other_basis,
                "odds_ratio": ratio.estimate if ratio else np.nan, "lower": ratio.lower if ratio else np.nan,
                "upper": ratio.upper if ratio else np.nan, "p": ratio.p_value if ratio else np.nan,
                "significant": bool(ratio and ratio.significant),
                "basis": min([n for n in (a, b, c, d) if n > 0], default=0),
            })
        # The characteristics compared are one family of tests (MULTIPLICITY_POLICY): Holm-adjusted p-values.
        frame = holm_within(pd.DataFrame(rows))
        for group in ("vawg", "other"):
            frame[f"{group}_text"] = count_texts(frame[f"{group}_n"], self.threshold, bases=frame[f"{group}_basis"])
        frame["ci"] = [_interval(row.lower, row.upper, row.basis, self.threshold) for row in frame.itertuples()]
        frame["significant_text"] = [CONFIDENTIAL if is_small(row.basis, self.threshold) else
                                     "–" if pd.isna(row.p) else "Yes" if row.significant else "No"
                                     for row in frame.itertuples()]
        return frame

    def share_of(self, frame: pd.DataFrame, mask: pd.Series) -> tuple[float, int]:
        """Percentage of ``frame`` where ``mask`` holds, and the count that share rests on."""
        n, total = int(mask.sum()), len(frame)
        return (n / total * 100 if total else float("nan")), disclosure_basis(n, total)


def _interval(lower: float, upper: float, basis: int, threshold: int) -> str:
    if is_small(basis, threshold):
        return CONFIDENTIAL
    if pd.isna(lower) or pd.isna(upper):
        return "–"
    return f"{lower:.2f}–{upper:.2f}"


# -- artifacts -----------------------------------------------------------------------

def figure_asc_abuse_types(analysis: AdultSafeguarding) -> Figure:
    a = analysis
    shares = a.type_shares()
    charted = a.charted_flags()
    long = shares[shares["flag"].isin(charted)].copy()
    long["plotted"], long["label_text"] = chart_values(long["share"], long["basis"], a.threshold, "{:.1f}")
    labels = [reference.abuse_type_label(flag) for flag in charted]
    first, last = shares[shares["year"] == a.first_year], shares[shares["year"] == a.year]
    start = first.set_index("flag")
    # Only shares that are published are compared: a direction would hint at a hidden value.
    rising = [row.label.lower() for row in last.itertuples() if row.flag in charted
              and not is_small(row.basis, a.threshold) and not is_small(start.loc[row.flag, "basis"], a.threshold)
              and row.share > start.loc[row.flag, "share"]]
    top = labels[0] if labels else "no abuse type"
    title = (f"{top} was the most common VAWG abuse type in women's safeguarding cases in {a.year}"
             if labels else f"VAWG abuse types in women's safeguarding cases, {a.first_year} to {a.year}")
    def plot_at(width: float = 8.0):
        # Three panels a row leave a phone's panels too narrow for six labelled years: one a row there, two on
        # a medium screen.
        return charts.small_multiple_line_chart(
            long, x="year", y="plotted", panel="label", label="label_text", title=title,
            subtitle=f"Percentage of women's adult safeguarding cases with each abuse type, {a.first_year} to "
                     f"{a.year}; \nthe {len(charted)} types most common in {a.year}",
            y_title="% of women's safeguarding cases", panel_order=labels,
            ncol=3 if width >= 6 else 2 if width >= 4 else 1)

    plot = plot_at()
    alt = (f"Line charts, one per abuse type, of the percentage of women's adult social care safeguarding cases "
           f"with each VAWG abuse type from {a.first_year} to {a.year}: {join_words([label.lower() for label in labels])}. "
           + (f"{top} was the most common in {a.year}. " if labels else "")
           + (f"Higher in {a.year} than in {a.first_year}: {join_words(rising)}." if rising else "")).strip()
    data = long.assign(cases_text=count_texts(long["n"], a.threshold, bases=long["basis"]))
    return Figure(
        id="fig-asc-abuse-types", plot=plot, height=5.6, redraw=plot_at, caption=(
            f"VAWG abuse types in women's adult social care safeguarding cases, {a.borough}, "
            f"{a.first_year} to {a.year}"),
        alt=alt, source=SOURCE, data=data,
        rows_do_not_add_up=CASE_TYPES_OVERLAP,
        description=(f"Values resting on fewer than {a.threshold} cases are not shown. All abuse types are in the "
                     "table below."),
        columns=[Column("Abuse type", "label", "text"), Column("Year", "year", "text"),
                 Column("Cases with this abuse type", "cases_text", "text"),
                 Column("Women's safeguarding cases", "cases", "count"),
                 Column("% of women's cases", "share", "percent", 1, basis="basis")],
    )


def table_asc_abuse_types(analysis: AdultSafeguarding) -> Table:
    a = analysis
    shares = a.type_shares()
    wide = shares.pivot(index="flag", columns="year", values="share").reindex(a.flags)
    bases = shares.pivot(index="flag", columns="year", values="basis").reindex(a.flags)
    counts = shares.pivot(index="flag", columns="year", values="n").reindex(a.flags)
    frame = pd.DataFrame({"flag": a.flags, "label": [reference.abuse_type_label(f) for f in a.flags]})
    yearly = a.yearly().set_index("year")
    total_row = {"flag": "vawg", "label": "Any VAWG abuse type"}
    for year in a.years:
        frame[f"share_{year}"] = wide[year].to_numpy()
        frame[f"basis_{year}"] = bases[year].to_numpy()
        total_row[f"share_{year}"] = yearly.loc[year, "vawg_share"]
        total_row[f"basis_{year}"] = yearly.loc[year, "basis"]
    frame["n_now"] = counts[a.year].to_numpy()
    frame["n_text"] = count_texts(frame["n_now"], a.threshold, bases=frame[f"basis_{a.year}"])
    total_row["n_text"] = count_text(int(yearly.loc[a.year, "vawg_cases"]), a.threshold,
                                     basis=yearly.loc[a.year, "basis"])
    frame = pd.concat([pd.DataFrame([total_row]), frame], ignore_index=True)
    frame["total"] = frame["flag"] == "vawg"
    columns = [Column("Abuse type", "label", "text"), Column(f"Cases in {a.year}", "n_text", "text")]
    columns += [Column(str(year), f"share_{year}", "percent", 1, basis=f"basis_{year}") for year in a.years]
    return Table(
        id="tbl-asc-abuse-types",
        caption=f"Women's adult social care safeguarding cases with each VAWG abuse type, {a.borough}: "
                f"cases in {a.year} and percentage of all women's cases, {a.first_year} to {a.year}",
        data=frame, columns=columns, source=SOURCE, emphasis="total", rows_do_not_add_up=CASE_TYPES_OVERLAP,
        notes=(f"Women's safeguarding cases: {join_words([f'{n:,} in {y}' for y, n in zip(yearly.index, yearly['cases'])])}.",
               "Appendix 6h lists the adult social care abuse types behind each VAWG abuse type.",
               f"Counts from 1 to {a.threshold - 1} are shown as <{a.threshold}; [c] marks a value hidden because "
               f"it rests on such a count."),
    )


def table_asc_vawg_compared(analysis: AdultSafeguarding) -> Table:
    a = analysis
    frame = a.comparison()
    return Table(
        id="tbl-asc-vawg-compared",
        caption=f"Women's VAWG safeguarding cases compared with their other safeguarding cases, {a.borough} {a.year}",
        data=frame,
        columns=[Column("Characteristic", "label", "text"),
                 Column("VAWG cases", "vawg_text", "text"),
                 Column("% of VAWG cases", "vawg_share", "percent", 1, basis="vawg_basis"),
                 Column("Other cases", "other_text", "text"),
                 Column("% of other cases", "other_share", "percent", 1, basis="other_basis"),
                 Column("Odds ratio", "odds_ratio", "number", 2, basis="basis"),
                 Column("95% CI", "ci", "text"),
                 Column("p-value (Wald, Holm-adjusted)", "p", "pvalue", 3, basis="basis"),
                 Column("p < 0.05", "significant_text", "text")],
        source=SOURCE,
        notes=(f"VAWG cases: {len(a.vawg):,}; other cases of women: {len(a.now) - len(a.vawg):,}. An odds ratio "
               "above 1 means the characteristic is more common in VAWG cases.",
               "p-values are adjusted by Holm's method for the number of characteristics compared; the 95% CI "
               "(Woolf) is not, so it can leave out 1 where the adjusted p-value is above 0.05."),
    )


# -- prose ---------------------------------------------------------------------------

def _text(a: AdultSafeguarding, value: float, basis: float | None, kind: str = "percent", decimals: int = 1) -> str:
    return format_value(value, kind, decimals=decimals, threshold=a.threshold, basis=basis)


def prose_values(analysis: AdultSafeguarding) -> dict[str, tuple]:
    """Every number and data-driven sentence the section quotes: ``{key: (value, kind, decimals[, basis])}``."""
    a = analysis
    yearly = a.yearly().set_index("year")
    now = yearly.loc[a.year]
    compared = a.comparison().set_index("key")
    vawg, women = a.vawg, a.now
    values: dict[str, tuple] = {
        "asc.year": (str(a.year), "text", 0),
        "asc.first_year": (str(a.first_year), "text", 0),
        "asc.female_cases": (int(now["cases"]), "count", 0),
        "asc.vawg_cases": (int(now["vawg_cases"]), "count", 0),
        "asc.vawg_share": (now["vawg_share"], "percent", 1, now["basis"]),
        "asc.vawg_share_mean": (float(yearly["vawg_share"].mean()), "percent", 0, int(yearly["basis"].min())),
        "asc.vawg_share_range": (_range_text(a, yearly), "text", 0),
        "asc.top_types_sentence": (_top_types_sentence(a), "text", 0),
        "asc.trend_sentence": (_trend_sentence(a), "text", 0),
    }
    health, basis = a.share_of(vawg, vawg["referrer_agency"].isin(HEALTH_REFERRERS))
    values["asc.vawg_health_referrer_share"] = (health, "percent", 0, basis)
    dva = vawg[vawg["dva"]] if "dva" in vawg else vawg.iloc[0:0]
    emergency, basis = a.share_of(dva, dva["referrer_agency"] == "Emergency services")
    values["asc.dva_emergency_referrer_share"] = (emergency, "percent", 0, basis)
    # Odds ratios and shares of the comparison table.
    for key in compared.index:
        row = compared.loc[key]
        values[f"asc.vawg_{key}_share"] = (row["vawg_share"], "percent", 1, row["vawg_basis"])
        values[f"asc.other_{key}_share"] = (row["other_share"], "percent", 1, row["other_basis"])
    ld = compared.loc["learning_disability"]
    values["asc.vawg_learning_disability"] = (count_text(ld["vawg_n"], a.threshold, basis=ld["vawg_basis"]), "text", 0)
    values["asc.other_learning_disability"] = (count_text(ld["other_n"], a.threshold, basis=ld["other_basis"]), "text", 0)
    values["asc.learning_disability_odds_ratio"] = (ld["odds_ratio"], "number", 2, ld["basis"])
    values["asc.learning_disability_ci"] = (_interval(ld["lower"], ld["upper"], ld["basis"], a.threshold)
                                            .replace("–", " to "), "text", 0)
    values["asc.learning_disability_verdict"] = (_verdict(a, ld, "learning_disability"), "text", 0)
    known = vawg[vawg["perpetrator_known"] == "Yes"]
    relative, basis = a.share_of(known, known["perpetrator_relationship"] == RELATIVE)
    values["asc.vawg_perpetrator_relative_share"] = (relative, "percent", 0, basis)
    dva_known, basis = a.share_of(dva, dva["perpetrator_known"] == "Yes")
    values["asc.dva_perpetrator_known_share"] = (dva_known, "percent", 0, basis)
    values["asc.perpetrator_known_verdict"] = (_verdict(a, compared.loc["perpetrator_known"], "perpetrator_known"),
                                               "text", 0)
    nfa = vawg[vawg["outcome"] == NO_FURTHER_ACTION]
    for key, reason in (("signposted", SIGNPOSTED), ("screened_out", SCREENED_OUT)):
        share, basis = a.share_of(nfa, nfa["nfa_reason"] == reason)
        values[f"asc.vawg_{key}_share"] = (share, "percent", 1, basis)
    values["asc.no_further_action_verdict"] = (_verdict(a, compared.loc["no_further_action"], "no_further_action"),
                                               "text", 0)
    all_enquiry, basis = a.share_of(women, women["outcome"] == ENQUIRY)
    values["asc.all_enquiry_share"] = (all_enquiry, "percent", 1, basis)
    values["asc.enquiry_verdict"] = (_verdict(a, compared.loc["enquiry"], "enquiry"), "text", 0)
    return values


def _verdict(a: AdultSafeguarding, row: pd.Series, comparison: str) -> str:
    """"VAWG cases were significantly more likely than … (odds ratio 1.23, 95% CI …, Wald test p …)"."""
    group, other = phrase("adult-safeguarding", "group", comparison), phrase("adult-safeguarding", "other", comparison)
    if is_small(row["basis"], a.threshold):
        return phrase("adult-safeguarding", "verdict", "too_few", group=group, other=other)
    if pd.isna(row["p"]):
        return phrase("adult-safeguarding", "verdict", "no_comparator", group=group, other=other)
    p = "p < 0.001" if row["p"] < 0.001 else f"p = {row['p']:.3f}"
    detail = phrase("adult-safeguarding", "detail", odds_ratio=f"{row['odds_ratio']:.2f}", lower=f"{row['lower']:.2f}",
                    upper=f"{row['upper']:.2f}", p=p)
    if not row["significant"]:
        return phrase("adult-safeguarding", "verdict", "no_difference", group=group, other=other, detail=detail)
    return phrase("adult-safeguarding", "verdict", "more" if row["odds_ratio"] > 1 else "less", Group=group[0].upper() + group[1:],
                  other=other, what=phrase("adult-safeguarding", "likely", comparison), detail=detail)


def _range_text(a: AdultSafeguarding, yearly: pd.DataFrame) -> str:
    shown = yearly[~yearly["basis"].map(lambda n: is_small(n, a.threshold))]
    if shown.empty:
        return ""
    low, high = shown["vawg_share"].idxmin(), shown["vawg_share"].idxmax()
    return phrase("adult-safeguarding", "share_range", low=f"{shown.loc[low, 'vawg_share']:.1f}%", low_year=low,
                  high=f"{shown.loc[high, 'vawg_share']:.1f}%", high_year=high)


def _top_types_sentence(a: AdultSafeguarding) -> str:
    """The three most common abuse types of the report year, with their shares of women's cases."""
    now = a.type_shares().query("year == @a.year")
    now = now[(now["n"] > 0) & ~now["basis"].map(lambda n: is_small(n, a.threshold))]
    now = now.sort_values("n", ascending=False, kind="stable").head(3)
    if now.empty:
        return phrase("adult-safeguarding", "top_types", "too_few")
    parts = [f"{row.label.lower()} ({_text(a, row.share, row.basis)})" for row in now.itertuples()]
    return phrase("adult-safeguarding", "top_types", "shown", types=join_words(parts))


def _trend_sentence(a: AdultSafeguarding) -> str:
    """For each charted abuse type: its share in the first year, its peak (when not at an end) and the last year."""
    shares = a.type_shares().set_index(["flag", "year"])
    parts = []
    for flag in a.charted_flags():
        rows = shares.loc[flag]
        shown = rows[~rows["basis"].map(lambda n: is_small(n, a.threshold))]
        if a.year not in shown.index or shown.empty:
            continue
        start_year = shown.index.min()
        start, end = shown.loc[start_year, "share"], shown.loc[a.year, "share"]
        peak_year = shown["share"].idxmax()
        peak = (phrase("adult-safeguarding", "peak", "at_an_end") if peak_year in (start_year, a.year) else
                phrase("adult-safeguarding", "peak", "between", share=f"{shown.loc[peak_year, 'share']:.1f}%", year=peak_year))
        parts.append(phrase("adult-safeguarding", "type_trend",
                            "rose" if end > start + 0.05 else "fell" if end < start - 0.05 else "held_steady",
                            type=reference.abuse_type_label(flag).lower(), start=f"{start:.1f}%",
                            start_year=start_year, end=f"{end:.1f}%", peak=peak))
    if not parts:
        return ""
    return phrase("adult-safeguarding", "trend", trends="; ".join(parts))
