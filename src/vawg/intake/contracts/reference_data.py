"""Open reference data (DS-05, DS-06, DS-20): ONS/GLA boundaries, population and Census 2021 tables.

These files are read from the reference folder: the London copy shipped in
``data/open/`` (Open Government Licence; provenance in its SOURCES.md) unless
``--reference-dir`` or ``VAWG_REFERENCE_DIR`` names a newer download. They are staged as
``reference_*.parquet`` for the chapters that map, rank or compare areas
(maps, deprivation, Table 1). Column names are the publishers'; the staged
names are the project's (``area_code``, ``ward_code`` …). Each file is
optional: one that is missing is noted and skipped, one that is present must
meet its contract.

The synthetic (or delivered) ``population`` extract remains the denominator
of rates: the open population here is mid-2020 only.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from vawg.intake.contracts._spec import AGE_BANDS_5, Context, Contract, Field, RowCheck, borough_in_london, ward_in_borough

# Longitude and latitude that contain Greater London with a margin.
LONDON_BOUNDS = (-0.60, 51.24, 0.40, 51.75)
GEOMETRY_TYPES = ("Polygon", "MultiPolygon")
SINGLE_YEARS = tuple(str(age) for age in range(90)) + ("90+",)


def _within_london(frame: pd.DataFrame, context: Context) -> pd.Series:
    west, south, east, north = LONDON_BOUNDS

    def inside(text: str) -> bool:
        try:
            coordinates = np.asarray(_points(json.loads(text)["coordinates"]), dtype=float)
        except (ValueError, KeyError, TypeError):
            return False
        if coordinates.size == 0:
            return False
        lon, lat = coordinates[:, 0], coordinates[:, 1]
        return bool((lon >= west).all() and (lon <= east).all() and (lat >= south).all() and (lat <= north).all())

    return frame["geometry"].map(inside).astype(bool)


def _points(nested) -> list:
    if nested and isinstance(nested[0], (int, float)):
        return [nested[:2]]
    points = []
    for part in nested:
        points.extend(_points(part))
    return points


WITHIN_LONDON = RowCheck("within_london", "geometry",
                         "a polygon with longitude/latitude (CRS84) coordinates inside Greater London",
                         _within_london, needs=("geometry",))


def _parts_sum_to(total: str, parts: tuple[str, ...]) -> RowCheck:
    return RowCheck(f"{total}_is_the_sum", total, f"the sum of {', '.join(parts)}",
                    lambda frame, context: frame[list(parts)].sum(axis=1) == frame[total], needs=(total, *parts))


def _persons_are_female_plus_male(keys: tuple[str, ...], value: str) -> RowCheck:
    """Persons (sex P) equal females plus males for the same area and band."""

    def test(frame: pd.DataFrame, context: Context) -> pd.Series:
        wide = frame.pivot_table(index=list(keys), columns="sex", values=value, aggfunc="sum")
        if not {"F", "M", "P"} <= set(wide.columns):
            return pd.Series(True, index=frame.index)
        good = (wide["F"] + wide["M"] == wide["P"]).rename("good").reset_index()
        return frame[list(keys)].merge(good, on=list(keys), how="left")["good"].fillna(True).set_axis(frame.index)

    return RowCheck("persons_are_female_plus_male", value, "persons (sex P) equal to females plus males of the "
                    "same area and band", test, needs=(*keys, "sex", value))


def _count(name: str, description: str = "", stage_as: str | None = None) -> Field:
    return Field(name, "int", description, minimum=0, expected="a count of at least 0", stage_as=stage_as)


WARD_LOOKUP = Contract(
    name="reference_wards",
    title="ONS ward to local authority lookup (December 2022)",
    folder="geo",
    files="london_wards_2022_lookup.csv",
    formats=(".csv",),
    reference=True,
    fields=(
        Field("WD22CD", "code", "Ward code", unique=True, pattern=r"E05\d{6}", stage_as="ward_code",
              expected="a ward code: E05 and six digits"),
        Field("WD22NM", "text", "Ward name", stage_as="ward_name"),
        Field("LAD22CD", "code", "Local authority code", allowed=borough_in_london, stage_as="borough_code"),
        Field("LAD22NM", "text", "Local authority name", stage_as="borough_name"),
    ),
)

WARD_BOUNDARIES = Contract(
    name="reference_ward_boundaries",
    title="ONS ward boundaries (May 2022, super generalised)",
    folder="geo",
    files="london_wards_2022_ons_bsc.geojson",
    formats=(".geojson",),
    reference=True,
    fields=(
        Field("WD22CD", "code", "Ward code", unique=True, pattern=r"E05\d{6}", stage_as="ward_code",
              expected="a ward code: E05 and six digits"),
        Field("WD22NM", "text", "Ward name", stage_as="ward_name"),
        Field("LAD22CD", "code", "Local authority code", allowed=borough_in_london, stage_as="borough_code"),
        Field("LAD22NM", "text", "Local authority name", stage_as="borough_name"),
        Field("geometry_type", "category", "GeoJSON geometry type", allowed=GEOMETRY_TYPES),
        Field("geometry", "text", "GeoJSON geometry (longitude/latitude)"),
    ),
    row_checks=(ward_in_borough("WD22CD", "LAD22CD"), WITHIN_LONDON),
)

LAD_BOUNDARIES = Contract(
    name="reference_borough_boundaries",
    title="ONS local authority boundaries (December 2022, generalised)",
    folder="geo",
    files="london_lad22_ons_bgc.geojson",
    formats=(".geojson",),
    reference=True,
    fields=(
        Field("LAD22CD", "code", "Local authority code", unique=True, allowed=borough_in_london,
              stage_as="borough_code"),
        Field("LAD22NM", "text", "Local authority name", stage_as="borough_name"),
        Field("geometry_type", "category", "GeoJSON geometry type", allowed=GEOMETRY_TYPES),
        Field("geometry", "text", "GeoJSON geometry (longitude/latitude)"),
    ),
    row_checks=(WITHIN_LONDON,),
)

LSOA_LOOKUP = Contract(
    name="reference_lsoa_lookup",
    title="ONS LSOA (2021) to ward (2024) to local authority best-fit lookup",
    folder="geo",
    files="london_lsoa21_ward_lad_bestfit.csv",
    formats=(".csv",),
    reference=True,
    fields=(
        Field("lsoa21_code", "code", "LSOA code", unique=True, pattern=r"E01\d{6}",
              expected="an LSOA code: E01 and six digits"),
        Field("lsoa21_name", "text", "LSOA name"),
        Field("ward24_code", "code", "Ward code (2024 = 2022 in London)", stage_as="ward_code"),
        Field("ward24_name", "text", "Ward name", stage_as="ward_name"),
        Field("ltla24_code", "code", "Local authority code", allowed=borough_in_london, stage_as="borough_code"),
        Field("ltla24_name", "text", "Local authority name", stage_as="borough_name"),
    ),
    row_checks=(ward_in_borough("ward24_code", "ltla24_code"),),
)

POPULATION_LAD_2020 = Contract(
    name="reference_population_lad_2020",
    title="ONS mid-2020 population by local authority, sex and five-year age band",
    folder="population",
    files="london_mye_mid2020_lad_sex_age5.csv",
    formats=(".csv",),
    reference=True,
    unique_together=("lad21_code", "sex", "age_band"),
    fields=(
        Field("lad21_code", "code", "Local authority code", allowed=borough_in_london, stage_as="area_code"),
        Field("lad21_name", "text", "Local authority name", stage_as="area_name"),
        Field("sex", "category", "F, M or P (persons)", allowed=("F", "M", "P")),
        Field("age_band", "category", "Five-year age band, or all_ages", allowed=(*AGE_BANDS_5, "all_ages")),
        _count("population", "Residents at mid-2020"),
    ),
    row_checks=(_persons_are_female_plus_male(("lad21_code", "age_band"), "population"),),
)

POPULATION_WARD_2020 = Contract(
    name="reference_population_ward_2020",
    title="ONS mid-2020 small-area population by 2020 ward, sex and single year of age",
    folder="population",
    files="london_sape_mid2020_wards2020_sex_sya.csv",
    formats=(".csv",),
    reference=True,
    unique_together=("ward20_code", "sex"),
    fields=(
        Field("ward20_code", "code", "2020 ward code", pattern=r"E05\d{6}", expected="a ward code: E05 and six digits"),
        Field("ward20_name", "text", "2020 ward name"),
        Field("lad21_code", "code", "Local authority code", allowed=borough_in_london, stage_as="area_code"),
        Field("lad21_name", "text", "Local authority name", stage_as="area_name"),
        Field("sex", "category", "F, M or P (persons)", allowed=("F", "M", "P")),
        _count("all_ages", "Residents of all ages"),
        *(_count(age, f"Residents aged {age}") for age in SINGLE_YEARS),
    ),
    row_checks=(_parts_sum_to("all_ages", SINGLE_YEARS),
                _persons_are_female_plus_male(("ward20_code",), "all_ages")),
)

DEPRIVATION_COUNTS = tuple(f"hh_deprived_{n}" for n in range(5))
_DEPRIVATION_FIELDS = (_count("total_households", "Households"),
                       *(_count(name, f"Households deprived in {name[-1]} dimension(s)") for name in DEPRIVATION_COUNTS))

DEPRIVATION_LAD = Contract(
    name="reference_census_deprivation_lad",
    title="Census 2021 TS011 households by deprivation dimensions, local authorities",
    folder="census",
    files="london_ts011_household_deprivation_lad.csv",
    formats=(".csv",),
    reference=True,
    fields=(Field("lad_code", "code", "Local authority code", unique=True, allowed=borough_in_london,
                  stage_as="area_code"),
            Field("lad_name", "text", "Local authority name", stage_as="area_name"),
            *_DEPRIVATION_FIELDS),
    row_checks=(_parts_sum_to("total_households", DEPRIVATION_COUNTS),),
)

DEPRIVATION_LSOA = Contract(
    name="reference_census_deprivation_lsoa",
    title="Census 2021 TS011 households by deprivation dimensions, LSOAs",
    folder="census",
    files="london_ts011_household_deprivation_lsoa21.csv",
    formats=(".csv",),
    reference=True,
    fields=(Field("lsoa21_code", "code", "LSOA code", unique=True, pattern=r"E01\d{6}",
                  expected="an LSOA code: E01 and six digits"),
            Field("lsoa21_name", "text", "LSOA name"),
            Field("ward24_code", "code", "Best-fit ward code", stage_as="ward_code"),
            Field("ward24_name", "text", "Best-fit ward name", stage_as="ward_name"),
            Field("ltla24_code", "code", "Local authority code", allowed=borough_in_london, stage_as="area_code"),
            Field("ltla24_name", "text", "Local authority name", stage_as="area_name"),
            *_DEPRIVATION_FIELDS),
    row_checks=(_parts_sum_to("total_households", DEPRIVATION_COUNTS),
                ward_in_borough("ward24_code", "ltla24_code")),
)

DEPRIVATION_WARD = Contract(
    name="reference_census_deprivation_ward",
    title="Census 2021 TS011 households by deprivation dimensions, 2022 wards (best fit)",
    folder="census",
    files="london_ts011_household_deprivation_ward22_bestfit.csv",
    formats=(".csv",),
    reference=True,
    fields=(Field("lad_code", "code", "Local authority code", allowed=borough_in_london, stage_as="area_code"),
            Field("lad_name", "text", "Local authority name", stage_as="area_name"),
            Field("ward22_code", "code", "Ward code", unique=True, stage_as="ward_code"),
            Field("ward_name", "text", "Ward name"),
            *_DEPRIVATION_FIELDS),
    row_checks=(_parts_sum_to("total_households", DEPRIVATION_COUNTS), ward_in_borough("ward22_code", "lad_code")),
)

ETHNIC_GROUP_LAD = Contract(
    name="reference_census_ethnic_group_lad",
    title="Census 2021 TS021 ethnic group (20 categories), local authorities",
    folder="census",
    files="london_ts021_ethnic_group_lad.csv",
    formats=(".csv",),
    reference=True,
    unique_together=("Lower Tier Local Authorities Code", "Ethnic group (20 categories) Code"),
    fields=(
        Field("Lower Tier Local Authorities Code", "code", "Local authority code", allowed=borough_in_london,
              stage_as="area_code"),
        Field("Lower Tier Local Authorities", "text", "Local authority name", stage_as="area_name"),
        Field("Ethnic group (20 categories) Code", "int", "Category code (-8 = does not apply)", minimum=-8,
              maximum=19, stage_as="ethnic_group_code", expected="a category code from -8 to 19"),
        Field("Ethnic group (20 categories)", "text", "Category", stage_as="ethnic_group"),
        _count("Observation", "Usual residents", stage_as="residents"),
    ),
)

_ORIENTATIONS = ("straight_heterosexual", "gay_lesbian", "bisexual", "other_sexual_orientation", "not_answered")
_ORIENTATION_FIELDS = (_count("usual_residents_16plus", "Usual residents aged 16 and over"),
                       *(_count(name, name.replace("_", " ")) for name in _ORIENTATIONS))

SEXUAL_ORIENTATION_LAD = Contract(
    name="reference_census_sexual_orientation_lad",
    title="Census 2021 TS077 sexual orientation, local authorities",
    folder="census",
    files="london_ts077_sexual_orientation_lad.csv",
    formats=(".csv",),
    reference=True,
    fields=(Field("lad_code", "code", "Local authority code", unique=True, allowed=borough_in_london,
                  stage_as="area_code"),
            Field("lad_name", "text", "Local authority name", stage_as="area_name"),
            *_ORIENTATION_FIELDS),
    row_checks=(_parts_sum_to("usual_residents_16plus", _ORIENTATIONS),),
)

SEXUAL_ORIENTATION_MSOA = Contract(
    name="reference_census_sexual_orientation_msoa",
    title="Census 2021 TS077 sexual orientation, MSOAs",
    folder="census",
    files="london_ts077_sexual_orientation_msoa21.csv",
    formats=(".csv",),
    reference=True,
    fields=(Field("msoa21_code", "code", "MSOA code", unique=True, pattern=r"E02\d{6}",
                  expected="an MSOA code: E02 and six digits"),
            Field("msoa21_name", "text", "MSOA name"),
            Field("lad_code", "code", "Local authority code", allowed=borough_in_london, stage_as="area_code"),
            Field("lad_name", "text", "Local authority name", stage_as="area_name"),
            *_ORIENTATION_FIELDS),
    row_checks=(_parts_sum_to("usual_residents_16plus", _ORIENTATIONS),),
)

# The ward lookup first: later files' ward codes are checked against it.
REFERENCE_CONTRACTS: tuple[Contract, ...] = (
    WARD_LOOKUP,
    WARD_BOUNDARIES,
    LAD_BOUNDARIES,
    LSOA_LOOKUP,
    POPULATION_LAD_2020,
    POPULATION_WARD_2020,
    DEPRIVATION_LAD,
    DEPRIVATION_LSOA,
    DEPRIVATION_WARD,
    ETHNIC_GROUP_LAD,
    SEXUAL_ORIENTATION_LAD,
    SEXUAL_ORIENTATION_MSOA,
)
