"""vawg.analysis.police.offences: the offences are read as categories to save memory (issue 17), and every count
made from them is the count an analyst would make from the text, row by row."""

from __future__ import annotations

import random

import pandas as pd
import pytest

from vawg.analysis.police.crime_mix import crime_group_counts
from vawg.analysis.police.offences import CATEGORIES, COLUMNS, counts_by, load_offences, measured_abuse_types
from vawg.foundations import reference
from vawg.foundations.paths import staged_file


@pytest.fixture(scope="module")
def staged(tmp_path_factory):
    """A few hundred offences in three boroughs, with names padded by spaces and missing, dates over two years."""
    names = sorted(set(reference.abuse_type_offences()["vawg_offence_name"])) + ["Burglary", None]
    rows, pick = [], random.Random(17)
    for _ in range(600):
        name = pick.choice(names)
        rows.append({
            "recorded_date": pd.Timestamp("2023-01-01") + pd.Timedelta(days=pick.randrange(730)),
            # Out of order, so the categories' order cannot come from the file.
            "borough_code": pick.choice(["E09000033", "E09000007", "E09000012"]),
            "ward_code": pick.choice(["E05013729", "E05000130", "E05009367"]),
            "crime_group": pick.choice(["Violence Against The Person", "Sexual Offences", "Burglary"]),
            "crime_subgroup": pick.choice(["Rape", "Violence With Injury"]),
            "vawg_offence_name": None if name is None else pick.choice(["", " "]) + name + pick.choice(["", "  "]),
            "vawg": name not in (None, "Burglary"), "dva_flag": pick.random() < 0.3, "fgm_flag": pick.random() < 0.05,
            "forced_marriage_flag": pick.random() < 0.05, "hbv_flag": pick.random() < 0.05,
        })
    folder = tmp_path_factory.mktemp("staged")
    pd.DataFrame(rows)[COLUMNS].to_parquet(staged_file(folder, "police_offences"), index=False)
    return folder


def by_hand(row: dict, abuse_type: str, rule: str, field: str, names: set[str]) -> bool:
    """The flag rule of Appendix 6c, applied to one row of text."""
    if not row["vawg"]:
        return False
    if rule == "all_vawg":
        return True
    if rule == "extract_flag":
        return bool(row[field])
    return (row["vawg_offence_name"] or "").strip() in names


def test_offences_are_held_as_categories_in_sorted_order(staged):
    offences = load_offences(staged)
    for column in CATEGORIES:
        assert isinstance(offences[column].dtype, pd.CategoricalDtype), column
        categories = list(offences[column].cat.categories)
        assert categories == sorted(categories), column


def test_yearly_counts_match_a_count_of_the_text_row_by_row(staged):
    text = pd.read_parquet(staged_file(staged, "police_offences"))
    mapping = reference.abuse_type_offences().groupby("abuse_type")["vawg_offence_name"].apply(set)
    counted = counts_by(load_offences(staged), "year")
    assert list(counted.index.names) == ["borough_code", "year"]
    # Text keys, as before the change: the counts join with the text of other tables.
    assert not isinstance(counted.index.levels[0], pd.CategoricalIndex)
    assert list(counted.index) == sorted(counted.index)
    for rule in measured_abuse_types().itertuples():
        expected: dict[tuple[str, int], int] = {}
        for row in text.to_dict("records"):
            key = (row["borough_code"], row["recorded_date"].year)
            expected[key] = expected.get(key, 0) + by_hand(row, rule.abuse_type, rule.rule, rule.extract_field,
                                                           mapping.get(rule.abuse_type, set()))
        assert counted[rule.abuse_type].to_dict() == expected, rule.abuse_type
    assert counted["all_crime"].sum() == len(text)


def test_crime_group_counts_match_the_text(staged):
    text = pd.read_parquet(staged_file(staged, "police_offences"))
    in_year = text[text["recorded_date"].dt.year == 2024]
    counted = crime_group_counts(load_offences(staged), 2024)
    expected = in_year.groupby(["borough_code", "crime_group"])["vawg"].agg(all_crime="size", vawg="sum")
    pd.testing.assert_frame_equal(counted, expected.astype("int64"), check_index_type=True)


def test_reading_from_a_date_keeps_only_the_offences_recorded_since(staged):
    since = pd.Timestamp("2024-03-01")
    offences = load_offences(staged, since=since)
    text = pd.read_parquet(staged_file(staged, "police_offences"))
    assert len(offences) == (text["recorded_date"] >= since).sum() > 0
    assert offences["recorded_date"].min() >= since
