"""Chapter 3, "Who the victims are": the people the council's services see, against the borough's residents.

Two services' people of the report year are profiled with the same machinery
as the police victims (:mod:`vawg.analysis.people.group_profile`):

- the Safety Net's referrals (staged ``csn_workflows``, all referrals of the
  year whatever the gender, as the reference edition counts them): their ages
  against all residents aged 15 and over, women and men, the service's youngest
  clients (the first band, 15-17, is the reference edition's), and their ethnic
  groups against all residents at the 2021 Census (TS021). Referrals of every
  gender are compared with residents of both sexes, so the comparator matches
  the group;
- adult social care safeguarding cases of women with a VAWG abuse type
  (staged ``asc_safeguarding``, Appendix 6h flags): their ages against female
  residents aged 18 and over (safeguarding adults starts at 18).

Bands that cut across the population's five-year bands (15-17, 18-24, 18-29)
take their share of them, spread evenly over single years of age
(:func:`vawg.analysis.people.group_profile.residents_by_band`).

Artifact ids and the functions that make them:

- ``fig-csn-age-profile``         :func:`figure_csn_age_profile`         (seed Figure 15)
- ``fig-asc-age-profile``         :func:`figure_asc_age_profile`         (seed Figure 17)
- ``fig-csn-ethnicity-profile``   :func:`figure_csn_ethnicity_profile`   (seed Figure 19)
- values ``profiles.csn_*``, ``profiles.asc_*``   :func:`prose_values`

The odds ratios of the Safety Net's referrals by age band and ethnic group
(tables ``tbl-csn-age-odds``, ``tbl-csn-ethnicity-odds``) are in
:mod:`vawg.analysis.people.csn_odds`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from vawg.writing import charts
from vawg.foundations import reference
from vawg.writing.artifacts import Figure, format_value
from vawg.intake.contracts.adults import vawg_abuse_types
from vawg.intake.contracts.reference_data import ETHNIC_GROUP_LAD
from vawg.analysis.people.group_profile import (
    ETHNIC_GROUPS,
    ETHNIC_LABELS,
    Comparator,
    GroupProfile,
    Subject,
    age_groups_sentence,
    band_of,
    census_residents_by_group,
    chart_series,
    ethnicity_figure,
    residents_by_band,
    listing,
    population_year_for,
    profile_columns,
    report_year,
    verdict,
)
from vawg.analysis.people.population import load_reference_table
from vawg.analysis.denominators import load_population
from vawg.foundations.suppression import CONFIDENTIAL, is_small
from vawg.foundations.wording import join_words, phrase
from vawg.writing.supply import optional_table, staged_table

SOURCE_CSN_AGE = "Council DVA service case records (contact forms); ONS mid-year population estimates"
SOURCE_CSN_ETHNICITY = "Council DVA service case records (contact forms); ONS Census 2021, TS021 Ethnic group"
SOURCE_ASC_AGE = "Adult social care safeguarding cases (VAWG abuse types, Appendix 6h); ONS mid-year population " \
                 "estimates"
CSN_YOUNGEST = 15  # the reference edition's first band is 15-17: the service takes referrals of older teenagers
ASC_YOUNGEST = 18  # adult safeguarding
OLDER = 60         # the reference edition: "aged 60 and over make up 50% of" VAWG-linked safeguarding cases
CSN_BANDS: dict[str, tuple[int, int | None]] = {
    "15-17": (15, 17), "18-24": (18, 24), "25-29": (25, 29), "30-34": (30, 34), "35-39": (35, 39),
    "40-44": (40, 44), "45-49": (45, 49), "50-54": (50, 54), "55-59": (55, 59), "60+": (60, None)}
ASC_BANDS: dict[str, tuple[int, int | None]] = {
    "18-29": (18, 29), "30-39": (30, 39), "40-49": (40, 49), "50-59": (50, 59), "60-69": (60, 69),
    "70-79": (70, 79), "80-89": (80, 89), "90+": (90, None)}
REFERRALS, CASES = "Referrals", "Cases"
POPULATION_SOURCE = "ONS mid-year population estimates"
# Referrals of every gender: residents of both sexes. Women's safeguarding cases: female residents.
CSN_AGE_COMPARATOR = Comparator(f"all residents aged {CSN_YOUNGEST} and over", None, POPULATION_SOURCE)
CSN_ETHNICITY_COMPARATOR = Comparator("all residents at the 2021 Census", None, "ONS Census 2021, TS021 Ethnic group")
ASC_AGE_COMPARATOR = Comparator(f"female residents aged {ASC_YOUNGEST} and over", "F", POPULATION_SOURCE)


@dataclass
class ServiceProfiles:
    """The Safety Net's referrals and women's VAWG safeguarding cases of the report year, and their populations."""

    borough: str
    borough_code: str
    year: int
    population_year: int
    threshold: int
    referrals: pd.DataFrame            # CSN referrals of the year (all columns of csn_workflows) plus age_band
    cases: pd.DataFrame | None         # women's VAWG safeguarding cases of the year plus age_band; None: not delivered
    csn_residents_bands: pd.Series     # residents of both sexes in CSN_BANDS (referrals are of every gender)
    female_asc_bands: pd.Series        # female residents in ASC_BANDS (the cases are women's)
    residents_by_group: pd.Series | None

    @classmethod
    def compute(cls, staged_dir: Path | str, *, borough: str, period_end: str, threshold: int,
                reference_dir: Path | str | None = None) -> ServiceProfiles:
        staged_dir = Path(staged_dir)
        code = reference.boroughs().set_index("borough_name")["borough_code"][borough]
        year = report_year(period_end)
        referrals = staged_table(staged_dir, "csn_workflows")
        referrals = referrals[referrals["referral_date"].dt.year == year].reset_index(drop=True)
        referrals["age_band"] = referrals["age"].map(lambda age: band_of(age, CSN_BANDS))
        cases = optional_table(staged_dir, "asc_safeguarding")
        if cases is not None:
            cases = vawg_cases_of_women(cases, year)
            cases["age_band"] = cases["age"].map(lambda age: band_of(age, ASC_BANDS))
        population = load_population(staged_dir)
        population_year = population_year_for(population, year)
        groups = census_residents_by_group(load_reference_table(staged_dir, reference_dir, ETHNIC_GROUP_LAD), code)
        return cls(borough=borough, borough_code=code, year=year, population_year=population_year,
                   threshold=threshold, referrals=referrals, cases=cases,
                   csn_residents_bands=residents_by_band(population, code, population_year, CSN_BANDS, sex=None),
                   female_asc_bands=residents_by_band(population, code, population_year, ASC_BANDS, sex="F"),
                   residents_by_group=groups)

    # -- seed Figure 15 ------------------------------------------------------------
    def csn_age(self) -> GroupProfile:
        counts = self.referrals["age_band"].value_counts().reindex(list(CSN_BANDS), fill_value=0)
        return GroupProfile(counts, self.csn_residents_bands, self.threshold, comparator=CSN_AGE_COMPARATOR)

    # -- seed Figure 19 ------------------------------------------------------------
    def csn_ethnicity(self) -> GroupProfile:
        counts = self.referrals["ethnicity"].value_counts().reindex(list(ETHNIC_GROUPS), fill_value=0)
        return GroupProfile(counts, self.residents_by_group, self.threshold, ETHNIC_LABELS,
                            comparator=CSN_ETHNICITY_COMPARATOR if self.residents_by_group is not None else None)

    # -- seed Figure 17 ------------------------------------------------------------
    def asc_age(self) -> GroupProfile | None:
        if self.cases is None:
            return None
        counts = self.cases["age_band"].value_counts().reindex(list(ASC_BANDS), fill_value=0)
        return GroupProfile(counts, self.female_asc_bands, self.threshold, group_sex="F",
                            comparator=ASC_AGE_COMPARATOR)

    def asc_share_aged_over(self, age: int) -> float:
        """Percentage of the women's VAWG cases with a recorded age that were of women aged ``age`` or over."""
        ages = self.cases["age"].dropna() if self.cases is not None else pd.Series(dtype=float)
        return float((ages >= age).mean() * 100) if len(ages) else float("nan")


def vawg_cases_of_women(cases: pd.DataFrame, year: int) -> pd.DataFrame:
    """Safeguarding cases of women raised in ``year`` with at least one VAWG abuse type (Appendix 6h)."""
    flagged = set(vawg_abuse_types())
    women = cases[(cases["sex"] == "Female") & (cases["concern_date"].dt.year == year)]
    vawg = women["abuse_types"].map(lambda types: bool(set(types) & flagged))
    return women[vawg].reset_index(drop=True)


# -- figures ---------------------------------------------------------------------------

def _age_figure(analysis: ServiceProfiles, profile: GroupProfile, *, figure_id: str, people: str, what: str,
                comparator: Comparator, bands: dict, source: str, caption: str) -> Figure:
    """A service's age profile against residents of the same sex: the shared shape of Figures 15 and 17."""
    table = profile.table()
    population_name = comparator.legend
    long = chart_series(table, analysis.threshold, population_name, people)
    over, under = listing(table, "over"), listing(table, "under")
    shown = table[~table["hidden"]]
    peak = shown.sort_values("share").iloc[-1] if not shown.empty and profile.total else None
    residents = comparator.label.split(" aged ")[0]   # "female residents", "all residents"
    differ = profile.test() is not None and profile.test().significant
    title = phrase("victim-profiles", "service_age_title", "differ" if differ else "compared", people=what,
                   borough=analysis.borough, residents=residents)
    plot = charts.grouped_bar_chart(
        long, category="category", value="plotted", series="series", label="label_text", title=title,
        subtitle=charts.subtitle(phrase("victim-profiles", "age_subtitle", people=what, year=analysis.year,
                                        comparator=comparator.label, population_year=analysis.population_year)),
        value_title=f"% of {people.lower()} with a recorded age, or of {comparator.label}",
        category_order=list(bands), series_order=[people, population_name])
    first, last = list(bands)[0], list(bands)[-1]
    alt = (phrase("victim-profiles", "age_alt", "service", people=what, borough=analysis.borough, year=analysis.year,
                  comparator=comparator.label, first=first, last=last) + " "
           + (phrase("victim-profiles", "age_alt_peak", "plain", share=f"{peak['share']:.1f}%", band=peak["label"])
              + " " if peak is not None else "")
           + (phrase("victim-profiles", "alt_over", "plain", groups=join_words(over)) + " " if over else "")
           + (phrase("victim-profiles", "alt_under", groups=join_words(under)) if under else ""))
    return Figure(
        id=figure_id, plot=plot, height=6.0, caption=caption, alt=alt.strip(), source=source, data=table,
        description=phrase("victim-profiles", "service_age_description", verdict=verdict(profile.test()),
                           comparator=comparator.label, threshold=analysis.threshold, people=people.lower()),
        columns=profile_columns("Age band", people, residents.capitalize(), f"{people}' share ÷ population share"),
    )


def figure_csn_age_profile(analysis: ServiceProfiles) -> Figure:
    return _age_figure(
        analysis, analysis.csn_age(), figure_id="fig-csn-age-profile", people=REFERRALS,
        what="referrals to the council's DVA service", comparator=CSN_AGE_COMPARATOR, bands=CSN_BANDS,
        source=SOURCE_CSN_AGE,
        caption=phrase("victim-profiles", "csn_age_caption", borough=analysis.borough, year=analysis.year,
                       comparator=CSN_AGE_COMPARATOR.label))


def figure_asc_age_profile(analysis: ServiceProfiles) -> Figure:
    profile = analysis.asc_age()
    if profile is None:
        profile = GroupProfile(pd.Series(0, index=list(ASC_BANDS)), None, analysis.threshold, group_sex="F")
    return _age_figure(
        analysis, profile, figure_id="fig-asc-age-profile", people=CASES,
        what="women's VAWG safeguarding cases", comparator=ASC_AGE_COMPARATOR, bands=ASC_BANDS,
        source=SOURCE_ASC_AGE,
        caption=phrase("victim-profiles", "asc_age_caption", borough=analysis.borough, year=analysis.year,
                       comparator=ASC_AGE_COMPARATOR.label))


CSN_REFERRALS = Subject(series=REFERRALS, people="referrals to the council's DVA service", short="referrals",
                        members="people")


def figure_csn_ethnicity_profile(analysis: ServiceProfiles) -> Figure:
    profile = analysis.csn_ethnicity()
    return ethnicity_figure(
        figure_id="fig-csn-ethnicity-profile", subject=CSN_REFERRALS, table=profile.table(), test=profile.test(),
        comparator=profile.comparator, borough=analysis.borough, year=analysis.year,
        threshold=analysis.threshold, source=SOURCE_CSN_ETHNICITY,
        columns=profile_columns("Ethnic group", REFERRALS, "Residents", "Referrals' share ÷ population share"),
        missing=phrase("victim-profiles", "csn_no_census", "figure"))


# -- prose values -------------------------------------------------------------------------

def _percent(part: float, whole: float) -> float:
    return part / whole * 100 if whole else float("nan")


def _ethnicity_sentence(analysis: ServiceProfiles, profile: GroupProfile) -> str:
    if analysis.residents_by_group is None:
        return phrase("victim-profiles", "csn_no_census", "sentence")
    table = profile.table()
    over, under = listing(table, "over"), listing(table, "under")
    findings = []
    if over:
        findings.append(phrase("victim-profiles", "csn_ethnicity_over", groups=join_words(over)))
    if under:
        findings.append(phrase("victim-profiles", "csn_ethnicity_under", groups=join_words(under)))
    finding = ("; ".join(findings) + ".") if findings else phrase("victim-profiles", "csn_ethnicity_none")
    return phrase("victim-profiles", "csn_ethnicity", comparator=CSN_ETHNICITY_COMPARATOR.label,
                  verdict=verdict(profile.test()), finding=finding)


def _recorded(recorded: int, total: int, threshold: int) -> tuple:
    """How many had a value recorded: hidden when the published total would reveal a small number not recorded."""
    if is_small(total - recorded, threshold):
        return CONFIDENTIAL, "text", 0
    return recorded, "count", 0


def prose_values(analysis: ServiceProfiles) -> dict[str, tuple]:
    """Every number and data-driven sentence the section quotes about services: ``{key: (value, kind, decimals[, basis])}``."""
    a = analysis
    referrals = a.referrals
    total = len(referrals)
    women = int((referrals["gender"] == "Woman").sum())
    age, ethnicity = a.csn_age(), a.csn_ethnicity()
    age_table, ethnicity_table = age.table(), ethnicity.table().set_index("group")
    older = age_table.set_index("group").loc["60+"]
    white = ethnicity_table.loc["White"]
    values: dict[str, tuple] = {
        "profiles.csn_referrals": (total, "count", 0),
        "profiles.csn_women_share": (_percent(women, total), "percent", 1, min(women, total - women) or None),
        "profiles.csn_youngest": (f"age {CSN_YOUNGEST}", "text", 0),
        "profiles.csn_age_recorded": _recorded(age.total, total, a.threshold),
        "profiles.csn_age_verdict": (verdict(age.test()), "text", 0),
        "profiles.csn_age_groups_sentence": (
            age_groups_sentence(age_table, "referrals", "referrals", CSN_AGE_COMPARATOR), "text", 0),
        "profiles.csn_older_age": (f"{OLDER} and over", "text", 0),
        "profiles.csn_aged_60_plus_share": (older["share"], "percent", 1, older["basis"]),
        "profiles.csn_residents_60_plus_share": (older["population_share"], "percent", 1),
        "profiles.csn_ethnicity_recorded": _recorded(ethnicity.total, total, a.threshold),
        "profiles.csn_ethnicity_not_recorded_share": (_percent(total - ethnicity.total, total), "percent", 1,
                                                      total - ethnicity.total),
        "profiles.csn_white_share_of_all": (_percent(white["people"], total), "percent", 1, white["basis"]),
        "profiles.csn_white_share": (white["share"], "percent", 1, white["basis"]),
        "profiles.csn_residents_white_share": (white["population_share"], "percent", 1),
        # The comparison clause the prose ends on, empty without the Census table (never "against – of").
        "profiles.csn_residents_white_comparison": (_residents_clause(white["population_share"]), "text", 0),
        "profiles.csn_residents_white_comparison_census": (
            _residents_clause(white["population_share"], census=True), "text", 0),
        "profiles.csn_ethnicity_sentence": (_ethnicity_sentence(a, ethnicity), "text", 0),
        "profiles.asc_youngest": (f"age {ASC_YOUNGEST}", "text", 0),
        "profiles.asc_older_age": (f"{OLDER} and over", "text", 0),
    }
    asc = a.asc_age()
    if asc is None:
        values["profiles.asc_sentence"] = (phrase("victim-profiles", "asc_not_delivered"), "text", 0)
        return values
    asc_table = asc.table()
    recorded = asc.total
    aged = a.cases["age"].dropna()
    older_cases = int((aged >= OLDER).sum())
    residents = a.female_asc_bands
    older_residents = residents[[band for band, (low, _) in ASC_BANDS.items() if low >= OLDER]].sum()
    values.update({
        "profiles.asc_vawg_cases": (len(a.cases), "count", 0),
        "profiles.asc_age_recorded": _recorded(recorded, len(a.cases), a.threshold),
        "profiles.asc_aged_60_plus_share": (a.asc_share_aged_over(OLDER), "percent", 1,
                                            min(older_cases, len(aged) - older_cases) or None),
        "profiles.asc_residents_60_plus_share": (_percent(older_residents, residents.sum()), "percent", 1),
        "profiles.asc_age_verdict": (verdict(asc.test()), "text", 0),
        "profiles.asc_age_groups_sentence": (
            age_groups_sentence(asc_table, "women", "cases", ASC_AGE_COMPARATOR), "text", 0),
        "profiles.asc_sentence": ("", "text", 0),
    })
    return values


def _residents_clause(share: float, census: bool = False) -> str:
    """", against 39.2% of residents" (and "at the 2021 Census"), or nothing when the residents' share is unknown."""
    if share is None or pd.isna(share):
        return ""
    return phrase("victim-profiles", "csn_residents_white", "census" if census else "plain",
                  share=format_value(share, "percent", decimals=1, threshold=1))
