"""Chapter 3, "Crime in the borough": all recorded crime, its mix of crime groups and the VAWG share of each.

Artifact ids and the functions that make them:

- ``fig-crime-group-mix``             :func:`figure_crime_group_mix`             (share of crime by crime group)
- ``fig-vawg-share-by-crime-group``   :func:`figure_vawg_share_by_crime_group`   (VAWG share of each crime group)
- ``tbl-crime-groups``                :func:`table_crime_groups`                 (rates, shares and VAWG shares)
- values ``crime.*``                  :func:`prose_values`

All-crime rates are offences per 1,000 residents (everyone, not only women and
girls); rates use the report year's mid-year population, or the latest earlier
one, as everywhere in the chapter. Confidence intervals: Byar's method for rates, Wilson's for shares.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from vawg.foundations.wording import direction, join_words, keep_acronyms, phrase, significance, slug
from vawg.foundations.methods_used import uses
from vawg.foundations.periods import report_year
from vawg.writing import charts
from vawg.foundations import reference
from vawg.writing.artifacts import Column, Figure, Table
from vawg.analysis.police.offences import crime_group_counts, load_offences
from vawg.analysis.police.recorded_offences import SOURCE, TABLE_RANGE, range_texts
from vawg.foundations.suppression import interval_texts
from vawg.analysis.denominators import denominators, describe_estimates, estimate_years, load_population
from vawg.foundations.stats.comparisons import percent_difference, rank_highest_first, rate_ratio, two_proportion_ztest
from vawg.foundations.stats.intervals import byar_interval, wilson_interval
from vawg.foundations.stats.profiles import holm_within
from vawg.foundations.suppression import chart_values

MIN_VAWG_SHARE_CHARTED = 1.0  # crime groups where VAWG is under 1% of London's offences are left off the chart


@dataclass
class CrimeInBorough:
    """All recorded crime by borough and crime group in the report year, and the residents it is a rate of."""

    borough: str
    borough_code: str
    year: int
    groups: pd.DataFrame       # (borough_code, crime_group) → all_crime, vawg
    residents: pd.Series       # borough_code → all residents (the report year's estimate, or the latest earlier)
    threshold: int
    estimate: int | None = None  # the mid-year the residents are estimated at

    @classmethod
    def compute(cls, staged_dir: Path | str, *, borough: str, period_end: str, threshold: int) -> "CrimeInBorough":
        boroughs = reference.boroughs().set_index("borough_name")["borough_code"]
        end = pd.Timestamp(period_end)
        year = report_year(end)
        groups = crime_group_counts(load_offences(staged_dir), year)
        codes = groups.index.get_level_values("borough_code").unique()
        population = load_population(staged_dir)
        residents = denominators(population, [year], sex=None).loc[codes, year]
        return cls(borough=borough, borough_code=boroughs[borough], year=year, groups=groups,
                   residents=residents, threshold=threshold, estimate=estimate_years(population, [year])[year])

    def _areas(self) -> dict[str, pd.DataFrame]:
        by_group = self.groups.unstack("crime_group", fill_value=0)
        borough = by_group.loc[[self.borough_code]] if self.borough_code in by_group.index else by_group.iloc[0:0]
        rest = by_group.drop(self.borough_code, errors="ignore")
        return {"borough": borough.sum().unstack(0), "rest": rest.sum().unstack(0), "london": by_group.sum().unstack(0)}

    def people(self, area: str = "borough") -> int:
        if area == "borough":
            return int(self.residents.get(self.borough_code, 0))
        if area == "rest":
            return int(self.residents.drop(self.borough_code, errors="ignore").sum())
        return int(self.residents.sum())

    def total(self, area: str = "borough") -> int:
        return int(self._areas()[area]["all_crime"].sum())

    @uses(metric="all_crime_rate")
    def total_rate(self, area: str = "borough") -> float:
        return self.total(area) / self.people(area) * 1000

    @uses(metric="borough_rank")
    def rank(self) -> tuple[int, int]:
        totals = self.groups["all_crime"].groupby(level="borough_code").sum()
        rates = totals / self.residents.reindex(totals.index) * 1000
        return int(rank_highest_first(rates)[self.borough_code]), int(rates.size)

    @uses(metric=("crime_group_share", "vawg_share_of_group"))
    def group_table(self) -> pd.DataFrame:
        """One row per crime group: counts, rates per 1,000 residents, shares of crime and VAWG shares, with CIs."""
        areas = self._areas()
        borough, rest, london = areas["borough"], areas["rest"], areas["london"]
        # Every crime group of the categorisation (Appendix 6b), largest across London first.
        every = list(dict.fromkeys(list(london.sort_values("all_crime", ascending=False).index)
                                   + list(reference.crime_categorisation()["crime_group"].unique())))
        london = london.reindex(every, fill_value=0)
        groups = london.index
        borough, rest = borough.reindex(groups, fill_value=0), rest.reindex(groups, fill_value=0)
        n_borough, n_rest, n_london = self.people(), self.people("rest"), self.people("london")
        total_borough, total_london = borough["all_crime"].sum(), london["all_crime"].sum()
        rows = []
        for group in groups:
            name = _sentence_case(group)
            count, rest_count = int(borough.loc[group, "all_crime"]), int(rest.loc[group, "all_crime"])
            vawg, rest_vawg = int(borough.loc[group, "vawg"]), int(rest.loc[group, "vawg"])
            rate_ci = byar_interval(count, n_borough)
            share_ci = wilson_interval(count, total_borough)
            vawg_ci, rest_vawg_ci = wilson_interval(vawg, count), wilson_interval(rest_vawg, rest_count)
            rate_test = two_proportion_ztest(count, n_borough, rest_count, n_rest)
            ratio = rate_ratio(count, n_borough, rest_count, n_rest)
            vawg_test = two_proportion_ztest(vawg, count, rest_vawg, rest_count) if count and rest_count else None
            rows.append({
                "crime_group": name, "count": count, "london_count": int(london.loc[group, "all_crime"]),
                "rate": count / n_borough * 1000, "rate_lower": rate_ci.lower, "rate_upper": rate_ci.upper,
                "rest_rate": rest_count / n_rest * 1000,
                "london_rate": london.loc[group, "all_crime"] / n_london * 1000,
                "rate_difference": percent_difference(count / n_borough, rest_count / n_rest),
                "rate_ratio": ratio.estimate, "ratio_lower": ratio.lower, "ratio_upper": ratio.upper,
                "rest_count": rest_count,
                "rate_p": rate_test.p_value, "rate_significant": rate_test.significant,
                "share": count / total_borough * 100, "share_lower": share_ci.lower * 100,
                "share_upper": share_ci.upper * 100,
                "london_share": london.loc[group, "all_crime"] / total_london * 100,
                "vawg": vawg, "rest_vawg": rest_vawg, "london_vawg": int(london.loc[group, "vawg"]),
                "vawg_share": vawg / count * 100 if count else float("nan"),
                "vawg_lower": vawg_ci.lower * 100, "vawg_upper": vawg_ci.upper * 100,
                "rest_vawg_share": rest_vawg / rest_count * 100 if rest_count else float("nan"),
                "rest_vawg_lower": rest_vawg_ci.lower * 100, "rest_vawg_upper": rest_vawg_ci.upper * 100,
                "london_vawg_share": (london.loc[group, "vawg"] / london.loc[group, "all_crime"] * 100
                                      if london.loc[group, "all_crime"] else float("nan")),
                "vawg_p": vawg_test.p_value if vawg_test else float("nan"),
                "vawg_significant": bool(vawg_test and vawg_test.significant),
            })
        table = holm_within(pd.DataFrame(rows), p="rate_p", significant="rate_significant")
        return holm_within(table, p="vawg_p", significant="vawg_significant")


# -- artifacts -----------------------------------------------------------------------

def figure_crime_group_mix(crime: CrimeInBorough) -> Figure:
    table = crime.group_table()
    long = pd.concat([
        table.assign(area=crime.borough, value=table["share"], lower=table["share_lower"],
                     upper=table["share_upper"], n=table["count"]),
        table.assign(area="London", value=table["london_share"], lower=float("nan"), upper=float("nan"),
                     n=table["london_count"]),
    ])[["crime_group", "area", "n", "value", "lower", "upper"]].reset_index(drop=True)
    long["plotted"], long["label"] = chart_values(long["value"], long["n"], crime.threshold, "{:.1f}%")
    top = table.sort_values("share", ascending=False).iloc[0]
    title = phrase("crime-in-borough", "mix_title", group=top["crime_group"], share_words=_share_words(top["share"]),
                   borough=crime.borough, london_share=f"{top['london_share']:.0f}%")
    plot = charts.interval_bar_chart(
        long, category="crime_group", value="plotted", lower="lower", upper="upper", series="area", label="label",
        title=title,
        subtitle=phrase("crime-in-borough", "mix_subtitle", year=crime.year, borough=crime.borough),
        value_title="% of all recorded offences", category_order=table["crime_group"].tolist(),
        series_order=[crime.borough, "London"])
    others = table.sort_values("share", ascending=False).iloc[1:3]
    alt = phrase("crime-in-borough", "mix_alt", borough=crime.borough, year=crime.year, group=top["crime_group"],
                 share=f"{top['share']:.1f}%", london_share=f"{top['london_share']:.1f}%", others=join_words([
                     phrase("crime-in-borough", "mix_group", group=_lower(row.crime_group), share=f"{row.share:.1f}%",
                            london_share=f"{row.london_share:.1f}%") for row in others.itertuples()]))
    return Figure(
        id="fig-crime-group-mix", plot=plot, height=6.0,
        caption=phrase("crime-in-borough", "groups_caption", borough=crime.borough, year=crime.year),
        alt=alt, source=SOURCE, data=long,
        columns=[Column("Crime group", "crime_group", "text"), Column("Area", "area", "text"),
                 Column("Offences", "n", "count"),
                 Column("% of all recorded offences", "value", "number", 1, basis="n"),
                 Column("95% CI lower", "lower", "number", 1, basis="n"),
                 Column("95% CI upper", "upper", "number", 1, basis="n")],
    )


def _lower(name: str) -> str:
    """A group's name inside a sentence: "Nfib Fraud" → "NFIB fraud"."""
    return keep_acronyms(name.lower())


def _sentence_case(name: str) -> str:
    """"Violence Against The Person" → "Violence against the person" (the police write groups in title case)."""
    text = _lower(name)
    return text[:1].upper() + text[1:]


def _share_words(share: float) -> str:
    if 50 < share < 60:
        return phrase("crime-in-borough", "share_words", "over_half")
    if 33.4 < share <= 40:
        return phrase("crime-in-borough", "share_words", "over_third")
    return phrase("crime-in-borough", "share_words", "percent", share=f"{share:.0f}")


def figure_vawg_share_by_crime_group(crime: CrimeInBorough) -> Figure:
    table = crime.group_table()
    charted = table[table["london_vawg_share"] >= MIN_VAWG_SHARE_CHARTED].sort_values(
        "london_vawg_share", ascending=False)
    long = pd.concat([
        charted.assign(area=crime.borough, value=charted["vawg_share"], lower=charted["vawg_lower"],
                       upper=charted["vawg_upper"], n=charted["vawg"], total=charted["count"]),
        charted.assign(area="Rest of London", value=charted["rest_vawg_share"], lower=charted["rest_vawg_lower"],
                       upper=charted["rest_vawg_upper"], n=charted["rest_vawg"],
                       total=charted["london_count"] - charted["count"]),
    ])[["crime_group", "area", "n", "total", "value", "lower", "upper"]].reset_index(drop=True)
    long["plotted"], long["label"] = chart_values(long["value"], long["n"], crime.threshold, "{:.1f}%")
    shown = charted[~charted["vawg"].apply(lambda n: 0 < n < crime.threshold)]
    top = shown.sort_values("vawg_share", ascending=False).iloc[0] if not shown.empty else charted.iloc[0]
    title = phrase("crime-in-borough", "vawg_share_title",
                   "as_rest" if top["crime_group"] == charted.sort_values("rest_vawg_share").iloc[-1]["crime_group"]
                   else "own", group=top["crime_group"], borough=crime.borough)
    plot = charts.interval_bar_chart(
        long, category="crime_group", value="plotted", lower="lower", upper="upper", series="area", label="label",
        title=title,
        subtitle=phrase("crime-in-borough", "vawg_share_subtitle", year=crime.year),
        value_title="% of the group's offences that are VAWG", category_order=charted["crime_group"].tolist(),
        series_order=[crime.borough, "Rest of London"])
    higher = shown[shown["vawg_significant"] & (shown["vawg_share"] > shown["rest_vawg_share"])]
    lower = shown[shown["vawg_significant"] & (shown["vawg_share"] < shown["rest_vawg_share"])]
    alt = phrase(
        "crime-in-borough", "vawg_share_alt", borough=crime.borough, year=crime.year, charted=len(charted),
        min_share=f"{MIN_VAWG_SHARE_CHARTED:.0f}",
        groups=join_words([phrase("crime-in-borough", "vawg_share_group", group=_lower(row.crime_group),
                                  share=f"{row.vawg_share:.1f}%", rest_share=f"{row.rest_vawg_share:.1f}%")
                           for row in shown.head(3).itertuples()]),
        higher=phrase("crime-in-borough", "vawg_share_higher", "some", borough=crime.borough, groups=_groups(higher))
        if not higher.empty else phrase("crime-in-borough", "vawg_share_higher", "none"),
        lower=phrase("crime-in-borough", "vawg_share_lower", "some", groups=_groups(lower))
        if not lower.empty else phrase("crime-in-borough", "vawg_share_lower", "none"))
    return Figure(
        id="fig-vawg-share-by-crime-group", plot=plot, height=5.0,
        caption=phrase("crime-in-borough", "vawg_share_caption", borough=crime.borough, year=crime.year),
        alt=alt.strip(), source=SOURCE, data=long,
        columns=[Column("Crime group", "crime_group", "text"), Column("Area", "area", "text"),
                 Column("VAWG offences", "n", "count"), Column("All offences in the group", "total", "count"),
                 # An interval of 0 out of a hidden total inverts to the total: it rests on both counts.
                 Column("% VAWG", "value", "number", 1, basis=("n", "total")),
                 Column("95% CI lower", "lower", "number", 1, basis=("n", "total")),
                 Column("95% CI upper", "upper", "number", 1, basis=("n", "total"))],
    )


def _groups(rows: pd.DataFrame) -> str:
    return join_words([_lower(name) for name in rows["crime_group"]])


def table_crime_groups(crime: CrimeInBorough) -> Table:
    table = crime.group_table()
    threshold = crime.threshold
    table["rate_ci"] = interval_texts(table["rate_lower"], table["rate_upper"], table["count"], threshold, 1,
                                      separator=TABLE_RANGE)
    table["ratio_ci"] = range_texts(table["ratio_lower"], table["ratio_upper"], 2)
    table["vawg_ci"] = interval_texts(table["vawg_lower"], table["vawg_upper"], table["vawg"], threshold, 1, "%",
                                      separator=TABLE_RANGE)
    return Table(
        id="tbl-crime-groups",
        caption=phrase("crime-in-borough", "groups_caption", borough=crime.borough, year=crime.year),
        data=table,
        columns=[
            Column("Crime group", "crime_group", "text"),
            Column("Offences", "count", "count"),
            Column("Rate per 1,000 residents", "rate", "number", 1, basis="count"),
            Column("Rate 95% CI", "rate_ci", "text"),
            Column("London rate", "london_rate", "number", 1),
            Column("Rate ratio to rest of London", "rate_ratio", "number", 2, basis=("count", "rest_count")),
            Column("Rate ratio 95% CI", "ratio_ci", "text", basis=("count", "rest_count")),
            Column(f"% of {crime.borough}'s crime", "share", "number", 1, basis="count"),
            Column("% that is VAWG", "vawg_share", "number", 1, basis=("vawg", "count")),
            Column("% VAWG 95% CI", "vawg_ci", "text", basis=("vawg", "count")),
            Column("% VAWG, rest of London", "rest_vawg_share", "number", 1, basis="rest_vawg"),
        ],
        source=SOURCE,
        notes=(
            phrase("crime-in-borough", "rates_note", "estimate",
                   estimates=describe_estimates({crime.year: crime.estimate})) if crime.estimate else
            phrase("crime-in-borough", "rates_note", "no_estimate"),
            phrase("crime-in-borough", "ci_note"),
            phrase("crime-in-borough", "ratio_note", borough=crime.borough),
            phrase("crime-in-borough", "hidden_note", threshold=threshold),
        ),
    )



def _times(ratio: float) -> str:
    """"nearly double", "about 1.4 times" …: a ratio in words."""
    if 1.85 <= ratio < 2.0:
        return phrase("crime-in-borough", "times", "nearly_double")
    if 2.0 <= ratio < 2.1:
        return phrase("crime-in-borough", "times", "about_double")
    if ratio < 0.95:
        return phrase("crime-in-borough", "times", "below", percent=f"{(1 - ratio) * 100:.0f}")
    if ratio < 1.05:
        return phrase("crime-in-borough", "times", "close")
    return phrase("crime-in-borough", "times", "times", ratio=f"{ratio:.1f}")


def prose_values(crime: CrimeInBorough) -> dict[str, tuple]:
    """Every number and data-driven word the section's prose quotes: ``{key: (value, kind, decimals[, basis])}``."""
    c = crime
    table = c.group_table().set_index("crime_group")
    rate, london, rest = c.total_rate(), c.total_rate("london"), c.total_rate("rest")
    total = c.total()
    ci = byar_interval(total, c.people())
    overall = two_proportion_ztest(total, c.people(), c.total("rest"), c.people("rest"))
    rank, size = c.rank()
    ratio = rate / london
    rest_ratio = rate_ratio(total, c.people(), c.total("rest"), c.people("rest"))
    by_share = table.sort_values("share", ascending=False)
    top = by_share.iloc[0]
    significant_higher = table[table["rate_significant"] & (table["rate_difference"] > 0)]
    significant_lower = table[table["rate_significant"] & (table["rate_difference"] < 0)]
    # Groups where the borough's share of its crime is larger than London's.
    larger_share = table[(table["share"] > table["london_share"]) & (table["count"] >= c.threshold)]
    vawg_groups = table[(table["london_vawg_share"] >= MIN_VAWG_SHARE_CHARTED) & (table["vawg"] >= c.threshold)]
    vawg_groups = vawg_groups.sort_values("vawg_share", ascending=False)
    values: dict[str, tuple] = {
        "crime.year": (str(c.year), "text", 0),
        "crime.total": (total, "count", 0),
        "crime.rate": (rate, "number", 1, total),
        "crime.rate_ci": (interval_texts([ci.lower], [ci.upper], [total], c.threshold, 1)[0], "text", 0),
        "crime.london_rate": (london, "number", 1),
        "crime.rest_rate": (rest, "number", 1),
        "crime.ratio_words": (_times(ratio), "text", 0),
        "crime.ratio_vs_rest": (rest_ratio.estimate, "number", 2, total),
        "crime.ratio_vs_rest_ci": (range_texts([rest_ratio.lower], [rest_ratio.upper], 2, separator=" to ")[0],
                                   "text", 0, total),
        "crime.comparison": (direction(rate - london), "text", 0),
        "crime.significance": (significance(overall), "text", 0),
        "crime.rank": (rank, "rank", 0),
        "crime.boroughs": (size, "number", 0),
        "crime.top_group": (_lower(top.name), "text", 0),
        "crime.top_group_share": (top["share"], "percent", 1, top["count"]),
        "crime.top_group_share_words": (_share_words(top["share"]), "text", 0),
        "crime.top_group_london_share": (top["london_share"], "percent", 1),
        "crime.second_group": (_lower(by_share.index[1]), "text", 0),
        "crime.second_group_share": (by_share.iloc[1]["share"], "percent", 1, by_share.iloc[1]["count"]),
        "crime.higher_rate_groups": (_groups(significant_higher.reset_index()) or "none", "text", 0),
        "crime.lower_rate_groups": (_groups(significant_lower.reset_index()) or "none", "text", 0),
        "crime.larger_share_groups": (_groups(larger_share.reset_index()) or "none", "text", 0),
        "crime.higher_rate_sentence": (_higher_rate_sentence(c, table, significant_higher, significant_lower),
                                       "text", 0),
    }
    if vawg_groups.empty:
        values.update({key: ("–", "text", 0) for key in ("crime.vawg_top_group", "crime.vawg_top_share",
                                                         "crime.vawg_top_ci", "crime.vawg_top_rest_share")})
        values["crime.vawg_groups_sentence"] = (phrase("crime-in-borough", "vawg_groups", "none_published"), "text", 0)
    else:
        first = vawg_groups.iloc[0]
        values.update({
            "crime.vawg_top_group": (_lower(first.name), "text", 0),
            "crime.vawg_top_share": (first["vawg_share"], "percent", 1, first["vawg"]),
            "crime.vawg_top_ci": (interval_texts([first["vawg_lower"]], [first["vawg_upper"]], [first["vawg"]],
                                                 c.threshold, 1, "%")[0], "text", 0),
            "crime.vawg_top_rest_share": (first["rest_vawg_share"], "percent", 1),
            "crime.vawg_groups_sentence": (
                phrase("crime-in-borough", "vawg_groups", "none_other") if len(vawg_groups) == 1 else "; ".join(
                    phrase("crime-in-borough", "vawg_group", "significant" if row.vawg_significant else "not_significant",
                           group=_lower(name), share=f"{row.vawg_share:.1f}%", rest_share=f"{row.rest_vawg_share:.1f}%")
                    for name, row in vawg_groups.iloc[1:].iterrows()), "text", 0),
        })
    for group, row in table.iterrows():
        key = f"crime.groups.{slug(group)}"
        values[f"{key}.share"] = (row["share"], "percent", 1, row["count"])
        values[f"{key}.london_share"] = (row["london_share"], "percent", 1)
        values[f"{key}.rate"] = (row["rate"], "number", 1, row["count"])
        values[f"{key}.london_rate"] = (row["london_rate"], "number", 1)
        values[f"{key}.vawg_share"] = (row["vawg_share"], "percent", 1, row["vawg"])
        values[f"{key}.rest_vawg_share"] = (row["rest_vawg_share"], "percent", 1)
        values[f"{key}.vawg_significance"] = (significance(row["vawg_p"]) if pd.notna(row["vawg_p"]) else "not tested",
                                             "text", 0)
    return values


def _higher_rate_sentence(c: CrimeInBorough, table: pd.DataFrame, higher: pd.DataFrame, lower: pd.DataFrame) -> str:
    """Which crime groups' rates are significantly higher (and lower) than the rest of London's."""
    if lower.empty and len(higher) == len(table[table["count"] >= c.threshold]):
        return phrase("crime-in-borough", "higher_rate", "every", borough=c.borough)
    if higher.empty:
        return phrase("crime-in-borough", "higher_rate", "none", borough=c.borough)
    if lower.empty:
        return phrase("crime-in-borough", "higher_rate", "higher", higher=_groups(higher.reset_index()))
    return phrase("crime-in-borough", "higher_rate", "higher_and_lower", higher=_groups(higher.reset_index()),
                  lower=_groups(lower.reset_index()))
