"""Chapter 3, housing: domestic violence and abuse (DVA) in housing register and homelessness applications.

Two council extracts (DS-13, DS-14), one row per application:

- the housing register (Part 6 of the Housing Act 1996), where an applicant may be
  awarded points for domestic violence and abuse under the allocations scheme;
- homelessness applications (Part 7), where domestic abuse was long recorded only
  as the main reason for the loss of the last settled home (the older measure) and
  is now also recorded as a support need (victim or at risk) and as identified
  through the assessment (the newer flags).

Changes between the first year of the series and the report year are tested by a
pooled two-proportion z-test (:func:`vawg.foundations.stats.comparisons.two_proportion_ztest`), as is the
difference between women with DVA points and applicants without them.

Artifact ids and the functions that make them:

- ``fig-housing-register-dva``       :func:`figure_housing_register_dva`       (seed Figure 31)
- ``fig-homelessness-dva``           :func:`figure_homelessness_dva`           (seed Figure 32)
- ``tbl-housing-register-dva-age``   :func:`table_housing_register_dva_age`    (DVA points by age band)
- ``tbl-housing-register-dva-women`` :func:`table_housing_register_dva_women`  (women with DVA points: ethnicity,
  sexual orientation and employment, against applicants without DVA points)
- values ``housing.*``               :func:`prose_values`

Small numbers: counts of 1 to 6 show "<7" and shares built on them "[c]"; in a
breakdown whose total is published, a second cell is hidden when exactly one is,
and a share is hidden when the applications without the flag number 1 to 6.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from vawg.writing import charts
from vawg.writing.artifacts import Column, Figure, Table, format_value
from vawg.foundations.wording import join_words, phrase, significance, slug
from vawg.foundations.errors import DataError
from vawg.foundations.suppression import count_texts, disclosure_basis
from vawg.foundations.periods import report_year
from vawg.foundations.stats.comparisons import TestResult, percent_difference, two_proportion_ztest
from vawg.foundations.stats.intervals import wilson_interval
from vawg.foundations.stats.profiles import holm_within
from vawg.foundations.suppression import CONFIDENTIAL, chart_values, is_small, secondary_suppression
from vawg.writing.supply import staged_table

SOURCE_REGISTER = "Council housing register applications (Part 6, Housing Act 1996)"
SOURCE_HOMELESSNESS = "Council homelessness applications (Part 7, Housing Act 1996)"
AGE_BANDS = ("16-24", "25-29", "30-34", "35-39", "40-44", "45-49", "50-54", "55-59", "60+")
CHARACTERISTICS = {"ethnicity": "Ethnic group", "sexual_orientation": "Sexual orientation",
                   "employment_status": "Employment status"}
NOT_RECORDED = "Not recorded"
# Homelessness measures of domestic abuse, oldest first: (chart and table label, phrase in a sentence).
MEASURES = {
    "main_reason": ("Main reason for losing the last settled home (older measure)",
                    "gave domestic abuse as the main reason for losing their last settled home"),
    "support_need": ("A support need: victim or at risk (newer flag)",
                     "had domestic abuse recorded as a support need, as a victim or at risk"),
    "assessment": ("Identified through the assessment (newer flag)",
                   "had domestic abuse identified through the assessment"),
    "any_flag": ("Any of the three (combined flag)", "had any of the three domestic abuse flags"),
}
SUPPORT_NEED = ("Victim", "At risk")


def age_band(age) -> str | None:
    """The register's age band of an age (16-24, 25-29 … 55-59, 60+); None when unknown."""
    if pd.isna(age):
        return None
    age = int(age)
    if age < 25:
        return "16-24"
    return "60+" if age >= 60 else f"{age // 5 * 5}-{age // 5 * 5 + 4}"


@dataclass
class Housing:
    """Housing register and homelessness applications from the first year of the series to the report year."""

    borough: str
    year: int
    first_year: int
    threshold: int
    register: pd.DataFrame       # year, applicant_sex, age, ethnicity, sexual_orientation, employment_status, dva_points
    homelessness: pd.DataFrame   # year, applicant_sex, household_type, dependent_children, homeless_status + flags

    @classmethod
    def compute(cls, staged_dir: Path | str, *, borough: str, period_end: str, threshold: int) -> Housing:
        frames = {}
        for name in ("housing_register", "homelessness_applications"):
            frame = staged_table(staged_dir, name)
            frame["year"] = frame["application_date"].dt.year
            frames[name] = frame
        year = report_year(period_end)
        register, homeless = frames["housing_register"], frames["homelessness_applications"]
        for name, frame in (("housing register", register), ("homelessness", homeless)):
            if not (frame["year"] == year).any():
                raise DataError(f"the {name} extract has no applications made in {year}, the report year")
        first = int(min(register["year"].min(), homeless["year"].min()))
        homeless = homeless.assign(
            main_reason_da=homeless["main_reason"] == "Domestic abuse",
            support_need=homeless["support_need_domestic_abuse"].isin(SUPPORT_NEED),
            assessment=homeless["da_identified_through_assessment"].astype(bool))
        homeless["any_flag"] = homeless["main_reason_da"] | homeless["support_need"] | homeless["assessment"]
        homeless = homeless.rename(columns={"main_reason_da": "main_reason_is_da"})
        register = register[register["year"].between(first, year)].reset_index(drop=True)
        homeless = homeless[homeless["year"].between(first, year)].reset_index(drop=True)
        register["dva_points"] = register["dva_points"].astype(bool)
        return cls(borough=borough, year=year, first_year=first, threshold=threshold, register=register,
                   homelessness=homeless)

    # -- housing register ----------------------------------------------------------------
    def register_now(self) -> pd.DataFrame:
        return self.register[self.register["year"] == self.year]

    def register_trend(self) -> pd.DataFrame:
        """Applications and those awarded DVA points by year, with the share and its 95% Wilson interval."""
        grouped = self.register.groupby("year")["dva_points"]
        frame = pd.DataFrame({"applications": grouped.size(), "dva": grouped.sum()}).reset_index()
        return _with_share(frame, "dva", "applications")

    def register_by_age(self) -> pd.DataFrame:
        """The report year's applications and DVA points by age band (applicants of unknown age left out)."""
        now = self.register_now()
        bands = now["age"].map(age_band)
        grouped = now.groupby(bands)["dva_points"]
        frame = pd.DataFrame({"applications": grouped.size(), "dva": grouped.sum()}).reindex(AGE_BANDS, fill_value=0)
        frame = frame.rename_axis("band").reset_index()
        frame = _with_share(frame, "dva", "applications")
        # Both columns have a published total (the year's applications and those with points).
        frame["applications_hidden"] = secondary_suppression(frame["applications"], self.threshold).to_numpy()
        frame["dva_hidden"] = secondary_suppression(frame["dva"], self.threshold).to_numpy()
        frame.loc[frame["dva_hidden"] | frame["applications_hidden"], "basis"] = 1
        return frame

    def women_with_points(self) -> pd.DataFrame:
        now = self.register_now()
        return now[(now["applicant_sex"] == "Female") & now["dva_points"]]

    def without_points(self) -> pd.DataFrame:
        now = self.register_now()
        return now[~now["dva_points"]]

    def women_profile(self) -> pd.DataFrame:
        """Women with DVA points against applicants without DVA points, by ethnicity, sexual orientation and employment.

        One row per characteristic and category: counts and shares of each group, and a pooled
        two-proportion z-test of the two shares.
        """
        women, others = self.women_with_points(), self.without_points()
        rows = []
        for field, title in CHARACTERISTICS.items():
            categories = _categories(field, women, others)
            counts = women[field].value_counts().reindex(categories, fill_value=0)
            other_counts = others[field].value_counts().reindex(categories, fill_value=0)
            hidden = secondary_suppression(counts, self.threshold)
            other_hidden = secondary_suppression(other_counts, self.threshold)
            for category in categories:
                n, m = int(counts[category]), int(other_counts[category])
                test = two_proportion_ztest(n, len(women), m, len(others)) if len(women) and len(others) else None
                basis = 1 if hidden[category] else disclosure_basis(n, len(women))
                other_basis = 1 if other_hidden[category] else disclosure_basis(m, len(others))
                rows.append({
                    "characteristic": title, "field": field, "category": category,
                    "women": n, "women_hidden": bool(hidden[category]),
                    "women_share": n / len(women) * 100 if len(women) else np.nan, "women_basis": basis,
                    "others": m, "others_hidden": bool(other_hidden[category]),
                    "others_share": m / len(others) * 100 if len(others) else np.nan, "others_basis": other_basis,
                    "p_value": test.p_value if test else np.nan,
                    "significant": bool(test.significant) if test else False,
                    "test_basis": min(basis, other_basis) if min(basis, other_basis) > 0 else max(basis, other_basis),
                })
        # Every category compared is one family of tests (MULTIPLICITY_POLICY): Holm-adjusted.
        return holm_within(pd.DataFrame(rows), p="p_value")

    def register_change(self) -> TestResult:
        trend = self.register_trend().set_index("year")
        last, first = trend.loc[self.year], trend.loc[self.first_year]
        return two_proportion_ztest(int(last["dva"]), int(last["applications"]), int(first["dva"]),
                                    int(first["applications"]))

    # -- homelessness --------------------------------------------------------------------
    def homelessness_now(self) -> pd.DataFrame:
        return self.homelessness[self.homelessness["year"] == self.year]

    def women(self, year: int | None = None) -> pd.DataFrame:
        frame = self.homelessness[self.homelessness["year"] == (year or self.year)]
        return frame[frame["applicant_sex"] == "Female"]

    def flag(self, frame: pd.DataFrame, measure: str) -> pd.Series:
        return frame["main_reason_is_da"] if measure == "main_reason" else frame[measure]

    def homelessness_trend(self) -> pd.DataFrame:
        """Women's applications by year and measure: how many had domestic abuse recorded that way, and the share."""
        women = self.homelessness[self.homelessness["applicant_sex"] == "Female"]
        rows = []
        for measure in MEASURES:
            grouped = self.flag(women, measure).groupby(women["year"])
            rows.append(pd.DataFrame({"year": grouped.size().index, "measure": measure,
                                      "applications": grouped.size().to_numpy(), "flagged": grouped.sum().to_numpy()}))
        frame = _with_share(pd.concat(rows, ignore_index=True), "flagged", "applications")
        frame["label"] = frame["measure"].map(lambda m: MEASURES[m][0])
        return frame

    def women_share(self, measure: str, year: int | None = None) -> tuple[float, int]:
        women = self.women(year)
        flagged = int(self.flag(women, measure).sum())
        return (flagged / len(women) * 100 if len(women) else float("nan")), disclosure_basis(flagged, len(women))

    def involved(self) -> tuple[float, int]:
        """Women whose application had domestic abuse as the main reason or a support need (the two recorded fields)."""
        women = self.women()
        flagged = int((women["main_reason_is_da"] | women["support_need"]).sum())
        return (flagged / len(women) * 100 if len(women) else float("nan")), disclosure_basis(flagged, len(women))

    def homelessness_change(self, measure: str) -> TestResult:
        first, last = self.women(self.first_year), self.women()
        return two_proportion_ztest(int(self.flag(last, measure).sum()), len(last),
                                    int(self.flag(first, measure).sum()), len(first))

    def flagged_cohort(self) -> pd.DataFrame:
        """The report year's women's applications with any domestic abuse flag."""
        women = self.women()
        return women[women["any_flag"]]

    def cohort_share(self, mask: pd.Series) -> tuple[float, int]:
        cohort = len(mask)
        count = int(mask.sum())
        return (count / cohort * 100 if cohort else float("nan")), disclosure_basis(count, cohort)


def _categories(field: str, *frames: pd.DataFrame) -> list[str]:
    """The categories seen, most common first among the first frame, "Not recorded" last."""
    seen = pd.concat([frame[field] for frame in frames]).astype(str)
    order = frames[0][field].astype(str).value_counts().index.tolist()
    order += [c for c in seen.value_counts().index if c not in order]
    return [c for c in order if c != NOT_RECORDED] + ([NOT_RECORDED] if NOT_RECORDED in order else [])


def _with_share(frame: pd.DataFrame, part: str, total: str) -> pd.DataFrame:
    frame = frame.copy()
    frame["share"] = frame[part] / frame[total].replace(0, np.nan) * 100
    interval = wilson_interval(frame[part].to_numpy(), frame[total].to_numpy())
    frame["lower"], frame["upper"] = interval.lower * 100, interval.upper * 100
    frame["basis"] = [disclosure_basis(n, t) for n, t in zip(frame[part], frame[total])]
    return frame


# -- artifacts -----------------------------------------------------------------------

def _pct(h: Housing, value: float, basis: int | None = None) -> str:
    return format_value(value, "percent", decimals=1, threshold=h.threshold, basis=basis)


def _interval_columns() -> list[Column]:
    return [Column("95% CI lower (%)", "lower", "percent", 1, basis="basis"),
            Column("95% CI upper (%)", "upper", "percent", 1, basis="basis")]


def figure_housing_register_dva(analysis: Housing) -> Figure:
    h = analysis
    trend = h.register_trend()
    trend["plotted"], trend["label_text"] = chart_values(trend["share"], trend["basis"], h.threshold, "{:.1f}%")
    trend["series"] = "Applications with DVA points"
    trend["dva_text"] = count_texts(trend["dva"], h.threshold, bases=trend["basis"])
    trend["year_text"] = trend["year"].astype(str)
    test = h.register_change()
    first, last = trend.iloc[0], trend.iloc[-1]
    shown = not (is_small(first["basis"], h.threshold) or is_small(last["basis"], h.threshold))
    if shown and test.significant:
        verb = "rose" if last["share"] > first["share"] else "fell"
        title = (f"The share of housing register applications with DVA points {verb} between {h.first_year} "
                 f"and {h.year}")
    else:
        title = f"Housing register applications with DVA points, {h.first_year} to {h.year}"
    plot = charts.multi_line_chart(
        trend, x="year", y="plotted", series="series", label="label_text", title=title,
        subtitle=charts.subtitle(f"Share of applications to join the housing register awarded points for domestic "
                                 f"violence and abuse (DVA), by year of application, {h.first_year} to {h.year}"),
        y_title="% of applications", series_order=["Applications with DVA points"])
    alt = (f"Line chart of the share of housing register applications awarded DVA points each year from "
           f"{h.first_year} to {h.year}: {_pct(h, first['share'], first['basis'])} in {h.first_year} and "
           f"{_pct(h, last['share'], last['basis'])} of {int(last['applications']):,} applications in {h.year}.")
    return Figure(
        id="fig-housing-register-dva", plot=plot, height=4.8,
        caption=f"Housing register applications awarded domestic violence and abuse points, {h.first_year} to {h.year}",
        alt=alt, source=SOURCE_REGISTER, data=trend,
        description=(f"The change between {h.first_year} and {h.year} is tested with a pooled two-proportion "
                     f"z-test. A share resting on fewer than {h.threshold} applications is not shown."),
        columns=[Column("Year", "year_text", "text"), Column("Applications", "applications", "count"),
                 Column("With DVA points", "dva_text", "text"),
                 Column("% with DVA points", "share", "percent", 1, basis="basis"), *_interval_columns()])


def figure_homelessness_dva(analysis: Housing) -> Figure:
    h = analysis
    trend = h.homelessness_trend()
    trend["plotted"], trend["label_text"] = chart_values(trend["share"], trend["basis"], h.threshold, "{:.1f}%")
    # Label only the older measure and the combined flag: the gap between them is the finding.
    trend.loc[~trend["measure"].isin(["main_reason", "any_flag"]), "label_text"] = ""
    trend["flagged_text"] = count_texts(trend["flagged"], h.threshold, bases=trend["basis"])
    trend["year_text"] = trend["year"].astype(str)
    main, main_basis = h.women_share("main_reason")
    any_flag, any_basis = h.women_share("any_flag")
    if not (is_small(main_basis, h.threshold) or is_small(any_basis, h.threshold)) and any_flag > main:
        title = ("Domestic abuse is recorded in more women's homelessness applications once the newer flags "
                 "are counted")
    else:
        title = f"Domestic abuse in women's homelessness applications, {h.first_year} to {h.year}"
    order = [MEASURES[m][0] for m in MEASURES]
    plot = charts.multi_line_chart(
        trend, x="year", y="plotted", series="label", label="label_text", title=title,
        subtitle=charts.subtitle(f"Share of homelessness applications made by women with domestic abuse recorded, by "
                                 f"how it was recorded, {h.first_year} to {h.year}; a share resting on fewer than "
                                 f"{h.threshold} applications is not shown"),
        y_title="% of women's applications", series_order=order)
    alt = (f"Line chart of the share of women's homelessness applications with domestic abuse recorded, each year "
           f"from {h.first_year} to {h.year}, by four measures: as the main reason for losing the last settled home, "
           f"as a support need, as identified through the assessment, and any of the three. In {h.year}, "
           f"{_pct(h, main, main_basis)} by the main reason and {_pct(h, any_flag, any_basis)} by any flag.")
    return Figure(
        id="fig-homelessness-dva", plot=plot, height=5.4,
        caption=f"Women's homelessness applications with domestic abuse recorded, by measure, {h.first_year} to {h.year}",
        alt=alt, source=SOURCE_HOMELESSNESS, data=trend,
        description=("An application can carry more than one flag, so the combined flag is not the sum of the "
                     "other three. Applications from men are left out."),
        columns=[Column("Year", "year_text", "text"), Column("Measure", "label", "text"),
                 Column("Women's applications", "applications", "count"),
                 Column("With domestic abuse recorded", "flagged_text", "text"),
                 Column("% of women's applications", "share", "percent", 1, basis="basis"), *_interval_columns()])


def table_housing_register_dva_age(analysis: Housing) -> Table:
    h = analysis
    frame = h.register_by_age()
    frame["applications_text"] = count_texts(frame["applications"], h.threshold, hidden=frame["applications_hidden"])
    frame["dva_text"] = count_texts(frame["dva"], h.threshold, bases=frame["basis"], hidden=frame["dva_hidden"])
    return Table(
        id="tbl-housing-register-dva-age",
        caption=f"Housing register applications made in {h.year} and those awarded DVA points, by the applicant's age",
        data=frame, source=SOURCE_REGISTER,
        columns=[Column("Age band", "band", "text"), Column("Applications", "applications_text", "text"),
                 Column("With DVA points", "dva_text", "text"),
                 Column("% with DVA points", "share", "percent", 1, basis="basis"), *_interval_columns()],
        notes=[(f"Counts of 1 to {h.threshold - 1} are shown as <{h.threshold}; [c] marks a value withheld so that "
               f"a small count cannot be worked out. Applicants whose age was not recorded are left out.")])


def table_housing_register_dva_women(analysis: Housing) -> Table:
    h = analysis
    frame = h.women_profile()
    frame["women_text"] = count_texts(frame["women"], h.threshold, bases=frame["women_basis"],
                                     hidden=frame["women_hidden"])
    frame["others_text"] = count_texts(frame["others"], h.threshold, bases=frame["others_basis"],
                                      hidden=frame["others_hidden"])
    frame["difference"] = ["Yes" if s else "No" for s in frame["significant"]]
    frame.loc[frame["test_basis"].map(lambda b: is_small(b, h.threshold)), "difference"] = CONFIDENTIAL
    return Table(
        id="tbl-housing-register-dva-women",
        caption=f"Women applying to the housing register in {h.year} with DVA points, by ethnic group, sexual "
                f"orientation and employment, against applicants without DVA points",
        data=frame, source=SOURCE_REGISTER,
        columns=[Column("Characteristic", "characteristic", "text"), Column("Group", "category", "text"),
                 Column("Women with DVA points", "women_text", "text"),
                 Column("% of women with DVA points", "women_share", "percent", 1, basis="women_basis"),
                 Column("Applicants without DVA points", "others_text", "text"),
                 Column("% of applicants without DVA points", "others_share", "percent", 1, basis="others_basis"),
                 Column("p-value (two-proportion z-test, Holm-adjusted)", "p_value", "pvalue", 3, basis="test_basis"),
                 Column("Significant difference", "difference", "text")],
        notes=[(f"Counts of 1 to {h.threshold - 1} are shown as <{h.threshold}; [c] marks a value withheld so that "
               f"a small count cannot be worked out. Applicants without DVA points include men."),
               "Each row's test compares the two shares; the p-values are adjusted by Holm's method for the number of "
               "rows tested, so that the chance of any false finding in the table stays at 5%."])


# -- prose ---------------------------------------------------------------------------

def register_change_sentence(h: Housing) -> str:
    trend = h.register_trend().set_index("year")
    first, last = trend.loc[h.first_year], trend.loc[h.year]
    hidden = [str(year) for year, row in ((h.first_year, first), (h.year, last)) if is_small(row["basis"], h.threshold)]
    if hidden:
        return phrase("housing", "register_change", "hidden", hidden_years=join_words(hidden), first_year=h.first_year)
    return phrase("housing", "register_change", "shown",
                  movement=_movement(h, first["share"], last["share"], h.register_change()))


def _movement(h: Housing, first: float, last: float, test: TestResult) -> str:
    """"rose from 11.4% in 2019 to 26.7% in 2024, a change that is …" (as published, so equal shares read as equal)."""
    if _pct(h, first) == _pct(h, last):
        return phrase("housing", "movement", "same", last=_pct(h, last), first_year=h.first_year, year=h.year)
    caveat = phrase("housing", "caveat", "significant" if test.significant else "chance")
    return phrase("housing", "movement", "rose" if last > first else "fell", first=_pct(h, first),
                  first_year=h.first_year, last=_pct(h, last), year=h.year, verdict=significance(test), caveat=caveat)


def register_age_sentence(h: Housing) -> str:
    frame = h.register_by_age()
    shown = frame[~frame["basis"].map(lambda b: is_small(b, h.threshold)) & (frame["applications"] > 0)]
    if len(shown) < 2:
        return phrase("housing", "register_age", "too_few")
    high, low = shown.loc[shown["share"].idxmax()], shown.loc[shown["share"].idxmin()]
    busiest = frame.loc[frame["applications"].idxmax(), "band"]
    return phrase("housing", "register_age", "shown", high_band=high["band"], high_share=_pct(h, high["share"]),
                  low_band=low["band"], low_share=_pct(h, low["share"]), busiest=busiest)


def _profile_listing(h: Housing, profile: pd.DataFrame, field: str, top: int = 3) -> str:
    rows = profile[(profile["field"] == field) & (profile["category"] != NOT_RECORDED)
                   & ~profile["women_basis"].map(lambda b: is_small(b, h.threshold)) & (profile["women"] > 0)]
    rows = rows.sort_values("women_share", ascending=False).head(top)
    # Ethnic groups keep their capitals (names); employment categories read as ordinary words.
    name = (lambda c: c) if field == "ethnicity" else str.lower
    return join_words([f"{name(row.category)} ({_pct(h, row.women_share)})" for row in rows.itertuples()])


def register_women_sentence(h: Housing) -> str:
    """Ethnicity and employment of women with DVA points, and the employment comparison with its test."""
    profile = h.women_profile()
    women = len(h.women_with_points())
    if is_small(women, h.threshold) or women == 0:
        return phrase("housing", "register_women", "too_few")
    parts = []
    ethnic = _profile_listing(h, profile, "ethnicity")
    unrecorded = profile[(profile["field"] == "ethnicity") & (profile["category"] == NOT_RECORDED)]
    if ethnic and len(unrecorded):
        parts.append(phrase("housing", "women_ethnicity", "partly_recorded", groups=ethnic, unrecorded=_pct(
            h, unrecorded["women_share"].iloc[0], unrecorded["women_basis"].iloc[0])))
    elif ethnic:
        parts.append(phrase("housing", "women_ethnicity", "recorded", groups=ethnic))
    work = _profile_listing(h, profile, "employment_status")
    if work:
        parts.append(phrase("housing", "women_employment", categories=work))
    employed = profile[(profile["field"] == "employment_status") & (profile["category"] == "Employed")]
    if len(employed):
        row = employed.iloc[0]
        if is_small(row["test_basis"], h.threshold):
            parts.append(phrase("housing", "women_employed", "hidden"))
        else:
            parts.append(phrase("housing", "women_employed", "compared", share=_pct(h, row["women_share"]),
                                others=_pct(h, row["others_share"]), verdict=significance(row["p_value"])))
    return " ".join(parts)


def homelessness_change_sentence(h: Housing) -> str:
    clauses = []
    for measure in ("main_reason", "any_flag"):
        first, first_basis = h.women_share(measure, h.first_year)
        last, last_basis = h.women_share(measure)
        name = phrase("housing", "homelessness_measure", measure)
        if is_small(first_basis, h.threshold) or is_small(last_basis, h.threshold):
            clauses.append(phrase("housing", "homelessness_clause", "hidden", measure=name))
            continue
        clauses.append(phrase("housing", "homelessness_clause", "shown", measure=name,
                              movement=_movement(h, first, last, h.homelessness_change(measure))))
    return phrase("housing", "homelessness_change", clauses="; ".join(clauses))


def _slug(text: str) -> str:
    """"LGB+" → "lgb_plus": a plus is a word in a key."""
    return slug(text.replace("+", " plus"))


def prose_values(analysis: Housing) -> dict[str, tuple]:
    """Every number and data-driven sentence the housing section quotes: ``{key: (value, kind, decimals[, basis])}``."""
    h = analysis
    trend = h.register_trend().set_index("year")
    now, first = trend.loc[h.year], trend.loc[h.first_year]
    by_age = h.register_by_age().set_index("band")
    homeless, women = h.homelessness_now(), h.women()
    cohort = h.flagged_cohort()
    main, main_basis = h.women_share("main_reason")
    any_flag, any_basis = h.women_share("any_flag")
    main_count, any_count = int(women["main_reason_is_da"].sum()), int(women["any_flag"].sum())
    values: dict[str, tuple] = {
        "housing.year": (str(h.year), "text", 0),
        "housing.first_year": (str(h.first_year), "text", 0),
        "housing.register_law": ("Part 6 of the Housing Act 1996", "text", 0),
        "housing.homelessness_law": ("Part 7 of the Housing Act 1996", "text", 0),
        "housing.register_applications": (int(now["applications"]), "count", 0),
        "housing.register_dva": (int(now["dva"]), "count", 0),
        "housing.register_dva_share": (now["share"], "percent", 1, now["basis"]),
        "housing.register_applications_first": (int(first["applications"]), "count", 0),
        "housing.register_dva_share_first": (first["share"], "percent", 1, first["basis"]),
        "housing.register_change_sentence": (register_change_sentence(h), "text", 0),
        "housing.register_age_sentence": (register_age_sentence(h), "text", 0),
        "housing.register_women_dva": (len(h.women_with_points()), "count", 0),
        "housing.register_women_sentence": (register_women_sentence(h), "text", 0),
        "housing.homelessness_applications": (len(homeless), "count", 0),
        "housing.homelessness_women": (len(women), "count", 0),
        "housing.homelessness_main_reason_share": (main, "percent", 1, main_basis),
        "housing.homelessness_support_need_share": (*h.women_share("support_need")[:1], "percent", 1,
                                                    h.women_share("support_need")[1]),
        "housing.homelessness_assessment_share": (*h.women_share("assessment")[:1], "percent", 1,
                                                  h.women_share("assessment")[1]),
        "housing.homelessness_involved_share": (*h.involved()[:1], "percent", 1, h.involved()[1]),
        "housing.homelessness_flagged": (any_count, "count", 0),
        "housing.homelessness_flagged_share": (any_flag, "percent", 1, any_basis),
        # How many more women's applications the newer flags find than the main reason alone.
        "housing.homelessness_newer_flags_extra": (percent_difference(any_count, main_count), "change", 1,
                                                   min(main_basis, any_basis) if main_count else 0),
        "housing.homelessness_change_sentence": (homelessness_change_sentence(h), "text", 0),
    }
    for band in AGE_BANDS:
        row = by_age.loc[band]
        values[f"housing.register_dva_share_age_{_slug(band)}"] = (row["share"], "percent", 1, row["basis"])
    for key, mask in (("single", cohort["household_type"] == "Single"),
                      ("children", cohort["dependent_children"] > 0),
                      ("homeless", cohort["homeless_status"] == "Homeless")):
        share, basis = h.cohort_share(mask)
        values[f"housing.homelessness_flagged_{key}_share"] = (share, "percent", 1, basis)
    return values
