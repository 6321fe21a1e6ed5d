"""The profile of a group of people against a population: shared by every "who the victims are" figure.

A group of people (police victims, a service's referrals or safeguarding
cases) is split into categories (age bands, ethnic groups) and set against the
same categories of a population of the same sex (a :class:`Comparator`: female
residents for female victims, all residents for referrals of any gender). The
whole profile gets a chi-square goodness-of-fit test; each category an exact
binomial test of its share, with Holm-adjusted p-values (:mod:`vawg.foundations.stats`).
A profile refuses a comparator of another sex; where the open data hold no
population of the group's sex, the profile is shown alone and says so.

- :class:`Comparator`              the population a profile is set against, named as the charts name it
- :class:`GroupProfile`            counts against a population: the table, the test, the chart series
- :func:`residents_by_band`        residents of one sex (or both) in any age bands, from five-year population bands
- :func:`census_residents_by_group` Census 2021 residents in the five broad ethnic groups
- :func:`profile_columns`          the published columns of a profile's data
- :func:`verdict`                  the chi-square result in words
- :func:`ethnicity_figure`         the ethnic-group chart of any profile against Census residents

Small numbers: a category with 1 to 6 people shows "<7", everything built on
it "[c]", and its bar is not drawn; when exactly one category is hidden, the
next smallest is hidden too, since the total is published.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from vawg.foundations.periods import report_year as report_year  # re-exported: sections import it from here
from vawg.writing import charts
from vawg.writing.artifacts import Column, Figure, format_value
from vawg.foundations.errors import DataError
from vawg.analysis.denominators import estimate_years
from vawg.foundations.stats.profiles import GoodnessOfFit, chi_square_goodness_of_fit, group_proportion_tests
from vawg.foundations.suppression import CONFIDENTIAL, chart_values, is_small, secondary_suppression
from vawg.foundations.wording import join_words, phrase

ADJUST = "holm"
ETHNIC_GROUPS = ("White", "Black", "Asian", "Mixed", "Other")
ETHNIC_LABELS = {"White": "White", "Black": "Black, Black British, Caribbean or African",
                 "Asian": "Asian or Asian British", "Mixed": "Mixed or multiple ethnic groups",
                 "Other": "Other ethnic group"}
# Census 2021 TS021 (20 categories) codes of each broad group; -8 ("does not apply") holds no one.
CENSUS_GROUPS = {"Asian": range(1, 6), "Black": range(6, 9), "Mixed": range(9, 13), "White": range(13, 18),
                 "Other": range(18, 20)}
OLDEST = 100  # single years of age a five-year population band is spread over; "90+" is taken as 90 to 99
POPULATION_SERIES = "population"


def band_of(age: float, bands: dict[str, tuple[int, int | None]]) -> str | None:
    """The band (``{name: (first age, last age or None for open)}``) an age falls in; None outside them."""
    if pd.isna(age):
        return None
    for name, (low, high) in bands.items():
        if age >= low and (high is None or age <= high):
            return name
    return None


def population_year_for(population: pd.DataFrame, year: int) -> int:
    """As for rates: the same year's mid-year estimate, or the latest earlier one."""
    try:
        return estimate_years(population, [year])[year]
    except ValueError as error:
        raise DataError(str(error)) from None


SEXES = {"F": "female", None: "all"}   # a group's or a population's sex: female, or everyone


@dataclass(frozen=True)
class Comparator:
    """The population a profile is set against: who it is (``label``, as titles and notes print it, e.g. "female
    residents aged 10 and over"), its sex (``"F"``, or None for residents of both sexes) and its source."""

    label: str
    sex: str | None
    source: str

    def __post_init__(self):
        if self.sex not in SEXES:
            raise ValueError(f"a comparator's sex is 'F' or None, not {self.sex!r}")
        if (self.sex == "F") != self.label.startswith("female "):
            raise ValueError(f"comparator {self.label!r} does not name its sex ({SEXES[self.sex]} residents)")

    @property
    def legend(self) -> str:
        return self.label[0].upper() + self.label[1:]


def residents_by_band(population: pd.DataFrame, area_code: str, year: int,
                      bands: dict[str, tuple[int, int | None]], *, sex: str | None) -> pd.Series:
    """Residents of ``area_code`` at mid-``year`` in each band: female (``sex="F"``) or of both sexes (None).

    The estimates come in five-year bands (0-4 … 85-89, 90+). A band that
    starts or ends inside one (16-17, 18-24) takes its share of it, spreading
    each five-year band evenly over its single years of age: an estimate,
    close when the ages within a band are near even.
    """
    people = population[(population["area_code"] == area_code) & (population["year"] == year)]
    if sex is not None:
        people = people[people["sex"] == sex]
    by_age = pd.Series(0.0, index=range(OLDEST))
    for band, residents in people.groupby("age_band")["population"].sum().items():
        low = int(str(band).rstrip("+").split("-")[0])
        high = OLDEST - 1 if str(band).endswith("+") else int(str(band).split("-")[1])
        by_age.loc[low:high] += residents / (high - low + 1)
    return pd.Series({name: by_age.loc[low:(OLDEST - 1 if high is None else high)].sum()
                      for name, (low, high) in bands.items()})


def census_residents_by_group(census: pd.DataFrame | None, area_code: str) -> pd.Series | None:
    """Census 2021 residents of ``area_code`` in the five broad ethnic groups (None without the table)."""
    if census is None:
        return None
    census = census[census["area_code"] == area_code]
    return pd.Series({group: census.loc[census["ethnic_group_code"].isin(codes), "residents"].sum()
                      for group, codes in CENSUS_GROUPS.items()}).reindex(ETHNIC_GROUPS)


@dataclass
class GroupProfile:
    """People in each category, against the population of the same categories (None: not compared).

    ``group_sex`` is the sex of the people counted ("F", or None for any); a ``comparator`` describes the
    population and must be of the same sex, so female victims are never set against residents of both sexes.
    """

    counts: pd.Series
    population: pd.Series | None
    threshold: int
    labels: dict[str, str] = field(default_factory=dict)
    group_sex: str | None = None
    comparator: Comparator | None = None

    def __post_init__(self):
        if self.population is not None:
            if self.comparator is None:
                raise ValueError("a profile compared with a population must name it (a Comparator)")
            if self.comparator.sex != self.group_sex:
                raise ValueError(f"{SEXES[self.group_sex]} people cannot be compared with {self.comparator.label}")

    @property
    def total(self) -> int:
        return int(self.counts.sum())

    def test(self) -> GoodnessOfFit | None:
        """Chi-square goodness of fit of the whole profile; None when there is nothing to compare."""
        if self.population is None or not self.total:
            return None
        return chi_square_goodness_of_fit(self.counts, self.population)

    def table(self) -> pd.DataFrame:
        """One row per category: people, their share, the population's share and the per-category test."""
        counts, threshold = self.counts, self.threshold
        hidden = secondary_suppression(counts, threshold)
        frame = pd.DataFrame({"group": counts.index, "label": [self.labels.get(g, g) for g in counts.index],
                              "people": counts.to_numpy(), "hidden": hidden.to_numpy()})
        total = counts.sum()
        frame["share"] = counts.to_numpy() / total * 100 if total else np.nan
        # What a derived value rests on: the count, or 1 (hidden) when the category is suppressed secondarily.
        frame["basis"] = np.where(frame["hidden"] & ~frame["people"].map(lambda n: is_small(n, threshold)),
                                  1, frame["people"])
        frame["people_text"] = [CONFIDENTIAL if h and not is_small(n, threshold) else
                                format_value(n, "count", threshold=threshold)
                                for n, h in zip(frame["people"], frame["hidden"])]
        if self.population is None or total == 0:
            for column in ("population", "population_share", "ratio", "p_value", "lower", "upper"):
                frame[column] = np.nan
            frame["significant"], frame["direction"] = False, "not tested"
        else:
            tests = group_proportion_tests(counts, self.population, adjust=ADJUST).reindex(counts.index)
            frame["population"] = self.population.reindex(counts.index).to_numpy()
            frame["population_share"] = tests["expected_share"].to_numpy()
            for column in ("ratio", "p_value", "lower", "upper", "significant", "direction"):
                frame[column] = tests[column].to_numpy()
        frame["finding"] = [finding(row) for row in frame.itertuples()]
        return frame


def finding(row) -> str:
    if row.hidden:
        return CONFIDENTIAL
    return {"over": "Over-represented", "under": "Under-represented", "as expected": "No significant difference",
            "not tested": "Not tested"}[row.direction]


def listing(profile: pd.DataFrame, direction: str) -> list[str]:
    """Labels of the published categories found over- or under-represented."""
    rows = profile[(profile["direction"] == direction) & ~profile["hidden"]]
    return rows["label"].tolist()


def chart_series(profile: pd.DataFrame, threshold: int, population_name: str,
                 people_name: str = "Victims") -> pd.DataFrame:
    """The profile as two series for a grouped bar chart: the people's shares (hidden when small) and the population's."""
    people = profile.assign(series=people_name, value=profile["share"], count=profile["basis"])
    residents = profile.assign(series=POPULATION_SERIES, value=profile["population_share"], count=np.nan)
    long = pd.concat([people, residents], ignore_index=True)
    long["plotted"], long["label_text"] = chart_values(long["value"], long["count"], threshold, "{:.1f}%")
    starred = (long["series"] == people_name) & long["significant"].astype(bool) & ~long["hidden"]
    long.loc[starred, "label_text"] = long.loc[starred, "label_text"] + "*"
    long.loc[long["value"].isna(), "label_text"] = ""
    long["series"] = long["series"].replace({POPULATION_SERIES: population_name})
    long["category"] = long["group"]  # short names on the chart; the data table has the full ones
    return long


def profile_columns(group_header: str, people_header: str, population_header: str,
                    ratio_header: str) -> list[Column]:
    """Published columns of a profile's data: people and population side by side, the test and the finding."""
    return [
        Column(group_header, "label", "text"),
        Column(people_header, "people_text", "text"),
        Column(f"% of {people_header.lower()}", "share", "percent", 1, basis="basis"),
        Column(population_header, "population", "count"),
        Column(f"% of {population_header.lower()}", "population_share", "percent", 1),
        Column(ratio_header, "ratio", "number", 2, basis="basis"),
        Column("p-value (exact binomial, Holm-adjusted)", "p_value", "pvalue", 3, basis="basis"),
        Column("Finding", "finding", "text"),
    ]


def verdict(test: GoodnessOfFit | None) -> str:
    """"differs significantly from the population's (chi-square = …, k degrees of freedom, p …)"."""
    if test is None:
        return phrase("victim-profiles", "verdict", "not_tested")
    p = "p < 0.001" if test.p_value < 0.001 else f"p = {test.p_value:.3f}"
    return phrase("victim-profiles", "verdict", "differs" if test.significant else "same",
                  statistic=f"{test.statistic:,.1f}", dof=test.dof, p=p)


def population_share(profile: pd.DataFrame, groups) -> float:
    return float(profile.loc[profile["group"].isin(groups), "population_share"].sum())


@dataclass(frozen=True)
class Subject:
    """Who a profile counts, in the words its chart uses."""

    series: str   # legend and table header, e.g. "Victims"
    people: str   # e.g. "female victims of VAWG offences"
    short: str    # plural noun for "% of …", e.g. "victims"
    members: str  # who is over-represented, e.g. "women and girls"


def ethnicity_figure(*, figure_id: str, subject: Subject, table: pd.DataFrame, test: GoodnessOfFit | None,
                     comparator: Comparator | None, borough: str, year: int, threshold: int, source: str,
                     columns: list[Column], missing: str = "") -> Figure:
    """A profile's ethnic groups beside its comparator's (or alone, saying why in ``missing``, without one)."""
    compared = comparator is not None
    legend = comparator.legend if compared else ""
    long = chart_series(table, threshold, legend, subject.series)
    if not compared:
        long = long[long["series"] == subject.series]
    over, under = listing(table, "over"), listing(table, "under")
    over_groups = table.loc[(table["direction"] == "over") & ~table["hidden"], "group"].tolist()
    people, against = {"people": subject.people}, {"comparator": comparator.label} if compared else {}
    if compared and over_groups:
        title = phrase("victim-profiles", "ethnicity_title", "over", groups=join_words(over_groups),
                       members=subject.members, borough=borough, **people)
    else:
        title = phrase("victim-profiles", "ethnicity_title", "none" if compared else "alone", borough=borough, **people)
    subtitle = phrase("victim-profiles", "ethnicity_subtitle", "compared" if compared else "alone", year=year,
                      **people, **against)
    plot = charts.grouped_bar_chart(
        long, category="category", value="plotted", series="series", label="label_text", title=title,
        subtitle=charts.subtitle(subtitle),
        value_title=f"% of {subject.short} with a recorded ethnic group" + (f", or of {comparator.label}"
                                                                            if compared else ""),
        category_order=list(ETHNIC_GROUPS),
        series_order=[subject.series, legend] if compared else [subject.series])
    white = table.set_index("group").loc["White"]
    shares = {"population_share": f"{white['population_share']:.1f}%"} if compared else {}
    alt = (phrase("victim-profiles", "ethnicity_alt", "compared" if compared else "alone", year=year, borough=borough,
                  **people, **against) + " "
           + (phrase("victim-profiles", "ethnicity_alt_white", "compared" if compared else "alone",
                     share=f"{white['share']:.1f}%", short=subject.short, **shares, **against) + " "
              if not white["hidden"] else "")
           + (phrase("victim-profiles", "alt_over", "plain", groups=join_words(over)) + " " if over else "")
           + (phrase("victim-profiles", "alt_under", groups=join_words(under)) + " " if under else "")
           + ("" if compared else missing))
    description = (phrase("victim-profiles", "ethnicity_description", short=subject.short, verdict=verdict(test),
                          **against) + " " if compared else (f"{missing} " if missing else "")) \
        + phrase("victim-profiles", "ethnicity_not_shown", threshold=threshold, short=subject.short)
    return Figure(
        id=figure_id, plot=plot, height=5.0,
        caption=phrase("victim-profiles", "ethnicity_caption", "compared" if compared else "alone", borough=borough,
                       year=year, **people, **against),
        alt=alt.strip(), source=source if compared else source.split(";")[0], data=table,
        description=description, columns=columns,
    )


def age_groups_sentence(table: pd.DataFrame, subject: str, people: str, comparator: Comparator) -> str:
    """Which age bands are over- and under-represented against the comparator ("" when not tested)."""
    if table["direction"].eq("not tested").all():
        return ""
    over, under = listing(table, "over"), listing(table, "under")
    if not over and not under:
        return phrase("victim-profiles", "age_groups", "none", people=people, comparator=comparator.label)
    parts = []
    if over:
        parts.append(phrase("victim-profiles", "age_groups_over", subject=subject, bands=join_words(over)))
    if under:
        parts.append(phrase("victim-profiles", "age_groups_under", "after_over", bands=join_words(under)) if over else
                     phrase("victim-profiles", "age_groups_under", "alone", subject=subject, bands=join_words(under)))
    return phrase("victim-profiles", "age_groups", "found", comparator=comparator.label, findings=" and ".join(parts))
