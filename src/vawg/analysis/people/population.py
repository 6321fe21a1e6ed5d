"""Chapter 3, "The borough's population": Table 1 (at-risk populations) and the section's prose values.

Artifact ids and the functions that make them:

- ``tbl-at-risk-populations``   :func:`table_at_risk_populations`   (seed Table 1)
- values ``population.*``       :func:`prose_values`

Where each figure comes from:

- sex and age: the population extract, latest mid-year (the same estimates every rate
  in the report divides by);
- ethnic group (Census 2021 TS021), household deprivation (TS011) and sexual orientation
  (TS077): the open Census tables of the reference folder, when one is configured;
- the ONS mid-2020 estimate (reference folder): the caveat about denominators;
- everything no extract provides (DfE, MHCLG and DHSC figures, Census tables not in the
  reference folder, every England and Wales comparator): published figures kept as dated
  reference data in ``data/reference/published_comparators.csv``, each printed with its source.

Every cell of Table 1 says which of these it is.

Examples
--------
>>> analysis = Population.compute("build/camden-2024-12-31/staged", borough="Camden",
...                               period_end="2024-12-31", threshold=7)  # doctest: +SKIP
>>> table_at_risk_populations(analysis).id  # doctest: +SKIP
'tbl-at-risk-populations'
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from vawg.foundations.methods_used import uses
from vawg.foundations.periods import report_year
from vawg.foundations import reference
from vawg.writing.artifacts import Column, Table, format_value
from vawg.intake.contracts import Contract
from vawg.intake.contracts.reference_data import (
    DEPRIVATION_LAD,
    ETHNIC_GROUP_LAD,
    POPULATION_LAD_2020,
    SEXUAL_ORIENTATION_LAD,
)
from vawg.foundations.errors import DataError
from vawg.foundations.wording import phrase
from vawg.analysis.denominators import load_population
from vawg.intake.staging import read_table
from vawg.writing.supply import is_staged, read_staged

COMPARATORS_FILE = "published_comparators.csv"
COMPARATOR_LEVELS = ("borough", "london", "national")
NATIONAL = "England and Wales"
NOT_AVAILABLE = "not available"
# Census 2021 TS021 (20 categories): codes 13 to 17 are the White groups; -8 is "does not apply" (no one).
WHITE_CODES = range(13, 18)
# Estimates come in five-year bands; age 15 is taken as one fifth of the 15-19 band.
AGE_15_SHARE_OF_BAND = 0.2
CHILD_BANDS = ("0-4", "5-9", "10-14")
POPULATION_SOURCE = "ONS mid-year estimates"


@lru_cache(maxsize=None)
def published_comparators() -> pd.DataFrame:
    """Published figures no extract provides, one row per indicator and area, with source and date.

    ``applies_to`` names the one borough a comparator is meant for (empty: any borough).

    Raises
    ------
    DataError
        If the file lacks a column, a value is not a number, an area level is unknown, or a row has
        no source, period or publication date.
    """
    path = reference.reference_path(COMPARATORS_FILE)
    if not path.is_file():
        raise DataError(f"{path} is missing (published comparators for Table 1)")
    table = pd.read_csv(path, dtype={"published": str, "period": str}, keep_default_na=False)
    expected = ["indicator", "area_level", "area", "value", "decimals", "unit", "period", "published",
                "source", "note", "applies_to"]
    missing = [column for column in expected if column not in table.columns]
    if missing:
        raise DataError(f"{path}: missing column(s) {', '.join(missing)}")
    values = pd.to_numeric(table["value"], errors="coerce")
    if values.isna().any():
        row = int(values.isna().idxmax())
        raise DataError(f"{path}: row {row + 2}, column 'value': {table.at[row, 'value']!r} is not a number")
    table["value"] = values
    table["decimals"] = table["decimals"].astype(int)
    bad = table.loc[~table["area_level"].isin(COMPARATOR_LEVELS), "area_level"]
    if not bad.empty:
        raise DataError(f"{path}: row {bad.index[0] + 2}, column 'area_level': {bad.iloc[0]!r} is not one of "
                        f"{', '.join(COMPARATOR_LEVELS)}")
    for column in ("source", "period", "published", "area", "unit"):
        empty = table[column].str.strip() == ""
        if empty.any():
            raise DataError(f"{path}: row {int(empty.idxmax()) + 2}, column {column!r} is empty")
    return table


def load_reference_table(staged_dir: Path | str, reference_dir: Path | str | None,
                         contract: Contract) -> pd.DataFrame | None:
    """A reference table as staged (``<staged>/<name>.parquet``), else read through its contract; None if absent."""
    if is_staged(staged_dir, contract.name):
        return read_staged(staged_dir, contract.name)
    if reference_dir and contract.delivered_files(Path(reference_dir)):
        return read_table(contract, Path(reference_dir))
    return None


@dataclass(frozen=True)
class Cell:
    """One figure of Table 1: its value, how it is shown, and where it comes from."""

    value: float | None
    decimals: int = 1
    kind: str = "percent"
    basis: float | None = None       # the count a computed share rests on
    area: str = ""                   # the area a published comparator covers, if not the column's
    origin: str = ""                 # "computed" or "published"
    source: str = ""
    period: str = ""                 # what a published figure refers to, e.g. "31 March 2024"

    def text(self, threshold: int, *, with_area: bool = True) -> str:
        if self.value is None:
            return NOT_AVAILABLE
        shown = format_value(self.value, self.kind, decimals=self.decimals, threshold=threshold, basis=self.basis)
        return f"{shown} ({self.area})" if self.area and with_area else shown


@dataclass
class Population:
    """The borough's population and the Census and published figures Table 1 sets beside it."""

    borough: str
    borough_code: str
    year: int
    threshold: int
    estimates: pd.DataFrame                  # area_code, sex, age_band, population (the estimate year)
    ethnicity: pd.DataFrame | None = None    # TS021: area_code, ethnic_group_code, residents
    deprivation: pd.DataFrame | None = None  # TS011: area_code, total_households, hh_deprived_0..4
    orientation: pd.DataFrame | None = None  # TS077: area_code, usual_residents_16plus, ...
    mid2020: pd.DataFrame | None = None      # ONS mid-2020: area_code, sex (F/M/P), age_band, population

    @classmethod
    def compute(cls, staged_dir: Path | str, *, borough: str, period_end: str, threshold: int,
                reference_dir: Path | str | None = None) -> "Population":
        boroughs = reference.boroughs().set_index("borough_name")["borough_code"]
        end = pd.Timestamp(period_end)
        year_reported = report_year(end)
        population = load_population(staged_dir)
        years = [int(y) for y in population["year"].unique() if int(y) <= year_reported]
        if not years:
            raise DataError(f"the population extract has no mid-year estimate up to {year_reported}")
        year = max(years)
        estimates = population[population["year"] == year]
        return cls(
            borough=borough, borough_code=boroughs[borough], year=year, threshold=threshold,
            estimates=estimates.reset_index(drop=True),
            ethnicity=load_reference_table(staged_dir, reference_dir, ETHNIC_GROUP_LAD),
            deprivation=load_reference_table(staged_dir, reference_dir, DEPRIVATION_LAD),
            orientation=load_reference_table(staged_dir, reference_dir, SEXUAL_ORIENTATION_LAD),
            mid2020=load_reference_table(staged_dir, reference_dir, POPULATION_LAD_2020),
        )

    # -- building blocks -------------------------------------------------------
    def _area(self, frame: pd.DataFrame, area: str) -> pd.DataFrame:
        if area == "borough":
            return frame[frame["area_code"] == self.borough_code]
        if area == "london":
            return frame
        raise ValueError(area)

    def residents(self, area: str = "borough", *, sex: str | None = None) -> int:
        people = self._area(self.estimates, area)
        if sex is not None:
            people = people[people["sex"] == sex]
        return int(people["population"].sum())

    @uses(metric="girls_under_16")
    def female_children(self, area: str = "borough") -> float:
        """Women and girls under 16: bands 0-4 to 10-14 and a fifth of 15-19 (the bands are five years wide)."""
        female = self._area(self.estimates, area)
        female = female[female["sex"] == "F"].groupby("age_band")["population"].sum()
        return float(female.reindex(CHILD_BANDS, fill_value=0).sum()
                     + AGE_15_SHARE_OF_BAND * female.get("15-19", 0))

    @uses(metric="population_share")
    def sex_shares(self, area: str = "borough") -> dict[str, float]:
        """Female residents, women (16+) and girls (under 16), each as a percentage of all residents."""
        total, female = self.residents(area), self.residents(area, sex="F")
        children = self.female_children(area)
        return {"female": female / total * 100, "female_adults": (female - children) / total * 100,
                "female_children": children / total * 100, "female_count": female,
                "female_adult_count": female - children, "female_child_count": children}

    def median_age(self, area: str = "borough") -> float:
        """Median age of all residents, interpolated within the five-year band that holds it."""
        return median_from_bands(self._area(self.estimates, area).groupby("age_band")["population"].sum())

    def ethnic_shares(self, area: str = "borough") -> dict[str, float] | None:
        """Residents in White groups and in all other groups (TS021), as percentages, with the counts."""
        if self.ethnicity is None:
            return None
        table = self._area(self.ethnicity, area)
        total = table["residents"].sum()
        white = table.loc[table["ethnic_group_code"].isin(WHITE_CODES), "residents"].sum()
        return {"white": white / total * 100, "minority": (total - white) / total * 100,
                "white_count": int(white), "minority_count": int(total - white), "total": int(total)}

    def deprivation_shares(self, area: str = "borough") -> dict[str, float] | None:
        """Households deprived in exactly one, and in at least one, dimension (TS011), as percentages."""
        if self.deprivation is None:
            return None
        table = self._area(self.deprivation, area)
        total = table["total_households"].sum()
        one = table["hh_deprived_1"].sum()
        any_ = total - table["hh_deprived_0"].sum()
        return {"one": one / total * 100, "any": any_ / total * 100, "one_count": int(one),
                "any_count": int(any_), "total": int(total)}

    def orientation_shares(self, area: str = "borough") -> dict[str, float] | None:
        """Residents aged 16+ by sexual orientation (TS077), as percentages of all residents aged 16+."""
        if self.orientation is None:
            return None
        table = self._area(self.orientation, area)
        total = table["usual_residents_16plus"].sum()
        parts = {name: table[name].sum() for name in ("gay_lesbian", "bisexual", "other_sexual_orientation")}
        lgb = sum(parts.values())
        shares = {name: count / total * 100 for name, count in parts.items()}
        return {**shares, "lgb_plus": lgb / total * 100, "lgb_plus_count": int(lgb),
                **{f"{name}_count": int(count) for name, count in parts.items()}, "total": int(total)}

    def mid2020_residents(self, area: str = "borough", sex: str = "P") -> int | None:
        """All residents in the ONS mid-2020 estimate (2011-based), if the reference folder has it."""
        if self.mid2020 is None:
            return None
        table = self._area(self.mid2020, area)
        return int(table.loc[(table["sex"] == sex) & (table["age_band"] == "all_ages"), "population"].sum())

    # -- published comparators -------------------------------------------------
    def published(self, indicator: str, level: str) -> Cell:
        """The published figure for ``indicator`` at ``level`` (borough, london or national), if any."""
        table = published_comparators()
        rows = table[(table["indicator"] == indicator) & (table["area_level"] == level)]
        # A comparator chosen for one borough (e.g. the integrated care board covering it) applies to it alone.
        rows = rows[rows["applies_to"].isin(["", self.borough])]
        if level == "borough":
            rows = rows[rows["area"].str.casefold() == self.borough.casefold()]
        if rows.empty:
            return Cell(None)
        row = rows.iloc[-1]
        column_area = {"borough": self.borough, "london": "London", "national": NATIONAL}[level]
        kind = "percent" if row["unit"] == "percent" else "number"
        return Cell(float(row["value"]), int(row["decimals"]), kind,
                    area="" if row["area"] == column_area else row["area"], origin="published",
                    source=f"{row['source']}, {row['published'][:4]}", period=row["period"])

    # -- seed Table 1 -----------------------------------------------------------
    def at_risk_rows(self) -> pd.DataFrame:
        """One row per at-risk group: the borough, London and England and Wales, and where each comes from."""
        rows: list[dict] = []

        def add(characteristic: str, group: str, cells: dict[str, Cell]) -> None:
            rows.append({"characteristic": characteristic, "group": group,
                         **{level: cells[level] for level in COMPARATOR_LEVELS},
                         "source": describe_sources(cells, self.borough)})

        def computed(value: float | None, count: float | None, source: str, decimals: int = 1) -> Cell:
            if value is None:
                return Cell(None)
            return Cell(value, decimals, "percent", basis=count, origin="computed", source=source)

        estimates = f"{POPULATION_SOURCE}, mid-{self.year}"
        borough_sex, london_sex = self.sex_shares("borough"), self.sex_shares("london")
        for key, group in (("female", "Female (% of residents)"),
                           ("female_adults", "Women aged 16 and over (% of residents)"),
                           ("female_children", "Girls aged under 16 (% of residents)")):
            count_key = {"female": "female_count", "female_adults": "female_adult_count",
                         "female_children": "female_child_count"}[key]
            national = self.published("female_share", "national") if key == "female" else Cell(None)
            add("Sex", group, {"borough": computed(borough_sex[key], borough_sex[count_key], estimates, 2),
                               "london": computed(london_sex[key], london_sex[count_key], estimates, 2),
                               "national": national})
        self._published_row(add, "Gender", "Trans women (% aged 16 and over)", "trans_women")
        self._published_row(add, "Housing", "Households assessed as homeless (per 1,000 households)",
                            "homeless_assessed_rate")
        self._published_row(add, "Housing", "Single female parents (% of households in temporary accommodation)",
                            "temporary_accommodation_single_female_parent")
        self._published_row(add, "Housing", "Single adults (% of households in temporary accommodation)",
                            "temporary_accommodation_single_adult")
        self._published_row(add, "Housing", "Social renting (% of households)",
                            "social_rented")

        census = "ONS Census 2021, {table}"
        ethnic = {area: self.ethnic_shares(area) for area in ("borough", "london")}
        add("Ethnicity", "Asian, Black, Mixed or Other ethnic groups (% of residents)", {
            **{area: computed(shares["minority"], shares["minority_count"], census.format(table="TS021 Ethnic group"))
               if shares else Cell(None) for area, shares in ethnic.items()},
            "national": self.published("ethnic_minority", "national")})
        self._published_row(add, "Ethnicity", "Asian, Black, Mixed or Other ethnic groups (% of women and girls)",
                            "ethnic_minority_female")
        self._published_row(add, "Legal partnership", "Divorced (% aged 16 and over)", "divorced")
        self._published_row(add, "Legal partnership", "Divorced (% of women aged 16 and over)", "divorced_female")
        orientation = {area: self.orientation_shares(area) for area in ("borough", "london")}
        add("Sexual orientation", "LGB+ (% aged 16 and over)", {
                **{area: computed(shares["lgb_plus"], shares["lgb_plus_count"],
                                  census.format(table="TS077 Sexual orientation"))
                   if shares else Cell(None) for area, shares in orientation.items()},
                "national": self.published("lgb_plus", "national")})
        self._published_row(add, "Sexual orientation", "LGB+ (% of women aged 16 and over)", "lgb_plus_female")
        self._published_row(add, "Disability", "Disabled (% of residents)", "disabled")
        self._published_row(add, "Disability", "Disabled (% of women and girls)",
                            "disabled_female")
        self._published_row(add, "Disability", "Learning disability on the GP register (% of patients)",
                            "learning_disability_register")
        self._published_row(add, "Children and young people", "Children in need (per 10,000 children)", "children_in_need_rate")
        self._published_row(add, "Children and young people", "Children looked after (per 10,000 children)",
                            "looked_after_rate")
        deprivation = {area: self.deprivation_shares(area) for area in ("borough", "london")}
        for key, group, indicator in (
                ("one", "Deprived in exactly one dimension (% of households)", "deprived_one_dimension"),
                ("any", "Deprived in at least one dimension (% of households)", "deprived_any_dimension")):
            add("Deprivation", group, {
                **{area: computed(shares[key], shares[f"{key}_count"],
                                  census.format(table="TS011 Households by deprivation dimensions"))
                   if shares else Cell(None) for area, shares in deprivation.items()},
                "national": self.published(indicator, "national")})
        frame = pd.DataFrame(rows)
        for level in COMPARATOR_LEVELS:
            frame[f"{level}_text"] = [cell.text(self.threshold) for cell in frame[level]]
            frame[f"{level}_value"] = [cell.value for cell in frame[level]]
        return frame

    def _published_row(self, add, characteristic: str, group: str, indicator: str) -> None:
        add(characteristic, group, {level: self.published(indicator, level) for level in COMPARATOR_LEVELS})


@uses(metric="median_age_bands")
def median_from_bands(counts: pd.Series) -> float:
    """The median of a distribution given by age bands ("0-4" … "85-89", "90+"), by linear interpolation.

    >>> median_from_bands(pd.Series({"0-4": 10, "5-9": 10}))
    5.0
    """
    bands = sorted(counts.index, key=band_start)
    ordered = counts.reindex(bands).astype(float)
    half, before = ordered.sum() / 2, 0.0
    for band, count in ordered.items():
        if before + count >= half and count > 0:
            return float(band_start(band) + (half - before) / count * band_width(band))
        before += count
    raise ValueError("no residents")


def band_start(band: str) -> int:
    return int(band.rstrip("+").split("-")[0])


def band_width(band: str) -> int:
    if band.endswith("+"):
        return 5
    low, high = band.split("-")
    return int(high) - int(low) + 1


def describe_sources(cells: dict[str, Cell], borough: str) -> str:
    """The Source column: each distinct source once; computed figures say so, the others are published.

    The areas are named only when the row's figures come from more than one source.
    """
    names = {"borough": borough, "london": "London", "national": NATIONAL}
    groups: dict[tuple[str, str], list[str]] = {}
    for level in COMPARATOR_LEVELS:
        cell = cells[level]
        if cell.value is None:
            continue
        groups.setdefault((cell.origin, cell.source), []).append(names[level])
    parts = []
    for (origin, source), areas in groups.items():
        if len(groups) == 1:
            parts.append(f"Computed: {source}" if origin == "computed" else source)
        else:
            parts.append(f"{join_areas(areas)}: " + (f"computed, {source}" if origin == "computed" else source))
    return "; ".join(parts) if parts else "No figures available"


def join_areas(areas: list[str]) -> str:
    return areas[0] if len(areas) == 1 else ", ".join(areas[:-1]) + " and " + areas[-1]


# -- artifacts ---------------------------------------------------------------------

def table_at_risk_populations(analysis: Population) -> Table:
    data = analysis.at_risk_rows()
    return Table(
        id="tbl-at-risk-populations",
        caption=f"Groups at higher risk of VAWG: {analysis.borough} against London and England and Wales",
        data=data,
        columns=[
            # Every row names its characteristic: a blank cell reads as nothing to a screen reader.
            Column("Characteristic", "characteristic", "text"),
            Column("At-risk group", "group", "text"),
            Column(analysis.borough, "borough_text", "text"),
            Column("London", "london_text", "text"),
            Column(NATIONAL, "national_text", "text"),
            Column("Source", "source", "text"),
        ],
        source=(f"{POPULATION_SOURCE} (population extract, mid-{analysis.year}); ONS Census 2021; "
                "DfE; MHCLG; DHSC; each published figure's source and year are in the Source column"),
        notes=(
            "Computed: calculated for this edition from the population estimates and, when they are supplied, the "
            "open Census 2021 tables. Every other figure is published by the source named, with the year it was "
            "published; these are kept as reference data and updated when the publisher releases new ones.",
            "Girls aged under 16 are residents aged 0 to 14 plus a fifth of those aged 15 to 19, as the "
            "estimates come in five-year bands; women aged 16 and over are the other female residents.",
            "Disabled: limited a little or a lot in day-to-day activities (Equality Act definition). LGB+: gay or "
            "lesbian, bisexual, or another minority sexual orientation. A household is deprived in a dimension "
            "(education, employment, health and disability, housing) as defined for Census 2021.",
            "Where a comparator covers another area (England only, or the integrated care board), the cell "
            f"names it. \"{NOT_AVAILABLE}\": no figure for that area in the data or the published comparators.",
        ),
    )


def prose_values(analysis: Population) -> dict[str, tuple]:
    """Every number and data-driven sentence the section quotes: ``{key: (value, kind, decimals[, basis])}``."""
    a = analysis
    borough, london = a.sex_shares("borough"), a.sex_shares("london")
    total = a.residents("borough")
    median, london_median = a.median_age("borough"), a.median_age("london")
    values: dict[str, tuple] = {
        "population.year": (str(a.year), "text", 0),
        "population.total": (total, "count", 0),
        "population.female": (borough["female_count"], "count", 0),
        "population.female_share": (borough["female"], "percent", 1, borough["female_count"]),
        "population.male_share": (100 - borough["female"], "percent", 1),
        "population.london_female_share": (london["female"], "percent", 1),
        "population.female_share_comparison": (_compare(borough["female"], london["female"], 1), "text", 0),
        "population.girls_under_16": (round(borough["female_child_count"]), "count", 0),
        "population.median_age": (median, "number", 0),
        "population.london_median_age": (london_median, "number", 0),
        "population.median_age_comparison": (_compare(median, london_median, 0), "text", 0),
        "population.denominator_sentence": (_denominator_sentence(a), "text", 0),
        "population.ethnicity_sentence": (_ethnicity_sentence(a), "text", 0),
        "population.orientation_sentence": (_orientation_sentence(a), "text", 0),
        "population.deprivation_sentence": (_deprivation_sentence(a), "text", 0),
        "population.published_sentence": (_published_sentence(a), "text", 0),
    }
    return values


def _text(analysis: Population, value: float, kind: str = "percent", decimals: int = 1,
          basis: float | None = None) -> str:
    return format_value(value, kind, decimals=decimals, threshold=analysis.threshold, basis=basis)


def _compare(value: float, other: float, decimals: int) -> str:
    """ "higher than", "lower than", or "the same as" when the two look the same as published."""
    if round(value, decimals) == round(other, decimals):
        return phrase("population", "compare", "same")
    return phrase("population", "compare", "lower" if value < other else "higher")


def _denominator_sentence(a: Population) -> str:
    earlier = a.mid2020_residents("borough")
    if earlier is None:
        return phrase("population", "denominator", "no_earlier")
    return phrase("population", "denominator", "larger" if earlier > a.residents("borough") else "smaller",
                  earlier=_text(a, earlier, "count", 0), year=a.year)


def _ethnicity_sentence(a: Population) -> str:
    borough, london = a.ethnic_shares("borough"), a.ethnic_shares("london")
    national = a.published("white_share", "national")
    if borough is None or london is None:
        # The table may still hold published shares for women and girls: say so, or the two disagree.
        return phrase("population", "ethnicity", "not_supplied")
    words = {"white": _text(a, borough["white"], basis=borough["white_count"]), "borough": a.borough,
             "london_white": _text(a, london["white"]),
             "minority": _text(a, borough["minority"], basis=borough["minority_count"])}
    if national.value:
        return phrase("population", "ethnicity", "with_national", **words, national_white=national.text(a.threshold))
    return phrase("population", "ethnicity", "shown", **words)


def _orientation_sentence(a: Population) -> str:
    borough, london = a.orientation_shares("borough"), a.orientation_shares("london")
    if borough is None or london is None:
        return phrase("population", "orientation", "not_supplied")
    return phrase("population", "orientation", "higher" if borough["lgb_plus"] > london["lgb_plus"] else "lower",
                  gay_lesbian=_text(a, borough["gay_lesbian"], basis=borough["gay_lesbian_count"]),
                  bisexual=_text(a, borough["bisexual"], basis=borough["bisexual_count"]),
                  other=_text(a, borough["other_sexual_orientation"], basis=borough["other_sexual_orientation_count"]),
                  lgb_plus=_text(a, borough["lgb_plus"], basis=borough["lgb_plus_count"]),
                  london_lgb_plus=_text(a, london["lgb_plus"]))


def _deprivation_sentence(a: Population) -> str:
    borough, london = a.deprivation_shares("borough"), a.deprivation_shares("london")
    if borough is None or london is None:
        return phrase("population", "deprivation", "not_supplied")
    return phrase("population", "deprivation", "shown", borough=a.borough,
                  any=_text(a, borough["any"], basis=borough["any_count"]), london_any=_text(a, london["any"]),
                  one=_text(a, borough["one"], basis=borough["one_count"]), london_one=_text(a, london["one"]))


def _published_sentence(a: Population) -> str:
    """Disability, gender identity and children looked after, from the published comparators."""
    parts = []
    disabled = {level: a.published("disabled", level) for level in COMPARATOR_LEVELS}
    if disabled["borough"].value is not None:
        parts.append(phrase("population", "disabled", **{level: disabled[level].text(a.threshold)
                                                         for level in COMPARATOR_LEVELS}))
    different = a.published("gender_identity_different", "borough")
    trans = {level: a.published("trans_women", level) for level in COMPARATOR_LEVELS}
    if different.value is not None and trans["borough"].value is not None:
        parts.append(phrase("population", "gender_identity", different=different.text(a.threshold),
                            trans_women=trans["borough"].text(a.threshold),
                            london_trans_women=trans["london"].text(a.threshold)))
    looked_after = {level: a.published("looked_after_rate", level) for level in COMPARATOR_LEVELS}
    if looked_after["borough"].value is not None:
        national = looked_after["national"]
        national_area = national.area or NATIONAL
        parts.append(phrase("population", "looked_after", period=looked_after["borough"].period,
                            borough=looked_after["borough"].text(a.threshold),
                            london=looked_after["london"].text(a.threshold),
                            national=national.text(a.threshold, with_area=False), national_area=national_area))
    if not parts:
        return phrase("population", "none_published", borough=a.borough, not_available=NOT_AVAILABLE)
    return " ".join(parts)
