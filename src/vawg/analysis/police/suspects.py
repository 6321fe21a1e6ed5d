"""Chapter 3, "Suspect characteristics": suspects of VAWG offences in the police suspects extract.

Artifact ids and the functions that make them:

- ``fig-suspect-age``             :func:`figure_suspect_age`              (suspects by age band, borough and London)
- ``tbl-suspect-profile``         :func:`table_suspect_profile`           (sex, age band and ethnicity shares)
- ``tbl-suspects-by-crime-group`` :func:`table_suspects_by_crime_group`   (the profile within each crime group)
- values ``suspects.*``           :func:`prose_values`

The extract has one row per suspect of a VAWG offence and no crime reference,
so offences are identified by a proxy crime id: the date the offence was
recorded, its ward and its offence (crime subgroup and VAWG offence name),
as the reference edition did (:func:`proxy_crime_id`). Two offences of the
same kind recorded in the same ward on the same day count as one, so the
number of offences is an estimate (a lower bound). The rate of male suspects
per 1,000 male residents treats every suspect as a different person living
in the borough, which neither the extract nor the reference edition can check.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from vawg.writing import charts
from vawg.foundations import reference
from vawg.writing.artifacts import Column, Figure, Table, format_value
from vawg.intake.contracts.police import ETHNIC_APPEARANCES, ETHNIC_GROUPS, SUSPECT_AGE_BANDS
from vawg.foundations.wording import direction, join_words, phrase, sentence_case, slug
from vawg.foundations.errors import DataError
from vawg.foundations.methods_used import uses
from vawg.foundations.suppression import interval_texts
from vawg.foundations.periods import report_year
from vawg.foundations.stats.intervals import share_row
from vawg.analysis.denominators import denominators, load_population
from vawg.foundations.stats.comparisons import rank_highest_first
from vawg.foundations.stats.intervals import byar_interval
from vawg.writing.supply import optional_table
from vawg.foundations.suppression import (
    CONFIDENTIAL,
    chart_values,
    count_texts,
    is_small,
    secondary_suppression,
)

SOURCE = "Metropolitan Police Service VAWG suspects; ONS mid-year population estimates"
PROXY_KEY = ("recorded_date", "ward_code", "crime_subgroup", "vawg_offence_name")
SEXES = {"M": "Male", "F": "Female", "U": "Not recorded"}
UNKNOWN_AGE = "Unknown"
YOUNG_ADULT_BANDS = ("18-24", "25-29", "30-34")  # "18 to 34", the reference edition's concentration of suspects
CHARACTERISTICS = {
    "suspect_sex": ("Sex", [SEXES[code] for code in SEXES]),
    "suspect_age_band": ("Age", list(SUSPECT_AGE_BANDS)),
    "suspect_ethnic_appearance": ("Ethnic appearance", list(ETHNIC_APPEARANCES)),
    "suspect_self_defined_ethnicity": ("Self-defined ethnicity", list(ETHNIC_GROUPS)),
}
NOT_RECORDED = {"Unknown", "Not recorded"}
MIN_GROUP_SHARE = 5.0  # crime groups with at least 5% of the borough's suspects are described one by one


@uses(metric="proxy_crime_id")
def proxy_crime_id(suspects: pd.DataFrame) -> pd.Series:
    """An offence id made from what the suspects extract has: date, ward and offence.

    ``"2024-03-01|E05013660|Harassment|Stalking"``; an offence with no VAWG
    offence name ends in ``|`` (rows without a name still group together).
    """
    parts = [suspects["recorded_date"].dt.strftime("%Y-%m-%d").astype("string")]
    parts += [suspects[column].astype("string").fillna("") for column in PROXY_KEY[1:]]
    return parts[0].str.cat(parts[1:], sep="|").rename("proxy_crime_id")


def suspects_per_offence(suspects: pd.DataFrame) -> pd.Series:
    """Number of suspects of each proxy offence (indexed by :func:`proxy_crime_id`)."""
    return suspects.groupby(proxy_crime_id(suspects), sort=True).size().rename("suspects")


def load_suspects(staged_dir: Path | str, year: int) -> pd.DataFrame:
    """The suspects of VAWG offences recorded in ``year`` across London.

    Raises
    ------
    DataError
        If the police suspects extract was not delivered.
    """
    start, end = pd.Timestamp(year, 1, 1), pd.Timestamp(year + 1, 1, 1)
    frame = optional_table(staged_dir, "police_suspects",
                           filters=[("recorded_date", ">=", start), ("recorded_date", "<", end)])
    if frame is None:
        raise DataError("police_suspects: the police VAWG suspects extract was not delivered (folder "
                        "police_suspects/); the suspect characteristics section needs it")
    frame["suspect_sex"] = frame["suspect_sex"].map(SEXES).fillna(SEXES["U"])
    return frame.reset_index(drop=True)


@dataclass
class SuspectProfile:
    """Suspects of the report year's VAWG offences across London, and the male residents of each borough."""

    borough: str
    borough_code: str
    year: int
    suspects: pd.DataFrame
    male_residents: pd.Series   # borough_code → male residents (the report year's estimate, or the latest earlier)
    threshold: int

    @classmethod
    def compute(cls, staged_dir: Path | str, *, borough: str, period_end: str, threshold: int) -> SuspectProfile:
        boroughs = reference.boroughs().set_index("borough_name")["borough_code"]
        year = report_year(period_end)
        suspects = load_suspects(staged_dir, year)
        table = reference.boroughs()
        police = table.loc[table["police_force"] == "Metropolitan Police Service", "borough_code"]
        male = denominators(load_population(staged_dir), [year], sex="M")[year]
        return cls(borough=borough, borough_code=boroughs[borough], year=year, suspects=suspects,
                   male_residents=male.reindex(police).dropna(), threshold=threshold)

    # -- building blocks -------------------------------------------------------
    def area(self, area: str = "borough") -> pd.DataFrame:
        if area == "borough":
            return self.suspects[self.suspects["borough_code"] == self.borough_code]
        if area == "rest":
            return self.suspects[self.suspects["borough_code"] != self.borough_code]
        return self.suspects

    def male_population(self, area: str = "borough") -> int:
        if area == "borough":
            return int(self.male_residents.get(self.borough_code, 0))
        if area == "rest":
            return int(self.male_residents.drop(self.borough_code, errors="ignore").sum())
        return int(self.male_residents.sum())

    @uses(metric="male_suspect_rate")
    def summary(self, area: str = "borough") -> dict:
        """Counts of suspects and proxy offences, sex, and the rate of male suspects per 1,000 male residents."""
        frame = self.area(area)
        per_offence = suspects_per_offence(frame)
        male = int((frame["suspect_sex"] == SEXES["M"]).sum())
        residents = self.male_population(area)
        interval = byar_interval(male, residents)
        return {
            "suspects": len(frame), "offences": len(per_offence),
            "several": int((per_offence > 1).sum()), "in_several": int(per_offence[per_offence > 1].sum()),
            "male": male, "female": int((frame["suspect_sex"] == SEXES["F"]).sum()),
            "sex_unknown": int((frame["suspect_sex"] == SEXES["U"]).sum()),
            "male_residents": residents, "male_rate": male / residents * 1000 if residents else float("nan"),
            "male_rate_lower": interval.lower, "male_rate_upper": interval.upper,
        }

    def male_rates(self) -> pd.Series:
        """Male suspects per 1,000 male residents, every borough."""
        male = self.suspects[self.suspects["suspect_sex"] == SEXES["M"]].groupby("borough_code").size()
        male = male.reindex(self.male_residents.index, fill_value=0)
        return male / self.male_residents * 1000

    @uses(metric="borough_rank")
    def rank(self) -> tuple[int, int]:
        rates = self.male_rates()
        return int(rank_highest_first(rates)[self.borough_code]), int(rates.size)

    def profile_table(self) -> pd.DataFrame:
        """Suspects by sex, age band, ethnic appearance and self-defined ethnicity: borough and London shares."""
        borough, london = self.area("borough"), self.area("london")
        rows = []
        for field, (characteristic, categories) in CHARACTERISTICS.items():
            counts = borough[field].value_counts().reindex(categories, fill_value=0)
            london_counts = london[field].value_counts().reindex(categories, fill_value=0)
            hidden = secondary_suppression(counts, self.threshold)
            for category in categories:
                share = share_row(int(counts[category]), len(borough))
                rows.append({
                    "characteristic": characteristic, "field": field, "category": category,
                    "count": int(counts[category]), "share": share["share"], "lower": share["lower"],
                    "upper": share["upper"], "hidden": bool(hidden[category]),
                    "london_count": int(london_counts[category]),
                    "london_share": london_counts[category] / len(london) * 100 if len(london) else float("nan"),
                })
        return pd.DataFrame(rows)

    def group_table(self) -> pd.DataFrame:
        """The borough's suspects within each crime group (most suspects first)."""
        borough = self.area("borough")
        london = self.area("london")
        rows = []
        groups = borough["crime_group"].value_counts()
        for group in groups.index:
            frame = borough[borough["crime_group"] == group]
            in_london = london[london["crime_group"] == group]
            ages = frame.loc[frame["suspect_age_band"] != UNKNOWN_AGE, "suspect_age_band"].value_counts()
            ages = ages.reindex([band for band in SUSPECT_AGE_BANDS if band in ages.index])
            known = frame["known_to_victim"].dropna()
            rows.append({
                "crime_group": sentence_case(group), "key": slug(group), "suspects": len(frame),
                "share_of_suspects": len(frame) / len(borough) * 100,
                "offences": len(suspects_per_offence(frame)),
                "male": int((frame["suspect_sex"] == SEXES["M"]).sum()),
                "female": int((frame["suspect_sex"] == SEXES["F"]).sum()),
                "young": int(frame["suspect_age_band"].isin(YOUNG_ADULT_BANDS).sum()),
                "known": int(known.sum()), "relationship_recorded": len(known),
                "peak_band": ages.idxmax() if not ages.empty else "",
                "peak_count": int(ages.max()) if not ages.empty else 0,
                "london_suspects": len(in_london),
                "london_female": int((in_london["suspect_sex"] == SEXES["F"]).sum()),
            })
        table = pd.DataFrame(rows)
        if table.empty:
            return table
        for part, whole in (("male", "suspects"), ("female", "suspects"), ("young", "suspects"),
                            ("known", "relationship_recorded"), ("london_female", "london_suspects")):
            table[f"{part}_share"] = [count / total * 100 if total else float("nan")
                                      for count, total in zip(table[part], table[whole])]
        table["not_known_share"] = 100 - table["known_share"]
        table["hidden"] = secondary_suppression(table["suspects"], self.threshold).to_numpy()
        return table


# -- artifacts -----------------------------------------------------------------------

def figure_suspect_age(profile: SuspectProfile) -> Figure:
    p = profile
    table = p.profile_table()
    ages = table[table["field"] == "suspect_age_band"].copy()
    ages["label_name"] = ages["category"].replace({UNKNOWN_AGE: "Not recorded"})
    london = ages.assign(area="London", value=ages["london_share"], lower=float("nan"), upper=float("nan"),
                         n=ages["london_count"], hidden=False)
    long = pd.concat([ages.assign(area=p.borough, value=ages["share"], n=ages["count"]), london])
    long = long[["label_name", "area", "n", "hidden", "value", "lower", "upper"]].reset_index(drop=True)
    long["basis"] = [1 if hidden else n for n, hidden in zip(long["n"], long["hidden"])]
    long["count_text"] = count_texts(long["n"], p.threshold, hidden=long["hidden"])
    long["plotted"], long["label"] = chart_values(long["value"], long["basis"], p.threshold, "{:.1f}%")
    summary = p.summary()
    known_ages = ages[ages["category"] != UNKNOWN_AGE]
    published = known_ages[[not (is_small(n, p.threshold) or hidden)
                            for n, hidden in zip(known_ages["count"], known_ages["hidden"])]]
    top = published.sort_values("count", ascending=False).iloc[0] if not published.empty else None
    male_share = summary["male"] / summary["suspects"] * 100 if summary["suspects"] else float("nan")
    if top is not None:
        title = phrase("suspects", "age_title", "men_aged" if male_share > 50 else "not_men_aged", borough=p.borough,
                       band=_band_words(top["category"]))
    else:
        title = phrase("suspects", "age_title", "men" if male_share > 50 else "not_men", borough=p.borough)
    young = ages[ages["category"].isin(YOUNG_ADULT_BANDS)]
    young_count = int(young["count"].sum())
    young_share = young_count / summary["suspects"] * 100 if summary["suspects"] else float("nan")
    young_london = young["london_count"].sum() / len(p.area("london")) * 100 if len(p.area("london")) else float("nan")
    plot = charts.interval_bar_chart(
        long, category="label_name", value="plotted", lower="lower", upper="upper", series="area", label="label",
        title=title,
        subtitle=phrase("suspects", "age_subtitle", year=p.year, borough=p.borough),
        value_title="% of suspects", category_order=ages["label_name"].tolist(), series_order=[p.borough, "London"])
    young_words = {"borough": p.borough, "year": p.year, "young_london_share": f"{young_london:.1f}%",
                   "young_share": format_value(young_share, "percent", decimals=1, threshold=p.threshold,
                                               basis=young_count)}
    alt = (phrase("suspects", "age_alt", "largest", band=_band_words(top["category"]), share=f"{top['share']:.1f}%",
                  london_share=f"{top['london_share']:.1f}%", **young_words) if top is not None else
           phrase("suspects", "age_alt", "no_largest", **young_words))
    return Figure(
        id="fig-suspect-age", plot=plot, height=5.2,
        caption=phrase("suspects", "age_caption", borough=p.borough, year=p.year),
        alt=alt, source=SOURCE, data=long,
        columns=[Column("Age band", "label_name", "text"), Column("Area", "area", "text"),
                 Column("Suspects", "count_text", "text"),
                 Column("% of suspects", "value", "number", 1, basis="basis"),
                 Column("95% CI lower", "lower", "number", 1, basis="basis"),
                 Column("95% CI upper", "upper", "number", 1, basis="basis")],
    )


def _band_words(band: str) -> str:
    """"18-24" → "18 to 24"; "60+" → "60 or over"."""
    if band.endswith("+"):
        return f"{band[:-1]} or over"
    return band.replace("-", " to ")


def table_suspect_profile(profile: SuspectProfile) -> Table:
    p = profile
    table = p.profile_table()
    table["count_text"] = count_texts(table["count"], p.threshold, hidden=table["hidden"])
    table["basis"] = [1 if hidden else n for n, hidden in zip(table["count"], table["hidden"])]
    table["ci"] = interval_texts(table["lower"], table["upper"], table["basis"], p.threshold, 1, "%")
    table["category_name"] = table["category"].replace({UNKNOWN_AGE: "Not recorded"})
    return Table(
        id="tbl-suspect-profile",
        caption=phrase("suspects", "profile_caption", borough=p.borough, year=p.year),
        data=table,
        columns=[
            Column("Characteristic", "characteristic", "text"),
            Column("Group", "category_name", "text"),
            Column(f"Suspects, {p.borough}", "count_text", "text"),
            Column(f"% of suspects, {p.borough}", "share", "number", 1, basis="basis"),
            Column("95% CI", "ci", "text"),
            Column("% of suspects, London", "london_share", "number", 1, basis="london_count"),
        ],
        source=SOURCE,
        notes=(phrase("suspects", "profile_note_rows"), phrase("suspects", "profile_note_fields"),
               phrase("suspects", "profile_note_ci"), phrase("suspects", "hidden_note", threshold=p.threshold)),
    )


def table_suspects_by_crime_group(profile: SuspectProfile) -> Table:
    p = profile
    table = p.group_table()
    table["count_text"] = count_texts(table["suspects"], p.threshold, hidden=table["hidden"])
    table["basis"] = [1 if hidden else n for n, hidden in zip(table["suspects"], table["hidden"])]
    for part in ("male", "female", "young", "known"):
        table[f"{part}_basis"] = [1 if hidden or is_small(total, p.threshold) else count
                                  for count, total, hidden in zip(table[part], table["suspects"], table["hidden"])]
    table["peak_text"] = [CONFIDENTIAL if is_small(count, p.threshold) or is_small(total, p.threshold)
                          else _band_words(band) if band else "–"
                          for band, count, total in zip(table["peak_band"], table["peak_count"], table["suspects"])]
    return Table(
        id="tbl-suspects-by-crime-group",
        caption=phrase("suspects", "groups_caption", borough=p.borough, year=p.year),
        data=table,
        columns=[
            Column("Crime group", "crime_group", "text"),
            Column("Suspects", "count_text", "text"),
            Column("Offences (estimated)", "offences", "number", 0, basis="basis"),
            Column("% male", "male_share", "number", 1, basis="male_basis"),
            Column("% female", "female_share", "number", 1, basis="female_basis"),
            Column("% aged 18 to 34", "young_share", "number", 1, basis="young_basis"),
            Column("Most common age band", "peak_text", "text"),
            Column("% known to the victim", "known_share", "number", 1, basis="known_basis"),
        ],
        source=SOURCE,
        notes=(phrase("suspects", "groups_note_offences"), phrase("suspects", "groups_note_shares"),
               phrase("suspects", "hidden_note", threshold=p.threshold)),
    )


def prose_values(profile: SuspectProfile) -> dict[str, tuple]:
    """Every number and data-driven word the section's prose quotes: ``{key: (value, kind, decimals[, basis])}``."""
    p = profile
    s, london = p.summary(), p.summary("london")
    total = s["suspects"]
    rank, size = p.rank()
    profile_table = p.profile_table()

    def share(count: int, whole: int = total) -> float:
        return count / whole * 100 if whole else float("nan")

    def category(field: str, name: str) -> pd.Series:
        rows = profile_table[(profile_table["field"] == field) & (profile_table["category"] == name)]
        return rows.iloc[0]

    def basis(field: str, name: str) -> int:
        """The count a published share of one category rests on; 1 (hidden) when the table hides it secondarily."""
        row = category(field, name)
        return 1 if row["hidden"] else int(row["count"])

    young = profile_table[(profile_table["field"] == "suspect_age_band")
                          & profile_table["category"].isin(YOUNG_ADULT_BANDS)]
    young_count, young_london = int(young["count"].sum()), int(young["london_count"].sum())
    appearance = profile_table[(profile_table["field"] == "suspect_ethnic_appearance")
                               & ~profile_table["category"].isin(NOT_RECORDED)]
    appearance = appearance[appearance["count"] >= p.threshold].sort_values("count", ascending=False)
    appearance_unknown = category("suspect_ethnic_appearance", "Unknown")
    self_defined_unknown = category("suspect_self_defined_ethnicity", "Not recorded")
    ages = profile_table[(profile_table["field"] == "suspect_age_band") & (profile_table["category"] != UNKNOWN_AGE)]
    ages = ages[ages["count"] >= p.threshold].sort_values("count", ascending=False)
    rate_ci = interval_texts([s["male_rate_lower"]], [s["male_rate_upper"]], [s["male"]], p.threshold, 2)[0]
    values: dict[str, tuple] = {
        "suspects.year": (str(p.year), "text", 0),
        "suspects.count": (total, "count", 0),
        "suspects.offences": (s["offences"], "count", 0),
        "suspects.several": (s["several"], "count", 0),
        "suspects.several_share": (share(s["several"], s["offences"]), "percent", 1, s["several"]),
        "suspects.per_offence": (total / s["offences"] if s["offences"] else float("nan"), "number", 2, total),
        "suspects.male": (s["male"], "number", 0, basis("suspect_sex", SEXES["M"])),
        "suspects.male_share": (share(s["male"]), "percent", 1, basis("suspect_sex", SEXES["M"])),
        "suspects.female_share": (share(s["female"]), "percent", 1, basis("suspect_sex", SEXES["F"])),
        "suspects.sex_unknown_share": (share(s["sex_unknown"]), "percent", 1, basis("suspect_sex", SEXES["U"])),
        "suspects.london_male_share": (share(london["male"], london["suspects"]), "percent", 1),
        "suspects.london_female_share": (share(london["female"], london["suspects"]), "percent", 1),
        "suspects.male_residents": (s["male_residents"], "count", 0),
        "suspects.male_rate": (s["male_rate"], "number", 2, s["male"]),
        "suspects.male_rate_ci": (rate_ci, "text", 0),
        "suspects.london_male_rate": (london["male_rate"], "number", 2),
        "suspects.male_rate_comparison": (direction(s["male_rate"] - london["male_rate"]), "text", 0),
        "suspects.male_rate_rank": (rank, "rank", 0),
        "suspects.boroughs": (size, "number", 0),
        "suspects.young_share": (share(young_count), "percent", 1, young_count),
        "suspects.london_young_share": (share(young_london, london["suspects"]), "percent", 1),
        "suspects.top_age_band": (_band_words(ages.iloc[0]["category"]) if not ages.empty else "–", "text", 0),
        "suspects.top_age_share": ((ages.iloc[0]["share"], "percent", 1, ages.iloc[0]["count"]) if not ages.empty
                                   else ("–", "text", 0)),
        "suspects.top_appearances": (join_words([name for name in appearance["category"].head(2)]) or "–", "text", 0),
        "suspects.top_appearances_share": (appearance["share"].head(2).sum() if not appearance.empty else float("nan"),
                                           "percent", 1, int(appearance["count"].head(2).sum())),
        "suspects.appearance_unknown_share": (appearance_unknown["share"], "percent", 1,
                                              basis("suspect_ethnic_appearance", "Unknown")),
        "suspects.self_defined_not_recorded_share": (self_defined_unknown["share"], "percent", 1,
                                                     basis("suspect_self_defined_ethnicity", "Not recorded")),
        "suspects.london_self_defined_not_recorded_share": (self_defined_unknown["london_share"], "percent", 1),
    }
    values.update(_group_values(p))
    return values


def _group_values(p: SuspectProfile) -> dict[str, tuple]:
    groups = p.group_table()
    values: dict[str, tuple] = {}
    if groups.empty:
        values["suspects.groups_sentence"] = (phrase("suspects", "groups", "no_suspects"), "text", 0)
        values["suspects.other_groups_sentence"] = ("", "text", 0)
        return values
    large = groups[(groups["share_of_suspects"] >= MIN_GROUP_SHARE) & (groups["suspects"] >= p.threshold)
                   & ~groups["hidden"]]
    other = groups.drop(large.index)
    parts = []
    for row in large.itertuples():
        pieces = [phrase("suspects", "group", group=row.crime_group.lower(), suspects=f"{row.suspects:,}",
                         share=f"{row.share_of_suspects:.1f}%",
                         male_share=_share_text(row.male_share, row.male, p.threshold),
                         female_share=_share_text(row.female_share, row.female, p.threshold))]
        if row.peak_band and not is_small(row.peak_count, p.threshold):
            pieces.append(phrase("suspects", "group_aged", band=_band_words(row.peak_band)))
        if row.relationship_recorded and not is_small(min(row.known, row.relationship_recorded - row.known) or
                                                      row.relationship_recorded, p.threshold):
            pieces.append(phrase("suspects", "group_known", known_share=f"{row.known_share:.1f}%"))
        parts.append(", ".join(pieces))
    values["suspects.groups_sentence"] = (
        phrase("suspects", "groups", "some", groups="; ".join(parts)) if parts else
        phrase("suspects", "groups", "too_few"), "text", 0)
    if other.empty:
        values["suspects.other_groups_sentence"] = ("", "text", 0)
    else:
        ceiling = max(p.threshold, int(math.ceil((other["suspects"].max() + 1) / 10) * 10))
        values["suspects.other_groups_sentence"] = (
            phrase("suspects", "other_groups", groups=len(other), ceiling=f"{ceiling:,}"), "text", 0)
    for row in groups.itertuples():
        key = f"suspects.groups.{row.key}"
        small_group = is_small(row.suspects, p.threshold)
        values[f"{key}.count"] = (row.suspects, "count", 0)
        for part in ("male", "female", "young"):
            count = getattr(row, part)
            values[f"{key}.{part}_share"] = (getattr(row, f"{part}_share"), "percent", 1,
                                             1 if small_group else count)
        values[f"{key}.london_female_share"] = (row.london_female_share, "percent", 1)
        not_known = row.relationship_recorded - row.known
        basis = 1 if small_group else min([n for n in (row.known, not_known) if n > 0], default=0)
        values[f"{key}.known_share"] = (row.known_share, "percent", 1, basis)
        values[f"{key}.not_known_share"] = (row.not_known_share, "percent", 1, basis)
        values[f"{key}.peak_band"] = (_band_words(row.peak_band) if row.peak_band and not small_group
                                      and not is_small(row.peak_count, p.threshold) else "[c]", "text", 0)
    young_all = p.profile_table()
    young_all = young_all[(young_all["field"] == "suspect_age_band") & young_all["category"].isin(YOUNG_ADULT_BANDS)]
    overall_young = young_all["count"].sum() / max(len(p.area()), 1) * 100
    for row in groups.itertuples():
        values[f"suspects.groups.{row.key}.young_comparison"] = (
            direction(row.young_share - overall_young), "text", 0)
        values[f"suspects.groups.{row.key}.female_comparison"] = (
            direction(row.female_share - row.london_female_share), "text", 0)
    return values


def _share_text(share: float, count: int, threshold: int) -> str:
    return format_value(share, "percent", decimals=1, threshold=threshold, basis=count)
