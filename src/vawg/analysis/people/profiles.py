"""Chapter 3, "Who the victims are": Figures 16 and 18 and the section's prose values.

Female police VAWG victims of the report year are set against female residents:
their ages against female residents aged 10 and over (the police count VAWG
victims from age 10), tested as a whole with a chi-square goodness-of-fit test
and, group by group, an exact binomial test with Holm-adjusted p-values
(:mod:`vawg.foundations.stats`). The open Census 2021 ethnic group table (TS021) counts
residents of both sexes, and no count of female residents by ethnic group is in
the open data, so the five ethnic groups are shown without a comparator; the one
female figure published (ONS RM032: the share of female residents outside the
White groups, ``published_comparators.csv``) is tested against the victims'
share outside the White groups with an exact binomial test, where it is held. The
profile machinery is shared with the council's services' profiles
(:mod:`vawg.analysis.people.group_profile`, used by :mod:`vawg.analysis.people.service_profiles`).

Artifact ids and the functions that make them:

- ``fig-victim-age-profile``         :func:`figure_victim_age_profile`         (seed Figure 16)
- ``fig-victim-ethnicity-profile``   :func:`figure_victim_ethnicity_profile`   (seed Figure 18)
- values ``profiles.*``              :func:`prose_values`

Small numbers: a group with 1 to 6 victims shows "<7", everything built on it
"[c]", and its bar is not drawn; when exactly one group is hidden, the next
smallest is hidden too, since the total is published.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from vawg.writing import charts
from vawg.foundations import reference
from vawg.writing.artifacts import Column, Figure, format_value
from vawg.foundations.errors import DataError
from vawg.analysis.people.group_profile import (
    ETHNIC_GROUPS,
    ETHNIC_LABELS,
    Comparator,
    GroupProfile,
    Subject,
    age_groups_sentence,
    chart_series,
    ethnicity_figure,
    listing,
    population_year_for,
    profile_columns,
    report_year,
)
from vawg.analysis.people.group_profile import population_share as _population_share
from vawg.analysis.people.group_profile import verdict as _verdict
from vawg.analysis.people.population import Population
from vawg.analysis.denominators import load_population
from vawg.foundations.stats.profiles import GoodnessOfFit, group_proportion_tests
from vawg.writing.supply import optional_table
from vawg.foundations.suppression import is_small
from vawg.foundations.wording import join_words, phrase

SOURCE_AGE = "Metropolitan Police Service VAWG victims; ONS mid-year population estimates"
SOURCE_ETHNICITY = "Metropolitan Police Service VAWG victims"
YOUNGEST = 10  # the police count victims of VAWG offences from age 10
YOUNG_ADULTS = (18, 34)  # the reference edition: "aged between 18 and 34 ... around half of all recorded victims"
AGE_BANDS = ("10-14", "15-19", "20-24", "25-29", "30-34", "35-39", "40-44", "45-49", "50-54", "55-59", "60+")
SERIES = ("Victims", "Residents")
AGE_COMPARATOR = Comparator(f"female residents aged {YOUNGEST} and over", "F", "ONS mid-year population estimates")
MINORITY_GROUPS = ("Black", "Asian", "Mixed", "Other")


def age_band(age: float) -> str | None:
    """The profile band of an age (10-14 … 55-59, 60+); None under 10 or when unknown."""
    if pd.isna(age) or age < YOUNGEST:
        return None
    return "60+" if age >= 60 else f"{int(age) // 5 * 5}-{int(age) // 5 * 5 + 4}"


def population_band(band: str) -> str:
    """The profile band a population band (0-4 … 90+) falls in."""
    start = int(band.rstrip("+").split("-")[0])
    return "60+" if start >= 60 else band


@dataclass
class VictimProfiles:
    """Female police VAWG victims of the report year in the borough, and the populations they are set against."""

    borough: str
    borough_code: str
    year: int
    population_year: int
    threshold: int
    victims: pd.DataFrame                    # victim_age, victim_ethnicity (female victims, borough, year)
    female_by_band: pd.Series                # female residents by profile band (aged 10+)
    # Published share of female residents outside the White groups (Census 2021 RM032), and its source
    female_minority_share: float | None = None
    female_minority_source: str = ""

    @classmethod
    def compute(cls, staged_dir: Path | str, *, borough: str, period_end: str, threshold: int,
                reference_dir: Path | str | None = None) -> "VictimProfiles":
        boroughs = reference.boroughs().set_index("borough_name")["borough_code"]
        code = boroughs[borough]
        year = report_year(period_end)
        victims = optional_table(staged_dir, "police_victims", ["recorded_date", "borough_code", "victim_sex",
                                                                 "victim_age", "victim_ethnicity"])
        if victims is None:
            raise DataError("police_victims: the police victims extract (police_victims/) was not delivered")
        victims = victims[(victims["borough_code"] == code) & (victims["victim_sex"] == "F")
                          & (victims["recorded_date"].dt.year == year)]
        population = load_population(staged_dir)
        population_year = population_year_for(population, year)
        female = population[(population["area_code"] == code) & (population["sex"] == "F")
                            & (population["year"] == population_year)]
        female = female[female["age_band"].map(lambda band: int(band.rstrip("+").split("-")[0]) >= YOUNGEST)]
        by_band = female.groupby(female["age_band"].map(population_band))["population"].sum()
        published = Population(borough=borough, borough_code=code, year=population_year, threshold=threshold,
                               estimates=female).published("ethnic_minority_female", "borough")
        return cls(borough=borough, borough_code=code, year=year, population_year=population_year,
                   threshold=threshold, victims=victims[["victim_age", "victim_ethnicity"]].reset_index(drop=True),
                   female_by_band=by_band.reindex(AGE_BANDS, fill_value=0),
                   female_minority_share=published.value, female_minority_source=published.source)

    # -- building blocks -------------------------------------------------------
    @property
    def total(self) -> int:
        return len(self.victims)

    def age_counts(self) -> pd.Series:
        bands = self.victims["victim_age"].map(age_band)
        return bands.value_counts().reindex(AGE_BANDS, fill_value=0)

    def ethnicity_counts(self) -> pd.Series:
        return self.victims["victim_ethnicity"].value_counts().reindex(ETHNIC_GROUPS, fill_value=0)

    def age_recorded(self) -> int:
        return int(self.age_counts().sum())

    def ethnicity_recorded(self) -> int:
        return int(self.ethnicity_counts().sum())

    def share_aged(self, low: int, high: int) -> float:
        """Percentage of victims with a recorded age who were aged ``low`` to ``high``."""
        ages = self.victims["victim_age"].dropna()
        ages = ages[ages >= YOUNGEST]
        return float(ages.between(low, high).mean() * 100) if len(ages) else float("nan")

    def _profile(self, counts: pd.Series, population: pd.Series | None, labels: dict[str, str],
                 comparator: Comparator | None) -> pd.DataFrame:
        """One row per group: victims, their share, the population's share and the per-group test."""
        table = GroupProfile(counts, population, self.threshold, labels, group_sex="F", comparator=comparator).table()
        return table.assign(victims=table["people"], victims_text=table["people_text"])

# -- seed Figure 16 -------------------------------------------------------------
    def age_profile(self) -> pd.DataFrame:
        return self._profile(self.age_counts(), self.female_by_band, {}, AGE_COMPARATOR)

    def age_test(self) -> GoodnessOfFit | None:
        return GroupProfile(self.age_counts(), self.female_by_band, self.threshold, group_sex="F",
                            comparator=AGE_COMPARATOR).test()

    # -- seed Figure 18 -------------------------------------------------------------
    def ethnicity_profile(self) -> pd.DataFrame:
        return self._profile(self.ethnicity_counts(), None, ETHNIC_LABELS, None)

    def ethnicity_test(self) -> GoodnessOfFit | None:
        """No five-group test: the open data hold no female residents by ethnic group (see the module note)."""
        return None

    def minority_test(self) -> pd.Series | None:
        """Victims outside the White groups (of those with a recorded group) against the published share of female
        residents outside them: one exact binomial test (two complementary groups, so no adjustment).

        None when the borough has no published figure or no victim's group was recorded.
        """
        counts = self.ethnicity_counts()
        if self.female_minority_share is None or not counts.sum():
            return None
        observed = pd.Series({"White": counts["White"], "minority": counts[list(MINORITY_GROUPS)].sum()})
        expected = pd.Series({"White": 100 - self.female_minority_share, "minority": self.female_minority_share})
        return group_proportion_tests(observed, expected).loc["minority"]


# -- artifacts -----------------------------------------------------------------------

def _long(profile: pd.DataFrame, threshold: int, population_name: str) -> pd.DataFrame:
    """The profile as two series for the chart: victims' shares (hidden when small) and the population's."""
    return chart_series(profile, threshold, population_name, SERIES[0])


def _columns(group_header: str, population_header: str) -> list[Column]:
    return profile_columns(group_header, "Victims", population_header, "Victims' share ÷ population share")


_listing = listing


def figure_victim_age_profile(analysis: VictimProfiles) -> Figure:
    profile = analysis.age_profile()
    test = analysis.age_test()
    population_name = AGE_COMPARATOR.legend
    long = _long(profile, analysis.threshold, population_name)
    over, under = _listing(profile, "over"), _listing(profile, "under")
    peak = profile[~profile["hidden"]].sort_values("share").iloc[-1] if (~profile["hidden"]).any() else None
    younger = analysis.share_aged(YOUNGEST, 34) > _population_share(profile, AGE_BANDS[:5])
    title = phrase("victim-profiles", "victims_age_title", "younger" if younger else "compared", borough=analysis.borough)
    plot = charts.grouped_bar_chart(
        long, category="category", value="plotted", series="series", label="label_text", title=title,
        subtitle=charts.subtitle(phrase("victim-profiles", "age_subtitle", people=VICTIMS.people, year=analysis.year,
                                        comparator=AGE_COMPARATOR.label, population_year=analysis.population_year)),
        value_title=f"% of victims with a recorded age, or of {AGE_COMPARATOR.label}",
        category_order=list(AGE_BANDS), series_order=[SERIES[0], population_name])
    alt = (phrase("victim-profiles", "age_alt", "victims", people=VICTIMS.people, borough=analysis.borough,
                  year=analysis.year, comparator=AGE_COMPARATOR.label) + " "
           + (phrase("victim-profiles", "age_alt_peak", "of_victims", share=f"{peak['share']:.1f}%", band=peak["label"])
              + " " if peak is not None else "")
           + (phrase("victim-profiles", "alt_over", "among_victims", groups=join_words(over)) + " " if over else "")
           + (phrase("victim-profiles", "alt_under", groups=join_words(under)) if under else ""))
    return Figure(
        id="fig-victim-age-profile", plot=plot, height=6.0,
        caption=phrase("victim-profiles", "victims_age_caption", people=VICTIMS.people, borough=analysis.borough,
                       year=analysis.year, comparator=AGE_COMPARATOR.label),
        alt=alt.strip(), source=SOURCE_AGE, data=profile,
        description=phrase("victim-profiles", "victims_age_description", verdict=_verdict(test),
                           comparator=AGE_COMPARATOR.label, threshold=analysis.threshold),
        columns=_columns("Age band", "Female residents"),
    )


VICTIMS = Subject(series=SERIES[0], people="female victims of VAWG offences", short="victims",
                  members="women and girls")


def figure_victim_ethnicity_profile(analysis: VictimProfiles) -> Figure:
    minority = _minority_sentence(analysis)
    return ethnicity_figure(
        figure_id="fig-victim-ethnicity-profile", subject=VICTIMS, table=analysis.ethnicity_profile(),
        test=None, comparator=None, borough=analysis.borough,
        year=analysis.year, threshold=analysis.threshold, source=SOURCE_ETHNICITY,
        columns=_columns("Ethnic group", "Residents")[:3] + [_columns("Ethnic group", "Residents")[-1]],
        missing=phrase("victim-profiles", "no_ethnic_comparator") + (f" {minority}" if minority else ""))


def _text(analysis: VictimProfiles, value: float, kind: str = "percent", decimals: int = 1,
          basis: float | None = None) -> str:
    return format_value(value, kind, decimals=decimals, threshold=analysis.threshold, basis=basis)


def prose_values(analysis: VictimProfiles) -> dict[str, tuple]:
    """Every number and data-driven sentence the section quotes: ``{key: (value, kind, decimals[, basis])}``."""
    a = analysis
    age, ethnicity = a.age_profile(), a.ethnicity_profile()
    age_test, ethnicity_test = a.age_test(), a.ethnicity_test()
    recorded = a.age_recorded()
    values: dict[str, tuple] = {
        "profiles.year": (str(a.year), "text", 0),
        "profiles.population_year": (str(a.population_year), "text", 0),
        "profiles.victims": (a.total, "count", 0),
        "profiles.age_recorded": (recorded, "count", 0),
        "profiles.age_18_34_share": (a.share_aged(*YOUNG_ADULTS), "percent", 1, recorded),
        "profiles.young_adult_ages": (f"aged {YOUNG_ADULTS[0]} to {YOUNG_ADULTS[1]}", "text", 0),
        "profiles.youngest_age": (f"age {YOUNGEST}", "text", 0),
        "profiles.age_verdict": (_verdict(age_test), "text", 0),
        "profiles.age_groups_sentence": (age_groups_sentence(age, "victims", "victims", AGE_COMPARATOR), "text", 0),
        "profiles.ethnicity_recorded": (a.ethnicity_recorded(), "count", 0),
        "profiles.ethnicity_not_recorded_share": (
            (a.total - a.ethnicity_recorded()) / a.total * 100 if a.total else float("nan"), "percent", 1,
            a.total - a.ethnicity_recorded()),
        "profiles.ethnicity_sentence": (_ethnicity_sentence(a, ethnicity, ethnicity_test), "text", 0),
    }
    white = ethnicity.set_index("group").loc["White"]
    values["profiles.white_share"] = (white["share"], "percent", 1, white["basis"])
    values["profiles.white_share_of_all"] = (white["victims"] / a.total * 100 if a.total else float("nan"),
                                             "percent", 1, white["basis"])
    return values


def _minority_sentence(a: VictimProfiles) -> str:
    """The victims outside the White groups against the published share of female residents outside them."""
    test = a.minority_test()
    if test is None:
        return ""
    white, minority = int(test["total"] - test["observed"]), int(test["observed"])
    if is_small(white, a.threshold) or is_small(minority, a.threshold):
        return phrase("victim-profiles", "minority", "hidden", borough=a.borough, source=a.female_minority_source)
    direction = test["direction"]
    verdict = phrase("victim-profiles", "minority_verdict",
                     "over" if direction == "over" else "under" if direction == "under" else "same")
    p = "p < 0.001" if test["p_value"] < 0.001 else f"p = {test['p_value']:.3f}"
    return phrase("victim-profiles", "minority", "tested", share=_text(a, test["share"], basis=minority),
                  verdict=verdict, expected=_text(a, test["expected_share"]), borough=a.borough,
                  source=a.female_minority_source, p=p)


def _ethnicity_sentence(a: VictimProfiles, profile: pd.DataFrame, test: GoodnessOfFit | None) -> str:
    white = profile.set_index("group").loc["White"]
    of_all = white["victims"] / a.total * 100 if a.total else float("nan")
    shown = "" if white["hidden"] else phrase(
        "victim-profiles", "victims_white", of_all=_text(a, of_all, basis=white["basis"]),
        share=_text(a, white["share"], basis=white["basis"])) + " "
    minority = _minority_sentence(a)
    caveat = " " + phrase("victim-profiles", "ethnicity_caveat") if minority else ""
    return shown + phrase("victim-profiles", "no_ethnic_comparator") + (f" {minority}" if minority else "") + caveat
